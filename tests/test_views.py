"""The study page and the study list: every section, escaped text, flat query counts."""

import dataclasses

import pytest
from django.urls import reverse

from tests.conftest import import_files
from trials import vocab
from trials.importer.writer import save_record
from trials.record import Arm, Intervention, Outcome, PartialDate, Site, StudyRecord
from trials.sites import PAGE_SIZE

pytestmark = pytest.mark.django_db


def test_the_seed_study_page_shows_every_section(client, seed):
    response = client.get("/studies/NCT00398515/")

    assert response.status_code == 200
    html = response.content.decode()
    for heading in (
        "Status",
        "Conditions",
        "Design",
        "Arms and interventions",
        "Outcome measures",
        "Eligibility",
        "Sites",
        "Sponsors and investigators",
        "Identifiers",
        "MeSH terms",
        "Dates",
        "Versions",
    ):
        assert f">{heading}</h2>" in html, heading
    for text in (
        "Lenalidomide and Temsirolimus in Treating Patients With Previously Treated",
        "Stage III Multiple Myeloma",
        "Other names: CC-5013, IMiD-1, Revlimid",
        "Other names: CCI-779, cell cycle inhibitor 779, Torisel",
        "Experimental: Treatment (antiangiogenesis, chemotherapy, enzyme inhibitor)",
        "25 participants (Actual)",
        "Phase 1",
        "March 2007",
        "February 2012 (Actual)",
        "Columbus",
        "43210",
        "Craig Hofmeister",
        "NCT01645553, NCT01664442",
        "U01CA076576",
        "CTRP (Clinical Trial Reporting Program)",
        "Neoplasms, Plasma Cell",
        "18 Years and older",
    ):
        assert text in html, text


def test_the_criteria_keep_their_nesting(client, seed):
    html = client.get("/studies/NCT00398515/").content.decode()

    criteria = html[html.index('<div class="criteria">') :]

    def depth(text: str) -> int:
        before = criteria[: criteria.index(text)]
        return before.count('<ul class="criteria">') - before.count("</ul>")

    # On the page: "Meets ≥ 1 major…" > "The following are considered major criteria:" >
    # "Plasmacytoma on tissue biopsy".
    assert depth("Diagnosis of multiple myeloma (MM)") == 1
    assert depth("Salmon-Durie stage IIA or IIIA") == 2
    assert depth("The following are considered major criteria:") == 2
    assert depth("Plasmacytoma on tissue biopsy") == 3
    assert depth("No solitary plasmacytoma") == 1


def test_an_obsolete_nct_id_redirects_to_its_study(client, seed):
    response = client.get("/studies/NCT01664442/")

    assert response.status_code == 301
    assert response["Location"] == reverse("trials:study", args=["NCT00398515"])


def test_an_unknown_study_is_not_found(client, db):
    assert client.get("/studies/NCT99999999/").status_code == 404


def record_with(parts: int, **changes) -> StudyRecord:
    record = StudyRecord(
        nct_id="NCT01234567",
        brief_title="<script>alert('title')</script>",
        overall_status=vocab.Status.RECRUITING,
        source_format=vocab.SourceFormat.API_V2_JSON,
        conditions=tuple(f"Condition {i}" for i in range(parts)),
        arms=tuple(Arm(f"Arm {i}", "EXPERIMENTAL") for i in range(parts)),
        interventions=tuple(
            Intervention("DRUG", f"Drug {i}", other_names=(f"Brand {i}",), arm_labels=(f"Arm {i}",))
            for i in range(parts)
        ),
        outcomes=tuple(Outcome("PRIMARY", f"Outcome {i}") for i in range(parts)),
        sites=tuple(Site(f"Hospital {i}", "Leeds", country="United Kingdom") for i in range(parts)),
    )
    return dataclasses.replace(record, **changes)


def test_the_study_page_query_count_does_not_grow_with_its_parts(client, django_assert_num_queries):
    # Looking for a prepared page (trials.pages); the study, the query that finds which tables
    # of parts hold its rows, one per such table (and the arms' and interventions' links), its
    # versions and its curated fields; the data's date; keeping the page: the same for 1 part
    # or 60, and nothing for the tables it has no rows in (results, contacts...).
    save_record(record_with(1), b"one", "one.json")
    with django_assert_num_queries(15):
        client.get("/studies/NCT01234567/")

    save_record(
        record_with(60, last_update_posted=None, brief_title="Many parts"), b"sixty", "sixty.json"
    )
    with django_assert_num_queries(15):
        response = client.get("/studies/NCT01234567/")
    # The sites come a page at a time (trials.sites): the first page, then the rest.
    assert response.content.decode().count("Hospital ") == PAGE_SIZE
    # Another page of sites: the kept page, the study, its sites, the contacts of those shown.
    with django_assert_num_queries(4):
        response = client.get("/studies/NCT01234567/?sites_page=99")  # past the end: the last
    assert response.content.decode().count("Hospital ") == 60 - (60 - 1) // PAGE_SIZE * PAGE_SIZE


def test_record_text_is_escaped_everywhere(client):
    save_record(
        record_with(
            1,
            brief_summary="<b>bold</b> & <img src=x onerror=alert(1)>",
            eligibility_criteria="Inclusion Criteria:\n\n* <script>x()</script>",
        ),
        b"xss",
        "xss.json",
    )

    html = client.get("/studies/NCT01234567/").content.decode()

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in html
    assert "<img src=x" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>x()" not in html


def test_the_versions_of_a_study_are_listed_and_any_two_compared(client, seed):
    import_files("text/NCT00398515.txt")
    save_record(
        dataclasses.replace(
            record_with(0),
            nct_id="NCT00398515",
            brief_title="Lenalidomide and Temsirolimus (retitled)",
            overall_status="COMPLETED",
            enrollment=30,
            last_update_posted=PartialDate("2014-06-01", "ACTUAL"),
        ),
        b"another",
        "another.json",
    )
    page = client.get("/studies/NCT00398515/")
    versions = page.context["versions"]
    assert len(versions) == 2

    response = client.get("/studies/NCT00398515/", {"from": versions[1].pk, "to": versions[0].pk})

    changes = {c.field: c for c in response.context["changes"]}
    assert changes["enrollment"].before == "25" and changes["enrollment"].after == "30"
    assert changes["brief_title"].after == "Lenalidomide and Temsirolimus (retitled)"
    assert response.context["study"].enrollment == 30  # the 2014 version is the newer
    assert "Compare two versions" in response.content.decode()


def test_the_home_page_lists_studies_most_recently_updated_first(client, empty_db):
    import_files("json/NCT04520009.json", "json/NCT01252810.json")

    response = client.get("/")

    html = response.content.decode()
    assert html.index("NCT04520009") < html.index("NCT01252810")


def test_the_study_page_links_the_record_on_clinicaltrials_gov(client, seed):
    page = client.get("/studies/NCT00398515/").content.decode()

    assert '<a href="https://clinicaltrials.gov/study/NCT00398515">' in page
