"""What the two JSON parsers share: reading the bytes, writing a study back, typed values that
warn instead of failing (``Reader``), and text clean-up.

The text functions turn a record's free text into the outline every parser writes: lines
stripped, runs of spaces collapsed, one blank line between blocks, list items as ``* item`` (or
``1. item`` where the source numbers them) indented two spaces per level, and no blank lines
inside a list.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from trials import vocab
from trials.record import PartialDate, RecordError

Markup = Callable[[object], str]

# CommonMark lets any ASCII punctuation be escaped; API v2 escapes <, >, [, ], &, ~, ^, * ...
_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_MARKDOWN_ITEM = re.compile(r"(?P<marker>[*+-]|\d{1,9}[.)])(?P<gap>[ \t]+|$)")
# Classic text lost its list markup; these are the bullets people typed themselves.
_PLAIN_ITEM = re.compile(r"(?P<marker>[*•·-]|\d{1,9}[.)])(?P<gap>[ \t]+)")
_SPACES = re.compile(r"[ \t]+")


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


def line(raw: object) -> str:
    """A one-line value (a title, a name, a label): stripped, white space runs made one space."""
    return " ".join(raw.split()) if isinstance(raw, str) else ""


def paragraphs(raw: object) -> str:
    """Plain text kept line by line, with at most one blank line between paragraphs."""
    if not isinstance(raw, str):
        return ""
    lines = [_SPACES.sub(" ", row).strip() for row in raw.splitlines()]
    text = "\n".join(lines).strip()
    return re.sub(r"\n{3,}", "\n\n", text)


@dataclass(frozen=True)
class _Row:
    text: str  # indented and marked, ready to print
    in_list: bool  # a list item, or a paragraph inside one
    after_blank: bool  # the source had a blank line before it


def markdown_outline(raw: object) -> str:
    """API v2 Markdown as plain outline text: escapes undone, list nesting re-indented.

    Markdown is not rendered: emphasis and links stay as typed. A line belongs to an open item
    when it is indented two columns or more past the item's marker: looser than CommonMark (which
    wants the item's text column, three under ``1. ``), because registrants indent two spaces to
    nest, and because the outline this returns nests by two, so reading it again changes nothing.
    """
    if not isinstance(raw, str):
        return ""
    rows: list[_Row] = []
    open_items: list[int] = []  # the text column of each open list item, outermost first
    after_blank = False
    # API v2 separates two adjacent lists with an empty HTML comment.
    for source_line in _COMMENT.sub("", raw).splitlines():
        expanded = source_line.expandtabs(4)
        body = expanded.strip()
        if not body:
            after_blank = True
            continue
        indent = len(expanded) - len(expanded.lstrip())
        while open_items and indent < open_items[-1]:
            open_items.pop()
        level = len(open_items)
        match = _MARKDOWN_ITEM.match(body)
        if match:
            open_items.append(indent + 2)
            text = _markdown_text(body[match.end() :])
            if text:  # an empty item ("-" alone) says nothing
                marker = "*" if match["marker"] in "*+-" else match["marker"]
                rows.append(_Row("  " * level + f"{marker} {text}", True, after_blank))
        else:
            rows.append(_Row("  " * level + _markdown_text(body), level > 0, after_blank))
        after_blank = False
    return _join(rows)


def plain_outline(raw: object) -> str:
    """Classic API text as outline text.

    The classic API joined each paragraph's hard wraps and dropped list markers and nesting:
    every line is a paragraph or one list item, and the items of one list sit on consecutive
    lines. So a block of several lines is a list (after an opening line that ends in a colon),
    a single line stays a paragraph, and nesting, which the source no longer shows, is not guessed.
    """
    if not isinstance(raw, str):
        return ""
    rows: list[_Row] = []
    for block in re.split(r"\n[ \t]*\n", raw.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [_SPACES.sub(" ", row).strip() for row in block.split("\n") if row.strip()]
        for index, text in enumerate(lines):
            after_blank = index == 0 and bool(rows)
            match = _PLAIN_ITEM.match(text)
            if match:
                marker = "*" if not match["marker"][0].isdigit() else match["marker"]
                rows.append(_Row(f"{marker} {text[match.end() :]}", True, after_blank))
            elif len(lines) > 1 and not (index == 0 and text.endswith(":")):
                rows.append(_Row(f"* {text}", True, after_blank))
            else:
                rows.append(_Row(text, False, after_blank))
    return _join(rows)


def _markdown_text(text: str) -> str:
    text = _SPACES.sub(" ", text).strip()
    if text.endswith("\\") and not text.endswith("\\\\"):
        text = text[:-1].rstrip()  # a backslash hard line break
    return _ESCAPE.sub(r"\1", text)


def _join(rows: list[_Row]) -> str:
    out: list[str] = []
    previous: _Row | None = None
    for row in rows:
        # A blank line sets off every block outside a list (headings, paragraphs), never an item.
        inside_list = previous is not None and previous.in_list and row.in_list
        if (
            previous is not None
            and not inside_list
            and (row.after_blank or previous.in_list != row.in_list)
        ):
            out.append("")
        out.append(row.text.rstrip())
        previous = row
    return "\n".join(out).strip("\n")


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
