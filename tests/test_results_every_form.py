"""The same results on the study page, whichever form the record came in.

Issue 9's test of the whole chain: a results-bearing record is imported from API v2 JSON, legacy
XML and classic API JSON, and its study page shows the results the source holds: the outcome's
group names, a measurement, an adverse event's numbers, a p-value. What the page should show is
read from each source directly (a path into the JSON, an XPath into the XML), not through the
parsers under test. NCT00023673 is in the corpus both as legacy XML (2018) and classic JSON
(2023): its two pages must show the same results.
"""

import json
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from lxml import etree

from tests.conftest import import_files
from tests.corpus import CORPUS
from trials.models import Study

pytestmark = pytest.mark.django_db


def from_api_v2(name: str) -> dict:
    results = json.loads((CORPUS / name).read_text())["resultsSection"]
    outcome = results["outcomeMeasuresModule"]["outcomeMeasures"][0]
    event = results["adverseEventsModule"]["seriousEvents"][0]
    analyses = [
        a
        for o in results["outcomeMeasuresModule"]["outcomeMeasures"]
        for a in o.get("analyses", [])
    ]
    return {
        "groups": [group["title"] for group in outcome["groups"]],
        "measurement": outcome["classes"][0]["categories"][0]["measurements"][0]["value"],
        "event": (event["term"], event["stats"][0]["numAffected"], event["stats"][0]["numAtRisk"]),
        "p_value": analyses[0]["pValue"],
    }


def from_legacy_xml(name: str) -> dict:
    results: Any = etree.parse(str(CORPUS / name)).find("clinical_results")
    outcome = results.find("outcome_list/outcome")
    # The XML's first serious event row is the "Total" line of each group; take a real event.
    event = next(
        e
        for e in results.iterfind("reported_events/serious_events//event")
        if not e.findtext("sub_title").startswith("Total")
    )
    counts = event.find("counts")
    return {
        "groups": [title.text for title in outcome.iterfind("group_list/group/title")],
        "measurement": outcome.find(".//measurement").get("value"),
        "event": (
            event.findtext("sub_title"),
            int(counts.get("subjects_affected")),
            int(counts.get("subjects_at_risk")),
        ),
        "p_value": results.findtext(".//analysis/p_value"),
    }


def from_classic_json(name: str) -> dict:
    document = json.loads((CORPUS / name).read_text())
    results = document["FullStudiesResponse"]["FullStudies"][0]["Study"]["ResultsSection"]
    outcomes = results["OutcomeMeasuresModule"]["OutcomeMeasureList"]["OutcomeMeasure"]
    event = results["AdverseEventsModule"]["SeriousEventList"]["SeriousEvent"][0]
    stats = event["SeriousEventStatsList"]["SeriousEventStats"][0]
    category = outcomes[0]["OutcomeClassList"]["OutcomeClass"][0]["OutcomeCategoryList"]
    return {
        "groups": [g["OutcomeGroupTitle"] for g in outcomes[0]["OutcomeGroupList"]["OutcomeGroup"]],
        "measurement": category["OutcomeCategory"][0]["OutcomeMeasurementList"][
            "OutcomeMeasurement"
        ][0]["OutcomeMeasurementValue"],
        "event": (
            event["SeriousEventTerm"],
            int(stats["SeriousEventStatsNumAffected"]),
            int(stats["SeriousEventStatsNumAtRisk"]),
        ),
        "p_value": next(
            a["OutcomeAnalysisPValue"]
            for o in outcomes
            for a in o.get("OutcomeAnalysisList", {}).get("OutcomeAnalysis", [])
        ),
    }


SOURCES = [
    ("json/NCT02552212.json", "NCT02552212", from_api_v2),
    ("xml/NCT00023673.xml", "NCT00023673", from_legacy_xml),
    ("json_v1/NCT00023673.json", "NCT00023673", from_classic_json),
]


def results_on_the_page(client, nct_id: str) -> Tag:
    response = client.get(f"/studies/{nct_id}/")
    assert response.status_code == 200
    page = BeautifulSoup(response.content, "html.parser")
    results = page.find(id="results")
    assert results is not None, "the page has no results part"
    return results


@pytest.mark.parametrize(("name", "nct_id", "expected_from"), SOURCES, ids=[s[0] for s in SOURCES])
def test_the_page_shows_the_results_the_source_holds(client, empty_db, name, nct_id, expected_from):
    expected = expected_from(name)
    import_files(name)

    results = results_on_the_page(client, nct_id)

    text = " ".join(results.get_text(" ").split())
    headers = [" ".join(th.get_text(" ").split()) for th in results.find_all("th")]
    for group in expected["groups"]:
        assert any(header.startswith(" ".join(group.split())) for header in headers), group
    cells = {" ".join(td.get_text(" ").split()) for td in results.find_all("td")}
    assert any(cell.split(" ")[0] == expected["measurement"] for cell in cells)
    term, affected, at_risk = expected["event"]
    assert term in text
    assert f"{affected}/{at_risk}" in text
    assert expected["p_value"] in text


def test_the_same_study_from_two_forms_shows_the_same_results(client, empty_db):
    pages = []
    for name in ("xml/NCT00023673.xml", "json_v1/NCT00023673.json"):
        import_files(name)
        results = results_on_the_page(client, "NCT00023673")
        columns = results.find_all("th", scope="col")
        events = results.select("#events-serious td")
        pages.append(
            {
                "groups": [th.get_text(" ", strip=True) for th in columns],
                "events": [td.get_text(" ", strip=True) for td in events],
            }
        )
        # Each form's page on its own: the second import would otherwise be a version of the first.
        Study.objects.filter(nct_id="NCT00023673").delete()

    assert pages[0]["events"] and pages[0]["groups"]
    assert pages[0]["groups"] == pages[1]["groups"]
    assert sorted(pages[0]["events"]) == sorted(pages[1]["events"])
