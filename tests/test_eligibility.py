"""Eligibility at a glance: ClinicalTrials.gov's age groups as filters, on the page and in the
API alike, and the criteria split into inclusion and exclusion where the text marks them."""

import json

import pytest
from bs4 import BeautifulSoup
from django.test import Client

from trials import vocab
from trials.models import SearchDocument

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
