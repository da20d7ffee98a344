"""API v2's statistics of the values this registry holds: ``/stats/size`` (``GzipStats``),
``/stats/field/values`` (``FieldValuesStats``) and ``/stats/field/sizes`` (``ListSizes``),
computed in PostgreSQL over the studies as they are, for the fields the database holds in
columns or part tables (``held_fields``). Each endpoint's docstring says what it costs.
"""

import typing
from typing import Any

from django.db import models
from django.db.models import F, Func
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.views.decorators.http import require_GET

from registry.replicas import reading_connection
from trials import api_fields
from trials.api import bad_request
from trials.api_fields import held_fields
from trials.api_meta import only_parameters
from trials.api_params import BadRequest, split
from trials.models import PreparedPage, Study
from trials.pages import build

# --- Statistics (/stats/...) ---------------------------------------------------------------------

FIELD_STATS_TYPES = ("ENUM", "STRING", "DATE", "INTEGER", "NUMBER", "BOOLEAN")
# The value types /stats/field/values counts, by the kind of the field: enums, flags, numbers
# and short text (Markdown and prose are long texts, no two alike: no value worth counting).
_STATS_TYPES = {
    "ENUM": "ENUM",
    "TEXT": "STRING",
    "BOOLEAN": "BOOLEAN",
    "INTEGER": "INTEGER",
    "NUMBER": "NUMBER",
}
TOP_VALUES = 25


def _stats_type(path: str) -> str | None:
    """The FieldStatsType of a leaf the database holds, None where none is counted."""
    held = held_fields().get(path)
    declared = api_fields.declared_fields().get(path)
    if held is None or held.column is None or (declared and declared.spec.lines):
        return None
    return _STATS_TYPES.get(api_fields.kind_of(path).source_type)


def _fields_param(params: QueryDict, accepts: "typing.Callable[[str], bool]") -> list[str]:
    """``fields``: the paths asked for (piece names, paths or areas, as ``fields`` of /studies
    takes them; an area brings what it holds) that have this statistic; without it, all."""
    known = [path for path in api_fields.field_tree() if accepts(path)]
    raw = params.get("fields")
    if raw is None:
        return known
    try:
        api_fields.paths_named(raw)
    except api_fields.UnknownField as error:
        raise BadRequest(f"fields: {error}") from error
    chosen: set[str] = set()
    for name in split(raw):
        named = api_fields.paths_named(name)
        found = {p for p in known if p in named or any(p.startswith(f"{n}.") for n in named)}
        if not found:
            raise BadRequest(f"fields: {name!r} has no such statistics on this server")
        chosen |= found
    return [path for path in known if path in chosen]


def _query(base: "models.QuerySet[Any]", template: str, *params: Any) -> list[tuple]:
    """``template`` run with ``base``'s SQL as the CTE ``v``."""
    sql, base_params = base.query.sql_with_params()
    with reading_connection().cursor() as cursor:
        cursor.execute(f"WITH v AS ({sql}) {template}", (*base_params, *params))
        return cursor.fetchall()


def value_stats(fields: list[tuple[str, str]], studies: int) -> list[dict[str, Any]]:
    """The FieldValuesStats of these (path, FieldStatsType) pairs, in their order.

    The fields one table holds for the same rows (a Study column, a site's city and country)
    are counted together, in one pass over that table: grouping sets count every field's values
    at once (``_counted``), and one more pass counts the studies holding each and the numbers'
    range (``_summed``). A list column's elements (Study.phases) are counted alone. So asking
    for every field costs two passes over the study table, two over each table of parts and
    one per list column, where a pass per field took minutes. Measured on this project's 2-core
    machine at 600,000 studies (a 2 GB study table, 1.4 million sites): one Study column about
    1 s, a list column (phases) 2 s, the eight site fields 14 s (sorted: a study must count once
    however many sites hold the value), the 76 other Study columns 14 s, every field 41 s."""
    groups: dict[tuple, list[tuple[str, str]]] = {}
    for path, stats_type in fields:
        held = held_fields()[path]
        key = (path,) if held.array else (held.model, held.where, held.study)
        groups.setdefault(key, []).append((path, stats_type))
    found: dict[str, dict[str, Any]] = {}
    for group in groups.values():
        found |= _group_stats(group, studies)
    return [found[path] for path, _ in fields]


def _group_stats(fields: list[tuple[str, str]], studies: int) -> dict[str, dict[str, Any]]:
    held = [held_fields()[path] for path, _ in fields]
    first = held[0]
    columns = {
        f"c{index}": Func(F(h.column), function="unnest") if h.array else F(h.column)
        for index, h in enumerate(held)
        if h.column
    }
    rows = (
        first.model._default_manager.filter(first.where)
        .order_by()
        .values(sid=F(first.study), **columns)
    )
    # A study has one row of its own table: its values need no de-duplication, which lets
    # PostgreSQL hash them instead of sorting.
    one_each = first.model is Study and not first.array
    counting = [i for i, (_, kind) in enumerate(fields) if kind not in ("INTEGER", "NUMBER")]
    counts = _counted(rows, counting, one_each) if counting else {}
    summed = _summed(rows, fields, one_each)
    found = {}
    for index, (path, stats_type) in enumerate(fields):
        values = counts.get(index, [])
        stats: dict[str, Any] = {
            "field": path,
            "piece": api_fields.piece_of(path),
            "type": stats_type,
            "missingStudiesCount": studies - summed[f"h{index}"],
        }
        if stats_type == "BOOLEAN":
            by_value = {value: n for value, n, _ in values}
            stats |= {"trueCount": by_value.get("true", 0), "falseCount": by_value.get("false", 0)}
        elif stats_type in ("INTEGER", "NUMBER"):
            if summed[f"h{index}"]:
                cast = int if stats_type == "INTEGER" else float
                low, high = summed[f"min{index}"], summed[f"max{index}"]
                stats |= {"min": cast(low), "max": cast(high), "avg": float(summed[f"avg{index}"])}
        else:
            stats |= {
                "uniqueValuesCount": values[0][2] if values else 0,
                "topValues": [{"value": value, "studiesCount": n} for value, n, _ in values],
            }
        found[path] = stats
    return found


def _present(index: int) -> str:
    return f"NULLIF(c{index}::text, '')"


def _counted(
    rows: "models.QuerySet[Any]", indexes: list[int], one_each: bool
) -> dict[int, list[tuple[str, int, int]]]:
    """Of each column: its most held values (value, studies holding it, distinct values)."""
    present = [_present(index) for index in indexes]
    which = " ".join(
        f"WHEN GROUPING({e}) = 0 THEN {i}" for i, e in zip(indexes, present, strict=True)
    )
    studies = "count(*)" if one_each else "count(DISTINCT sid)"
    counted = _query(
        rows,
        "SELECT which, val, n, distinct_values FROM ("
        " SELECT which, val, n, count(*) OVER (PARTITION BY which) AS distinct_values,"
        " row_number() OVER (PARTITION BY which ORDER BY n DESC, val) AS place FROM ("
        f"  SELECT CASE {which} END AS which, COALESCE({', '.join(present)}) AS val,"
        f"  {studies} AS n FROM v GROUP BY GROUPING SETS ({', '.join(f'({e})' for e in present)})"
        " ) AS g WHERE val IS NOT NULL) AS ranked WHERE place <= %s ORDER BY which, place",
        TOP_VALUES,
    )
    found: dict[int, list[tuple[str, int, int]]] = {}
    for index, value, n, distinct in counted:
        found.setdefault(index, []).append((value, n, distinct))
    return found


def _summed(rows: "models.QuerySet[Any]", fields: list[tuple[str, str]], one_each: bool) -> dict:
    """Of each column: the studies holding a value (``h0``...), and a number's range."""
    studies = "count(*)" if one_each else "count(DISTINCT sid)"
    parts = []
    for index, (_, stats_type) in enumerate(fields):
        parts.append(f"{studies} FILTER (WHERE {_present(index)} IS NOT NULL) AS h{index}")
        if stats_type in ("INTEGER", "NUMBER"):
            parts += [f"{f}(c{index}) AS {f}{index}" for f in ("min", "max", "avg")]
    with reading_connection().cursor() as cursor:
        sql, params = rows.query.sql_with_params()
        cursor.execute(f"WITH v AS ({sql}) SELECT {', '.join(parts)} FROM v", params)
        names = [column.name for column in cursor.description or ()]
        return dict(zip(names, cursor.fetchone() or (), strict=True))


@require_GET
def field_values(request: HttpRequest) -> HttpResponse:
    """GET /api/v2/stats/field/values: the values of the leaf fields the database holds.

    ``types`` (ENUM, STRING, BOOLEAN, INTEGER, NUMBER) and ``fields`` narrow the list. Cost:
    one count of the studies, then two passes over each table holding an asked field
    (``value_stats``: a field or a few take seconds at 600,000 studies; all of them, most of a
    minute)."""
    try:
        only_parameters(request.GET, "types", "fields")
        types = _types(request.GET.get("types"))
        paths = _fields_param(request.GET, lambda path: _stats_type(path) is not None)
    except BadRequest as error:
        return bad_request(str(error))
    studies = Study.objects.count()
    fields = [(path, kind) for path in paths if (kind := _stats_type(path) or "") in types]
    return JsonResponse(value_stats(fields, studies), safe=False)


def _types(raw: str | None) -> frozenset[str]:
    served = frozenset(_STATS_TYPES.values())
    if raw is None:
        return served
    asked = [name.upper() for name in split(raw)]
    if not asked:
        raise BadRequest("types: give at least one of " + ", ".join(FIELD_STATS_TYPES))
    for name in asked:
        if name not in FIELD_STATS_TYPES:
            raise BadRequest(f"types: {name!r} is not one of {', '.join(FIELD_STATS_TYPES)}")
        if name not in served:
            raise BadRequest(f"types: {name} statistics are not served by this server")
    return frozenset(asked)


def _top_list(path: str) -> bool:
    """Whether ``path`` is a list held in the database that stands in a study, not in a list."""
    tree = api_fields.field_tree()
    if not tree.get(path) or path not in held_fields():
        return False
    segments = path.split(".")
    return not any(tree.get(".".join(segments[:end])) for end in range(1, len(segments)))


def list_sizes(path: str) -> dict[str, Any]:
    """The ListSizes of one list: its rows counted per study, then studies per count, in one
    pass over its table (a Study array column: over the study table). Studies without the
    list are not counted: every size is at least 1."""
    held = held_fields()[path]
    if held.array and held.column:
        rows = held.model._default_manager.order_by().values(
            sid=F(held.study), size=Func(F(held.column), function="cardinality")
        )
        sizes = "SELECT size, count(*) AS n FROM v WHERE size > 0 GROUP BY size"
    else:
        rows = held.rows()
        sizes = (
            "SELECT size, count(*) AS n"
            " FROM (SELECT count(*) AS size FROM v GROUP BY sid) AS s GROUP BY size"
        )
    counted = _query(rows, f"{sizes} ORDER BY n DESC, size")
    stats: dict[str, Any] = {
        "field": path,
        "piece": api_fields.piece_of(path),
        "uniqueSizesCount": len(counted),
        "topSizes": [{"size": size, "studiesCount": n} for size, n in counted[:TOP_VALUES]],
    }
    if counted:
        stats |= {"minSize": min(s for s, _ in counted), "maxSize": max(s for s, _ in counted)}
    return stats


@require_GET
def field_sizes(request: HttpRequest) -> HttpResponse:
    """GET /api/v2/stats/field/sizes: how long each list a study holds is, across studies.

    Cost: one pass over one table per list (``list_sizes``), grouped twice: at 600,000 studies
    (1.4 million sites) about 1 s for the phases and the locations, 4.4 s for every list."""
    try:
        only_parameters(request.GET, "fields")
        paths = _fields_param(request.GET, _top_list)
    except BadRequest as error:
        return bad_request(str(error))
    return JsonResponse([list_sizes(path) for path in paths], safe=False)


# Size ranges of /stats/size, in bytes: (label, lower bound).
SIZE_RANGES = (
    ("0-1KB", 0),
    ("1-2KB", 1 << 10),
    ("2-5KB", 2 << 10),
    ("5-10KB", 5 << 10),
    ("10-20KB", 10 << 10),
    ("20-50KB", 20 << 10),
    ("50-100KB", 50 << 10),
    ("100-200KB", 100 << 10),
    ("200-500KB", 200 << 10),
    ("500KB-1MB", 500 << 10),
    ("1MB+", 1 << 20),
)
PERCENTILES = (10, 25, 50, 75, 90, 95, 99)
LARGEST = 10


def _answers() -> "models.QuerySet[Any]":
    """The API answers kept for the studies as they are now (``trials.pages``), their sizes."""
    return (
        PreparedPage.objects.filter(
            kind=PreparedPage.Kind.API, build=build(), stamp=F("study__updated_at")
        )
        .order_by()
        .values(nct_id=F("study__nct_id"), size=Func(F("body"), function="octet_length"))
    )


@require_GET
def size_stats(request: HttpRequest) -> HttpResponse:
    """GET /api/v2/stats/size: sizes of the studies' API v2 JSON, as GzipStats.

    The measure is what is stored: the gzip-compressed bytes of each study's API answer as
    ``/api/v2/studies/<NCT ID>`` keeps it (``trials.pages``), over the studies whose kept answer
    is current (rendered since the study last changed, by this code). A study not asked for
    since its last change has no such answer and is not counted: ``totalStudies`` says how
    many were. Cost: one pass over the kept answers and the study table, reading each body's
    length from its header, never the body itself: 3 to 4 s at 600,000 studies, all measured,
    most of it reading the study table for each answer's stamp and NCT ID."""
    try:
        only_parameters(request.GET)
    except BadRequest as error:
        return bad_request(str(error))
    percentiles = ", ".join(f"{p / 100}" for p in PERCENTILES)
    sql, params = _answers().query.sql_with_params()
    # Materialized: the kept answers are found once (a pass joining the study table), then
    # summed, bucketed and ranked from that copy of their sizes alone.
    with reading_connection().cursor() as cursor:
        cursor.execute(
            f"WITH v AS MATERIALIZED ({sql}),"
            " summary AS (SELECT count(*) AS total, coalesce(round(avg(size)), 0) AS average,"
            f"  percentile_disc(ARRAY[{percentiles}]) WITHIN GROUP (ORDER BY size) AS cuts"
            "  FROM v),"
            " buckets AS (SELECT coalesce(json_object_agg(bucket, n), '{}') AS ranges FROM"
            "  (SELECT width_bucket(size, %s::bigint[]) AS bucket, count(*) AS n"
            "   FROM v GROUP BY 1) AS counted),"
            " top AS (SELECT coalesce(json_agg(json_build_array(nct_id, size)"
            "  ORDER BY size DESC, nct_id), '[]') AS largest FROM"
            "  (SELECT nct_id, size FROM v ORDER BY size DESC, nct_id LIMIT %s) AS ranked)"
            " SELECT total, average, cuts, ranges, largest FROM summary, buckets, top",
            (*params, [bound for _, bound in SIZE_RANGES[1:]], LARGEST),
        )
        # Aggregates without GROUP BY: always one row.
        row: Any = cursor.fetchone()
        total, average, cuts, ranges, largest = row
    return JsonResponse(
        {
            "totalStudies": total,
            "averageSizeBytes": int(average),
            "percentiles": dict(zip(map(str, PERCENTILES), cuts or [], strict=False)),
            "ranges": [
                {"sizeRange": label, "studiesCount": ranges.get(str(index), 0)}
                for index, (label, _) in enumerate(SIZE_RANGES)
            ],
            "largestStudies": [{"id": nct_id, "sizeBytes": size} for nct_id, size in largest],
        }
    )
