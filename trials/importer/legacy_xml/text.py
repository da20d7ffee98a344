"""Text, date and design-line readers for the legacy ClinicalTrials.gov XML.

The XML hard-wraps its ``textblock`` elements near 80 columns and shows lists as indented
``-  item`` or ``1. item`` blocks, one blank line between blocks. Every parser hands text on in
one shape (the outline of the common record: ``* item`` bullets, two spaces per nesting level,
blank lines between blocks), so these functions undo the XML layout without losing the nesting.
"""

import re

from trials.record import PartialDate
from trials.vocab import (
    Allocation,
    InterventionModel,
    ObservationalModel,
    PrimaryPurpose,
    TextChoices,
    TimePerspective,
    normalize,
    normalize_masking,
)

# "-  " is the XML's own bullet; "•" and "*" are bullets people typed; "12." is an ordered item.
# The number is capped at two digits because a wrapped line may start with "1982." or "154.".
_ITEM = re.compile(r"(-|\*|•|\d{1,2}\.)[ \t]+")
_BULLETS = frozenset("-*•")
_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n)+")

_MONTHS = {
    name: number
    for number, name in enumerate(
        (
            "january february march april may june july august september october november december"
        ).split(),
        start=1,
    )
}


def one_line(text: str | None) -> str:
    """A short value (title, name, code) with every run of white space made one space."""
    return " ".join(text.split()) if text else ""


def plain_text(text: str | None) -> str:
    """A free-text element that is not a textblock: line breaks kept, layout white space dropped.

    Outside textblocks the XML does not wrap lines, so a line break is the registrant's own and
    stays. The exception is a copy re-indented by a pretty-printer (its content starts on a line
    of its own): there the breaks are the printer's, and the lines are joined again.
    """
    if not text:
        return ""
    if "\n" not in text and "\r" not in text:
        return " ".join(text.split())
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    joiner = " " if not lines[0].strip() else "\n"
    paragraphs: list[list[str]] = [[]]
    for line in lines:
        words = line.split()
        if words:
            paragraphs[-1].append(" ".join(words))
        elif paragraphs[-1]:
            paragraphs.append([])
    return "\n\n".join(joiner.join(lines) for lines in paragraphs if lines)


def outline(text: str | None) -> str:
    """A textblock as the common outline: unwrapped paragraphs, ``* `` bullets, nesting kept.

    Each block (lines between blank lines) is one paragraph or one list item; its wrapped lines
    are joined. An item's nesting comes from where its marker stands relative to the open items
    above it, so right-aligned numbers (" 9." over "10.") stay siblings.
    """
    if not text or not text.strip():
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\t" in text:
        text = text.expandtabs(8)
    parts: list[str] = []
    open_items: list[tuple[int, int]] = []  # (marker column, text column) of each open level
    previous_in_list = False
    # The leading newlines make the split also eat any blank lines the textblock opens with.
    for block in _BLANK_LINES.split("\n\n" + text):
        stripped = block.lstrip(" ")
        if not stripped or stripped.isspace():
            continue
        indent = len(block) - len(stripped)
        match = _ITEM.match(stripped)
        if match:
            while open_items and indent < open_items[-1][1] - 1:
                marker_column, _ = open_items.pop()
                if indent >= marker_column - 1:
                    break
            body = " ".join(stripped[match.end() :].split())
            if not body:  # a marker alone says nothing
                continue
            marker = match[1]
            line = "  " * len(open_items) + ("*" if marker in _BULLETS else marker) + " " + body
            open_items.append((indent, indent + match.end()))
            in_list = True
        else:
            while open_items and indent < open_items[-1][1] - 1:
                open_items.pop()
            # A paragraph indented to an item's text belongs to that item.
            line = "  " * len(open_items) + " ".join(stripped.split())
            in_list = bool(open_items)
        if parts:
            parts.append("\n" if in_list and previous_in_list else "\n\n")
        parts.append(line)
        previous_in_list = in_list
    return "".join(parts)


def partial_date(text: str | None, kind: str = "") -> PartialDate | None:
    """ "March 2007" or "March 14, 2007" as a PartialDate exactly as precise; ValueError if odd."""
    if not text or not text.strip():
        return None
    words = text.replace(",", " ").split()
    if len(words) == 1 and re.fullmatch(r"\d{4}(-\d{2}){0,2}", words[0]):
        return PartialDate(words[0], kind)
    month = _MONTHS.get(words[0].lower()) if len(words) in (2, 3) else None
    if month is None or not words[-1].isdigit() or len(words[-1]) != 4:
        raise ValueError(f"{text.strip()!r} is not a date")
    if len(words) == 2:
        return PartialDate(f"{words[1]}-{month:02d}", kind)
    if not words[1].isdigit():
        raise ValueError(f"{text.strip()!r} is not a date")
    return PartialDate(f"{words[2]}-{month:02d}-{int(words[1]):02d}", kind)


# The old one-line study design also named an endpoint classification and a kind of control,
# which API v2 (and so the record) no longer holds: recognised, then left out.
_LABELS_NOT_KEPT = frozenset({"endpoint classification", "control", "study classification"})
_VALUES_NOT_KEPT = frozenset(
    {
        "safety study",
        "efficacy study",
        "safety/efficacy study",
        "bio-equivalence study",
        "bio-availability study",
        "pharmacokinetics study",
        "pharmacodynamics study",
        "pharmacokinetics/dynamics study",
        "placebo control",
        "active control",
        "uncontrolled",
        "historical control",
        "dose comparison",
    }
)
# label -> (record field, vocabulary)
_LABELLED: dict[str, tuple[str, type[TextChoices]]] = {
    "allocation": ("allocation", Allocation),
    "intervention model": ("intervention_model", InterventionModel),
    "primary purpose": ("primary_purpose", PrimaryPurpose),
    "observational model": ("observational_model", ObservationalModel),
    "time perspective": ("time_perspective", TimePerspective),
}
# Commas inside "Double Blind (Subject, Investigator)" do not separate parts.
_DESIGN_PART = re.compile(r"\s*,\s*(?![^()]*\))")


def design_line(text: str) -> tuple[dict[str, str], tuple[str, ...], list[str]]:
    """The design fields of an old one-line ``study_design``, who is masked, and what was not read.

    Two spellings exist: labelled ("Allocation: Randomized, Masking: Double Blind (Subject,
    Investigator), Primary Purpose: Treatment") and, before about 2010, bare values in no fixed
    order ("Treatment, Randomized, Open Label, Uncontrolled, Parallel Assignment, ...").
    """
    fields: dict[str, str] = {}
    who: tuple[str, ...] = ()
    unread: list[str] = []
    for part in _DESIGN_PART.split(text.strip()):
        if not part:
            continue
        label, colon, value = part.partition(":")
        label = label.strip().lower()
        if colon and (label in _LABELLED or label == "masking" or label in _LABELS_NOT_KEPT):
            parts = [(label, value.strip())]
        else:
            parts = [(known, part) for known in (*_LABELLED, "masking")]
        for label, value in parts:
            if label in _LABELS_NOT_KEPT or _fold(value) in _VALUES_NOT_KEPT:
                break
            field = _LABELLED[label][0] if label in _LABELLED else "masking"
            if field in fields:
                continue
            try:
                if field == "masking":
                    masking, masked = normalize_masking(value)
                    fields[field], who = str(masking), tuple(str(role) for role in masked)
                else:
                    fields[field] = str(normalize(_LABELLED[label][1], _drop_study(value)))
            except ValueError:
                continue
            break
        else:
            unread.append(part)
    return fields, who, unread


def _fold(text: str) -> str:
    return " ".join(text.split()).lower()


def _drop_study(value: str) -> str:
    # Old observational lines say "Prospective Study" where the vocabulary says "Prospective".
    return value[:-6] if value.lower().endswith(" study") else value
