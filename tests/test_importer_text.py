"""The page-text parser, on the copied classic study pages of fixtures/corpus/text.

Expected values are written out by hand from the page text of each file (the seed
NCT00398515.txt is the one complete page); nothing here is pasted from the parser's output.
"""

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.corpus import CORPUS, SEED, UNREAD_FROM_PAGES, read
from trials.importer import page_text
from trials.importer.page_text import conditions as page_text_conditions
from trials.importer.page_text.conditions import MESH_KINDS, classify_mesh, split_conditions
from trials.record import PartialDate, RecordError, StudyRecord

TEXT_FILES = sorted((CORPUS / "text").glob("*.txt"))


@pytest.fixture(scope="module")
def seed() -> StudyRecord:
    return page_text.parse(SEED.read_bytes(), "text/NCT00398515.txt")


def parse_file(name: str) -> StudyRecord:
    return page_text.parse(read(f"text/{name}"), f"text/{name}")


# -- the seed, field by field ---------------------------------------------------------------


def test_the_seed_gives_its_identity_titles_and_status(seed):
    assert seed.nct_id == "NCT00398515"
    assert seed.source_format == "PAGE_TEXT"
    assert seed.brief_title == (
        "Lenalidomide and Temsirolimus in Treating Patients With Previously Treated Multiple "
        "Myeloma"
    )
    assert seed.acronym == ""
    assert seed.official_title == (
        "A Phase I Trial of CC-5013 (Lenalidomide) and CCI-779 in Patients With Relapsed or "
        "Refractory Multiple Myeloma"
    )
    assert seed.overall_status == "COMPLETED"
    assert seed.last_known_status == ""
    assert seed.why_stopped == ""


def test_the_seed_gives_its_dates_as_precise_as_the_page_writes_them(seed):
    assert seed.first_posted == PartialDate("2006-11-10")
    assert seed.last_update_posted == PartialDate("2013-09-30")
    assert seed.status_verified == PartialDate("2013-09")
    assert seed.results_first_posted is None
    assert seed.has_results is False
    # "Study Start Date : March 2007" says neither actual nor estimated.
    assert seed.start == PartialDate("2007-03", "")
    assert seed.primary_completion == PartialDate("2012-02", "ACTUAL")
    assert seed.completion is None


def test_the_seed_gives_its_design(seed):
    assert seed.study_type == "INTERVENTIONAL"
    assert seed.patient_registry is None
    assert seed.phases == ("PHASE1",)
    assert (seed.enrollment, seed.enrollment_type) == (25, "ACTUAL")
    assert seed.allocation == ""  # a single-group study: the page prints no allocation
    assert seed.intervention_model == "SINGLE_GROUP"
    assert seed.masking == "NONE"
    assert seed.who_masked == ()
    assert seed.primary_purpose == "TREATMENT"


def test_the_seed_splits_its_collapsed_condition_cell_into_three_conditions(seed):
    assert seed.conditions == (
        "Refractory Multiple Myeloma",
        "Stage II Multiple Myeloma",
        "Stage III Multiple Myeloma",
    )
    assert seed.warnings == ()


def test_the_seed_gives_four_interventions_with_other_names_and_descriptions(seed):
    arm = "Treatment (antiangiogenesis, chemotherapy, enzyme inhibitor)"
    found = [
        (i.type, i.name, i.description, i.other_names, i.arm_labels) for i in seed.interventions
    ]
    assert found == [
        ("DRUG", "lenalidomide", "Given orally", ("CC-5013", "IMiD-1", "Revlimid"), (arm,)),
        (
            "DRUG",
            "temsirolimus",
            "Given IV",
            ("CCI-779", "cell cycle inhibitor 779", "Torisel"),
            (arm,),
        ),
        (
            "OTHER",
            "pharmacological study",
            "Correlative studies",
            ("pharmacological studies",),
            (arm,),
        ),
        ("OTHER", "laboratory biomarker analysis", "Correlative studies", (), (arm,)),
    ]


def test_the_seed_gives_one_experimental_arm_linked_to_all_four_interventions(seed):
    (arm,) = seed.arms
    assert arm.label == "Treatment (antiangiogenesis, chemotherapy, enzyme inhibitor)"
    assert arm.type == "EXPERIMENTAL"
    assert arm.description == (
        "Patients receive temsirolimus IV over 30 minutes on days 1, 8, 15, and 22 and oral "
        "lenalidomide once daily on days 1-21. Treatment repeats every 28 days for 12 courses in "
        "the absence of disease progression or unacceptable toxicity."
    )
    assert arm.intervention_names == (
        "Drug: lenalidomide",
        "Drug: temsirolimus",
        "Other: pharmacological study",
        "Other: laboratory biomarker analysis",
    )


def test_the_seed_gives_one_primary_and_five_secondary_outcomes_in_page_order(seed):
    kinds = [o.kind for o in seed.outcomes]
    assert kinds == ["PRIMARY"] + ["SECONDARY"] * 5
    primary = seed.outcomes[0]
    assert primary.measure == (
        "Maximum tolerated dose (MTD) of temsirolimus when given together with lenalidomide"
    )
    assert primary.time_frame == "Course 1 (first 28 days)"
    assert primary.description.startswith("The MTD is the dose level at which less than 2 out")
    assert primary.description.endswith("will used to characterize toxicities.")
    measures = [(o.measure, o.time_frame, o.description) for o in seed.outcomes[1:]]
    assert measures[0] == (
        "Toxicity of lenalidomide and temsirolimus combination therapy in previously treated "
        "mulple myeloma patients",
        "From the time of their first treatment with lenalidomide and temsirolimus",
        "Measured by NCI CTCAE version 3.0.",
    )
    assert measures[1] == (
        "Pharmacokinetic analysis of lenalidomide",
        "Baseline and days 1 and 22 (lenalidomide only) of course 1",
        "Plasma drug levels will be measured by liquid chromatography and tandem mass "
        "spectroscopy.",
    )
    assert measures[2][:2] == (
        "Pharmacodynamics of temsirolimus in peripheral blood mononuclear cells (PBMC)",
        "Days 1 and 8 of course 1",
    )
    assert measures[2][2].endswith("correlated with clinical endpoints and PK parameters.")
    assert measures[3] == (
        "Assessment of serum cytokines; IL-2, sIL-2R, TNF-alpha, IFN-gamma, IL-1 beta, IL-1Ra, "
        "GM-CSF, IL-8, IL-6, sIL-6R, MIP-1 alpha, VEGF, and b-FGF",
        "Baseline and then every 4 weeks",
        "Assessed by ELISA.",
    )
    assert measures[4] == (
        "Assessment of peripheral blood immune cell subsets",
        "Baseline and then every 4 weeks",
        "We will investigate immune cell subsets by flow-cytometry.",
    )


def test_the_seed_gives_its_identifiers(seed):
    assert seed.org_study_id == "NCI-2009-00151"
    assert [(s.id, s.type, s.domain) for s in seed.secondary_ids] == [
        ("NCI-2009-00151", "REGISTRY", "CTRP (Clinical Trial Reporting Program)"),
        ("05115", "OTHER", "Ohio State University Medical Center"),
        ("7314", "OTHER", "CTEP"),
        ("U01CA076576", "NIH", ""),
    ]
    assert seed.nct_aliases == ("NCT01645553", "NCT01664442")


def test_the_seed_gives_its_site_sponsor_responsible_party_and_investigator(seed):
    (site,) = seed.sites
    assert (site.facility, site.city, site.state, site.zip, site.country) == (
        "Ohio State University Medical Center",
        "Columbus",
        "Ohio",
        "43210",
        "United States",
    )
    assert seed.lead_sponsor.name == "National Cancer Institute (NCI)"
    assert seed.collaborators == ()
    # "Information provided by (Responsible Party):" names the sponsor itself.
    assert seed.responsible_party.type == "SPONSOR"
    (official,) = seed.officials
    assert (official.name, official.role, official.affiliation) == (
        "Craig Hofmeister",
        "PRINCIPAL_INVESTIGATOR",
        "Ohio State University",
    )


def test_the_seed_gives_its_eligibility(seed):
    assert seed.minimum_age == "18 Years"
    assert seed.maximum_age == ""
    assert seed.std_ages == ("ADULT", "OLDER_ADULT")
    assert seed.sex == "ALL"
    assert seed.healthy_volunteers is False


def test_the_seed_criteria_keep_their_three_levels_of_bullets(seed):
    lines = seed.eligibility_criteria.split("\n")
    assert lines[:4] == [
        "Inclusion Criteria:",
        "",
        "* Diagnosis of multiple myeloma (MM)",
        "  * Salmon-Durie stage IIA or IIIA",
    ]
    assert "* Meets ≥ 1 major AND 1 minor criterion OR ≥ 3 minor criteria" in lines
    assert "  * The following are considered major criteria:" in lines
    assert "    * Plasmacytoma on tissue biopsy" in lines
    assert "    * Lytic bone lesions" in lines
    assert (
        "  * Treatment with single-agent lenalidomide or single-agent mTOR inhibitor allowed"
        in lines
    )
    assert lines[-1] == "* No concurrent grapefruit or grapefruit juice"
    # The page has 34 first-level, 14 second-level and 7 third-level bullets.
    assert sum(line.startswith("* ") for line in lines) == 34
    assert sum(line.startswith("  * ") for line in lines) == 14
    assert sum(line.startswith("    * ") for line in lines) == 7
    assert "Information from the National Library of Medicine" not in seed.eligibility_criteria


def test_the_seed_keeps_its_summary_and_run_on_objectives_as_paragraphs(seed):
    assert seed.brief_summary.startswith("This phase I trial is studying the side effects")
    assert seed.brief_summary.endswith("may kill more cancer cells.")
    paragraphs = seed.detailed_description.split("\n\n")
    assert paragraphs[0] == (
        "I. Determine the maximum tolerated dose of CCI-779 (temsirolimus) when given together "
        "with lenalidomide in patients with previously treated multiple myeloma."
    )
    assert paragraphs[1].startswith("I. Determine the toxicity of this regimen in these patients.")
    assert "IV. Determine the pharmacodynamic effects" in paragraphs[1]
    assert paragraphs[2] == "OUTLINE: This is a dose-escalation study of CCI-779."
    assert len(paragraphs) == 5


def test_the_seed_gives_its_mesh_terms_in_page_order_split_into_conditions_and_interventions(seed):
    terms = [(m.term, m.kind) for m in seed.mesh_terms]
    conditions = [
        "Multiple Myeloma",
        "Neoplasms, Plasma Cell",
        "Neoplasms by Histologic Type",
        "Hemostatic Disorders",
        "Vascular Diseases",
        "Cardiovascular Diseases",
        "Blood Protein Disorders",
        "Hematologic Diseases",
        "Hemorrhagic Disorders",
        "Lymphoproliferative Disorders",
        "Immunoproliferative Disorders",
        "Immune System Diseases",
    ]
    interventions = [
        "Immunologic Factors",
        "Physiological Effects of Drugs",
        "Angiogenesis Inhibitors",
        "Angiogenesis Modulating Agents",
        "Growth Substances",
        "Growth Inhibitors",
        "Antineoplastic Agents",
        "Immunosuppressive Agents",
        "Leprostatic Agents",
        "Anti-Bacterial Agents",
        "Anti-Infective Agents",
        "Antibiotics, Antineoplastic",
    ]
    # The page lists 24 terms (12 + 12).
    assert terms == [(t, "CONDITION") for t in conditions] + [
        (t, "INTERVENTION") for t in interventions
    ]


def test_the_mesh_lexicon_itself_supports_the_seed_split():
    # The corpus files "Immune System Diseases" under conditions and "Immunologic Factors" under
    # interventions; the unknown terms either side are placed by the page's order.
    assert MESH_KINDS["immune system diseases"] == "CONDITION"
    assert MESH_KINDS["immunologic factors"] == "INTERVENTION"
    assert MESH_KINDS["multiple myeloma"] == "CONDITION"
    assert MESH_KINDS["antibiotics, antineoplastic"] == "INTERVENTION"
    assert "blood protein disorders" not in MESH_KINDS


def test_mesh_terms_the_lexicon_does_not_know_are_classed_by_wording_and_reported():
    terms, warnings = classify_mesh(["Myelomatous Dyscrasias", "Dyscrasia Modulating Agents"])
    assert [t.kind for t in terms] == ["CONDITION", "INTERVENTION"]
    assert warnings == ("no MeSH term is in the lexicon: kinds guessed from their wording",)


def test_an_unknown_mesh_term_between_the_two_parts_is_reported():
    terms, warnings = classify_mesh(
        ["Multiple Myeloma", "Myelomatous Dyscrasias", "Immunologic Factors"]
    )
    assert [t.kind for t in terms] == ["CONDITION", "CONDITION", "INTERVENTION"]
    assert "'Myelomatous Dyscrasias'" in warnings[0]


def test_the_seed_lacks_only_what_the_page_never_prints(seed):
    assert seed.lacks == UNREAD_FROM_PAGES | {
        "first_submitted",
        "last_update_submitted",
        "org_name",
        "org_class",
        "org_study_id_type",
        "org_study_id_link",
    }


# -- conditions: split from evidence, never guessed ------------------------------------------


def test_repetition_alone_splits_the_seed_conditions(monkeypatch):
    monkeypatch.setattr(page_text_conditions, "_CONDITION_KEYS", set())
    run = "Refractory Multiple Myeloma Stage II Multiple Myeloma Stage III Multiple Myeloma"
    pieces, warning = split_conditions(run, [], [])
    assert pieces == [
        "Refractory Multiple Myeloma",
        "Stage II Multiple Myeloma",
        "Stage III Multiple Myeloma",
    ]
    assert warning == ""


def test_a_run_without_evidence_stays_one_condition_with_a_warning(monkeypatch):
    monkeypatch.setattr(page_text_conditions, "_CONDITION_KEYS", set())
    run = "Refractory Multiple Myeloma Stage II Plasmacytoma"
    pieces, warning = split_conditions(run, [], [])
    assert pieces == [run]
    assert "could not be separated" in warning


def test_an_unsplittable_condition_run_in_the_seed_gives_a_warning_not_a_guess():
    data = SEED.read_bytes().replace(
        b"Refractory Multiple Myeloma Stage II Multiple Myeloma Stage III Multiple Myeloma",
        b"Smouldering Myelomatosis Plasmacytic Dyscrasia",
    )
    record = page_text.parse(data, "seed with other conditions")
    assert record.conditions == ("Smouldering Myelomatosis Plasmacytic Dyscrasia",)
    assert record.interventions[0].name == "lenalidomide"
    assert record.phases == ("PHASE1",)
    assert any("could not be separated" in w for w in record.warnings)


def test_four_conditions_in_one_pipe_table_cell_are_separated():
    record = parse_file("NCT00461630.txt")
    assert record.conditions == (
        "Cardiovascular Disease",
        "Peripheral Arterial Disease",
        "Diabetes Mellitus",
        "Coronary Heart Disease",
    )
    assert [(i.type, i.name) for i in record.interventions] == [
        ("DRUG", "ER niacin/laropiprant"),
        ("DRUG", "simvastatin"),
        ("DRUG", "ezetimibe/simvastatin"),
    ]
    assert record.phases == ("PHASE3",)
    assert record.warnings == ()


def test_a_condition_line_cut_by_the_capture_keeps_the_supported_conditions_and_is_lacking():
    record = parse_file("NCT02465060.txt")
    # The capture stops at "… Lung Carcinoma Lymphom": the cut word is dropped, not kept.
    assert record.conditions[:3] == (
        "Advanced Malignant Solid Neoplasm",
        "Bladder Carcinoma",
        "Breast Carcinoma",
    )
    assert "Head and Neck Carcinoma" in record.conditions
    assert "Liver and Intrahepatic Bile Duct Carcinoma" in record.conditions
    assert record.conditions[-1] == "Lung Carcinoma"
    assert len(record.conditions) == 14
    assert "conditions" in record.lacks


def test_a_condition_without_evidence_for_its_end_is_kept_and_reported():
    record = parse_file("NCT02552212.txt")
    assert record.conditions == (
        "Axial Spondyloarthritis",
        "Nonradiographic Axial Spondyloarthritis",
        "Nr-axSpA",
    )
    assert any("'Nr-axSpA'" in w and "could not be separated" in w for w in record.warnings)


def test_a_results_tab_lists_conditions_one_a_line():
    record = parse_file("NCT02552212~results.txt")
    assert record.conditions == (
        "Axial Spondyloarthritis",
        "Nonradiographic Axial Spondyloarthritis",
        "Nr-axSpA",
    )
    # Its one warning is the flow table's (run-together group titles), none the conditions'.
    assert [w for w in record.warnings if not w.startswith("participant flow:")] == []


# -- every capture in the corpus ----------------------------------------------------------------


@pytest.mark.parametrize("path", TEXT_FILES, ids=lambda p: p.name)
def test_every_text_capture_parses_into_its_own_study(path: Path):
    record = page_text.parse(path.read_bytes(), str(path))
    assert record.nct_id == path.name[:11]
    assert record.brief_title
    if path.name != "NCT00398515.txt":
        # Cut after ~2,000 characters: the locations never appear.
        assert "sites" in record.lacks
        assert "mesh_terms" in record.lacks


# (file, status, first posted, results first posted, last update posted) from each header.
HEADERS = [
    ("NCT00006392.txt", "COMPLETED", "2003-01-27", "2012-11-06", "2015-11-20"),
    ("NCT00179621.txt", "COMPLETED", "2005-09-16", "2011-03-17", "2011-04-14"),
    ("NCT00460798.txt", "COMPLETED", "2007-04-16", "2010-11-04", "2010-11-16"),
    ("NCT00461630.txt", "COMPLETED", "2007-04-18", "2014-01-28", "2014-02-28"),
    ("NCT00570739.txt", "COMPLETED", "2007-12-11", "2010-07-13", "2010-07-27"),
    ("NCT00570739~results.txt", "COMPLETED", "2007-12-11", "2010-07-13", "2010-07-27"),
    ("NCT00943839.txt", "COMPLETED", "2009-07-22", None, "2016-11-10"),
    ("NCT02481830.txt", "ACTIVE_NOT_RECRUITING", "2015-06-25", "2020-01-09", "2022-04-11"),
    ("NCT02481830~pipes.txt", "ACTIVE_NOT_RECRUITING", "2015-06-25", "2020-01-09", "2022-04-11"),
    ("NCT02505542.txt", "COMPLETED", "2015-07-22", "2020-04-21", "2020-07-02"),
    ("NCT02552212.txt", "COMPLETED", "2015-09-17", "2020-08-17", "2022-08-18"),
    ("NCT02552212~results.txt", "COMPLETED", "2015-09-17", "2020-08-17", "2022-08-18"),
    ("NCT02724163.txt", "RECRUITING", "2016-03-31", None, "2017-10-26"),
    ("NCT04349592.txt", "COMPLETED", "2020-04-16", None, "2021-02-23"),
]


@pytest.mark.parametrize(("name", "status", "first", "results", "last"), HEADERS)
def test_each_2017_to_2023_header_gives_status_and_posted_dates(name, status, first, results, last):
    record = parse_file(name)
    assert record.overall_status == status
    assert record.first_posted == PartialDate(first)
    assert record.results_first_posted == (PartialDate(results) if results else None)
    assert record.has_results is (results is not None)
    assert record.last_update_posted == PartialDate(last)


def test_the_late_2017_transitional_header_gives_its_status_sentence_and_verified_date():
    record = parse_file("NCT02465060.txt")
    assert record.overall_status == "RECRUITING"  # "This study is currently recruiting …"
    assert record.status_verified == PartialDate("2017-11")  # "Verified November 2017 by …"
    assert record.first_posted == PartialDate("2015-06-08")
    assert record.last_update_posted == PartialDate("2017-12-15")
    assert record.brief_title.startswith("NCI-MATCH: Targeted Therapy Directed by Genetic")
    # The transitional header prints no results date: whether results exist is unknown.
    assert {"has_results", "results_first_posted"} <= record.lacks


def test_a_cut_design_table_gives_the_rows_it_reached_and_lacks_the_cut_one():
    record = parse_file("NCT00006392.txt")
    assert (record.brief_title, record.acronym) == (
        "S0000 Selenium and Vitamin E in Preventing Prostate Cancer",
        "SELECT",
    )
    assert (record.enrollment, record.enrollment_type) == (35533, "ACTUAL")
    assert record.allocation == "RANDOMIZED"
    assert record.intervention_model == "FACTORIAL"
    assert record.masking == "QUADRUPLE"
    assert record.who_masked == (
        "PARTICIPANT",
        "CARE_PROVIDER",
        "INVESTIGATOR",
        "OUTCOMES_ASSESSOR",
    )
    assert record.primary_purpose == "PREVENTION"
    # "Official Title: | Selenium and Vitamin E" is where the capture stops.
    assert "official_title" in record.lacks
    assert "primary_purpose" not in record.lacks
    assert {"start", "arms", "outcomes", "eligibility_criteria"} <= record.lacks
    assert record.brief_summary.startswith("RATIONALE: Chemoprevention therapy")
    assert record.detailed_description.startswith("OBJECTIVES:\n\n* Compare the effect")


def test_an_observational_page_gives_its_group_and_its_intervention():
    record = parse_file("NCT00460798.txt")
    assert record.study_type == "OBSERVATIONAL"
    assert record.patient_registry is False
    assert record.observational_model == "COHORT"
    assert record.time_perspective == "PROSPECTIVE"
    assert record.start == PartialDate("2007-02")
    assert record.primary_completion == PartialDate("2009-09")
    assert record.conditions == ("Renal Cell Carcinoma",)
    (arm,) = record.arms
    assert (arm.label, arm.type) == ("Non-Interventional Study", "")
    (intervention,) = record.interventions
    assert (intervention.type, intervention.name) == ("OTHER", "Sutent: observational study")
    assert intervention.description.startswith("SUNIKA - A Non-Interventional Study")
    assert intervention.other_names == ("sunitinib malate",)
    assert intervention.arm_labels == ("Non-Interventional Study",)
    assert "outcomes" in record.lacks  # cut in "1. Number of P"


def test_the_tabular_record_view_gives_its_tracking_information():
    record = parse_file("NCT00570739.txt")
    assert record.first_submitted == PartialDate("2007-12-10")
    assert record.start == PartialDate("2007-11")
    assert record.primary_completion == PartialDate("2009-04", "ACTUAL")
    assert [o.time_frame for o in record.outcomes] == [
        "Baseline to 16 weeks",
        "Baseline to 16 Weeks",
    ]
    # Cut in "Current Secondary Outcome Measu…": the outcomes are not all there.
    assert "outcomes" in record.lacks
    assert {"conditions", "arms", "eligibility_criteria"} <= record.lacks


def test_a_results_tab_gives_its_header_design_and_lacks_the_protocol():
    record = parse_file("NCT00179621.txt")
    assert record.brief_title == (
        "Lenalidomide Versus Placebo in Myelodysplastic Syndromes With a Deletion 5q[31] "
        "Abnormality"
    )
    assert record.study_type == "INTERVENTIONAL"
    assert record.intervention_model == "CROSSOVER"
    assert record.conditions == ("Myelodysplastic Syndromes",)
    assert [i.name for i in record.interventions] == [
        "Lenalidomide 5 mg",
        "Lenalidomide 10 mg",
        "Placebo",
    ]
    assert record.enrollment == 205
    assert [c.name for c in record.collaborators] == ["ICON Clinical Research"]
    assert {
        "brief_summary",
        "detailed_description",
        "phases",
        "arms",
        "interventions",
        "outcomes",
        "eligibility_criteria",
        "sites",
        "enrollment_type",
    } <= record.lacks


def test_the_header_collaborators_are_read_with_their_non_ascii_names():
    record = parse_file("NCT02724163.txt")
    assert [c.name for c in record.collaborators] == [
        "Assistance Publique - Hôpitaux de Paris",
        "Cancer Research UK",
        "National Cancer Institute, France",
        "Pfizer",
    ]
    assert "collaborators" not in record.lacks
    assert record.acronym == "Myechild01"
    assert record.brief_summary.split("\n")[2].startswith("1. To establish which number of doses")


def test_the_pipe_capture_and_the_plain_capture_of_one_page_agree():
    plain = parse_file("NCT02481830.txt")
    pipes = parse_file("NCT02481830~pipes.txt")
    compared = 0
    for name in plain.to_dict():
        if name in ("lacks", "warnings") or name in plain.lacks | pipes.lacks:
            continue
        assert getattr(pipes, name) == getattr(plain, name), name
        compared += 1
    assert compared > 25
    assert plain.start == pipes.start == PartialDate("2015-09-14", "ACTUAL")
    assert plain.completion == PartialDate("2022-05-30", "ESTIMATED")
    assert pipes.official_title == plain.official_title
    # Only the plain capture reaches the brief summary; only the pipe one the third arm.
    assert "brief_summary" in pipes.lacks and "brief_summary" not in plain.lacks
    assert [a.intervention_names for a in pipes.arms][-1] == ("Drug: Amrubicin",)
    assert "arms" in plain.lacks and "arms" not in pipes.lacks


def test_a_pipe_capture_that_left_the_summary_out_cannot_say_there_is_no_description():
    # NCT04349592's capture goes from the tab list to the condition table and from the table's
    # row to "Study Type": no summary, no description, though the study has both (its XML).
    record = parse_file("NCT04349592.txt")
    assert {"brief_summary", "detailed_description"} <= record.lacks
    # NCT00461630's capture also left its summary out but kept the description after the row.
    kept = parse_file("NCT00461630.txt")
    assert "brief_summary" in kept.lacks
    assert kept.detailed_description.startswith("Cardiovascular disease is one of the leading")
    # A page that prints its summary and no "Detailed Description:" has none to give.
    plain = parse_file("NCT02481830.txt")
    assert "detailed_description" not in plain.lacks
    assert plain.detailed_description == ""


# -- the older page layout, from a complete saved page ------------------------------------------

_BLOCKS = frozenset(
    "p div br tr li h1 h2 h3 h4 h5 h6 table ul ol dl dt dd form fieldset blockquote hr".split()
)


def browser_text(html: str) -> str:
    """The text a browser copy of a page gives: blocks on lines of their own, inline runs joined."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript"]):
        tag.decompose()
    for tag in soup.find_all(True):
        if tag.name in _BLOCKS:
            tag.insert_before("\n")
            tag.insert_after("\n")
        elif tag.name in ("td", "th"):
            tag.insert_after(" ")
    lines = (" ".join(line.split()) for line in soup.get_text().split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines))


def test_the_2009_to_2016_layout_gives_received_updated_and_verified_dates():
    text = browser_text(read("html/NCT00936455.html").decode())
    record = page_text.parse(text.encode(), "html/NCT00936455.html as copied text")
    assert record.nct_id == "NCT00936455"
    assert record.overall_status == "COMPLETED"  # "This study has been completed."
    assert record.first_submitted == PartialDate("2009-07-09")  # "First received: July 9, 2009"
    assert record.last_update_submitted == PartialDate("2012-04-24")
    assert record.status_verified == PartialDate("2012-04")
    assert {"first_posted", "last_update_posted", "std_ages"} <= record.lacks
    assert record.acronym == "STRokE DOC-LTO"
    assert record.study_type == "OBSERVATIONAL"
    assert (record.observational_model, record.time_perspective) == ("COHORT", "RETROSPECTIVE")
    assert record.enrollment == 75
    assert record.start == PartialDate("2009-06")
    assert record.primary_completion == PartialDate("2010-06")
    assert record.completion == PartialDate("2010-08")
    assert (record.minimum_age, record.maximum_age) == ("18 Years", "90 Years")
    assert record.sex == "ALL"  # "Genders Eligible for Study: Both"
    assert record.sampling_method == "Probability Sample"
    assert [o.kind for o in record.outcomes] == ["PRIMARY", "SECONDARY", "SECONDARY", "SECONDARY"]
    assert record.outcomes[1].measure == "Recurrent Stroke"
    (site,) = record.sites
    assert (site.facility, site.city, site.state, site.zip) == (
        "UCSD",
        "San Diego",
        "California",
        "92103",
    )
    assert record.lead_sponsor.name == "University of California, San Diego"
    (official,) = record.officials
    assert (official.name, official.affiliation) == (
        "Brett C Meyer, MD",
        "University of California, San Diego",
    )
    assert record.org_study_id == "STRokE DOC-LTO"
    assert record.keywords == ("telemedicine", "telephone", "outcomes")
    assert [m.term for m in record.mesh_terms][:2] == ["Stroke", "Cerebrovascular Disorders"]
    assert {m.kind for m in record.mesh_terms} == {"CONDITION"}


def test_the_older_one_line_study_design_is_read_label_by_label():
    text = browser_text(read("html/NCT00936455.html").decode())
    # The same page as an interventional study of the time would print its design.
    text = text.replace(
        "Study Design:\nObservational Model: Cohort\n\nTime Perspective: Retrospective",
        "Study Design: Allocation: Randomized; Endpoint Classification: Efficacy Study; "
        "Intervention Model: Parallel Assignment; Masking: Double Blind (Subject, Investigator); "
        "Primary Purpose: Treatment",
    )
    assert "Endpoint Classification" in text
    record = page_text.parse(text.encode(), "NCT00936455 with a one-line design")
    assert record.allocation == "RANDOMIZED"
    assert record.intervention_model == "PARALLEL"
    assert (record.masking, record.who_masked) == ("DOUBLE", ("PARTICIPANT", "INVESTIGATOR"))
    assert record.primary_purpose == "TREATMENT"
    assert record.observational_model == ""
    assert not any("Endpoint" in w for w in record.warnings)


def test_an_observational_patient_registry_is_marked_as_one():
    data = read("text/NCT00460798.txt").replace(
        b"Study Type : Observational", b"Study Type : Observational [Patient Registry]"
    )
    record = page_text.parse(data, "NCT00460798 as a registry")
    assert (record.study_type, record.patient_registry) == ("OBSERVATIONAL", True)


def test_an_unknown_status_gives_the_last_known_status_and_verified_date():
    text = browser_text(read("html/NCT01411527.html").decode())
    record = page_text.parse(text.encode(), "html/NCT01411527.html as copied text")
    assert record.overall_status == "UNKNOWN"  # "Recruitment Status : Unknown"
    assert record.last_known_status == "ACTIVE_NOT_RECRUITING"  # "Recruitment status was: …"
    assert record.status_verified == PartialDate("2013-12")  # "Verified December 2013 by …"
    assert record.lead_sponsor.name == "Rigshospitalet, Denmark"
    # Not the sponsor: an investigator, of a kind the page does not name.
    assert record.responsible_party.investigator_name == "Anders Juul"
    assert any("responsible party" in w for w in record.warnings)


# -- what is not a study page --------------------------------------------------------------------


def test_the_second_half_of_the_seed_is_refused_for_want_of_a_header():
    data = SEED.read_bytes()
    with pytest.raises(RecordError) as caught:
        page_text.parse(data[len(data) // 2 :], "seed-second-half.txt")
    assert str(caught.value).startswith("seed-second-half.txt: ")
    assert "title" in caught.value.problem
    assert "recruitment status" in caught.value.problem


def test_the_first_half_of_the_seed_parses_and_lacks_the_rest():
    data = SEED.read_bytes()
    record = page_text.parse(data[: len(data) // 2], "seed-first-half.txt")
    assert record.nct_id == "NCT00398515"
    assert record.conditions == (
        "Refractory Multiple Myeloma",
        "Stage II Multiple Myeloma",
        "Stage III Multiple Myeloma",
    )
    assert {
        "eligibility_criteria",
        "sites",
        "lead_sponsor",
        "mesh_terms",
        "org_study_id",
    } <= record.lacks
    assert "study_type" not in record.lacks


def test_the_seed_without_its_recruitment_status_is_refused():
    data = re.sub(rb"Recruitment Status : Completed\n", b"", SEED.read_bytes())
    with pytest.raises(RecordError) as caught:
        page_text.parse(data, "seed-without-status.txt")
    assert caught.value.source == "seed-without-status.txt"
    assert "recruitment status" in caught.value.problem


def test_a_status_nobody_uses_is_refused_by_name():
    data = SEED.read_bytes().replace(
        b"Recruitment Status : Completed", b"Recruitment Status : Done"
    )
    with pytest.raises(
        RecordError, match=re.escape("seed-odd-status.txt: recruitment status 'Done'")
    ):
        page_text.parse(data, "seed-odd-status.txt")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        (b"  \n\n ", "empty"),
        (b"\xff\xfe not text", "not UTF-8"),
        (
            b"The trial went well. Everyone agreed the results were promising.\n"
            b"Further studies are planned for next year.\n",
            "no NCT ID, title, recruitment status",
        ),
    ],
    ids=["empty", "blank", "binary", "prose"],
)
def test_what_is_not_a_page_is_refused_naming_the_source(data, problem):
    with pytest.raises(RecordError) as caught:
        page_text.parse(data, "upload.txt")
    assert caught.value.source == "upload.txt"
    assert problem in caught.value.problem


def test_a_page_with_a_malformed_nct_id_is_refused():
    data = SEED.read_bytes().replace(b"NCT00398515", b"NCT0039851")
    with pytest.raises(RecordError, match=r"seed-bad-id\.txt: .*no NCT ID"):
        page_text.parse(data, "seed-bad-id.txt")
