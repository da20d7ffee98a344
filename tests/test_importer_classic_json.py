"""The classic API JSON parser, on the real FullStudiesResponse records in corpus/json_v1."""

import json
import re

import pytest

from tests.corpus import CORPUS, read
from trials.importer import detect
from trials.importer.json import classic as classic_json
from trials.record import (
    Arm,
    Intervention,
    MeshTerm,
    Official,
    Outcome,
    PartialDate,
    RecordError,
    ResponsibleParty,
    SecondaryId,
    Site,
    Sponsor,
)
from trials.text import plain_outline

CLASSIC_FILES = sorted(path.name for path in (CORPUS / "json_v1").glob("*.json"))


def parse(name: str):
    return classic_json.parse(read(f"json_v1/{name}"), f"json_v1/{name}")


def full_study(name: str) -> dict:
    return json.loads(read(f"json_v1/{name}"))["FullStudiesResponse"]["FullStudies"][0]


@pytest.mark.parametrize("name", CLASSIC_FILES)
def test_every_classic_file_parses_cleanly(name):
    chunks = classic_json.split(read(f"json_v1/{name}"), name)
    assert len(chunks) == 1
    record = classic_json.parse(chunks[0], name)
    assert record.nct_id == name[:11]
    assert record.source_format == "CLASSIC_JSON"
    assert record.warnings == ()
    # Only what no classic study carried: model predictions and submission tracking came with
    # API v2.
    assert record.lacks == classic_json.NEVER_SHOWN


def test_an_interventional_classic_record_maps_field_by_field():
    record = parse("NCT02028676.json")

    assert record.nct_id == "NCT02028676"
    assert record.brief_title == (
        "Efficacy Study of Different Laboratory Management Strategies and Drug Regimens in "
        "HIV-infected Children in Africa"
    )
    assert record.official_title.startswith("A Randomised Trial of Monitoring Practice")
    assert record.acronym == "ARROW"
    assert (record.org_name, record.org_class) == ("Medical Research Council", "OTHER_GOV")
    assert record.org_study_id == "G0300400"
    assert record.secondary_ids == (
        SecondaryId("24791884", "REGISTRY", "ISRCTN"),
        SecondaryId("G0300400", "OTHER_GRANT", "UK Medical Research Council"),
    )

    assert record.overall_status == "COMPLETED"
    assert record.status_verified == PartialDate("2014-06")
    assert record.start == PartialDate("2007-03", "")  # "March 2007", and no type given
    assert record.primary_completion == PartialDate("2012-03", "ACTUAL")
    assert record.completion == PartialDate("2012-06", "ACTUAL")
    assert record.first_submitted == PartialDate("2013-12-31")
    # Classic "Estimate" is API v2 ESTIMATED.
    assert record.first_posted == PartialDate("2014-01-07", "ESTIMATED")
    assert record.results_first_posted == PartialDate("2014-06-06", "ESTIMATED")
    assert record.last_update_submitted == PartialDate("2014-06-04")
    assert record.last_update_posted == PartialDate("2014-06-06", "ESTIMATED")
    assert record.has_results is True  # the study carries a ResultsSection

    assert record.study_type == "INTERVENTIONAL"
    assert record.phases == ("PHASE4",)
    assert (record.enrollment, record.enrollment_type) == (1206, "ACTUAL")
    assert record.allocation == "RANDOMIZED"
    assert record.intervention_model == "FACTORIAL"
    assert record.primary_purpose == "TREATMENT"
    assert (record.masking, record.who_masked) == ("NONE", ())

    assert record.conditions == ("Human Immunodeficiency Virus",)
    assert record.keywords[:3] == ("HIV", "Africa", "children")
    assert len(record.keywords) == 13

    assert [(arm.label, arm.type) for arm in record.arms] == [
        ("Clinically Driven Monitoring (CDM)", "EXPERIMENTAL"),
        ("Laboratory plus Clinical Monitoring (LCM)", "ACTIVE_COMPARATOR"),
        ("Arm A: abacavir (ABC)+lamivudine (3TC)+NNRTI", "ACTIVE_COMPARATOR"),
        ("Arm B: ZDV+ABC+3TC+NNRTI->ABC+3TC+NNRTI maintenance", "EXPERIMENTAL"),
        ("Arm C: ZDV+ABC+3TC+NNRTI->ZDV+ABC+3TC maintenance", "EXPERIMENTAL"),
        ("Once-daily ABC+3TC", "EXPERIMENTAL"),
        ("Twice-daily ABC+3TC", "ACTIVE_COMPARATOR"),
        ("Continued cotrimoxazole prophylaxis", "ACTIVE_COMPARATOR"),
        ("Stopped cotrimoxazole prophylaxis", "EXPERIMENTAL"),
    ]
    assert record.arms[0] == Arm(
        "Clinically Driven Monitoring (CDM)",
        "EXPERIMENTAL",
        "",
        ("Other: Clinically Driven Monitoring (CDM)",),
    )
    assert record.arms[2].intervention_names == ("Drug: Arm A: ABC+3TC+NNRTI",)
    assert record.interventions[2] == Intervention(
        type="DRUG",
        name="Arm A: ABC+3TC+NNRTI",
        description=(
            "Children received a standard WHO-recommended regimen of open-label lamivudine, "
            "abacavir, plus NNRTI continuously. The NNRTI (nevirapine or efavirenz) was chosen by "
            "clinicians according to local availability and age."
        ),
        other_names=(
            "ABC: abacavir: Ziagen",
            "3TC: lamivudine: Epivir",
            "ABC+3TC co-formulated: Kivexa",
            "NVP: nevirapine, Viramune",
            "EFV: efavirenz, Sustiva",
        ),
        arm_labels=("Arm A: abacavir (ABC)+lamivudine (3TC)+NNRTI",),
    )
    assert [item.type for item in record.interventions] == ["OTHER"] * 2 + ["DRUG"] * 6 + ["OTHER"]

    kinds = [outcome.kind for outcome in record.outcomes]
    assert kinds == ["PRIMARY"] * 9 + ["SECONDARY"] * 49
    assert record.outcomes[0] == Outcome(
        "PRIMARY",
        "LCM vs CDM: Disease Progression to a New WHO Stage 4 Event or Death",
        "Median 4 years (from randomization to 16 March 2012; maximum 5 years)",
        "Number of participants with disease progression to a new WHO stage 4 event or death, "
        "to be analysed using time-to-event methods",
    )
    assert record.outcomes[-1].measure.startswith("Cotrimoxazole: Adherence to ART as Measured")

    assert (record.sex, record.minimum_age, record.maximum_age) == ("ALL", "3 Months", "17 Years")
    assert record.healthy_volunteers is False
    assert record.std_ages == ("CHILD",)
    assert record.eligibility_criteria.startswith(
        "For initial randomisation to CDM vs LCM, and to ART induction strategy:\n\n"
        "Inclusion Criteria:\n\n"
        "Children should have an adult carer in the household who is either:\n\n"
        "* participating in the DART trial OR\n"
        "* being treated with ART OR\n"
    )

    assert record.sites == (
        Site("MRC /UVRI Uganda Research Unit on AIDS", "Entebbe", country="Uganda"),
        Site("Joint Clinical Research Centre", "Kampala", country="Uganda"),
        Site("Baylor College of Medicine Children's Foundation", "Mulago", country="Uganda"),
        Site("University of Zimbabwe Medical School", "Harare", country="Zimbabwe"),
    )
    assert len(record.officials) == 10
    assert record.officials[0] == Official(
        "Diana M Gibb, MD", "PRINCIPAL_INVESTIGATOR", "Medical Research Council"
    )
    assert record.lead_sponsor == Sponsor("Medical Research Council", "OTHER_GOV")
    assert record.collaborators == (
        Sponsor("Department for International Development, United Kingdom", "OTHER_GOV"),
        Sponsor("ViiV Healthcare", "INDUSTRY"),
        Sponsor("GlaxoSmithKline", "INDUSTRY"),
    )
    assert record.responsible_party == ResponsibleParty(
        "PRINCIPAL_INVESTIGATOR",
        "Diana M Gibb",
        "Professor of Epidemiology",
        "Medical Research Council",
    )

    meshes = [term for term in record.mesh_terms if not term.is_ancestor]
    assert meshes[:2] == [
        MeshTerm("Acquired Immunodeficiency Syndrome", "CONDITION", "D000000163"),
        MeshTerm("HIV Infections", "CONDITION", "D000015658"),
    ]
    assert [term.term for term in meshes if term.kind == "INTERVENTION"] == [
        "Lamivudine",
        "Zidovudine",
        "Efavirenz",
        "Nevirapine",
        "Abacavir",
        "Dideoxynucleosides",
        "Lamivudine, zidovudine drug combination",
        "Trimethoprim",
        "Sulfamethoxazole",
        "Trimethoprim, Sulfamethoxazole Drug Combination",
    ]
    ancestors = [term for term in record.mesh_terms if term.is_ancestor]
    assert [term.kind for term in ancestors] == ["CONDITION"] * 14 + ["INTERVENTION"] * 23
    assert ancestors[0] == MeshTerm(
        "Immunologic Deficiency Syndromes", "CONDITION", "D000007153", is_ancestor=True
    )


def test_an_observational_classic_registry_maps_field_by_field():
    record = parse("NCT04581135.json")

    assert record.brief_title == (
        "Study to Investigate Long-term Pulmonary and Extrapulmonary Effects of COVID-19"
    )
    assert record.org_name == "University Hospital Inselspital, Berne"
    assert record.overall_status == "COMPLETED"
    assert record.status_verified == PartialDate("2022-05")
    assert record.start == PartialDate("2020-05-01", "ACTUAL")
    assert record.completion == PartialDate("2022-01-30", "ACTUAL")
    assert record.first_posted == PartialDate("2020-10-09", "ACTUAL")
    assert record.last_update_posted == PartialDate("2022-06-01", "ACTUAL")
    assert record.has_results is False

    assert record.study_type == "OBSERVATIONAL"
    assert record.patient_registry is True  # "PatientRegistry": "Yes"
    assert record.phases == ()
    assert (record.enrollment, record.enrollment_type) == (620, "ACTUAL")
    # One-item lists in the classic API, single values in API v2.
    assert (record.observational_model, record.time_perspective) == ("COHORT", "PROSPECTIVE")
    assert record.allocation == record.masking == ""

    assert record.conditions == ("COVID-19",)
    assert record.arms == (
        Arm("COVID-19 Lung", "", "COVID-19 survivors in Switzerland", ("Other: COVID-19",)),
    )
    assert record.interventions == (
        Intervention(
            "OTHER",
            "COVID-19",
            "Research project in which biological material is sampled and health-related "
            "personal data are collected and used for further research. Coded data are used.",
            ("Sampling biological material", "Collection of health-related personal data"),
            ("COVID-19 Lung",),
        ),
    )
    assert [outcome.kind for outcome in record.outcomes] == ["PRIMARY"] * 2 + ["SECONDARY"] * 6
    assert (
        record.outcomes[1].measure
        == "Evaluation of risk factors for adverse Outcome after COVID-19"
    )
    assert record.outcomes[1].time_frame == "36 months"

    assert record.eligibility_criteria == (
        "Inclusion Criteria:\n\n"
        "* Signed written informed consent.\n"
        "* All adult patients with COVID-19 over 18 years.\n\n"
        "Exclusion Criteria:\n\n"
        "* Severe mental or physical disability precluding informed consent or compliance with "
        "the protocol for prospective data collection.\n"
        "* Pregnancy."
    )
    assert record.healthy_volunteers is False
    assert (record.sex, record.minimum_age, record.maximum_age) == ("ALL", "18 Years", "")
    assert record.std_ages == ("ADULT", "OLDER_ADULT")
    assert record.study_population == "Patients included are survivors of COVID-19."
    assert record.sampling_method == "PROBABILITY_SAMPLE"

    assert len(record.sites) == 9
    # The classic API had no geoPoint: no coordinates.
    assert record.sites[3] == Site(
        "Hôpitaux Universitaires de Genève - Service de Pneumologie",
        "Genève",
        zip="1211",
        country="Switzerland",
    )
    assert record.officials == (
        Official(
            "Manuela Funke-Chambour, MD",
            "PRINCIPAL_INVESTIGATOR",
            "University Hospital Bern, Department of Pulmonary Medicine - Lead Center",
        ),
    )
    assert record.responsible_party == ResponsibleParty("SPONSOR")
    assert record.collaborators == ()
    assert record.mesh_terms[0] == MeshTerm("COVID-19", "CONDITION", "D000086382")


def test_two_captures_of_one_data_version_give_the_same_record():
    # One came from a single-study query, the other from a 100-study page of the same day.
    assert parse("NCT04780763.json") == parse("NCT04780763~results_1.json")


def test_classic_text_lists_become_bullets_but_single_lines_stay_paragraphs():
    # The classic API kept no list markers and no nesting; consecutive lines are a list.
    criteria = parse("NCT00023673.json").eligibility_criteria
    assert criteria.startswith(
        "DISEASE CHARACTERISTICS:\n\n"
        "Histologically or cytologically confirmed unresectable stage IIIB non-small cell lung "
        "cancer\n\n"
        "* Squamous cell carcinoma\n* Adenocarcinoma\n"
    )
    assert "Age:\n\nNot specified\n\nPerformance status:\n\nZubrod 0-1" in criteria
    # Bullets people typed themselves ("•") are bullets too.
    assert parse("NCT04372004.json").eligibility_criteria.startswith(
        "Inclusion Criteria:\n\n"
        "* Male or female over 18 years of age at the time of enrollment\n\n"
        "Current symptoms of COVID-19 ; fever alone or fever and at least one of the following "
        "symptoms need to be present\n\n"
        "* Dry cough\n* Sore throat\n"
    )


def test_plain_outline_keeps_a_colon_heading_on_its_own_line():
    assert plain_outline("Inclusion Criteria:\none\ntwo  items\n\n\nAfter") == (
        "Inclusion Criteria:\n\n* one\n* two items\n\nAfter"
    )
    assert plain_outline("a \\< b") == "a \\< b"  # not Markdown: a backslash is a backslash


def test_classic_dates_become_iso_partial_dates_as_precise_as_written():
    assert classic_json.iso_date("March 14, 2007") == "2007-03-14"
    assert classic_json.iso_date("September 2, 2021") == "2021-09-02"
    assert classic_json.iso_date("March 2007") == "2007-03"
    assert classic_json.iso_date("2007") == "2007"
    assert classic_json.iso_date("Spring 2007") == "Spring 2007"


def test_an_unreadable_classic_date_is_a_warning_and_no_date():
    document = json.loads(read("json_v1/NCT04581135.json"))
    status = document["FullStudiesResponse"]["FullStudies"][0]["Study"]["ProtocolSection"]
    status["StatusModule"]["StartDateStruct"]["StartDate"] = "Spring 2020"
    record = classic_json.parse(json.dumps(document).encode(), "edited")
    assert record.start is None
    assert record.warnings == ("'Spring 2020' is not a date: left out",)


def test_a_several_study_response_splits_into_one_response_per_study():
    first, second = full_study("NCT04581135.json"), full_study("NCT02028676.json")
    response = json.loads(read("json_v1/NCT04581135.json"))["FullStudiesResponse"]
    response["FullStudies"] = [first, second]
    data = json.dumps({"FullStudiesResponse": response}, indent=2).encode()

    chunks = classic_json.split(data, "covid-19-search.json")
    assert len(chunks) == 2
    documents = [json.loads(chunk)["FullStudiesResponse"] for chunk in chunks]
    assert [document["FullStudies"] for document in documents] == [[first], [second]]
    assert documents[0]["DataVrs"] == "2022:12:21 23:28:10.325"  # provenance kept
    assert [classic_json.parse(chunk, "covid").nct_id for chunk in chunks] == [
        "NCT04581135",
        "NCT02028676",
    ]
    with pytest.raises(RecordError, match="holds 2 studies: split it first"):
        classic_json.parse(data, "covid-19-search.json")

    pieces = list(detect.read_studies(data, "covid-19-search.json"))
    assert [(piece.format, piece.record.nct_id) for piece in pieces] == [
        ("CLASSIC_JSON", "NCT04581135"),
        ("CLASSIC_JSON", "NCT02028676"),
    ]


def test_a_single_study_response_is_one_chunk_left_as_it_is():
    data = read("json_v1/NCT04780763.json")
    assert classic_json.split(data, "one") == [data]


def test_a_response_without_studies_or_not_a_response_is_refused():
    with pytest.raises(RecordError, match="no studies"):
        classic_json.split(b'{"FullStudiesResponse": {"NStudiesFound": 0}}', "none.json")
    with pytest.raises(RecordError, match="no studies"):
        classic_json.parse(b'{"FullStudiesResponse": {"FullStudies": []}}', "none.json")
    with pytest.raises(RecordError, match="not a classic API FullStudiesResponse"):
        classic_json.parse(b'{"studies": []}', "v2.json")
    with pytest.raises(RecordError, match=r"no Study\.ProtocolSection"):
        classic_json.parse(b'{"FullStudiesResponse": {"FullStudies": [{"Rank": 1}]}}', "x")


def test_invalid_and_truncated_classic_json_is_refused_with_the_position():
    with pytest.raises(RecordError) as caught:
        classic_json.parse(b'{"FullStudiesResponse": [1, 2,, 3]}', "bad.json")
    assert (caught.value.source, caught.value.problem) == (
        "bad.json",
        "not valid JSON: Expecting value at line 1, column 31 (character 30)",
    )
    data = read("json_v1/NCT04780763.json")
    with pytest.raises(RecordError, match=r"not valid JSON: .+ at line \d+, column \d+"):
        classic_json.split(data[:5000], "cut.json")


# Cross-format agreement -------------------------------------------------------------------------
# NCT02028676 and NCT00023673 are in both json_v1/ (classic API, data of October 2023) and xml/
# (legacy XML downloaded May 11, 2018). The XML values below were read from those files by eye.


def test_classic_json_agrees_with_the_2018_legacy_xml_of_the_arrow_trial():
    record = parse("NCT02028676.json")
    assert record.org_study_id == "G0300400"
    assert [item.id for item in record.secondary_ids] == ["24791884", "G0300400"]
    assert record.acronym == "ARROW"
    assert record.overall_status == "COMPLETED"
    assert (record.start.iso, record.completion.iso, record.primary_completion.iso) == (
        "2007-03",
        "2012-06",
        "2012-03",
    )
    assert record.phases == ("PHASE4",)
    assert (record.allocation, record.intervention_model, record.masking) == (
        "RANDOMIZED",
        "FACTORIAL",
        "NONE",
    )
    assert (record.enrollment, record.enrollment_type) == (1206, "ACTUAL")
    assert len(record.arms) == 9  # <number_of_arms>9</number_of_arms>
    assert record.interventions[-2].other_names == ("trimethoprim+sulfamethoxazole",)
    assert (record.minimum_age, record.maximum_age, record.healthy_volunteers) == (
        "3 Months",
        "17 Years",
        False,
    )
    assert [(site.facility, site.city) for site in record.sites] == [
        ("MRC /UVRI Uganda Research Unit on AIDS", "Entebbe"),
        ("Joint Clinical Research Centre", "Kampala"),
        ("Baylor College of Medicine Children's Foundation", "Mulago"),
        ("University of Zimbabwe Medical School", "Harare"),
    ]
    # The 2018 XML gives the tenth official's affiliation as "MRC/UVRI Uganda Research Unit on
    # Aids"; by 2023 the record says "MRC/UVRI and LSHTM Uganda Research Unit".
    assert record.officials[-1] == Official(
        "Patricia Nahirya-Ntege, MBChB",
        "PRINCIPAL_INVESTIGATOR",
        "MRC/UVRI and LSHTM Uganda Research Unit",
    )
    assert (record.first_submitted.iso, record.first_posted.iso) == ("2013-12-31", "2014-01-07")
    assert (record.results_first_posted.iso, record.last_update_posted.iso) == (
        "2014-06-06",
        "2014-06-06",
    )


def test_classic_json_agrees_with_the_2018_legacy_xml_of_rtog_0117():
    record = parse("NCT00023673.json")
    assert record.org_study_id == "RTOG L-0117"
    assert [item.id for item in record.secondary_ids] == ["CDR0000068850", "NCI-2012-02401"]
    # XML "Phase 1/Phase 2"; the classic API lists the two phases.
    assert record.phases == ("PHASE1", "PHASE2")
    assert record.allocation == "NON_RANDOMIZED"
    assert (record.enrollment, record.enrollment_type) == (63, "ACTUAL")
    # XML says "N/A" for both ages; the classic API leaves them out.
    assert (record.minimum_age, record.maximum_age) == ("", "")
    assert len(record.sites) == 41
    assert record.officials == (
        Official(
            "Jeffrey Bradley, MD",
            "STUDY_CHAIR",
            "Mallinckrodt Institute of Radiology at Washington University Medical Center",
        ),
    )
    assert record.status_verified.iso == "2017-11"
    assert record.last_update_posted == PartialDate("2017-12-22", "ACTUAL")
    assert record.collaborators == (Sponsor("National Cancer Institute (NCI)", "NIH"),)


_MARKER = re.compile(r"^\s*(?:[*-]|\d+\.)\s+", re.MULTILINE)

# Results the two forms both hold, compared value by value with their named differences (the
# registry's renamed standard measures, "NA" limits, events listed by organ system, group
# descriptions' line breaks) in tests/test_importer_classic_results.py.
_RESULTS_COMPARED_THERE = (
    "flow_groups baseline_groups baseline_measures outcome_results event_groups adverse_events"
).split()


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", _MARKER.sub("", text))


@pytest.mark.parametrize("nct_id", ["NCT02028676", "NCT00023673"])
def test_classic_json_and_the_legacy_xml_parser_agree_on_every_field_both_carry(nct_id):
    legacy_xml = pytest.importorskip("trials.importer.legacy_xml")
    xml = legacy_xml.parse(read(f"xml/{nct_id}.xml"), f"xml/{nct_id}.xml").to_dict()
    classic = parse(f"{nct_id}.json").to_dict()

    different = {
        # Not a field of the study.
        "source_format",
        "lacks",
        # The XML had four agency classes (NIH, U.S. Fed, Industry, Other); the classic API the
        # nine of API v2, so NETWORK and OTHER_GOV were "Other" in the XML.
        "org_class",
        "lead_sponsor",
        "collaborators",
        # The 2018 XML <secondary_id> carries the id alone, without type or domain.
        "secondary_ids",
        # Standard age groups are not in the XML at all (it lacks them).
        "std_ages",
        # The XML's <mesh_term> lists mix ancestors in and carry no MeSH IDs (compared below).
        "mesh_terms",
        # Text: the classic API dropped list markers and nesting (compared by words below).
        "brief_summary",
        "detailed_description",
        "eligibility_criteria",
        "outcomes",
        # Intervention arm labels: the classic API sorted them (compared as sets below).
        "interventions",
        # NCT02028676's tenth official changed affiliation between 2018 and 2023.
        "officials",
        *_RESULTS_COMPARED_THERE,
        # The 2018 XML of NCT00023673 has limitations and caveats; the 2023 classic data none.
        "limitations",
        # Citations re-taken between 2018 and 2023 (with DOIs, errata): PMIDs compared below.
        "references",
        # What either form cannot show (derived browse data, say, is not in the XML).
        *xml["lacks"],
        *classic["lacks"],
    }
    assert {key: xml[key] for key in xml if key not in different} == {
        key: classic[key] for key in classic if key not in different
    }

    assert {r["pmid"] for r in xml["references"]} <= {r["pmid"] for r in classic["references"]}
    assert [sponsor["name"] for sponsor in xml["collaborators"]] == [
        sponsor["name"] for sponsor in classic["collaborators"]
    ]
    assert [item["id"] for item in xml["secondary_ids"]] == [
        item["id"] for item in classic["secondary_ids"]
    ]
    for field in ("brief_summary", "detailed_description", "eligibility_criteria"):
        assert _words(xml[field]) == _words(classic[field]), field
    for xml_outcome, classic_outcome in zip(xml["outcomes"], classic["outcomes"], strict=True):
        assert _words(xml_outcome.pop("description")) == _words(classic_outcome.pop("description"))
        assert xml_outcome == classic_outcome
    for xml_item, classic_item in zip(xml["interventions"], classic["interventions"], strict=True):
        # The same labels; the XML keeps the order typed, the classic API sorts them.
        assert sorted(xml_item.pop("arm_labels")) == classic_item.pop("arm_labels")
        assert xml_item == classic_item
    assert [official["name"] for official in xml["officials"]] == [
        official["name"] for official in classic["officials"]
    ]
    # The registry derives MeSH terms afresh for each data version: the 2018 XML of NCT00023673
    # also had "Albumin-Bound Paclitaxel", which the 2023 derivation no longer gives.
    classic_meshes = {term["term"] for term in classic["mesh_terms"] if not term["is_ancestor"]}
    assert classic_meshes <= {term["term"] for term in xml["mesh_terms"]}


def test_classic_aliases_typed_ids_and_an_old_responsible_party_are_read():
    # No corpus record has them; the names are those of the classic API's study structure.
    document = json.loads(read("json_v1/NCT04581135.json"))
    protocol = document["FullStudiesResponse"]["FullStudies"][0]["Study"]["ProtocolSection"]
    protocol["IdentificationModule"]["NCTIdAliasList"] = {"NCTIdAlias": ["NCT00000001"]}
    protocol["IdentificationModule"]["OrgStudyIdInfo"] = {
        "OrgStudyId": "R01HL123456",
        "OrgStudyIdType": "U.S. NIH Grant/Contract",
        "OrgStudyIdLink": "https://reporter.nih.gov/quickSearch/R01HL123456",
    }
    protocol["SponsorCollaboratorsModule"]["ResponsibleParty"] = {
        "ResponsiblePartyOldNameTitle": "Dr. Jane Roe",
        "ResponsiblePartyOldOrganization": "Inselspital",
    }
    record = classic_json.parse(json.dumps(document).encode(), "edited")
    assert record.nct_aliases == ("NCT00000001",)
    assert (record.org_study_id, record.org_study_id_type) == ("R01HL123456", "NIH")
    assert record.org_study_id_link == "https://reporter.nih.gov/quickSearch/R01HL123456"
    assert record.responsible_party == ResponsibleParty(
        "",
        investigator_name="Dr. Jane Roe",
        investigator_affiliation="Inselspital",
        old_name_title="Dr. Jane Roe",
        old_organization="Inselspital",
    )
