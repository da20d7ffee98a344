"""The study page's sites: ordered, filtered, paged and drawn on a small map.

A study may list a thousand sites. The page shows one page of them at a time, the sites a
person can join first (recruiting, then the other open statuses, then the rest, each in the
record's order), nearest first within each when the request gives a place (``lat``/``lon``),
and filters by country, state and status as GET parameters. Everything here works on the
study's prefetched sites and contacts (``Study.objects.with_parts()``): no query of its own, so
the page's query count does not grow with the sites.

The default list (no parameters) is part of the page kept per change of the study
(``trials.pages``): it depends on nothing but the study. A page asking for other sites is that
kept page with this section alone rendered anew, from the study's sites read as ``Listed``
rows (no model instance each) and the contacts of the sites it shows.
"""

import dataclasses
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from django import forms
from django.core.paginator import Page, Paginator

from trials import places, vocab
from trials.models import Contact, Site, Study
from trials.places import Place
from trials.results_view import ContactView, by_parent, contact_view

# Sites per page: a 1,218-site study is 49 pages of a few screens each, not a 69,000 px table;
# its filters (a state, a status) bring a person to their sites in one step.
PAGE_SIZE = 25
EARTH_RADIUS_KM = 6371.0088  # the mean radius (IUGG)
KM_PER_MILE = 1.609344


def _rank(status: str) -> int:
    """Recruiting first, then the other statuses one can still join, then the rest."""
    open_statuses: list[str] = list(vocab.OPEN_STATUSES)
    return open_statuses.index(status) if status in open_statuses else len(open_statuses)


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points (haversine, on the mean Earth radius)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    half_dphi = (phi2 - phi1) / 2
    half_dlambda = math.radians(lon2 - lon1) / 2
    a = math.sin(half_dphi) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(half_dlambda) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True, slots=True)
class Listed:
    """A site as the list reads it: enough to count, filter, order, map and show every site
    of a study without a model instance for each (a study of a thousand sites filtered to a
    state would spend most of its time making them)."""

    pk: int
    facility: str
    city: str
    state: str
    zip: str
    country: str
    status: str
    place_latitude: float | None
    place_longitude: float | None

    def get_status_display(self) -> str:
        return vocab.label(vocab.Status, self.status)


_LISTED = [f.name for f in dataclasses.fields(Listed)]


def listed_sites(study: Study) -> list[Listed]:
    """The study's sites in the record's order, as the list reads them (one query)."""
    rows = Site.objects.filter(study=study).order_by("position").values_list(*_LISTED)
    return [Listed(*row) for row in rows]


@dataclass
class SiteView:
    site: Site | Listed
    distance_km: float | None = None
    rows: list[Contact] = field(default_factory=list)  # given for the sites of the page shown

    @cached_property
    def contacts(self) -> list[ContactView]:
        """The site's contacts as shown: built only for the sites of the page shown."""
        return [contact_view(c) for c in self.rows]

    @property
    def place(self) -> str:
        """City, state, postal code and country as one line."""
        return ", ".join(
            p for p in (self.site.city, self.site.state, self.site.zip, self.site.country) if p
        )

    @property
    def is_open(self) -> bool:
        return self.site.status in vocab.OPEN_STATUSES

    @property
    def distance(self) -> str:
        """ "12 km (7 mi)", or "" without a place or the site's coordinates."""
        if self.distance_km is None:
            return ""
        km = self.distance_km
        return f"{km:,.0f} km ({km / KM_PER_MILE:,.0f} mi)" if km >= 10 else f"{km:.1f} km"


class SiteFilterForm(forms.Form):
    """The list's GET parameters; a value the study has no site for is an error, ignored."""

    country = forms.ChoiceField(required=False)
    state = forms.ChoiceField(required=False, label="State or region")
    status = forms.ChoiceField(required=False)
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, label="Latitude")
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, label="Longitude")
    # The place a place search was for (its results link here with it): a city, ZIP or country.
    near = forms.CharField(required=False, max_length=200, label="Near")

    def __init__(self, data: Mapping[str, Any] | None, sites: Sequence[Site | Listed]) -> None:
        super().__init__(data, auto_id="sites-%s")
        countries = Counter(s.country for s in sites if s.country)
        statuses = Counter(s.status for s in sites if s.status)
        chosen_country = (data or {}).get("country", "")
        if chosen_country not in countries:
            chosen_country = ""
        # The states of the chosen country, or of every country grouped by country.
        states: dict[str, Counter[str]] = {}
        for site in sites:
            if site.state and (not chosen_country or site.country == chosen_country):
                states.setdefault(site.country or "Country not stated", Counter())[site.state] += 1
        field_choices = {
            "country": [("", f"Any country ({len(countries)})")]
            + [(c, f"{c} ({n})") for c, n in sorted(countries.items())],
            "status": [("", "Any status")]
            + [
                (s, f"{vocab.label(vocab.Status, s)} ({statuses[s]})")
                for s in sorted(statuses, key=lambda s: (_rank(s), vocab.label(vocab.Status, s)))
            ],
            "state": [("", "Any state")]
            + [
                (country, [(s, f"{s} ({n})") for s, n in sorted(counts.items())])
                for country, counts in sorted(states.items())
            ],
        }
        for name, choices in field_choices.items():
            self.fields[name].choices = choices  # type: ignore[attr-defined]

    def clean_near(self) -> Place | None:
        text = self.cleaned_data.get("near", "").strip()
        if not text:
            return None
        place = places.locate(text)
        if place is None:
            raise forms.ValidationError("no place of that name is known.")
        return place

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        # A place by name, unless the coordinates are given.
        if (
            (place := cleaned.get("near"))
            and cleaned.get("lat") is None
            and not self.data.get("lat")
        ):
            cleaned["lat"], cleaned["lon"] = place.latitude, place.longitude
        both = "lat" not in self.errors and "lon" not in self.errors
        if both and (cleaned.get("lat") is None) != (cleaned.get("lon") is None):
            self.add_error(None, "A place needs both a latitude and a longitude.")
        return cleaned


# The request parameters of the site list, all of them: a study page asking for nothing else
# is its kept page with the sites section rendered anew (``trials.views.study_detail``).
PARAMETERS = frozenset({*SiteFilterForm.base_fields, "sites_page"})


@dataclass
class SiteMap:
    """A server-drawn equirectangular map of the sites' area: one dot per place.

    Dots are drawn as zero-length path segments with round caps: about ten bytes a place, so
    a map of a thousand sites stays a few kilobytes."""

    width: int
    height: int
    open_dots: str
    other_dots: str
    places: int
    sites: int
    lines: list[tuple[str, float, float, float, float, str]] = field(default_factory=list)
    near: tuple[float, float] | None = None


@dataclass
class Select:
    """A select of the filter form: its options in groups (the first without a label)."""

    name: str
    id: str
    label: str
    groups: list[tuple[str, list[tuple[str, str, bool]]]]


@dataclass
class SiteList:
    total: int
    matched: int
    open_count: int
    countries: int
    page: Page[SiteView]
    form: SiteFilterForm
    filtered: bool
    near: tuple[float, float] | None
    notes: list[str]
    map: SiteMap | None
    near_label: str = ""  # the place named by ``near``: "Columbus, Ohio, United States"

    @property
    def selects(self) -> list[Select]:
        """The form's choice fields as the template draws them: no widget templates to render
        for each of a few hundred options."""
        found = []
        for name in ("country", "state", "status"):
            bound = self.form[name]
            chosen = str(bound.value() or "")
            groups: list[tuple[str, list[tuple[str, str, bool]]]] = [("", [])]
            for value, text in bound.field.choices:  # type: ignore[attr-defined]
                if isinstance(text, list | tuple):
                    groups.append((value, [(v, t, v == chosen) for v, t in text]))
                else:
                    groups[0][1].append((value, text, value == chosen))
            found.append(Select(name, bound.auto_id, str(bound.label), groups))
        return found


def _valid(form: SiteFilterForm) -> dict[str, Any]:
    """The form's values, less any that failed (a bad value is ignored, not an error page)."""
    form.is_valid()
    values = {
        n: form.cleaned_data.get(n) for n in ("country", "state", "status") if n not in form.errors
    }
    if not {"lat", "lon", "__all__"} & form.errors.keys():
        values.update(lat=form.cleaned_data.get("lat"), lon=form.cleaned_data.get("lon"))
        values["near"] = form.cleaned_data.get("near")
    return values


def _notes(form: SiteFilterForm) -> list[str]:
    notes = []
    for name, errors in form.errors.items():
        if name == "__all__":
            notes += [f"{e} The sites are in their usual order." for e in errors]
        else:
            given = form.data.get(name, "")
            label = form.fields[name].label or name.capitalize()
            notes.append(f"{label} “{given}” was not understood and is ignored: {errors[0]}")
    return notes


# The contacts of the sites a page shows, by site id.
ContactsOf = Callable[[list[Site | Listed]], Mapping[int, list[Contact]]]


def prefetched_contacts(study: Study) -> ContactsOf:
    """The contacts of the study's sites, from its prefetched contacts."""
    by_site = by_parent(study.contacts.all(), "site_id")
    return lambda shown: by_site


def queried_contacts(shown: list[Site | Listed]) -> dict[int, list[Contact]]:
    """The contacts of the sites shown, read for them alone (one query): for a page of chosen
    sites made without the study's other parts."""
    return by_parent(Contact.objects.filter(site_id__in=[s.pk for s in shown]), "site_id")


def site_list(
    study: Study,
    params: Mapping[str, Any],
    page: str | None = None,
    contacts_of: ContactsOf | None = None,
    sites: Sequence[Site | Listed] | None = None,
) -> SiteList:
    """One page of the study's sites as the request's parameters ask (none: the kept page),
    from ``sites`` (by default its prefetched sites); the contacts of the sites shown by
    ``contacts_of`` (by default from its prefetched contacts)."""
    if sites is None:
        sites = list(study.sites.all())
    form = SiteFilterForm(params if params else None, sites)
    values = _valid(form) if params else {}
    country, state, status = (values.get(k) or "" for k in ("country", "state", "status"))
    lat, lon = values.get("lat"), values.get("lon")
    near = (lat, lon) if lat is not None and lon is not None else None

    views = [
        SiteView(
            site,
            None
            if near is None or site.place_latitude is None or site.place_longitude is None
            else distance_km(near[0], near[1], site.place_latitude, site.place_longitude),
        )
        for site in sites
        if (not country or site.country == country)
        and (not state or site.state == state)
        and (not status or site.status == status)
    ]
    # A stable sort: within a rank (and without a place) the record's order stays. With a
    # place, every site one can join comes before the rest, nearest first: a site about to
    # recruit next door is worth more than a recruiting one across the world.
    views.sort(
        key=lambda v: (
            _rank(v.site.status) if near is None else not v.is_open,
            v.distance_km is None,
            v.distance_km or 0.0,
        )
    )
    shown = Paginator(views, PAGE_SIZE).get_page(page)
    contacts = (contacts_of or prefetched_contacts(study))([view.site for view in shown])
    for view in shown:
        view.rows = contacts.get(view.site.pk, [])
    return SiteList(
        total=len(sites),
        matched=len(views),
        open_count=sum(1 for s in sites if s.status in vocab.OPEN_STATUSES),
        countries=len({s.country for s in sites if s.country}),
        page=shown,
        form=form,
        filtered=bool(country or state or status),
        near=near,
        notes=_notes(form) if params else [],
        map=site_map(views, near),
        near_label=place.label if near and (place := values.get("near")) else "",
    )


# --- The map ---------------------------------------------------------------------------------
MAP_WIDTH = 640
MIN_SPAN = 4.0  # degrees: a study in one city still shows its surroundings
MAX_HEIGHT = 360
MIN_HEIGHT = 160
_STEPS = (1, 2, 5, 10, 15, 30, 45, 90)


def _graticule_step(span: float) -> int:
    """A round step giving a few lines across ``span`` degrees."""
    return next((s for s in _STEPS if span / s <= 6), _STEPS[-1])


def _degrees(value: float, positive: str, negative: str) -> str:
    if value == 0:
        return "0°"
    return f"{abs(value):g}°{positive if value > 0 else negative}"


def site_map(views: Iterable[SiteView], near: tuple[float, float] | None) -> SiteMap | None:
    """The map of the sites with coordinates (and the request's place), or None if none has."""
    # Where the record or the gazetteer places each site (trials.places).
    placed = [
        v for v in views if v.site.place_latitude is not None and v.site.place_longitude is not None
    ]
    if not placed:
        return None
    points = [(v.site.place_latitude or 0.0, v.site.place_longitude or 0.0) for v in placed]
    if near is not None:
        points.append(near)
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    south, north = min(lats), max(lats)
    west, east = min(lons), max(lons)
    # A margin of a tenth each side, and at least MIN_SPAN degrees each way.
    lat_pad = max((north - south) * 0.1, (MIN_SPAN - (north - south)) / 2, 0.5)
    lon_pad = max((east - west) * 0.1, (MIN_SPAN - (east - west)) / 2, 0.5)
    south, north = max(-90.0, south - lat_pad), min(90.0, north + lat_pad)
    west, east = max(-180.0, west - lon_pad), min(180.0, east + lon_pad)
    # Equirectangular, its x scaled by the cosine of the middle latitude so that the area looks
    # as it does on a globe; the box is widened (never stretched) to a height the page can hold.
    squash = max(0.2, math.cos(math.radians((south + north) / 2)))
    scale = MAP_WIDTH / ((east - west) * squash)
    height = (north - south) * scale
    if height > MAX_HEIGHT:
        scale = MAX_HEIGHT / (north - south)
        extra = (MAP_WIDTH / (scale * squash) - (east - west)) / 2
        west, east = max(-180.0, west - extra), min(180.0, east + extra)
        scale = min(scale, MAP_WIDTH / ((east - west) * squash))
    elif height < MIN_HEIGHT:
        extra = (MIN_HEIGHT / scale - (north - south)) / 2
        south, north = max(-90.0, south - extra), min(90.0, north + extra)
    height = (north - south) * scale

    def xy(lat: float, lon: float) -> tuple[float, float]:
        return round((lon - west) * squash * scale, 1), round((north - lat) * scale, 1)

    dots: dict[bool, dict[tuple[float, float], None]] = {True: {}, False: {}}
    for view in placed:
        dots[view.is_open][
            xy(view.site.place_latitude or 0.0, view.site.place_longitude or 0.0)
        ] = None
    for spot in dots[True]:
        dots[False].pop(spot, None)  # an open site's dot is not hidden by a closed one's

    def path(spots: Iterable[tuple[float, float]]) -> str:
        return "".join(f"M{x:g} {y:g}h0" for x, y in spots)

    lines: list[tuple[str, float, float, float, float, str]] = []
    step = _graticule_step(north - south)
    for lat in range(math.ceil(south / step) * step, math.floor(north / step) * step + 1, step):
        _, y = xy(lat, west)
        lines.append(("lat", 0.0, y, MAP_WIDTH, y, _degrees(lat, "N", "S")))
    step = _graticule_step(east - west)
    for lon in range(math.ceil(west / step) * step, math.floor(east / step) * step + 1, step):
        x, _ = xy(north, lon)
        lines.append(("lon", x, 0.0, x, round(height, 1), _degrees(lon, "E", "W")))
    return SiteMap(
        width=MAP_WIDTH,
        height=math.ceil(height),
        open_dots=path(dots[True]),
        other_dots=path(dots[False]),
        places=len(dots[True]) + len(dots[False]),
        sites=len(placed),
        lines=lines,
        near=xy(*near) if near is not None else None,
    )
