"""The results of the classic Study Results tab (2014 layout), on the corpus capture of NCT00936455.

The corpus has no API v2 record of this study, so the expected values are read off the page by
eye and, for the numbers, by a plain regular-expression lookup in the saved HTML that shares no
code with the parser. Group titles and counts are checked against what the Full Text and Tabular
views of the same capture say (arms, enrollment).
"""

import re
from html import unescape

import pytest

from tests.corpus import read
from trials.importer import page_html
from trials.models import Study
from trials.record import (
    BaselineMeasure,
    CertainAgreement,
    Denom,
    DenomCount,
    DropWithdraw,
    FlowCount,
    FlowMilestone,
    FlowPeriod,
    MeasureCategory,
    MeasureClass,
    Measurement,
    PartialDate,
    PointOfContact,
    RecordError,
    ResultGroup,
    StudyRecord,
)
from trials.store import read as read_stored
from trials.vocab import MeasureDispersionType, MeasureParam

RESULTS = "html/NCT00936455~results.html"
FULL_TEXT = "html/NCT00936455.html"
TABULAR = "html/NCT00936455~record.html"
TELEMEDICINE = (
    "Telemedicine evaluated patients- The definition of telemedicine for this trial was the use "
    "of 2 way video and 2 way audio videoconferencing and also the use of digital access to "
    "radiology image review. Telephone use is not considered telemedicine for the purposes of "
    "this trial."
)
# The results this capture shows unfolded; its outcome measures and adverse events are folded
# ("Show Outcome Measure 1", "Show Serious Adverse Events"), so their tables are not in it.
SHOWN = {
    "results_first_submitted",
    "flow_recruitment_details",
    "flow_pre_assignment_details",
    "flow_groups",
    "flow_periods",
    "baseline_population_description",
    "baseline_groups",
    "baseline_denoms",
    "baseline_measures",
    "limitations",
    "certain_agreement",
    "results_contact",
}
FOLDED = {
    "outcome_results",
    "event_groups",
    "adverse_events",
    "events_time_frame",
    "events_description",
    "events_frequency_threshold",
    "all_cause_mortality_comment",
}


def parsed(data: bytes | None = None) -> StudyRecord:
    return page_html.parse(read(RESULTS) if data is None else data, RESULTS)


def substituted(pattern: str, new: str) -> bytes:
    """The capture with the one passage matching ``pattern`` replaced."""
    html = read(RESULTS).decode()
    assert len(re.findall(pattern, html)) == 1, pattern
    return re.sub(pattern, new, html).encode()


def page_numbers(section: str) -> list[str]:
    """The numbers of one section's value cells, in page order, by a plain lookup in the HTML."""
    html = read(RESULTS).decode()
    start = html.index(f"<!-- {section} section -->")
    end = html.index("<!--", start + 10)
    cell = r'<td align="center" class="header3 brt? pale_\w+_color">(.*?)</td>'
    return [" ".join(unescape(text).split()) for text in re.findall(cell, html[start:end], re.S)]


# What the capture shows -------------------------------------------------------------------------


def test_the_results_it_shows_are_read_and_no_longer_lacked_while_folded_ones_stay_lacked():
    record = parsed()

    assert not SHOWN & record.lacks
    assert record.lacks >= FOLDED
    # Not on the page at all (a 2014 page has no "units analysed" line): still lacked.
    assert {"flow_type_units_analyzed", "baseline_type_units_analyzed"} <= record.lacks
    assert record.warnings == ()


def test_results_first_received_is_the_results_submission_date():
    record = parsed()

    # "Results First Received: August 29, 2011", as the legacy XML's firstreceived_results_date.
    assert record.results_first_submitted == PartialDate("2011-08-29")
    assert "results_first_submitted" not in record.lacks


def test_the_flow_groups_are_the_reporting_groups_coded_in_page_order():
    record = parsed()

    assert record.flow_groups == (
        ResultGroup("FG000", "Telemedicine", TELEMEDICINE),
        ResultGroup("FG001", "Telephone", "Telephone evaluated patients"),
    )
    assert record.flow_recruitment_details.startswith("Patients were assessed in July 2009. ")
    assert record.flow_pre_assignment_details.startswith("Observational study. Patient contact")


def test_the_flow_period_has_its_milestones_with_a_count_per_group():
    record = parsed()

    def counts(a: str, b: str) -> tuple[FlowCount, ...]:
        return (FlowCount("FG000", num_subjects=a), FlowCount("FG001", num_subjects=b))

    assert record.flow_periods == (
        FlowPeriod(
            "Overall Study",
            (
                FlowMilestone("STARTED", achievements=counts("37", "38")),
                FlowMilestone("COMPLETED", achievements=counts("37", "38")),
                FlowMilestone("NOT COMPLETED", achievements=counts("0", "0")),
            ),
            (),
        ),
    )
    read_counts = [
        count.num_subjects
        for milestone in record.flow_periods[0].milestones
        for count in milestone.achievements
    ]
    assert read_counts == page_numbers("participant flow")


def test_the_baseline_groups_add_the_total_and_its_denominator_is_the_enrollment():
    record = parsed()
    full, table = (
        page_html.parse(read(FULL_TEXT), FULL_TEXT),
        page_html.parse(read(TABULAR), TABULAR),
    )

    assert [g.id for g in record.baseline_groups] == ["BG000", "BG001", "BG002"]
    assert record.baseline_groups[2] == ResultGroup(
        "BG002", "Total", "Total of all reporting groups"
    )
    assert record.baseline_population_description == ""  # the page: "No text entered."
    assert record.baseline_denoms == (
        Denom(
            "Participants",
            (DenomCount("BG000", "37"), DenomCount("BG001", "38"), DenomCount("BG002", "75")),
        ),
    )
    # The other views of the capture: the same groups as arms, the total as the enrollment.
    titles = [group.title for group in record.flow_groups]
    assert titles == [arm.label for arm in full.arms] == [arm.label for arm in table.arms]
    assert [g.title for g in record.baseline_groups[:2]] == titles
    assert int(record.baseline_denoms[0].counts[2].value) == full.enrollment == table.enrollment
    started = record.flow_periods[0].milestones[0].achievements
    assert [c.num_subjects for c in started] == [
        c.value for c in record.baseline_denoms[0].counts[:2]
    ]


def _one_row(title: str, values: tuple[str, str, str], spreads: tuple[str, ...] = ("", "", "")):
    return MeasureCategory(
        title,
        tuple(
            Measurement(f"BG00{i}", value, spread)
            for i, (value, spread) in enumerate(zip(values, spreads, strict=True))
        ),
    )


def test_the_baseline_measures_read_mean_and_spread_apart_and_keep_rows_as_the_api_does():
    record = parsed()

    age, gender, region = record.baseline_measures
    # "Age [units: years] Mean ± Standard Deviation", cells "68 ± 13".
    assert age == BaselineMeasure(
        title="Age",
        param_type=MeasureParam.MEAN,
        dispersion_type=MeasureDispersionType.STANDARD_DEVIATION,
        unit_of_measure="years",
        classes=(MeasureClass(categories=(_one_row("", ("68", "67", "67"), ("13",) * 3),)),),
    )
    # Indented rows of a measure are its categories (API v2's "Sex: Female, Male")...
    assert gender == BaselineMeasure(
        title="Gender",
        param_type=MeasureParam.NUMBER,
        unit_of_measure="participants",
        classes=(
            MeasureClass(
                categories=(
                    _one_row("Female", ("18", "16", "34")),
                    _one_row("Male", ("19", "22", "41")),
                )
            ),
        ),
    )
    # ... but a region of enrollment's are classes (API v2's legacy "Region of Enrollment").
    assert region == BaselineMeasure(
        title="Region of Enrollment",
        param_type=MeasureParam.NUMBER,
        unit_of_measure="participants",
        classes=(MeasureClass("United States", categories=(_one_row("", ("37", "38", "75")),)),),
    )
    read_cells = [c.value for c in record.baseline_denoms[0].counts] + [
        f"{m.value} ± {m.spread}" if m.spread else m.value
        for measure in record.baseline_measures
        for klass in measure.classes
        for category in klass.categories
        for m in category.measurements
    ]
    assert read_cells == page_numbers("baseline")


def test_a_median_with_its_full_range_gives_the_limits_and_keeps_other_heading_lines():
    html = read(RESULTS).decode()
    html = html.replace(
        "Mean &#177;&nbsp;Standard Deviation", "Median (Full Range)<br/>At the first visit"
    )
    html, cells = re.subn(r"(\d+)\s*&nbsp;&#177;&nbsp;13", r"\1 (40 to 90)", html)
    assert cells == 3

    age = parsed(html.encode()).baseline_measures[0]

    assert (age.param_type, age.dispersion_type) == (MeasureParam.MEDIAN, "FULL_RANGE")
    assert age.description == "At the first visit"
    assert age.unit_of_measure == "years"
    assert age.classes[0].categories[0].measurements[0] == Measurement(
        "BG000", "68", lower_limit="40", upper_limit="90"
    )


def test_limitations_agreement_and_point_of_contact_are_read():
    record = parsed()

    assert record.limitations == (
        "This is an observational trial where patients were contacted by telephone for data "
        "collection only. No adverse event information was collected."
    )
    assert record.certain_agreement == CertainAgreement(
        pi_sponsor_employee=False, restrictive_agreement=False
    )
    assert record.results_contact == PointOfContact(
        title="Dr Brett Meyer",
        organization="University of California San Diego",
        email="bcmeyer@ucsd.edu",
        phone="619-543-7760",
    )


def test_a_restrictive_agreement_sentence_gives_its_restriction_type():
    record = parsed(
        substituted(r"There is <b>NOT</b> an agreement", "There <b>IS</b> an agreement")
    )

    assert record.certain_agreement is not None
    assert record.certain_agreement.pi_sponsor_employee is False
    assert record.certain_agreement.restrictive_agreement is True
    assert record.certain_agreement.restriction_type == "OTHER"
    assert record.certain_agreement.other_details.startswith("There IS an agreement between")


# Bad or unexpected layout -----------------------------------------------------------------------


def test_a_flow_table_whose_columns_are_not_the_groups_is_left_out_with_a_warning():
    record = parsed(substituted(r"(bold_participant_color\">\s*&nbsp;\s*)Telephone", r"\1Phone"))

    assert "flow_periods" in record.lacks
    assert record.flow_periods == ()
    assert "flow_groups" not in record.lacks  # the groups themselves were read
    assert len(record.warnings) == 1
    assert "Participant flow 'Participant Flow: Overall Study'" in record.warnings[0]
    assert "are not the reporting groups" in record.warnings[0]


def test_a_measurement_not_written_as_value_and_spread_leaves_the_measures_out_with_a_warning():
    record = parsed(substituted(r"(?<=\s)68\s*&nbsp;&#177;&nbsp;13", "68 SD 13"))

    assert {"baseline_measures", "baseline_denoms"} <= record.lacks
    assert record.baseline_measures == ()
    assert record.baseline_groups  # the groups table itself parsed
    assert record.warnings == ("Baseline measures: '68 SD 13' is not a value ± spread; left out",)


def _reasons_rows(label: str) -> bytes:
    """The capture with a reasons heading and one indented reason row after NOT COMPLETED.

    No corpus capture shows reasons for not completing; these rows copy the baseline table's
    indented-row markup, the layout the parser assumes for them.
    """
    cell = '<td align="center" class="header3 br pale_participant_color">{}</td>'
    rows = (
        f'<tr><th align="left" class="header3 brt bold_participant_color">{label}</th>'
        '<td class="brt pale_participant_color"></td><td class="brt pale_participant_color"></td>'
        "</tr>"
        '<tr><td class="header3 br bold_participant_color" style="padding-left:2em">'
        f"Lost to Follow-up</td>{cell.format(0)}{cell.format(1)}</tr>"
    )
    html = read(RESULTS).decode()
    table_end = html.index("</table>", html.index("NOT COMPLETED"))
    return (html[:table_end] + rows + html[table_end:]).encode()


def test_reasons_not_completed_become_the_periods_drop_withdraws():
    record = parsed(_reasons_rows("Reason Not Completed"))

    (period,) = record.flow_periods
    assert [m.type for m in period.milestones] == ["STARTED", "COMPLETED", "NOT COMPLETED"]
    assert period.drop_withdraws == (
        DropWithdraw(
            "Lost to Follow-up",
            reasons=(FlowCount("FG000", num_subjects="0"), FlowCount("FG001", num_subjects="1")),
        ),
    )
    assert record.warnings == ()


def test_an_indented_flow_row_under_an_unknown_heading_leaves_the_flow_out():
    record = parsed(_reasons_rows("Why They Left"))

    assert record.flow_periods == ()
    assert "flow_periods" in record.lacks
    assert "counts that are not whole numbers" in record.warnings[0]


def test_an_indented_flow_row_under_no_reasons_heading_is_not_read_as_a_milestone():
    html = _reasons_rows("Reason Not Completed").decode()
    heading = re.search(r"<tr><th[^>]*>Reason Not Completed</th>.*?</tr>", html)
    assert heading is not None

    record = parsed((html[: heading.start()] + html[heading.end() :]).encode())

    assert record.flow_periods == ()
    assert "indented row 'Lost to Follow-up' under no 'Reason Not Completed'" in record.warnings[0]


def test_a_row_with_a_missing_cell_leaves_the_table_out_and_is_never_half_read():
    html = read(RESULTS).decode()
    row = re.search(r"COMPLETED\s*&nbsp;\s*</th>\s*<td[^>]*>.*?</td>", html, re.S)
    assert row is not None
    cut = html[: row.start()] + "COMPLETED</th>" + html[row.end() :]

    record = parsed(cut.encode())

    assert record.flow_periods == ()
    assert "flow_periods" in record.lacks
    assert "row 'COMPLETED' has 1 values for 2 groups" in record.warnings[0]


def test_a_results_tab_whose_tables_are_broken_still_is_a_record_not_a_traceback():
    html = read(RESULTS).decode()
    broken = re.sub(r"<td align=\"center\" class=\"header3 br[t]? pale_\w+_color\">", "<td>x", html)

    record = parsed(broken.encode())

    assert record.nct_id == "NCT00936455"
    assert {"flow_periods", "baseline_measures"} <= record.lacks
    assert record.warnings  # each dropped table says why


def test_the_results_tab_without_its_protocol_rows_is_still_refused():
    html = read(RESULTS).decode()
    no_title = re.sub(r"<h1[^>]*>.*?</h1>", "<h1></h1>", html, count=1, flags=re.S)

    with pytest.raises(RecordError, match="no title"):
        parsed(no_title.encode())


# Stored and read back ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_results_survive_the_store_and_merge_over_the_full_text_import(empty_db):
    from tests.conftest import import_files

    import_files(FULL_TEXT, RESULTS)
    study = Study.objects.with_parts().get(nct_id="NCT00936455")
    data = read_stored(study).data
    record = parsed().to_dict()

    for name in SHOWN:
        assert data[name] == record[name], name
    assert data["enrollment"] == 75  # the Full Text View's field, kept under the results tab
