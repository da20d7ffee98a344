"""GET /api/v2/studies: ClinicalTrials.gov's API v2 study list, for the parameters it shares.

A client written for ClinicalTrials.gov can point here: the same parameter names and value
syntax (comma- or pipe-separated lists, ``field[:asc|desc]`` sorts), the same response
(``studies`` in the export shape, ``nextPageToken`` absent on the last page, ``totalCount`` on
the first page when asked, or CSV with the tokens in headers), and HTTP 400 with a message for
a value it cannot take. Parameters it does not know are ignored; ClinicalTrials.gov parameters
that would narrow the results but are not served here are refused, so that a client never
takes a broader answer for the one it asked.
"""

import csv
import datetime
import io
import itertools
import json
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from itertools import batched
from typing import Any
from urllib.parse import urlencode

from django.core import signing
from django.db.models import F, Max, Q, QuerySet, TextField, Value
from django.db.models.expressions import OrderBy
from django.db.models.functions import Concat
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict, StreamingHttpResponse
from django.views.decorators.http import require_GET

from trials import api_fields, api_params, essie, markup, pages, store, vocab
from trials.api_params import BadRequest, choices, split
from trials.downloads import CSV_COLUMNS, csv_row
from trials.export import study_to_api
from trials.filters import StudyFilter
from trials.models import (
    Identifier,
    IdentifierKind,
    SearchMatch,
    Site,
    Study,
)
from trials.search import SearchResults, data_date
from trials.search.near import GeoDecay, Near

# The version of ClinicalTrials.gov's API v2 description this server answers to.
API_VERSION = "2.0.5"
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 1000
# Whole studies are sent as they are read, this many at a time: a page of 1,000 studies with
# their results holds one chunk of them in memory, not the page. A page of at most this many
# is sent whole, with its length.
STREAM_CHUNK = 100

# The query.* parameters the search page's FilterSet already has.
SEARCH_PARAMETERS = {"query.term": "q", "query.cond": "cond", "query.intr": "intr"}
# ClinicalTrials.gov's patient-friendly search. Its own expansions are ClinicalTrials.gov's;
# here it is served as query.term is (words anywhere, a drug by any of its names, ranked), and
# narrows query.term's results like another query.term when both are given.
PATIENT = "query.patient"
# This registry's own parameter (ClinicalTrials.gov has none such; an "x." name cannot clash
# with one of its): "exclude" leaves out the studies that mention query.term's words only in
# their eligibility criteria, as the search page does by default. "include" (the default) keeps
# ClinicalTrials.gov's meaning of query.term: the words anywhere.
ELIGIBILITY_ONLY = "x.eligibilityOnly"
# filter.synonyms and postFilter.synonyms are taken and do nothing, as the description allows:
# they pick synonyms of ClinicalTrials.gov's own search, and this search has its own.
# Essie expressions (trials.essie): each query.* parameter reads one when its value uses
# syntax only Essie has (AREA[...], RANGE[...], AND, NOT, parentheses...), its bare terms in
# its own search area; plain words keep the parameter's own reading (and relevance: an
# expression narrows without ranking). The *.advanced filters always read one, its bare terms
# as query.term's.
ESSIE_AREAS = {
    "query.term": "BasicSearch",
    "query.patient": "PatientSearch",
    "query.cond": "ConditionSearch",
    "query.intr": "InterventionSearch",
    "query.titles": "TitleSearch",
    "query.outc": "OutcomeSearch",
    "query.spons": "SponsorSearch",
    "query.lead": "LeadSponsorSearch",
    "query.locn": "LocationSearch",
    "query.id": "IdSearch",
}
ADVANCED = ("filter.advanced", "postFilter.advanced")
# What a page token may differ in from the request that gave it (ClinicalTrials.gov's rule).
PAGING = ("pageToken", "pageSize", "countTotal")

# Sortable fields: column, and the default direction (ClinicalTrials.gov: dates descending,
# numbers ascending). Studies without the value come last either way, as there.
SORT_FIELDS = {
    "LastUpdatePostDate": ("last_update_posted_date", "desc"),
    "StudyFirstPostDate": ("first_posted_date", "desc"),
    "StartDate": ("start_date", "desc"),
    "EnrollmentCount": ("enrollment", "asc"),
    "PrimaryCompletionDate": ("study__primary_completion_date", "desc"),
    "CompletionDate": ("study__completion_date", "desc"),
    "ResultsFirstPostDate": ("study__results_first_posted_date", "desc"),
}
RELEVANCE = "@relevance"
# Past this many studies ClinicalTrials.gov ignores geoDecay (ctg-oas-v2.yaml), as does this API:
# ordering by each match's nearest site costs a lookup per match.
GEO_DECAY_LIMIT = 10_000

_NCT_ID = re.compile(r"^NCT[0-9]{8}$")
_MAX_LOCATION_WORDS = 10
# The fields of a site that query.locn looks for each word in.
PLACE_FIELDS = ("facility", "city", "state", "zip", "country")


@dataclass(frozen=True)
class Listing:
    """One request for a page of studies, its parameters checked."""

    search: dict[str, Any]  # StudyFilter parameters
    narrowing: list[Q]  # conditions on SearchMatch the FilterSet has no parameter for
    order: list[OrderBy]  # empty: the search's own order (relevance when there are words)
    page_size: int
    offset: int
    count_total: bool
    csv: bool
    named: dict[str, str]  # the API parameter each StudyFilter parameter came from, for errors
    fields: frozenset[str] | None = None  # JSON: the paths asked for; None: every field
    columns: tuple[int, ...] | None = None  # CSV: the columns asked for, by position
    eligibility_only_out: bool = False  # x.eligibilityOnly=exclude
    legacy_markup: bool = False  # markupFormat=legacy
    near: Near | None = None  # filter.geo's point and distance, which geoDecay measures from
    geo_decay: GeoDecay | None = None


@require_GET
def version(request: HttpRequest) -> HttpResponse:
    """The API's version and when this registry's data last changed (UTC, to the second), the
    first thing many clients ask."""
    latest = Study.objects.aggregate(latest=Max("updated_at"))["latest"]
    body = {"apiVersion": API_VERSION}
    if latest is not None:
        body["dataTimestamp"] = latest.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return JsonResponse(body)


@require_GET
def studies(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """A page of the studies matching the query, as ClinicalTrials.gov's API v2 answers."""
    try:
        listing = parse(request.GET)
    except BadRequest as error:
        return bad_request(str(error))
    queryset = SearchMatch.objects.filter(*listing.narrowing)
    filterset = StudyFilter(
        listing.search, queryset=queryset, eligibility_only_out=listing.eligibility_only_out
    )
    if filterset.errors:
        name, messages = next(iter(filterset.errors.items()))
        return bad_request(f"{listing.named.get(name, name)}: {' '.join(messages)}")
    results = filterset.search()

    # One more than the page: whether there is a next page, without counting.
    if (
        listing.near is not None
        and listing.geo_decay is not None
        and not listing.order
        and results.filtered()[: GEO_DECAY_LIMIT + 1].count() <= GEO_DECAY_LIMIT
    ):
        ids = results.decayed_ids(
            listing.near, listing.geo_decay, listing.offset, listing.page_size + 1
        )
    else:
        ids = page_ids(results, listing.order, listing.offset, listing.page_size + 1)
    has_next = len(ids) > listing.page_size
    ids = ids[: listing.page_size]
    # Only the record fields a client asked for: fields=NCTId|BriefTitle reads two columns of
    # each study's row, and none of its tables of parts.
    only = api_fields.fields_for(listing.fields) if listing.fields is not None else None
    total = results.filtered().count() if listing.count_total and not listing.offset else None
    token = page_token(request.GET, listing.offset + listing.page_size) if has_next else None

    if listing.csv:
        found = Study.objects.with_parts().in_bulk(ids)
        return _csv_page([found[pk] for pk in ids if pk in found], token, total, listing.columns)
    head = {"totalCount": total} if total is not None else {}
    tail = {"nextPageToken": token} if token else {}
    chunks = (
        _answers(list(chunk), only, listing.legacy_markup, listing.fields)
        for chunk in batched(ids, STREAM_CHUNK)
    )
    # The first chunk read now: a page that fails does so before its first byte.
    first = next(chunks, [])
    body = _json_object(head, itertools.chain(first, itertools.chain.from_iterable(chunks)), tail)
    if len(ids) <= STREAM_CHUNK:
        return HttpResponse(b"".join(body), content_type="application/json")
    return StreamingHttpResponse(body, content_type="application/json")


def _json_object(
    head: dict[str, Any], studies: Iterable[bytes], tail: dict[str, Any]
) -> Iterator[bytes]:
    """The page as API v2 writes it, {head..., "studies": [...], tail...}, a study at a time."""
    yield (
        "{" + "".join(f"{pages.api_json(k)}: {pages.api_json(v)}, " for k, v in head.items())
    ).encode()
    yield b'"studies": ['
    for number, study in enumerate(studies):
        yield study if number == 0 else b", " + study
    yield (
        "]" + "".join(f", {pages.api_json(k)}: {pages.api_json(v)}" for k, v in tail.items()) + "}"
    ).encode()


def _answers(
    ids: list[int],
    only: Collection[str] | None,
    legacy: bool,
    fields: frozenset[str] | None,
) -> list[bytes]:
    """The API answers of these studies as JSON, in order (a study gone since is left out):
    each as kept by its own endpoint where it still says what the study says
    (``trials.pages``), the rest built from the record fields ``only`` names (the columns and
    tables that hold them), and kept when built whole; then in legacy markup or cut to the
    chosen fields, if asked."""
    texts = pages.kept_answers(ids)
    answers: dict[int, dict[str, Any]] = {}
    if missing := [pk for pk in ids if pk not in texts]:
        newest = data_date()
        if only is None:
            studies = Study.objects.with_parts()
        else:
            studies = Study.objects.with_parts(store.tables_for(only))
            studies = studies.only(*store.columns_for(only))
        built = studies.in_bulk(missing)
        made = {pk: (study, study_to_api(study, newest, only)) for pk, study in built.items()}
        if only is None:
            pages.keep_answers(made.values(), newest)
        answers = {pk: answer for pk, (_, answer) in made.items()}
    if not legacy and fields is None:  # whole answers, sent as kept
        texts.update((pk, pages.api_body(answer)) for pk, answer in answers.items())
        return [texts[pk] for pk in ids if pk in texts]
    answers.update((pk, json.loads(text)) for pk, text in texts.items())
    shown = []
    for pk in ids:
        if (answer := answers.get(pk)) is not None:
            if legacy:
                answer = markup.as_legacy(answer)
            if fields is not None:
                answer = api_fields.select(answer, fields)
            shown.append(pages.api_json(answer).encode())
    return shown


def page_ids(results: SearchResults, order: list[OrderBy], offset: int, limit: int) -> list[int]:
    """The study IDs of one page, in the asked order or the search's own."""
    if not order:
        return results.ids(offset, limit)
    ordered = results.filtered().order_by(*order, "pk").values_list("pk", flat=True)
    return list(ordered[offset : offset + limit])


def parse(params: QueryDict) -> Listing:
    """The request's parameters checked and mapped onto the search; BadRequest if one is wrong."""
    output = params.get("format", "json").strip().lower() or "json"
    if output not in ("json", "csv"):
        raise BadRequest(f"format: must be json or csv, not {output!r}")

    eligibility_only = params.get(ELIGIBILITY_ONLY, "").strip().lower() or "include"
    if eligibility_only not in ("include", "exclude"):
        raise BadRequest(
            f"{ELIGIBILITY_ONLY}: must be include or exclude, not {eligibility_only!r}"
        )
    expressions = {
        key: value
        for key in (*ESSIE_AREAS, *ADVANCED)
        if (value := params.get(key, "")).strip()
        and (key in ADVANCED or essie.is_expression(value))
    }
    search: dict[str, Any] = {
        name: words
        for key, name in SEARCH_PARAMETERS.items()
        if (words := params.get(key)) and key not in expressions
    }
    if raw := params.get("filter.overallStatus"):
        search["status"] = choices("filter.overallStatus", raw, vocab.Status.values)
    narrowing = [
        build(value)
        for key, build in NARROWING.items()
        # an empty parameter asks for nothing
        if (value := params.get(key, "")).strip() and key not in expressions
    ]
    narrowing += [
        _expression(key, value, eligibility_only == "exclude") for key, value in expressions.items()
    ]
    named = {name: key for key, name in SEARCH_PARAMETERS.items()}
    if (patient := params.get(PATIENT, "")).strip() and PATIENT not in expressions:
        if "q" not in search:
            search["q"], named["q"] = patient, PATIENT
        else:
            narrowing.append(_patient_words(patient))
    order = _order(params.get("sort", ""))
    geo = params.get("filter.geo", "")
    near = api_params.distance("filter.geo", geo) if geo.strip() else None
    geo_decay = api_params.geo_decay(params.get("geoDecay", ""))
    fields, columns = _fields(params.get("fields"), csv=output == "csv")
    markup_format = markup_format_of(params)
    return Listing(
        search=search,
        narrowing=narrowing,
        order=order,
        page_size=_page_size(params.get("pageSize", "")),
        offset=page_offset(params),
        count_total=boolean("countTotal", params.get("countTotal", "")),
        csv=output == "csv",
        fields=fields,
        columns=columns,
        named=named,
        eligibility_only_out=eligibility_only == "exclude",
        legacy_markup=markup_format == "legacy",
        near=near,
        geo_decay=geo_decay,
    )


def markup_format_of(params: QueryDict) -> str:
    """``markupFormat``: markdown (as stored, the default) or legacy (plain text)."""
    value = params.get("markupFormat", "").strip().lower() or "markdown"
    if value not in ("markdown", "legacy"):
        raise BadRequest(f"markupFormat: must be markdown or legacy, not {value!r}")
    return value


def _expression(name: str, text: str, skip_eligibility: bool) -> Q:
    """An Essie expression given in ``name``: BadRequest saying what is wrong and where."""
    areas = {
        **essie.search_areas(skip_eligibility=skip_eligibility),
        "LocationSearch": essie.SearchArea(_location),
        "IdSearch": essie.SearchArea(_study_ids),
    }
    try:
        return essie.to_q(essie.parse(text), areas, ESSIE_AREAS.get(name, "BasicSearch"))
    except essie.EssieError as error:
        raise BadRequest(f"{name}: {error}") from None


def _patient_words(text: str) -> Q:
    """query.patient beside query.term: its words found as query.term finds them, unranked."""
    limit = StudyFilter.base_filters["q"].extra["max_length"]
    if len(text) > limit:
        raise BadRequest(f"{PATIENT}: at most {limit} characters")
    words = StudyFilter().words({"q": text})
    assert words is not None  # the text holds more than spaces
    return words.match()


def _fields(raw: str | None, *, csv: bool) -> tuple[frozenset[str] | None, tuple[int, ...] | None]:
    """``fields``: the JSON paths (areas, pieces, field names) or the CSV columns asked for."""
    if raw is None:
        return None, None
    if not csv:
        return fields_named(raw), None
    by_name = {name.lower(): index for index, name in enumerate(CSV_COLUMNS)}
    names = split(raw)
    if not names:
        raise BadRequest("fields: give at least one column name")
    if wrong := [name for name in names if name.lower() not in by_name]:
        raise BadRequest(f"fields: {wrong[0]!r} is not a column: {', '.join(CSV_COLUMNS)}")
    return None, tuple(by_name[name.lower()] for name in names)


def fields_named(raw: str) -> frozenset[str]:
    """The JSON paths ``fields`` names; BadRequest saying which name names nothing."""
    try:
        return api_fields.paths_named(raw)
    except api_fields.UnknownField as error:
        raise BadRequest(f"fields: {error}") from error


def _nct_ids(raw: str, name: str = "filter.ids") -> Q:
    """filter.ids (and postFilter.ids): studies with any of these NCT IDs, current or obsolete."""
    ids = [item.upper() for item in split(raw)]
    if wrong := [i for i in ids if not _NCT_ID.match(i)]:
        raise BadRequest(f"{name}: {wrong[0]!r} is not an NCT ID (NCT and 8 digits)")
    aliases = Identifier.objects.filter(kind=IdentifierKind.NCT_ALIAS, value__in=ids)
    return _studies_named(Study.objects.filter(nct_id__in=ids), aliases)


def _study_ids(raw: str) -> Q:
    """query.id: an NCT ID (current or obsolete), an org study ID or a secondary ID; OR-ed."""
    ids: list[str] = []
    for item in re.split(r"\s*(?:[,|]|\bOR\b)\s*", raw.strip()):
        words = item.split()
        # "NCT00398515 NCT01645553": several NCT IDs; other IDs may hold spaces.
        ids += words if len(words) > 1 and all(_NCT_ID.match(w.upper()) for w in words) else [item]
    ids = [i for i in ids if i]
    values = {*ids, *(i.upper() for i in ids)}
    identifiers = Identifier.objects.filter(value__in=values)
    return _studies_named(Study.objects.filter(nct_id__in=values), identifiers)


def _studies_named(studies: QuerySet[Study], identifiers: QuerySet[Identifier]) -> Q:
    """Documents of these studies or of the studies holding these identifiers.

    One IN over a UNION: the planner looks the few studies up by key, where an OR of two
    conditions had it walk the whole list in page order to find them (270 ms at 100,000).
    """
    ids = studies.values("pk").union(identifiers.values("study_id"))
    return Q(study_id__in=ids)


def _location(raw: str) -> Q:
    """query.locn: studies with a site holding every word in facility, city, state or country."""
    words = [w for w in re.split(r"[\s,]+", raw) if w]
    if len(words) > _MAX_LOCATION_WORDS:
        raise BadRequest(f"query.locn: at most {_MAX_LOCATION_WORDS} words")
    # One text per site: a scan of a million sites tests one unaccented string per word
    # instead of five (about 0.6 s instead of 1.2 s at 100,000 studies).
    place = Concat(
        *(part for field in PLACE_FIELDS for part in (F(field), Value(" "))),
        output_field=TextField(),
    )
    sites = Site.objects.annotate(place=place)
    for word in words:
        sites = sites.filter(place__unaccent__icontains=word)
    return Q(study_id__in=sites.values("study_id"))


NARROWING: dict[str, Callable[[str], Q]] = {
    "query.titles": api_params.titles,
    "query.outc": api_params.outcomes,
    "query.spons": api_params.sponsors,
    "query.lead": api_params.lead_sponsor,
    "query.locn": _location,
    "filter.geo": api_params.geo("filter.geo"),
    "query.id": _study_ids,
    "filter.ids": _nct_ids,
    # ClinicalTrials.gov applies the post-filters after counting its aggregations; this answer
    # has none, so they narrow as their filter.* twins do.
    "postFilter.ids": partial(_nct_ids, name="postFilter.ids"),
    "postFilter.overallStatus": api_params.statuses("postFilter.overallStatus"),
    "postFilter.geo": api_params.geo("postFilter.geo"),
    "aggFilters": api_params.aggregation_filters,
}


def _order(raw: str) -> list[OrderBy]:
    """sort: up to two ``field[:asc|desc]``, or @relevance (the default order)."""
    items = split(raw)
    if len(items) > 2:
        raise BadRequest("sort: at most 2 sort options")
    if RELEVANCE in (item.partition(":")[0] for item in items):
        if items not in ([RELEVANCE], [f"{RELEVANCE}:desc"]):
            raise BadRequest("sort: @relevance sorts descending only, and alone")
        return []
    fields = {name.lower(): name for name in SORT_FIELDS}
    order = []
    for item in items:
        name, _, direction = item.partition(":")
        if name.lower() not in fields:
            allowed = ", ".join([RELEVANCE, *SORT_FIELDS])
            raise BadRequest(f"sort: cannot sort by {name!r}; allowed: {allowed}")
        column, default = SORT_FIELDS[fields[name.lower()]]
        direction = direction.lower() or default
        if direction not in ("asc", "desc"):
            raise BadRequest(f"sort: direction must be asc or desc, not {direction!r}")
        expression = F(column)
        order.append(
            expression.asc(nulls_last=True)
            if direction == "asc"
            else expression.desc(nulls_last=True)
        )
    return order


def _page_size(raw: str) -> int:
    """pageSize: 0 or absent gives the default; above the maximum, the maximum."""
    try:
        size = int(raw) if raw.strip() else 0
    except ValueError:
        raise BadRequest(f"pageSize: must be a whole number, not {raw!r}") from None
    if size < 0:
        raise BadRequest("pageSize: must be 0 or more")
    return min(size or DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)


def boolean(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value not in ("", "true", "false"):
        raise BadRequest(f"{name}: must be true or false, not {raw!r}")
    return value == "true"


def _salt(params: QueryDict) -> str:
    """The query a token belongs to: every parameter but the paging ones, in a fixed order."""
    kept = sorted((k, v) for k, values in params.lists() if k not in PAGING for v in values)
    return f"trials.api.studies?{urlencode(kept)}"


def page_token(params: QueryDict, offset: int) -> str:
    """An opaque token for the page at ``offset`` of this query, signed so it cannot be forged."""
    return signing.dumps(offset, salt=_salt(params))


def page_offset(params: QueryDict) -> int:
    """Where the page a token names starts; 0 without a token."""
    token = params.get("pageToken", "")
    if not token:
        return 0
    try:
        offset = signing.loads(token, salt=_salt(params))
    except signing.BadSignature:
        raise BadRequest(
            "pageToken: not a token this server gave for this query "
            "(every parameter but countTotal, pageSize and pageToken must stay the same)"
        ) from None
    if not isinstance(offset, int) or offset < 0:
        raise BadRequest("pageToken: not a valid token")
    return offset


def bad_request(message: str) -> JsonResponse:
    return JsonResponse({"message": message}, status=400)


def _csv_page(
    page: list[Study], token: str | None, total: int | None, columns: tuple[int, ...] | None
) -> HttpResponse:
    """format=csv: the page as ClinicalTrials.gov's CSV (the asked columns, in the asked
    order), the token and count in headers."""
    chosen = columns if columns is not None else tuple(range(len(CSV_COLUMNS)))
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow([CSV_COLUMNS[index] for index in chosen])
    for study in page:
        row = csv_row(study)
        writer.writerow([row[index] for index in chosen])
    response = HttpResponse(text.getvalue(), content_type="text/csv; charset=utf-8")
    if token:
        response["x-next-page-token"] = token
    if total is not None:
        response["x-total-count"] = str(total)
    return response
