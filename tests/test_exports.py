"""Downloads of a whole search: every result, ClinicalTrials.gov's CSV columns, JSON stamped."""

import csv
import dataclasses
import datetime
import io
import json

import pytest

from tests.corpus import CORPUS
from trials import downloads, vocab
from trials.importer.writer import save_record
from trials.record import Intervention, Site, Sponsor, StudyRecord

pytestmark = pytest.mark.django_db

API_V2_FILES = [f"json/{p.name}" for p in sorted((CORPUS / "json").glob("*.json"))]


def downloaded(client, url: str, params: dict | None = None):
    response = client.get(url, params or {})
    assert response.status_code == 200
    assert response.streaming
    return response, b"".join(response.streaming_content).decode()


def csv_rows(client, params: dict | None = None) -> list[dict[str, str]]:
    _, text = downloaded(client, "/studies/export.csv", params)
    return list(csv.DictReader(io.StringIO(text)))


def test_the_csv_has_clinicaltrials_gov_download_columns_in_order(client, corpus):
    _, text = downloaded(client, "/studies/export.csv", {"q": "lenalidomide"})

    header = next(csv.reader(io.StringIO(text)))
    assert header == list(downloads.CSV_COLUMNS)
    assert header[:3] == ["NCT Number", "Study Title", "Study URL"]
    assert header[-1] == "Locations"


def test_the_seed_row_carries_its_values_as_clinicaltrials_gov_writes_them(client, corpus):
    (row,) = csv_rows(client, {"intr": "Revlimid"})

    # Checked by eye against fixtures/corpus/text/NCT00398515.txt.
    assert row["NCT Number"] == "NCT00398515"
    assert row["Study Title"] == (
        "Lenalidomide and Temsirolimus in Treating Patients"
        " With Previously Treated Multiple Myeloma"
    )
    assert row["Study URL"] == "https://clinicaltrials.gov/study/NCT00398515"
    assert row["Study Status"] == "COMPLETED"
    assert row["Brief Summary"].startswith("This phase I trial is studying the side effects")
    assert row["Conditions"] == (
        "Refractory Multiple Myeloma|Stage II Multiple Myeloma|Stage III Multiple Myeloma"
    )
    assert row["Interventions"] == (
        "DRUG: lenalidomide|DRUG: temsirolimus"
        "|OTHER: pharmacological study|OTHER: laboratory biomarker analysis"
    )
    assert row["Primary Outcome Measures"].startswith(
        "Maximum tolerated dose (MTD) of temsirolimus when given together with lenalidomide, "
        "The MTD is the dose level"
    )
    assert row["Primary Outcome Measures"].endswith(", Course 1 (first 28 days)")
    assert row["Secondary Outcome Measures"].count("|") == 4
    assert row["Other Outcome Measures"] == ""
    assert row["Sponsor"] == "National Cancer Institute (NCI)"
    assert row["Sex"] == "ALL"
    assert row["Age"] == "ADULT, OLDER_ADULT"
    assert row["Phases"] == "PHASE1"
    assert row["Enrollment"] == "25"
    assert row["Study Type"] == "INTERVENTIONAL"
    assert row["Study Design"] == (
        "Intervention Model: SINGLE_GROUP|Masking: NONE|Primary Purpose: TREATMENT"
    )
    assert row["Other IDs"].split("|")[0] == "NCI-2009-00151"
    assert {"05115", "7314", "U01CA076576"} <= set(row["Other IDs"].split("|"))
    assert row["Start Date"] == "2007-03"
    assert row["Primary Completion Date"] == "2012-02"
    assert row["First Posted"] == "2006-11-10"
    assert row["Last Update Posted"] == "2013-09-30"
    assert row["Locations"] == (
        "Ohio State University Medical Center, Columbus, Ohio, 43210, United States"
    )


def test_a_record_lists_its_collaborators_sites_and_design(client, corpus):
    (row,) = csv_rows(client, {"q": "NCT00006392"})

    # fixtures/corpus/xml/NCT00006392.xml: SELECT, five sponsors, thirteen sites.
    assert row["Sponsor"] == "Southwest Oncology Group"
    assert row["Collaborators"].split("|") == [
        "National Cancer Institute (NCI)",
        "Eastern Cooperative Oncology Group",
        "Cancer and Leukemia Group B",
        "NCIC Clinical Trials Group",
    ]
    assert row["Locations"].count("|") == 12
    assert row["Funder Type"] == "OTHER"
    assert row["Study Design"] == (
        "Allocation: RANDOMIZED|Intervention Model: FACTORIAL"
        "|Masking: QUADRUPLE (PARTICIPANT, CARE_PROVIDER, INVESTIGATOR, OUTCOMES_ASSESSOR)"
        "|Primary Purpose: PREVENTION"
    )


def record(nct_id: str, **fields) -> StudyRecord:
    return StudyRecord(
        **{
            "nct_id": nct_id,
            "brief_title": f"Study {nct_id}",
            "overall_status": vocab.Status.RECRUITING,
            "source_format": vocab.SourceFormat.API_V2_JSON,
            **fields,
        }
    )


def test_cells_a_spreadsheet_would_run_are_prefixed_with_a_quote(client, empty_db):
    save_record(
        record(
            "NCT09000001",
            brief_title='=HYPERLINK("http://evil.example","click")',
            acronym="@SUM(A1)",
            conditions=("+1+2", "-2+3", "Cancer - stage 2"),
            interventions=(Intervention("DRUG", "=cmd|' /C calc'!A0"),),
            lead_sponsor=Sponsor("\tTabbed Sponsor", "OTHER"),
            brief_summary="\rCarriage return first",
            sites=(Site("-Leeds Hospital", "Leeds", country="United Kingdom"),),
        ),
        b"formula",
        "formula.json",
    )

    (row,) = csv_rows(client)

    assert row["Study Title"] == '\'=HYPERLINK("http://evil.example","click")'
    assert row["Acronym"] == "'@SUM(A1)"
    # A cell is one value: the list joined, then guarded at its start only.
    assert row["Conditions"] == "'+1+2|-2+3|Cancer - stage 2"
    assert row["Interventions"] == "DRUG: =cmd|' /C calc'!A0"
    assert row["Sponsor"] == "'\tTabbed Sponsor"
    assert row["Brief Summary"] == "'\rCarriage return first"
    assert row["Locations"] == "'-Leeds Hospital, Leeds, United Kingdom"
    assert row["NCT Number"] == "NCT09000001"


def test_the_json_download_is_stamped_with_the_query_and_the_time(client, corpus):
    before = datetime.datetime.now(datetime.UTC)
    response, text = downloaded(
        client, "/studies/export.json", {"intr": "CC-5013", "phase": "PHASE1", "page": "3"}
    )
    data = json.loads(text)

    assert response["Content-Type"] == "application/json"
    assert data["query"] == {"intr": "CC-5013", "phase": ["PHASE1"]}
    assert data["searchUrl"] == "http://testserver/studies/?intr=CC-5013&phase=PHASE1"
    generated = datetime.datetime.fromisoformat(data["generatedAt"])
    assert before <= generated <= datetime.datetime.now(datetime.UTC)
    assert [s["protocolSection"]["identificationModule"]["nctId"] for s in data["studies"]] == [
        "NCT00398515"
    ]
    # The seed as its page text says it (fixtures/corpus/text/NCT00398515.txt).
    (seed,) = data["studies"]
    identification = seed["protocolSection"]["identificationModule"]
    assert identification["briefTitle"] == (
        "Lenalidomide and Temsirolimus in Treating Patients With Previously Treated Multiple "
        "Myeloma"
    )
    assert identification["nctIdAliases"] == ["NCT01645553", "NCT01664442"]
    assert seed["protocolSection"]["statusModule"]["overallStatus"] == "COMPLETED"
    assert seed["protocolSection"]["designModule"]["phases"] == ["PHASE1"]
    assert seed == client.get("/api/v2/studies/NCT00398515").json()
    assert "ignored" not in data


def test_the_csv_download_names_the_query_and_the_time_in_its_file_name(client, corpus):
    response, text = downloaded(
        client, "/studies/export.csv", {"intr": "Revlimid", "phase": "PHASE1"}
    )

    disposition = response["Content-Disposition"]
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert disposition.startswith('attachment; filename="studies_intr-revlimid_phase-phase1_')
    stamp = disposition.rsplit("_", 1)[1].removesuffix('.csv"')
    taken = datetime.datetime.strptime(stamp, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.UTC)
    assert abs(datetime.datetime.now(datetime.UTC) - taken) < datetime.timedelta(minutes=5)
    # The file itself is a plain table: the header row comes first.
    assert text.startswith("NCT Number,Study Title,")


def test_bad_parameters_are_left_out_of_a_download_and_named(client, corpus):
    _, text = downloaded(
        client, "/studies/export.json", {"intr": "lenalidomide", "age": "old", "phase": "PHASE9"}
    )
    data = json.loads(text)

    assert data["query"] == {"intr": "lenalidomide"}
    assert set(data["ignored"]) == {"age", "phase"}
    assert len(data["studies"]) == 1
    assert client.get("/studies/export.csv", {"start_after": "someday"}).status_code == 200


def test_a_download_of_no_results_is_an_empty_table(client, corpus):
    rows = csv_rows(client, {"q": "zzzxqv"})
    _, text = downloaded(client, "/studies/export.json", {"q": "zzzxqv"})

    assert rows == []
    assert json.loads(text)["studies"] == []


def test_the_search_page_links_to_both_downloads_with_its_query(client, corpus):
    html = client.get("/studies/", {"intr": "Revlimid", "phase": "PHASE1", "page": "1"}).content
    html = html.decode()

    assert '<a href="/studies/export.csv?intr=Revlimid&amp;phase=PHASE1" download>' in html
    assert '<a href="/studies/export.json?intr=Revlimid&amp;phase=PHASE1" download>' in html
    assert ">Download CSV</a>" in html and ">Download JSON</a>" in html


def test_downloads_answer_get_only(client, db):
    assert client.post("/studies/export.csv").status_code == 405
    assert client.post("/studies/export.json").status_code == 405


def test_the_record_text_of_a_download_is_kept_as_it_is(client, empty_db):
    text = "Größe <b>&</b> «quoted», line one\n\nline two"
    save_record(
        dataclasses.replace(record("NCT09000002"), brief_summary=text), b"text", "text.json"
    )

    (row,) = csv_rows(client)
    _, body = downloaded(client, "/studies/export.json")

    assert row["Brief Summary"] == text
    study = json.loads(body)["studies"][0]
    assert study["protocolSection"]["descriptionModule"]["briefSummary"] == text
