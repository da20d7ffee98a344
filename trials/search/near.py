"""Search by place: studies with a site near a point, in a region or a city, and the nearest.

Distances are PostgreSQL's ``earthdistance`` over the sites' derived coordinates
(``Site.place_latitude``/``place_longitude``, see ``trials.places``): a site is near when its
point lies in the box of latitudes and longitudes around the circle (``degree_boxes``), which
the SP-GiST index on ``point(place_longitude, place_latitude)`` answers (migration 0030 creates
it over this module's expression: change one and the other), and within the distance itself
(compared as a chord, see ``_chord_to``). Every condition is on one
site: a study is found through a site that is near, in the region and city asked, and
recruiting when only recruiting sites count; that same site is the one its result shows, with
its distance.
"""

import math
from dataclasses import dataclass

from django.db.models import (
    BooleanField,
    Expression,
    F,
    FloatField,
    Func,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Cos, Exp, Greatest, Power, Radians, Sin, Sqrt

from trials import vocab
from trials.models import SearchMatch, Site
from trials.places import Place, region_name

METERS = {"mi": 1609.344, "km": 1000.0}
# earthdistance's earth(): the radius its points and distances are measured on, in meters.
EARTH_RADIUS = 6378168.0


def chord(meters: float) -> float:
    """The straight-line distance through the Earth between two points ``meters`` apart along
    its surface: what ``cube_distance`` measures between two earth points."""
    return 2 * EARTH_RADIUS * math.sin(min(meters / (2 * EARTH_RADIUS), math.pi / 2))


def along_surface(chord_meters: float) -> float:
    """The surface distance of a chord: what ``earth_distance`` would say."""
    return 2 * EARTH_RADIUS * math.asin(min(chord_meters / (2 * EARTH_RADIUS), 1.0))


class _Point(Func):
    """A (longitude, latitude) point in degrees: what the index of the sites' places holds."""

    function = "point"
    output_field = FloatField()  # never read, likewise


class _Box(Func):
    function = "box"
    output_field = FloatField()  # a box of two points, likewise


def _chord_to(latitude: float, longitude: float) -> Expression:
    """Meters through the Earth from the point to each site (what ``cube_distance`` of their
    ``ll_to_earth`` would say), in plain arithmetic the server runs inline: ``ll_to_earth`` is
    an SQL function called row by row, 20 microseconds a site.

    Distances are compared as chords, which grow with the surface distance: turning each into
    an arc (``earth_distance``) costs more again, and a search near a large city tests a
    hundred thousand sites. The chord is 2R sqrt(hav), with hav the haversine of the angle.
    """
    phi, lam = math.radians(latitude), math.radians(longitude)
    site_phi, site_lam = Radians(F("place_latitude")), Radians(F("place_longitude"))
    hav = Power(Sin((site_phi - Value(phi)) / Value(2.0)), Value(2)) + Value(math.cos(phi)) * Cos(
        site_phi
    ) * Power(Sin((site_lam - Value(lam)) / Value(2.0)), Value(2))
    return Value(2 * EARTH_RADIUS) * Sqrt(hav)


class _Surface(Func):
    """Meters along the Earth's surface of a chord (``along_surface`` in SQL)."""

    template = f"(2 * {EARTH_RADIUS} * asin(least(%(expressions)s / (2 * {EARTH_RADIUS}), 1)))"
    output_field = FloatField()


class _ContainedIn(Func):
    """point <@ box: the SP-GiST index's operator."""

    arg_joiner = " <@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


Box = tuple[float, float, float, float]  # west, south, east, north, in degrees


def degree_boxes(latitude: float, longitude: float, meters: float) -> list[Box]:
    """Boxes of latitudes and longitudes that together hold every point within ``meters`` of
    the point (on earthdistance's sphere): one, or two where the circle crosses the 180th
    meridian, and every longitude where it holds a pole.

    The bounding coordinates of J. P. Matuschek, "Finding Points Within a Distance of a
    Latitude/Longitude Using Bounding Coordinates": the circle's widest longitudes are not at the
    point's own latitude but where its meridians touch the circle. A hair wider than exact, so
    that rounding never drops a site the distance test would keep.
    """
    angle = meters / EARTH_RADIUS * (1 + 1e-9) + 1e-12  # radians of arc
    phi, lam = math.radians(latitude), math.radians(longitude)
    south, north = phi - angle, phi + angle
    if south <= -math.pi / 2 or north >= math.pi / 2 or math.sin(angle) >= math.cos(phi):
        # A pole is within reach: every longitude, up to the pole.
        return [(-180.0, max(math.degrees(south), -90.0), 180.0, min(math.degrees(north), 90.0))]
    spread = math.asin(math.sin(angle) / math.cos(phi))
    west, east = lam - spread, lam + spread
    low, high = math.degrees(south), math.degrees(north)
    if west < -math.pi:  # across the 180th meridian, westwards
        return [
            (math.degrees(west) + 360, low, 180.0, high),
            (-180.0, low, math.degrees(east), high),
        ]
    if east > math.pi:  # and eastwards
        return [
            (math.degrees(west), low, 180.0, high),
            (-180.0, low, math.degrees(east) - 360, high),
        ]
    return [(math.degrees(west), low, math.degrees(east), high)]


@dataclass(frozen=True)
class GeoDecay:
    """How a study's relevance fades with the distance to its nearest site (API v2
    ``geoDecay``, read as Elasticsearch's decay functions read it): full within ``offset``,
    ``decay`` at ``offset + scale``, and beyond that falling exponentially, as a Gaussian or in
    a line down to nothing."""

    function: str  # "exp", "gauss" or "linear"
    scale: float  # meters
    offset: float  # meters
    decay: float  # the factor at offset + scale, between 0 and 1

    def factor(self, meters: Expression | Func) -> Expression:
        """The factor (0 to 1) of a distance in meters, in SQL."""
        beyond = Greatest(meters - Value(self.offset), Value(0.0)) / Value(self.scale)
        if self.function == "linear":
            return Greatest(Value(1.0) - Value(1.0 - self.decay) * beyond, Value(0.0))
        exponent = beyond * beyond if self.function == "gauss" else beyond
        # decay ** exponent as exp(exponent * ln decay), kept above exp(-700): PostgreSQL raises
        # an underflow error where the factor of a far site is too small for a double.
        power = exponent * Value(math.log(self.decay))
        return Exp(Greatest(power, Value(-700.0)), output_field=FloatField())


def _in_boxes(boxes: list[Box]) -> Q:
    """Sites whose point lies in one of the boxes."""
    # The indexed expression of migration 0030.
    point = _Point(F("place_longitude"), F("place_latitude"))
    found = Q()
    for west, south, east, north in boxes:
        corners = _Point(Value(west), Value(south)), _Point(Value(east), Value(north))
        found |= Q(_ContainedIn(point, _Box(*corners)))
    return found


@dataclass(frozen=True)
class Near:
    """Which sites a place search asks for: near a place (within ``meters`` of its point, or in
    the country it names), in a region or a city, recruiting or any."""

    place: Place | None = None
    meters: float = 0.0
    region: str = ""
    city: str = ""
    recruiting_only: bool = False

    @property
    def measures(self) -> bool:
        """Whether distances mean anything: a point, not a whole country or a region."""
        return self.place is not None and not self.place.country

    def sites(self) -> QuerySet[Site]:
        """The sites that count: every condition asked holds for each; with a point to measure
        from, each carries its ``distance`` (meters) as an alias to order by."""
        sites = Site.objects.all()
        if self.place is not None and self.place.country:
            sites = sites.filter(place_country=self.place.country)
        elif self.measures:
            assert self.place is not None
            boxes = degree_boxes(self.place.latitude, self.place.longitude, self.meters)
            distance = _chord_to(self.place.latitude, self.place.longitude)
            sites = sites.alias(distance=distance).filter(
                # The partial index holds placed sites only; the boxes are its lookup, the
                # distance the exact test.
                Q(place_latitude__isnull=False),
                _in_boxes(boxes),
                distance__lte=chord(self.meters),
            )
        if self.region:
            # Kept in one spelling ("OH" is Ohio), the region asked is spelled the same way.
            sites = sites.filter(place_region__iexact=region_name(self.region, "United States"))
        if self.city:
            sites = sites.filter(city__iexact=self.city.strip())
        if self.recruiting_only:
            sites = sites.filter(status__in=vocab.OPEN_STATUSES)
        return sites

    def condition(self) -> Q:
        """SearchMatch rows of the studies with a site that counts."""
        return Q(study_id__in=self.sites().values("study_id"))

    def nearest(self, ids: list[int]) -> dict[int, tuple[Site, float | None]]:
        """For each of these studies, its nearest site that counts and the meters to it (None
        when there is no point to measure from: the first such site in the record's order)."""
        sites = self.sites().filter(study_id__in=ids)
        found: QuerySet[Site] = (
            sites.annotate(meters=F("distance")).order_by("study_id", "meters", "pk")
            if self.measures
            else sites.order_by("study_id", "position", "pk")
        )
        rows = found.distinct("study_id").only(
            "study_id", "facility", "city", "state", "country", "place_region", "place_country"
        )
        # ``meters`` is the annotation above (a chord), there only when measuring.
        return {
            site.study_id: (
                site,
                along_surface(site.meters) if self.measures else None,  # type: ignore[attr-defined]
            )
            for site in rows
        }

    def by_distance(self, matches: QuerySet[SearchMatch]) -> QuerySet[SearchMatch]:
        """Every match, nearest first (by its nearest site that counts): for one pass over all."""
        closest = (
            self.sites()
            .filter(study_id=OuterRef("pk"))
            .annotate(meters=F("distance"))
            .order_by("meters")
            .values("meters")[:1]
        )
        return matches.annotate(meters=Subquery(closest, output_field=FloatField())).order_by(
            F("meters").asc(nulls_last=True), "pk"
        )

    def proximity(self, decay: GeoDecay) -> Expression:
        """Each match's ``decay`` factor for its nearest site that counts (0 without one)."""
        closest = (
            self.sites()
            .filter(study_id=OuterRef("pk"))
            .annotate(meters=F("distance"))
            .order_by("meters")
            .values("meters")[:1]
        )
        meters = _Surface(Subquery(closest, output_field=FloatField()))
        return Coalesce(decay.factor(meters), Value(0.0))

    def nearest_first(self, matches: QuerySet[SearchMatch], offset: int, limit: int) -> list[int]:
        """One page of the matches' IDs, nearest first.

        The sites that count are grouped by study once (what the index finds), rather than a
        nearest site looked up for each match: 70 times faster for 3,800 matches.
        """
        ordered = (
            self.sites()
            .filter(study_id__in=matches.values("pk"))
            .values("study_id")
            .annotate(meters=Min("distance"))
            .order_by("meters", "study_id")
            .values_list("study_id", flat=True)
        )
        return list(ordered[offset : offset + limit])
