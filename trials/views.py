"""Public pages: search, browse lists and the study page."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import transaction
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
    HttpResponseServerError,
    JsonResponse,
)
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET
from django.views.defaults import page_not_found
from django.views.defaults import server_error as default_server_error

from registry.replicas import reading_connection

from . import api, api_fields, markup, pages, results_view, sites, vocab
from .diff import FieldChange, diff_records
from .export import study_to_api
from .filters import StudyFilter, facets_of
from .models import ConditionTerm, SearchDocument, SearchTerm, Study, StudyVersion, TermKind
from .search import browse as search_browse
from .search import data_date
from .search.layout import SAMPLE_EVERY

# Results per page of the search page, and names per page of a browse page.
PAGE_SIZE = 20
BROWSE_PAGE_SIZE = 100
# A search that finds fewer studies than this offers the closest names ("Did you mean"): at
# most SUGGESTIONS of them, conditions and drugs, for a text of at most MAX_SUGGESTED_TEXT.
SUGGEST_BELOW = 5
SUGGESTIONS = 3
MAX_SUGGESTED_TEXT = 100
SUGGESTED_KINDS = [TermKind.CONDITION, TermKind.INTERVENTION]


@require_GET
def search(request: HttpRequest) -> HttpResponse:
    """The search page (also the home page): every search is a link. Kept once rendered, until
    what searches read changes (``trials.pages``)."""
    served, revision = pages.served_search(request)
    if served is not None:
        return served
    filterset = StudyFilter(request.GET)
    # One transaction where the request reads (a replica, when there are replicas): the search
    # steers the planner for its own queries only (SET LOCAL).
    with transaction.atomic(using=reading_connection().alias):
        # Paginator only counts and slices the results; django-stubs' protocol for them also
        # asks for iteration and indexing by position, which a search read a page at a time
        # does not offer (iterating would read every match).
        results: Paginator[SearchDocument] = Paginator(
            filterset.search(),  # type: ignore[arg-type]
            PAGE_SIZE,
        )
        page = results.get_page(request.GET.get("page"))
        facets = facets_of(filterset)
        suggestions = _suggestions(filterset, page.paginator.count)
        eligibility_only, eligibility_only_estimated = filterset.search().eligibility_only()
    context = {
        "filter": filterset,
        "page": page,
        "facets": facets,
        "suggestions": suggestions,
        "total_estimated": filterset.search().counts().total_estimated,
        "exact_counts_up_to": f"{settings.SEARCH_EXACT_COUNTS:,}",
        "sample_every": SAMPLE_EVERY,
        "eligibility_only": eligibility_only,
        "eligibility_only_estimated": eligibility_only_estimated,
        # How fresh the data is: the newest last update of any study (an index's first entry).
        "data_date": data_date(),
    }
    # htmx, when present, swaps the results in place; without it the whole page comes back.
    template = "trials/partials/results.html" if request.headers.get("HX-Request") else None
    response = render(request, template or "trials/search.html", context)
    patch_vary_headers(response, ["HX-Request"])
    pages.keep_search(request, revision, response)
    return response


def _suggestions(
    filterset: StudyFilter, found: int
) -> list[tuple[str, SearchTerm | ConditionTerm]]:
    """For a search by words or condition that found little and is no name as typed: the names
    of conditions and drugs, and the MeSH condition terms, spelled most like it, each with the
    parameter it would replace."""
    if found >= SUGGEST_BELOW:
        return []
    suggested: list[tuple[str, SearchTerm | ConditionTerm]] = []
    for parameter, kinds in (("q", SUGGESTED_KINDS), ("cond", [TermKind.CONDITION])):
        text = str(filterset.values.get(parameter) or "").strip()
        if not text or len(text) > MAX_SUGGESTED_TEXT:
            continue
        names = SearchTerm.objects.filter(kind__in=kinds)
        terms = ConditionTerm.objects.all()
        if names.named(text).exists() or terms.named(text).exists():
            continue  # a name as typed: nothing to correct
        offered: dict[str, SearchTerm | ConditionTerm] = {}
        alike: list[SearchTerm | ConditionTerm] = [
            *names.closest_to(text)[:SUGGESTIONS],
            *terms.closest_to(text)[:SUGGESTIONS],
        ]
        # Both sorted as each query sorts its own: most alike, then most studied.
        for one in sorted(alike, key=lambda t: (-t.similarity, -t.study_count, t.key)):
            offered.setdefault(one.key, one)  # a name that is also a term, once
        suggested += [(parameter, one) for one in list(offered.values())[:SUGGESTIONS]]
    return suggested


BROWSE_KINDS = {
    "conditions": (TermKind.CONDITION, "Conditions"),
    "interventions": (TermKind.INTERVENTION, "Drugs and other interventions"),
    "sponsors": (TermKind.SPONSOR, "Sponsors"),
    "countries": (TermKind.COUNTRY, "Countries"),
}


@require_GET
def browse(request: HttpRequest, kind: str) -> HttpResponse:
    """Every condition, intervention, sponsor or country, one entry per concept, each with the
    number of studies its link opens."""
    if kind not in BROWSE_KINDS:
        raise Http404("No such list")
    term_kind, title = BROWSE_KINDS[kind]
    contains = request.GET.get("contains", "").strip()[:100]
    page = Paginator(search_browse.listed(term_kind, contains), BROWSE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "page": page,
        "entries": search_browse.entries(term_kind, [row["entry"] for row in page]),
        "title": title,
        "kind": kind,
        "contains": contains,
        "kinds": BROWSE_KINDS,
    }
    return render(request, "trials/browse.html", context)


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """404: under /api/ a plain-text message, as API v2 answers; elsewhere the site's page."""
    if request.path.startswith("/api/"):
        return HttpResponseNotFound(
            "No such study" if "/studies/" in request.path else "Not found",
            content_type="text/plain; charset=utf-8",
        )
    return page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """500: under /api/ a plain-text message; elsewhere the site's page."""
    if request.path.startswith("/api/"):
        return HttpResponseServerError("Internal error", content_type="text/plain; charset=utf-8")
    return default_server_error(request)


def _study_or_redirect(nct_id: str, url_name: str) -> Study | HttpResponse:
    """The study with this NCT ID, or a permanent redirect to the study an obsolete ID became."""
    study = Study.objects.with_parts().filter(nct_id=nct_id).first()
    if study is not None:
        return study
    current = get_object_or_404(Study.objects.by_nct_id(nct_id).only("nct_id"))
    return HttpResponsePermanentRedirect(reverse(url_name, args=[current.nct_id]))


@require_GET
def study_detail(request: HttpRequest, nct_id: str) -> HttpResponse:
    """The whole record on one page, in a fixed number of queries whatever its size; rendered
    once per change of the study, then served as rendered (``trials.pages``)."""
    if not request.GET and (served := pages.served(request, pages.Kind.PAGE, nct_id)):
        return served
    if (
        request.GET
        and request.GET.keys() <= sites.PARAMETERS
        and (kept := _kept_with_sites(request, nct_id))
    ):
        return kept
    study = _study_or_redirect(nct_id, "trials:study")
    if isinstance(study, HttpResponse):
        return study
    # The list shows neither the bytes nor the parsed record; a comparison fetches its two.
    versions = list(study.versions.newest_first().defer("content", "record"))
    compare_from, compare_to, changes = _comparison(request, versions)
    newest = data_date()
    status, _ = vocab.shown_status(
        study.overall_status, study.last_known_status, study.status_verified_date, newest
    )
    context = {
        "study": study,
        "data_date": newest,
        # A claim of recruitment unverified for two years before the data's date is unknown.
        "status_is_stale": status != study.overall_status,
        # Field paths a registry curator changed (trials.curation), marked on the page.
        "curated": sorted(study.curated_fields()),
        "outcome_groups": [
            ("Primary outcome measures", study.primary_outcomes),
            ("Secondary outcome measures", study.secondary_outcomes),
            ("Other outcome measures", study.other_outcomes),
        ],
        "mesh_groups": [
            ("Condition terms", study.condition_mesh_terms),
            ("Intervention terms", study.intervention_mesh_terms),
        ],
        "date_fields": STUDY_DATES,
        # Contacts, references and results, grouped in Python from the prefetched rows: the
        # page's query count stays fixed however large the record.
        "central_contacts": results_view.central_contacts(study),
        # One page of the sites: as the request's filters, place and page ask, or the kept
        # default (recruiting first) when it has no parameters.
        "sites": sites.site_list(study, request.GET, request.GET.get("sites_page")),
        "references": results_view.references(study),
        "documents": results_view.documents(study),
        "oversight": [
            ("Data monitoring committee", study.oversight_has_dmc),
            ("FDA-regulated drug", study.is_fda_regulated_drug),
            ("FDA-regulated device", study.is_fda_regulated_device),
            ("Unapproved device", study.is_unapproved_device),
            ("Pediatric postmarket surveillance of a device", study.is_ppsd),
            ("Product manufactured in and exported from the U.S.", study.is_us_export),
        ],
        "results": results_view.results(study),
        "results_contact": results_view.results_contact(study),
        "versions": versions,
        "compare_from": compare_from,
        "compare_to": compare_to,
        "changes": changes,
    }
    response = render(request, "trials/study_detail.html", context)
    if not request.GET:
        pages.keep(pages.Kind.PAGE, study, response, newest)
    return response


def _kept_with_sites(request: HttpRequest, nct_id: str) -> HttpResponse | None:
    """The kept page with the sites the request asks for (filtered, placed, another page of
    them): only the study's sites and contacts read and that section rendered, not the whole
    page (a second for a study of a thousand sites with results). None if no page is kept."""
    page = pages.kept_page(nct_id)
    if page is None:
        return None
    study = Study.objects.filter(nct_id=nct_id).only("nct_id").first()
    if study is None:
        return None
    listed = sites.site_list(
        study,
        request.GET,
        request.GET.get("sites_page"),
        sites.queried_contacts,
        sites.listed_sites(study),
    )
    section = render_to_string(
        "trials/partials/study_sites.html", {"study": study, "sites": listed}, request
    )
    spliced = pages.with_section(page, "sites", section)
    return None if spliced is None else HttpResponse(spliced)


STUDY_DATES = [
    ("Study start", "start"),
    ("Primary completion", "primary_completion"),
    ("Study completion", "completion"),
    ("First submitted", "first_submitted"),
    ("First posted", "first_posted"),
    ("Results first posted", "results_first_posted"),
    ("Last update submitted", "last_update_submitted"),
    ("Last update posted", "last_update_posted"),
    ("Status last verified", "status_verified"),
]


def _comparison(
    request: HttpRequest, versions: list[StudyVersion]
) -> tuple[StudyVersion | None, StudyVersion | None, list[FieldChange] | None]:
    """The two versions ?from= and ?to= name, and their differences; unknown ids are ignored."""
    by_id = {str(v.pk): v for v in versions}
    older, newer = by_id.get(request.GET.get("from", "")), by_id.get(request.GET.get("to", ""))
    if older is None or newer is None:
        # Nothing asked for yet: offer the two newest.
        newest, second = [*versions, None, None][:2]
        return second, newest, None
    records = dict(
        StudyVersion.objects.filter(pk__in=[older.pk, newer.pk]).values_list("pk", "record")
    )
    return older, newer, diff_records(records[older.pk], records[newer.pk])


@require_GET
def api_study(request: HttpRequest, nctId: str) -> HttpResponse:
    """The study as API v2 answers it; prepared as the study page is. (The path parameter is
    named as API v2's description names it, so that the route and the description agree.)"""
    nct_id = nctId
    if not request.GET and (served := pages.served(request, pages.Kind.API, nct_id)):
        return served
    try:
        fields = api.fields_named(request.GET["fields"]) if "fields" in request.GET else None
        legacy = api.markup_format_of(request.GET) == "legacy"
    except api.BadRequest as error:
        return JsonResponse({"message": str(error)}, status=400)
    study = _study_or_redirect(nct_id, "trials:api_study")
    if isinstance(study, HttpResponse):
        return study
    newest = data_date()
    answer = study_to_api(study, newest)
    if legacy:
        answer = markup.as_legacy(answer)
    if fields is not None:
        answer = api_fields.select(answer, fields)
    response = pages.api_response(answer)
    if not request.GET:
        pages.keep(pages.Kind.API, study, response, newest)
    return response
