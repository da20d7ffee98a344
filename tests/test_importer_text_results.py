"""The page-text parser on the results a copied results tab shows (fixtures/corpus/text).

The corpus's results-tab captures all stop inside the participant flow table, so what they
can give is its two details rows; the group rows above the counts run their cells together.
NCT02552212 is also in the corpus as API v2 JSON, the oracle for what its tab shows; the
other expectations are written out by hand from the page text.
"""

import pytest

from tests.conftest import import_files
from tests.corpus import read
from trials import store
from trials.importer import page_text
from trials.importer.json import api_v2
from trials.importer.report import Outcome
from trials.models import Study
from trials.record import StudyRecord

# Results fields no capture of the corpus reaches: the tables below the flow's group rows.
_BELOW_THE_GROUPS = {
    "flow_periods",
    "flow_type_units_analyzed",
    "baseline_groups",
    "baseline_denoms",
    "baseline_measures",
    "baseline_population_description",
    "outcome_results",
    "event_groups",
    "adverse_events",
    "events_time_frame",
    "events_description",
    "limitations",
    "certain_agreement",
    "results_contact",
}


def parse_text(name: str, data: bytes | None = None) -> StudyRecord:
    return page_text.parse(data if data is not None else read(f"text/{name}"), f"text/{name}")


@pytest.fixture(scope="module")
def oracle() -> StudyRecord:
    return api_v2.parse(read("json/NCT02552212.json"), "json/NCT02552212.json")


@pytest.fixture(scope="module")
def tab() -> StudyRecord:
    return parse_text("NCT02552212~results.txt")


def _edited(lines_after_pre_assignment: list[str]) -> bytes:
    """NCT02552212's tab with its flow group rows replaced: the capture up to and with its
    "Pre-assignment Details" row, then the given lines."""
    text = read("text/NCT02552212~results.txt").decode()
    head = text[: text.index("Arm/Group Title")]
    return (head + "\n".join(lines_after_pre_assignment) + "\n").encode()


# -- the details rows -------------------------------------------------------------------------


def test_the_tab_gives_the_flow_details_the_api_gives(tab, oracle):
    assert oracle.flow_recruitment_details.startswith("This study started to enroll")
    assert tab.flow_recruitment_details == oracle.flow_recruitment_details
    assert tab.flow_pre_assignment_details == oracle.flow_pre_assignment_details
    assert {"flow_recruitment_details", "flow_pre_assignment_details"}.isdisjoint(tab.lacks)


def test_the_older_tab_gives_its_flow_details():
    record = parse_text("NCT00570739~results.txt")
    assert record.flow_recruitment_details.startswith(
        "Two cohorts of participants, type 2 diabetics (T2DM) and pre-diabetics, were recruited"
    )
    assert record.flow_recruitment_details.endswith("institutes, and university centers.")
    assert record.flow_pre_assignment_details.startswith(
        'Due to the different metabolic nature of the two groups the "Total" column'
    )
    assert record.flow_pre_assignment_details.endswith("LOCF=Last Observation carried forward")
    assert {"flow_recruitment_details", "flow_pre_assignment_details"}.isdisjoint(record.lacks)


def test_an_empty_recruitment_details_row_reads_as_none_given():
    record = parse_text("NCT00179621.txt")  # "Recruitment Details  " and nothing more
    assert record.flow_recruitment_details == ""
    assert "flow_recruitment_details" not in record.lacks
    assert record.flow_pre_assignment_details.startswith("A total of 263 potential participants")


def test_pre_assignment_details_over_several_paragraphs_keep_them():
    record = parse_text("NCT02505542.txt")
    assert record.flow_pre_assignment_details == (
        "The study included 2 parts: Part A with a Screening Period (up to 5 Weeks) and an "
        "Open-Label Period (Week 0 to Week 48) and Part B with a Double-Blind Period (Week 48 "
        "to Week 96) and a Safety Follow-Up Period (10 weeks after the last dose of study "
        "medication).\n\nParticipant Flow refers to the Open-Label Set."
    )


def test_a_capture_cut_in_the_details_lacks_them():
    text = read("text/NCT02552212~results.txt").decode()
    cut = text[: text.index("Pre-assignment Details") + len("Pre-assignment Details The Part")]
    record = parse_text("NCT02552212~results.txt", cut.encode())
    assert "flow_pre_assignment_details" in record.lacks
    assert "flow_recruitment_details" not in record.lacks


# -- the flow's group rows --------------------------------------------------------------------


def test_run_together_group_titles_leave_the_flow_out_with_a_warning(tab, oracle):
    # The API's three titles, joined by spaces, are the tab's one title row.
    assert (
        " ".join(g.title for g in oracle.flow_groups)
        == "Placebo CZP 200 mg Q2W SFE OL CZP 200 mg Q2W"
    )
    assert tab.flow_groups == ()
    assert {"flow_groups"} | _BELOW_THE_GROUPS <= tab.lacks
    (warning,) = tab.warnings
    assert warning.startswith("participant flow: the group titles run together")
    assert "'Placebo CZP 200 mg Q2W SFE OL CZP 200 mg Q2W'" in warning


def test_the_warning_says_how_many_groups_the_counts_show():
    record = parse_text("NCT00179621.txt")  # "Started 67 69 69 0"
    assert record.flow_groups == ()
    assert {"flow_groups", "flow_periods"} <= record.lacks
    (warning,) = [w for w in record.warnings if w.startswith("participant flow:")]
    assert "its 'Started' row counts 4 groups" in warning


def test_a_capture_cut_in_the_title_row_lacks_the_groups_without_a_warning():
    record = parse_text("NCT00570739~results.txt")  # "… Pre-diabetic Gro" ends the text
    assert record.flow_groups == ()
    assert {"flow_groups"} | _BELOW_THE_GROUPS <= record.lacks
    assert record.warnings == ()


def test_group_cells_one_a_line_give_the_groups_the_api_gives(oracle):
    groups = oracle.flow_groups
    data = _edited(
        [
            "Arm/Group Title",
            *(g.title for g in groups),
            "Hide Arm/Group Description",
            *(g.description for g in groups),
            "Period Title: Double-Blind Period (Week 0 - 52)",
            "Started 158 159 0",
        ]
    )
    record = parse_text("NCT02552212~results.txt", data)
    assert [g.id for g in record.flow_groups] == ["FG000", "FG001", "FG002"]
    assert record.flow_groups == groups
    assert "flow_groups" not in record.lacks
    assert "flow_periods" in record.lacks  # the counts below are never read from text
    assert record.warnings == ()


def test_unequal_titles_and_descriptions_leave_the_flow_out_with_a_warning(oracle):
    groups = oracle.flow_groups
    data = _edited(
        [
            "Arm/Group Title",
            *(g.title for g in groups),
            "Arm/Group Description",
            *(g.description for g in groups[:2]),
            "Period Title: Double-Blind Period (Week 0 - 52)",
        ]
    )
    record = parse_text("NCT02552212~results.txt", data)
    assert record.flow_groups == ()
    assert "flow_groups" in record.lacks
    assert record.warnings == (
        "participant flow: 3 group titles but 2 descriptions, one a line; the groups cannot "
        "be paired: flow left out",
    )


def test_counts_for_fewer_groups_than_cells_leave_the_flow_out_with_a_warning(oracle):
    groups = oracle.flow_groups
    data = _edited(
        [
            "Arm/Group Title",
            *(g.title for g in groups),
            "Arm/Group Description",
            *(g.description for g in groups),
            "Period Title: Double-Blind Period (Week 0 - 52)",
            "Started 158 159",
        ]
    )
    record = parse_text("NCT02552212~results.txt", data)
    assert record.flow_groups == ()
    assert "flow_groups" in record.lacks
    assert record.warnings == (
        "participant flow: 3 group titles but 3 descriptions and 2 counts a row, one a line; "
        "the groups cannot be paired: flow left out",
    )


def test_a_single_group_is_read_from_its_one_line_rows(oracle):
    # With one count a row there is one group: its title and description are whole rows.
    placebo = oracle.flow_groups[0]
    data = _edited(
        [
            f"Arm/Group Title {placebo.title}",
            f"Hide Arm/Group Description {placebo.description}",
            "Period Title: Double-Blind Period (Week 0 - 52)",
            "Started 158",
            "Completed 139",
        ]
    )
    record = parse_text("NCT02552212~results.txt", data)
    assert record.flow_groups == (placebo,)
    assert record.flow_groups[0].id == "FG000"
    assert "flow_groups" not in record.lacks
    assert record.warnings == ()


def test_several_counts_a_row_keep_one_line_titles_out():
    record = parse_text(
        "NCT02552212~results.txt",
        _edited(
            [
                "Arm/Group Title Placebo CZP 200 mg Q2W",
                "Hide Arm/Group Description Matching placebo. Certolizumab pegol.",
                "Period Title: Double-Blind Period (Week 0 - 52)",
                "Started 158 159",
            ]
        ),
    )
    assert record.flow_groups == ()
    assert record.warnings == (
        "participant flow: the group titles run together on one line (its 'Started' row "
        "counts 2 groups) ('Placebo CZP 200 mg Q2W'); where one ends and the next begins is "
        "not in the text: flow left out",
    )


def test_a_capture_cut_in_the_descriptions_lacks_the_groups(oracle):
    groups = oracle.flow_groups
    data = _edited(
        [
            "Arm/Group Title",
            *(g.title for g in groups),
            "Arm/Group Description",
            *(g.description for g in groups[:2]),
        ]
    )
    record = parse_text("NCT02552212~results.txt", data)
    assert record.flow_groups == ()
    assert "flow_groups" in record.lacks
    assert record.warnings == ()


# -- imported over the API v2 record ----------------------------------------------------------


def test_importing_the_tab_over_the_api_record_keeps_every_result(corpus):
    def results() -> dict[str, object]:
        data = store.read(Study.objects.with_parts().get(nct_id="NCT02552212")).data
        return {name: data[name] for name in ("flow_groups", *sorted(_BELOW_THE_GROUPS))}

    before = results()
    assert before["flow_periods"] and before["adverse_events"]
    (result,) = import_files("text/NCT02552212~results.txt")
    # The details it read are the API's; what it lacks is kept, not blanked.
    assert result.outcome == Outcome.UNCHANGED
    assert results() == before
