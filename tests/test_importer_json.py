"""The API v2 JSON parser, on the real records in fixtures/corpus/json."""

import json
import re

import pytest

from tests.corpus import CORPUS, read
from trials.importer import detect
from trials.importer.json import api_v2 as api_json
from trials.record import (
    Arm,
    Contact,
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
from trials.text import markdown_outline

JSON_FILES = sorted(path.name for path in (CORPUS / "json").glob("*.json"))


def parse(name: str):
    return api_json.parse(read(f"json/{name}"), f"json/{name}")


def study(name: str) -> dict:
    return json.loads(read(f"json/{name}"))


@pytest.mark.parametrize("name", JSON_FILES)
def test_every_api_v2_file_parses_cleanly_or_is_refused_with_a_reason(name):
    if name == "NCT00465816.json":
        # An AACT test fixture cut down to identificationModule and referencesModule, its titles
        # elided with "...": no status, so nothing a study page could stand on.
        with pytest.raises(RecordError, match="fragment holding only identificationModule"):
            parse(name)
        return
    chunks = api_json.split(read(f"json/{name}"), name)
    assert len(chunks) == 1
    record = api_json.parse(chunks[0], name)
    assert record.nct_id == name[:11]
    assert record.source_format == "API_V2_JSON"
    assert record.warnings == ()
    assert record.lacks == frozenset()


def test_the_fragment_is_refused_naming_what_it_holds_and_what_is_missing():
    with pytest.raises(RecordError) as caught:
        parse("NCT00465816.json")
    assert caught.value.source == "json/NCT00465816.json"
    assert "identificationModule, referencesModule" in caught.value.problem
    assert "no overall status" in caught.value.problem


def test_an_interventional_record_maps_field_by_field():
    record = parse("NCT03386149.json")

    assert record.nct_id == "NCT03386149"
    assert record.brief_title == (
        "Clinical Research on the Efficacy of Bosinji on Herniated Intervertebral Disc of "
        "Lumbar Spine"
    )
    assert record.official_title.startswith("Clinical Research on the Efficacy and Safety of")
    assert record.official_title.endswith("A Multicenter, Randomized, Controlled, Clinical Trial")
    assert record.acronym == ""
    assert (record.org_name, record.org_class) == ("Kyunghee University Medical Center", "OTHER")
    assert (record.org_study_id, record.org_study_id_type) == ("KHNMCOH 2017-08-002", "")
    assert record.secondary_ids == ()
    assert record.nct_aliases == ()

    assert record.overall_status == "COMPLETED"
    assert record.last_known_status == ""
    assert record.status_verified == PartialDate("2020-02")
    assert record.start == PartialDate("2017-12-28", "ACTUAL")
    assert record.primary_completion == PartialDate("2019-12-27", "ACTUAL")
    assert record.completion == PartialDate("2020-01-22", "ACTUAL")
    assert record.first_submitted == PartialDate("2017-12-21")
    assert record.first_posted == PartialDate("2017-12-29", "ACTUAL")
    assert record.last_update_submitted == PartialDate("2020-02-03")
    assert record.last_update_posted == PartialDate("2020-02-05", "ACTUAL")
    assert record.results_first_posted is None
    assert record.has_results is False

    assert record.study_type == "INTERVENTIONAL"
    assert record.patient_registry is None
    assert record.phases == ("PHASE3",)
    assert (record.enrollment, record.enrollment_type) == (74, "ACTUAL")
    assert record.allocation == "RANDOMIZED"
    assert record.intervention_model == "PARALLEL"
    assert record.primary_purpose == "TREATMENT"
    assert record.masking == "SINGLE"
    assert record.who_masked == ("OUTCOMES_ASSESSOR",)
    assert record.observational_model == record.time_perspective == ""

    assert record.brief_summary.startswith("This randomized controlled clinical trial is designed")
    # "Tsumura \\& Co." in the file: kept as written; the page reads the Markdown escape.
    assert "(Tsumura \\& Co., Tokyo, Japan)" in record.detailed_description
    assert "2.5g of Bosinji granule (Tsumura & Co., Tokyo, Japan)" in markdown_outline(
        record.detailed_description
    )
    assert record.conditions == ("Lumbar Disc Herniation",)
    assert record.keywords == (
        "Herniated Intervertebral Disc of Lumbar Spine",
        "Low Back Pain",
        "Radiculopathy",
        "Bosinji",
        "Herbal Medicine",
    )

    assert [(arm.label, arm.type, arm.intervention_names) for arm in record.arms] == [
        ("Experimental Group", "EXPERIMENTAL", ("Drug: Bosinji", "Procedure: Acupuncture")),
        ("Control Group", "ACTIVE_COMPARATOR", ("Drug: Loxonine tab.", "Procedure: Acupuncture")),
    ]
    assert record.arms[1].description.startswith("In the control group, Loxonine tab.")
    bosinji, loxonine, acupuncture = record.interventions
    assert bosinji == Intervention(
        type="DRUG",
        name="Bosinji",
        description=(
            "Product name : Bosinji Granule Manufacturer : Tsumura \\& Co. Ingredient : Bosinji "
            "granule 2.5g (Bosinji extract 1.523g)\n"
            "\n"
            "Bosinji extract is composed of following proportion of ingredient\n"
            "\n"
            "* Rehmannia Root 1.7g\n* Achyranthes Root 1.0g\n* Cornus Fruit 1.0g\n"
            "* Dioscorea Rhizome 1.0g\n* Psyllium Husk 1.0g\n* Alisma Rhizome 1.0g\n"
            "* Hoelen 1.0g\n* Moutan Root Bark 1.0g\n* Cinnamon Bark 0.3g\n"
            "* Pulvis Aconiti Tuberis Purificatum 0.3g"
        ),
        other_names=("Ucha-Shinki-Hwan",),
        arm_labels=("Experimental Group",),
    )
    assert (loxonine.name, loxonine.other_names) == ("Loxonine tab.", ("Loxoprofen",))
    assert acupuncture.type == "PROCEDURE"
    assert acupuncture.other_names == ()
    assert acupuncture.arm_labels == ("Control Group", "Experimental Group")
    assert acupuncture.description.endswith(
        "The time for needle retaining is 15 minutes.\n"
        "\n"
        "1. Both EX-B2 of herniated intervertebral disc level, its upper level and its lower "
        "level (6 acupoints)\n"
        "2. Both side BL24, BL25, BL26, EX-B7, BL28 (10 acupoints)\n"
        "3. Symptomatic side GB30, GB34, BL57, ST36 (4 acupoints)"
    )

    assert [outcome.kind for outcome in record.outcomes] == ["PRIMARY"] + ["SECONDARY"] * 6
    assert record.outcomes[0] == Outcome(
        kind="PRIMARY",
        measure="Change from Baseline 100mm Pain Visual Analogue Scale (VAS) for low back pain"
        " at Week 6",
        time_frame="Week 0 (Baseline), Week 3, Week 6 (Primary end point, Treatment end),"
        " Week 10 (F/U)",
        description="Measurement instrument for subjective pain",
    )
    assert record.outcomes[-1].measure == "Deficiency Syndrome of Kidney Index (DSKI)"

    assert record.eligibility_criteria.startswith(
        "Inclusion Criteria:\n\n1. Men or women aged over 19 years\n2. Radiating pain"
    )
    assert "7. Renal fuction abnormaility (Serum creatinine > 2.0㎎/㎗)" in markdown_outline(
        record.eligibility_criteria
    )
    assert record.eligibility_criteria.endswith(
        "13. participation in other clinical trial with 1 month"
    )
    assert (record.sex, record.minimum_age, record.maximum_age) == ("ALL", "19 Years", "")
    assert record.healthy_volunteers is False
    assert record.gender_based is None
    assert record.std_ages == ("ADULT", "OLDER_ADULT")
    assert record.study_population == record.sampling_method == ""

    assert len(record.sites) == 4
    assert record.sites[0] == Site(
        facility="Dongguk University Bundang Oriental Hospital",
        city="Seongnam",
        state="Gyeonggi",
        zip="13601",
        country="Korea, Republic of",
        status="",
        latitude=37.43861,
        longitude=127.13778,
    )
    assert record.sites[2].zip == "02447"  # a leading zero, kept as text
    assert record.officials == (
        Official(
            "Byung-Kwan Seo, PhD., KMD",
            "PRINCIPAL_INVESTIGATOR",
            "Kyunghee University Medical Center",
        ),
    )
    assert record.lead_sponsor == Sponsor("Kyunghee University Medical Center", "OTHER")
    assert record.collaborators == (
        Sponsor("Kyung Hee University Hospital at Gangdong", "OTHER"),
        Sponsor("DongGuk University", "OTHER"),
        Sponsor("Daegu Korean Medicine Hospital of Daegu Haany University", "OTHER"),
    )
    assert record.responsible_party == ResponsibleParty(
        "PRINCIPAL_INVESTIGATOR",
        "Byung-Kwan Seo",
        "Principal Investigator",
        "Kyunghee University Medical Center",
    )

    meshes = [term for term in record.mesh_terms if not term.is_ancestor]
    assert meshes == [
        MeshTerm("Intervertebral Disc Displacement", "CONDITION", "D007405"),
        MeshTerm("Loxoprofen", "INTERVENTION", "C040656"),
    ]
    ancestors = [term for term in record.mesh_terms if term.is_ancestor]
    assert [term.kind for term in ancestors] == ["CONDITION"] * 5 + ["INTERVENTION"] * 8
    assert ancestors[0] == MeshTerm("Hernia", "CONDITION", "D006547", is_ancestor=True)


def test_an_observational_patient_registry_maps_field_by_field():
    record = parse("NCT03648918.json")

    assert (
        record.brief_title == record.official_title == "Genetics Of Autoimmunity In Type I Diabetes"
    )
    assert record.secondary_ids == (
        SecondaryId("McGee Sibling Study", "OTHER", "Medical College of Wisconsin"),
    )
    assert record.overall_status == "RECRUITING"
    assert record.start == PartialDate("2001-08", "ACTUAL")
    assert record.completion == PartialDate("2050-01", "ESTIMATED")
    assert record.study_type == "OBSERVATIONAL"
    assert record.patient_registry is True
    assert record.phases == ()
    assert (record.enrollment, record.enrollment_type) == (4000, "ESTIMATED")
    assert record.observational_model == "FAMILY_BASED"
    assert record.time_perspective == "PROSPECTIVE"
    assert record.allocation == record.masking == record.primary_purpose == ""
    assert record.conditions == (
        "Type1diabetes",
        "Diabetes Mellitus, Type 1",
        "Type1 Diabetes Mellitus",
        "Diabetes Mellitus",
    )
    assert record.arms == ()
    assert record.interventions == (
        Intervention(
            "OTHER",
            "Blood Collection",
            "Blood will be collected via venipuncture and analyzed. Blood samples will be analyzed "
            "for HLA haplotype (a genetic sequence related to type 1 diabetes susceptibility), "
            "plasma-induced signature, diabetes autoantibodies, complete blood count with "
            "differential, and serum and plasma for storage. For family members with diabetes, "
            "blood will also be tested for A1c.",
        ),
    )
    assert [outcome.measure for outcome in record.outcomes] == [
        "Onset of Type 1 diabetes",
        "Autoantibody Measurement",
    ]
    assert record.eligibility_criteria == (
        "Inclusion Criteria (Families):\n\n"
        "* Families where at least one first-degree family member has type 1 diabetes\n"
        "* The diabetic proband in the family was diagnosed before the age of 39\n"
        "* Family members must be at least 2 years old to participate\n\n"
        "Exclusion Criteria (Families):\n\n"
        "* Families with no history of type 1 diabetes\n"
        "* Families with a history of diabetes that is not type 1 (LADA, MODY, type 2 etc.)\n\n"
        "Inclusion Criteria (Controls):\n\n"
        "* No family history of type 1 diabetes or other autoimmune conditions\n"
        "* Age 2 or older\n\n"
        "Exclusion Criteria (Controls):\n\n"
        "* Personal or family history of autoimmune disease"
    )
    assert record.healthy_volunteers is True
    assert (record.minimum_age, record.maximum_age) == ("2 Years", "")
    assert record.std_ages == ("CHILD", "ADULT", "OLDER_ADULT")
    # "(n\\~1500)" and "\\<17 years" in the file: kept as written, read as the page shows it.
    assert "(n\\~1500)" in record.study_population
    population = markdown_outline(record.study_population)
    assert "Children's Wisconsin (n~1500) and Froedtert Hospital (n~800)" in population
    assert "must include children <17 years of age" in population
    assert record.sampling_method == "NON_PROBABILITY_SAMPLE"
    assert record.sites == (
        Site(
            "Medical College of Wisconsin",
            "Milwaukee",
            "Wisconsin",
            "53226",
            "United States",
            "RECRUITING",
            43.0389,
            -87.90647,
            contacts=(
                Contact("Martin Hessner, PhD", "CONTACT", "414-955-4903", email="t1dinfo@mcw.edu"),
            ),
        ),
    )
    assert record.responsible_party == ResponsibleParty(
        "PRINCIPAL_INVESTIGATOR", "Martin Hessner", "Professor", "Medical College of Wisconsin"
    )
    assert [sponsor.name for sponsor in record.collaborators] == [
        "Benaroya Research Institute",
        "Indiana University",
    ]
    assert [(term.term, term.is_ancestor) for term in record.mesh_terms][:3] == [
        ("Diabetes Mellitus", False),
        ("Diabetes Mellitus, Type 1", False),
        ("Glucose Metabolism Disorders", True),
    ]


def test_a_pre_2011_responsible_party_is_read_from_old_name_title_and_organization():
    record = parse("NCT00405041.json")
    assert record.responsible_party == ResponsibleParty(
        type="",
        investigator_name="Ory Keynan",
        investigator_affiliation="Tel-Aviv Sourasky Medical Center",
        # Kept as the source says them too, so the export gives them back.
        old_name_title="Ory Keynan",
        old_organization="Tel-Aviv Sourasky Medical Center",
    )


def test_an_unknown_status_record_keeps_its_last_known_status_and_untyped_start():
    record = parse("NCT00410098.json")
    assert (record.overall_status, record.last_known_status) == ("UNKNOWN", "NOT_YET_RECRUITING")
    assert record.start == PartialDate("2007-06", "")
    assert record.phases == ("NA",)
    assert record.sites == ()
    assert record.arms == ()
    assert record.interventions == (Intervention("BEHAVIORAL", "Bikram Yoga"),)


def test_a_complete_record_without_an_arms_module_has_no_arms_rather_than_lacking_them():
    record = parse("NCT05923112.json")  # observational; API v2 leaves an empty module out
    assert (record.arms, record.interventions) == ((), ())
    assert record.lacks == frozenset()


def test_a_capture_missing_modules_every_record_has_lacks_their_fields():
    document = study("NCT03648918.json")
    protocol = document["protocolSection"]
    document = {
        "protocolSection": {
            "identificationModule": protocol["identificationModule"],
            "statusModule": protocol["statusModule"],
        }
    }
    record = api_json.build(document, "cut")
    assert record.overall_status == "RECRUITING"
    assert {
        "study_type",
        "phases",
        "eligibility_criteria",
        "sites",
        "arms",
        "outcomes",
    } <= record.lacks
    assert {
        "conditions",
        "lead_sponsor",
        "brief_summary",
        "mesh_terms",
        "has_results",
    } <= record.lacks
    assert not record.lacks & {"nct_id", "brief_title", "overall_status", "start"}
    assert record.has_results is None


def test_a_status_the_vocabulary_does_not_know_becomes_a_warning_not_a_guess():
    document = study("NCT03648918.json")
    document["protocolSection"]["designModule"]["designInfo"]["observationalModel"] = "GUESSWORK"
    record = api_json.build(document, "edited")
    assert record.observational_model == ""
    assert record.warnings == ("'GUESSWORK' is not a known ObservationalModel: left blank",)


def test_markdown_criteria_keep_their_nesting_at_two_spaces_a_level():
    criteria = markdown_outline(parse("NCT05809934.json").eligibility_criteria)
    # Items under "3. " sit three columns in; an empty HTML comment separates two lists.
    assert (
        "3. Participants with histological evidence of NASH based on central pathologist "
        "evaluation of a liver biopsy obtained up to 6 months before randomisation, or during "
        "screening, fulfilling both criteria:\n"
        "  1. Definitive NASH with NAS ≥ 4 with ≥ 1 in each component (ie, steatosis, lobular "
        "inflammation, and ballooning).\n"
        "  1. Presence of fibrosis stage F2 or F3"
    ) in criteria
    assert "<!--" not in criteria
    # A paragraph inside item 1 stays inside it.
    assert (
        "consent.\n  Type of Participant and Disease Characteristics\n2. Participants" in criteria
    )
    assert (
        "  2. TBL > 1.5 mg/dL (TBL > 1.5 mg/dL is allowed if conjugated bilirubin is < 1.5"
        " \N{MULTIPLICATION SIGN} ULN)" in criteria
    )


def test_a_sub_list_after_a_blank_line_joins_its_item_and_an_empty_bullet_is_dropped():
    criteria = markdown_outline(parse("NCT02552212.json").eligibility_criteria)
    assert (
        "* Active disease at Screening as defined by\n"
        "  * Bath Ankylosing Spondylitis Disease Activity Index (BASDAI) score >= 4\n"
        "  * Spinal pain >= 4 on a 0 to 10 Numerical Rating Scale (NRS)\n"
        "* Inadequate response to"
    ) in criteria
    # NCT04207047 ends its criteria with a lone "-" under item 19.3 (four columns in).
    last = markdown_outline(parse("NCT04207047.json").eligibility_criteria).splitlines()[-1]
    assert last == (
        "  3. Psychiatric drugs that in the investigators opinion would impair the subject from "
        "understanding the protocol requirements or understanding and signing the informed consent."
    )


def test_markdown_outline_undoes_escapes_but_renders_nothing():
    assert markdown_outline("a \\< b \\> c \\[d\\] \\& e \\\\ f **bold**") == (
        "a < b > c [d] & e \\ f **bold**"
    )
    assert markdown_outline("Heading:\n+ one\n    + two\n\n\n\nTail  text ") == (
        "Heading:\n\n* one\n  * two\n\nTail text"
    )
    assert markdown_outline(None) == ""


def test_a_single_study_object_is_one_chunk_left_as_it_is():
    data = read("json/NCT03648918.json")
    assert api_json.split(data, "one") == [data]


def test_a_list_response_splits_into_compact_studies_that_parse_on_their_own():
    first, second = study("NCT03648918.json"), study("NCT03386149.json")
    response = json.dumps({"studies": [first, second], "nextPageToken": "NF0g5JGBlPMuwQY"})
    chunks = api_json.split(response.encode(), "page.json")
    assert [json.loads(chunk) for chunk in chunks] == [first, second]
    assert b"\n" not in chunks[0] and b", " not in chunks[0][:200]
    assert [api_json.parse(chunk, "page.json").nct_id for chunk in chunks] == [
        "NCT03648918",
        "NCT03386149",
    ]
    with pytest.raises(RecordError, match="holds 2 studies: split it first"):
        api_json.parse(response.encode(), "page.json")


def test_the_website_download_array_splits_and_keeps_non_ascii_text_as_utf8():
    download = json.dumps([study("NCT02724163.json"), study("NCT00410098.json")], indent=2)
    chunks = api_json.split(download.encode(), "ctg-studies.json")
    assert len(chunks) == 2
    assert "Hôpitaux".encode() in chunks[0]
    record = api_json.parse(chunks[0], "ctg-studies.json")
    assert record.collaborators[0] == Sponsor("Assistance Publique - Hôpitaux de Paris", "OTHER")


def test_read_studies_gives_one_piece_per_study_of_an_array():
    download = json.dumps([study("NCT02724163.json"), study("NCT00410098.json")]).encode()
    pieces = list(detect.read_studies(download, "ctg-studies.json"))
    assert [piece.source for piece in pieces] == ["ctg-studies.json[0]", "ctg-studies.json[1]"]
    assert [piece.record.nct_id for piece in pieces] == ["NCT02724163", "NCT00410098"]


def test_an_empty_list_response_has_no_studies():
    with pytest.raises(RecordError, match="no studies"):
        api_json.split(b'{"studies": []}', "empty.json")
    with pytest.raises(RecordError, match="no studies"):
        api_json.parse(b"[]", "empty.json")


def test_invalid_json_is_refused_naming_the_source_and_the_position():
    with pytest.raises(RecordError) as caught:
        api_json.parse(b'{"protocolSection": {"identificationModule": nope}}', "bad.json")
    assert caught.value.source == "bad.json"
    assert caught.value.problem.startswith(
        "not valid JSON: Expecting value at line 1, column 46 (character 45)"
    )


def test_a_truncated_file_is_refused_with_where_it_stops():
    data = read("json/NCT03648918.json")
    cut = data[: len(data) // 2]
    assert b"\x00" not in cut
    with pytest.raises(RecordError) as caught:
        api_json.split(cut, "cut.json")
    assert caught.value.source == "cut.json"
    assert re.fullmatch(
        r"not valid JSON: .+ at line \d+, column \d+ \(character \d+\)", caught.value.problem
    )


def test_json_that_is_not_a_study_is_refused():
    with pytest.raises(RecordError, match="no protocolSection"):
        api_json.parse(b'{"hello": "world"}', "other.json")
    with pytest.raises(RecordError, match="StudyFieldsResponse"):
        api_json.split(b'{"StudyFieldsResponse": {"StudyFields": []}}', "fields.json")


# Cross-format agreement -------------------------------------------------------------------------


def test_two_snapshots_that_differ_only_in_derived_data_differ_only_there():
    # MANIFEST: the second snapshot differs in derivedSection browse data only; the record keeps
    # it whole (leaves, branches and the date the registry derived them).
    first = parse("NCT02552212.json").to_dict()
    second = parse("NCT02552212~NCT02552212.json").to_dict()
    differing = {name for name in first if first[name] != second[name]}
    assert differing == {"version_holder", "browse_leaves", "browse_branches"}


def test_the_api_record_agrees_with_the_2023_classic_page_text_of_the_same_study():
    # Values read by eye from fixtures/corpus/text/NCT02552212.txt (a pipe-table capture that
    # stops in the arm table); the JSON's last update, 2022-08-18, is the page's too.
    record = parse("NCT02552212.json")
    assert record.brief_title == (
        "Multicenter Study Evaluating Certolizumab Pegol Compared to Placebo in Subjects With "
        "axSpA Without X-ray Evidence of AS"
    )
    assert record.acronym == "C-AXSPAND"  # the page appends "(C-AXSPAND)" to the title
    assert record.overall_status == "COMPLETED"
    assert record.first_posted.iso == "2015-09-17"
    assert record.results_first_posted.iso == "2020-08-17"
    assert record.last_update_posted.iso == "2022-08-18"
    assert record.conditions == (
        "Axial Spondyloarthritis",
        "Nonradiographic Axial Spondyloarthritis",
        "Nr-axSpA",
    )
    assert [(item.type, item.name) for item in record.interventions] == [
        ("BIOLOGICAL", "Certolizumab Pegol"),
        ("OTHER", "Placebo"),
    ]
    assert record.phases == ("PHASE3",)
    assert record.study_type == "INTERVENTIONAL"
    assert (record.enrollment, record.enrollment_type) == (317, "ACTUAL")
    assert (record.allocation, record.intervention_model) == ("RANDOMIZED", "PARALLEL")
    assert record.masking == "QUADRUPLE"
    assert record.who_masked == (
        "PARTICIPANT",
        "CARE_PROVIDER",
        "INVESTIGATOR",
        "OUTCOMES_ASSESSOR",
    )
    assert record.primary_purpose == "TREATMENT"
    assert record.official_title.startswith("Phase 3, Multicenter, Randomized, Placebo-Controlled")
    assert record.start == PartialDate("2015-09", "ACTUAL")
    assert record.primary_completion == PartialDate("2018-05", "ACTUAL")
    assert record.completion == PartialDate("2020-05", "ACTUAL")
    assert record.arms[0] == Arm(
        "Certolizumab Pegol 200 mg Q2W",
        "EXPERIMENTAL",
        "Certolizumab Pegol (CZP) 400 mg subcutaneous (sc) on Weeks 0, 2 and 4, followed by 200 "
        "mg CZP sc every 2 weeks (Q2W) from Week 6 onwards.",
        ("Biological: Certolizumab Pegol",),
    )
    assert (record.arms[1].label, record.arms[1].type) == ("Placebo", "PLACEBO_COMPARATOR")
    # The page shows "Other Names:" with an empty cell in this capture; the JSON names two.
    assert record.interventions[0].other_names == ("Cimzia", "CDP870")


def test_the_api_record_agrees_with_the_2017_page_text_allowing_for_four_years_of_updates():
    # fixtures/corpus/text/NCT02724163.txt was captured in late 2017 (last update posted
    # October 26, 2017); the JSON is the record as updated on 2021-10-08.
    record = parse("NCT02724163.json")
    assert record.brief_title == (
        "International Randomised Phase III Clinical Trial in Children With Acute Myeloid Leukaemia"
    )
    assert record.acronym == "Myechild01"
    assert record.overall_status == "RECRUITING"
    assert record.first_posted.iso == "2016-03-31"
    assert record.last_update_posted.iso == "2021-10-08"  # changed since: the page says 2017-10-26
    assert record.lead_sponsor.name == "University of Birmingham"
    assert [sponsor.name for sponsor in record.collaborators] == [
        "Assistance Publique - Hôpitaux de Paris",
        "Cancer Research UK",
        "National Cancer Institute, France",
        "Pfizer",
    ]
    summary = markdown_outline(record.brief_summary).split("\n")
    assert summary[:3] == ["The main purpose of this study is :", "", summary[2]]
    assert summary[2].startswith("1. To establish which number of doses of gemtuzumab ozogamicin")
    # The page's item 2 ends "as induction therapy."; the 2021 record adds why R1 closed early.
    assert summary[3].startswith(
        "2. To compare mitoxantrone (anthracenedione) & cytarabine with liposomal daunorubicin "
        "(anthracycline) & cytarabine as induction therapy."
    )
    assert "closed early to recruitment on 8th September 2017" in summary[3]
    assert [line[:3] for line in summary[2:]] == ["1. ", "2. ", "3. ", "4. ", "5. "]


def test_aliases_and_a_typed_org_study_id_are_read_where_a_record_has_them():
    # No corpus record has them; the shapes are those of the API v2 specification.
    document = study("NCT03648918.json")
    ident = document["protocolSection"]["identificationModule"]
    ident["nctIdAliases"] = ["NCT00000001", " NCT00000002 "]
    ident["orgStudyIdInfo"] = {
        "id": "R01DK123456",
        "type": "NIH",
        "link": "https://reporter.nih.gov/quickSearch/R01DK123456",
    }
    record = api_json.build(document, "edited")
    assert record.nct_aliases == ("NCT00000001", "NCT00000002")
    assert (record.org_study_id, record.org_study_id_type) == ("R01DK123456", "NIH")
    assert record.org_study_id_link == "https://reporter.nih.gov/quickSearch/R01DK123456"
