"""Export round trip: import an API v2 record, export it, and get the same values back.

Every API v2 record of the corpus is among the records tests/conftest.py imports per session.
"""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.corpus import API_V2_FRAGMENT, CORPUS, newest_api_v2_files
from trials.export import study_to_api
from trials.importer.json import api_v2 as api_json
from trials.models import Study

pytestmark = pytest.mark.django_db

# The corpus's one refusal, an AACT fragment without a status module (test_importer_json tests
# the refusal). Any other file the parser refuses is a regression, not a reason to skip.
FRAGMENT = API_V2_FRAGMENT
API_V2_FILES = newest_api_v2_files()


def comparable(record: dict) -> dict:
    """A record's values that say what the study is (not where it came from).

    Arms and interventions are linked by label: the models hold the links as a relation, so the
    order (and repetition) of labels within one arm or intervention is not a value they hold.
    """
    data = {k: v for k, v in record.items() if k not in ("source_format", "lacks", "warnings")}
    data["arms"] = [
        {**a, "intervention_names": sorted(set(a["intervention_names"]))} for a in data["arms"]
    ]
    data["interventions"] = [
        {**x, "arm_labels": sorted(set(x["arm_labels"]))} for x in data["interventions"]
    ]
    return data


# Values the models hold as given, compared on the raw JSON (no parser in between).
RAW_PATHS = [
    ("identificationModule", "nctId"),
    ("identificationModule", "briefTitle"),
    ("identificationModule", "acronym"),
    ("identificationModule", "nctIdAliases"),
    ("identificationModule", "orgStudyIdInfo", "id"),
    ("statusModule", "overallStatus"),
    ("statusModule", "lastKnownStatus"),
    ("statusModule", "statusVerifiedDate"),
    ("statusModule", "startDateStruct"),
    ("statusModule", "primaryCompletionDateStruct"),
    ("statusModule", "completionDateStruct"),
    ("statusModule", "studyFirstPostDateStruct"),
    ("statusModule", "lastUpdatePostDateStruct"),
    ("statusModule", "resultsFirstPostDateStruct"),
    ("designModule", "studyType"),
    ("designModule", "phases"),
    ("designModule", "enrollmentInfo"),
    ("designModule", "designInfo", "allocation"),
    ("designModule", "designInfo", "maskingInfo", "whoMasked"),
    ("conditionsModule", "conditions"),
    ("conditionsModule", "keywords"),
    ("eligibilityModule", "sex"),
    ("eligibilityModule", "minimumAge"),
    ("eligibilityModule", "maximumAge"),
    ("eligibilityModule", "stdAges"),
    ("eligibilityModule", "healthyVolunteers"),
    ("sponsorCollaboratorsModule", "leadSponsor"),
    ("sponsorCollaboratorsModule", "collaborators"),
]


def dig(data: object, path: tuple[str, ...]) -> object:
    for key in path:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


@pytest.mark.parametrize("name", API_V2_FILES)
def test_every_api_v2_record_comes_back_the_same_through_import_and_export(name):
    source = (CORPUS / "json" / name).read_bytes()
    originals = [api_json.parse(chunk, name) for chunk in api_json.split(source, name)]

    for original in originals:
        study = Study.objects.with_parts().get(nct_id=original.nct_id)
        exported = json.dumps(study_to_api(study)).encode()
        again = api_json.parse(exported, f"export of {name}")

        assert comparable(again.to_dict()) == comparable(original.to_dict())


@pytest.mark.parametrize("name", API_V2_FILES)
def test_exported_values_match_the_source_json_where_the_models_hold_them_as_given(name):
    source = json.loads((CORPUS / "json" / name).read_bytes())
    studies = source["studies"] if isinstance(source, dict) and "studies" in source else source
    studies = studies if isinstance(studies, list) else [studies]

    for original in studies:
        protocol = original["protocolSection"]
        nct_id = protocol["identificationModule"]["nctId"]
        exported = study_to_api(Study.objects.with_parts().get(nct_id=nct_id))["protocolSection"]
        for path in RAW_PATHS:
            assert dig(exported, path) == dig(protocol, path), path
        arms = protocol.get("armsInterventionsModule", {})
        exported_arms = exported.get("armsInterventionsModule", {})
        assert [
            (x["name"], x["type"], x.get("otherNames", [])) for x in arms.get("interventions", [])
        ] == [
            (x["name"], x["type"], x.get("otherNames", []))
            for x in exported_arms.get("interventions", [])
        ]
        places = [
            (s.get("facility"), s.get("city"), s.get("country"))
            for s in protocol.get("contactsLocationsModule", {}).get("locations", [])
        ]
        assert places == [
            (s.get("facility"), s.get("city"), s.get("country"))
            for s in exported.get("contactsLocationsModule", {}).get("locations", [])
        ]


def test_export_trials_writes_an_api_v2_list_response(corpus):
    out = io.StringIO()

    call_command("export_trials", stdout=out)

    studies = json.loads(out.getvalue())["studies"]
    exported = [s["protocolSection"]["identificationModule"]["nctId"] for s in studies]
    assert exported == sorted(Study.objects.values_list("nct_id", flat=True))
    assert {"NCT00398515", "NCT04520009"} <= set(exported)


def test_export_trials_writes_the_studies_it_is_given(corpus):
    out = io.StringIO()

    call_command("export_trials", "nct00398515", "NCT04520009", stdout=out)

    studies = json.loads(out.getvalue())["studies"]
    assert [s["protocolSection"]["identificationModule"]["nctId"] for s in studies] == [
        "NCT00398515",
        "NCT04520009",
    ]
    seed = Study.objects.with_parts().get(nct_id="NCT00398515")
    assert studies[0] == study_to_api(seed)


def test_export_trials_names_the_studies_it_does_not_hold(seed):
    with pytest.raises(CommandError, match="no such study: NCT99999999"):
        call_command("export_trials", "NCT99999999", stdout=io.StringIO())


def test_the_api_returns_one_study_in_the_api_v2_shape(client, seed):
    response = client.get("/api/v2/studies/NCT00398515")

    assert response.status_code == 200
    data = response.json()
    ids = data["protocolSection"]["identificationModule"]
    assert ids["nctId"] == "NCT00398515"
    assert ids["nctIdAliases"] == ["NCT01645553", "NCT01664442"]
    assert data["protocolSection"]["designModule"]["phases"] == ["PHASE1"]
    # The page lists 24 MeSH terms: 12 of the conditions, then 12 of the interventions.
    derived = data["derivedSection"]
    counts = [
        len(derived[m]["meshes"]) for m in ("conditionBrowseModule", "interventionBrowseModule")
    ]
    assert counts == [12, 12]
    assert derived["interventionBrowseModule"]["meshes"][0] == {"term": "Immunologic Factors"}


def test_the_api_redirects_an_obsolete_nct_id(client, seed):
    response = client.get("/api/v2/studies/NCT01645553")

    assert response.status_code == 301
    assert response["Location"] == "/api/v2/studies/NCT00398515"
