"""Values as the classic study pages write them: text and outlines, dates, ages, design lines,
and the labelled protocol rows the Full Text, Tabular and Results views share.

Text follows the common record's shape: runs of white space made one space, paragraphs apart
by a blank line, lists as an outline of ``* item`` lines indented two spaces per level.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from bs4 import NavigableString, Tag
from bs4.element import PreformattedString

from trials.record import PartialDate
from trials.vocab import (
    Allocation,
    DateType,
    InterventionModel,
    ObservationalModel,
    PrimaryPurpose,
    SamplingMethod,
    Sex,
    StdAge,
    StudyType,
    TimePerspective,
    normalize,
    normalize_masking,
    normalize_phases,
)

_SPACE = re.compile(r"\s+")
# Elements that end a line where they start and where they stop.
_BLOCKS = frozenset(
    "address blockquote dd div dl dt form h1 h2 h3 h4 h5 h6 li ol p pre table tbody td tfoot th "
    "thead tr ul".split()
)
_LISTS = ("ul", "ol")


@dataclass
class Found:
    """What one page shows: field values, the fields its layout can show, and open doubts."""

    values: dict[str, object] = field(default_factory=dict)
    shown: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)

    def put(self, name: str, value: object) -> None:
        self.values[name] = value
        self.shown.add(name)

    def choice(self, choices: type, raw: str, what: str) -> str:
        """``normalize`` that notes an unknown spelling instead of failing the whole study."""
        try:
            return normalize(choices, raw)
        except ValueError:
            self.warnings.append(f"{what}: {raw!r} is not a known value; left empty")
            return ""

    def date(self, raw: str, what: str, kind: str = "") -> PartialDate | None:
        try:
            return partial_date(raw, kind)
        except ValueError:
            self.warnings.append(f"{what}: {raw!r} is not a date; left empty")
            return None


def squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _walk(element: Tag, out: list[str], skip: Callable[[Tag], bool]) -> None:
    for child in element.children:
        if isinstance(child, PreformattedString):  # comments, CDATA, doctype
            continue
        if isinstance(child, NavigableString):
            out.append(_SPACE.sub(" ", str(child)))
        elif isinstance(child, Tag) and not skip(child):
            if child.name == "br":
                out.append("\n")
                continue
            block = child.name in _BLOCKS
            out.append("\n" if block else "")
            _walk(child, out, skip)
            out.append("\n" if block else "")


def _never(tag: Tag) -> bool:
    return False


def lines_of(element: Tag | None, skip: Callable[[Tag], bool] = _never) -> list[str]:
    """The non-empty lines a reader sees: ``<br>`` and block elements end a line."""
    if element is None:
        return []
    out: list[str] = []
    _walk(element, out, skip)
    return [line for line in (squash(part) for part in "".join(out).split("\n")) if line]


def text_of(element: Tag | None, skip: Callable[[Tag], bool] = _never) -> str:
    """All of an element's text on one line."""
    return " ".join(lines_of(element, skip))


def outline(element: Tag | None) -> str:
    """Rich text (paragraphs, ``<br>``, nested lists) as the common outline.

    Paragraphs are separated by a blank line, ``<br>`` keeps its line break, list items become
    ``* item`` (``1. item`` in an ordered list) indented two spaces per nesting level.
    """
    if element is None:
        return ""
    blocks: list[str] = []
    line: list[str] = []
    _outline_into(element, blocks, line)
    _flush(blocks, line)
    return "\n\n".join(blocks)


def _flush(blocks: list[str], line: list[str]) -> None:
    """End the paragraph being gathered; a blank line inside it (``<br><br>``) splits it."""
    paragraph: list[str] = []
    for part in [*"".join(line).split("\n"), ""]:
        if text := squash(part):
            paragraph.append(text)
        elif paragraph:
            blocks.append("\n".join(paragraph))
            paragraph = []
    line.clear()


def _outline_into(element: Tag, blocks: list[str], line: list[str]) -> None:
    for child in element.children:
        if isinstance(child, PreformattedString):
            continue
        if isinstance(child, NavigableString):
            line.append(_SPACE.sub(" ", str(child)))
        elif not isinstance(child, Tag):
            continue
        elif child.name == "br":
            line.append("\n")
        elif child.name in _LISTS:
            _flush(blocks, line)
            blocks.append("\n".join(_list_lines(child, 0)))
        elif child.name in _BLOCKS:
            _flush(blocks, line)
            _outline_into(child, blocks, line)
            _flush(blocks, line)
        else:
            _outline_into(child, blocks, line)


def _list_lines(element: Tag, depth: int) -> list[str]:
    start = str(element.get("start") or "1")
    number = int(start) if start.isdigit() else 1
    lines: list[str] = []
    for child in element.children:
        if not isinstance(child, Tag):
            continue
        if child.name in _LISTS:  # a list straight inside a list nests under the item before
            lines.extend(_list_lines(child, depth + 1))
            continue
        marker = f"{number}." if element.name == "ol" else "*"
        number += 1
        own = text_of(child, skip=lambda tag: tag.name in _LISTS)
        lines.append(f"{'  ' * depth}{marker} {own}".rstrip())
        for nested in child.find_all(_LISTS):
            if nested.find_parent("li") is child:
                lines.extend(_list_lines(nested, depth + 1))
    return lines


# Dates ------------------------------------------------------------------------------------------

_MONTH_NAMES = "january february march april may june july august september october november"
_MONTH_NAMES += " december"
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES.split(), start=1)}
_DATE = re.compile(r"^(?:(?P<month>[A-Za-z]+)\s+(?:(?P<day>\d{1,2}),?\s+)?)?(?P<year>\d{4})$")
# "June 2010 (Final data collection date for primary outcome measure)"
_ASIDE = re.compile(r"\s*\([^)]*\)\s*$")
_KIND_WORD = re.compile(r"^(Actual|Estimated|Anticipated)\s+", re.IGNORECASE)


def partial_date(raw: str, kind: str = "") -> PartialDate | None:
    """ "June 3, 2014" -> 2014-06-03, "June 2009" -> 2009-06, as precise as written."""
    text = _ASIDE.sub("", squash(raw))
    if not text:
        return None
    match = _DATE.match(text)
    month = _MONTHS.get((match["month"] or "").lower()) if match else None
    if match is None or (match["month"] and month is None):
        raise ValueError(f"{raw!r} is not a date")
    if month is None:
        return PartialDate(match["year"], kind)
    if match["day"] is None:
        return PartialDate(f"{match['year']}-{month:02d}", kind)
    return PartialDate(f"{match['year']}-{month:02d}-{int(match['day']):02d}", kind)


def typed_label(label: str) -> tuple[str, str]:
    """ "Estimated Study Completion Date" -> ("Study Completion Date", "ESTIMATED").

    Before 2017 an estimate was "Anticipated"; a label without the word says nothing, so "".
    """
    match = _KIND_WORD.match(label)
    if match is None:
        return label, ""
    return label[match.end() :], normalize(DateType, match[1])


# Eligibility ------------------------------------------------------------------------------------

_AGES = re.compile(
    r"^(?:(?P<low>\d+\s+\w+)\s+(?:to\s+(?P<high>\d+\s+\w+)|and\s+older)|up\s+to\s+(?P<cap>\d+\s+\w+))$",
    re.IGNORECASE,
)
_STD_AGES = re.compile(r"\s*\((?P<groups>[^)]*)\)\s*$")


def ages(raw: str) -> tuple[str, str, list[str]] | None:
    """Minimum, maximum and age groups of "18 Years to 90 Years (Adult, Older Adult)".

    None when the text is none of the page's spellings.
    """
    text = squash(raw)
    groups: list[str] = []
    aside = _STD_AGES.search(text)
    if aside:
        groups = [part.strip() for part in aside["groups"].split(",") if part.strip()]
        text = text[: aside.start()]
    if text.upper() in ("", "N/A"):
        return "", "", groups
    match = _AGES.match(text)
    if match is None:
        return None
    return match["low"] or "", match["high"] or match["cap"] or "", groups


def yes_no(raw: str) -> bool | None:
    folded = squash(raw).lower()
    if folded in ("yes", "accepts healthy volunteers"):
        return True
    return False if folded == "no" else None


# Design -----------------------------------------------------------------------------------------

_DESIGN_READ = {
    "allocation": ("allocation", Allocation),
    "intervention model": ("intervention_model", InterventionModel),
    "primary purpose": ("primary_purpose", PrimaryPurpose),
    "observational model": ("observational_model", ObservationalModel),
    "time perspective": ("time_perspective", TimePerspective),
}
# Shown by any design line: a part it leaves out does not apply to the study.
DESIGN_FIELDS = (
    "allocation",
    "intervention_model",
    "masking",
    "who_masked",
    "primary_purpose",
    "observational_model",
    "time_perspective",
)
_DESIGN_LABEL = re.compile(
    r"(Allocation|Endpoint Classification|Intervention Model|Masking|Primary Purpose|"
    r"Observational Model|Time Perspective)\s*:\s*",
    re.IGNORECASE,
)


def read_design(lines: Iterable[str], found: Found) -> None:
    """ "Allocation: Randomized; ...; Masking: Double Blind (Subject, Investigator)" lines.

    The page puts each part on its own line or joins them with "; ". Endpoint classification
    is no longer part of the record and is passed over.
    """
    found.shown.update(DESIGN_FIELDS)
    text = "; ".join(lines)
    labels = list(_DESIGN_LABEL.finditer(text))
    for index, label in enumerate(labels):
        end = labels[index + 1].start() if index + 1 < len(labels) else len(text)
        value = text[label.end() : end].strip(" ;,")
        name = label[1].lower()
        if name == "masking":
            try:
                masking, who = normalize_masking(value)
            except ValueError:
                found.warnings.append(f"Masking: {value!r} is not a known value; left empty")
                continue
            found.put("masking", masking)
            found.put("who_masked", who)
        elif name in _DESIGN_READ:
            field_name, choices = _DESIGN_READ[name]
            found.put(field_name, found.choice(choices, value, label[1]))


# Labelled rows ----------------------------------------------------------------------------------

Rows = dict[str, tuple[Tag, str]]


def label_rows(container: Tag) -> Rows:
    """Every two-cell "Label:" row under ``container``, by lower-case label without its kind.

    "Estimated Enrollment:" files under "enrollment" with the kind ESTIMATED.
    """
    rows: Rows = {}
    for row in container.find_all("tr"):
        cells = row.find_all(["td", "th"], recursive=False)
        label = text_of(cells[0]) if len(cells) == 2 else ""
        if label.endswith(":"):
            name, kind = typed_label(label.rstrip(":").strip())
            rows.setdefault(name.lower(), (cells[1], kind))
    return rows


def _first(rows: Rows, *labels: str) -> tuple[Tag, str] | None:
    return next((rows[label] for label in labels if label in rows), None)


def read_protocol_rows(rows: Rows, found: Found) -> None:
    """The design, date and eligibility rows every view labels alike."""
    if row := _first(rows, "study type"):
        study_type = text_of(row[0])
        found.put("study_type", found.choice(StudyType, study_type, "Study type"))
        if "[patient registry]" in study_type.lower():
            found.put("patient_registry", True)
    if row := _first(rows, "study design"):
        read_design(lines_of(row[0]), found)
    if row := _first(rows, "official title"):
        found.put("official_title", text_of(row[0]))
    if row := _first(rows, "condition", "conditions"):
        found.put("conditions", tuple(lines_of(row[0])))
    if row := _first(rows, "phase", "study phase"):
        try:
            found.put("phases", normalize_phases("/".join(lines_of(row[0]))))
        except ValueError:
            found.warnings.append(f"Phase {text_of(row[0])!r} is not a known phase; left empty")
    if row := _first(rows, "enrollment"):
        count = re.match(r"\d+", text_of(row[0]).replace(",", ""))
        found.put("enrollment", int(count[0]) if count else None)
        found.put("enrollment_type", row[1])
    for name, labels in (
        ("start", ("study start date", "start date")),
        ("primary_completion", ("primary completion date",)),
        ("completion", ("study completion date", "completion date")),
    ):
        if row := _first(rows, *labels):
            found.put(name, found.date(text_of(row[0]), name, row[1]))
    _read_eligibility_rows(rows, found)


def _read_eligibility_rows(rows: Rows, found: Found) -> None:
    if row := _first(rows, "ages eligible for study", "ages"):
        read = ages(text_of(row[0]))
        if read is None:
            found.warnings.append(f"Ages {text_of(row[0])!r} are in no known spelling; left empty")
            read = ("", "", [])
        found.put("minimum_age", read[0])
        found.put("maximum_age", read[1])
        if read[2]:
            found.put("std_ages", tuple(found.choice(StdAge, age, "Age group") for age in read[2]))
    sex_labels = ("sexes eligible for study", "genders eligible for study", "sex", "gender")
    if row := _first(rows, *sex_labels):
        found.put("sex", found.choice(Sex, text_of(row[0]), "Sex"))
    if row := _first(rows, "accepts healthy volunteers"):
        found.put("healthy_volunteers", yes_no(text_of(row[0])))
    if row := _first(rows, "sampling method"):
        method = found.choice(SamplingMethod, text_of(row[0]), "Sampling method")
        found.put("sampling_method", method)
