"""The /api/v2/studies parameters beyond the search page's own: each one a condition on
SearchMatch rows, set-based, on an indexed column or a search vector.

``trials.api`` checks the request and calls these; a value they cannot take is a BadRequest
whose message names the parameter.
"""

import re
from collections.abc import Callable

from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.search import SearchVectorField
from django.db.models import F, Func, Q, QuerySet, TextField, Value
from django.db.models.functions import Concat

from trials import vocab
from trials.models import OutcomeMeasure, SearchDocument, SearchRanking, SearchTerm, TermKind
from trials.models.search import SearchKey
from trials.places import Place
from trials.search import CODED, TsQuery
from trials.search.layout import CONFIG, MAX_FIELD_CHARS, key_prefix
from trials.search.near import METERS, GeoDecay, Near
from trials.search.query import Matches


class BadRequest(ValueError):
    """A parameter value the API cannot take; the message names the parameter."""


_LIST_SEPARATOR = re.compile(r"\s*[,|]\s*")


def split(raw: str) -> list[str]:
    """A comma- or pipe-separated list, blanks left out."""
    return [item for item in _LIST_SEPARATOR.split(raw.strip()) if item]


def choices(name: str, raw: str, allowed: list[str]) -> list[str]:
    values = split(raw)
    if wrong := [v for v in values if v not in allowed]:
        raise BadRequest(f"{name}: unknown value {wrong[0]!r}; allowed: {', '.join(allowed)}")
    return values


def statuses(name: str) -> Callable[[str], Q]:
    """postFilter.overallStatus: as filter.overallStatus (this server has no aggregations for a
    post-filter to come after)."""

    def build(raw: str) -> Q:
        return CODED["status"].any_of(choices(name, raw, vocab.Status.values))

    return build


# As long as the search page's words may be.
MAX_WORDS_CHARS = 500


def _check_words(name: str, raw: str) -> None:
    if not re.search(r"\w", raw):
        raise BadRequest(f"{name}: give at least one word")
    if len(raw) > MAX_WORDS_CHARS:
        raise BadRequest(f"{name}: at most {MAX_WORDS_CHARS} characters")


# A lexeme in a tsquery's text form: quoted, a quote inside doubled ("'o''brien'").
_LEXEME = r"'(?:[^']|'')+'"


def titles(raw: str) -> Q:
    """query.titles: the words in the brief or official title or the acronym.

    The words are read as query.term reads them ("quoted phrases", OR, -word; English stems,
    accents aside), then every lexeme of that tsquery is restricted to weight A, which the
    search layout gives the NCT ID, the titles, the acronym and the other IDs: so this also
    finds a study by its NCT ID, org study ID or a secondary ID. PostgreSQL makes the tsquery
    from the words (a parameter) and the weights are set on its text form; no word is ever
    written into SQL. Matched on SearchRanking.rank_vector, whose weight-A lexemes are the same
    texts: its GIN index finds the candidates, and the weight check reads only that small row,
    not the whole document.
    """
    _check_words("query.titles", raw)
    words = TsQuery.websearch(raw)  # as query.term reads them, every spelling included
    query = TsQuery(
        f"regexp_replace(({words.sql})::text, %s, %s, 'g')::tsquery",
        [*words.params, _LEXEME, r"\&:A"],
    )
    rankings = SearchRanking.objects.filter(Matches(F("rank_vector"), query))
    return Q(study_id__in=rankings.values("pk"))


# The outcome texts query.outc reads, in the order migration 0017 indexes them.
OUTCOME_FIELDS = ("measure", "time_frame", "description")


class OutcomeVector(Func):
    """An outcome's measure, time frame and description as one tsvector.

    The very expression migration 0017 (outcome_search_index) indexes with GIN: change one and
    the other, or the planner no longer uses the index. Each text is cut as the search document
    cuts it (MAX_FIELD_CHARS), so that no record can make a vector too long to index.
    """

    template = f"to_tsvector('{CONFIG}'::regconfig, %(expressions)s)"
    arg_joiner = " || ' ' || "
    output_field = SearchVectorField()

    def __init__(self) -> None:
        super().__init__(
            *(
                Func(F(name), function="left", template=f"left(%(expressions)s, {MAX_FIELD_CHARS})")
                for name in OUTCOME_FIELDS
            )
        )


def outcomes(raw: str) -> Q:
    """query.outc: studies with an outcome measure whose measure, time frame or description
    holds the words (query.term's syntax), each outcome read alone.

    Served by a GIN index on the outcomes' own vector (migration 0017): a lookup whatever the
    number of studies ("overall survival" over the bulk archive's 4,131 studies: 3 ms in the
    index for 223 outcomes). Its cost is space and writes: the index is 1.4 times the outcome
    table (1.8 MB for those 4,896 outcomes, some 250 MB at 600,000 studies of that mix), and
    every outcome written is tokenized once more (the search document tokenizes it too).
    """
    _check_words("query.outc", raw)
    found = OutcomeMeasure.objects.filter(Matches(OutcomeVector(), TsQuery.websearch(raw)))
    return Q(study_id__in=found.values("study_id"))


def _sponsor_documents(name: str, raw: str) -> QuerySet[SearchDocument]:
    """Result rows of the studies with a sponsor (lead or collaborator) whose name contains it."""
    if not re.search(r"\w", raw):
        raise BadRequest(f"{name}: give a sponsor's name")
    if len(raw) > MAX_WORDS_CHARS:
        raise BadRequest(f"{name}: at most {MAX_WORDS_CHARS} characters")
    # The lexicon holds every sponsor name once, trigram-indexed; each study's result row
    # carries its names' keys ("S:national cancer institute nci") in the GIN-indexed term_keys.
    keys = (
        SearchTerm.objects.filter(kind=TermKind.SPONSOR)
        .named_like(raw)
        .annotate(
            term_key=Concat(Value(key_prefix(TermKind.SPONSOR)), "key", output_field=TextField())
        )
        .values("term_key")
    )
    return SearchDocument.objects.filter(term_keys__overlap=ArraySubquery(keys))


def sponsors(raw: str) -> Q:
    """query.spons: studies whose lead sponsor or a collaborator has a name containing it."""
    return Q(study_id__in=_sponsor_documents("query.spons", raw).values("study_id"))


def lead_sponsor(raw: str) -> Q:
    """query.lead: studies whose lead sponsor's name contains it, accents and case aside.

    The studies naming such a sponsor in any role come from the term_keys index, as for
    query.spons; of those only, the lead sponsor's name (SearchDocument.sponsor) is tested.
    """
    documents = _sponsor_documents("query.lead", raw).annotate(lead=SearchKey("sponsor"))
    documents = documents.filter(lead__contains=SearchKey(Value(raw)))
    return Q(study_id__in=documents.values("study_id"))


def _any_of(facet: str, *values: str) -> Q:
    return CODED[facet].any_of(values)


_OTHER_FUNDERS = [c for c in vocab.AgencyClass.values if c not in ("NIH", "FED", "INDUSTRY")]
# aggFilters: the site's filter ids and option keys, each option a condition on SearchMatch.
AGGREGATION_FILTERS: dict[str, dict[str, Q]] = {
    "results": {"with": Q(has_results=True), "without": ~Q(has_results=True)},
    "status": {
        code: _any_of("status", status)
        for code, status in (
            ("not", vocab.Status.NOT_YET_RECRUITING),
            ("rec", vocab.Status.RECRUITING),
            ("enr", vocab.Status.ENROLLING_BY_INVITATION),
            ("act", vocab.Status.ACTIVE_NOT_RECRUITING),
            ("sus", vocab.Status.SUSPENDED),
            ("ter", vocab.Status.TERMINATED),
            ("com", vocab.Status.COMPLETED),
            ("wit", vocab.Status.WITHDRAWN),
            ("unk", vocab.Status.UNKNOWN),
            ("ava", vocab.Status.AVAILABLE),
            ("nla", vocab.Status.NO_LONGER_AVAILABLE),
            ("tna", vocab.Status.TEMPORARILY_NOT_AVAILABLE),
            ("afm", vocab.Status.APPROVED_FOR_MARKETING),
        )
    },
    "phase": {
        code: _any_of("phase", phase)
        for code, phase in (
            ("0", vocab.Phase.EARLY_PHASE1),
            ("1", vocab.Phase.PHASE1),
            ("2", vocab.Phase.PHASE2),
            ("3", vocab.Phase.PHASE3),
            ("4", vocab.Phase.PHASE4),
            ("na", vocab.Phase.NA),
        )
    },
    # As the search page's filter: a woman may join a study open to all or to women only.
    "sex": {
        "f": _any_of("sex", vocab.Sex.FEMALE, vocab.Sex.ALL),
        "m": _any_of("sex", vocab.Sex.MALE, vocab.Sex.ALL),
        "all": _any_of("sex", vocab.Sex.ALL),
    },
    "healthy": {"y": Q(healthy_volunteers=True)},
    # The lead sponsor's class (SearchMatch has no other): "other" is every class but these.
    "funderType": {
        "industry": _any_of("sponsor_class", vocab.AgencyClass.INDUSTRY),
        "nih": _any_of("sponsor_class", vocab.AgencyClass.NIH),
        "fed": _any_of("sponsor_class", vocab.AgencyClass.FED),
        "other": _any_of("sponsor_class", *_OTHER_FUNDERS),
    },
    "studyType": {
        "int": _any_of("type", vocab.StudyType.INTERVENTIONAL),
        "obs": _any_of("type", vocab.StudyType.OBSERVATIONAL),
        "exp": _any_of("type", vocab.StudyType.EXPANDED_ACCESS),
    },
    # ClinicalTrials.gov's age groups, as the search page's filter (vocab.AGE_GROUPS).
    "ages": {
        "child": _any_of("ages", vocab.StdAge.CHILD),
        "adult": _any_of("ages", vocab.StdAge.ADULT),
        "older": _any_of("ages", vocab.StdAge.OLDER_ADULT),
    },
}


def aggregation_filters(raw: str) -> Q:
    """aggFilters: ``id:option option``, comma- or pipe-separated; a filter's options are
    OR-ed, the filters AND-ed."""
    found = Q()
    for item in split(raw):
        name, colon, options = item.partition(":")
        name = name.strip()
        if name not in AGGREGATION_FILTERS:
            known = ", ".join(AGGREGATION_FILTERS)
            raise BadRequest(f"aggFilters: unknown filter {name!r}; known: {known}")
        codes = options.split()
        if not colon or not codes:
            raise BadRequest(f"aggFilters: give {name}'s options after a colon ({name}:...)")
        allowed = AGGREGATION_FILTERS[name]
        if wrong := [code for code in codes if code not in allowed]:
            raise BadRequest(
                f"aggFilters: unknown option {wrong[0]!r} of {name}; allowed: {', '.join(allowed)}"
            )
        either = Q()
        for code in codes:
            either |= allowed[code]
        found &= either
    return found


_NUMBER = r"(-?\d+(?:\.\d+)?)"
# The spec's pattern (ctg-oas-v2.yaml), spaces allowed after commas as people write them.
_DISTANCE = re.compile(
    rf"^distance\(\s*{_NUMBER}\s*,\s*{_NUMBER}\s*,\s*(\d+(?:\.\d+)?)\s*(km|mi)?\s*\)$", re.I
)


def distance(name: str, raw: str) -> Near:
    """filter.geo (and postFilter.geo): ``distance(lat,lon,50mi)``, the sites within that
    distance (mi or km; miles when no unit is given, as ClinicalTrials.gov reads it), the same
    as the search page's "near" box."""
    match = _DISTANCE.match(raw.strip())
    if not match:
        raise BadRequest(
            f"{name}: expected distance(latitude,longitude,distance), e.g. "
            f"distance(39.0035707,-77.1013313,50mi), not {raw!r}"
        )
    latitude, longitude, amount = (float(match[i]) for i in (1, 2, 3))
    if not -90 <= latitude <= 90:
        raise BadRequest(f"{name}: latitude must be between -90 and 90, not {match[1]}")
    if not -180 <= longitude <= 180:
        raise BadRequest(f"{name}: longitude must be between -180 and 180, not {match[2]}")
    meters = amount * METERS[(match[4] or "mi").lower()]
    return Near(Place(latitude, longitude, raw), meters)


def geo(name: str) -> Callable[[str], Q]:
    """The studies with a site within ``distance(...)`` of a point (see ``distance``)."""
    return lambda raw: distance(name, raw).condition()


_LENGTH = r"(\d+(?:\.\d+)?)(km|mi)"
# The spec's pattern (ctg-oas-v2.yaml), spaces allowed after commas.
_DECAY = re.compile(
    rf"^func:(gauss|exp|linear),\s*scale:{_LENGTH},\s*offset:{_LENGTH},\s*decay:(\d+(?:\.\d+)?)$",
    re.I,
)
DEFAULT_GEO_DECAY = "func:exp,scale:300mi,offset:0mi,decay:0.5"


def geo_decay(raw: str) -> GeoDecay:
    """geoDecay: how relevance fades with the distance from filter.geo's point to a study's
    nearest site, e.g. ``func:linear,scale:100km,offset:10km,decay:0.1``."""
    match = _DECAY.match(raw.strip() or DEFAULT_GEO_DECAY)
    if not match:
        raise BadRequest(
            "geoDecay: expected func:(gauss|exp|linear),scale:<distance>,offset:<distance>,"
            f"decay:<number>, e.g. {DEFAULT_GEO_DECAY}, not {raw!r}"
        )
    scale = float(match[2]) * METERS[match[3].lower()]
    offset = float(match[4]) * METERS[match[5].lower()]
    decay = float(match[6])
    if scale <= 0:
        raise BadRequest("geoDecay: scale must be more than 0")
    if not 0 < decay < 1:
        raise BadRequest(f"geoDecay: decay must be between 0 and 1 (exclusive), not {match[6]}")
    return GeoDecay(match[1].lower(), scale, offset, decay)
