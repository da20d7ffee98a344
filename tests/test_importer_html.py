"""The classic HTML page parser on the saved pages in fixtures/corpus/html.

NCT00936455 is there in three views of one capture (~June 2014, the 2009-2016 layout): Full Text,
Tabular and Study Results. The six other pages are results tabs (~2018) with a header and no
protocol body. Expected values below are copied by hand from the pages.
"""

import dataclasses
import re

import pytest

from tests.corpus import CORPUS, UNREAD_FROM_PAGES, read
from tests.test_importer_html_results import SHOWN
from trials.importer import page_html
from trials.importer.detect import read_studies
from trials.record import (
    Arm,
    MeshTerm,
    Official,
    Outcome,
    PartialDate,
    RecordError,
    ResponsibleParty,
    Site,
    Sponsor,
    StudyRecord,
)
from trials.vocab import (
    Allocation,
    InterventionModel,
    Masking,
    MeshKind,
    ObservationalModel,
    OfficialRole,
    OutcomeKind,
    PrimaryPurpose,
    ResponsiblePartyType,
    Sex,
    SourceFormat,
    Status,
    StudyType,
    TimePerspective,
    WhoMasked,
)

FULL_TEXT = "html/NCT00936455.html"
TABULAR = "html/NCT00936455~record.html"
RESULTS = "html/NCT00936455~results.html"
RESULTS_TABS = [
    "html/NCT01411527.html",
    "html/NCT02013674.html",
    "html/NCT02302417.html",
    "html/NCT02422290.html",
    "html/NCT02690948.html",
    "html/NCT03057704.html",
]

TITLE = (
    "Stroke Team Remote Evaluation Using a Digital Observation Camera- Long Term "
    "Outcomes(STRokE DOC-LTO)"
)
OFFICIAL_TITLE = (
    "An Observational Study to Evaluate the Long Term Outcomes of Patients Previously Enrolled "
    'in the STRokE DOC ("STRokE DOC Trial (NCT00283868)") Telemedicine Clinical Trial.'
)
UCSD = "University of California, San Diego"
SUMMARY = (
    "SPECIFIC AIM: The specific aims of this study are to evaluate the long term outcomes of "
    'patients previously enrolled in the STRokE DOC ("STRokE DOC Trial (NCT00283868)") '
    "telemedicine clinical trial.\n\n"
    "AIM 1: Aim 1 is a non- randomized, retrospective, data collection study assessing long term "
    "patient outcomes of patients previously enrolled in a telemedicine vs. telephone clinical "
    'trial (STRokE DOC Trial ("STRokE DOC Trial (NCT00283868)"); now completed). STRokE DOC-LTO '
    "will evaluate, (only for those patients previously enrolled in the original telemedicine "
    "vs. telephone clinical research trial), the long term patient outcomes; comparing "
    "telemedicine versus telephone-only consultations."
)
DESCRIPTION_END = (
    "\n\nSpecific Protocol Information: The protocol will contact these patients by telephone. "
    "One of 5 Stroke Center team members will contact the patient, using strict telephone "
    "scripted language (approved by the IRB) and ask questions regarding\n\n"
    "1. current functional status\n"
    "2. death\n"
    "3. Hemorrhage\n"
    "4. Recurrent Stroke\n"
    "5. Disposition for 3 time periods (6 months after index event, 12 months after index "
    'event, and "current" time of contact.'
)
POPULATION = (
    "Inclusion Criteria are:\n\n"
    "1. Male or female subjects, age > 18 years.\n"
    '2. Prior enrollment into the STRokE DOC ("STRokE DOC Trial (NCT00283868)") clinical '
    "research trial."
)
CRITERIA = (
    f"{POPULATION}\n\n"
    "Exclusion criteria are:\n\n"
    "1. Male or female subjects, age < 18 years.\n"
    '2. Patients not previously enrolled into the STRokE DOC ("STRokE DOC Trial '
    '(NCT00283868)") clinical research trial.'
)
AT_6_MONTHS = (
    "Patients were all assessed at a single time point (July 2009) for retrospective reporting "
    "of how they were at 6 months since initial event (Primary endpoint). The average time per "
    "participant relative to the study entry time in concrete units is 6 months"
)
AT_12_MONTHS = (
    "Patients were all assessed at a single time point (July 2009) for retrospective reporting "
    "of how they were at 12 months since initial event (2ndary endpoint). The average time per "
    "participant relative to the study entry time in units is 12 months"
)
MRS = (
    "The mRS is the Modified Rankin Scale That Measures Patient's Functional Level of Activity. "
    "The Scale is a 6 Point Scale With 0 Score Being Normal and 6 Score Being Death."
)
MRS_DESCRIBED = (
    "The mRS is the modified Rankin Scale that measures patient's functional level of activity. "
    "The scale is a 6 point scale with 0 score being normal and 6 score being death. Listed "
    "below is the number of participants in each group with Functional Outcome (mRS(0-1))."
)
OUTCOMES = (
    Outcome(
        OutcomeKind.PRIMARY,
        f"Functional Outcome (mRS(0-1)) at 6 Months After Index Event. {MRS}",
        AT_6_MONTHS,
        f"Functional Outcome (mRS(0-1)) at 6 months after index event. {MRS_DESCRIBED}",
    ),
    Outcome(
        OutcomeKind.SECONDARY,
        "Recurrent Stroke",
        AT_6_MONTHS,
        "Assessing amount of patients that had recurrent stroke by 6 months (patients that "
        "retrospectively reporting having had a stroke from 0-6 months after their index event)",
    ),
    Outcome(
        OutcomeKind.SECONDARY,
        "Recurrent Stroke",
        AT_12_MONTHS,
        "Assessing amount of patients that had recurrent stroke by 12 months (patients that "
        "retrospectively reporting having had a stroke from 6-12 months after their index event)",
    ),
    Outcome(
        OutcomeKind.SECONDARY,
        f"Functional Outcome (mRS(0-1)) at 12 Months After Index Event. {MRS}",
        AT_12_MONTHS,
        f"Functional Outcome (mRS(0-1)) at 12 months after index event. {MRS_DESCRIBED}",
    ),
)
GROUPS = (
    Arm("Telemedicine", description="Telemedicine evaluated patients"),
    Arm("Telephone", description="Telephone evaluated patients"),
)
# Fields only the 2017 and later layouts show, and fields no classic page shows at all.
NEVER_IN_2014_PAGES = {
    "acronym",
    "oversight_has_dmc",  # the Tabular View prints it; the parser does not read it yet
    "first_posted",
    "last_update_posted",
    "results_first_posted",
    "gender_based",
    "std_ages",
    "intervention_model_description",
    "masking_description",
    "org_name",
    "org_class",
    "org_study_id_type",
    "org_study_id_link",
    "patient_registry",
}


def parsed(relative: str) -> StudyRecord:
    return page_html.parse(read(relative), relative)


def edited(relative: str, old: str, new: str) -> bytes:
    """A corpus page with one passage replaced (the passage must be there exactly once)."""
    text = read(relative).decode()
    assert text.count(old) == 1, old
    return text.replace(old, new).encode()


# Every page -------------------------------------------------------------------------------------


@pytest.mark.parametrize("relative", sorted(p.name for p in (CORPUS / "html").glob("*.html")))
def test_every_saved_page_becomes_a_record_of_the_study_in_its_name(relative):
    record = parsed(f"html/{relative}")

    assert record.nct_id == relative[:11]
    assert record.source_format == SourceFormat.PAGE_HTML
    assert record.brief_title and record.overall_status


@pytest.mark.parametrize("relative", [FULL_TEXT, TABULAR, RESULTS, *RESULTS_TABS])
def test_the_importer_detects_each_page_as_html_and_reads_one_study(relative):
    (piece,) = read_studies(read(relative), relative)

    assert piece.format == SourceFormat.PAGE_HTML
    assert piece.error == ""
    assert piece.record == parsed(relative)


# Full Text View ---------------------------------------------------------------------------------


def test_the_full_text_view_reads_field_by_field_as_the_page_shows_it():
    record = parsed(FULL_TEXT)

    assert record.nct_id == "NCT00936455"
    assert record.brief_title == TITLE
    assert record.official_title == OFFICIAL_TITLE
    assert record.overall_status == Status.COMPLETED  # "This study has been completed."
    assert record.why_stopped == ""
    assert record.last_known_status == ""
    assert record.first_submitted == PartialDate("2009-07-09")  # "First received: July 9, 2009"
    assert record.last_update_submitted == PartialDate("2012-04-24")
    assert record.status_verified == PartialDate("2012-04")
    assert record.has_results is True  # a "Study Results" tab
    assert record.lead_sponsor == Sponsor(UCSD)
    assert record.collaborators == ()
    # The header says "Brett Meyer, University of ..."; More Information adds ", MD, ".
    assert record.responsible_party == ResponsibleParty(
        ResponsiblePartyType.PRINCIPAL_INVESTIGATOR, "Brett Meyer", "MD", UCSD
    )
    assert record.officials == (
        Official("Brett C Meyer, MD", OfficialRole.PRINCIPAL_INVESTIGATOR, UCSD),
    )
    assert record.org_study_id == "STRokE DOC-LTO"
    assert record.secondary_ids == ()
    assert record.nct_aliases == ()

    assert record.study_type == StudyType.OBSERVATIONAL
    assert record.observational_model == ObservationalModel.COHORT
    assert record.time_perspective == TimePerspective.RETROSPECTIVE
    assert (record.allocation, record.intervention_model, record.masking) == ("", "", "")
    assert record.phases == ()
    assert record.enrollment == 75
    assert record.enrollment_type == ""  # "Enrollment: 75" does not say actual or estimated
    assert record.start == PartialDate("2009-06")
    assert record.primary_completion == PartialDate("2010-06")
    assert record.completion == PartialDate("2010-08")

    assert record.brief_summary == SUMMARY
    assert record.detailed_description == SUMMARY + DESCRIPTION_END
    assert record.conditions == ("Telemedicine Evaluation vs Telephone Evaluation",)
    assert record.keywords == ("telemedicine", "telephone", "outcomes")
    assert record.arms == GROUPS
    assert record.interventions == ()
    assert record.outcomes == OUTCOMES

    assert record.minimum_age == "18 Years"
    assert record.maximum_age == "90 Years"
    assert record.sex == Sex.ALL  # "Genders Eligible for Study: Both"
    assert record.healthy_volunteers is False
    assert record.sampling_method == "PROBABILITY_SAMPLE"
    assert record.study_population == POPULATION
    assert record.eligibility_criteria == CRITERIA

    assert record.sites == (Site("UCSD", "San Diego", "California", "92103", "United States"),)
    assert [term.term for term in record.mesh_terms] == [
        "Stroke",
        "Cerebrovascular Disorders",
        "Brain Diseases",
        "Central Nervous System Diseases",
        "Nervous System Diseases",
        "Vascular Diseases",
        "Cardiovascular Diseases",
    ]
    assert record.lacks == NEVER_IN_2014_PAGES | UNREAD_FROM_PAGES


def test_mesh_terms_of_a_study_without_interventions_are_condition_terms_with_a_doubt_noted():
    record = parsed(FULL_TEXT)

    assert {term.kind for term in record.mesh_terms} == {MeshKind.CONDITION}
    assert record.mesh_terms[0] == MeshTerm("Stroke", MeshKind.CONDITION)
    assert any("ancestors" in warning for warning in record.warnings)


def test_outcome_measures_lose_the_safety_issue_suffix_and_keep_the_time_frame_apart():
    # The page's own lines say "safety issue: No"; this one says "Yes", with a short frame.
    page = edited(
        FULL_TEXT,
        "Recurrent Stroke [&nbsp;Time&nbsp;Frame:&nbsp;Patients were all assessed at a single "
        "time point (July 2009) for retrospective reporting of how they were at 6 months since "
        "initial event (Primary endpoint).  The average time per participant relative to the "
        "study entry time in concrete units is 6 months&nbsp;] "
        "[&nbsp;Designated&nbsp;as&nbsp;safety&nbsp;issue:&nbsp;No&nbsp;]",
        "Death [&nbsp;Time&nbsp;Frame:&nbsp;1 year&nbsp;] "
        "[&nbsp;Designated&nbsp;as&nbsp;safety&nbsp;issue:&nbsp;Yes&nbsp;]",
    )

    record = page_html.parse(page, "edited")

    assert record.outcomes[1] == Outcome(
        OutcomeKind.SECONDARY, "Death", "1 year", OUTCOMES[1].description
    )


def test_conditions_come_one_per_line_even_with_commas_in_a_name():
    page = edited(
        FULL_TEXT,
        "Telemedicine Evaluation vs Telephone Evaluation<br/>",
        "Carcinoma, Non-Small-Cell Lung<br/>Stroke<br/>",
    )

    record = page_html.parse(page, "edited")

    assert record.conditions == ("Carcinoma, Non-Small-Cell Lung", "Stroke")


def test_nested_criteria_lists_become_an_indented_outline():
    # Items from the criteria of NCT00398515 (the seed), three levels deep as there.
    nested = (
        "<p>Inclusion Criteria:</p><ul>"
        "<li>Diagnosis of multiple myeloma (MM)<ul><li>Salmon-Durie stage IIA or IIIA</li>"
        "<li>No stage B disease</li></ul></li>"
        "<li>Meets &ge; 1 major AND 1 minor criterion OR &ge; 3 minor criteria<ul>"
        "<li>The following are considered major criteria:<ul>"
        "<li>Plasmacytoma on tissue biopsy</li></ul></li></ul></li>"
        "<li>No solitary plasmacytoma</li></ul>"
    )
    text = read(FULL_TEXT).decode()
    criteria = re.compile(r'(>Criteria</div>\s*<div class="indent2">).*?(</div>)', re.DOTALL)
    page = criteria.sub(lambda m: m[1] + nested + m[2], text, count=1).encode()

    record = page_html.parse(page, "edited")

    assert record.eligibility_criteria == (
        "Inclusion Criteria:\n\n"
        "* Diagnosis of multiple myeloma (MM)\n"
        "  * Salmon-Durie stage IIA or IIIA\n"
        "  * No stage B disease\n"
        "* Meets ≥ 1 major AND 1 minor criterion OR ≥ 3 minor criteria\n"
        "  * The following are considered major criteria:\n"
        "    * Plasmacytoma on tissue biopsy\n"
        "* No solitary plasmacytoma"
    )


def test_a_legacy_interventional_design_line_maps_to_api_v2_values():
    page = edited(
        FULL_TEXT,
        "Observational&#160;Model:&#160;Cohort<br/>Time&#160;Perspective:&#160;Retrospective",
        "Allocation:&#160;Randomized; Endpoint&#160;Classification:&#160;Safety/Efficacy Study; "
        "Intervention&#160;Model:&#160;Parallel Assignment; "
        "Masking:&#160;Double Blind (Subject, Investigator); Primary&#160;Purpose:&#160;Treatment",
    )

    record = page_html.parse(page, "edited")

    assert record.allocation == Allocation.RANDOMIZED
    assert record.intervention_model == InterventionModel.PARALLEL
    assert record.masking == Masking.DOUBLE
    assert record.who_masked == (WhoMasked.PARTICIPANT, WhoMasked.INVESTIGATOR)
    assert record.primary_purpose == PrimaryPurpose.TREATMENT
    assert record.observational_model == ""


def test_open_label_masking_is_none():
    page = edited(
        FULL_TEXT,
        "Observational&#160;Model:&#160;Cohort<br/>Time&#160;Perspective:&#160;Retrospective",
        "Allocation:&#160;Non-Randomized<br/>Masking:&#160;Open Label",
    )

    record = page_html.parse(page, "edited")

    assert (record.allocation, record.masking, record.who_masked) == (
        Allocation.NON_RANDOMIZED,
        Masking.NONE,
        (),
    )


def test_an_estimated_enrollment_label_gives_the_enrollment_type():
    page = edited(FULL_TEXT, "nowrap> Enrollment:</td>", "nowrap> Estimated Enrollment:</td>")

    record = page_html.parse(page, "edited")

    assert (record.enrollment, record.enrollment_type) == (75, "ESTIMATED")


def test_the_2009_2016_recruiting_sentence_is_the_recruiting_status():
    page = edited(
        FULL_TEXT,
        "This study has been completed.",
        "This study is currently recruiting participants.",
    )

    assert page_html.parse(page, "edited").overall_status == Status.RECRUITING


# Tabular View -----------------------------------------------------------------------------------


def test_the_tabular_view_reads_field_by_field_as_the_page_shows_it():
    record = parsed(TABULAR)

    assert record.nct_id == "NCT00936455"
    assert record.brief_title == TITLE
    assert record.official_title == OFFICIAL_TITLE
    assert record.overall_status == Status.COMPLETED
    assert record.first_submitted == PartialDate("2009-07-09")  # "First Received Date"
    assert record.last_update_submitted == PartialDate("2012-04-24")  # "Last Updated Date"
    assert record.status_verified == PartialDate("2012-04")  # "Verification Date"
    assert record.start == PartialDate("2009-06")
    assert record.primary_completion == PartialDate("2010-06")
    assert record.completion == PartialDate("2010-08")
    assert record.has_results is True
    assert record.brief_summary == SUMMARY
    assert record.detailed_description == SUMMARY + DESCRIPTION_END
    assert record.study_type == StudyType.OBSERVATIONAL
    assert record.observational_model == ObservationalModel.COHORT
    assert record.time_perspective == TimePerspective.RETROSPECTIVE
    assert record.sampling_method == "PROBABILITY_SAMPLE"
    assert record.study_population == POPULATION
    assert record.conditions == ("Telemedicine Evaluation vs Telephone Evaluation",)
    assert record.interventions == ()  # "Intervention: Not Provided"
    assert record.arms == GROUPS  # "Study Group/Cohort (s)"
    assert record.enrollment == 75
    assert record.eligibility_criteria == CRITERIA
    assert record.sex == Sex.ALL  # "Gender: Both"
    assert (record.minimum_age, record.maximum_age) == ("18 Years", "90 Years")
    assert record.healthy_volunteers is False
    assert record.org_study_id == "STRokE DOC-LTO"
    assert record.lead_sponsor == Sponsor(UCSD)  # "Study Sponsor"
    assert record.collaborators == ()  # "Collaborators: Not Provided"
    assert record.officials == (
        Official("Brett C Meyer, MD", OfficialRole.PRINCIPAL_INVESTIGATOR, UCSD),
    )
    assert record.responsible_party == ResponsibleParty(
        ResponsiblePartyType.PRINCIPAL_INVESTIGATOR, "Brett Meyer", "", UCSD
    )
    # The table lists location countries only, and no keywords or MeSH terms.
    assert record.lacks == NEVER_IN_2014_PAGES | UNREAD_FROM_PAGES | {
        "sites",
        "keywords",
        "mesh_terms",
        "nct_aliases",
    }


def test_the_tabular_view_reads_the_current_outcomes_not_the_original_ones():
    record = parsed(TABULAR)

    # "Original" held 3 primary and 6 secondary measures such as "ICH by 6 months".
    assert record.outcomes == OUTCOMES
    assert not any("ICH" in outcome.measure for outcome in record.outcomes)


# Results views ----------------------------------------------------------------------------------


def test_the_2014_results_view_reads_its_protocol_rows_and_lacks_the_rest():
    record = parsed(RESULTS)

    assert record.brief_title == TITLE
    assert record.overall_status == Status.COMPLETED
    assert record.has_results is True
    assert record.study_type == StudyType.OBSERVATIONAL
    assert record.observational_model == ObservationalModel.COHORT
    assert record.time_perspective == TimePerspective.RETROSPECTIVE
    assert record.conditions == ("Telemedicine Evaluation vs Telephone Evaluation",)
    assert record.org_study_id == "STRokE DOC-LTO"
    assert record.first_submitted == PartialDate("2009-07-09")
    # Its outcome list is the results' measures with the descriptions folded away.
    assert {"outcomes", "eligibility_criteria", "sites", "arms", "brief_summary"} <= record.lacks
    assert record.outcomes == ()
    # The results it shows unfolded are read (tests/test_importer_html_results.py); the outcome
    # and adverse-event tables are folded away in this capture and stay lacking.
    assert not RESULTS_READ & record.lacks
    assert {"outcome_results", "event_groups", "adverse_events"} <= record.lacks


RESULTS_TAB_HEADERS = {
    "html/NCT01411527.html": dict(
        brief_title="The COPENHAGEN Puberty Study Providing Normative Data of Healthy Danish "
        "Children and Adolescents",
        acronym="",
        overall_status=Status.UNKNOWN,
        first_posted=PartialDate("2011-08-08"),
        last_update_posted=PartialDate("2013-12-09"),
        primary_completion=PartialDate("2017-01", "ESTIMATED"),
        completion=PartialDate("2017-01", "ESTIMATED"),
        lead_sponsor=Sponsor("Rigshospitalet, Denmark"),
        collaborators=(
            Sponsor("The Ministry of Science, Technology and Innovation, Denmark"),
            Sponsor("European Commission"),
        ),
        responsible_party=ResponsibleParty(
            ResponsiblePartyType.PRINCIPAL_INVESTIGATOR,
            "Anders Juul",
            investigator_affiliation="Rigshospitalet, Denmark",
        ),
    ),
    "html/NCT02013674.html": dict(
        brief_title="The TRansendocardial Stem Cell Injection Delivery Effects on Neomyogenesis "
        "STudy (The TRIDENT Study)",
        acronym="Trident",  # the heading ends "(Trident)", the page <title> does not
        overall_status=Status.ACTIVE_NOT_RECRUITING,
        first_posted=PartialDate("2013-12-17"),
        last_update_posted=PartialDate("2017-09-14"),
        primary_completion=PartialDate("2017-03-02", "ACTUAL"),
        completion=PartialDate("2019-06", "ESTIMATED"),
        lead_sponsor=Sponsor("Joshua M Hare"),
        collaborators=(Sponsor("The EMMES Corporation"),),
        responsible_party=ResponsibleParty(
            ResponsiblePartyType.SPONSOR_INVESTIGATOR,
            "Joshua M Hare",
            investigator_affiliation="University of Miami",
        ),
    ),
    "html/NCT02302417.html": dict(
        brief_title="Study Assessing Utility of a Clinical Questionnaire to Identify Subjects "
        "With Features of Both Asthma and Chronic Obstructive Pulmonary Disease (COPD)",
        acronym="",
        overall_status=Status.COMPLETED,
        first_posted=PartialDate("2014-11-27"),
        last_update_posted=PartialDate("2017-09-11"),
        primary_completion=PartialDate("2015-05-01", "ACTUAL"),
        completion=PartialDate("2015-05-28", "ACTUAL"),
        lead_sponsor=Sponsor("GlaxoSmithKline"),
        collaborators=(),
        responsible_party=ResponsibleParty(ResponsiblePartyType.SPONSOR),
    ),
    "html/NCT02422290.html": dict(
        brief_title="Ketamine Treatment for Pediatric-Refractory Obsessive-Compulsive Disorder "
        "(OCD)",
        acronym="",
        overall_status=Status.COMPLETED,
        first_posted=PartialDate("2015-04-21"),
        last_update_posted=PartialDate("2018-08-20"),
        primary_completion=PartialDate("2018-01-01", "ACTUAL"),
        completion=PartialDate("2018-01-01", "ACTUAL"),
        lead_sponsor=Sponsor("New York State Psychiatric Institute"),
        collaborators=(Sponsor("New York Presbyterian Hospital"),),
        responsible_party=ResponsibleParty(
            ResponsiblePartyType.PRINCIPAL_INVESTIGATOR,
            "Pablo H. Goldberg",
            investigator_affiliation="New York State Psychiatric Institute",
        ),
    ),
    "html/NCT02690948.html": dict(
        brief_title="Pembrolizumab With or Without Vismodegib in Treating Metastatic or "
        "Unresectable Basal Cell Skin Cancer",
        acronym="",
        overall_status=Status.ACTIVE_NOT_RECRUITING,
        first_posted=PartialDate("2016-02-24"),
        last_update_posted=PartialDate("2018-02-12"),
        primary_completion=PartialDate("2018-02-01", "ACTUAL"),
        completion=PartialDate("2019-02-01", "ESTIMATED"),
        lead_sponsor=Sponsor("Anne Chang"),
        collaborators=(
            Sponsor("Merck Sharp & Dohme Corp."),
            Sponsor("National Cancer Institute (NCI)"),
        ),
        responsible_party=ResponsibleParty(
            ResponsiblePartyType.SPONSOR_INVESTIGATOR,
            "Anne Chang",
            investigator_affiliation="Stanford University",
        ),
    ),
    "html/NCT03057704.html": dict(
        brief_title="Comparison of Two Techniques of IV Lidocaine on Propofol Injection Pain",
        acronym="",
        overall_status=Status.COMPLETED,
        first_posted=PartialDate("2017-02-20"),
        last_update_posted=PartialDate("2017-11-06"),
        # This page writes "Primary Completion Date:" with neither "Actual" nor "Estimated".
        primary_completion=PartialDate("2017-01-20"),
        completion=PartialDate("2017-01-20"),
        lead_sponsor=Sponsor("Wake Forest University Health Sciences"),
        collaborators=(),
        responsible_party=ResponsibleParty(ResponsiblePartyType.SPONSOR),
    ),
}


@pytest.mark.parametrize("relative", RESULTS_TABS)
def test_a_results_tab_without_the_protocol_gives_what_its_header_holds(relative):
    record = parsed(relative)

    for name, expected in RESULTS_TAB_HEADERS[relative].items():
        assert getattr(record, name) == expected, name
    assert record.has_results is False  # "Results Submitted" or "No Results Posted"
    assert record.warnings == ()


@pytest.mark.parametrize("relative", RESULTS_TABS)
def test_a_results_tab_lacks_every_protocol_field_so_a_fuller_record_is_kept(relative):
    record = parsed(relative)

    protocol = {
        "official_title",
        "brief_summary",
        "conditions",
        "interventions",
        "arms",
        "outcomes",
        "eligibility_criteria",
        "minimum_age",
        "sites",
        "officials",
        "study_type",
        "phases",
        "enrollment",
        "start",
        "org_study_id",
        "keywords",
        "first_submitted",
    }
    assert protocol <= record.lacks
    header = set(RESULTS_TAB_HEADERS[relative]) | {"has_results", "last_known_status"}
    assert not header & record.lacks


def test_a_study_of_unknown_status_keeps_its_last_known_status_and_verified_month():
    record = parsed("html/NCT01411527.html")

    assert record.overall_status == Status.UNKNOWN
    assert record.last_known_status == Status.ACTIVE_NOT_RECRUITING
    assert record.status_verified == PartialDate("2013-12")  # "Verified December 2013 by ..."


def test_a_results_tab_of_a_known_status_shows_no_verified_month_and_lacks_it():
    record = parsed("html/NCT02302417.html")

    assert record.status_verified is None
    assert "status_verified" in record.lacks


# The three views agree --------------------------------------------------------------------------

# The only difference between the views of one capture: the Full Text View's "Responsible Party"
# row writes the investigator's title ("Brett Meyer, MD, University of ..."), which the header,
# the table and the results tab leave out.
ALLOWED = {"responsible_party"}


@pytest.mark.parametrize(
    ("one", "other"), [(FULL_TEXT, TABULAR), (FULL_TEXT, RESULTS), (TABULAR, RESULTS)]
)
def test_the_views_of_one_capture_agree_on_every_field_both_show(one, other):
    first, second = parsed(one), parsed(other)
    shared = [
        field.name
        for field in dataclasses.fields(StudyRecord)
        if field.name not in ("lacks", "warnings", "source_format")
        and field.name not in first.lacks | second.lacks
    ]

    assert len(shared) > 10
    for name in shared:
        if name not in ALLOWED:
            assert getattr(first, name) == getattr(second, name), name
    title_left_out = dataclasses.replace(first.responsible_party, investigator_title="")
    assert title_left_out == dataclasses.replace(second.responsible_party, investigator_title="")


# The results the 2014 results view shows unfolded and reads (the Full Text View lacks them all).
RESULTS_READ = SHOWN


def test_a_results_view_merged_over_the_full_text_gives_the_full_record_and_the_results():
    full, results = parsed(FULL_TEXT), parsed(RESULTS)

    merged = results.merged_over(full)

    assert full.lacks >= RESULTS_READ
    for field in dataclasses.fields(StudyRecord):
        if field.name in RESULTS_READ:
            assert getattr(merged, field.name) == getattr(results, field.name), field.name
        elif field.name not in ("lacks", "warnings", *ALLOWED):
            assert getattr(merged, field.name) == getattr(full, field.name), field.name


def test_no_other_form_of_the_html_studies_is_in_the_fixtures_to_compare_with():
    # Checked so that a later XML or JSON copy of these studies gets a comparison test: the
    # corpus holds none (MANIFEST names only the html files for these NCT IDs).
    studies = {path.name[:11] for path in (CORPUS / "html").glob("*.html")}
    others = [
        path
        for folder in ("xml", "json", "json_v1", "text")
        for path in (CORPUS / folder).glob("*")
        if path.name[:11] in studies or any(nct.encode() in path.read_bytes() for nct in studies)
    ]

    assert others == []


# Refusals and cut pages -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [b"<html><body>hello</body></html>", b"", b"\xef\xbb\xbf<!DOCTYPE html><html></html>"],
)
def test_a_page_that_is_not_a_study_page_is_refused_naming_its_source(data):
    with pytest.raises(RecordError) as refusal:
        page_html.parse(data, "uploads/page.html")

    assert str(refusal.value) == (
        "uploads/page.html: not a ClinicalTrials.gov study page: no study heading"
    )


def test_a_page_cut_off_before_its_header_is_refused():
    data = read(FULL_TEXT)

    with pytest.raises(RecordError, match="no study heading"):
        page_html.parse(data[: data.index(b"<h1")], "cut.html")


def test_a_page_cut_off_after_its_header_keeps_the_header_and_lacks_the_rest():
    data = read(FULL_TEXT)

    record = page_html.parse(data[: data.index(b"<!-- eligibility_section -->")], "cut.html")

    assert record.nct_id == "NCT00936455"
    assert record.overall_status == Status.COMPLETED
    assert record.lead_sponsor == Sponsor(UCSD)
    assert {"eligibility_criteria", "outcomes", "conditions", "sites"} <= record.lacks
    assert record.eligibility_criteria == ""
    assert "stops part way" in record.warnings[0]


def test_a_results_tab_without_a_status_is_refused_saying_so():
    text = read("html/NCT02302417.html").decode()
    # The status stands in the header and in the table under it: both are taken away.
    status = re.compile(r"(</span>\s*:\s*(?:</th>\s*<td[^>]*>)?\s*)Completed\b")
    without, count = status.subn(r"\1", text)
    assert count == 2

    with pytest.raises(RecordError) as refusal:
        page_html.parse(without.encode(), "NCT02302417.html")

    assert refusal.value.problem == "results tab without the protocol: no overall status"


def test_a_results_tab_without_a_title_is_refused_saying_so():
    page = edited(
        "html/NCT03057704.html",
        "Comparison of Two Techniques of IV Lidocaine on Propofol Injection Pain</h1>",
        "</h1>",
    )

    with pytest.raises(RecordError) as refusal:
        page_html.parse(page, "NCT03057704.html")

    assert refusal.value.problem == "results tab without the protocol: no title"


def test_an_unknown_status_sentence_is_refused_with_the_sentence_named():
    page = edited(FULL_TEXT, "This study has been completed.", "This study has been audited.")

    with pytest.raises(RecordError) as refusal:
        page_html.parse(page, "edited")

    assert "no overall status" in refusal.value.problem
    assert "This study has been audited" in refusal.value.problem
