"""The search page and the browse pages, as rendered HTML."""

import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from trials.importer.writer import save_record
from trials.models import DrugAlias
from trials.record import StudyRecord

SEED = "NCT00398515"


def results_of(response) -> list[str]:
    return re.findall(r'<p class="result-meta">(NCT\d{8})', response.content.decode())


def test_the_home_page_is_the_search_page(client, corpus):
    home = client.get("/")
    assert home.status_code == 200
    assert "<h1>Search studies</h1>" in home.content.decode()
    assert set(results_of(home)) == set(results_of(client.get(reverse("trials:search"))))


def test_a_result_shows_the_study_and_the_field_its_snippet_matched(client, corpus):
    response = client.get("/studies/?q=Revlimid")
    assert results_of(response) == [SEED]
    # The row itself, not the page: the facet sidebar names statuses, phases and countries too.
    (row,) = BeautifulSoup(response.content, "html.parser").select("ol.results li.result")
    text = " ".join(row.get_text(" ").split())
    assert (
        "Lenalidomide and Temsirolimus in Treating Patients With Previously Treated Multiple "
        "Myeloma" in text
    )
    assert '<span class="snippet-field">other name:</span> <mark>Revlimid</mark>' in str(row)
    assert "Completed" in text and "Phase 1" in text
    assert "Refractory Multiple Myeloma; Stage II Multiple Myeloma" in text
    assert "Drug: lenalidomide; Drug: temsirolimus" in text
    assert "National Cancer Institute (NCI)" in text
    assert "1 in United States" in text
    assert "18 Years and older" in text


def test_a_misspelt_drug_says_which_drug_it_was_taken_for(client, corpus):
    page = client.get("/studies/?intr=temsirolimis").content.decode()
    assert "<strong>temsirolimus</strong>, the closest drug name to “temsirolimis”" in page
    assert results_of(client.get("/studies/?intr=temsirolimis")) == [SEED]


def test_record_text_is_escaped_in_titles_and_snippets(client, db):
    record = StudyRecord(
        nct_id="NCT09999999",
        brief_title="<script>alert('x')</script> lenalidomide",
        overall_status="RECRUITING",
        source_format="API_V2_JSON",
    )
    save_record(record, b"hand-made", "test")
    page = client.get("/studies/?q=lenalidomide").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; lenalidomide</a>" in page
    assert '<span class="snippet-field">title:</span> <mark>lenalidomide</mark>' in page


def test_the_query_count_does_not_grow_with_results_or_facets(
    client, corpus, django_assert_num_queries
):
    # Looking for a kept page; lexicon, condition vocabulary, planner settings, count with
    # facets on the sample and then of all, page IDs, rows, snippets, the savepoint; for words,
    # the count of the studies that mention them only in their eligibility criteria (on the
    # sample, then of all); the
    # newest update; keeping the page and dropping those of older revisions and past the
    # newest ten thousand; for a search that found fewer than five, the closest names.
    with django_assert_num_queries(19):
        one = client.get("/studies/?q=Revlimid")
    with django_assert_num_queries(18):
        many = client.get("/studies/?q=patients&phase=PHASE1&country=United+States")
    assert len(results_of(one)) == 1 and len(results_of(many)) > 1
    with django_assert_num_queries(12):
        client.get("/studies/?status=COMPLETED&phase=PHASE1")


def test_facets_show_counts_and_links_that_keep_the_other_parameters(client, corpus):
    page = client.get("/studies/?q=myeloma").content.decode()
    link = re.search(
        r'<a href="([^"]*phase=PHASE1[^"]*)">Phase 1</a> <span class="count">(\d+)', page
    )
    assert link is not None
    assert "q=myeloma" in link[1]
    assert int(link[2]) >= 1
    chosen = client.get(link[1].replace("&amp;", "&")).content.decode()
    assert (
        'aria-current="true" class="selected"><span class="visually-hidden">Remove filter: '
        in chosen
    )


def test_pagination_keeps_every_filter(client, corpus, monkeypatch):
    monkeypatch.setattr("trials.views.PAGE_SIZE", 1)
    page = client.get("/studies/?q=diabetes&type=INTERVENTIONAL").content.decode()
    next_link = re.search(r'<a href="([^"]+)" rel="next">', page)
    assert next_link is not None
    assert "q=diabetes" in next_link[1] and "type=INTERVENTIONAL" in next_link[1]
    assert "page=2" in next_link[1]


@pytest.mark.parametrize(
    "params",
    [
        "page=abc",
        "page=999",
        "age=old&phase=bogus&start_after=yesterday&sort=random",
        "q=%22&cond=%22%22&intr=-",
        "q=" + "x" * 600,
        "country=" + "&country=".join(str(n) for n in range(30)),
    ],
)
def test_bad_parameters_never_break_the_page(client, corpus, params):
    response = client.get(f"/studies/?{params}")
    assert response.status_code == 200


def test_bad_parameters_are_shown_as_form_errors(client, corpus):
    page = client.get("/studies/?phase=bogus&q=lenalidomide").content.decode()
    assert 'role="alert"' in page and "phase: Select a valid choice." in page
    assert results_of(client.get("/studies/?phase=bogus&q=lenalidomide")) == [SEED]


def test_htmx_gets_only_the_results(client, corpus):
    page = client.get("/studies/?q=lenalidomide", headers={"HX-Request": "true"}).content
    assert b"<h1>" not in page and SEED.encode() in page


def test_browse_lists_names_with_counts_linking_to_the_filtered_search(client, corpus):
    page = client.get("/browse/interventions/").content.decode()
    assert (
        '<a href="/studies/?term=I%3Arevlimid">Revlimid</a> <span class="count">1 study</span>'
        in (page)
    )
    conditions = client.get("/browse/conditions/?contains=myelom").content.decode()
    assert '<a href="/studies/?term=C%3Arefractory%20multiple%20myeloma">' in conditions
    assert "Asthma" not in conditions
    countries = client.get("/browse/countries/").content.decode()
    assert '<a href="/studies/?term=N%3Aunited%20states">United States</a>' in countries


def test_browse_hides_names_curated_as_junk(client, corpus):
    DrugAlias.objects.create(alias="pharmacological study", not_an_alias=True)
    page = client.get("/browse/interventions/").content.decode()
    assert ">pharmacological study<" not in page
    assert ">laboratory biomarker analysis<" in page


def test_an_unknown_browse_list_is_not_found(client, db):
    assert client.get("/browse/nothing/").status_code == 404


def test_a_cleared_sponsor_box_is_not_sent_again_beside_the_facet_choices(client, db):
    page = client.get("/studies/?sponsor=Pfizer&sponsor_class=INDUSTRY&phase=PHASE1").content
    form = BeautifulSoup(page, "html.parser").find("form", role="search")
    hidden = [(i["name"], i["value"]) for i in form.find_all("input", type="hidden")]
    # sponsor is the text box's alone: clearing it and pressing Apply must drop the sponsor.
    assert sorted(hidden) == [("phase", "PHASE1"), ("sponsor_class", "INDUSTRY")]
    assert [i.get("type") for i in form.find_all("input", attrs={"name": "sponsor"})] == ["text"]


def test_a_search_that_finds_little_offers_the_closest_names_and_their_links_run_them(
    client, corpus
):
    page = client.get("/", {"q": "mulitple myeloma"}).content.decode()

    offered = re.search(r"Did you mean (.*?)\?</p>", page, re.S)
    assert offered is not None
    link = re.search(r'<a href="([^"]+)">Multiple Myeloma</a>', offered[1])
    assert link is not None
    assert results_of(client.get(link[1].replace("&amp;", "&")))
    assert SEED in results_of(client.get(link[1].replace("&amp;", "&")))


def test_a_condition_typed_wrong_offers_the_condition_and_keeps_the_other_filters(client, corpus):
    page = client.get("/", {"cond": "mulitple myeloma", "phase": "PHASE1"}).content.decode()

    link = re.search(r'<a href="([^"]+)">Multiple Myeloma</a> \(condition\)', page)
    assert link is not None
    assert "phase=PHASE1" in link[1] and "cond=Multiple+Myeloma" in link[1]
    assert SEED in results_of(client.get(link[1].replace("&amp;", "&")))


def test_a_misspelt_mesh_term_no_record_names_as_a_condition_is_offered(client, corpus):
    # A MeSH term the records give studies but no record writes among its conditions, typed
    # with a letter doubled ("Cholangiocarcinomma"): the term is offered, and its link finds
    # the studies given it.
    from trials.models import ConditionTerm, MeshTerm, SearchTerm, TermKind

    named = set(SearchTerm.objects.filter(kind=TermKind.CONDITION).values_list("key", flat=True))
    term = next(
        t
        for t in ConditionTerm.objects.order_by("-study_count", "key")
        if t.key not in named and " " not in t.key and len(t.key) >= 10
    )
    typo = term.name[:-2] + term.name[-2] * 2 + term.name[-1]
    given = set(
        MeshTerm.objects.filter(term=term.name, is_ancestor=False).values_list(
            "study__nct_id", flat=True
        )
    )

    page = client.get("/", {"q": typo}).content.decode()

    link = re.search(rf'<a href="([^"]+)">{re.escape(term.name)}</a>', page)
    assert link is not None, f"{term.name} not offered for {typo}"
    assert given <= set(results_of(client.get(link[1].replace("&amp;", "&"))))


def test_a_search_that_finds_enough_offers_nothing(client, corpus):
    assert "Did you mean" not in client.get("/", {"q": "cancer"}).content.decode()
    assert "Did you mean" not in client.get("/", {"q": "Multiple Myeloma"}).content.decode()


def test_the_search_page_says_how_fresh_the_data_is(client, corpus):
    from django.db.models import Max

    from trials.models import Study

    newest = Study.objects.aggregate(newest=Max("last_update_posted_date"))["newest"]
    page = client.get("/").content.decode()

    assert f"Records as of {newest.day} {newest:%B %Y}, the newest update" in page
