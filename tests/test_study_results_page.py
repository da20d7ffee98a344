"""The study page shows the whole record: contacts, references, documents and the results tables.

Every expectation is read from the API v2 record of the same study in the corpus, the reference
the imported rows must match, so a table that loses a row, a column or a value fails here.
"""

import dataclasses
import itertools
import json
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag

from tests.corpus import CORPUS
from trials.importer.writer import save_record
from trials.models import OutcomeResult, Study
from trials.record import StudyRecord
from trials.results_view import document_url, mailto_href, tel_href

WITH_RESULTS = "NCT02552212"  # certolizumab: two flow periods, baseline, outcomes, analyses, AEs
# No results; two central contacts and site contacts with phone and email, references with PMIDs.
WITHOUT_RESULTS = "NCT04550923"

pytestmark = pytest.mark.django_db


def api_record(nct_id: str) -> dict[str, Any]:
    return json.loads((CORPUS / "json" / f"{nct_id}.json").read_text())


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def page(client: Any, nct_id: str) -> BeautifulSoup:
    response = client.get(f"/studies/{nct_id}/")
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def table(soup: BeautifulSoup, slug: str) -> Tag:
    found = soup.find("table", id=slug)
    assert isinstance(found, Tag), f"no table {slug}"
    return found


def header(found: Tag) -> list[str]:
    return [th.get_text(strip=True) for th in found.select("thead th")][1:]


def row(found: Tag, label: str) -> list[str]:
    """The cells of the first row whose heading reads ``label``."""
    for tr in found.select("tbody tr"):
        th = tr.find("th")
        if th is not None and th.get_text(" ", strip=True) == label:
            return [td.get_text(strip=True) for td in tr.find_all("td")]
    raise AssertionError(f"no row {label!r} in {found.get('id')}")


def test_each_outcome_is_a_table_of_its_groups_with_values_and_its_analysis_beside(client, corpus):
    measure = api_record(WITH_RESULTS)["resultsSection"]["outcomeMeasuresModule"][
        "outcomeMeasures"
    ][0]
    soup = page(client, WITH_RESULTS)
    outcome = table(soup, "outcome-1")

    assert header(outcome) == [group["title"] for group in measure["groups"]]
    values = {
        m["groupId"]: m["value"] for m in measure["classes"][0]["categories"][0]["measurements"]
    }
    # "Number, unit: percentage of subjects": the vocabulary's label, not NUMBER.
    assert row(outcome, f"Number, unit: {measure['unitOfMeasure']}") == [
        values[group["id"]] for group in measure["groups"]
    ]
    counts = {c["groupId"]: c["value"] for c in measure["denoms"][0]["counts"]}
    assert row(outcome, "Number analyzed (Participants)") == [
        counts[group["id"]] for group in measure["groups"]
    ]

    analysis = measure["analyses"][0]
    beside = outcome.find_parent(class_="outcome-body").find(class_="analyses")
    text = beside.get_text(" ", strip=True)
    assert f"P-value {analysis['pValue']}" in text
    assert f"{analysis['paramType']}: {analysis['paramValue']}" in text
    assert f"95% 2-Sided CI: {analysis['ciLowerLimit']} to {analysis['ciUpperLimit']}" in text
    assert "Groups compared " + ", ".join(g["title"] for g in measure["groups"]) in text


def test_the_baseline_has_a_column_per_group_and_values_with_their_spread(client, corpus):
    module = api_record(WITH_RESULTS)["resultsSection"]["baselineCharacteristicsModule"]
    baseline = table(page(client, WITH_RESULTS), "baseline")

    assert header(baseline) == [group["title"] for group in module["groups"]]
    (age,) = [m for m in module["measures"] if m.get("dispersionType") == "STANDARD_DEVIATION"]
    measured = {
        m["groupId"]: f"{m['value']} ({m['spread']})"
        for m in age["classes"][0]["categories"][0]["measurements"]
    }
    assert row(baseline, f"{age['title']} Mean (Standard Deviation), unit: years") == [
        measured[group["id"]] for group in module["groups"]
    ]
    sex = next(m for m in module["measures"] if m["title"].startswith("Sex"))
    female = sex["classes"][0]["categories"][0]
    assert row(baseline, female["title"]) == [m["value"] for m in female["measurements"]]


def test_the_participant_flow_is_a_table_per_period_of_milestones_and_reasons(client, corpus):
    module = api_record(WITH_RESULTS)["resultsSection"]["participantFlowModule"]
    soup = page(client, WITH_RESULTS)

    for number, period in enumerate(module["periods"], 1):
        flow = table(soup, f"flow-{number}")
        assert flow.caption.get_text(strip=True) == period["title"]
        assert header(flow) == [group["title"] for group in module["groups"]]
        for milestone in period["milestones"]:
            assert row(flow, milestone["type"]) == [
                a["numSubjects"] for a in milestone["achievements"]
            ]
        for drop in period.get("dropWithdraws", []):
            assert row(flow, drop["type"]) == [r["numSubjects"] for r in drop["reasons"]]


def test_adverse_events_read_affected_of_at_risk_with_the_percent(client, corpus):
    module = api_record(WITH_RESULTS)["resultsSection"]["adverseEventsModule"]
    soup = page(client, WITH_RESULTS)

    serious = table(soup, "events-serious")
    assert header(serious) == [group["title"] for group in module["eventGroups"]]
    glaucoma = next(e for e in module["seriousEvents"] if e["term"] == "Glaucoma")
    assert [cell.split(" ")[0] for cell in row(serious, "Glaucoma")] == [
        f"{s['numAffected']}/{s['numAtRisk']}" for s in glaucoma["stats"]
    ]
    assert row(serious, "Glaucoma")[1] == "1/159 (0.63%)"
    totals = table(soup, "events-totals")
    assert [cell.split(" ")[0] for cell in row(totals, "Serious adverse events")] == [
        f"{g['seriousNumAffected']}/{g['seriousNumAtRisk']}" for g in module["eventGroups"]
    ]
    # Percentages round half up, as the registry's own page writes them (3/96 is 3.125%).
    assert row(totals, "Serious adverse events")[2] == "3/96 (3.13%)"
    assert table(soup, "events-other").select("tbody tr")


RESULTS_RECORDS = sorted(
    path.stem
    for path in (CORPUS / "json").glob("NCT*.json")
    if "~" not in path.stem and "resultsSection" in json.loads(path.read_text())
)


@pytest.mark.parametrize("nct_id", RESULTS_RECORDS)
def test_every_posted_value_of_every_results_record_has_its_cell(client, corpus, nct_id):
    results = api_record(nct_id)["resultsSection"]
    soup = page(client, nct_id)

    measures = results.get("outcomeMeasuresModule", {}).get("outcomeMeasures", [])
    for number, measure in enumerate(measures, 1):
        if measure.get("reportingStatus") == "NOT_POSTED":
            continue
        outcome = table(soup, f"outcome-{number}")
        assert header(outcome) == [g.get("title", g["id"]) for g in measure.get("groups", [])]
        posted = [
            m["value"]
            for c in measure.get("classes", [])
            for category in c.get("categories", [])
            for m in category.get("measurements", [])
            if m.get("value")
        ] + [
            count["value"]
            for owner in (measure, *measure.get("classes", []))
            for denom in owner.get("denoms", [])
            for count in denom.get("counts", [])
        ]
        shown = [td.get_text(strip=True) for td in outcome.find_all("td")]
        assert len([cell for cell in shown if cell]) == len(posted), measure["title"]
        assert all(any(cell.startswith(value) for cell in shown) for value in posted)

    events = results.get("adverseEventsModule", {})
    for kind in ("serious", "other"):
        terms = [e["term"] for e in events.get(f"{kind}Events", [])]
        if terms:
            rows = table(soup, f"events-{kind}").select("tbody tr:not(.row-head) th")
            # The term, before any note on it.
            assert [th.find(string=True, recursive=False).strip() for th in rows] == terms


def test_contacts_call_and_write_by_link_centrally_and_per_site(client, corpus):
    module = api_record(WITHOUT_RESULTS)["protocolSection"]["contactsLocationsModule"]
    soup = page(client, WITHOUT_RESULTS)
    contacts = soup.find(id="contacts")

    for contact in module["centralContacts"]:
        assert contacts.find("a", href=f"mailto:{contact['email']}").get_text() == contact["email"]
        call = contacts.find("a", string=lambda text, c=contact: bool(text) and c["phone"] in text)
        number = call["href"].removeprefix("tel:").split(";ext=")[0]
        assert call["href"].startswith("tel:")
        assert digits(number) == digits(contact["phone"])
    # The contacts are the page's first section: where a patient looks first.
    assert soup.select_one("article section")["id"] == "contacts"

    site = next(s for s in module["locations"] if any("email" in c for c in s.get("contacts", [])))
    row_of_site = next(
        tr for tr in soup.select("#sites tbody tr") if tr.td.get_text() == site["facility"]
    )
    for contact in site["contacts"]:
        assert contact["name"] in row_of_site.get_text()
        if "email" in contact:
            assert row_of_site.find("a", href=f"mailto:{contact['email']}") is not None


def test_references_link_to_pubmed_and_documents_to_the_registry(client, corpus):
    soup = page(client, WITHOUT_RESULTS)
    references = api_record(WITHOUT_RESULTS)["protocolSection"]["referencesModule"]["references"]
    links = {a["href"] for a in soup.select("#references a")}
    for reference in references:
        if reference.get("pmid"):
            assert f"https://pubmed.ncbi.nlm.nih.gov/{reference['pmid']}/" in links

    soup = page(client, WITH_RESULTS)
    protocol = soup.select_one("#references").find("a", string="Study Protocol")
    assert protocol["href"] == (
        "https://cdn.clinicaltrials.gov/large-docs/12/NCT02552212/Prot_000.pdf"
    )


def test_the_results_point_of_contact_and_agreements_are_shown(client, corpus):
    soup = page(client, WITH_RESULTS)
    more = soup.find(id="results")
    assert more.find("a", href="mailto:UCBCares@ucb.com") is not None
    assert more.find("a", href="tel:+1844599;ext=2273") is not None
    assert "restricting the investigators' right" in more.get_text()
    assert "(More than 60 days)" in more.get_text()


def test_a_study_without_results_says_so_and_its_contents_offer_no_results_parts(client, corpus):
    soup = page(client, WITHOUT_RESULTS)
    assert "No results have been posted" in soup.find(id="results").get_text()
    assert soup.select('.toc a[href="#results"]')
    assert not soup.select('.toc a[href="#results-outcomes"]')

    with_results = page(client, WITH_RESULTS)
    for part in ("flow", "baseline", "outcomes", "events"):
        (link,) = with_results.select(f'.toc a[href="#results-{part}"]')
        assert with_results.find(id=f"results-{part}") is not None, link


def test_the_headings_descend_one_level_at_a_time(client, corpus):
    levels = [
        int(h.name[1])
        for h in page(client, WITH_RESULTS).find_all(["h1", "h2", "h3", "h4", "h5", "h6"])
    ]
    assert levels[0] == 1
    assert all(b <= a + 1 for a, b in itertools.pairwise(levels)), levels


def test_every_results_table_scrolls_in_its_own_labelled_focusable_region(client, corpus):
    soup = page(client, WITH_RESULTS)
    tables = soup.select("#results table")
    assert len(tables) > 10
    for found in tables:
        region = found.parent
        assert region["role"] == "region" and region["tabindex"] == "0"
        assert soup.find(id=region["aria-labelledby"]) is found.caption


def test_record_text_in_the_results_is_escaped(client, corpus):
    OutcomeResult.objects.filter(study__nct_id=WITH_RESULTS, position=0).update(
        title="<script>alert(1)</script>"
    )
    html = client.get(f"/studies/{WITH_RESULTS}/").content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_query_count_does_not_grow_with_the_results(
    client, corpus, django_assert_num_queries, django_assert_max_num_queries
):
    # Looking for a prepared page; the study, the query that finds which tables of parts hold
    # its rows, one per such table, its versions and its curated fields; the data's date;
    # keeping the page: three times the groups, measures, events, sites and contacts add rows,
    # never queries.
    version = Study.objects.get(nct_id=WITH_RESULTS).versions.first()
    record = StudyRecord.from_dict(version.record)
    tripled = {
        f.name: value * 3
        for f in dataclasses.fields(record)
        if isinstance(value := getattr(record, f.name), tuple)
        and value
        and dataclasses.is_dataclass(value[0])
    }
    assert {"sites", "outcome_results", "adverse_events"} <= tripled.keys()
    save_record(dataclasses.replace(record, nct_id="NCT09999999", **tripled), b"3x", "3x.json")

    with django_assert_num_queries(41) as results:
        client.get(f"/studies/{WITH_RESULTS}/")
    with django_assert_num_queries(len(results)):
        client.get("/studies/NCT09999999/")
    # A study without results reads none of the results' tables.
    with django_assert_max_num_queries(len(results) - 10):
        client.get(f"/studies/{WITHOUT_RESULTS}/")


@pytest.mark.parametrize(
    ("phone", "ext", "href"),
    [
        ("01.49.95.81.69", "", "tel:0149958169"),
        ("+1 (844) 599", "2273", "tel:+1844599;ext=2273"),
        ("+44 20 7946 0000 +1", "", "tel:+442079460000 1".replace(" ", "")),
        ("call the desk", "", ""),
        # Records of the corpus: an extension written in the number, a country code and a
        # second number in the extension's field.
        ("+90216624545 ext 6515", "", "tel:+90216624545;ext=6515"),
        ("555 0100 x22", "", "tel:5550100;ext=22"),
        ("Fax 555 0100", "", "tel:5550100"),
        ("3 20 44 57 13", "+33", "tel:+33320445713"),
        ("01.49.95.81.69", "+33", "tel:+33149958169"),
        ("01010941685", "01091631018", "tel:01010941685"),
    ],
)
def test_a_phone_number_becomes_a_tel_address_or_stays_text(phone, ext, href):
    assert tel_href(phone, ext) == href


@pytest.mark.parametrize(
    ("email", "href"),
    [
        ("a.b@example.org", "mailto:a.b@example.org"),
        ("a@example.org, b@example.org", ""),
        ('x"@example.org', ""),
        ("javascript:alert(1)", ""),
    ],
)
def test_only_one_plain_address_becomes_a_mailto_link(email, href):
    assert mailto_href(email) == href


@pytest.mark.parametrize(
    ("filename", "url"),
    [
        ("SAP_002.pdf", "https://cdn.clinicaltrials.gov/large-docs/12/NCT02552212/SAP_002.pdf"),
        (
            "Prot SAP?v=1.pdf",
            "https://cdn.clinicaltrials.gov/large-docs/12/NCT02552212/Prot%20SAP%3Fv%3D1.pdf",
        ),
        ("../secret.pdf", ""),
        ("a/b.pdf", ""),
        ("", ""),
    ],
)
def test_a_document_links_to_the_registry_only_by_a_plain_file_name(filename, url):
    assert document_url(Study(nct_id="NCT02552212"), filename) == url


def test_the_kinds_of_information_shared_are_named_as_the_registry_names_them(client, corpus):
    soup = page(client, "NCT05809934")  # API v2: infoTypes STUDY_PROTOCOL, SAP

    shared = " ".join(soup.select_one("#references").get_text(" ").split())

    assert "Study Protocol, Statistical Analysis Plan (SAP)" in shared
    assert "STUDY_PROTOCOL" not in shared
