"""The legacy XML's results, contacts and references, read on real corpus records.

The corpus holds no study both as legacy XML and as API v2 JSON; the two studies it holds as
legacy XML with results and as classic API JSON (NCT00023673, NCT02028676) carry the results in
the classic file in API v2's layout under CamelCase names. The classic parser does not convert
that section yet, so the XML record is compared here with the classic file's own values.
"""

import json
from typing import Any

import pytest
from django.db import transaction

from tests.corpus import CORPUS, read
from trials import store
from trials.importer import legacy_xml
from trials.importer.legacy_xml.results import group_id
from trials.models import Study
from trials.record import Contact, Reference, StudyRecord
from trials.vocab import (
    EventAssessment,
    MeasureParam,
    OutcomeMeasureType,
    ReportingStatus,
    normalize,
)


def parse(name: str) -> StudyRecord:
    return legacy_xml.parse(read(f"xml/{name}"), name)


def test_xml_group_ids_become_api_v2_codes():
    assert [group_id(raw) for raw in ("P1", "B2", "O10", "E3")] == [
        "FG000",
        "BG001",
        "OG009",
        "EG002",
    ]
    assert group_id("X1") == "X1"  # not the XML's form: kept as written


def test_flow_groups_periods_and_counts():
    record = parse("NCT02028676.xml")
    assert [(g.id, g.title) for g in record.flow_groups[:2]] == [
        ("FG000", "Clinically Driven Monitoring (CDM)"),
        ("FG001", "Laboratory Plus Clinical Monitoring (LCM)"),
    ]
    started = record.flow_periods[0].milestones[0]
    assert started.type == "STARTED"
    assert (started.achievements[0].group_id, started.achievements[0].num_subjects) == (
        "FG000",
        "606",
    )
    assert record.flow_recruitment_details.startswith("All recruited children (n=1206)")


def test_baseline_measure_with_its_class_category_and_measurement():
    record = parse("NCT02028676.xml")
    assert record.baseline_groups[0].id == "BG000"
    assert record.baseline_denoms[0].units == "Participants"
    assert record.baseline_denoms[0].counts[0].value == "606"
    age = record.baseline_measures[0]
    assert (age.title, age.param_type) == ("Age", MeasureParam.MEDIAN.value)
    first = age.classes[0].categories[0].measurements[0]
    assert first.group_id == "BG000"
    assert first.value and first.lower_limit and first.upper_limit


def test_outcome_measurement_with_spread_and_analysis_p_value():
    record = parse("NCT02028676.xml")
    outcome = record.outcome_results[0]
    assert outcome.type == OutcomeMeasureType.PRIMARY.value
    assert outcome.title.startswith("LCM vs CDM: Disease Progression")
    assert [g.id for g in outcome.groups] == ["OG000", "OG001"]
    analysis = outcome.analyses[0]
    assert analysis.group_ids == ("OG000", "OG001")
    assert (analysis.p_value, analysis.statistical_method) == ("0.59", "Log Rank")
    assert (analysis.ci_num_sides, analysis.ci_lower_limit, analysis.ci_upper_limit) == (
        "TWO_SIDED",
        "0.73",
        "1.73",
    )
    spread = [
        m
        for o in record.outcome_results
        for c in o.classes
        for cat in c.categories
        for m in cat.measurements
        if m.spread
    ]
    assert spread, "some outcome of NCT02028676 reports a dispersion"


def test_adverse_event_totals_land_on_the_groups_not_in_the_events():
    record = parse("NCT02028676.xml")
    group = record.event_groups[0]
    assert (group.id, group.serious_num_affected, group.serious_num_at_risk) == ("EG000", 147, 606)
    assert (group.other_num_affected, group.other_num_at_risk) == (190, 606)
    assert all(e.organ_system != "Total" for e in record.adverse_events)
    first = record.adverse_events[0]
    assert (first.kind, first.term, first.organ_system) == (
        "SERIOUS",
        "Clinical Anaemia",
        "Blood and lymphatic system disorders",
    )
    assert first.assessment_type == EventAssessment.SYSTEMATIC_ASSESSMENT.value
    assert (first.stats[0].num_events, first.stats[0].num_affected) == (18, 17)
    assert record.events_frequency_threshold == "5"


def test_references_with_pmids_and_kinds():
    record = parse("NCT02028676.xml")
    assert record.references[0] == Reference(
        pmid="23473847",
        type="RESULT",
        citation=record.references[0].citation,
    )
    assert record.references[0].citation.startswith("ARROW Trial team")
    assert record.see_also_links[0].url == "http://www.arrowtrial.org/"
    assert record.oversight_has_dmc is True
    background = parse("NCT00001177.xml").references
    assert [(r.pmid, r.type) for r in background][:1] == [("1404717", "BACKGROUND")]


def test_central_and_site_contacts():
    record = parse("NCT00928707.xml")
    site = record.sites[0]
    assert site.contacts[0] == Contact(
        "Alessandro Rambaldi, MD",
        "CONTACT",
        "+39 035 269492",
        email="arambaldi@ospedaliriuniti.bergamo.it",
    )
    assert {c.role for c in site.contacts[1:]} <= {"SUB_INVESTIGATOR", "PRINCIPAL_INVESTIGATOR"}
    assert any(parse(name).central_contacts for name in ("NCT00928707.xml", "NCT03435185.xml"))


def test_what_the_xml_never_shows_is_lacked_so_an_import_keeps_it():
    record = parse("NCT02028676.xml")
    for name in ("browse_leaves", "browse_branches", "bmi_min", "bmi_max", "version_holder"):
        assert name in record.lacks
    assert "outcome_results" not in record.lacks


def test_outcomes_still_to_be_posted_say_when():
    outcomes = parse("NCT01207388.xml").outcome_results
    waiting = [o for o in outcomes if o.reporting_status == "NOT_POSTED"]
    assert waiting and all(not o.classes for o in waiting)
    assert {o.anticipated_posting_date for o in waiting} <= {"2020-12", "2020-01", "2025", ""}
    assert any(o.reporting_status == "POSTED" and o.classes for o in outcomes)


def test_certain_agreements_read_from_their_sentences():
    standard = parse("NCT00008385.xml").certain_agreement
    assert standard is not None
    assert (standard.restrictive_agreement, standard.restriction_type) == (True, "LTE60")
    assert standard.other_details == ""
    own = parse("NCT01357915.xml").certain_agreement
    assert own is not None
    assert (own.restrictive_agreement, own.restriction_type) == (True, "OTHER")
    assert own.other_details.startswith("GSK agreements may vary")
    none = parse("NCT02028676.xml").certain_agreement
    assert none is not None
    assert (none.pi_sponsor_employee, none.restrictive_agreement) == (False, False)


def test_provided_documents_are_read_and_a_fuller_list_is_kept():
    record = parse("NCT00001322.xml")
    document = record.documents[0]
    assert (document.filename, document.type_abbrev) == ("Prot_SAP_000.pdf", "Prot_SAP")
    assert (document.has_protocol, document.has_sap, document.has_icf) == (True, True, False)
    assert document.date == "2019-05-20"
    # No upload date or size in the XML: an import keeps what API v2 gave of the documents.
    assert "documents" in record.lacks
    assert "documents" not in parse("NCT02028676.xml").lacks  # lists none: none to keep


def test_pending_results_become_unposted_events():
    record = parse("NCT03435185.xml")
    assert any(e.date_unknown for e in record.unposted_events)


# Against the classic file of the same study ---------------------------------------------------


_RENAMED = {"Age": "Age, Continuous", "Gender": "Sex: Female, Male"}


def _classic(nct_id: str) -> dict[str, Any]:
    data = json.loads(read(f"json_v1/{nct_id}.json"))
    return data["FullStudiesResponse"]["FullStudies"][0]["Study"]["ResultsSection"]


def _items(node: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return node.get(f"{name}List", {}).get(name, [])


@pytest.mark.parametrize("nct_id", ["NCT00023673", "NCT02028676"])
def test_results_agree_with_the_classic_json_of_the_same_study(nct_id):
    record = parse(f"{nct_id}.xml")
    classic = _classic(nct_id)
    flow = classic["ParticipantFlowModule"]
    assert [(g.id, g.title) for g in record.flow_groups] == [
        (g["FlowGroupId"], g["FlowGroupTitle"]) for g in _items(flow, "FlowGroup")
    ]
    assert [
        (p.title, m.type, a.group_id, a.num_subjects)
        for p in record.flow_periods
        for m in p.milestones
        for a in m.achievements
    ] == [
        (
            p["FlowPeriodTitle"],
            m["FlowMilestoneType"],
            a["FlowAchievementGroupId"],
            a.get("FlowAchievementNumSubjects", ""),
        )
        for p in _items(flow, "FlowPeriod")
        for m in _items(p, "FlowMilestone")
        for a in _items(m, "FlowAchievement")
    ]
    baseline = classic["BaselineCharacteristicsModule"]
    # The registry renamed its standard baseline measures after these XML captures (2018):
    # "Age" is "Age, Continuous" in the classic data of 2023, and NCT02028676's "Gender" (a
    # class per sex, a Number) became "Sex: Female, Male" (a category per sex, a Count of
    # Participants). The numbers agree, and the other measures' parameters.
    assert [m.param_type for m in record.baseline_measures if m.title not in _RENAMED] == [
        normalize(MeasureParam, m["BaselineMeasureParamType"])
        for m, ours in zip(
            _items(baseline, "BaselineMeasure"), record.baseline_measures, strict=True
        )
        if ours.title not in _RENAMED
    ]
    assert [_RENAMED.get(m.title, m.title) for m in record.baseline_measures] == [
        m["BaselineMeasureTitle"] for m in _items(baseline, "BaselineMeasure")
    ]
    assert [
        (x.group_id, x.value, x.lower_limit, x.upper_limit)
        for m in record.baseline_measures
        for c in m.classes
        for cat in c.categories
        for x in cat.measurements
    ] == [
        (
            x["BaselineMeasurementGroupId"],
            x.get("BaselineMeasurementValue", ""),
            x.get("BaselineMeasurementLowerLimit", ""),
            x.get("BaselineMeasurementUpperLimit", ""),
        )
        for m in _items(baseline, "BaselineMeasure")
        for c in _items(m, "BaselineClass")
        for cat in _items(c, "BaselineCategory")
        for x in _items(cat, "BaselineMeasurement")
    ]
    outcomes = _items(classic["OutcomeMeasuresModule"], "OutcomeMeasure")
    assert [
        (o.type, o.title, o.time_frame, o.reporting_status) for o in record.outcome_results
    ] == [
        (
            normalize(OutcomeMeasureType, o["OutcomeMeasureType"]),
            o["OutcomeMeasureTitle"],
            o.get("OutcomeMeasureTimeFrame", ""),
            normalize(ReportingStatus, o.get("OutcomeMeasureReportingStatus")),
        )
        for o in outcomes
    ]
    assert [
        (x.group_id, x.value, x.spread)
        for o in record.outcome_results
        for c in o.classes
        for cat in c.categories
        for x in cat.measurements
    ] == [
        (
            x["OutcomeMeasurementGroupId"],
            x.get("OutcomeMeasurementValue", ""),
            x.get("OutcomeMeasurementSpread", ""),
        )
        for o in outcomes
        for c in _items(o, "OutcomeClass")
        for cat in _items(c, "OutcomeCategory")
        for x in _items(cat, "OutcomeMeasurement")
    ]
    assert [
        (a.group_ids, a.p_value, a.param_value, a.ci_lower_limit, a.tested_non_inferiority)
        for o in record.outcome_results
        for a in o.analyses
    ] == [
        (
            tuple(a["OutcomeAnalysisGroupIdList"]["OutcomeAnalysisGroupId"]),
            a.get("OutcomeAnalysisPValue", ""),
            a.get("OutcomeAnalysisParamValue", ""),
            a.get("OutcomeAnalysisCILowerLimit", ""),
            _flag(a.get("OutcomeAnalysisTestedNonInferiority")),
        )
        for o in outcomes
        for a in _items(o, "OutcomeAnalysis")
    ]
    events = classic["AdverseEventsModule"]
    assert [
        (g.id, g.title, g.serious_num_affected, g.serious_num_at_risk, g.other_num_affected)
        for g in record.event_groups
    ] == [
        (
            g["EventGroupId"],
            g["EventGroupTitle"],
            _int(g.get("EventGroupSeriousNumAffected")),
            _int(g.get("EventGroupSeriousNumAtRisk")),
            _int(g.get("EventGroupOtherNumAffected")),
        )
        for g in _items(events, "EventGroup")
    ]
    for kind, name in (("SERIOUS", "SeriousEvent"), ("OTHER", "OtherEvent")):
        # The classic data lists a study's events in another order than its XML: compared sorted.
        assert sorted(
            (e.term, e.organ_system, [(s.group_id, s.num_affected, s.num_at_risk) for s in e.stats])
            for e in record.adverse_events
            if e.kind == kind
        ) == sorted(
            (
                e[f"{name}Term"],
                e[f"{name}OrganSystem"],
                [
                    (
                        s[f"{name}StatsGroupId"],
                        _int(s.get(f"{name}StatsNumAffected")),
                        _int(s.get(f"{name}StatsNumAtRisk")),
                    )
                    for s in _items(e, f"{name}Stats")
                ],
            )
            for e in _items(events, name)
        )
    contact = classic["MoreInfoModule"]["PointOfContact"]
    assert record.results_contact is not None
    assert (record.results_contact.title, record.results_contact.email) == (
        contact["PointOfContactTitle"],
        contact["PointOfContactEMail"],
    )


def _int(raw: str | None) -> int | None:
    return int(raw) if raw else None


def _flag(raw: str | None) -> bool | None:
    return {"Yes": True, "No": False}.get(raw) if raw else None


# Kept in the database --------------------------------------------------------------------------

XML_WITH_RESULTS = sorted(
    path.name
    for path in (CORPUS / "xml").glob("*.xml")
    if b"<clinical_results>" in path.read_bytes()
)


@pytest.mark.django_db
def test_every_xml_record_with_results_is_kept_and_read_back_whole(empty_db):
    # The writer keeps the new fields in columns and tables of their own: what the XML gave
    # must come back from the rows, field by field (a column too short, a part not kept fails).
    records = [parse(name) for name in XML_WITH_RESULTS]
    assert len(records) == 30
    for record in records:
        store.validate(record)
    with transaction.atomic():
        ids = store.write([(None, record) for record in records])
    for study_id, record in zip(ids, records, strict=True):
        kept = store.read(Study.objects.with_parts().get(pk=study_id)).data
        given = record.to_dict()
        assert {k: kept[k] for k in _KEPT} == {k: given[k] for k in _KEPT}, record.nct_id


_KEPT = (
    "flow_groups flow_periods baseline_groups baseline_denoms baseline_measures outcome_results"
    " event_groups adverse_events certain_agreement results_contact references see_also_links"
    " available_ipds documents central_contacts sites unposted_events ipd_info_types"
    " results_first_submitted limitations events_frequency_threshold"
).split()
