"""Public pages: the study list and the study page."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .diff import FieldChange, diff_records
from .export import study_to_api
from .models import Study, StudyVersion


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    studies = Study.objects.prefetch_related("conditions").order_by(
        "-last_update_posted_date", "nct_id"
    )
    page = Paginator(studies, 25).get_page(request.GET.get("page"))
    return render(request, "trials/home.html", {"page": page})


def _study_or_redirect(nct_id: str, url_name: str) -> Study | HttpResponse:
    """The study with this NCT ID, or a permanent redirect to the study an obsolete ID became."""
    study = Study.objects.with_parts().filter(nct_id=nct_id).first()
    if study is not None:
        return study
    current = get_object_or_404(Study.objects.by_nct_id(nct_id).only("nct_id"))
    return HttpResponsePermanentRedirect(reverse(url_name, args=[current.nct_id]))


@require_GET
def study_detail(request: HttpRequest, nct_id: str) -> HttpResponse:
    study = _study_or_redirect(nct_id, "trials:study")
    if isinstance(study, HttpResponse):
        return study
    versions = list(study.versions.newest_first().defer("content"))
    compare_from, compare_to, changes = _comparison(request, versions)
    context = {
        "study": study,
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
        "versions": versions,
        "compare_from": compare_from,
        "compare_to": compare_to,
        "changes": changes,
    }
    return render(request, "trials/study_detail.html", context)


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
    return older, newer, diff_records(older.record, newer.record)


@require_GET
def api_study(request: HttpRequest, nct_id: str) -> HttpResponse:
    study = _study_or_redirect(nct_id, "trials:api_study")
    if isinstance(study, HttpResponse):
        return study
    return JsonResponse(study_to_api(study), json_dumps_params={"ensure_ascii": False})
