"""The legacy XML parser, on the real records in fixtures/corpus/xml and the 2023 bulk sample.

Expected values were read from the XML files by eye, not copied from the parser's output.
"""

import dataclasses
import io
import tarfile

import pytest

from tests.corpus import CORPUS, extracted, read
from trials.importer import detect, legacy_xml
from trials.importer.legacy_xml.text import design_line, outline, partial_date, plain_text
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

XML_FILES = sorted(path.name for path in (CORPUS / "xml").glob("*.xml"))
BULK = "bulk/ctgov-xml-2023-02.tar.xz"
# What a person should read about a corpus file: nothing else warns.
WARNED = {
    # The criteria came as "Inclusion Criteria: - child BMI > 5th percentile - child born ..."
    "NCT03982511.xml": "eligibility criteria come as one paragraph",
}


def parse(name: str):
    return legacy_xml.parse(read(f"xml/{name}"), f"xml/{name}")


# Every corpus file -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", XML_FILES)
def test_every_corpus_xml_file_becomes_a_record_of_its_own_study(name):
    assert detect.detect(read(f"xml/{name}")) == "LEGACY_XML"
    record = parse(name)
    # "NCT00081588~NCT00980226.xml" holds NCT00081588 (MANIFEST: misnamed in its repository).
    assert record.nct_id == name[:11]
    assert record.source_format == "LEGACY_XML"
    assert record.brief_title
    assert record.overall_status
    if name in WARNED:
        assert len(record.warnings) == 1
        assert record.warnings[0].startswith(WARNED[name])
    else:
        assert record.warnings == ()


def test_the_corpus_has_134_xml_files_and_no_redacted_placeholder_among_them():
    # The brief expected "Withheld" placeholders; neither MANIFEST nor any file has one, so the
    # placeholder tests below build one as the legacy API served them.
    assert len(XML_FILES) == 134
    assert not [name for name in XML_FILES if b"Withheld" in read(f"xml/{name}")]


# Field by field: a 2009 record with the old one-line design -----------------------------------


def test_a_2009_record_with_the_old_schema_is_read_field_by_field():
    record = parse("NCT00928707.xml")
    assert record.nct_id == "NCT00928707"
    assert record.brief_title == (
        "Phase II Study of GIVINOSTAT (ITF2357) in Combination With Hydroxyurea in"
        " Polycythemia Vera"
    )
    assert record.official_title == (
        "Phase II Study of the Histone-Deacetylase Inhibitor GIVINOSTAT (ITF2357) in Combination"
        " With Hydroxyurea in Patients With JAK2V617F Positive Polycythemia Vera Non-Responder to"
        " Hydroxyurea Monotherapy."
    )
    assert record.acronym == "PV"
    assert record.org_study_id == "DSC/08/2357/38"
    assert record.secondary_ids == ()
    # 2009: no <agency_class> anywhere, so neither the sponsor nor the organisation has a class.
    assert record.lead_sponsor == Sponsor("Italfarmaco", "")
    assert (record.org_name, record.org_class) == ("Italfarmaco", "")
    assert record.collaborators == ()
    assert record.overall_status == "RECRUITING"
    assert record.status_verified == PartialDate("2009-06")
    assert record.start == PartialDate("2009-06")  # <start_date> without a type attribute
    assert record.primary_completion == PartialDate("2010-06", "ESTIMATED")  # "Anticipated"
    assert record.completion == PartialDate("2010-12", "ESTIMATED")
    # <firstreceived_date> and <lastchanged_date>: the old names of the submitted dates.
    assert record.first_submitted == PartialDate("2009-06-25")
    assert record.last_update_submitted == PartialDate("2009-06-26")
    assert (record.first_posted, record.last_update_posted, record.results_first_posted) == (
        None,
        None,
        None,
    )
    assert {"first_posted", "last_update_posted", "results_first_posted"} <= record.lacks
    assert record.has_results is False
    assert (record.study_type, record.patient_registry) == ("INTERVENTIONAL", None)
    assert record.phases == ("PHASE2",)
    assert (record.enrollment, record.enrollment_type) == (44, "ESTIMATED")
    # "Treatment, Randomized, Open Label, Uncontrolled, Parallel Assignment, Safety/Efficacy
    # Study": bare values; control and endpoint classification have no place in API v2.
    assert (record.allocation, record.intervention_model, record.primary_purpose) == (
        "RANDOMIZED",
        "PARALLEL",
        "TREATMENT",
    )
    assert (record.masking, record.who_masked) == ("NONE", ())
    assert record.conditions == ("Polycythemia Vera",)
    assert record.keywords == ()
    assert record.arms == (
        Arm(
            "GIVINOSTAT + MTD Hydroxyurea_1",
            "EXPERIMENTAL",
            "50 mg o.d. of GIVINOSTAT + MTD of HU monotherapy",
            ("Drug: GIVINOSTAT (ITF2357) 50 mg o.d. + MTD Hydroxyurea",),
        ),
        Arm(
            "GIVINOSTAT + MTD Hydroxyurea_2",
            "EXPERIMENTAL",
            "50 mg b.i.d. of GIVINOSTAT + MTD of HU monotherapy",
            ("Drug: GIVINOSTAT (ITF2357) 50 mg b.i.d. + MTD Hydroxyurea",),
        ),
    )
    assert record.interventions[1] == Intervention(
        "DRUG",
        "GIVINOSTAT (ITF2357) 50 mg b.i.d. + MTD Hydroxyurea",
        "50 mg b.i.d. of GIVINOSTAT + MTD HU monotherapy",
        ("GIVINOSTAT (ITF2357)", "ONCOCARBIDE (HYDROXYUREA)"),
        ("GIVINOSTAT + MTD Hydroxyurea_2",),
    )
    # The measures are hard-wrapped in this file; <safety_issue> has no place in API v2.
    assert record.outcomes == (
        Outcome(
            "PRIMARY",
            "To evaluate the efficacy of GIVINOSTAT (ITF2357) in combination with hydroxyurea in"
            " patients with JAK2V617F positive Polycythemia Vera non-responders to the maximum"
            " tolerated dose of hydroxyurea monotherapy.",
            "after 12 weeks of treatment",
        ),
        Outcome(
            "SECONDARY",
            "To evaluate the safety and tolerability of GIVINOSTAT-HU combination in patients with"
            " JAK2V617F positive PV NR to the MTD of HU monotherapy; to evaluate the molecular"
            " response.",
            "after 24 weeks of treatment",
        ),
    )
    assert (record.sex, record.minimum_age, record.maximum_age) == ("ALL", "18 Years", "80 Years")
    assert (record.healthy_volunteers, record.gender_based) == (False, None)
    assert record.officials == (
        Official(
            "Alessandro Rambaldi, MD",
            "PRINCIPAL_INVESTIGATOR",
            "Azienda Ospedaliera Ospedali Riuniti di Bergamo",
        ),
    )
    assert record.responsible_party is None
    site = record.sites[0]
    assert len(record.sites) == 1
    assert dataclasses.replace(site, contacts=()) == Site(
        "Azienda Ospedaliera Ospedali Riuniti di Bergamo",
        "Bergamo",
        "",
        "24100",
        "Italy",
        "RECRUITING",
    )
    # The site's contact, then its investigators with the roles they state.
    assert site.contacts[0] == Contact(
        "Alessandro Rambaldi, MD",
        "CONTACT",
        "+39 035 269492",
        email="arambaldi@ospedaliriuniti.bergamo.it",
    )
    assert site.contacts[1] == Contact("Giovanni Barosi, MD", "SUB_INVESTIGATOR")
    assert record.mesh_terms == ()
    assert record.detailed_description == ""


def test_the_2009_textblocks_are_unwrapped_with_their_bullets_kept():
    record = parse("NCT00928707.xml")
    criteria = record.eligibility_criteria.split("\n")
    assert criteria[:4] == [
        "Inclusion Criteria:",
        "",
        "* Written Informed Consent.",
        "* Age ≥18 years.",
    ]
    # One wrapped line of this file is indented with thirteen tabs: still the same bullet.
    assert (
        "* A marked baseline prolongation of QT/QTc interval (e.g. repeated demonstration of a QTc"
        " interval > 450 ms, according to Bazett's correction formula)."
    ) in criteria
    assert criteria[criteria.index("Exclusion Criteria:") - 1] == ""
    assert criteria[-1] == "* Any other investigational drug within 28 days before enrolment."
    summary = record.brief_summary.split("\n\n")
    assert summary[0] == (
        "This is a multicentre, randomized, open-label, phase II study testing GIVINOSTAT (ITF2357)"
        " in combination with hydroxyurea in a population of patients with JAK2V617F positive"
        " Polycythemia Vera non-responders to the maximum tolerated dose of hydroxyurea"
        " monotherapy for at least 3 months."
    )
    assert (
        summary[1]
        == "Recruited patients will be randomly assigned to one of the following treatment groups:"
    )
    assert summary[2].startswith(
        "* group A: 50 mg o.d. of oral GIVINOSTAT (ITF2357) in combination with the maximum"
        " tolerated dose of hydroxyurea monotherapy already in use before admission to the study;\n"
        "* group B: 50 mg b.i.d."
    )


# Field by field: a 2023 interventional record with results ------------------------------------


def test_a_2023_interventional_record_with_results_is_read_field_by_field():
    record = parse("NCT00461630.xml")
    assert record.brief_title == (
        "Treatment of HDL to Reduce the Incidence of Vascular Events HPS2-THRIVE"
    )
    assert record.acronym == "HPS2-THRIVE"
    assert record.org_study_id == "CTSUTHRIVE1"
    assert record.secondary_ids == (SecondaryId("ISRCTN29503772"), SecondaryId("2006-001885-17"))
    assert record.lead_sponsor == Sponsor("University of Oxford", "OTHER")
    assert record.collaborators == (Sponsor("Merck Sharp & Dohme LLC", "INDUSTRY"),)
    assert (record.org_name, record.org_class) == ("University of Oxford", "OTHER")
    assert record.overall_status == "COMPLETED"
    assert record.status_verified == PartialDate("2014-01")
    assert record.start == PartialDate("2007-01")
    assert record.primary_completion == PartialDate("2012-10", "ACTUAL")
    assert record.completion == PartialDate("2012-10", "ACTUAL")
    assert record.first_submitted == PartialDate("2007-04-17")
    assert record.first_posted == PartialDate("2007-04-18", "ESTIMATED")  # type="Estimate"
    assert record.results_first_posted == PartialDate("2014-01-28", "ESTIMATED")
    assert record.last_update_submitted == PartialDate("2014-01-27")
    assert record.last_update_posted == PartialDate("2014-02-28", "ESTIMATED")
    assert record.has_results is True  # <clinical_results> is present
    # What public.xsd has no element for (derived, tracked or API-v2-only fields).
    assert {"std_ages", "org_study_id_type", "browse_leaves", "bmi_min"} <= record.lacks
    assert "results_first_submitted" not in record.lacks
    assert (record.study_type, record.phases) == ("INTERVENTIONAL", ("PHASE3",))
    assert (record.enrollment, record.enrollment_type) == (25673, "ACTUAL")
    assert (record.allocation, record.intervention_model, record.primary_purpose) == (
        "RANDOMIZED",
        "PARALLEL",
        "PREVENTION",
    )
    assert record.masking == "QUADRUPLE"
    assert record.who_masked == (
        "PARTICIPANT",
        "CARE_PROVIDER",
        "INVESTIGATOR",
        "OUTCOMES_ASSESSOR",
    )
    assert record.conditions == (
        "Cardiovascular Disease",
        "Peripheral Arterial Disease",
        "Diabetes Mellitus",
        "Coronary Heart Disease",
    )
    assert len(record.keywords) == 11
    assert record.keywords[-1] == "laropiprant"
    assert record.arms[1] == Arm(
        "Placebo",
        "ACTIVE_COMPARATOR",
        "Placebo (for ER niacin/laropiprant) 2 tablets orally per day. With either 40 mg"
        " simvastatin tablet orally per day or ezetimibe/simvastatin (10 mg/40 mg) in single tablet"
        " taken once daily",
        ("Drug: simvastatin", "Drug: ezetimibe/simvastatin"),
    )
    assert record.arms[0].intervention_names == (
        "Drug: ER niacin/laropiprant",
        "Drug: simvastatin",
        "Drug: ezetimibe/simvastatin",
    )
    assert record.interventions[2] == Intervention(
        "DRUG",
        "ezetimibe/simvastatin",
        "10 mg ezetimibe plus 40 mg simvastatin in single tablet taken once daily as background"
        " LDL-lowering treatment allocated at entry based on previous statin treatment and total"
        " cholesterol level",
        ("Inegy", "Vytorin"),
        ("ER niacin/laropiprant", "Placebo"),
    )
    assert [(o.kind, o.measure) for o in record.outcomes] == [
        ("PRIMARY", "Major Vascular Event"),
        ("SECONDARY", "Major Coronary Events"),
        ("SECONDARY", "Stroke"),
        ("SECONDARY", "Coronary or Non-coronary Revascularisation"),
        ("SECONDARY", "Mortality"),
    ]
    assert record.outcomes[0].time_frame == (
        "During scheduled treatment period (median duration 3.9 years)"
    )
    assert record.outcomes[3].description == ""
    assert (record.sex, record.minimum_age, record.maximum_age) == ("ALL", "50 Years", "80 Years")
    assert record.healthy_volunteers is False
    assert [official.name for official in record.officials] == [
        "Jane Armitage",
        "Colin Baigent",
        "Zhengming Chen",
        "Martin Landray",
    ]
    # The file writes "Clinical Trial service Unit" for the second one: kept as written.
    assert record.officials[1].affiliation == "Clinical Trial service Unit, University of Oxford"
    assert record.responsible_party == ResponsibleParty(
        "PRINCIPAL_INVESTIGATOR",
        "Jane Armitage",
        "Professor of Clinical trials and Epidemiology, Clinical trial Service Unit &"
        " Epidemiological Studies Unit (CTSU), Nuffield Department of Clinical Medicine,"
        " University of Oxford",
        "University of Oxford",
    )
    assert record.sites == (
        Site(
            "Clinical Trial Service Unit, University of Oxford",
            "Oxford",
            "",
            "OX3 7LF",
            "United Kingdom",
        ),
    )
    assert record.mesh_terms[0] == MeshTerm("Cardiovascular Diseases", "CONDITION")
    assert record.mesh_terms[-1] == MeshTerm(
        "Ezetimibe, Simvastatin Drug Combination", "INTERVENTION"
    )
    assert len(record.mesh_terms) == 12


def test_the_2023_textblocks_lose_their_carriage_returns_and_hard_wraps():
    record = parse("NCT00461630.xml")
    assert "\r" not in record.detailed_description
    paragraphs = record.detailed_description.split("\n\n")
    assert len(paragraphs) == 3
    assert paragraphs[2].endswith(
        "then this will be relevant to hundreds of millions of people worldwide."
    )
    criteria = record.eligibility_criteria.split("\n")
    assert criteria[:3] == [
        "Inclusion Criteria:",
        "",
        "* History of myocardial infarction; or",
    ]
    assert criteria[3] == (
        "* Cerebrovascular atherosclerotic disease (history of presumed ischaemic stroke,"
        " transient ischaemic attack or carotid revascularisation)"
    )
    # The XML writes the drugs under "Concurrent treatment with:" at the same depth: no nesting
    # is invented.
    assert '* fibric acid derivative ("fibrate")' in criteria
    assert "* Age <50 or >80 years at invitation to Screening;" in criteria


# Field by field: an observational record ------------------------------------------------------


def test_an_observational_record_with_an_old_style_responsible_party_is_read_field_by_field():
    record = parse("NCT00460798.xml")
    assert record.brief_title == "SUTENT® In The First Line Treatment Of Renal Cell Carcinoma"
    assert record.acronym == "SUNIKA"
    assert (record.study_type, record.patient_registry, record.phases) == (
        "OBSERVATIONAL",
        False,
        (),
    )
    assert (record.observational_model, record.time_perspective) == ("COHORT", "PROSPECTIVE")
    assert (record.allocation, record.masking, record.primary_purpose) == ("", "", "")
    assert (record.enrollment, record.enrollment_type) == (356, "ACTUAL")
    assert record.start == PartialDate("2007-02")
    assert record.completion == PartialDate("2009-09", "ACTUAL")
    assert record.has_results is True
    assert record.study_population == (
        "Patients treated by office-based oncologists, office-based urologists specialized in"
        " oncology or hospital-based oncologist/urologists"
    )
    assert record.sampling_method == "NON_PROBABILITY_SAMPLE"  # "Non-Probability Sample"
    assert record.eligibility_criteria == (
        "Inclusion Criteria:\n"
        "\n"
        "* First-line treatment in patients with metastatic renal cell carcinoma\n"
        "\n"
        "Exclusion Criteria:\n"
        "\n"
        "* Any previous systemic therapy of renal cell carcinoma except for adjuvant treatment"
    )
    assert (record.minimum_age, record.maximum_age) == ("", "")  # both "N/A"
    # The summary has a blank line inside a sentence ("will be / / 1 year."): kept, as written.
    assert record.brief_summary.endswith(
        "The individual observation period of each patient will be\n\n1 year."
    )
    assert record.detailed_description == (
        "The Statistical Analysis Plan provides detailed specification of the analysis"
    )
    # An arm without a type; the intervention names it, so the arm lists it back.
    assert record.arms == (
        Arm("Non-Interventional Study", "", "", ("Other: Sutent: observational study",)),
    )
    assert record.interventions[0].other_names == ("sunitinib malate",)
    assert record.officials == (Official("Pfizer CT.gov Call Center", "STUDY_DIRECTOR", "Pfizer"),)
    # Before 2011: <name_title> and <organization>, no type (API v2 oldNameTitle/oldOrganization).
    assert record.responsible_party == ResponsibleParty(
        "", "Director, Clinical Trial Disclosure Group", "", "Pfizer Inc"
    )
    assert record.sites == ()
    assert record.keywords == (
        "Sunitinib",
        "kidney diseases",
        "urogenital neoplasms",
        "kidney cancer",
    )


def test_a_patient_registry_is_an_observational_study_flagged_as_such():
    record = parse("NCT00499941.xml")  # <study_type>Observational [Patient Registry]
    assert (record.study_type, record.patient_registry) == ("OBSERVATIONAL", True)


# Vocabulary and values across vintages ---------------------------------------------------------


def test_phase_n_a_is_not_applicable_and_combined_phases_are_listed():
    assert parse("NCT00000950.xml").phases == ("NA",)  # <phase>N/A</phase>
    assert parse("NCT00001322.xml").phases == ("PHASE1", "PHASE2")  # "Phase 1/Phase 2"
    assert parse("NCT00494806.xml").phases == ("EARLY_PHASE1",)  # "Early Phase 1"
    assert parse("NCT00000112.xml").phases == ()  # observational: no <phase>


@pytest.mark.parametrize(
    ("phase", "masking", "expected"),
    [
        # Spellings of 2007-2016 files (public.xsd before 2017), set into a 2023 record.
        ("Phase 0", "No masking", (("EARLY_PHASE1",), "NONE", ())),
        ("Phase 2", "Open Label", (("PHASE2",), "NONE", ())),
        (
            "Phase 2/Phase 3",
            "Double Blind (Subject, Investigator)",
            (("PHASE2", "PHASE3"), "DOUBLE", ("PARTICIPANT", "INVESTIGATOR")),
        ),
    ],
)
def test_pre_2017_phase_and_masking_spellings_are_mapped(phase, masking, expected):
    data = (
        read("xml/NCT00461630.xml")
        .replace(b"<phase>Phase 3</phase>", f"<phase>{phase}</phase>".encode())
        .replace(
            b"Quadruple (Participant, Care Provider, Investigator, Outcomes Assessor)",
            masking.encode(),
        )
    )
    record = legacy_xml.parse(data, "edited.xml")
    assert (record.phases, record.masking, record.who_masked) == expected
    assert record.warnings == ()


def test_old_spellings_map_onto_api_v2_values():
    old = parse("NCT00002475.xml")  # 2016 download of a 1999 record
    assert old.sex == "ALL"  # <gender>Both</gender>
    assert old.primary_purpose == "TREATMENT"  # <study_design>Primary Purpose: Treatment
    assert old.enrollment_type == "ESTIMATED"  # type="Anticipated"
    assert old.responsible_party == ResponsibleParty("", "Charles L. Wiseman")
    us_fed = [
        name
        for name in XML_FILES
        if b"<agency_class>U.S. Fed</agency_class>" in read(f"xml/{name}")
    ]
    assert us_fed
    assert {parse(name).lead_sponsor.agency_class for name in us_fed} == {"FED"}


def test_healthy_volunteers_reads_the_xml_way_of_saying_yes():
    # "Accepts Healthy Volunteers" means yes; "No" means no.
    volunteers = {
        name: parse(name).healthy_volunteers for name in ("NCT03982511.xml", "NCT00461630.xml")
    }
    assert volunteers == {"NCT03982511.xml": True, "NCT00461630.xml": False}


def test_a_withdrawn_record_keeps_why_it_stopped():
    record = parse("NCT00493428.xml")
    assert record.overall_status == "WITHDRAWN"
    # <why_stopped> as the file has it, its indentation and trailing &#xD; gone.
    assert record.why_stopped == (
        "The study have been stoped because the protocol is going to be modify."
    )


def test_an_unknown_status_record_keeps_its_last_known_status():
    records = [parse(name) for name in XML_FILES if b"<last_known_status>" in read(f"xml/{name}")]
    assert len(records) == 6
    assert {record.overall_status for record in records} == {"UNKNOWN"}
    assert all(record.last_known_status for record in records)


def test_obsolete_nct_ids_become_aliases():
    record = parse("NCT00001251.xml")
    assert record.nct_aliases
    assert all(alias.startswith("NCT") and alias != record.nct_id for alias in record.nct_aliases)


def test_an_interventions_arm_labels_keep_the_order_the_xml_types_them():
    # Neither sorted (as the APIs list them) nor in the arms' order: the source's own.
    record = parse("NCT02465060.xml")
    crizotinib = next(i for i in record.interventions if i.name == "Crizotinib")
    assert crizotinib.arm_labels == (
        "Subprotocol F (ALK translocation)",
        "Subprotocol G (ROS1 translocation or inversion)",
        "Subprotocol C1 (MET amplification)",
        "Subprotocol C2 (MET exon 14 deletion)",
    )
    # The arms keep the order the XML gives them.
    assert [arm.label for arm in record.arms][:4] == [
        "Subprotocol A (EGFR activating mutation)",
        "Subprotocol B (HER2 activating mutation)",
        "Subprotocol C1 (MET amplification)",
        "Subprotocol C2 (MET exon 14 deletion)",
    ]


def test_a_pretty_printed_copy_has_its_printer_line_breaks_joined():
    # NCT03982511 was re-indented by the repository it came from: every value starts on a line
    # of its own and wraps near 110 columns.
    record = parse("NCT03982511.xml")
    assert record.brief_title == "Improving Parent-Child Interactions to Enhance Child Health"
    assert record.outcomes[0].description == (
        "Change in child BMI will be calculated using standardized anthropometric measurement"
        " (height and weight) procedure"
    )
    assert record.collaborators[0].name == (
        "Eunice Kennedy Shriver National Institute of Child Health and Human Development (NICHD)"
    )


def test_a_line_break_the_registrant_typed_outside_a_textblock_is_kept():
    # NCT00001322's first outcome description: two paragraphs split by one "&#xD;\n".
    description = parse("NCT00001322.xml").outcomes[0].description
    first, second = description.split("\n")
    assert first.endswith("Score of 16 or greater is consistent with clinical depression.")
    assert second.startswith("Each participant completed the BDI every 2 weeks")


# The outline of textblocks ---------------------------------------------------------------------


def test_deep_nesting_is_kept_two_spaces_per_level():
    criteria = parse("NCT00003816.xml").eligibility_criteria.split("\n")
    assert criteria[:6] == [
        "DISEASE CHARACTERISTICS:",
        "",
        "* Diagnosis of one of the following:",
        "  * Severe aplastic anemia as defined by either of the following:",
        "    * Marrow cellularity (< 25% [or 25-50% cellularity with < 30% of remaining cells"
        " hematopoietic in origin])",
        "    * At least 2 of the following abnormal peripheral blood counts:",
    ]
    assert criteria[6] == "      * Reticulocyte count < 1% (corrected for hematocrit)"
    assert "        * Waldenstrom macroglobulinemia" in criteria


def test_numbered_items_keep_their_numbers_and_right_aligned_ones_stay_siblings():
    criteria = parse("NCT01275365.xml").eligibility_criteria.split("\n")
    # In the XML " 9." and "10." end in the same column: siblings, not a nested list.
    nine = next(line for line in criteria if line.startswith("9. "))
    ten = criteria[criteria.index(nine) + 1]
    assert ten == (
        "10. Neuromuscular diseases: motor neuron diseases, multiple sclerosis, adult muscular"
        " dystrophies, and myasthenia gravis"
    )


def test_numbered_items_hold_nested_bullets_and_paragraphs_of_their_own():
    criteria = parse("NCT02028676.xml").eligibility_criteria.split("\n")
    start = criteria.index("1. Children should have an adult carer in the household who is either:")
    assert criteria[start + 1 : start + 3] == [
        "  * participating in the DART trial OR",
        "  * being treated with ART OR",
    ]
    # A paragraph indented to item 5's text, after a blank line, belongs to item 5.
    assert (
        "  N.B. causes of anaemia, such as concurrent bacterial infection, malaria, helminthiasis"
        " and/or malnutrition should be investigated, and treatment for anaemia and its causes"
        " commenced prior to re-screening for eligibility."
    ) in criteria


def test_outline_reads_each_marker_and_layout_the_xml_uses():
    text = (
        "\r\n        Heading:\r\n\r\n          -  first item that the XML\r\n"
        "             wraps onto a second line\r\n\r\n"
        "               -  nested item\r\n\r\n          -  second item\r\n\r\n"
        "        A closing paragraph\r\n        over two lines.\r\n      "
    )
    assert outline(text) == (
        "Heading:\n\n"
        "* first item that the XML wraps onto a second line\n"
        "  * nested item\n"
        "* second item\n\n"
        "A closing paragraph over two lines."
    )
    assert outline("\n   \n   \n   Only text   \n  ") == "Only text"
    assert outline("        • typed bullet") == "* typed bullet"
    assert outline(None) == outline("  \r\n ") == ""


def test_plain_text_keeps_lines_and_paragraphs_but_not_spaces():
    assert plain_text("  one   line  ") == "one line"
    assert plain_text("first\r\nsecond\r\n\r\n\r\nthird") == "first\nsecond\n\nthird"
    assert plain_text("\n      laid out\n      by a printer\n   ") == "laid out by a printer"


# Dates and the old design line -----------------------------------------------------------------


def test_dates_keep_exactly_the_precision_the_xml_gives():
    assert partial_date("March 2007") == PartialDate("2007-03")
    assert partial_date("March 14, 2007", "ACTUAL") == PartialDate("2007-03-14", "ACTUAL")
    assert partial_date("July 4, 2000") == PartialDate("2000-07-04")
    assert partial_date("2007") == PartialDate("2007")
    assert partial_date("") is None
    with pytest.raises(ValueError, match="not a date"):
        partial_date("Spring 2007")


def test_the_labelled_design_line_of_2010_to_2016_is_read():
    fields, who, unread = design_line(
        "Allocation: Randomized, Endpoint Classification: Safety/Efficacy Study, Intervention"
        " Model: Parallel Assignment, Masking: Double Blind (Subject, Investigator), Primary"
        " Purpose: Treatment"
    )
    assert fields == {
        "allocation": "RANDOMIZED",
        "intervention_model": "PARALLEL",
        "masking": "DOUBLE",
        "primary_purpose": "TREATMENT",
    }
    assert who == ("PARTICIPANT", "INVESTIGATOR")
    assert unread == []


def test_an_observational_design_line_and_what_it_cannot_place():
    fields, who, unread = design_line(
        "Observational Model: Case Control, Time Perspective: Prospective Study, Something Else"
    )
    assert fields == {"observational_model": "CASE_CONTROL", "time_perspective": "PROSPECTIVE"}
    assert (who, unread) == ((), ["Something Else"])


def test_a_design_line_it_cannot_read_is_a_warning_not_a_failure():
    data = read("xml/NCT00928707.xml").replace(
        b"Safety/Efficacy Study</study_design>",
        b"Safety/Efficacy Study, Fancy Design</study_design>",
    )
    record = legacy_xml.parse(data, "edited.xml")
    assert record.warnings == ("study_design: 'Fancy Design' not understood",)
    assert record.allocation == "RANDOMIZED"


def test_an_unknown_vocabulary_value_is_left_blank_with_a_warning():
    data = read("xml/NCT00461630.xml").replace(
        b"<allocation>Randomized</allocation>", b"<allocation>Shuffled</allocation>"
    )
    record = legacy_xml.parse(data, "edited.xml")
    assert record.allocation == ""
    assert record.warnings == ("allocation: 'Shuffled' is not a known Allocation value",)


# Refusals: safety, malformed input, placeholders ------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE clinical_study [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<clinical_study>
  <id_info><nct_id>NCT00000001</nct_id></id_info>
  <brief_title>&lol9;</brief_title>
  <overall_status>Completed</overall_status>
</clinical_study>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE clinical_study [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<clinical_study>
  <id_info><nct_id>NCT00000001</nct_id></id_info>
  <brief_title>&secret;</brief_title>
  <overall_status>Completed</overall_status>
</clinical_study>
"""


def test_an_entity_bomb_is_refused_without_expanding_it():
    with pytest.raises(RecordError, match="DOCTYPE") as caught:
        legacy_xml.parse(BILLION_LAUGHS, "bomb.xml")
    assert caught.value.source == "bomb.xml"
    assert "lol" not in str(caught.value)


def test_an_external_entity_is_refused_and_never_read():
    with pytest.raises(RecordError, match="refused as unsafe") as caught:
        legacy_xml.parse(EXTERNAL_ENTITY, "xxe.xml")
    assert "root:" not in str(caught.value)


def test_malformed_xml_is_refused_naming_the_source_line_and_column():
    # NCT00460798.xml line 13 is its <brief_title>; break the closing tag there.
    data = read("xml/NCT00460798.xml").replace(b"</brief_title>", b"</brief_titel>")
    with pytest.raises(RecordError) as caught:
        legacy_xml.parse(data, "xml/NCT00460798.xml")
    assert caught.value.source == "xml/NCT00460798.xml"
    assert caught.value.problem.startswith("malformed XML at line 13, column ")
    assert "brief_title" in caught.value.problem


def test_a_record_cut_short_is_malformed_xml():
    data = read("xml/NCT00461630.xml")[:5000]
    with pytest.raises(RecordError, match=r"^cut\.xml: malformed XML at line \d+, column \d+"):
        legacy_xml.parse(data, "cut.xml")


def test_a_document_that_is_not_a_clinical_study_is_refused():
    with pytest.raises(RecordError, match="not a <clinical_study> document"):
        legacy_xml.parse(b"<search_results count='0'/>", "other.xml")


def test_a_study_without_an_nct_id_is_refused():
    data = read("xml/NCT00460798.xml").replace(b"<nct_id>NCT00460798</nct_id>", b"")
    with pytest.raises(RecordError, match="no NCT ID"):
        legacy_xml.parse(data, "x.xml")


# The legacy API served device trials withheld under FDAAA 801 as placeholders: overall_status
# "Withheld", study_type "N/A", a bracketed stand-in title and sponsor "[Redacted]" (other loaders,
# AACT's among them, skip them by that title). No corpus file is one, so these are built as served.
def placeholder(title: bytes) -> bytes:
    return (
        b"""<clinical_study>
  <id_info><org_study_id>[Redacted]</org_study_id><nct_id>NCT01234567</nct_id></id_info>
  %s
  <sponsors><lead_sponsor><agency>[Redacted]</agency></lead_sponsor></sponsors>
  <source>[Redacted]</source>
  <overall_status>Withheld</overall_status>
  <study_type>N/A</study_type>
  <study_first_submitted>March 2, 2012</study_first_submitted>
</clinical_study>"""
        % title
    )


def test_a_withheld_placeholder_with_a_title_is_a_record_with_status_withheld():
    record = legacy_xml.parse(
        placeholder(
            b"<brief_title>[Trial of device that is not approved or cleared by the U.S. FDA]"
            b"</brief_title>"
        ),
        "withheld.xml",
    )
    assert record.overall_status == "WITHHELD"
    assert record.study_type == ""  # "N/A"
    assert record.brief_title.startswith("[Trial of device")
    assert (record.lead_sponsor, record.org_name) == (None, "")  # "[Redacted]" is nobody
    assert record.first_submitted == PartialDate("2012-03-02")


def test_a_withheld_placeholder_without_a_title_is_refused_as_such():
    with pytest.raises(RecordError, match=r"^withheld\.xml: redacted placeholder: no title$"):
        legacy_xml.parse(placeholder(b""), "withheld.xml")


# The 2023 bulk sample --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bulk() -> list[tuple[str, bytes]]:
    with tarfile.open(fileobj=io.BytesIO(read(BULK)), mode="r:xz") as tar:
        return [
            (member.name, extracted(tar, member)) for member in tar.getmembers() if member.isfile()
        ]


@pytest.mark.slow
def test_every_record_of_the_bulk_archive_parses(bulk):
    failures, warned, ids = [], [], set()
    for name, data in bulk:
        try:
            record = legacy_xml.parse(data, name)
        except RecordError as exc:
            failures.append(str(exc))
            continue
        assert name.endswith(f"/{record.nct_id}.xml")
        ids.add(record.nct_id)
        if record.warnings:
            warned.append(name)
    assert failures == []
    assert len(bulk) == len(ids) == 4131
    # NCT00461565's criteria were registered as one run-on paragraph.
    assert warned == ["ctgov-xml-2023-02/NCT00461565.xml"]
