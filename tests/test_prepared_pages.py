"""Prepared study pages (trials.pages): rendered once per change of the study, served as
rendered after that, and never stale: an import or an admin edit shows on the next request."""

import gzip
import json

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.test_admin import form_data, post_change
from tests.test_curation import NCT, load, retitled, version
from trials import pages
from trials.models import PreparedPage, Study

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


def test_the_build_is_a_digest_of_the_code_and_templates():
    assert len(pages.build()) == 64
    assert pages.build() == pages.build()
