"""One element of a legacy XML study, read as record values.

``Node`` sorts an element's children by tag in one pass: an ElementPath search per field costs
more, above all on the studies with a thousand sites. Its readers turn a value no vocabulary or
date format knows into a warning on the record rather than a lost study.
"""

from collections.abc import Callable
from functools import lru_cache

from lxml import etree

from trials.record import PartialDate
from trials.vocab import DateType, TextChoices, normalize, normalize_masking, normalize_phases

from .text import one_line, partial_date


@lru_cache(maxsize=1024)
def normalized(choices: type[TextChoices], raw: str) -> str:
    """``vocab.normalize`` as a plain string, remembered: the XML repeats a few dozen spellings."""
    # str(): a legacy spelling maps to an enum member; the record holds plain values.
    return str(normalize(choices, raw))


def masking(raw: str | None) -> tuple[str, tuple[str, ...]]:
    """``vocab.normalize_masking`` as plain strings."""
    value, who = normalize_masking(raw)
    return str(value), tuple(str(role) for role in who)


@lru_cache(maxsize=8192)
def _date(text: str | None, kind: str | None) -> PartialDate | None:
    # A bulk load meets the same few thousand dates over and over.
    return partial_date(text, normalized(DateType, kind) if kind else "")


@lru_cache(maxsize=64)
def _phases(raw: str) -> tuple[str, ...]:
    # normalize_phases splits on "/", which would cut the XML's "N/A" in two.
    return ("NA",) if raw == "N/A" else tuple(str(phase) for phase in normalize_phases(raw))


class Node:
    """An element's children by tag; readers share the record's list of warnings."""

    __slots__ = ("element", "kids", "warnings")

    def __init__(self, element: etree._Element | None, warnings: list[str]) -> None:
        self.element = element
        self.warnings = warnings
        self.kids: dict[object, list[etree._Element]] = {}
        if element is not None:
            kids = self.kids
            for child in element:
                tag = child.tag
                if tag in kids:
                    kids[tag].append(child)
                else:
                    kids[tag] = [child]

    def raw(self, tag: str) -> str | None:
        """The first ``tag`` child's text as the document has it."""
        found = self.kids.get(tag)
        return found[0].text if found else None

    def text(self, tag: str) -> str:
        """The first ``tag`` child's text on one line."""
        found = self.kids.get(tag)
        text = found[0].text if found else None
        return " ".join(text.split()) if text else ""

    def texts(self, tag: str) -> tuple[str, ...]:
        """Every ``tag`` child's text on one line, empty ones left out."""
        return tuple(text for e in self.kids.get(tag, ()) if (text := one_line(e.text)))

    def inner(self, path: str) -> str | None:
        """The raw text at a two-step path ("criteria/textblock")."""
        tag, _, leaf = path.partition("/")
        found = self.kids.get(tag)
        return found[0].findtext(leaf) if found else None

    def inner_texts(self, tag: str, leaf: str) -> tuple[str, ...]:
        """Every ``leaf`` text under the first ``tag`` child ("condition_browse", "mesh_term")."""
        found = self.kids.get(tag)
        if not found:
            return ()
        return tuple(text for e in found[0].iterchildren(leaf) if (text := one_line(e.text)))

    def child(self, tag: str) -> "Node":
        """The first ``tag`` child (an empty Node when there is none)."""
        found = self.kids.get(tag)
        return Node(found[0] if found else None, self.warnings)

    def children(self, tag: str) -> list["Node"]:
        """Every ``tag`` child."""
        return [Node(e, self.warnings) for e in self.kids.get(tag, ())]

    def vocab(self, choices: type[TextChoices], tag: str, attribute: str = "") -> str:
        """The API v2 value of a child's text (or attribute); "" and a warning when unknown."""
        found = self.kids.get(tag)
        raw = (found[0].get(attribute) if attribute else found[0].text) if found else None
        if raw is None:
            return ""
        try:
            return normalized(choices, raw)
        except ValueError as exc:
            self.warnings.append(f"{tag}: {exc}")
            return ""

    def date(self, tag: str) -> PartialDate | None:
        """A child date with its ``type`` attribute (Actual, Anticipated, Estimate)."""
        found = self.kids.get(tag)
        if not found:
            return None
        try:
            return _date(found[0].text, found[0].get("type"))
        except ValueError as exc:
            self.warnings.append(f"{tag}: {exc}")
            return None

    def number(self, tag: str) -> int | None:
        """A child's whole number."""
        text = self.text(tag)
        return self.settle(lambda: int(text), f"{tag}: not a count ", None) if text else None

    def phases(self, tag: str) -> tuple[str, ...]:
        """Phases from "Phase 1/Phase 2", "N/A", "Phase 0"."""
        return self.settle(lambda: _phases(self.text(tag)), f"{tag}: ", ())

    def masking(self, tag: str) -> tuple[str, tuple[str, ...]]:
        """Masking and who is masked from "Double (Participant, Investigator)" and older forms."""
        unmasked: tuple[str, tuple[str, ...]] = ("", ())
        return self.settle(lambda: masking(self.raw(tag)), f"{tag}: ", unmasked)

    def settle[T](self, read: Callable[[], T], context: str, fallback: T) -> T:
        """``read()``, or ``fallback`` with a warning when the value is in no known form."""
        try:
            return read()
        except ValueError as exc:
            self.warnings.append(f"{context}{exc}")
            return fallback
