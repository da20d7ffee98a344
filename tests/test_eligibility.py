"""Eligibility at a glance: ClinicalTrials.gov's age groups as filters, on the page and in the
API alike, and the criteria split into inclusion and exclusion where the text marks them."""

import json

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from tests.conftest import import_files
from trials import vocab
from trials.models import SearchDocument
from trials.text import criteria_parts

CHILDREN_5_TO_11 = "NCT02967393"
FROM_65 = "NCT01252810"
ADULTS_18_TO_65 = "NCT05071482"  # 18 to 65 years: adult and older adult


def found(client: Client, query: str) -> set[str]:
    """Every study the search page finds, page after page."""
    ids: set[str] = set()
    for number in range(1, 10):
        page = BeautifulSoup(client.get(f"/?{query}&page={number}").content, "html.parser")
        ids |= {meta.get_text().split()[0] for meta in page.select(".result-meta")}
        if page.find("a", rel="next") is None:
            return ids
    raise AssertionError("more pages than expected")


def api_found(client: Client, query: str) -> set[str]:
    body = json.loads(client.get(f"/api/v2/studies?{query}&pageSize=100").content)
    return {s["protocolSection"]["identificationModule"]["nctId"] for s in body["studies"]}


def reaching(group: str) -> set[str]:
    """The studies whose age range reaches a group, from the result rows' ages in days."""
    return {
        doc.study.nct_id
        for doc in SearchDocument.objects.select_related("study")
        if group in vocab.age_groups(doc.minimum_age_days, doc.maximum_age_days)
    }


@pytest.mark.parametrize(
    ("group", "code"),
    [
        (vocab.StdAge.CHILD, "child"),
        (vocab.StdAge.ADULT, "adult"),
        (vocab.StdAge.OLDER_ADULT, "older"),
    ],
)
def test_an_age_group_finds_every_study_its_range_reaches_on_the_page_and_in_the_api(
    client, corpus, group, code
):
    expected = reaching(group)

    assert found(client, f"ages={group}") == expected
    assert api_found(client, f"aggFilters=ages:{code}") == expected
    assert (CHILDREN_5_TO_11 in expected) == (group == vocab.StdAge.CHILD)
    assert (FROM_65 in expected) == (group == vocab.StdAge.OLDER_ADULT)
    assert (ADULTS_18_TO_65 in expected) == (group != vocab.StdAge.CHILD)


def test_the_age_groups_are_a_facet_with_counts_beside_the_exact_age(client, corpus):
    page = BeautifulSoup(client.get("/?age=70").content, "html.parser")
    facet = page.select_one("#facet-ages").find_parent("section")
    counts = {
        a.get_text(strip=True): int(a.find_next_sibling(class_="count").get_text())
        for a in facet.select("a")
    }

    # Age 70 already: only the studies open to a 70-year-old, counted by the groups they reach.
    seventy = found(client, "age=70")
    assert counts["Older adult (65 and over)"] == len(seventy & reaching(vocab.StdAge.OLDER_ADULT))
    assert counts["Child (under 18)"] == len(seventy & reaching(vocab.StdAge.CHILD))
    link = facet.find("a", string=lambda s: s and "Older adult" in s)
    assert "age=70" in link["href"] and "ages=OLDER_ADULT" in link["href"]


def test_two_age_groups_find_either(client, corpus):
    assert found(client, "ages=CHILD&ages=OLDER_ADULT") == reaching("CHILD") | reaching(
        "OLDER_ADULT"
    )


def criteria_sections(client: Client, nct_id: str) -> dict[str, str]:
    """Each criteria section's heading -> its text, of the study page; "" -> unheaded text."""
    page = BeautifulSoup(client.get(f"/studies/{nct_id}/").content, "html.parser")
    criteria = page.select_one("#eligibility .criteria")
    assert criteria is not None
    sections = {}
    for section in criteria.select("section.criteria-part"):
        title = section.find("h4")
        assert title is not None
        heading = title.extract().get_text()
        sections[heading] = section.get_text(" ", strip=True)
        section.decompose()
    return sections | {"": criteria.get_text(" ", strip=True)}


@pytest.mark.parametrize(
    ("nct_id", "source", "inclusion", "exclusion", "headings"),
    [
        # API v2 Markdown: headings, then "* " bullets.
        (
            "NCT02552212",
            "",
            "At least 18 years old",
            "",
            ["Inclusion criteria", "Exclusion criteria"],
        ),
        # Page text of a classic page (the seed), which marks inclusion criteria only.
        ("NCT00398515", "", "Diagnosis of multiple myeloma", "", ["Inclusion criteria"]),
        # One line, as the classic API joined it: the exclusion heading inside the line.
        (
            "NCT01892319",
            "",
            "Informed consent obtained",
            "Women who have been pregnant for more than 16 weeks",
            ["Inclusion criteria", "Exclusion criteria"],
        ),
        # "Key Inclusion Criteria:".
        (
            "NCT05326516",
            "",
            "Participants must have documented",
            "",
            ["Key inclusion criteria", "Key exclusion criteria"],
        ),
        # Legacy XML: "-  INCLUSION CRITERIA:" as a bullet of its own, in capitals.
        (
            "NCT00001177",
            "xml/NCT00001177.xml",
            "menstrually-related mood",
            "",
            ["Inclusion criteria", "Exclusion criteria"],
        ),
    ],
)
def test_the_criteria_are_split_into_inclusion_and_exclusion_where_the_text_marks_them(
    client, corpus, nct_id, source, inclusion, exclusion, headings
):
    if source:
        import_files(source)

    sections = criteria_sections(client, nct_id)

    assert [h for h in sections if h] == headings
    included = sections[headings[0]]
    excluded = sections[headings[1]] if len(headings) > 1 else ""
    assert inclusion in included and inclusion not in excluded
    if exclusion:
        assert exclusion in excluded and exclusion not in included
    assert "criteria" not in sections[""].lower()  # no heading left behind as text


def test_headings_of_groups_keep_what_the_record_calls_them(client, corpus):
    sections = criteria_sections(client, "NCT03648918")

    assert "Inclusion criteria (Families)" in sections
    assert sections["Inclusion criteria (Families)"].startswith("Families where at least one")


def test_criteria_that_mark_no_inclusion_or_exclusion_are_shown_as_they_are(client, corpus):
    sections = criteria_sections(client, "NCT00005792")

    assert list(sections) == [""]
    assert sections[""].startswith("DISEASE CHARACTERISTICS: Histologically confirmed")


def test_a_sentence_naming_the_criteria_is_no_heading():
    parts = criteria_parts("Patients must meet the inclusion criteria: age 18 or over")
    assert [p.kind for p in parts] == [""]
    parts = criteria_parts("Inclusion Criteria:\n\nInclusion criteria for trial entry\n\n* D")
    assert [(p.kind, p.text) for p in parts] == [
        ("inclusion", "Inclusion criteria for trial entry\n\n* D")
    ]
