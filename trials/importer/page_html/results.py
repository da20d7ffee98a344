"""The results a classic Study Results tab shows (the 2009-2016 layout).

The tab is a run of sections, each a "header2" title and a block: Participant Flow, Baseline
Characteristics, Outcome Measures, Serious and Other Adverse Events, Limitations and Caveats,
More Information. A saved page may show a section folded ("Show Outcome Measure 1"): its
tables are not in the page, so its fields stay in ``lacks``.

The page names groups by their titles; the record names them by API v2's codes, numbered in
page order ("FG000", "FG001"; "BG002" for the baseline's "Total"). A table whose layout is not
the one described here is left out, with a warning, rather than read in part.
"""

import re
from typing import NamedTuple

from bs4 import Tag

from trials.record import (
    BaselineMeasure,
    CertainAgreement,
    Denom,
    DenomCount,
    DropWithdraw,
    FlowCount,
    FlowMilestone,
    FlowPeriod,
    MeasureCategory,
    MeasureClass,
    Measurement,
    PointOfContact,
    ResultGroup,
    group_code,
)
from trials.vocab import AgreementRestrictionType, MeasureDispersionType, MeasureParam, normalize

from .values import Found, lines_of, outline, text_of

# What the page writes for a text the results left empty.
_NO_TEXT = "No text entered."
_PERIOD = re.compile(r"^Participant Flow\s*:\s*(?P<title>.+)$")
_UNITS = re.compile(r"^\[units:\s*(?P<units>.*)\]$")
# "Mean ± Standard Deviation", "Median (Full Range)", "Mean (95% Confidence Interval)".
_PARAM = re.compile(r"^(?P<param>[^±(]+?)\s*(?:±\s*(?P<spread>.+)|\((?P<range>.+)\))?$")
_SPREAD = re.compile(r"^(?P<value>\S+)\s*±\s*(?P<spread>\S+)$")
_COUNT = re.compile(r"^\d+$")
_RANGE = re.compile(r"^(?P<value>\S+)\s*\(\s*(?P<lower>\S+)\s+to\s+(?P<upper>\S+)\s*\)$")
_SPREADS = frozenset(
    {
        MeasureDispersionType.STANDARD_DEVIATION,
        MeasureDispersionType.STANDARD_ERROR,
        MeasureDispersionType.GEOMETRIC_COEFFICIENT,
    }
)
# Measures whose indented rows API v2 keeps as classes (each a titled class with one untitled
# category, as NCT01252810's "Region of Enrollment"); any other measure's indented rows are the
# categories of one untitled class (as API v2's "Sex: Female, Male").
_CLASS_ROWS = frozenset({"region of enrollment"})
_NOT_COMPLETED_REASONS = "reason not completed"
# The registry's standard embargo sentences, by API v2's restriction type.
_EMBARGOES = (
    ("less than or equal to 60 days", AgreementRestrictionType.LTE60),
    ("more than 60 days", AgreementRestrictionType.GT60),
)


class _Layout(Exception):
    """A table laid out otherwise than the parser knows: it is left out, with a warning."""


def read_results_sections(main: Tag, found: Found) -> None:
    """Every results section the page shows unfolded, into the record's results fields."""
    sections = _sections(main)
    if block := sections.get("participant flow"):
        _read_flow(block, found)
    if block := sections.get("baseline characteristics"):
        _read_baseline(block, found)
    for name in ("outcome measures", "serious adverse events", "other adverse events"):
        block = sections.get(name)
        if block is not None and block.find("table", class_="data_table") is not None:
            found.warnings.append(f"{name.capitalize()}: tables shown but not read; left out")
    if block := sections.get("limitations and caveats"):
        found.put("limitations", _boxed_text(block))
    if block := sections.get("more information"):
        _read_more_information(block, found)


def _sections(main: Tag) -> dict[str, Tag]:
    """Each "header2" section title (lower case) and the block that follows it."""
    sections: dict[str, Tag] = {}
    for title in main.find_all("span", class_="header2"):
        block = title.find_next_sibling("div")
        if isinstance(block, Tag):
            sections.setdefault(text_of(title).lower(), block)
    return sections


def _subsections(block: Tag) -> dict[str, Tag]:
    """Each "header3" subtitle of a section and the table (or block) that follows it."""
    found: dict[str, Tag] = {}
    for title in block.find_all("span", class_="header3"):
        following = title.find_next_sibling(["table", "div"])
        if isinstance(following, Tag):
            found.setdefault(text_of(title).rstrip(":"), following)
    return found


def _boxed_text(table: Tag) -> str:
    """The text of a one-cell box under its explaining heading; "" for "No text entered."."""
    cell = table.find("td")
    text = outline(cell) if isinstance(cell, Tag) else ""
    return "" if text == _NO_TEXT else text


def _groups(table: Tag, prefix: str) -> tuple[ResultGroup, ...]:
    """The "Reporting Groups" table: a title and a description a row, coded in page order."""
    groups: list[ResultGroup] = []
    for row in table.find_all("tr")[1:]:
        title, description = row.find("th"), row.find("td")
        if title is None or description is None:
            raise _Layout("a reporting group row without a title and a description")
        text = outline(description)
        groups.append(
            ResultGroup(
                group_code(prefix, len(groups)), text_of(title), "" if text == _NO_TEXT else text
            )
        )
    return tuple(groups)


def _columns(table: Tag, groups: tuple[ResultGroup, ...]) -> list[str]:
    """The group codes of a table's value columns, checked against the reporting groups."""
    header = table.find("tr")
    titles = [text_of(th) for th in header.find_all("th")[1:]] if header else []
    if titles != [group.title for group in groups]:
        raise _Layout(f"its columns {titles} are not the reporting groups")
    return [group.id for group in groups]


def _rows(table: Tag) -> list[tuple[Tag, list[str]]]:
    """Each row under the header: its label cell and the text of its value cells."""
    rows = []
    for row in table.find_all("tr")[1:]:
        cells = row.find_all(["th", "td"], recursive=False)
        if cells:
            rows.append((cells[0], [text_of(cell) for cell in cells[1:]]))
    return rows


def _read_flow(block: Tag, found: Found) -> None:
    parts = _subsections(block)
    if "Recruitment Details" in parts:
        found.put("flow_recruitment_details", _boxed_text(parts["Recruitment Details"]))
    if "Pre-Assignment Details" in parts:
        found.put("flow_pre_assignment_details", _boxed_text(parts["Pre-Assignment Details"]))
    groups = _reporting_groups(parts, "FG", "Participant flow", found)
    if groups is None:
        return
    found.put("flow_groups", groups)
    periods = []
    for title, table in parts.items():
        period = _PERIOD.match(title)
        if period is None:
            continue
        try:
            periods.append(_period(period["title"], table, groups))
        except _Layout as problem:
            found.warnings.append(f"Participant flow {title!r}: {problem}; flow left out")
            return
    found.put("flow_periods", tuple(periods))


def _reporting_groups(
    parts: dict[str, Tag], code: str, section: str, found: Found
) -> tuple[ResultGroup, ...] | None:
    """A section's reporting groups (none if it shows no such table); None, with a warning,
    when their table cannot be read."""
    if "Reporting Groups" not in parts:
        return ()
    try:
        return _groups(parts["Reporting Groups"], code)
    except _Layout as problem:
        found.warnings.append(f"{section} reporting groups: {problem}; left out")
        return None


def _period(title: str, table: Tag, groups: tuple[ResultGroup, ...]) -> FlowPeriod:
    """Milestone rows (STARTED, COMPLETED, NOT COMPLETED...), then any reasons for leaving.

    The reasons are taken to follow a "Reason Not Completed" row, indented as the baseline
    table indents a measure's rows; the corpus has no capture with reasons to confirm it, so
    an indented row anywhere else leaves the table out rather than being read as a milestone.
    """
    codes = _columns(table, groups)
    milestones: list[FlowMilestone] = []
    reasons: list[DropWithdraw] = []
    in_reasons = False
    for label, values in _rows(table):
        name = text_of(label)
        if name.lower() == _NOT_COMPLETED_REASONS:
            in_reasons = True
            continue
        if label.name == "td" and not in_reasons:
            raise _Layout(f"indented row {name!r} under no 'Reason Not Completed'")
        if len(values) != len(codes):
            raise _Layout(f"row {name!r} has {len(values)} values for {len(codes)} groups")
        if not all(_COUNT.match(value) for value in values):
            raise _Layout(f"row {name!r} has counts that are not whole numbers: {values}")
        counts = tuple(
            FlowCount(code, num_subjects=value) for code, value in zip(codes, values, strict=True)
        )
        if in_reasons:
            reasons.append(DropWithdraw(name, reasons=counts))
        else:
            milestones.append(FlowMilestone(name, achievements=counts))
    return FlowPeriod(title, tuple(milestones), tuple(reasons))


def _read_baseline(block: Tag, found: Found) -> None:
    parts = _subsections(block)
    if "Population Description" in parts:
        found.put("baseline_population_description", _boxed_text(parts["Population Description"]))
    groups = _reporting_groups(parts, "BG", "Baseline", found)
    if groups is None:
        return
    found.put("baseline_groups", groups)
    table = parts.get("Baseline Measures")
    if table is None:
        return
    try:
        denoms, measures = _measures(table, groups)
    except _Layout as problem:
        found.warnings.append(f"Baseline measures: {problem}; left out")
        return
    found.put("baseline_denoms", denoms)
    found.put("baseline_measures", measures)


def _measures(
    table: Tag, groups: tuple[ResultGroup, ...]
) -> tuple[tuple[Denom, ...], tuple[BaselineMeasure, ...]]:
    """The measures table: a heading row per measure, and its indented rows if it has any.

    The first row, "Number of Participants [units: participants]", is the number analysed.
    """
    codes = _columns(table, groups)
    denoms: list[Denom] = []
    measures: list[BaselineMeasure] = []
    heading: _Heading | None = None
    rows: list[tuple[str, list[str]]] = []

    def close() -> None:
        if heading is not None:
            measures.append(_measure(heading, rows, codes))

    for label, values in _rows(table):
        if len(values) != len(codes):
            raise _Layout(f"row {text_of(label)!r} has {len(values)} values for {len(codes)}")
        if label.name == "td":  # an indented row of the measure above
            if heading is None:
                raise _Layout(f"row {text_of(label)!r} belongs to no measure")
            rows.append((text_of(label), values))
            continue
        close()
        heading, rows = _heading(label), []
        if not measures and not denoms and heading.title == "Number of Participants":
            units = heading.units
            if not all(_COUNT.match(value) for value in values):
                raise _Layout(f"numbers of participants that are not whole numbers: {values}")
            denoms.append(
                Denom(
                    # API v2 capitalises the units analysed ("Participants"); the page does not.
                    units[:1].upper() + units[1:],
                    tuple(
                        DenomCount(code, value) for code, value in zip(codes, values, strict=True)
                    ),
                )
            )
            heading = None
        elif any(values):
            rows = [("", values)]
    close()
    return tuple(denoms), tuple(measures)


class _Heading(NamedTuple):
    """What a measure's heading cell says: "Age [units: years] Mean ± Standard Deviation"."""

    title: str
    units: str
    param: str
    dispersion: str
    description: str


def _heading(label: Tag) -> _Heading:
    aside = label.find("span", class_="body3")
    title = text_of(label, skip=lambda tag: tag is aside)
    units = param = dispersion = ""
    described = []
    for line in lines_of(aside) if isinstance(aside, Tag) else []:
        if unit := _UNITS.match(line):
            units = unit["units"]
        elif not param and (read := _param_line(line)):
            param, dispersion = read
        else:
            described.append(line)
    # The page prints no parameter line for a plain "Number" (API v2: NUMBER, as NCT01252810's
    # legacy "Region of Enrollment").
    return _Heading(
        title, units, param or MeasureParam.NUMBER.value, dispersion, "\n".join(described)
    )


def _param_line(line: str) -> tuple[str, str] | None:
    """API v2's parameter and dispersion of "Median (Full Range)"; None for another line."""
    shape = _PARAM.match(line)
    if shape is None:
        return None
    try:
        param = normalize(MeasureParam, shape["param"])
        dispersion = normalize(MeasureDispersionType, shape["spread"] or shape["range"] or "")
    except ValueError:
        return None
    return (param, dispersion) if param else None


def _measure(
    heading: _Heading, rows: list[tuple[str, list[str]]], codes: list[str]
) -> BaselineMeasure:
    title, units, param, dispersion, description = heading
    if not rows:
        raise _Layout(f"measure {title!r} has no values")

    def category(name: str, values: list[str]) -> MeasureCategory:
        return MeasureCategory(
            name,
            tuple(
                _measurement(code, value, dispersion)
                for code, value in zip(codes, values, strict=True)
            ),
        )

    if title.lower() in _CLASS_ROWS:
        classes = tuple(MeasureClass(name, categories=(category("", v),)) for name, v in rows)
    else:
        classes = (MeasureClass(categories=tuple(category(name, v) for name, v in rows)),)
    return BaselineMeasure(
        title=title,
        description=description,
        param_type=param,
        dispersion_type=dispersion,
        unit_of_measure=units,
        classes=classes,
    )


def _measurement(code: str, text: str, dispersion: str) -> Measurement:
    """ "68 ± 13" (a spread), "52 (40 to 61)" (a range) or a value alone, as the page writes it."""
    if not dispersion or text == "NA":
        return Measurement(code, text)
    if dispersion in _SPREADS:
        spread = _SPREAD.match(text)
        if spread is None:
            raise _Layout(f"{text!r} is not a value ± spread")
        return Measurement(code, spread["value"], spread["spread"])
    limits = _RANGE.match(text)
    if limits is None:
        raise _Layout(f"{text!r} is not a value (lower to upper)")
    return Measurement(
        code, limits["value"], lower_limit=limits["lower"], upper_limit=limits["upper"]
    )


def _read_more_information(block: Tag, found: Found) -> None:
    parts = _subsections(block)
    if "Certain Agreements" in parts:
        found.put("certain_agreement", _agreement(parts["Certain Agreements"]))
    if "Results Point of Contact" in parts:
        found.put("results_contact", _contact(parts["Results Point of Contact"]))


def _agreement(table: Tag) -> CertainAgreement:
    """Two sentences: whether the PIs are the sponsor's employees, and what restricts them."""
    employee, restriction = "", ""
    for cell in table.find_all("td"):
        sentence = text_of(cell)
        if sentence.startswith("Principal Investigators are"):
            employee = sentence
        elif sentence:
            restriction = sentence
    folded = " ".join(restriction.lower().split())
    restrictive = None if not restriction else not folded.startswith("there is not an agreement")
    kind = ""
    if restrictive:
        kind = next(
            (value for phrase, value in _EMBARGOES if phrase in folded),
            AgreementRestrictionType.OTHER.value,
        )
    return CertainAgreement(
        pi_sponsor_employee=(" NOT " not in f" {employee} ") if employee else None,
        restriction_type=kind,
        restrictive_agreement=restrictive,
        other_details=restriction if kind == AgreementRestrictionType.OTHER else "",
    )


def _contact(block: Tag) -> PointOfContact:
    """ "Name/Title:", "Organization:", "phone:" and "e-mail:" lines."""
    said: dict[str, str] = {}
    for line in lines_of(block):
        label, colon, value = line.partition(":")
        if colon:
            said[label.strip().lower()] = value.strip()
    phone, _, extension = said.get("phone", "").partition(" ext ")
    return PointOfContact(
        title=said.get("name/title", ""),
        organization=said.get("organization", ""),
        email=said.get("e-mail", ""),
        phone=phone.strip(),
        phone_ext=extension.strip(),
    )
