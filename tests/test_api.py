"""GET /api/v2/studies: ClinicalTrials.gov's parameters, paging tokens, errors as HTTP 400."""

import csv
import io

import pytest
from django.core import signing
from django.http import QueryDict

from tests.corpus import CORPUS
from trials import api
from trials.export import study_to_api
from trials.models import Study

pytestmark = pytest.mark.django_db

API_V2_FILES = [f"json/{p.name}" for p in sorted((CORPUS / "json").glob("*.json"))]
SEED = "NCT00398515"


def listed(client, **params) -> dict:
    response = client.get("/api/v2/studies", params)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def nct_ids(body: dict) -> list[str]:
    return [s["protocolSection"]["identificationModule"]["nctId"] for s in body["studies"]]


def refused(client, **params) -> str:
    response = client.get("/api/v2/studies", params)
    assert response.status_code == 400, response.content
    return response.json()["message"]


@pytest.mark.parametrize("name", ["Revlimid", "CC-5013", "lenalidomide", "revlimid"])
def test_query_intr_finds_the_seed_by_any_name_of_its_drug(client, corpus, name):
    assert nct_ids(listed(client, **{"query.intr": name})) == [SEED]


def test_query_cond_finds_the_seed_by_its_mesh_term(client, corpus):
    assert SEED in nct_ids(listed(client, **{"query.cond": "Neoplasms, Plasma Cell"}))
    assert SEED not in nct_ids(listed(client, **{"query.cond": "asthma"}))


def test_query_term_finds_words_anywhere(client, corpus):
    assert nct_ids(listed(client, **{"query.term": "temsirolimus"})) == [SEED]


@pytest.mark.parametrize(
    "identifier",
    ["NCT00398515", "NCT01645553", "nct01664442", "NCI-2009-00151", "U01CA076576", "7314"],
)
def test_query_id_finds_the_seed_by_current_obsolete_org_and_secondary_ids(
    client, corpus, identifier
):
    assert nct_ids(listed(client, **{"query.id": identifier})) == [SEED]


def test_query_id_takes_several_ids_or_ed(client, corpus):
    body = listed(client, **{"query.id": "NCI-2009-00151 OR NCT00006392", "pageSize": 50})
    assert sorted(nct_ids(body)) == ["NCT00006392", SEED]
    body = listed(client, **{"query.id": "NCT00006392 NCT03934567"})
    assert sorted(nct_ids(body)) == ["NCT00006392", "NCT03934567"]


def test_filter_ids_takes_nct_ids_comma_or_pipe_separated_current_or_obsolete(client, corpus):
    body = listed(client, **{"filter.ids": "NCT00006392, NCT03934567|NCT01664442"})
    assert sorted(nct_ids(body)) == ["NCT00006392", SEED, "NCT03934567"]


def test_filter_ids_narrows_a_query(client, corpus):
    body = listed(client, **{"filter.ids": f"NCT00006392,{SEED}", "query.intr": "Revlimid"})
    assert nct_ids(body) == [SEED]


def sponsors_of(study: dict) -> list[str]:
    module = study["protocolSection"]["sponsorCollaboratorsModule"]
    return [module["leadSponsor"]["name"]] + [c["name"] for c in module.get("collaborators", [])]


def test_query_spons_finds_lead_sponsors_and_collaborators(client, corpus):
    body = listed(client, **{"query.spons": "national cancer institute", "pageSize": 100})

    found = nct_ids(body)
    assert SEED in found  # the lead sponsor
    assert "NCT00006392" in found  # a collaborator of the Southwest Oncology Group
    for study in body["studies"]:
        assert any("National Cancer Institute" in name for name in sponsors_of(study))
    assert nct_ids(listed(client, **{"query.spons": "Southwest Oncology"})) == ["NCT00006392"]


def test_query_locn_finds_studies_with_a_site_there(client, corpus):
    body = listed(client, **{"query.locn": "Columbus, Ohio", "pageSize": 100})

    assert SEED in nct_ids(body)
    for study in body["studies"]:
        places = study["protocolSection"]["contactsLocationsModule"]["locations"]
        texts = [" ".join(str(value) for value in site.values()) for site in places]
        assert any("Columbus" in text and "Ohio" in text for text in texts)
    assert SEED not in nct_ids(listed(client, **{"query.locn": "Columbus, Georgia"}))


def test_filter_overall_status_keeps_the_listed_statuses(client, corpus):
    body = listed(client, **{"filter.overallStatus": "COMPLETED|TERMINATED", "countTotal": "true"})

    expected = Study.objects.filter(overall_status__in=["COMPLETED", "TERMINATED"]).count()
    assert body["totalCount"] == expected > 10
    for study in body["studies"]:
        status = study["protocolSection"]["statusModule"]["overallStatus"]
        assert status in ("COMPLETED", "TERMINATED")


def walk(client, **params) -> tuple[list[str], int]:
    """Every page of a query through its tokens: the NCT IDs in order, and the pages read."""
    found, pages, token = [], 0, None
    while True:
        body = listed(client, **params, **({"pageToken": token} if token else {}))
        found += nct_ids(body)
        pages += 1
        token = body.get("nextPageToken")
        if not token:
            return found, pages


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"sort": "LastUpdatePostDate"},
        {"sort": "EnrollmentCount:desc"},
        {"sort": "StartDate:asc,EnrollmentCount"},
        {"query.term": "cancer", "sort": "@relevance"},
        {"filter.overallStatus": "COMPLETED"},
    ],
)
def test_paging_with_tokens_walks_every_result_exactly_once(client, corpus, params):
    first = listed(client, **params, countTotal="true", pageSize="7")
    found, pages = walk(client, **params, pageSize="7")

    assert len(found) == len(set(found)) == first["totalCount"]
    assert pages == -(-first["totalCount"] // 7)
    assert found[:7] == nct_ids(first)


def test_the_page_size_may_change_between_pages(client, corpus):
    first = listed(client, pageSize="3")
    second = listed(client, pageSize="5", pageToken=first["nextPageToken"])
    everything = nct_ids(listed(client, pageSize="8"))

    assert nct_ids(first) + nct_ids(second) == everything


def test_the_total_count_comes_with_the_first_page_only(client, corpus):
    first = listed(client, countTotal="true")
    later = listed(client, countTotal="true", pageToken=first["nextPageToken"])

    assert first["totalCount"] == Study.objects.count()
    assert "totalCount" not in later
    assert "totalCount" not in listed(client)


def test_the_last_page_has_no_next_page_token(client, corpus):
    body = listed(client, **{"query.intr": "Revlimid"})
    assert "nextPageToken" not in body
    assert "nextPageToken" in listed(client, pageSize="1")


def test_sort_orders_numbers_ascending_and_dates_descending_by_default_missing_last(client, corpus):
    def values(sort: str, path: tuple[str, ...]) -> list:
        studies = listed(client, sort=sort, pageSize="1000")["studies"]
        found = []
        for study in studies:
            value = study["protocolSection"]
            for key in path:
                value = value.get(key, {}) if isinstance(value, dict) else None
            found.append(value if value != {} else None)
        return found

    counts = values("EnrollmentCount", ("designModule", "enrollmentInfo", "count"))
    known = [c for c in counts if c is not None]
    assert known == sorted(known) and counts[: len(known)] == known

    updates = values("LastUpdatePostDate", ("statusModule", "lastUpdatePostDateStruct", "date"))
    known = [u for u in updates if u is not None]
    assert known == sorted(known, reverse=True) and updates[: len(known)] == known

    starts = values("StartDate:asc", ("statusModule", "startDateStruct", "date"))
    known = [s for s in starts if s is not None]
    assert known == sorted(known) and starts[: len(known)] == known


def test_a_forged_or_foreign_page_token_is_refused(client, corpus):
    token = listed(client, pageSize="2")["nextPageToken"]
    huge = signing.dumps(10**9)  # signed, but not for this query: no salt

    assert refused(client, pageToken=token[:-2] + "xx").startswith("pageToken:")
    assert refused(client, pageToken=huge).startswith("pageToken:")
    assert refused(client, pageToken="garbage").startswith("pageToken:")
    # A token of one query does not page another.
    assert refused(client, pageToken=token, **{"query.term": "cancer"}).startswith("pageToken:")
    # The same query in another parameter order is the same query.
    other = listed(client, pageSize="2", sort="StartDate", countTotal="false")["nextPageToken"]
    assert listed(client, countTotal="true", sort="StartDate", pageToken=other)["studies"]


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"pageSize": "-1"}, "pageSize"),
        ({"pageSize": "ten"}, "pageSize"),
        ({"countTotal": "yes"}, "countTotal"),
        ({"filter.overallStatus": "RECRUITING,OPEN"}, "filter.overallStatus"),
        ({"filter.ids": "NCT00398515,398515"}, "filter.ids"),
        ({"sort": "Title"}, "sort"),
        ({"sort": "EnrollmentCount:up"}, "sort"),
        ({"sort": "StartDate,EnrollmentCount,LastUpdatePostDate"}, "sort"),
        ({"sort": "@relevance:asc"}, "sort"),
        ({"query.term": "x" * 501}, "query.term"),
        ({"query.spons": "!!"}, "query.spons"),
        ({"query.locn": " ".join(["word"] * 11)}, "query.locn"),
        ({"filter.advanced": "AREA[StartDate]RANGE[2022"}, "filter.advanced"),
        ({"filter.geo": "distance(39.0,-77.1,ten miles)"}, "filter.geo"),
        ({"format": "xml"}, "format"),
    ],
)
def test_a_bad_value_is_a_400_naming_the_parameter(client, corpus, params, named):
    assert refused(client, **params).startswith(f"{named}:")


def test_page_size_zero_means_the_default_and_a_large_one_the_maximum(client, corpus):
    assert len(listed(client, pageSize="0")["studies"]) == api.DEFAULT_PAGE_SIZE
    assert len(listed(client)["studies"]) == 10
    assert api.parse(QueryDict("pageSize=5000")).page_size == api.MAX_PAGE_SIZE == 1000


def test_parameters_it_does_not_know_are_ignored(client, corpus):
    body = listed(client, **{"query.intr": "Revlimid", "fields": "NCTId", "callback": "x"})
    assert nct_ids(body) == [SEED]


def test_studies_are_in_the_export_shape_of_the_single_study_endpoint(client, corpus):
    (study,) = listed(client, **{"filter.ids": SEED})["studies"]

    assert study == client.get(f"/api/v2/studies/{SEED}").json()
    assert study == study_to_api(Study.objects.with_parts().get(nct_id=SEED))


def test_the_query_count_does_not_grow_with_the_page_size(
    client, corpus, django_assert_max_num_queries
):
    # The search's planner settings (in a transaction, as here), the page's IDs, the studies,
    # the query that finds which of the 40 tables of parts (protocol and results) hold their
    # rows and one per such table; one more for the total. At most that, whatever the size.
    with django_assert_max_num_queries(44) as one:
        small = listed(client, pageSize="1")
    with django_assert_max_num_queries(45):
        large = listed(client, pageSize="1000", countTotal="true")
    # A drug name is resolved through the lexicon first: one query.
    with django_assert_max_num_queries(45):
        listed(client, **{"query.intr": "Revlimid", "pageSize": "1000"})
    # One study's page reads only the tables that hold its parts.
    assert len(one) < 44

    assert len(small["studies"]) == 1
    assert len(large["studies"]) == large["totalCount"] > 40


def test_format_csv_gives_the_download_columns_with_the_tokens_in_headers(client, corpus):
    response = client.get(
        "/api/v2/studies", {"format": "csv", "pageSize": "2", "countTotal": "true"}
    )
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert len(rows) == 2 and rows[0]["NCT Number"].startswith("NCT")
    assert response["x-total-count"] == str(Study.objects.count())
    following = client.get(
        "/api/v2/studies",
        {"format": "csv", "pageSize": "2", "pageToken": response["x-next-page-token"]},
    )
    assert following.status_code == 200
    assert following.content.decode().count("\nNCT") == 2


def test_the_list_answers_get_only(client, db):
    assert client.post("/api/v2/studies").status_code == 405
