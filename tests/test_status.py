"""Honest status: a claim of recruitment unverified for two years before the data's date is
shown, filtered, counted and exported as "Unknown status (was ...)", as ClinicalTrials.gov does.

The shared records' data's date is 10 April 2025 (NCT03934567's last update), so claims verified
before 10 April 2023 are stale: NCT01949129 (Recruiting, verified September 2020) is; NCT05809934
(Recruiting, verified May 2023) is not, until a newer record moves the data's date.
"""

import datetime
import json
from collections.abc import Callable

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.test_curation import curate, load, version
from trials import vocab
from trials.models import SearchMatch, Study
from trials.models.search import UNKNOWN_STATUS_CODE
from trials.search import CODED, data_date, restate

STALE = "NCT01949129"  # Recruiting, status verified 2020-09
FRESH = "NCT05809934"  # Recruiting, status verified 2023-05
RECORDED_UNKNOWN = "NCT00410098"  # the record itself says Unknown (was Not yet recruiting)


def results(client: Client, query: str) -> dict[str, str]:
    """NCT ID -> the status badge's text, of every result on the page."""
    page = BeautifulSoup(client.get(f"/?{query}").content, "html.parser")
    return {
        meta.get_text().split()[0]: badge.get_text()
        for meta in page.select(".result-meta")
        if (badge := meta.select_one(".badge")) is not None
    }


def last_updated(day: datetime.date) -> Callable[[Study], None]:
    def change(study: Study) -> None:
        study.last_update_posted_date = day
        study.save()

    return change


def test_the_stale_day_is_two_years_before_the_data_date():
    assert vocab.stale_before(datetime.date(2025, 4, 10)) == datetime.date(2023, 4, 10)
    assert vocab.stale_before(datetime.date(2024, 2, 29)) == datetime.date(2022, 2, 28)
    day = datetime.date(2025, 4, 10)
    assert vocab.shown_status("RECRUITING", "", datetime.date(2023, 4, 9), day) == (
        "UNKNOWN",
        "RECRUITING",
    )
    assert vocab.shown_status("RECRUITING", "", datetime.date(2023, 4, 10), day) == (
        "RECRUITING",
        "",
    )
    # Only claims of an ongoing study go stale; no data's date, nothing is stale.
    assert vocab.shown_status("COMPLETED", "", datetime.date(2001, 1, 1), day)[0] == "COMPLETED"
    assert vocab.shown_status("RECRUITING", "", datetime.date(2001, 1, 1), None)[0] == "RECRUITING"


def test_the_models_code_of_unknown_is_the_facets():
    assert CODED["status"].code(vocab.Status.UNKNOWN) == UNKNOWN_STATUS_CODE


def test_recruiting_now_leaves_out_a_stale_claim_and_unknown_finds_it(client, corpus):
    assert data_date() == datetime.date(2025, 4, 10)

    recruiting = results(client, "recruiting=on")
    unknown = results(client, "status=UNKNOWN")

    assert FRESH in recruiting and STALE not in recruiting
    assert recruiting[FRESH] == "Recruiting"
    assert unknown[STALE] == "Unknown status (was Recruiting)"
    assert unknown[RECORDED_UNKNOWN] == "Unknown status (was Not yet recruiting)"
    assert STALE not in results(client, "status=RECRUITING")


def test_the_facet_counts_a_stale_claim_as_unknown(client, corpus):
    page = BeautifulSoup(client.get("/").content, "html.parser")
    facet = page.select_one("#facet-status").find_parent("section")
    counts = {
        a.get_text(strip=True): int(a.find_next_sibling(class_="count").get_text())
        for a in facet.select("a")
    }
    unknown = SearchMatch.objects.filter(status=UNKNOWN_STATUS_CODE).count()
    recruiting = SearchMatch.objects.filter(status=CODED["status"].code("RECRUITING")).count()

    assert counts["Unknown status"] == unknown
    assert counts["Recruiting"] == recruiting
    assert len(results(client, "status=UNKNOWN")) == unknown


def test_the_api_filters_and_answers_a_stale_claim_as_unknown_with_its_last_known_status(
    client, corpus
):
    def ids(query: str) -> set[str]:
        body = json.loads(client.get(f"/api/v2/studies?{query}&pageSize=100").content)
        return {s["protocolSection"]["identificationModule"]["nctId"] for s in body["studies"]}

    assert STALE in ids("filter.overallStatus=UNKNOWN")
    assert STALE not in ids("filter.overallStatus=RECRUITING")
    assert FRESH in ids("filter.overallStatus=RECRUITING")
    assert STALE in ids("aggFilters=status:unk") and STALE not in ids("aggFilters=status:rec")

    status = json.loads(client.get(f"/api/v2/studies/{STALE}").content)["protocolSection"][
        "statusModule"
    ]
    assert status["overallStatus"] == "UNKNOWN"
    assert status["lastKnownStatus"] == "RECRUITING"
    assert list(status)[:3] == ["statusVerifiedDate", "overallStatus", "lastKnownStatus"]
    listed = json.loads(client.get("/api/v2/studies?filter.ids=" + STALE).content)["studies"][0]
    assert listed["protocolSection"]["statusModule"] == status


def test_the_study_page_says_why_the_status_is_unknown_and_links_to_ctgov(client, corpus):
    page = BeautifulSoup(client.get(f"/studies/{STALE}/").content, "html.parser")
    status = page.select_one("#status dd")

    assert status.select_one(".badge").get_text() == "Unknown status (was Recruiting)"
    assert "last verified September 2020" in status.get_text()
    assert "10 April 2025" in status.get_text()
    assert page.find("a", href=f"https://clinicaltrials.gov/study/{STALE}")


def test_a_kept_study_page_shows_unknown_once_a_newer_record_moves_the_data_date(client, corpus):
    url = f"/studies/{FRESH}/"
    first = BeautifulSoup(client.get(url).content, "html.parser")
    assert first.select_one("#status .badge").get_text() == "Recruiting"
    with CaptureQueriesContext(connection) as served:
        client.get(url)
    assert len(served) == 1  # kept, and served as kept

    # Another study's newer version: the data's date is now 1 June 2025, so a claim verified in
    # May 2023 is stale.
    load(version("2025-06-01"))

    assert data_date() == datetime.date(2025, 6, 1)
    again = BeautifulSoup(client.get(url).content, "html.parser")
    assert again.select_one("#status .badge").get_text() == "Unknown status (was Recruiting)"
    assert "Records as of 1 June 2025" in again.select_one("footer").get_text()
    assert FRESH not in results(client, "recruiting=on")
    api = json.loads(client.get(f"/api/v2/studies/{FRESH}").content)
    assert api["protocolSection"]["statusModule"]["overallStatus"] == "UNKNOWN"


def test_restating_after_nothing_moved_changes_nothing_and_follows_the_date_back(
    corpus, django_user_model
):
    assert restate() == 0
    load(version("2025-06-01"))
    assert SearchMatch.objects.get(study__nct_id=FRESH).status == UNKNOWN_STATUS_CODE

    # A curator puts the newest record's last update back to its own date: the data's date
    # moves back, and the claim verified since the day it makes is a claim again.
    curator = django_user_model.objects.create_superuser("curator", "c@example.org")
    curate(curator, last_updated(datetime.date(2008, 4, 10)))

    assert data_date() == datetime.date(2025, 4, 10)
    assert SearchMatch.objects.get(study__nct_id=FRESH).status == CODED["status"].code("RECRUITING")
    assert SearchMatch.objects.get(study__nct_id=STALE).status == UNKNOWN_STATUS_CODE


def test_each_result_links_to_its_record_on_clinicaltrials_gov(client, corpus):
    page = BeautifulSoup(client.get("/?status=UNKNOWN").content, "html.parser")
    metas = page.select(".result-meta")

    assert metas
    for meta in metas:
        nct_id = meta.get_text().split()[0]
        link = meta.find("a", href=f"https://clinicaltrials.gov/study/{nct_id}")
        assert link is not None and nct_id in link.get_text()


@pytest.mark.parametrize("url", ["/", "/browse/conditions/", f"/studies/{STALE}/"])
def test_every_page_says_how_fresh_the_data_is_in_one_query(client, corpus, url):
    with CaptureQueriesContext(connection) as captured:
        page = BeautifulSoup(client.get(url).content, "html.parser")

    footer = page.select_one("footer").get_text()
    assert "Records as of 10 April 2025" in footer
    aggregate = 'max("trials_searchmatch"."last_update_posted_date")'
    newest = [q for q in captured if aggregate in q["sql"].lower()]
    assert len(newest) == 1, [q["sql"] for q in newest]
