"""The legacy XML's ``<clinical_results>`` as the record's results parts.

The XML holds the same four tables as API v2 (participant flow, baseline, outcome measures,
adverse events) in ``x_list/x`` wrappers, but names its groups by a letter and a number from 1
("P1", "B2", "O1", "E3") where API v2 numbers them from 0 under a two-letter prefix ("FG000",
"BG001", "OG000", "EG002"): the record takes API v2's codes, so both forms read alike. The XML
also gives each adverse-event table's totals as "Total" rows, which API v2 (and the record) keep
on the event groups instead.
"""

import re

from trials.record import (
    AdverseEvent,
    Analysis,
    BaselineMeasure,
    CertainAgreement,
    Denom,
    DenomCount,
    DropWithdraw,
    EventGroup,
    EventStat,
    FlowCount,
    FlowMilestone,
    FlowPeriod,
    MeasureCategory,
    MeasureClass,
    Measurement,
    OutcomeResult,
    PointOfContact,
    ResultGroup,
    group_code,
)
from trials.vocab import (
    AgreementRestrictionType,
    AnalysisDispersionType,
    ConfidenceIntervalNumSides,
    EventAssessment,
    EventKind,
    MeasureDispersionType,
    MeasureParam,
    NonInferiorityType,
    OutcomeMeasureType,
    ReportingStatus,
)

from .node import Node
from .text import one_line, plain_text

_GROUP_ID = re.compile(r"([PBOE])(\d+)")
_RANGES = frozenset(
    {
        MeasureDispersionType.INTER_QUARTILE_RANGE,
        MeasureDispersionType.FULL_RANGE,
        MeasureDispersionType.CONFIDENCE_80,
        MeasureDispersionType.CONFIDENCE_90,
        MeasureDispersionType.CONFIDENCE_95,
        MeasureDispersionType.CONFIDENCE_975,
        MeasureDispersionType.CONFIDENCE_99,
        MeasureDispersionType.CONFIDENCE_OTHER,
    }
)
# The registry's standard sentences for the two fixed embargo periods.
_EMBARGO = (
    "the only disclosure restriction on the pi is that the sponsor can review results"
    " communications prior to public release and can embargo communications regarding trial"
    " results for a period that is "
)
_EMBARGOES = (
    (f"{_EMBARGO}less than or equal to 60 days", "LTE60"),
    (f"{_EMBARGO}more than 60 days", "GT60"),
)
# API v2's testedNonInferiority, stated by the pre-2017 combined types alone.
_TESTED = {
    NonInferiorityType.NON_INFERIORITY_OR_EQUIVALENCE: True,
    NonInferiorityType.NON_INFERIORITY_OR_EQUIVALENCE_LEGACY: True,
    NonInferiorityType.SUPERIORITY_OR_OTHER: False,
    NonInferiorityType.SUPERIORITY_OR_OTHER_LEGACY: False,
}
_POSTING_DATE = re.compile(r"(?:(\d{1,2})/)?(\d{4})")
_API_PREFIX = {"P": "FG", "B": "BG", "O": "OG", "E": "EG"}
# The "Total" rows of the events tables, by the EventGroup fields they fill.
_TOTALS = {
    "total, all-cause mortality": ("deaths_num_affected", "deaths_num_at_risk"),
    "total, serious adverse events": ("serious_num_affected", "serious_num_at_risk"),
    "total, other adverse events": ("other_num_affected", "other_num_at_risk"),
}


def group_id(raw: str | None) -> str:
    """API v2's code for an XML group ID: "P1" -> "FG000", "E12" -> "EG011"."""
    text = one_line(raw)
    match = _GROUP_ID.fullmatch(text)
    if not match:
        return text
    return group_code(_API_PREFIX[match[1]], int(match[2]) - 1)


def results(study: Node) -> dict[str, object]:
    """The record's results fields the study's ``<clinical_results>`` fills (none without it)."""
    node = study.child("clinical_results")
    if node.element is None:
        return {}
    flow = node.child("participant_flow")
    baseline = node.child("baseline")
    events = node.child("reported_events")
    return {
        "flow_recruitment_details": plain_text(flow.raw("recruitment_details")),
        "flow_pre_assignment_details": plain_text(flow.raw("pre_assignment_details")),
        "flow_groups": _groups(flow),
        "flow_periods": tuple(
            _period(period) for period in flow.child("period_list").children("period")
        ),
        "baseline_population_description": plain_text(baseline.raw("population")),
        "baseline_groups": _groups(baseline),
        "baseline_denoms": _denoms(baseline),
        "baseline_measures": tuple(
            _baseline_measure(m) for m in baseline.child("measure_list").children("measure")
        ),
        "outcome_results": tuple(
            _outcome(o) for o in node.child("outcome_list").children("outcome")
        ),
        **_events(events),
        "limitations": plain_text(node.raw("limitations_and_caveats")),
        "certain_agreement": _agreement(node.child("certain_agreements")),
        "results_contact": _point_of_contact(node.child("point_of_contact")),
    }


def _groups(node: Node) -> tuple[ResultGroup, ...]:
    return tuple(
        ResultGroup(
            id=group_id(g.element.get("group_id") if g.element is not None else ""),
            title=g.text("title"),
            description=plain_text(g.raw("description")),
        )
        for g in node.child("group_list").children("group")
    )


def _counts(node: Node, tag: str) -> tuple[FlowCount, ...]:
    return tuple(
        FlowCount(
            group_id=group_id(e.get("group_id")),
            comment=plain_text(e.text),
            num_subjects=one_line(e.get("count")),
        )
        for e in node.kids.get(tag, ())
    )


def _period(node: Node) -> FlowPeriod:
    return FlowPeriod(
        title=node.text("title"),
        milestones=tuple(
            FlowMilestone(
                type=m.text("title"),
                achievements=_counts(m.child("participants_list"), "participants"),
            )
            for m in node.child("milestone_list").children("milestone")
        ),
        drop_withdraws=tuple(
            DropWithdraw(
                type=d.text("title"), reasons=_counts(d.child("participants_list"), "participants")
            )
            for d in node.child("drop_withdraw_reason_list").children("drop_withdraw_reason")
        ),
    )


def _denoms(node: Node) -> tuple[Denom, ...]:
    return tuple(
        Denom(
            units=a.text("units"),
            counts=tuple(
                DenomCount(group_id(e.get("group_id")), one_line(e.get("value")))
                for e in a.child("count_list").kids.get("count", ())
            ),
        )
        for a in node.child("analyzed_list").children("analyzed")
    )


def _classes(node: Node, dispersion: str) -> tuple[MeasureClass, ...]:
    # A value "NA" of a measure given with a range (IQR, full range, CI) has its limits left
    # out in the XML; API v2 gives them as "NA" too, so the record does.
    absent = "NA" if dispersion in _RANGES else ""
    return tuple(
        MeasureClass(
            title=c.text("title"),
            denoms=_denoms(c),
            categories=tuple(
                MeasureCategory(
                    title=cat.text("title"),
                    measurements=tuple(
                        Measurement(
                            group_id=group_id(e.get("group_id")),
                            value=one_line(e.get("value")),
                            spread=one_line(e.get("spread")),
                            lower_limit=one_line(e.get("lower_limit"))
                            or (absent if e.get("value") == "NA" else ""),
                            upper_limit=one_line(e.get("upper_limit"))
                            or (absent if e.get("value") == "NA" else ""),
                            comment=plain_text(e.text),
                        )
                        for e in cat.child("measurement_list").kids.get("measurement", ())
                    ),
                )
                for cat in c.child("category_list").children("category")
            ),
        )
        for c in node.child("class_list").children("class")
    )


def _baseline_measure(node: Node) -> BaselineMeasure:
    dispersion = node.vocab(MeasureDispersionType, "dispersion")
    return BaselineMeasure(
        title=node.text("title"),
        description=plain_text(node.raw("description")),
        population_description=plain_text(node.raw("population")),
        param_type=node.vocab(MeasureParam, "param"),
        dispersion_type=dispersion,
        unit_of_measure=node.text("units"),
        denoms=_denoms(node),
        classes=_classes(node, dispersion),
    )


def _outcome(node: Node) -> OutcomeResult:
    # The XML splits an outcome in two: its identity (type, title, time frame, groups) and its
    # ``<measure>`` table; API v2 keeps both on one object.
    measure = node.child("measure")
    dispersion = measure.vocab(MeasureDispersionType, "dispersion")
    return OutcomeResult(
        type=node.vocab(OutcomeMeasureType, "type"),
        title=node.text("title"),
        description=plain_text(node.raw("description")),
        population_description=plain_text(node.raw("population") or measure.raw("population")),
        param_type=measure.vocab(MeasureParam, "param"),
        dispersion_type=dispersion,
        unit_of_measure=measure.text("units"),
        # An outcome whose results are still to come has no table, only a date they are due.
        reporting_status=(
            ReportingStatus.POSTED.value
            if measure.element is not None
            else ReportingStatus.NOT_POSTED.value
        ),
        anticipated_posting_date=_posting_date(node.text("posting_date")),
        time_frame=node.text("time_frame"),
        type_units_analyzed=measure.text("units_analyzed"),
        groups=_groups(node),
        denoms=_denoms(measure),
        classes=_classes(measure, dispersion),
        analyses=tuple(_analysis(a) for a in node.child("analysis_list").children("analysis")),
    )


def _posting_date(text: str) -> str:
    """ "12/2020" as API v2 gives it ("2020-12"); a year stays a year."""
    match = _POSTING_DATE.fullmatch(text)
    if not match:
        return text
    month, year = match.groups()
    return f"{year}-{int(month):02d}" if month else year


def _analysis(node: Node) -> Analysis:
    non_inferiority = node.vocab(NonInferiorityType, "non_inferiority_type")
    return Analysis(
        param_type=node.text("param_type"),
        param_value=node.text("param_value"),
        dispersion_type=node.vocab(AnalysisDispersionType, "dispersion_type"),
        dispersion_value=node.text("dispersion_value"),
        statistical_method=node.text("method"),
        statistical_comment=plain_text(node.raw("method_desc")),
        p_value=node.text("p_value"),
        p_value_comment=plain_text(node.raw("p_value_desc")),
        ci_num_sides=node.vocab(ConfidenceIntervalNumSides, "ci_n_sides"),
        ci_pct_value=node.text("ci_percent"),
        ci_lower_limit=node.text("ci_lower_limit"),
        ci_upper_limit=node.text("ci_upper_limit"),
        ci_upper_limit_comment=plain_text(node.raw("ci_upper_limit_na_comment")),
        estimate_comment=plain_text(node.raw("estimate_desc")),
        tested_non_inferiority=_TESTED.get(non_inferiority),  # type: ignore[call-overload]
        non_inferiority_type=non_inferiority,
        non_inferiority_comment=plain_text(node.raw("non_inferiority_desc")),
        other_analysis_description=plain_text(node.raw("other_analysis_desc")),
        group_description=plain_text(node.raw("groups_desc")),
        group_ids=tuple(group_id(g) for g in node.child("group_id_list").texts("group_id")),
    )


def _events(node: Node) -> dict[str, object]:
    if node.element is None:
        return {}
    totals: dict[str, dict[str, int | None]] = {}
    found: list[AdverseEvent] = []
    for tag, kind in (("serious_events", EventKind.SERIOUS), ("other_events", EventKind.OTHER)):
        table = node.child(tag)
        vocabulary = table.text("default_vocab")
        assessment = table.vocab(EventAssessment, "default_assessment")
        for category in table.child("category_list").children("category"):
            organ_system = category.text("title")
            for event in category.child("event_list").children("event"):
                term = event.text("sub_title")
                counts = event.kids.get("counts", ())
                if organ_system == "Total" and term.lower() in _TOTALS:
                    affected, at_risk = _TOTALS[term.lower()]
                    for e in counts:
                        group = totals.setdefault(group_id(e.get("group_id")), {})
                        group[affected] = _count(node, e.get("subjects_affected"))
                        group[at_risk] = _count(node, e.get("subjects_at_risk"))
                    continue
                sub_title = event.kids.get("sub_title")
                found.append(
                    AdverseEvent(
                        kind=kind.value,
                        term=term,
                        organ_system=organ_system,
                        source_vocabulary=one_line(sub_title[0].get("vocab") if sub_title else "")
                        or vocabulary,
                        assessment_type=event.vocab(EventAssessment, "assessment") or assessment,
                        notes=plain_text(event.raw("description")),
                        stats=tuple(
                            EventStat(
                                group_id=group_id(e.get("group_id")),
                                num_events=_count(node, e.get("events")),
                                num_affected=_count(node, e.get("subjects_affected")),
                                num_at_risk=_count(node, e.get("subjects_at_risk")),
                            )
                            for e in counts
                        ),
                    )
                )
    groups = tuple(
        EventGroup(
            id=group.id,
            title=group.title,
            description=group.description,
            **totals.get(group.id, {}),
        )
        for group in _groups(node)
    )
    return {
        "events_frequency_threshold": node.child("other_events").text("frequency_threshold"),
        "events_time_frame": node.text("time_frame"),
        "events_description": plain_text(node.raw("desc")),
        "event_groups": groups,
        "adverse_events": tuple(found),
    }


def _count(node: Node, raw: str | None) -> int | None:
    text = one_line(raw)
    return node.settle(lambda: int(text), "reported_events: not a count ", None) if text else None


def _agreement(node: Node) -> CertainAgreement | None:
    # The XML states each fact as a sentence ("Principal Investigators are NOT employed by the
    # organization sponsoring the study."); the registry's two standard embargo sentences stand
    # for API v2's restriction types, any other text is the sponsor's own terms (OTHER).
    if node.element is None:
        return None
    employee = node.text("pi_employee")
    terms = plain_text(node.raw("restrictive_agreement"))
    folded = " ".join(terms.lower().split())
    restrictive: bool | None = None
    restriction = details = ""
    if folded.startswith("there is not an agreement"):
        restrictive = False
    elif terms:
        restrictive = True
        restriction = next(
            (kind for sentence, kind in _EMBARGOES if folded.startswith(sentence)),
            AgreementRestrictionType.OTHER.value,
        )
        details = terms if restriction == AgreementRestrictionType.OTHER else ""
    return CertainAgreement(
        pi_sponsor_employee=(" NOT " not in employee) if employee else None,
        restriction_type=restriction,
        restrictive_agreement=restrictive,
        other_details=details,
    )


def _point_of_contact(node: Node) -> PointOfContact | None:
    if node.element is None:
        return None
    return PointOfContact(
        title=node.text("name_or_title"),
        organization=node.text("organization"),
        email=node.text("email"),
        phone=node.text("phone"),
        phone_ext=node.text("phone_ext"),
    )
