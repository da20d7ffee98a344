"""Downloads of a whole search at a size past a page and a chunk: 1,050 studies."""

import io
import json
import math

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from tests.conftest import delete_all_studies
from tests.corpus import CORPUS
from tests.test_exports import csv_rows, downloaded
from trials import downloads
from trials.filters import StudyFilter
from trials.models import SearchDocument, Study

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def synthesized(django_db_setup, django_db_blocker):
    """1,050 studies (more than the API's largest page and than a download chunk), shuffled
    from the corpus's API v2 records by the benchmark's synthesizer, in place of the shared
    records: made once for this module, in a transaction rolled back after its last test."""
    with django_db_blocker.unblock(), transaction.atomic():
        delete_all_studies()
        call_command(
            "synthesize_studies", count=1050, archive=str(CORPUS / "json"), stdout=io.StringIO()
        )
        # The foreign keys checked now, as a commit would: else every test's end checks them
        # all again (Django's TestCase checks pending constraints at the end of each test).
        connection.check_constraints()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def thousands(synthesized, db):
    # Each test's own transaction nests inside the module's: what a test changes, it undoes.
    assert Study.objects.count() == 1050


@pytest.mark.slow
def test_a_csv_download_holds_every_result_with_no_cap(client, thousands):
    rows = csv_rows(client)

    assert len(rows) == 1050
    assert len({row["NCT Number"] for row in rows}) == 1050
    assert {row["NCT Number"] for row in rows} == set(
        Study.objects.values_list("nct_id", flat=True)
    )


def test_a_filtered_download_holds_exactly_the_results_the_page_counts(client, thousands):
    params = {"q": "cancer", "phase": ["PHASE2", "PHASE3"]}
    counted = StudyFilter(params).search().count()
    assert 20 < counted < 1050

    page = client.get("/studies/", params)
    rows = csv_rows(client, params)
    _, text = downloaded(client, "/studies/export.json", params)

    assert page.context["page"].paginator.count == counted
    assert len(rows) == counted
    assert len(json.loads(text)["studies"]) == counted


def test_a_download_follows_the_order_of_the_search_page(client, thousands):
    for params in ({"q": "cancer"}, {"q": "cancer", "sort": "enrollment"}, {"sort": "start"}):
        results = StudyFilter(params).search()
        in_page_order = list(
            SearchDocument.objects.filter(pk__in=results.ids(0, 2000))
            .order_by()
            .values_list("pk", "study__nct_id")
        )
        nct_of = dict(in_page_order)
        expected = [nct_of[pk] for pk in results.ids(0, 2000)]

        assert [row["NCT Number"] for row in csv_rows(client, params)] == expected, params


def test_a_download_costs_a_fixed_number_of_queries_per_chunk_not_per_study(
    client, thousands, monkeypatch, django_assert_num_queries, django_assert_max_num_queries
):
    # The ID cursor once, then per chunk: the studies and a query per table of the parts the
    # download holds (a CSV row's six; every table of the whole record for JSON), whatever the
    # chunk holds.
    monkeypatch.setattr(downloads, "CHUNK_SIZE", 400)
    chunks = math.ceil(1050 / 400)

    with django_assert_num_queries(1 + chunks * (1 + len(downloads.CSV_PARTS))):
        rows = csv_rows(client)
    assert len(rows) == 1050

    # The JSON download of a narrower search (a chunk costs at most a query per table of the
    # whole record and one that finds which tables hold its studies' rows; its studies take
    # longer to write): its words are resolved through the lexicon first, one query more.
    params = {"q": "cancer"}
    counted = StudyFilter(params).search().count()
    monkeypatch.setattr(downloads, "CHUNK_SIZE", 100)
    with django_assert_max_num_queries(2 + math.ceil(counted / 100) * 42):
        _, text = downloaded(client, "/studies/export.json", params)
    assert 100 < len(json.loads(text)["studies"]) == counted
