"""The layout generations of the classic study page, and how far a capture reached in each.

Each generation prints its labels and sections in a fixed order. A ``Mark`` is one label or
section heading in that order, with the record fields it shows. A capture that stops part way
has reached a field when the field's mark is closed (the text goes on past its value), or, when
the study simply has no such mark, when a mark further down the page was found. Fields of marks
the capture never reached, and fields the layout never shows, are what the record ``lacks``.
"""

import dataclasses
import enum
import re
from dataclasses import dataclass

from trials.record import StudyRecord


class Layout(enum.StrEnum):
    CURRENT = "2017-2023 layout (labels 'Recruitment Status :', 'First Posted :')"
    OLD = "2009-2017 layout (status sentence, 'First received:' or 'Verified … by')"
    RECORD = "tabular record view (ct2/show/record)"
    RESULTS = "results tab (ct2/show/results)"


@dataclass(frozen=True)
class Mark:
    key: str
    pattern: re.Pattern[str]
    fields: frozenset[str]
    multi_line: bool = False  # a section that runs until the next mark, not one labelled line
    final: bool = False  # the page's last section: text ending inside it is not cut short
    one_line: bool = False  # a table whose whole body is the one line after it
    found_only: bool = False  # a label some pages of the generation print and others never do


def _mark(key: str, pattern: str, fields: str, **flags: bool) -> Mark:
    return Mark(key, re.compile(pattern), frozenset(fields.split()), **flags)


CONDITION_TABLE = re.compile(
    r"^Conditions?(?: or disease)?(?: Interventions?(?:/treatment)?)?(?: Phase)?$"
)
_STATUS = "overall_status last_known_status why_stopped"
_DESIGN = (
    "allocation intervention_model intervention_model_description masking who_masked "
    "masking_description primary_purpose observational_model time_perspective"
)
_ELIGIBILITY = (
    _mark("ages", r"^Ages Eligible for Study:", "minimum_age maximum_age std_ages"),
    _mark("sex", r"^(Sexes|Genders) Eligible for Study:", "sex gender_based"),
    _mark("healthy", r"^Accepts Healthy Volunteers:", "healthy_volunteers"),
    _mark("sampling", r"^Sampling Method:", "sampling_method"),
    _mark("population", r"^Study Population$", "study_population", multi_line=True),
    _mark(
        "criteria", r"^(Criteria|Inclusion Criteria:?)$", "eligibility_criteria", multi_line=True
    ),
    _mark(
        "sites",
        r"^(Please refer to this study by its (ClinicalTrials\.gov )?identifier|Locations$)",
        "sites",
        multi_line=True,
    ),
    _mark(
        "sponsors",
        r"^Sponsors and Collaborators$",
        "lead_sponsor collaborators officials responsible_party",
        multi_line=True,
    ),
)
_MORE_INFORMATION = (
    _mark("responsible", r"^Responsible Party:", ""),
    _mark("aliases", r"^Obsolete Identifiers?:", "nct_aliases"),
    _mark("ids", r"^Other Study ID Numbers:", "org_study_id secondary_ids", multi_line=True),
    _mark("keywords", r"^Keywords provided by", "keywords", multi_line=True),
    _mark("mesh", r"^Additional relevant MeSH terms:", "mesh_terms", multi_line=True, final=True),
)

# The page header of every layout since the 2017 redesign.
_POSTED_HEADER = (
    _mark("status", r"^Recruitment Status ?:", _STATUS),
    _mark("first_posted", r"^First Posted ?:", "first_posted"),
    _mark(
        "last_update_posted",
        r"^Last Update Posted ?:",
        "last_update_posted results_first_posted has_results",
    ),
)

ORDERS: dict[Layout, tuple[Mark, ...]] = {
    Layout.CURRENT: (
        *_POSTED_HEADER,
        _mark("summary", r"^Brief Summary:?$", "brief_summary", multi_line=True),
        # Since 2017 the condition table's cells collapse into one line when copied.
        _mark("conditions", CONDITION_TABLE.pattern, "conditions phases", one_line=True),
        _mark("description", r"^Detailed Description:?$", "detailed_description", multi_line=True),
        _mark("study_type", r"^Study Type ?:", "study_type patient_registry"),
        _mark(
            "enrollment",
            r"^(Actual |Estimated |Anticipated )?Enrollment ?:",
            "enrollment enrollment_type",
        ),
        _mark("allocation", r"^Allocation ?:", "allocation"),
        _mark("model", r"^Intervention Model ?:", "intervention_model"),
        _mark(
            "model_description",
            r"^Intervention Model Description ?:",
            "intervention_model_description",
        ),
        _mark("masking", r"^Masking ?:", "masking who_masked"),
        _mark("masking_description", r"^Masking Description ?:", "masking_description"),
        _mark("purpose", r"^Primary Purpose ?:", "primary_purpose"),
        _mark("observational_model", r"^Observational Model ?:", "observational_model"),
        _mark("time_perspective", r"^Time Perspective ?:", "time_perspective"),
        _mark("official_title", r"^Official Title ?:", "official_title"),
        _mark("start", r"^(Actual |Estimated )?Study Start Date ?:", "start"),
        _mark(
            "primary_completion",
            r"^(Actual |Estimated )?Primary Completion Date ?:",
            "primary_completion",
        ),
        _mark("completion", r"^(Actual |Estimated )?Study Completion Date ?:", "completion"),
        _mark(
            "arms",
            r"^(Arm|Group/Cohort) Intervention/treatment$",
            "arms interventions",
            multi_line=True,
        ),
        # Pipe captures drop the outcome headings and keep "- measure [ Time Frame: … ]" items.
        _mark(
            "outcomes",
            r"^((Primary|Secondary|Other) Outcome Measures ?:|[-•] .*\[ ?Time Frame:)",
            "outcomes",
            multi_line=True,
        ),
        *_ELIGIBILITY,
        *_MORE_INFORMATION[:3],
        _mark("verified", r"^Last Verified:", "status_verified"),
        *_MORE_INFORMATION[3:],
    ),
    Layout.OLD: (
        _mark(
            "status",
            r"^(This study|The recruitment status|Recruitment status of|Expanded access"
            r"|This treatment)",
            _STATUS,
        ),
        _mark("first_received", r"^First received:", "first_submitted", found_only=True),
        _mark("first_posted", r"^First Posted:", "first_posted", found_only=True),
        _mark("last_updated", r"^Last updated:", "last_update_submitted", found_only=True),
        _mark("last_update_posted", r"^Last Update Posted:", "last_update_posted", found_only=True),
        _mark(
            "last_verified",
            r"^(Last verified:|Verified \w+ \d{4})",
            "status_verified",
            found_only=True,
        ),
        _mark("summary", r"^Purpose$", "brief_summary", multi_line=True),
        _mark("conditions", CONDITION_TABLE.pattern, "conditions phases", multi_line=True),
        _mark("study_type", r"^Study Type:", "study_type patient_registry"),
        _mark("design", r"^Study Design:", _DESIGN, multi_line=True),
        _mark("official_title", r"^Official Title:", "official_title"),
        _mark(
            "outcomes",
            r"^(Primary|Secondary|Other) Outcome Measures?:",
            "outcomes",
            multi_line=True,
        ),
        _mark("enrollment", r"^(Estimated |Actual )?Enrollment:", "enrollment enrollment_type"),
        _mark("start", r"^Study Start Date:", "start"),
        _mark("completion", r"^(Estimated )?Study Completion Date:", "completion"),
        _mark(
            "primary_completion", r"^(Estimated )?Primary Completion Date:", "primary_completion"
        ),
        _mark(
            "arms",
            r"^(Arms|Groups/Cohorts|Arm|Group/Cohort)( Assigned Interventions)?$",
            "arms interventions",
            multi_line=True,
        ),
        _mark("description", r"^Detailed Description:$", "detailed_description", multi_line=True),
        *_ELIGIBILITY,
        *_MORE_INFORMATION,
    ),
    Layout.RECORD: (
        *_POSTED_HEADER,
        _mark("first_submitted", r"^First Submitted Date\b", "first_submitted"),
        _mark("start", r"^(Actual |Estimated )?Study Start Date\b", "start"),
        _mark(
            "primary_completion",
            r"^(Actual |Estimated )?Primary Completion Date\b",
            "primary_completion",
        ),
        _mark("outcomes", r"^Current Primary Outcome Measures\b", "outcomes", multi_line=True),
        _mark("descriptive", r"^Descriptive Information$", ""),
    ),
    Layout.RESULTS: (
        *_POSTED_HEADER,
        _mark(
            "study_type",
            r"^Study Type (?=Interventional|Observational|Expanded Access)",
            "study_type patient_registry",
        ),
        _mark("design", r"^Study Design (?=\S)", _DESIGN),
        _mark("conditions", r"^Conditions? (?=\S)", "conditions", multi_line=True),
        _mark("interventions", r"^Interventions? (?=\S)", "", multi_line=True),
        _mark("enrollment", r"^Enrollment (?=\d)", "enrollment"),
        # The tab prints both details rows, empty or not, above the participant flow table.
        _mark(
            "recruitment",
            r"^Recruitment Details\b",
            "flow_recruitment_details",
            multi_line=True,
        ),
        _mark(
            "pre_assignment",
            r"^Pre-assignment Details\b",
            "flow_pre_assignment_details",
            multi_line=True,
        ),
        # Its fields are those results.read_flow could tell apart, not the mark's.
        _mark("flow", r"^Arm/Group Title\b", "", multi_line=True),
    ),
}

_RESULTS_TAB = re.compile(
    r"^(Recruitment Details|Pre-assignment Details|Arm/Group Title|Participant Flow"
    r"|Study Type (Interventional|Observational|Expanded Access)"
    r"|Results Submitted - Not Posted|No Study Results Posted|Submission Cycle)\b"
)
_OLD_HEADER = re.compile(
    r"^(First received:|Last verified:|This study (has|is)|The recruitment status of this study)"
)


def detect_layout(lines: list[str]) -> Layout:
    """Which generation of the page (or which tab of it) the capture shows."""
    stripped = [line.strip() for line in lines]
    if any(line == "Tracking Information" or " ICMJE" in line for line in stripped):
        return Layout.RECORD
    if any(_RESULTS_TAB.match(line) for line in stripped):
        return Layout.RESULTS
    if any(_OLD_HEADER.match(line) for line in stripped[:200]):
        return Layout.OLD
    return Layout.CURRENT


def find_marks(lines: list[str], layout: Layout, start: int) -> dict[str, int]:
    """The line of each mark of the layout: its first occurrence from ``start`` on."""
    found: dict[str, int] = {}
    for mark in ORDERS[layout]:
        for index in range(start, len(lines)):
            if mark.pattern.match(lines[index].strip()):
                found[mark.key] = index
                break
    return found


def is_closed(lines: list[str], found: dict[str, int], key: str, layout: Layout) -> bool:
    """Whether the text goes on past everything the mark at ``found[key]`` shows."""
    mark = next(m for m in ORDERS[layout] if m.key == key)
    line = found[key]
    if mark.final:
        return True
    if mark.multi_line:
        return any(other > line for other in found.values())
    last = max((i for i, text in enumerate(lines) if text.strip()), default=-1)
    if mark.one_line:
        body = next((i for i in range(line + 1, len(lines)) if lines[i].strip()), last)
        return body < last
    value_line = line
    label = mark.pattern.match(lines[line].strip())
    if label is not None and not lines[line].strip()[label.end() :].strip(" :"):
        value_line = next((i for i in range(line + 1, len(lines)) if lines[i].strip()), line)
    return value_line < last


_NOT_FIELDS = frozenset({"nct_id", "brief_title", "acronym", "source_format", "lacks", "warnings"})
ALL_FIELDS = frozenset(f.name for f in dataclasses.fields(StudyRecord)) - _NOT_FIELDS


def reached_fields(lines: list[str], found: dict[str, int], layout: Layout) -> set[str]:
    """The record fields whose part of the page the capture reached in full."""
    order = ORDERS[layout]
    reached: set[str] = set()
    for index, mark in enumerate(order):
        if mark.key in found:
            if is_closed(lines, found, mark.key, layout):
                reached |= mark.fields
        elif not mark.found_only and any(m.key in found for m in order[index + 1 :]):
            # The page goes on past where this label would stand: the study has none.
            reached |= mark.fields
    return reached
