"""Browse pages: one entry per concept, and each entry's count is the number of studies its
link opens, for every entry of every browse page of the shared records."""

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.http import QueryDict

from trials.filters import StudyFilter
from trials.models import ConditionName, DrugAlias, SearchTerm, Study
from trials.search import browse, refresh_search_many
from trials.views import BROWSE_KINDS

pytestmark = pytest.mark.django_db

ENTRY = re.compile(
    r'<li><a href="(/studies/\?term=[^"]+)">([^<]+)</a> <span class="count">(\d+) stud'
)


def listed(client, kind: str, **params: str) -> list[tuple[str, str, int]]:
    """Every entry of a browse list, all its pages: (link, name, count shown)."""
    found: list[tuple[str, str, int]] = []
    page = 1
    while True:
        html = client.get(f"/browse/{kind}/", {**params, "page": page}).content.decode()
        found += [(unescape(link), unescape(name), int(n)) for link, name, n in ENTRY.findall(html)]
        if 'rel="next"' not in html:
            return found
        page += 1


def opened(link: str) -> set[str]:
    search = StudyFilter(QueryDict(urlsplit(link).query)).search()
    ids = search.ids(0, 100_000)
    return set(Study.objects.filter(pk__in=ids).values_list("nct_id", flat=True))


@pytest.mark.parametrize("kind", list(BROWSE_KINDS))
def test_every_entry_s_count_is_the_number_of_studies_its_link_opens(client, corpus, kind):
    entries = listed(client, kind)
    assert len(entries) >= 10
    for link, name, count in entries:
        assert len(opened(link)) == count, (name, link)


def test_the_count_agrees_on_the_search_page_itself(client, corpus):
    link, name, count = listed(client, "conditions")[0]
    page = client.get(link).content.decode()
    assert f'<h2 id="results-heading">{count} stud' in page
    assert f"Studies that give <strong>{name}</strong>" in page


def test_the_same_words_in_another_order_are_one_entry_with_both_names(client, corpus):
    Study.objects.get(nct_id="NCT00005792").conditions.update(name="Multiple Myeloma, Refractory")
    refresh_search_many(list(Study.objects.values_list("pk", flat=True)))
    browse.rebuild_entries()

    html = client.get("/browse/conditions/", {"contains": "refractory"}).content.decode()
    lines = [
        li.get_text(" ", strip=True)
        for li in BeautifulSoup(html, "html.parser").select("ul.terms li")
    ]
    both = [line for line in lines if "Refractory Multiple Myeloma" in line]
    assert len(both) == 1 and "Multiple Myeloma, Refractory" in both[0], lines
    assert "2 studies" in both[0]
    (link,) = [
        link
        for link, name, _ in listed(client, "conditions")
        if "Refractory" in name and "Multiple Myeloma" in name
    ]
    assert opened(link) == {"NCT00398515", "NCT00005792"}


def test_a_name_is_filed_under_the_term_most_records_link_it_to(corpus):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.id FROM trials_searchterm t WHERE t.kind = 'C' AND NOT EXISTS ("
            " SELECT FROM trials_meshterm m WHERE trials_search_key(m.term) = t.key) LIMIT 1"
        )
        lay = SearchTerm.objects.get(pk=cursor.fetchone()[0])
    ConditionName.objects.create(
        key=lay.key, name=lay.name, term="Hypothetical Term", study_count=3
    )
    ConditionName.objects.create(key=lay.key, name=lay.name, term="Other Term", study_count=1)
    browse.rebuild_entries()
    lay.refresh_from_db()
    assert (lay.entry_key, lay.entry_name) == ("hypothetical term", "Hypothetical Term")

    # As often linked to another term: the name stays an entry of its own.
    ConditionName.objects.filter(key=lay.key, term="Other Term").update(study_count=3)
    browse.rebuild_entries()
    lay.refresh_from_db()
    assert lay.entry_key == ""


def test_a_drug_alias_is_listed_under_its_drug(client, corpus):
    DrugAlias.objects.create(alias="Revlimid", drug="lenalidomide")
    browse.rebuild_entries()
    entries = {name: link for link, name, _ in listed(client, "interventions")}
    assert "Revlimid" not in entries
    link = entries["lenalidomide"]
    assert "NCT00398515" in opened(link)
    html = client.get("/browse/interventions/", {"contains": "lenalido"}).content.decode()
    assert re.search(
        r">lenalidomide</a> <span class=\"count\">\d+ stud\w+</span> "
        r"<span class=\"muted\">also: [^<]*Revlimid",
        html,
    )


def test_the_search_form_keeps_the_entry_and_offers_to_drop_it(client, corpus):
    link, _, _ = listed(client, "sponsors")[0]
    page = client.get(link + "&phase=PHASE1").content.decode()
    form = BeautifulSoup(page, "html.parser").find("form", role="search")
    term = parse_qs(urlsplit(link).query)["term"][0]
    assert ("term", term) in [
        (i["name"], i["value"]) for i in form.find_all("input", type="hidden")
    ]
    drop = BeautifulSoup(page, "html.parser").find("a", string="Show all studies instead")
    assert "term=" not in drop["href"] and "phase=PHASE1" in drop["href"]


def test_an_unknown_entry_finds_nothing_and_says_so(client, corpus):
    page = client.get("/studies/", {"term": "C:no such condition"}).content.decode()
    assert '<h2 id="results-heading">0 studies</h2>' in page
    assert "No browse entry is called" in page


def test_a_browse_page_costs_the_same_queries_however_many_entries(
    client, corpus, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        client.get("/browse/conditions/")
    with django_assert_max_num_queries(6):
        client.get("/browse/conditions/", {"contains": "zzzz"})
