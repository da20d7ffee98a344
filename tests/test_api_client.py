"""A client written against API v2's description, pointed at this registry by its base URL
alone, over HTTP with requests, as the clients people use are: it reads the version, searches
by condition and by drug, asks for chosen fields in JSON and CSV, pages through every result,
fetches one study and reads field statistics."""

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from tests.conftest import import_files
from tests.corpus import CORPUS
from trials.models import Study

SEED = "NCT00398515"


class Client:
    """What a CT.gov API v2 client does, knowing nothing but its base URL."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.session = requests.Session()

    def get(self, path: str, **params: Any) -> requests.Response:
        response = self.session.get(f"{self.base_url}{path}", params=params, timeout=30)
        response.raise_for_status()
        return response

    def version(self) -> dict[str, Any]:
        return self.get("/version").json()

    def studies(self, **params: Any) -> list[dict[str, Any]]:
        """Every study of a search, page after page."""
        found: list[dict[str, Any]] = []
        while True:
            page = self.get("/studies", **params).json()
            found += page["studies"]
            if "nextPageToken" not in page:
                return found
            params["pageToken"] = page["nextPageToken"]

    def study(self, nct_id: str, **params: Any) -> dict[str, Any]:
        return self.get(f"/studies/{nct_id}", **params).json()


@pytest.fixture
def api(live_server, transactional_db) -> Iterator[Client]:
    import_files("text/NCT00398515.txt")
    import_files(*(f"json/{p.name}" for p in sorted((CORPUS / "json").glob("NCT0*.json"))))
    client = Client(live_server.url + "/api/v2")
    yield client
    client.session.close()


def nct_id(study: dict[str, Any]) -> str:
    return study["protocolSection"]["identificationModule"]["nctId"]


def test_a_client_does_its_whole_job_with_only_the_base_url_changed(api):
    version = api.version()
    assert version["apiVersion"].startswith("2.")
    assert version["dataTimestamp"][:4].isdigit()

    by_condition = {nct_id(s) for s in api.studies(**{"query.cond": "multiple myeloma"})}
    by_drug = {nct_id(s) for s in api.studies(**{"query.intr": "Revlimid"})}
    assert SEED in by_condition and SEED in by_drug

    # Chosen fields, in JSON: exactly those.
    chosen = api.studies(**{"query.intr": "lenalidomide", "fields": "NCTId|BriefTitle"})
    assert chosen and all(
        s
        == {
            "protocolSection": {
                "identificationModule": {
                    "nctId": nct_id(s),
                    "briefTitle": s["protocolSection"]["identificationModule"]["briefTitle"],
                }
            }
        }
        for s in chosen
    )
    # ... and in CSV.
    text = api.get("/studies", format="csv", fields="NCT Number|Study Title", pageSize=1000).text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert list(rows[0]) == ["NCT Number", "Study Title"]
    assert {row["NCT Number"] for row in rows} == set(
        Study.objects.values_list("nct_id", flat=True)
    )

    # Every study once, three to a page.
    paged = [nct_id(s) for s in api.studies(pageSize=3, fields="NCTId")]
    assert len(paged) == len(set(paged)) == Study.objects.count()

    one = api.study(SEED)
    assert nct_id(one) == SEED
    assert one["protocolSection"]["statusModule"]["overallStatus"]

    (phases,) = api.get("/stats/field/values", fields="Phase").json()
    assert phases["piece"] == "Phase"
    assert sum(v["studiesCount"] for v in phases["topValues"]) >= 1


def test_errors_reach_the_client_as_the_description_says(api):
    response = api.session.get(f"{api.base_url}/studies", params={"pageSize": "x"}, timeout=30)
    assert response.status_code == 400 and "pageSize" in response.json()["message"]
    missing = api.session.get(f"{api.base_url}/studies/NCT99999999", timeout=30)
    assert missing.status_code == 404 and missing.headers["Content-Type"].startswith("text/plain")
