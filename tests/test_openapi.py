"""The API's own OpenAPI description: served, valid, and true of real answers of every
endpoint over the corpus records (openapi-core validates each request and response)."""

import pytest
import yaml
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from trials import openapi, vocab

pytestmark = pytest.mark.django_db

SEED = "NCT00398515"
# Real requests of every endpoint, as clients make them.
CALLS = [
    "/api/v2/version",
    "/api/v2/studies",
    "/api/v2/studies?pageSize=50&countTotal=true",
    "/api/v2/studies?query.cond=myeloma&query.intr=lenalidomide&pageSize=5",
    "/api/v2/studies?query.term=diabetes&filter.overallStatus=COMPLETED|RECRUITING&sort=StartDate",
    "/api/v2/studies?fields=NCTId|BriefTitle|OverallStatus|Phase&pageSize=1000",
    "/api/v2/studies?fields=ProtocolSection,HasResults&pageSize=20",
    "/api/v2/studies?aggFilters=phase:1 2,sex:all&x.eligibilityOnly=exclude",
    "/api/v2/studies?format=csv&fields=NCT Number|Study Title",
    "/api/v2/studies?filter.geo=distance(39.96,-83.0,50mi)&fields=NCTId",
    "/api/v2/studies?filter.advanced=AREA[StartDate]RANGE[2005-01-01,MAX]&query.cond=myeloma",
    f"/api/v2/studies/{SEED}",
    f"/api/v2/studies/{SEED}?fields=IdentificationModule|Condition",
    "/api/v2/studies/NCT05843643?markupFormat=legacy",
    "/api/v2/studies/NCT05843643",  # a study with results, contacts and references
    "/api/v2/studies/metadata",
    "/api/v2/studies/search-areas",
    "/api/v2/studies/enums",
    "/api/v2/stats/size",
    "/api/v2/stats/field/values?fields=Phase,EnrollmentCount,StartDate,HealthyVolunteers,Condition",
    "/api/v2/stats/field/sizes?fields=Condition,Phase",
    "/api/v2/openapi.yaml",
]
ERRORS = [
    ("/api/v2/studies?pageSize=x", 400),
    ("/api/v2/studies?sort=Nonsense", 400),
    ("/api/v2/studies/NCT99999999", 404),
    ("/api/v2/stats/field/values?fields=NoSuchField", 400),
]


@pytest.fixture(scope="module")
def spec() -> OpenAPI:
    return OpenAPI.from_dict(openapi.description())


def test_the_served_description_is_the_description_and_valid_openapi(client, db):
    response = client.get("/api/v2/openapi.yaml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    served = yaml.safe_load(response.content)
    assert served == openapi.description()
    OpenAPI.from_dict(served).check_spec()  # raises on an invalid description
    assert served["info"]["version"] == "2.0.5"


def test_the_study_s_schemas_come_from_the_declarations(db):
    schemas = openapi.description()["components"]["schemas"]
    assert schemas["Status"]["enum"] == list(vocab.Status.values)
    status = schemas["StatusModule"]["properties"]["overallStatus"]
    assert status == {"$ref": "#/components/schemas/Status"}
    conditions = schemas["ConditionsModule"]["properties"]["conditions"]
    assert conditions == {"type": "array", "items": {"type": "string"}}


@pytest.mark.parametrize("url", CALLS)
def test_every_endpoint_answers_as_described(client, corpus, spec, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    spec.validate_request(DjangoOpenAPIRequest(response.wsgi_request))
    if response["Content-Type"].startswith("application/json"):
        spec.validate_response(
            DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
        )


@pytest.mark.parametrize(("url", "status"), ERRORS)
def test_errors_are_described_and_never_html(client, corpus, spec, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert not response["Content-Type"].startswith("text/html"), response.content[:200]
    spec.validate_response(
        DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
    )


def test_a_wrong_answer_would_be_caught(client, corpus, spec):
    """The check can fail: an answer whose status is not one of the enumeration's is refused."""
    response = client.get(f"/api/v2/studies/{SEED}")
    response.content = response.content.replace(b'"overallStatus": "', b'"overallStatus": "X')
    with pytest.raises(Exception, match=r"[Ii]nvalid|validat"):
        spec.validate_response(
            DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response)
        )
