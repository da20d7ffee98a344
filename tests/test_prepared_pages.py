"""Prepared study pages (trials.pages): rendered once per change of the study, served as
rendered after that, and never stale: an import or an admin edit shows on the next request."""

import gzip
import json
import re

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.test_admin import form_data, post_change
from tests.test_curation import NCT, load, retitled, version
from trials import api, pages
from trials.models import DrugAlias, PreparedPage, PreparedSearch, SearchRevision, Study

PAGE = f"/studies/{NCT}/"
API = f"/api/v2/studies/{NCT}"


@pytest.fixture
def curator_client(db, django_user_model) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_superuser("curator", "c@example.org"))
    return client


def queries(client: Client, url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured), response.content


@pytest.mark.parametrize(("url", "content_type"), [(PAGE, "text/html"), (API, "application/json")])
def test_a_page_is_rendered_once_then_served_as_rendered_in_one_query(
    client, corpus, url, content_type
):
    rendered, first = queries(client, url)
    served, second = queries(client, url)

    assert rendered > 10
    assert served == 1
    assert second == first
    assert client.get(url)["Content-Type"].startswith(content_type)
    assert PreparedPage.objects.filter(study__nct_id=NCT).count() == 1


def test_a_client_that_accepts_gzip_gets_the_kept_bytes_gzip_encoded(client, corpus):
    rendered = client.get(PAGE)

    served = client.get(PAGE, headers={"Accept-Encoding": "br, gzip, deflate"})

    assert served["Content-Encoding"] == "gzip"
    assert gzip.decompress(served.content) == rendered.content
    assert len(served.content) < len(rendered.content) / 2
    assert "Accept-Encoding" in rendered["Vary"] and "Accept-Encoding" in served["Vary"]
    assert not client.get(PAGE).has_header("Content-Encoding")


def test_an_import_that_changes_the_study_shows_on_the_next_request(client, corpus):
    client.get(PAGE), client.get(API)  # both prepared
    assert "A title from a newer version" not in client.get(PAGE).content.decode()

    load(version("2030-01-01", retitled("A title from a newer version")))

    assert "A title from a newer version" in client.get(PAGE).content.decode()
    api = json.loads(client.get(API).content)
    assert api["protocolSection"]["identificationModule"]["briefTitle"] == (
        "A title from a newer version"
    )


def versions_listed(client: Client) -> int:
    page = BeautifulSoup(client.get(PAGE).content, "html.parser")
    return len(page.select("#versions tbody tr"))


def test_a_new_version_saying_the_same_is_listed_on_the_next_request(client, corpus):
    study = Study.objects.get(nct_id=NCT)
    assert versions_listed(client) == 1

    # The same record in other bytes: a version of its own, the study unchanged.
    result = load(json.dumps(json.loads(study.versions.get().content), indent=1).encode())
    assert result.detail == "new version kept; nothing changed"

    assert versions_listed(client) == 2


def test_admin_edits_of_the_study_and_of_a_part_show_on_the_next_request(
    client, corpus, curator_client
):
    study = Study.objects.get(nct_id=NCT)
    client.get(PAGE)

    post_change(curator_client, study, brief_title="A clearer title")
    assert "A clearer title" in client.get(PAGE).content.decode()

    site = study.sites.get()
    url = reverse("admin:trials_site_change", args=[site.pk])
    data = form_data(curator_client.get(url).content, "site_form")
    data["country"] = ["Atlantis"]
    assert curator_client.post(url, data).status_code == 302
    assert "Atlantis" in client.get(PAGE).content.decode()


def test_a_page_rendered_by_other_code_or_templates_is_rendered_anew(client, corpus, monkeypatch):
    client.get(PAGE)
    monkeypatch.setattr(pages, "build", lambda: "the next deployment")

    rendered, _ = queries(client, PAGE)

    assert rendered > 10
    assert PreparedPage.objects.get(study__nct_id=NCT).build == "the next deployment"
    assert queries(client, PAGE)[0] == 1


def test_a_page_with_parameters_is_rendered_and_not_kept(client, corpus):
    rendered, _ = queries(client, f"{PAGE}?from=1&to=2")

    assert rendered > 10
    assert not PreparedPage.objects.exists()


# A study of 148 sites in several countries and statuses, most of them placed.
MANY_SITES = "/studies/NCT05809934/"
SITE_REQUESTS = [
    "?country=Japan",
    "?status=RECRUITING&sites_page=2",
    "?lat=35&lon=139",
    "?near=Tokyo&country=Japan&status=RECRUITING&sites_page=2",
    "?state=Nowhere",  # ignored, with a note
    "?sites_page=99",
]


@pytest.mark.parametrize("asked", SITE_REQUESTS)
def test_a_page_of_chosen_sites_is_the_kept_page_with_those_sites(client, corpus, asked):
    rendered = client.get(MANY_SITES + asked).content  # nothing kept yet: the whole page
    client.get(MANY_SITES)  # kept

    spliced, content = queries(client, MANY_SITES + asked)

    assert content == rendered
    # The kept page, the study, its sites and their contacts: whatever the count of sites.
    assert spliced == 4
    assert queries(client, f"/studies/{NCT}/?sites_page=2")[0] > 10  # not kept: rendered
    client.get(PAGE)
    assert queries(client, f"/studies/{NCT}/?sites_page=2")[0] == spliced


def test_a_page_with_other_parameters_is_rendered_whole(client, corpus):
    client.get(MANY_SITES)

    assert queries(client, f"{MANY_SITES}?country=Japan&from=1&to=2")[0] > 10


def test_a_page_of_chosen_sites_shows_a_change_on_the_next_request(client, corpus, curator_client):
    chosen = f"{PAGE}?country=United+States"
    client.get(PAGE)
    assert "A title from a newer version" not in client.get(chosen).content.decode()

    load(version("2030-01-01", retitled("A title from a newer version")))
    assert "A title from a newer version" in client.get(chosen).content.decode()

    client.get(PAGE)  # kept anew
    post_change(curator_client, Study.objects.get(nct_id=NCT), brief_title="A clearer title")
    assert "A clearer title" in client.get(chosen).content.decode()


LIST = "/api/v2/studies?pageSize=30&sort=StudyFirstPostDate"


def listed(client: Client, url: str) -> tuple[int, list[dict]]:
    count, content = queries(client, url)
    return count, json.loads(content)["studies"]


def test_a_page_of_api_results_is_made_of_kept_answers_and_keeps_those_it_builds(client, corpus):
    built, first = listed(client, LIST)
    assert PreparedPage.objects.filter(kind=PreparedPage.Kind.API).count() == len(first) == 30

    kept, second = listed(client, LIST)

    assert second == first
    assert kept < built / 2  # the kept answers in one query, no table of parts read
    # Each is what the study's own endpoint answers, served by it as kept.
    one = first[7]["protocolSection"]["identificationModule"]["nctId"]
    assert queries(client, f"/api/v2/studies/{one}")[0] == 1
    assert json.loads(client.get(f"/api/v2/studies/{one}").content) == first[7]


def _streamed(client: Client, url: str) -> tuple[bool, dict]:
    response = client.get(url)
    assert response.status_code == 200
    return response.streaming, json.loads(b"".join(response))  # either kind of response


def test_a_page_of_more_studies_than_a_chunk_is_streamed_a_chunk_at_a_time(
    client, corpus, monkeypatch, django_assert_max_num_queries
):
    # As a page of 1,000 studies is sent in chunks of 100: one chunk's studies in memory.
    monkeypatch.setattr(api, "STREAM_CHUNK", 10)
    url = "/api/v2/studies?pageSize=35&countTotal=true&sort=StudyFirstPostDate"
    chunks = 4
    # Per chunk: the kept answers, which tables hold its rows, a query per such table (at most
    # every table of the record), keeping what it built.
    with django_assert_max_num_queries(10 + chunks * 45):
        streamed, first = _streamed(client, url)

    assert streamed
    assert first["totalCount"] > 35 and len(first["studies"]) == 35
    rest = _streamed(client, f"{url}&pageToken={first['nextPageToken']}")
    assert rest[0] == (len(rest[1]["studies"]) > 10)  # at most a chunk: sent whole
    found = [
        s["protocolSection"]["identificationModule"]["nctId"]
        for s in first["studies"] + rest[1]["studies"]
    ]
    assert len(found) == len(set(found)) == first["totalCount"]

    # Kept now: the same page again reads its answers, a query per chunk, each chunk as it is
    # sent (only the first before the response is given).
    with CaptureQueriesContext(connection) as before_sending:
        response = client.get(url)
    with CaptureQueriesContext(connection) as while_sending:
        again = json.loads(b"".join(response))
    assert len(before_sending) < 10 and len(while_sending) == chunks - 1
    assert again["studies"] == first["studies"]  # (the page token is signed with the time)
    monkeypatch.setattr(api, "STREAM_CHUNK", 100)
    streamed, whole = _streamed(client, url)
    assert not streamed and whole["studies"] == first["studies"]


@pytest.mark.parametrize(
    ("asked", "kept"),
    [
        # Built from the tables the fields need: not the whole answer, so not kept.
        ("&fields=NCTId|BriefTitle|Condition|LocationCity", 0),
        ("&markupFormat=legacy", 30),
    ],
)
def test_chosen_fields_and_legacy_markup_read_the_same_from_kept_answers(
    client, corpus, asked, kept
):
    built = listed(client, LIST + asked)[1]
    assert PreparedPage.objects.count() == kept

    client.get(LIST)  # every answer kept
    assert listed(client, LIST + asked)[1] == built


def test_a_page_of_api_results_shows_a_change_on_the_next_request(client, corpus, curator_client):
    url = f"/api/v2/studies?query.id={NCT}"

    def title() -> str:
        return listed(client, url)[1][0]["protocolSection"]["identificationModule"]["briefTitle"]

    title()  # kept
    load(version("2030-01-01", retitled("A title from a newer version")))
    assert title() == "A title from a newer version"

    title()  # kept anew
    post_change(curator_client, Study.objects.get(nct_id=NCT), brief_title="A clearer title")
    assert title() == "A clearer title"


def test_the_build_is_a_digest_of_the_code_and_templates():
    assert len(pages.build()) == 64
    assert pages.build() == pages.build()


# --- Search pages, kept per search revision ---------------------------------------------------


def found(client: Client, query: str, **headers: str) -> list[str]:
    response = client.get(f"/?{query}", headers=headers)
    assert response.status_code == 200
    return re.findall(r'<p class="result-meta">(NCT\d{8})', response.content.decode())


def test_a_search_page_is_served_as_rendered_in_one_query_and_per_parameters(client, corpus):
    rendered, first = queries(client, "/?q=myeloma")
    served, second = queries(client, "/?q=myeloma")

    assert rendered > 5 and served == 1 and second == first
    assert found(client, "q=asthma") != found(client, "q=myeloma")
    partial = client.get("/?q=myeloma", headers={"HX-Request": "true"}).content
    assert partial != first and b"<html" not in partial
    assert client.get("/?q=myeloma").content == first


def test_an_import_shows_in_searches_on_the_next_request(client, corpus):
    assert NCT in found(client, "q=GVG")
    assert "NCT09000001" not in found(client, "q=GVG")

    data = json.loads(version("2030-01-01"))
    data["protocolSection"]["identificationModule"]["nctId"] = "NCT09000001"
    load(json.dumps(data).encode())

    assert "NCT09000001" in found(client, "q=GVG")


def test_an_admin_edit_of_a_title_shows_in_searches_on_the_next_request(
    client, corpus, curator_client
):
    assert NCT not in found(client, "q=Zeppelinotherapy")

    post_change(curator_client, Study.objects.get(nct_id=NCT), brief_title="Zeppelinotherapy")

    assert NCT in found(client, "q=Zeppelinotherapy")


def test_a_new_drug_alias_and_a_deleted_study_show_in_searches_on_the_next_request(client, corpus):
    assert found(client, "intr=Gavamax") == []
    DrugAlias.objects.create(alias="Gavamax", drug="Dietary supplement GVG 2")
    assert found(client, "intr=Gavamax") == [NCT]

    Study.objects.get(nct_id=NCT).delete()

    assert found(client, "intr=Gavamax") == []


def test_keeping_a_search_page_drops_those_of_older_revisions(client, corpus):
    client.get("/?q=myeloma")
    DrugAlias.objects.create(alias="Gavamax", drug="Dietary supplement GVG 2")  # a new revision

    client.get("/?q=asthma")

    assert PreparedSearch.objects.count() == 1
    assert PreparedSearch.objects.get().revision == SearchRevision.objects.get().revision


def test_only_the_newest_search_pages_are_kept(client, corpus, monkeypatch):
    monkeypatch.setattr(pages, "MAX_KEPT_SEARCHES", 2)
    for words in ("myeloma", "asthma", "leukemia"):
        client.get("/", {"q": words})

    kept = {pages.gzip.decompress(bytes(p.body)).decode() for p in PreparedSearch.objects.all()}
    assert len(kept) == 2
    assert not any("“myeloma”" in page or 'value="myeloma"' in page for page in kept)
    assert any('value="leukemia"' in page for page in kept)
