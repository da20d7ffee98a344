"""Comparing two versions of a record, in the study page's own words."""

import dataclasses
from typing import Any

import pytest

from tests.conftest import import_files
from trials.diff import diff_records, word_changes
from trials.record import AdverseEvent, Contact, EventStat, Intervention, Site, StudyRecord


def record(**changes: Any) -> dict:
    base = StudyRecord(nct_id="NCT01234567", brief_title="A study", overall_status="RECRUITING")
    return dataclasses.replace(base, **changes).to_dict()


def changes_between(old: dict, new: dict) -> dict:
    return {change.field: change for change in diff_records(old, new)}


def test_enumerated_values_and_flags_are_shown_by_their_labels():
    changes = changes_between(
        record(overall_status="RECRUITING", oversight_has_dmc=False),
        record(overall_status="ACTIVE_NOT_RECRUITING", oversight_has_dmc=True),
    )

    status = changes["overall_status"]
    assert (status.label, status.before, status.after) == (
        "Overall status",
        "Recruiting",
        "Active, not recruiting",
    )
    dmc = changes["oversight_has_dmc"]
    assert (dmc.label, dmc.before, dmc.after) == ("Data monitoring committee", "No", "Yes")


def test_a_long_text_is_compared_word_by_word_with_only_the_changed_words_marked():
    before = "Adults aged 18 to 65 years with type 2 diabetes treated with metformin for a year."
    after = "Adults aged 18 to 75 years with type 2 diabetes treated with metformin for a year."

    (change,) = diff_records(record(brief_summary=before), record(brief_summary=after))

    assert ("removed", "65") in change.words and ("added", "75") in change.words
    marked = [text for kind, text in change.words if kind != "same"]
    assert marked == ["65", "75"]
    assert " ".join(text for kind, text in change.words if kind != "removed") == after[:-1] + "."


def test_word_changes_keep_the_reading_order():
    assert word_changes("a b c", "a x c") == (
        ("same", "a"),
        ("removed", "b"),
        ("added", "x"),
        ("same", "c"),
    )


def test_differences_of_form_are_not_changes():
    # White space alone, and a field one version's source cannot show.
    old = record(brief_summary="Two  lines\nof text", why_stopped="")
    new = {
        **record(brief_summary="Two lines of text", why_stopped="Funding"),
        "lacks": ["why_stopped"],
    }

    assert diff_records(old, new) == []


def test_an_interventions_arm_labels_in_another_order_are_not_a_change_but_new_ones_are():
    # Legacy XML keeps the order typed, the APIs sort: the same links, in another form.
    typed = record(interventions=(Intervention("DRUG", "one", arm_labels=("B", "A")),))
    sorted_ = record(interventions=(Intervention("DRUG", "one", arm_labels=("A", "B")),))
    more = record(interventions=(Intervention("DRUG", "one", arm_labels=("A", "B", "C")),))

    assert diff_records(typed, sorted_) == []
    assert [change.field for change in diff_records(typed, more)] == ["interventions"]


def test_parts_are_shown_by_their_fields_labels_results_included():
    site = Site("Leeds General", "Leeds", country="United Kingdom", status="RECRUITING")
    contact = Contact("Jane Roe", "CONTACT", "0113 000 0000")
    event = AdverseEvent(
        "SERIOUS",
        "Anaemia",
        "Blood and lymphatic system disorders",
        stats=(EventStat("EG000", 2, 2, 40),),
    )

    changes = changes_between(
        record(sites=(site,), adverse_events=()),
        record(
            sites=(dataclasses.replace(site, status="COMPLETED", contacts=(contact,)),),
            adverse_events=(event,),
        ),
    )

    (added_site,) = changes["sites"].added
    assert "Status: Completed" in added_site and "Name: Jane Roe" in added_site
    assert "Role: Contact" in added_site
    (added_event,) = changes["adverse_events"].added
    assert added_event.startswith("Kind: Serious; Term: Anaemia")
    assert "Num affected: 2" in added_event


def test_a_version_stored_before_a_field_was_declared_does_not_show_it_as_changed():
    old = record(enrollment=20)
    del old["central_contacts"]

    changes = changes_between(old, record(enrollment=20, central_contacts=(Contact("Jane Roe"),)))

    assert changes == {}


@pytest.mark.django_db
def test_two_captures_of_one_study_compare_their_derived_data_on_the_page(client, empty_db):
    import_files("json/NCT02552212~NCT02552212.json", "json/NCT02552212.json")
    versions = client.get("/studies/NCT02552212/").context["versions"]
    assert len(versions) == 2
    older, newer = sorted(versions, key=lambda v: v.record["version_holder"]["iso"])

    response = client.get("/studies/NCT02552212/", {"from": older.pk, "to": newer.pk})

    changes = {c.field: c for c in response.context["changes"]}
    assert set(changes) == {"version_holder", "browse_leaves", "browse_branches"}
    assert (changes["version_holder"].before, changes["version_holder"].after) == (
        "2023-12-12",
        "2024-01-03",
    )
    html = response.content.decode()
    assert "<dt>Browse leaves</dt>" in html
    assert (
        "<ins>Kind: Intervention; MeSH ID: M280; Name: Certolizumab Pegol; As found: Aqueous"
        in html
    )
