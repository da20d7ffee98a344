"""Search counts: exact up to SEARCH_EXACT_COUNTS, past it estimated on a sample and said so.

The corpus is a few hundred studies, so these tests lower the limit rather than load 10,000;
and most make the sample every 16th study (runs of one ID, not 64), so that it is a true part
of the corpus and an estimate differs from the exact count. The oracle is the exact search:
an estimate is 16 times the results whose IDs are in the sample, counted here in Python.
"""

import re
from collections import Counter

import pytest
from django.db import connection, transaction
from django.http import QueryDict

from trials.filters import StudyFilter
from trials.importer.report import Outcome
from trials.importer.writer import save_record
from trials.models import SearchMatch, Study
from trials.models.search import UNKNOWN_STATUS_CODE
from trials.record import StudyRecord
from trials.search import CODED, FACET_COLUMNS, refresh_search
from trials.search.layout import (
    FACET_FLAGS,
    FACET_NAMES,
    SAMPLE_EVERY,
    SAMPLE_LEXEME,
    SAMPLE_RUN,
    facet_lexeme,
)
from trials.templatetags.trials_tags import about


@pytest.fixture
def every_16th(db):
    """The sample made every 16th study, in the search rows (as a refresh would with runs of 1)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE trials_searchmatch SET document = ts_delete(document, %(s)s),"
            " core = ts_delete(core, %(s)s);"
            " UPDATE trials_searchmatch SET document = document || array_to_tsvector(ARRAY[%(s)s]),"
            " core = core || array_to_tsvector(ARRAY[%(s)s]) WHERE study_id %% 16 = 0",
            {"s": SAMPLE_LEXEME},
        )


def sampled_by_refresh(study_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT document @@ %(q)s::tsquery, core @@ %(q)s::tsquery"
            " FROM trials_searchmatch WHERE study_id = %(id)s",
            {"q": f"'{SAMPLE_LEXEME}'", "id": study_id},
        )
        document, core = cursor.fetchone()
    assert document == core
    return document


def search(params: str):
    return StudyFilter(QueryDict(params)).search()


def ids_of(params: str) -> list[int]:
    """Every result's study ID, by the exact search."""
    results = search(params)
    return [doc.pk for doc in results[0 : results.count()]]


def sampled(ids: list[int]) -> int:
    return SAMPLE_EVERY * sum(1 for pk in ids if pk % SAMPLE_EVERY == 0)


def heading(page: str) -> str:
    found = re.search(r'<h2 id="results-heading">([^<]*)</h2>', page)
    assert found is not None
    return found[1]


@pytest.mark.parametrize(
    ("count", "shown"),
    [(449_321, "about 450,000"), (10_001, "about 10,000"), (512, "about 510"), (16, "about 16")],
)
def test_an_estimate_reads_as_two_figures_and_says_about(count, shown):
    assert about(count) == shown


def test_the_refresh_puts_every_sixteenth_run_of_64_studies_in_the_sample(corpus):
    made = []
    for first_id in (SAMPLE_RUN * SAMPLE_EVERY * 3, SAMPLE_RUN * SAMPLE_EVERY * 3 + SAMPLE_RUN):
        with connection.cursor() as cursor:  # the next study takes this ID
            cursor.execute("SELECT setval('trials_study_id_seq', %s, false)", [first_id])
        nct_id = f"NCT{first_id:08d}"
        record = StudyRecord(
            nct_id=nct_id,
            brief_title="Sampled or not",
            overall_status="RECRUITING",
            source_format="API_V2_JSON",
        )
        assert save_record(record, b"hand-made", "test").outcome is not Outcome.FAILED
        made.append(Study.objects.get(nct_id=nct_id).pk)
    assert made == [3072, 3136]
    assert [sampled_by_refresh(pk) for pk in made] == [True, False]
    # The corpus's own rows follow the same rule.
    for pk in SearchMatch.objects.values_list("pk", flat=True):
        assert sampled_by_refresh(pk) == (pk // SAMPLE_RUN % SAMPLE_EVERY == 0), pk


def test_under_the_limit_every_count_is_exact(corpus):
    results = search("")
    counts = results.counts()
    assert counts.total == SearchMatch.objects.count()
    assert not counts.total_estimated and not counts.estimated_facets


def test_past_the_limit_the_total_and_facets_are_estimated_from_the_sample(
    corpus, settings, every_16th
):
    everything = ids_of("")
    exact = search("").facets
    settings.SEARCH_EXACT_COUNTS = 20
    counts = search("").counts()
    assert sampled(everything) > settings.SEARCH_EXACT_COUNTS  # the oracle's own premise
    assert counts.total_estimated
    assert counts.total == sampled(everything) != len(everything)
    assert counts.estimated_facets == set(FACET_COLUMNS)
    in_sample = {pk for pk in everything if pk % SAMPLE_EVERY == 0}
    rows = SearchMatch.objects.filter(pk__in=in_sample)
    statuses = Counter(row.status for row in rows)
    assert sum(counts.facets["status"].values()) == SAMPLE_EVERY * sum(statuses.values())
    assert counts.facets["status"] != exact["status"]


def test_a_small_result_keeps_its_exact_total_when_a_filter_widens_its_facet(
    corpus, settings, every_16th
):
    params = "country=United+States"
    exact = search(params)
    total, facets = exact.count(), exact.facets
    assert len(ids_of("")) > total  # without its filter the country facet counts more
    settings.SEARCH_EXACT_COUNTS = total
    counts = search(params).counts()
    assert counts.total == total and not counts.total_estimated
    assert counts.estimated_facets == {"country"}
    for name in set(FACET_COLUMNS) - {"country"}:
        assert counts.facets[name] == facets[name], name


def test_the_page_labels_every_estimate_and_only_estimates(client, corpus, settings):
    exact = client.get("/studies/?q=cancer").content.decode()
    assert "about" not in heading(exact)
    assert "are estimates" not in exact
    assert not re.search(r'<span class="count">about', exact)

    settings.SEARCH_EXACT_COUNTS = 2
    page = client.get("/studies/?q=cancer&status=COMPLETED").content.decode()
    assert re.fullmatch(r"about [\d,]+ studies", heading(page))
    assert "this count and the filters' counts are estimates" in page
    assert re.search(r'<span class="count">about [\d,]+</span>', page)
    assert re.search(r'<p class="downloads">All about [\d,]+ results', page)


def test_eligibility_only_studies_past_the_limit_are_an_estimate(corpus, settings, every_16th):
    everywhere = set(ids_of("q=diabetes&eligibility=on"))
    only_there = sorted(everywhere - set(ids_of("q=diabetes")))
    assert only_there
    assert search("q=diabetes").eligibility_only() == (len(only_there), False)
    settings.SEARCH_EXACT_COUNTS = 1
    assert search("q=diabetes").eligibility_only() == (sampled(only_there), True)


def test_estimated_searches_cost_as_many_queries_whatever_they_find(
    client, corpus, settings, django_assert_num_queries
):
    settings.SEARCH_EXACT_COUNTS = 1
    # Clearly past the limit on the sample: no exact count is tried.
    with django_assert_num_queries(16):
        wide = client.get("/studies/?q=patients&phase=PHASE1&country=United+States")
    with django_assert_num_queries(16):
        wider = client.get("/studies/?q=study&status=COMPLETED")
    for page in (wide, wider):
        assert heading(page.content.decode()).startswith("about")
    assert len(re.findall("result-meta", wider.content.decode())) > len(
        re.findall("result-meta", wide.content.decode())
    )


def facet_lexemes_of_columns(row: SearchMatch) -> set[str]:
    """The facet lexemes a row should hold, from its columns (the oracle)."""
    expected = set()
    for coded in CODED.values():
        code = getattr(row, coded.column)
        codes = [coded.code(v) for v in coded.decode(code)] if coded.several else [code]
        expected |= {facet_lexeme(coded.column, c) for c in codes if c is not None}
    for flag in FACET_FLAGS:
        if getattr(row, flag):
            expected.add(facet_lexeme(flag, True))
    return expected | {facet_lexeme(FACET_NAMES, country) for country in row.countries}


def held_facet_lexemes() -> dict[int, tuple[set[str], set[str]]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT study_id,"
            " ARRAY(SELECT lexeme FROM unnest(document) WHERE lexeme LIKE %(p)s),"
            " ARRAY(SELECT lexeme FROM unnest(core) WHERE lexeme LIKE %(p)s)"
            " FROM trials_searchmatch",
            {"p": facet_lexeme("", "").replace("::", ":") + "%"},
        )
        return {pk: (set(document), set(core)) for pk, document, core in cursor.fetchall()}


def test_every_row_holds_its_facets_columns_as_lexemes_and_a_restate_keeps_them(corpus):
    def check() -> None:
        held = held_facet_lexemes()
        for row in SearchMatch.objects.all():
            assert held[row.pk] == (facet_lexemes_of_columns(row),) * 2, row.pk

    check()
    assert any(row.countries for row in SearchMatch.objects.all())  # the oracle's premise
    # The data's date moves on three years: claims of recruitment go stale (the refresh restates
    # every study's status), their lexemes too.
    unknown = SearchMatch.objects.filter(status=UNKNOWN_STATUS_CODE)
    stale_before = unknown.count()
    study = Study.objects.order_by("-last_update_posted_date").first()
    study.last_update_posted_date = study.last_update_posted_date.replace(
        year=study.last_update_posted_date.year + 3
    )
    study.save()
    refresh_search(study)
    assert unknown.count() > stale_before
    check()


def test_a_search_sets_its_work_mem_for_its_transaction(corpus, settings):
    # SET LOCAL (set_config(..., true)): the test's own transaction never ends here, so only
    # the setting within it is seen.
    settings.SEARCH_WORK_MEM = "48MB"

    def work_mem() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW work_mem")
            return cursor.fetchone()[0]

    assert work_mem() != "48MB"
    with transaction.atomic():
        search("q=cancer").count()
        assert work_mem() == "48MB"
