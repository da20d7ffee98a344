"""What the two JSON parsers share: reading the bytes, writing a study back, typed values that
warn instead of failing (``Reader``), and text clean-up.

The text functions (``trials.text``) turn a record's free text into the outline every parser
writes.
"""

import json
from collections.abc import Callable
from typing import Any

from trials import vocab
from trials.record import PartialDate, RecordError

Markup = Callable[[object], str]


def load(data: bytes, source: str) -> Any:
    """The JSON document in ``data``; a RecordError saying where it breaks when it is not JSON."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RecordError(source, f"not UTF-8 text (byte {exc.start})") from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RecordError(
            source,
            f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
            f" (character {exc.pos})",
        ) from exc


def compact(document: Any) -> bytes:
    """``document`` as compact UTF-8 JSON: the bytes kept as one study's own source."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class Reader:
    """Reads typed values, noting in ``warnings`` what it could not make sense of."""

    def __init__(self, markup: Markup) -> None:
        self.markup = markup
        self.warnings: list[str] = []

    def enum(self, choices: type[vocab.TextChoices], raw: object) -> str:
        if raw is None or raw == "":
            return ""
        try:
            return vocab.normalize(choices, str(raw))
        except ValueError:
            self.warnings.append(f"{raw!r} is not a known {choices.__name__}: left blank")
            return ""

    def enums(self, choices: type[vocab.TextChoices], raw: object) -> tuple[str, ...]:
        values = (self.enum(choices, item) for item in (raw if isinstance(raw, list) else []))
        return tuple(value for value in values if value)

    def single(self, choices: type[vocab.TextChoices], raw: object, name: str) -> str:
        """One value, where the classic API still gives a list (observational model ...)."""
        if isinstance(raw, list):
            if len(raw) > 1:
                self.warnings.append(f"{name} lists {len(raw)} values; the first is kept")
            raw = raw[0] if raw else None
        return self.enum(choices, raw)

    def phases(self, raw: object) -> tuple[str, ...]:
        phases: list[str] = []
        for item in raw if isinstance(raw, list) else []:
            try:
                phases.extend(vocab.normalize_phases(str(item)))
            except ValueError:
                self.warnings.append(f"{item!r} is not a known Phase: left out")
        return tuple(phases)

    def masking(self, raw: object) -> tuple[str, tuple[str, ...]]:
        try:
            return vocab.normalize_masking(raw if isinstance(raw, str) else None)
        except ValueError:
            self.warnings.append(f"{raw!r} is not a known Masking: left blank")
            return "", ()

    def date(self, raw: object, date_type: object = None) -> PartialDate | None:
        if raw is None or raw == "":
            return None
        try:
            return PartialDate(str(raw).strip(), self.enum(vocab.DateType, date_type))
        except ValueError:
            self.warnings.append(f"{raw!r} is not a date: left out")
            return None

    def date_struct(self, struct: object) -> PartialDate | None:
        if not isinstance(struct, dict):
            return None
        return self.date(struct.get("date"), struct.get("type"))

    def boolean(self, raw: object, name: str) -> bool | None:
        if raw is None or isinstance(raw, bool):
            return raw
        self.warnings.append(f"{name} {raw!r} is neither true nor false: left blank")
        return None

    def count(self, raw: object) -> int | None:
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
        if isinstance(raw, str) and raw.strip().isdigit():
            return int(raw)
        if raw is not None:
            self.warnings.append(f"enrollment {raw!r} is not a whole number: left blank")
        return None
