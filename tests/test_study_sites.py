"""The study page's sites: recruiting first, filtered, paged, nearest first and on a small map.

Expectations are read from the corpus records themselves (API v2 JSON, legacy XML), so a site
lost, misordered or shown with the wrong status fails here.
"""

import dataclasses
import json
import math
from typing import Any

import pytest
from bs4 import BeautifulSoup, Tag
from lxml import etree

from tests.conftest import import_files
from tests.corpus import CORPUS
from trials import vocab
from trials.importer.writer import save_record
from trials.models import Site, Study
from trials.record import StudyRecord
from trials.sites import PAGE_SIZE, distance_km

pytestmark = pytest.mark.django_db

# 148 sites, 141 with coordinates: 36 recruiting, 102 not yet recruiting (the first listed),
# 10 withdrawn; one central contact.
MIXED = "NCT05809934"
# 13 sites in Taiwan, each with contacts (phone and email); two central contacts.
TAIWAN = "NCT04550923"
BIG = "xml/NCT02465060.xml"  # 1,218 sites in the United States and Puerto Rico, no coordinates


def api_locations(nct_id: str) -> list[dict[str, Any]]:
    record = json.loads((CORPUS / "json" / f"{nct_id}.json").read_text())
    return record["protocolSection"]["contactsLocationsModule"]["locations"]


def soup_of(client: Any, url: str) -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def site_rows(soup: BeautifulSoup) -> list[Tag]:
    return soup.select("#sites table.sites tbody tr")


def row_facility(row: Tag) -> str:
    return row.find_all("td")[0].get_text()


def row_status(row: Tag) -> str:
    return row.find_all("td")[2].get_text(strip=True)


def len_of(client: Any, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def test_recruiting_sites_come_first_then_the_rest_in_the_records_order(client, corpus):
    locations = api_locations(MIXED)
    assert locations[0]["status"] == "NOT_YET_RECRUITING"  # the record does not list them so
    rank = {status: i for i, status in enumerate(vocab.OPEN_STATUSES)}
    expected = sorted(locations, key=lambda s: rank.get(s["status"], len(rank)))[: 2 * PAGE_SIZE]
    assert 2 * PAGE_SIZE > 36  # the recruiting and a few of the rest

    rows = site_rows(soup_of(client, f"/studies/{MIXED}/"))
    rows += site_rows(soup_of(client, f"/studies/{MIXED}/?sites_page=2"))

    assert [row_facility(r) for r in rows] == [s["facility"] for s in expected]
    statuses = [row_status(r) for r in rows]
    assert statuses[:36] == ["Recruiting"] * 36
    assert set(statuses[36:]) == {"Not yet recruiting"}


def test_the_sites_are_paged_and_the_pages_together_list_every_site_once(client, corpus):
    locations = api_locations(MIXED)
    soup = soup_of(client, f"/studies/{MIXED}/")
    pages = soup.select_one('#sites nav[aria-label="Pages of sites"]')
    assert f"Page 1 of {math.ceil(len(locations) / PAGE_SIZE)}" in pages.get_text()
    seen = [row_facility(r) for r in site_rows(soup)]
    next_link = pages.find("a", rel="next")
    while next_link is not None:
        assert next_link["href"].endswith("#sites")
        soup = soup_of(client, f"/studies/{MIXED}/{next_link['href']}")
        seen += [row_facility(r) for r in site_rows(soup)]
        next_link = soup.select_one('#sites nav[aria-label="Pages of sites"] a[rel=next]')
    assert sorted(seen) == sorted(s["facility"] for s in locations)
    # The last page: the ten withdrawn sites at its end.
    assert [row_status(r) for r in site_rows(soup)][-10:] == ["Withdrawn"] * 10


def test_a_page_number_out_of_range_or_not_a_number_shows_a_page_not_an_error(client, corpus):
    for page in ("99", "x"):
        rows = site_rows(soup_of(client, f"/studies/{MIXED}/?sites_page={page}"))
        assert rows


def test_filters_by_country_and_status_keep_only_those_sites(client, corpus):
    locations = api_locations(MIXED)
    expected = [
        s["facility"]
        for s in locations
        if s["country"] == "Japan" and s["status"] == "NOT_YET_RECRUITING"
    ]
    assert 0 < len(expected) < PAGE_SIZE

    soup = soup_of(client, f"/studies/{MIXED}/?country=Japan&status=NOT_YET_RECRUITING")

    assert sorted(row_facility(r) for r in site_rows(soup)) == sorted(expected)
    caption = soup.select_one("#sites caption").get_text()
    assert f"{len(expected)} of {len(locations)} sites" in caption
    form = soup.select_one("#sites form")
    assert form.select_one("select[name=country] option[selected]")["value"] == "Japan"
    assert form.select_one("select[name=status] option[selected]")["value"] == (
        "NOT_YET_RECRUITING"
    )


def test_filter_by_state_and_the_form_offers_only_the_studys_values_with_counts(client, corpus):
    locations = api_locations(TAIWAN)
    state = next(s["state"] for s in locations if s.get("state"))
    soup = soup_of(client, f"/studies/{TAIWAN}/?state={state}")
    assert [row_facility(r) for r in site_rows(soup)] == [
        s["facility"] for s in locations if s.get("state") == state
    ]
    form = soup.select_one("#sites form")
    assert form["method"] == "get"
    for select in form.select("select"):
        assert form.find("label", attrs={"for": select["id"]}) is not None
    assert form.find("button", type="submit") is not None
    countries = [o.get_text() for o in form.select("select[name=country] option")]
    assert countries == ["Any country (1)", f"Taiwan ({len(locations)})"]
    states = form.select("select[name=state] optgroup[label=Taiwan] option")
    assert {o["value"] for o in states} == {s["state"] for s in locations if s.get("state")}


def test_a_value_the_study_has_no_site_for_is_ignored_with_a_note(client, corpus):
    soup = soup_of(client, f"/studies/{TAIWAN}/?country=Atlantis")
    assert len(site_rows(soup)) == len(api_locations(TAIWAN))
    notes = soup.select("#sites .note")
    assert "Atlantis" in notes[0].get_text()


def test_each_site_shows_its_status_and_contacts_as_links(client, corpus):
    soup = soup_of(client, f"/studies/{TAIWAN}/")
    rows = {row_facility(r): r for r in site_rows(soup)}
    for location in api_locations(TAIWAN):
        row = rows[location["facility"]]
        assert row_status(row) == vocab.label(vocab.Status, location["status"])
        for contact in location["contacts"]:
            assert contact["name"] in row.get_text()
            if "email" in contact:
                assert row.find("a", href=f"mailto:{contact['email']}") is not None
            if "phone" in contact:
                call = row.find("a", href=lambda h: bool(h) and h.startswith("tel:"))
                assert call is not None and " " not in call["href"]


def test_the_central_contacts_stand_at_the_top_of_the_page(client, corpus):
    soup = soup_of(client, f"/studies/{TAIWAN}/")
    first = soup.select_one("article.study section")
    assert first["id"] == "contacts"
    record = json.loads((CORPUS / "json" / f"{TAIWAN}.json").read_text())
    central = record["protocolSection"]["contactsLocationsModule"]["centralContacts"]
    for contact in central:
        assert first.find("a", href=f"mailto:{contact['email']}") is not None


def test_a_place_puts_the_sites_one_can_join_nearest_first_and_states_the_distance(client, corpus):
    # Osaka: a site about to recruit there comes before recruiting sites farther away.
    lat, lon = 34.69, 135.50
    locations = api_locations(MIXED)
    open_sites = [s for s in locations if s["status"] in vocab.OPEN_STATUSES and "geoPoint" in s]
    nearest = min(
        open_sites,
        key=lambda s: distance_km(lat, lon, s["geoPoint"]["lat"], s["geoPoint"]["lon"]),
    )
    assert nearest["status"] == "NOT_YET_RECRUITING"  # without a place: after the recruiting

    soup = soup_of(client, f"/studies/{MIXED}/?lat={lat}&lon={lon}")
    rows = site_rows(soup)

    assert row_facility(rows[0]) == nearest["facility"]
    assert rows[0] != rows[-1]
    header = [th.get_text() for th in soup.select("#sites thead th")]
    assert header[3] == "Distance"
    distances = [r.find_all("td")[3].get_text() for r in rows]
    km = [float(d.split(" km")[0].replace(",", "")) for d in distances if "km" in d]
    assert km == sorted(km) and len(km) == len(rows)
    expected = distance_km(lat, lon, nearest["geoPoint"]["lat"], nearest["geoPoint"]["lon"])
    assert abs(km[0] - expected) < 1
    # The place stays with the filters the form sends.
    assert soup.select_one("#sites form input[name=lat]")["value"] == str(lat)
    assert soup.select("#site-map-title") and soup.select("#sites svg .near")


@pytest.mark.parametrize("query", ["lat=91&lon=10", "lat=abc&lon=10", "lat=10"])
def test_a_bad_place_is_ignored_with_a_note(client, corpus, query):
    soup = soup_of(client, f"/studies/{MIXED}/?{query}")
    assert soup.select("#sites .note")
    assert [th.get_text() for th in soup.select("#sites thead th")][3] != "Distance"
    assert row_status(site_rows(soup)[0]) == "Recruiting"


def test_legacy_sites_are_placed_from_their_city_and_listed_nearest_first(client, corpus):
    # Legacy XML gives no coordinates: the gazetteer places the sites by city, state, country.
    soup = soup_of(client, "/studies/NCT00006392/?near=Philadelphia, Pennsylvania")
    rows = site_rows(soup)
    assert len(rows) == 13
    distances = [r.find_all("td")[3].get_text() for r in rows]
    assert "Unknown" not in distances
    amounts = [float(d.split()[0].replace(",", "")) for d in distances]
    assert amounts == sorted(amounts)
    assert "nearest first to Philadelphia" in soup.select_one("#sites").get_text()
    assert soup.select("#sites svg .near")


def test_sites_no_place_is_known_for_say_their_distance_is_unknown(client, corpus):
    usual = [row_facility(r) for r in site_rows(soup_of(client, "/studies/NCT00006392/"))]
    Site.objects.filter(study__nct_id="NCT00006392").update(
        place_latitude=None, place_longitude=None
    )
    soup = soup_of(client, "/studies/NCT00006392/?lat=40.0&lon=-75.0")
    assert [row_facility(r) for r in site_rows(soup)] == usual and len(usual) == 13
    assert "distance from the place given is unknown" in soup.select_one("#sites .note").get_text()
    assert {r.find_all("td")[3].get_text() for r in site_rows(soup)} == {"Unknown"}
    assert not soup.select("#sites svg")


def test_an_unknown_place_is_ignored_with_a_note(client, corpus):
    soup = soup_of(client, f"/studies/{MIXED}/?near=Nowhere at all, Atlantis")
    assert "no place of that name is known" in soup.select_one("#sites .note").get_text()
    assert row_status(site_rows(soup)[0]) == "Recruiting"


def test_the_map_draws_a_dot_per_place_with_coordinates(client, corpus):
    soup = soup_of(client, f"/studies/{MIXED}/")
    svg = soup.select_one("#sites svg")
    assert svg["role"] == "img"
    placed = Site.objects.filter(study__nct_id=MIXED, place_latitude__isnull=False)
    assert svg.find("title").get_text() == f"Map of {placed.count()} sites"
    dots = sum(svg.select_one(f".dots-{kind}")["d"].count("h0") for kind in ("open", "other"))
    places = {
        (round(lat, 2), round(lon, 2))
        for lat, lon in placed.values_list("place_latitude", "place_longitude")
    }
    # Places a fraction of a map unit apart share a dot.
    assert 0.8 * len(places) <= dots <= len(places)
    # No tile server, no script: the map is the page's own markup.
    assert not svg.select("image, script")


def test_record_text_in_the_sites_is_escaped(client, corpus):
    Site.objects.filter(study__nct_id=TAIWAN, position=0).update(
        facility="<script>alert(1)</script>", state="<b>x</b>"
    )
    html = client.get(f"/studies/{TAIWAN}/?state=<b>x</b>").content.decode()
    assert "<script>alert(1)" not in html and "<b>x</b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_query_count_is_the_same_filtered_placed_or_paged(
    client, corpus, django_assert_num_queries
):
    client.get(f"/studies/{MIXED}/?sites_page=1")  # warm
    with django_assert_num_queries(len_of(client, f"/studies/{MIXED}/?sites_page=1")):
        client.get(f"/studies/{MIXED}/?country=Japan&status=RECRUITING&lat=35&lon=139&sites_page=2")


@pytest.mark.slow
def test_a_study_of_1218_sites_shows_a_light_page_with_its_sites_by_state(
    client, corpus, django_assert_num_queries
):
    import_files(BIG)
    big = Study.objects.get(nct_id="NCT02465060")
    locations = etree.parse(CORPUS / BIG).findall(".//location")
    assert big.sites.count() == len(locations) == 1218

    # The same record with one site costs the same queries: rows, never queries, grow.
    record = StudyRecord.from_dict(big.versions.first().record)
    one_site = dataclasses.replace(record, nct_id="NCT09999998", sites=record.sites[:1])
    save_record(one_site, b"one site", "one-site.json")
    with django_assert_num_queries(len_of(client, "/studies/NCT09999998/?sites_page=1")):
        response = client.get(f"/studies/{big.nct_id}/?sites_page=1")
    soup = BeautifulSoup(response.content, "html.parser")
    rows = site_rows(soup)
    assert len(rows) == PAGE_SIZE
    assert {row_status(r) for r in rows} == {"Recruiting"}
    assert f"Page 1 of {math.ceil(1218 / PAGE_SIZE)}" in soup.select_one("#sites nav").get_text()

    michigan = [
        loc.findtext("facility/name")
        for loc in locations
        if loc.findtext("facility/address/state") == "Michigan"
    ]
    seen: list[str] = []
    for page in range(1, math.ceil(len(michigan) / PAGE_SIZE) + 1):
        url = f"/studies/{big.nct_id}/?country=United+States&state=Michigan&sites_page={page}"
        seen += [row_facility(r) for r in site_rows(soup_of(client, url))]
    assert sorted(seen) == sorted(michigan)
    # Legacy XML gives no coordinates; the gazetteer places the sites by their cities.
    assert soup.select("#sites svg")

    # The page kept for every visitor shows one page of sites: a tenth of the bytes of all
    # 1,218 rows (732 kB), not a 69,000 px table.
    kept = client.get(f"/studies/{big.nct_id}/")
    assert len(site_rows(BeautifulSoup(kept.content, "html.parser"))) == PAGE_SIZE
    assert len(kept.content) < 100_000


@pytest.mark.parametrize(
    "query",
    [
        "state=Taipei",
        "status=RECRUITING",
        "country=Taiwan&sites_page=1",
        "lat=25.03&lon=121.56",
        "near=Taipei,+Taiwan",
        "status=NOT_A_STATUS",
    ],
)
def test_the_sites_asked_of_a_kept_page_are_those_the_whole_page_shows(client, corpus, query):
    # Without a kept page the whole page is rendered; with one, only its sites section is, from
    # the sites read on their own: both ways show the same section, contacts and map included.
    from trials.models import PreparedPage

    PreparedPage.objects.all().delete()
    url = f"/studies/{TAIWAN}/?{query}"
    whole = soup_of(client, url).select_one("#sites")
    client.get(f"/studies/{TAIWAN}/")  # kept from now on
    assert PreparedPage.objects.filter(study__nct_id=TAIWAN).exists()

    spliced = soup_of(client, url).select_one("#sites")

    assert site_rows(spliced), "no site listed"
    assert str(spliced) == str(whole)
