"""Downloads of a whole search: CSV in ClinicalTrials.gov's download columns, and JSON.

Both stream every result of the search (no cap), in the order the search page shows them,
reading the IDs through one server-side cursor and the studies in chunks, so memory and the
queries per chunk stay the same whatever the number of results. Both are stamped with the
query and the time: the JSON in its body, the CSV in its file name (a CSV file stays a plain
table that every spreadsheet and CSV reader opens as it is: a header row, then one row a study).
"""

import csv
import datetime
import itertools
import json
import re
from collections.abc import Iterable, Iterator
from itertools import batched
from typing import Any

import django_filters
from django.http import HttpRequest, QueryDict, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from trials import vocab
from trials.export import study_to_api
from trials.filters import StudyFilter
from trials.models import Study
from trials.search import SearchResults, data_date

# Studies fetched (with all their parts) per round trip: a fixed number of queries each.
CHUNK_SIZE = 500

CSV_COLUMNS = (
    "NCT Number",
    "Study Title",
    "Study URL",
    "Acronym",
    "Study Status",
    "Brief Summary",
    "Study Results",
    "Conditions",
    "Interventions",
    "Primary Outcome Measures",
    "Secondary Outcome Measures",
    "Other Outcome Measures",
    "Sponsor",
    "Collaborators",
    "Sex",
    "Age",
    "Phases",
    "Enrollment",
    "Funder Type",
    "Study Type",
    "Study Design",
    "Other IDs",
    "Start Date",
    "Primary Completion Date",
    "Completion Date",
    "First Posted",
    "Results First Posted",
    "Last Update Posted",
    "Locations",
)

# A spreadsheet runs a cell that starts with one of these as a formula (engineering.md).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: str) -> str:
    """The cell as text a spreadsheet shows rather than runs."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value


def _joined(values: Iterable[str], separator: str = "|") -> str:
    return separator.join(v for v in values if v)


def _day(study: Study, prefix: str) -> str:
    """A date as precise as the record: "2007", "2007-03" or "2007-03-15"."""
    day: datetime.date | None = getattr(study, f"{prefix}_date")
    if day is None:
        return ""
    precision = getattr(study, f"{prefix}_precision")
    if precision == vocab.DatePrecision.YEAR:
        return f"{day:%Y}"
    if precision == vocab.DatePrecision.MONTH:
        return f"{day:%Y-%m}"
    return day.isoformat()


def _design(study: Study) -> str:
    """ "Allocation: RANDOMIZED|Intervention Model: PARALLEL|Masking: DOUBLE (PARTICIPANT, ...)"."""
    masking = study.masking
    if masking and study.who_masked:
        masking = f"{masking} ({', '.join(study.who_masked)})"
    return _joined(
        f"{label}: {value}"
        for label, value in (
            ("Allocation", study.allocation),
            ("Intervention Model", study.intervention_model),
            ("Masking", masking),
            ("Primary Purpose", study.primary_purpose),
            ("Observational Model", study.observational_model),
            ("Time Perspective", study.time_perspective),
        )
        if value
    )


def csv_row(study: Study) -> list[str]:
    """One study as ClinicalTrials.gov's CSV download writes it: API v2 enum values, "|" lists.

    ``study`` comes with its ``CSV_PARTS`` fetched.
    """
    lead = study.lead_sponsor
    org_id = study.org_study_id
    outcomes = {
        kind: _joined(
            _joined((o.measure, o.description, o.time_frame), ", ") for o in study.outcomes_of(kind)
        )
        for kind in vocab.OutcomeKind.values
    }
    row = [
        study.nct_id,
        study.brief_title,
        f"https://clinicaltrials.gov/study/{study.nct_id}",
        study.acronym,
        study.overall_status,
        study.brief_summary,
        "YES" if study.has_results else "NO",
        _joined(c.name for c in study.conditions.all()),
        _joined(f"{x.type}: {x.name}" if x.type else x.name for x in study.interventions.all()),
        outcomes[vocab.OutcomeKind.PRIMARY],
        outcomes[vocab.OutcomeKind.SECONDARY],
        outcomes[vocab.OutcomeKind.OTHER],
        lead.name if lead else "",
        _joined(s.name for s in study.collaborators),
        study.sex,
        ", ".join(study.std_ages),
        _joined(study.phases),
        "" if study.enrollment is None else str(study.enrollment),
        lead.agency_class if lead else "",
        study.study_type,
        _design(study),
        _joined([org_id.value if org_id else "", *(i.value for i in study.secondary_ids)]),
        _day(study, "start"),
        _day(study, "primary_completion"),
        _day(study, "completion"),
        _day(study, "first_posted"),
        _day(study, "results_first_posted"),
        _day(study, "last_update_posted"),
        _joined(
            _joined((s.facility, s.city, s.state, s.zip, s.country), ", ")
            for s in study.sites.all()
        ),
    ]
    return [safe_cell(cell) for cell in row]


# The parts a CSV row names; the rest of the record (results and all) is the JSON download's.
CSV_PARTS = ("conditions", "interventions", "outcomes", "sponsors", "identifiers", "sites")


def studies_of(results: SearchResults, parts: tuple[str, ...] | None = None) -> Iterator[Study]:
    """Every result's study with its parts (``parts``, or all), in order, a chunk at a time.

    The search runs and the first chunk is read before this returns, so a query that fails
    does so before the response's first byte: a client never mistakes a broken download for
    a short one.
    """
    ids = results.ordered().values_list("pk", flat=True).iterator(chunk_size=CHUNK_SIZE)
    studies = Study.objects.prefetch_related(*parts) if parts else Study.objects.with_parts()
    chunks = ((chunk, studies.in_bulk(chunk)) for chunk in batched(ids, CHUNK_SIZE))
    first = next(chunks, None)  # the search runs, and the first chunk is read, now
    return (
        found[pk]
        for chunk, found in itertools.chain([first] if first else [], chunks)
        for pk in chunk
        if pk in found
    )


class _Echo:
    """A file-like object that hands back what is written, for csv.writer to stream through."""

    def write(self, value: str) -> str:
        return value


def _stamp(request: HttpRequest, filterset: StudyFilter) -> tuple[dict[str, Any], dict[str, Any]]:
    """The parameters the search ran with, and the ones it left out with the reasons."""
    errors = {name: list(messages) for name, messages in filterset.errors.items()}
    many = {
        name
        for name, f in StudyFilter.base_filters.items()
        if isinstance(f, django_filters.MultipleChoiceFilter)
    }
    query: dict[str, Any] = {}
    for name, values in request.GET.lists():
        # A date range arrives as start_after / start_before; its errors are under "start".
        if name == "page" or name in errors or name.rsplit("_", 1)[0] in errors:
            continue
        query[name] = values if name in many or len(values) > 1 else values[0]
    return query, errors


def _file_name(query: dict[str, Any], at: datetime.datetime, extension: str) -> str:
    """studies_q-revlimid_phase-phase2_20260101T120000Z.csv: the query and the time, short."""
    words = "_".join(
        f"{name}-{'-'.join(values) if isinstance(values, list) else values}"
        for name, values in query.items()
    )
    words = re.sub(r"[^A-Za-z0-9_-]+", "-", words).strip("-").lower()[:80].rstrip("-_")
    return f"studies_{words or 'all'}_{at:%Y%m%dT%H%M%SZ}.{extension}"


def _download(body: Iterator[str], name: str, content_type: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def search_csv(request: HttpRequest) -> StreamingHttpResponse:
    """Every result of the search as ClinicalTrials.gov's CSV download."""
    filterset = StudyFilter(request.GET)
    query, _ = _stamp(request, filterset)
    studies = studies_of(filterset.search(), CSV_PARTS)
    writer = csv.writer(_Echo())

    def rows() -> Iterator[str]:
        yield writer.writerow(CSV_COLUMNS)
        for study in studies:
            yield writer.writerow(csv_row(study))

    name = _file_name(query, timezone.now(), "csv")
    return _download(rows(), name, "text/csv; charset=utf-8")


@require_GET
def search_json(request: HttpRequest) -> StreamingHttpResponse:
    """Every result of the search as API v2 study objects, with the query and the time."""
    filterset = StudyFilter(request.GET)
    query, ignored = _stamp(request, filterset)
    studies = studies_of(filterset.search())
    now = timezone.now()
    search_url = request.build_absolute_uri(reverse("trials:search"))
    if query_string := _query_string(request.GET):
        search_url += f"?{query_string}"
    head = {"query": query, "searchUrl": search_url, "generatedAt": now.isoformat()}
    if ignored:
        head["ignored"] = ignored

    newest = data_date()

    def body() -> Iterator[str]:
        # The head as a JSON object with its closing brace cut off, then the studies array.
        yield json.dumps(head, ensure_ascii=False)[:-1] + ', "studies": ['
        for number, study in enumerate(studies):
            yield ("," if number else "") + json.dumps(
                study_to_api(study, newest), ensure_ascii=False
            )
        yield "]}"

    name = _file_name(query, now, "json")
    return _download(body(), name, "application/json")


def _query_string(params: QueryDict) -> str:
    kept = params.copy()
    kept.pop("page", None)
    return kept.urlencode()
