"""The results' parts, in the structure ClinicalTrials.gov (and AACT) give them.

Results come in four tables of numbers, each reported per *group* of participants: participant
flow (periods, milestones, reasons for leaving), baseline characteristics and outcome measures
(measures, classes, categories, a measurement per group, statistical analyses), and adverse
events (a row per event term, numbers per group). Groups are named by their code in the record
("FG000", "BG001", "OG002", "EG000"); every count and measurement says which group it is of.

Numbers are kept as the source writes them (text: "12.5", "NA", "<0.001"), except counts the
API itself types as integers.
"""

from dataclasses import dataclass
from typing import ClassVar

from trials import vocab

from .declare import Grouping, choice, flag, names, number, parts, prose, text


def group_code(prefix: str, index: int) -> str:
    """API v2's code of the ``index``-th group (from 0) of a results table: "FG000" for the
    participant flow's first, "BG001", "OG002", "EG000"."""
    return f"{prefix}{index:03d}"


@dataclass(frozen=True)
class ResultGroup:
    """A group of participants as the results report them (usually an arm)."""

    KEY: ClassVar[str | None] = "id"
    id: str = text("id", column="code", label="Group ID")
    title: str = text("title")
    description: str = prose("description")


@dataclass(frozen=True)
class FlowCount:
    """Participants of one group reaching a milestone, or leaving for one reason."""

    group_id: str = text("groupId", column="group_code")
    comment: str = prose("comment")
    num_subjects: str = text("numSubjects")
    num_units: str = text("numUnits")


@dataclass(frozen=True)
class FlowMilestone:
    type: str = text("type")  # STARTED, COMPLETED, NOT COMPLETED or the study's own
    comment: str = prose("comment")
    achievements: tuple[FlowCount, ...] = parts("achievements")


@dataclass(frozen=True)
class DropWithdraw:
    type: str = text("type")  # the reason: "Adverse Event", "Lost to Follow-up"...
    comment: str = prose("comment")
    reasons: tuple[FlowCount, ...] = parts("reasons")


@dataclass(frozen=True)
class FlowPeriod:
    KEY: ClassVar[str | None] = None
    title: str = text("title")
    milestones: tuple[FlowMilestone, ...] = parts("milestones")
    drop_withdraws: tuple[DropWithdraw, ...] = parts("dropWithdraws")


@dataclass(frozen=True)
class DenomCount:
    group_id: str = text("groupId", column="group_code")
    value: str = text("value")


@dataclass(frozen=True)
class Denom:
    """How many were analysed, per group, in some unit (participants, eyes...)."""

    KEY: ClassVar[str | None] = None
    units: str = text("units")
    counts: tuple[DenomCount, ...] = parts("counts")


@dataclass(frozen=True)
class Measurement:
    group_id: str = text("groupId", column="group_code")
    value: str = text("value")
    spread: str = text("spread")
    lower_limit: str = text("lowerLimit")
    upper_limit: str = text("upperLimit")
    comment: str = prose("comment")


@dataclass(frozen=True)
class MeasureCategory:
    title: str = text("title")
    measurements: tuple[Measurement, ...] = parts("measurements")


@dataclass(frozen=True)
class MeasureClass:
    """A row group of a measure's table ("Age, Categorical" has classes; most have one)."""

    title: str = text("title")
    denoms: tuple[Denom, ...] = parts("denoms")
    categories: tuple[MeasureCategory, ...] = parts("categories")


@dataclass(frozen=True)
class BaselineMeasure:
    KEY: ClassVar[str | None] = None
    title: str = text("title")
    description: str = prose("description")
    population_description: str = prose("populationDescription")
    param_type: str = choice(vocab.MeasureParam, "paramType")
    dispersion_type: str = choice(vocab.MeasureDispersionType, "dispersionType")
    unit_of_measure: str = text("unitOfMeasure")
    calculate_pct: bool | None = flag("calculatePct")
    denom_units_selected: str = text("denomUnitsSelected")
    denoms: tuple[Denom, ...] = parts("denoms")
    classes: tuple[MeasureClass, ...] = parts("classes")


@dataclass(frozen=True)
class Analysis:
    """A statistical analysis of an outcome: the groups compared, the method, p-value and CI."""

    param_type: str = text("paramType")
    param_value: str = text("paramValue")
    dispersion_type: str = choice(vocab.AnalysisDispersionType, "dispersionType")
    dispersion_value: str = text("dispersionValue")
    statistical_method: str = text("statisticalMethod")
    statistical_comment: str = prose("statisticalComment")
    p_value: str = text("pValue", label="p-value")
    p_value_comment: str = prose("pValueComment")
    ci_num_sides: str = choice(vocab.ConfidenceIntervalNumSides, "ciNumSides", label="CI sides")
    ci_pct_value: str = text("ciPctValue", label="CI %")
    ci_lower_limit: str = text("ciLowerLimit", label="CI lower limit")
    ci_upper_limit: str = text("ciUpperLimit", label="CI upper limit")
    ci_lower_limit_comment: str = prose("ciLowerLimitComment")
    ci_upper_limit_comment: str = prose("ciUpperLimitComment")
    estimate_comment: str = prose("estimateComment")
    tested_non_inferiority: bool | None = flag("testedNonInferiority")
    non_inferiority_type: str = choice(vocab.NonInferiorityType, "nonInferiorityType")
    non_inferiority_comment: str = prose("nonInferiorityComment")
    other_analysis_description: str = prose("otherAnalysisDescription")
    group_description: str = prose("groupDescription")
    group_ids: tuple[str, ...] = names("groupIds", column="group_codes")


@dataclass(frozen=True)
class OutcomeResult:
    """An outcome measure as the results report it: its table, groups and analyses."""

    KEY: ClassVar[str | None] = None
    type: str = choice(vocab.OutcomeMeasureType, "type")
    title: str = text("title")
    description: str = prose("description")
    population_description: str = prose("populationDescription")
    reporting_status: str = choice(vocab.ReportingStatus, "reportingStatus")
    anticipated_posting_date: str = text("anticipatedPostingDate")
    param_type: str = choice(vocab.MeasureParam, "paramType")
    dispersion_type: str = choice(vocab.MeasureDispersionType, "dispersionType")
    unit_of_measure: str = text("unitOfMeasure")
    calculate_pct: bool | None = flag("calculatePct")
    time_frame: str = text("timeFrame")
    type_units_analyzed: str = text("typeUnitsAnalyzed")
    denom_units_selected: str = text("denomUnitsSelected")
    groups: tuple[ResultGroup, ...] = parts("groups")
    denoms: tuple[Denom, ...] = parts("denoms")
    classes: tuple[MeasureClass, ...] = parts("classes")
    analyses: tuple[Analysis, ...] = parts("analyses")


@dataclass(frozen=True)
class EventGroup(ResultGroup):
    """A group as the adverse events report it, with its totals."""

    KEY: ClassVar[str | None] = "id"
    deaths_num_affected: int | None = number("deathsNumAffected")
    deaths_num_at_risk: int | None = number("deathsNumAtRisk")
    serious_num_affected: int | None = number("seriousNumAffected")
    serious_num_at_risk: int | None = number("seriousNumAtRisk")
    other_num_affected: int | None = number("otherNumAffected")
    other_num_at_risk: int | None = number("otherNumAtRisk")


@dataclass(frozen=True)
class EventStat:
    group_id: str = text("groupId", column="group_code")
    num_events: int | None = number("numEvents")
    num_affected: int | None = number("numAffected")
    num_at_risk: int | None = number("numAtRisk")


@dataclass(frozen=True)
class AdverseEvent:
    """One event term (serious or other) and how many in each group had it."""

    KEY: ClassVar[str | None] = None
    GROUPING: ClassVar = Grouping(
        "resultsSection.adverseEventsModule.{kind}",
        {"kind": {vocab.EventKind.SERIOUS: "seriousEvents", vocab.EventKind.OTHER: "otherEvents"}},
    )
    kind: str = choice(vocab.EventKind)
    term: str = text("term")
    organ_system: str = text("organSystem")
    source_vocabulary: str = text("sourceVocabulary")
    assessment_type: str = choice(vocab.EventAssessment, "assessmentType")
    notes: str = prose("notes")
    stats: tuple[EventStat, ...] = parts("stats")
