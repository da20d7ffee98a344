"""The classic API JSON's results, contacts and references reach the record.

Three classic files of the corpus carry a ResultsSection: NCT00023673 (RTOG 0117), NCT02028676
(ARROW) and NCT04656691. The first two are also in xml/ as the legacy XML of May 2018, read
here with lxml directly (the legacy XML parser does not read results yet), so the results both
forms hold are compared number by number. No classic study of the corpus is also held as API v2
JSON.
"""

import json
from typing import Any

import pytest
from lxml import etree

from tests.conftest import import_files
from tests.corpus import read
from trials import store
from trials.importer.json import classic as classic_json
from trials.models import Study
from trials.record import (
    Analysis,
    Contact,
    DenomCount,
    EventGroup,
    EventStat,
    FlowCount,
    Measurement,
    PointOfContact,
    ResultGroup,
    StudyRecord,
)


def parse(name: str) -> StudyRecord:
    return classic_json.parse(read(f"json_v1/{name}"), f"json_v1/{name}")


def edited(name: str, edit: Any) -> StudyRecord:
    """The record of a classic file after ``edit`` changed its Study in place."""
    document = json.loads(read(f"json_v1/{name}"))
    edit(document["FullStudiesResponse"]["FullStudies"][0]["Study"])
    return classic_json.parse(json.dumps(document).encode(), f"edited {name}")


# Participant flow, baseline, outcomes, adverse events, more information -------------------------


def test_participant_flow_groups_periods_and_counts():
    record = parse("NCT00023673.json")
    assert [(group.id, group.title) for group in record.flow_groups] == [
        ("FG000", "Phase I: 75.25 Gy/36 fx + Chemotherapy"),
        ("FG001", "Phase I: 74 Gy/37 fx + Chemotherapy"),
        ("FG002", "Phase I: 70 Gy/35 fx + Chemotherapy"),
        ("FG003", "Phase II: 74 Gy/37 fx + Chemotherapy"),
    ]
    (period,) = record.flow_periods
    assert period.title == "Overall Study"
    assert [milestone.type for milestone in period.milestones] == [
        "STARTED",
        "COMPLETED",
        "NOT COMPLETED",
    ]
    assert period.milestones[1].achievements[3] == FlowCount(
        "FG003",
        "Phase II subjects contributing data to primary analysis are considered to have completed"
        " the study.",
        "44",
    )
    assert [reason.type for reason in period.drop_withdraws] == [
        "Ineligible / no protocol treatment",
        "Patient withdrew consent",
    ]
    assert [count.num_subjects for count in period.drop_withdraws[1].reasons] == [
        "0",
        "0",
        "0",
        "1",
    ]

    arrow = parse("NCT02028676.json")
    assert arrow.flow_recruitment_details.startswith("All recruited children (n=1206)")
    assert arrow.flow_pre_assignment_details.startswith("There were two additional nested")
    assert arrow.flow_periods[0].title == "Initial Enrolment: CDM vs LCM"


def test_baseline_denominators_and_a_measurement_with_its_range():
    record = parse("NCT00023673.json")
    assert record.baseline_population_description == (
        "Eligible patients who started protocol treatment."
    )
    assert [group.title for group in record.baseline_groups][-1] == "Total"
    (denom,) = record.baseline_denoms
    assert denom.units == "Participants"
    assert denom.counts == (
        DenomCount("BG000", "8"),
        DenomCount("BG001", "9"),
        DenomCount("BG002", "44"),
        DenomCount("BG003", "61"),
    )
    age = record.baseline_measures[0]
    # Classic "Median" and "Full Range" are API v2 MEDIAN and FULL_RANGE.
    assert (age.title, age.param_type, age.dispersion_type, age.unit_of_measure) == (
        "Age, Continuous",
        "MEDIAN",
        "FULL_RANGE",
        "years",
    )
    assert age.classes[0].categories[0].measurements[0] == Measurement(
        "BG000", "65.5", lower_limit="48", upper_limit="77"
    )


def test_a_baseline_mean_with_its_standard_deviation():
    record = parse("NCT04656691.json")
    onset = next(m for m in record.baseline_measures if m.title.endswith("onset (mean)"))
    assert (onset.param_type, onset.dispersion_type) == ("MEAN", "STANDARD_DEVIATION")
    measurement = onset.classes[0].categories[0].measurements[0]
    assert measurement.spread == "2.24"
    # Some rows of a table count their own participants (a class denominator).
    race = next(m for m in record.baseline_measures if m.classes and m.classes[0].denoms)
    assert race.classes[0].denoms[0].units == "Participants"
    assert race.classes[0].denoms[0].counts[0].group_id == "BG000"


def test_an_outcome_measurement_with_spread_and_an_analysis_p_value():
    record = parse("NCT00023673.json")
    first = record.outcome_results[0]
    assert (first.type, first.reporting_status, first.param_type) == ("PRIMARY", "POSTED", "NUMBER")
    assert first.time_frame == "From start of treatment to 90 days"
    assert [group.id for group in first.groups] == ["OG000", "OG001"]
    assert [count.value for count in first.denoms[0].counts] == ["7", "7"]

    analysed = next(o for o in record.outcome_results if o.analyses)
    assert analysed.analyses[0] == Analysis(
        statistical_method="Wilcoxon (Mann-Whitney)",
        statistical_comment="2-sided significance level = 0.05",
        p_value="0.62",
        non_inferiority_type="SUPERIORITY",
        group_description="Lung toxicity (<Grade 3 vs. >= Grade 3): Lung V20",
        group_ids=("OG000", "OG001"),
    )

    arrow = parse("NCT02028676.json")
    with_spread = [
        (outcome.title, outcome.dispersion_type, measurement)
        for outcome in arrow.outcome_results
        for klass in outcome.classes
        for category in klass.categories
        for measurement in category.measurements
        if measurement.spread
    ]
    assert with_spread
    assert {dispersion for _, dispersion, _ in with_spread} <= {
        "STANDARD_DEVIATION",
        "STANDARD_ERROR",
        "INTER_QUARTILE_RANGE",
    }
    hazard = [a for o in arrow.outcome_results for a in o.analyses if a.ci_num_sides]
    assert hazard and hazard[0].ci_num_sides == "TWO_SIDED" and hazard[0].ci_pct_value == "95"


def test_adverse_event_numbers_per_group():
    record = parse("NCT00023673.json")
    assert record.event_groups[0] == EventGroup(
        id="EG000",
        title="Phase I: 75.25 Gy/36 fx + Chemotherapy",
        description=record.flow_groups[0].description,
        serious_num_affected=7,
        serious_num_at_risk=8,
        other_num_affected=8,
        other_num_at_risk=8,
    )
    serious = [event for event in record.adverse_events if event.kind == "SERIOUS"]
    other = [event for event in record.adverse_events if event.kind == "OTHER"]
    assert serious and other and len(serious) + len(other) == len(record.adverse_events)
    assert serious[0].term == "Hemoglobin decreased"
    assert serious[0].organ_system == "Blood and lymphatic system disorders"
    assert (serious[0].source_vocabulary, serious[0].assessment_type) == (
        "CTCAE (2.0)",
        "NON_SYSTEMATIC_ASSESSMENT",
    )
    assert serious[0].stats == (
        EventStat("EG000", num_affected=2, num_at_risk=8),
        EventStat("EG001", num_affected=1, num_at_risk=53),
    )
    assert record.events_frequency_threshold == "0"


def test_more_information_agreement_and_point_of_contact():
    record = parse("NCT00023673.json")
    assert (
        record.certain_agreement.pi_sponsor_employee,
        record.certain_agreement.restrictive_agreement,
    ) == (False, False)
    assert record.results_contact == PointOfContact(
        "Wendy Seiferheld", "Radiation Therapy Oncology Group", "wseiferheld@acr.org"
    )
    arrow = parse("NCT02028676.json")
    assert arrow.results_contact.phone == "+44 20 7670 4726"


def test_limitations_and_caveats_are_read():
    # No classic file of the corpus has them (the 2018 XML of NCT00023673 does: that capture
    # says nothing of them, whether the registry dropped them or not); the name is the API
    # v2 piece name, which kept the classic ones.
    def caveat(study: dict) -> None:
        study["ResultsSection"]["MoreInfoModule"]["LimitationsAndCaveats"] = {
            "LimitationsAndCaveatsDescription": "Dose de-escalated after excessive toxicity."
        }

    record = edited("NCT00023673.json", caveat)
    assert record.limitations == "Dose de-escalated after excessive toxicity."
    assert parse("NCT00023673.json").limitations == ""


def test_a_study_without_a_results_section_has_no_results():
    record = parse("NCT04581135.json")
    assert record.has_results is False
    assert (record.flow_groups, record.outcome_results, record.event_groups) == ((), (), ())
    # Results are not lacked: the classic API sent a ResultsSection whenever results were posted.
    assert not {"flow_groups", "outcome_results", "adverse_events"} & record.lacks


# Contacts, references and the rest of the protocol -----------------------------------------------


def test_central_and_site_contacts():
    record = parse("NCT04780477.json")
    assert record.central_contacts == (
        Contact(
            "Terry Hartman, PhD, MPH, RD", "CONTACT", "404-727-8713", email="tjhartm@emory.edu"
        ),
    )
    assert parse("NCT04978038.json").central_contacts == (
        Contact("Mark Loeb, MD", "CONTACT", "905-525-9140", "26066", "loebm@mcmaster.ca"),
    )
    many = parse("NCT04323787.json")
    assert many.sites[0].status == "RECRUITING"  # classic "Recruiting"
    assert [contact.email for contact in many.sites[0].contacts] == [
        "sen.ayan@mayo.edu",
        "CartinCeba.Rodrigo@mayo.edu",
    ]
    (site,) = record.sites
    assert site.contacts == (
        Contact(
            "Terry Hartman, PHD, MPH",
            "CONTACT",
            "404-727-8713",
            email="terryl.johnson.hartman@emory.edu",
        ),
    )


def test_references_with_pmids_and_see_also_links():
    record = parse("NCT02028676.json")
    # Classic "result" and "derived" are API v2 RESULT and DERIVED.
    assert [(ref.pmid, ref.type) for ref in record.references] == [
        ("23473847", "RESULT"),
        ("24382064", "RESULT"),
        ("27064996", "DERIVED"),
    ]
    assert record.references[0].citation.startswith("ARROW Trial team.")
    assert record.references[0].retractions == ()
    assert record.see_also_links[0].label == "main ARROW trial webpage"
    assert record.see_also_links[0].url.startswith("http://www.arrowtrial")


def test_a_retraction_is_read_under_its_reference():
    def retract(study: dict) -> None:
        references = study["ProtocolSection"]["ReferencesModule"]["ReferenceList"]["Reference"]
        references[0]["RetractionList"] = {
            "Retraction": {"RetractionPMID": "99999999", "RetractionSource": "J Clin Oncol"}
        }

    record = edited("NCT02028676.json", retract)
    assert [(r.pmid, r.source) for r in record.references[0].retractions] == [
        ("99999999", "J Clin Oncol")
    ]


def test_ipd_sharing_oversight_and_documents():
    record = parse("NCT04780477.json")
    assert record.ipd_sharing == "YES"
    assert record.ipd_info_types[0] == "STUDY_PROTOCOL"
    assert record.ipd_access_criteria.startswith("Proposals should be directed to")
    assert record.oversight_has_dmc is True
    assert (record.is_fda_regulated_drug, record.is_fda_regulated_device) == (False, False)
    assert record.has_expanded_access is False

    documents = parse("NCT04656691.json")
    assert documents.documents[0].has_protocol is True
    # "February 3, 2021" and "03/11/2022 09:13" as API v2 writes them.
    assert (documents.documents[0].date, documents.documents[0].upload_date) == (
        "2021-02-03",
        "2022-03-11T09:13",
    )
    assert [doc.type_abbrev for doc in documents.documents] == ["Prot", "SAP"]
    assert documents.documents[1].has_sap is True


def test_design_extras_export_flag_and_gender_description():
    registry = parse("NCT04581135.json")
    assert registry.target_duration == "36 Months"
    assert (registry.bio_spec_retention, registry.bio_spec_description) == (
        "SAMPLES_WITHOUT_DNA",
        "Coded biological material",
    )
    assert parse("NCT04978038.json").is_us_export is True
    assert parse("NCT04780165.json").is_us_export is False
    assert parse("NCT04779736.json").gender_description.startswith(
        "For the formative phase of in-depth inte"
    )


def test_annotations_expanded_access_and_no_sap_are_read():
    # No classic file of the corpus has them; the names are the API v2 piece names.
    def annotate(study: dict) -> None:
        study["AnnotationSection"] = {
            "AnnotationModule": {
                "UnpostedAnnotation": {
                    "UnpostedResponsibleParty": "Mayo Clinic",
                    "UnpostedEventList": {
                        "UnpostedEvent": {
                            "UnpostedEventType": "Release",
                            "UnpostedEventDate": "June 2, 2021",
                        }
                    },
                }
            }
        }
        study["ProtocolSection"]["StatusModule"]["ExpandedAccessInfo"] = {
            "HasExpandedAccess": "Yes",
            "ExpandedAccessNCTId": "NCT04999999",
            "ExpandedAccessStatusForNCTId": "Available",
        }
        study["DocumentSection"] = {"LargeDocumentModule": {"LargeDocNoSAP": "Yes"}}

    record = edited("NCT04323787.json", annotate)
    assert record.unposted_responsible_party == "Mayo Clinic"
    assert [(e.type, e.date) for e in record.unposted_events] == [("RELEASE", "2021-06-02")]
    assert (record.has_expanded_access, record.expanded_access_nct_id) == (True, "NCT04999999")
    assert record.expanded_access_status == "AVAILABLE"
    assert (record.no_sap, record.documents) == (True, ())
    assert record.warnings == ()


def test_status_dates_derived_data_and_browse_data():
    record = parse("NCT02028676.json")
    assert record.first_submitted_qc.iso == "2014-01-04"
    assert (record.results_first_submitted.iso, record.results_first_submitted_qc.iso) == (
        "2014-01-15",
        "2014-06-04",
    )
    assert record.version_holder.iso == "2023-10-18"
    assert record.browse_leaves[0].relevance in ("LOW", "HIGH")
    assert {leaf.kind for leaf in record.browse_leaves} == {"CONDITION", "INTERVENTION"}
    assert record.browse_branches[0].abbrev == "BC01"


def test_a_list_of_one_given_as_an_object_is_read_as_a_list():
    def single(study: dict) -> None:
        flow = study["ResultsSection"]["ParticipantFlowModule"]["FlowPeriodList"]
        flow["FlowPeriod"] = flow["FlowPeriod"][0]

    def single_contact(study: dict) -> None:
        contacts = study["ProtocolSection"]["ContactsLocationsModule"]["CentralContactList"]
        contacts["CentralContact"] = contacts["CentralContact"][0]

    record = edited("NCT04656691.json", single)
    assert record.flow_periods == parse("NCT04656691.json").flow_periods[:1] != ()
    contact = edited("NCT04780477.json", single_contact).central_contacts
    assert contact == parse("NCT04780477.json").central_contacts[:1] != ()


def test_classic_spellings_are_read_and_unknown_ones_warn():
    def spell(study: dict) -> None:
        measure = study["ResultsSection"]["BaselineCharacteristicsModule"]["BaselineMeasureList"]
        measure["BaselineMeasure"][0]["BaselineMeasureParamType"] = "Least Squares Mean"
        measure["BaselineMeasure"][0]["BaselineMeasureDispersionType"] = "Standard Deviation"
        measure["BaselineMeasure"][1]["BaselineMeasureParamType"] = "Mode"

    record = edited("NCT00023673.json", spell)
    assert record.baseline_measures[0].param_type == "LEAST_SQUARES_MEAN"
    assert record.baseline_measures[0].dispersion_type == "STANDARD_DEVIATION"
    assert record.baseline_measures[1].param_type == ""
    assert record.warnings == ("'Mode' is not a known MeasureParam: left blank",)


def test_classic_names_follow_the_api_v2_names():
    assert classic_json.classic_name("ciPctValue") == "CIPctValue"
    assert classic_json.classic_name("email") == "EMail"
    assert classic_json.classic_name("isUsExport") == "IsUSExport"
    assert classic_json.classic_name("fdaaa801Violation") == "FDAAA801Violation"
    assert classic_json.classic_name("statusForNctId") == "StatusForNCTId"
    assert classic_json.classic_name("piSponsorEmployee") == "PISponsorEmployee"


# Against the legacy XML of the same studies ------------------------------------------------------

_XML_GROUPS = {"P": "FG", "B": "BG", "O": "OG", "E": "EG"}


def _code(xml_id: str | None) -> str:
    """The classic group code of a legacy XML group id: P1 -> FG000, E2 -> EG001."""
    assert xml_id, "a count without its group"
    return f"{_XML_GROUPS[xml_id[0]]}{int(xml_id[1:]) - 1:03d}"


def _xml(nct_id: str) -> etree._Element:
    return etree.fromstring(read(f"xml/{nct_id}.xml"), etree.XMLParser(resolve_entities=False))


def _text(element: etree._Element, path: str) -> str:
    return " ".join((element.findtext(path) or "").split())


def _groups(parent: etree._Element) -> list[tuple[str, str]]:
    return [
        (_code(g.get("group_id")), _text(g, "title")) for g in parent.iterfind("group_list/group")
    ]


def _titled(groups: tuple[ResultGroup, ...]) -> list[tuple[str, str]]:
    return [(group.id, group.title) for group in groups]


def _xml_flow(results: etree._Element) -> list[Any]:
    return [
        (
            _text(period, "title"),
            [
                (
                    _text(m, "title"),
                    [
                        (_code(p.get("group_id")), p.get("count"))
                        for p in m.iterfind("participants_list/participants")
                    ],
                )
                for m in period.iterfind("milestone_list/milestone")
            ],
            [
                (
                    _text(r, "title"),
                    [
                        (_code(p.get("group_id")), p.get("count"))
                        for p in r.iterfind("participants_list/participants")
                    ],
                )
                for r in period.iterfind("drop_withdraw_reason_list/drop_withdraw_reason")
            ],
        )
        for period in results.iterfind("participant_flow/period_list/period")
    ]


def _record_flow(record: StudyRecord) -> list[Any]:
    return [
        (
            period.title,
            [
                (m.type, [(c.group_id, c.num_subjects) for c in m.achievements])
                for m in period.milestones
            ],
            [
                (r.type, [(c.group_id, c.num_subjects) for c in r.reasons])
                for r in period.drop_withdraws
            ],
        )
        for period in record.flow_periods
    ]


def _xml_measurements(measure: etree._Element) -> list[tuple[str, ...]]:
    return [
        (
            _code(m.get("group_id")),
            m.get("value") or "",
            m.get("spread") or "",
            m.get("lower_limit") or "",
            m.get("upper_limit") or "",
        )
        for m in measure.iterfind(
            "class_list/class/category_list/category/measurement_list/measurement"
        )
    ]


def _record_measurements(classes: tuple) -> list[tuple[str, ...]]:
    # Where a value is "NA" the classic API writes its limits "NA" too; the XML leaves them out.
    return [
        (m.group_id, m.value, m.spread, *_limits(m))
        for klass in classes
        for category in klass.categories
        for m in category.measurements
    ]


def _limits(m: Measurement) -> tuple[str, str]:
    if m.value == "NA":
        return m.lower_limit.replace("NA", ""), m.upper_limit.replace("NA", "")
    return m.lower_limit, m.upper_limit


def _xml_events(results: etree._Element, kind: str) -> tuple[list[Any], list[Any]]:
    """The XML's events of ``kind`` ("serious", "other") as (organ system, term, [(group,
    affected, at risk)]), and apart its "Total" row, which the classic API gives as the event
    groups' totals instead."""
    events, totals = [], []
    for category in results.iterfind(f"reported_events/{kind}_events/category_list/category"):
        for event in category.iterfind("event_list/event"):
            counts = [
                (
                    _code(c.get("group_id")),
                    int(c.get("subjects_affected", "")),
                    int(c.get("subjects_at_risk", "")),
                )
                for c in event.iterfind("counts")
            ]
            if _text(category, "title") == "Total":
                totals = counts
            else:
                events.append((_text(category, "title"), _text(event, "sub_title"), counts))
    return events, totals


@pytest.mark.parametrize("nct_id", ["NCT00023673", "NCT02028676"])
def test_classic_results_agree_with_the_legacy_xml_of_the_same_study(nct_id):
    record = parse(f"{nct_id}.json")
    results = _xml(nct_id).find("clinical_results")

    # Participant flow: groups, periods, milestones and reasons, and every count.
    assert _titled(record.flow_groups) == _groups(results.find("participant_flow"))
    assert _record_flow(record) == _xml_flow(results)

    # Baseline: groups, the overall numbers analysed, every measurement of every measure.
    baseline = results.find("baseline")
    assert _titled(record.baseline_groups) == _groups(baseline)
    assert [(c.group_id, c.value) for c in record.baseline_denoms[0].counts] == [
        (_code(c.get("group_id")), c.get("value"))
        for c in baseline.iterfind("analyzed_list/analyzed/count_list/count")
    ]
    xml_measures = list(baseline.iterfind("measure_list/measure"))
    # The registry renamed its standard measures after 2017: "Age" is now "Age, Continuous" and
    # "Gender" is "Sex: Female, Male". Study-specific titles are unchanged.
    renamed = {"Age": "Age, Continuous", "Gender": "Sex: Female, Male"}
    assert [m.title for m in record.baseline_measures] == [
        renamed.get(_text(m, "title"), _text(m, "title")) for m in xml_measures
    ]
    assert [_record_measurements(m.classes) for m in record.baseline_measures] == [
        _xml_measurements(m) for m in xml_measures
    ]

    # Outcomes: type, title, groups, measurements and the analyses' p-values and groups.
    xml_outcomes = list(results.iterfind("outcome_list/outcome"))
    assert [(o.type, o.title) for o in record.outcome_results] == [
        (_text(o, "type").upper().replace("-", "_").replace(" ", "_"), _text(o, "title"))
        for o in xml_outcomes
    ]
    for outcome, xml_outcome in zip(record.outcome_results, xml_outcomes, strict=True):
        assert _titled(outcome.groups) == _groups(xml_outcome), outcome.title
        assert _record_measurements(outcome.classes) == _xml_measurements(
            xml_outcome.find("measure")
        ), outcome.title
        assert [(a.p_value, a.group_ids) for a in outcome.analyses] == [
            (
                _text(a, "p_value"),
                tuple(_code(g.text) for g in a.iterfind("group_id_list/group_id")),
            )
            for a in xml_outcome.iterfind("analysis_list/analysis")
        ], outcome.title

    # Adverse events: groups, the serious events and their numbers per group, the totals.
    events = results.find("reported_events")
    assert _titled(record.event_groups) == _groups(events)
    # The XML lists events by organ system, the classic API in the order they were entered.
    for kind in ("serious", "other"):
        xml_events, xml_totals = _xml_events(results, kind)
        assert sorted(
            (e.organ_system, e.term, [(s.group_id, s.num_affected, s.num_at_risk) for s in e.stats])
            for e in record.adverse_events
            if e.kind == kind.upper()
        ) == sorted(xml_events), kind
        assert [
            (g.id, getattr(g, f"{kind}_num_affected"), getattr(g, f"{kind}_num_at_risk"))
            for g in record.event_groups
        ] == xml_totals, kind


# Through the writer and back ----------------------------------------------------------------------

_KEPT = (
    "flow_groups flow_periods flow_recruitment_details baseline_groups baseline_denoms"
    " baseline_measures outcome_results event_groups adverse_events events_frequency_threshold"
    " events_time_frame events_description certain_agreement results_contact central_contacts"
    " sites references see_also_links available_ipds ipd_sharing ipd_info_types documents"
    " browse_leaves browse_branches oversight_has_dmc results_first_submitted version_holder"
).split()


@pytest.mark.usefixtures("empty_db")
@pytest.mark.parametrize(
    "name", ["NCT00023673.json", "NCT02028676.json", "NCT04656691.json", "NCT04780477.json"]
)
def test_a_classic_import_keeps_its_results_contacts_and_references(name):
    record = parse(name)
    import_files(f"json_v1/{name}")
    kept = store.read(Study.objects.with_parts().get(nct_id=record.nct_id)).data
    assert kept["flow_groups"] or kept["central_contacts"]  # something to keep
    assert {field: kept[field] for field in _KEPT} == {
        field: record.to_dict()[field] for field in _KEPT
    }
