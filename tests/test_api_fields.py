"""API v2's ``fields`` (areas, pieces and field paths; CSV columns) and ``/version``."""

import csv
import dataclasses
import datetime
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.db.models import Max

from tests.test_api import SEED, listed, refused
from trials import api_fields, store
from trials.export import study_to_api
from trials.models import PreparedPage, Study

pytestmark = pytest.mark.django_db

WITH_RESULTS = "NCT02552212"  # certolizumab: baseline, outcomes, adverse events


def whole(nct_id: str) -> dict[str, Any]:
    return study_to_api(Study.objects.with_parts().get(nct_id=nct_id))


def one(client, nct_id: str, fields: str) -> dict[str, Any]:
    response = client.get(f"/api/v2/studies/{nct_id}", {"fields": fields})
    assert response.status_code == 200, response.content
    return response.json()


def leaf_paths(node: Any, prefix: str = "") -> Iterator[str]:
    """Every path of a JSON value's leaves, lists left out of the path, as ``fields`` names them."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from leaf_paths(value, f"{prefix}{key}.")
    elif isinstance(node, list) and node and isinstance(node[0], dict):
        for item in node:
            yield from leaf_paths(item, prefix)
    else:
        yield prefix.removesuffix(".")


def test_three_pieces_give_each_study_exactly_those_three_values(client, corpus):
    asked = {"pageSize": 50, "sort": "LastUpdatePostDate"}
    body = listed(client, fields="NCTId|BriefTitle|OverallStatus", **asked)

    assert len(body["studies"]) == 50
    for study, full in zip(body["studies"], listed(client, **asked)["studies"], strict=True):
        protocol = full["protocolSection"]
        assert study == {
            "protocolSection": {
                "identificationModule": {
                    "nctId": protocol["identificationModule"]["nctId"],
                    "briefTitle": protocol["identificationModule"]["briefTitle"],
                },
                "statusModule": {"overallStatus": protocol["statusModule"]["overallStatus"]},
            }
        }


def test_modules_come_whole_and_alone(client, corpus):
    study = one(client, SEED, "ConditionsModule,EligibilityModule")

    full = whole(SEED)["protocolSection"]
    assert study == {
        "protocolSection": {
            "conditionsModule": full["conditionsModule"],
            "eligibilityModule": full["eligibilityModule"],
        }
    }


def test_pieces_inside_lists_keep_only_themselves_in_the_sources_order(client, corpus):
    study = one(client, SEED, "InterventionName,InterventionOtherName,LocationCity,StartDate")

    full = whole(SEED)["protocolSection"]
    assert study["protocolSection"]["armsInterventionsModule"]["interventions"] == [
        {key: x[key] for key in ("name", "otherNames") if key in x}
        for x in full["armsInterventionsModule"]["interventions"]
    ]
    assert study["protocolSection"]["contactsLocationsModule"]["locations"] == [
        {"city": site["city"]} for site in full["contactsLocationsModule"]["locations"]
    ]
    assert study["protocolSection"]["statusModule"] == {
        "startDateStruct": {"date": full["statusModule"]["startDateStruct"]["date"]}
    }


def test_field_paths_and_results_pieces_are_asked_for_as_pieces_are(client, corpus):
    study = one(
        client, WITH_RESULTS, "protocolSection.designModule.phases|BaselineMeasureTitle|hasResults"
    )

    full = whole(WITH_RESULTS)
    measures = full["resultsSection"]["baselineCharacteristicsModule"]["measures"]
    assert study == {
        "protocolSection": {
            "designModule": {"phases": full["protocolSection"]["designModule"]["phases"]}
        },
        "resultsSection": {
            "baselineCharacteristicsModule": {"measures": [{"title": m["title"]} for m in measures]}
        },
        "hasResults": True,
    }


def test_every_field_a_corpus_study_exports_can_be_asked_for_by_its_path(corpus):
    tree = api_fields.field_tree()
    for study in Study.objects.with_parts():
        exported = set(leaf_paths(study_to_api(study)))
        assert exported <= tree.keys(), (study.nct_id, sorted(exported - tree.keys()))


def test_a_name_that_names_no_field_is_refused_saying_which(client, corpus):
    assert "'BriefTitel' is not a field" in refused(client, fields="NCTId|BriefTitel")
    assert "at least one" in refused(client, fields=" | ")
    response = client.get(f"/api/v2/studies/{SEED}", {"fields": "NoSuchPiece"})
    assert response.status_code == 400
    assert "'NoSuchPiece'" in response.json()["message"]


def test_csv_fields_are_columns_in_the_asked_order(client, corpus):
    response = client.get(
        "/api/v2/studies",
        {"format": "csv", "fields": "Study Status|NCT Number", "query.intr": "Revlimid"},
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows == [["Study Status", "NCT Number"], ["COMPLETED", SEED]]
    assert "'Phase' is not a column" in refused(client, format="csv", fields="Phase")


def test_version_says_the_api_version_and_when_the_data_last_changed(client, corpus):
    body = client.get("/api/v2/version").json()

    latest = Study.objects.aggregate(latest=Max("updated_at"))["latest"]
    assert body == {
        "apiVersion": "2.0.5",
        "dataTimestamp": latest.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S"),
    }


def richest_studies(client, count: int) -> tuple[dict[str, str], list[dict[str, Any]]]:
    """The query of the corpus studies with the most to say (results, sites, contacts,
    references...), and their whole answers; none kept after, so that pages of chosen fields
    are built from the tables rather than cut from the whole answers kept."""
    everything = listed(client, pageSize="1000")["studies"]
    richest = sorted(everything, key=lambda study: -len(json.dumps(study)))[:count]
    ids = ",".join(s["protocolSection"]["identificationModule"]["nctId"] for s in richest)
    asked = {"filter.ids": ids, "sort": "LastUpdatePostDate"}
    whole_studies = listed(client, **asked)["studies"]
    PreparedPage.objects.all().delete()
    return asked, whole_studies


def test_chosen_fields_read_only_their_tables_and_say_what_whole_studies_say(client, corpus):
    asked, whole_studies = richest_studies(client, 5)
    for name in ["NCTId", "BriefTitle", "ConditionsModule", *api_fields.part_paths()]:
        chosen = listed(client, fields=name, **asked)["studies"]
        paths = api_fields.paths_named(name)
        assert chosen == [api_fields.select(study, paths) for study in whole_studies], name


def test_every_path_asked_alone_says_what_whole_studies_say_there(client, corpus):
    # Every path of the field tree (each is its own piece name): a page of chosen fields reads
    # only what it needs, and must need all it shows.
    asked, whole_studies = richest_studies(client, 8)
    shown = 0
    for path in api_fields.field_tree():
        chosen = listed(client, fields=path, **asked)["studies"]
        expected = [api_fields.select(study, frozenset({path})) for study in whole_studies]
        assert chosen == expected, path
        shown += any(expected)
    assert shown > 300  # paths the corpus's richest studies fill


def test_a_field_kept_beside_another_in_its_row_is_read_when_asked_alone(client, seed):
    # The org study ID's type and link share the ID's row of identifiers; no corpus study has
    # them, so the seed is given both.
    record = store.record_of(Study.objects.with_parts().get(pk=seed.pk))
    given = dataclasses.replace(record, org_study_id_type="NIH", org_study_id_link="https://x.org")
    with transaction.atomic():
        store.write([(seed.pk, given)])
    PreparedPage.objects.all().delete()
    for path, value in [("orgStudyIdInfo.type", "NIH"), ("orgStudyIdInfo.link", "https://x.org")]:
        body = listed(
            client, fields=f"protocolSection.identificationModule.{path}", **{"filter.ids": SEED}
        )
        info = body["studies"][0]["protocolSection"]["identificationModule"]["orgStudyIdInfo"]
        assert info == {path.rsplit(".", 1)[1]: value}


def test_a_page_of_three_pieces_reads_no_table_of_parts(
    client, corpus, django_assert_max_num_queries
):
    with django_assert_max_num_queries(8):
        body = listed(client, fields="NCTId|BriefTitle|OverallStatus", pageSize="1000")
    assert len(body["studies"]) > 40
