"""Facets as small integers, and the count of a search with every facet's counts in one query.

Counting a very common word visits nearly every study, so the cost per row decides: hashing
text and text arrays per row cost more than finding the rows. SearchMatch therefore keeps each
enumerated facet as a code (a single value: its position in the vocab's choices; several
values: one bit per choice), and the count groups the matching rows once by their codes (a few
thousand distinct combinations) before summing each facet over those combinations.

The codes are ``layout.CODED``'s.
"""

from collections import Counter
from typing import Any

from django.db.models import BooleanField, Q, QuerySet, Value
from django.db.models.expressions import ExpressionWrapper
from django.db.models.functions import Coalesce
from psycopg import sql

from registry.replicas import reading_connection
from trials.models import SearchMatch

from .layout import CODED, FACET_COLUMNS

# Counted by grouping: every facet but the countries, which are counted per name.
_GROUPED = [name for name in FACET_COLUMNS if name != "country"]
_GROUPED_COLUMNS = [FACET_COLUMNS[name] for name in _GROUPED]


def count_and_facets(
    queryset: QuerySet[SearchMatch], facet_filters: dict[str, Q]
) -> tuple[int, dict[str, Counter[Any]]]:
    """The total and each facet's counts, each over the results of all the *other* filters.

    ``queryset`` carries the words and the filters that are not facets; ``facet_filters`` the
    active facet filters. One query, two reads of the matching rows. First, each row's codes
    and whether it passes each active facet filter are grouped (a few thousand combinations),
    and GROUPING SETS sums those per facet, keeping each facet's own filter out of its counts.
    Second, the countries are counted by name over the rows every other facet filter allows.
    """
    passes = {
        f"pass_{name}": Coalesce(ExpressionWrapper(q, BooleanField()), Value(False))
        for name, q in facet_filters.items()
    }
    rows = queryset.order_by().annotate(**passes).values(*passes, *_GROUPED_COLUMNS)
    rows_sql, params = rows.query.sql_with_params()
    others = [q for name, q in facet_filters.items() if name != "country"]
    countries = queryset.order_by().filter(*others).values(FACET_COLUMNS["country"])
    country_sql, country_params = countries.query.sql_with_params()

    def names(columns: list[str]) -> sql.Composed:
        return sql.SQL(", ").join(map(sql.Identifier, columns))

    grouped = [*passes, *_GROUPED_COLUMNS]
    sets = [names(list(passes))] + [
        names([p for p in passes if p != f"pass_{name}"] + [FACET_COLUMNS[name]])
        for name in _GROUPED
    ]
    counted = sql.SQL("""
        WITH combinations AS (
            SELECT {grouped}, count(*) AS n FROM ({rows}) AS matches GROUP BY {grouped}
        )
        SELECT GROUPING({columns}), {grouped}, NULL, sum(n)::bigint
        FROM combinations GROUP BY GROUPING SETS ({sets})
        UNION ALL
        SELECT -1, {nothing}, country, count(*)
        FROM ({countries}) AS matches, unnest({country_column}) AS country GROUP BY country
    """).format(
        grouped=names(grouped),
        rows=sql.SQL(rows_sql),
        columns=names(_GROUPED_COLUMNS),
        sets=sql.SQL(", ").join(sql.SQL("({})").format(s) for s in sets),
        nothing=sql.SQL(", ").join([sql.NULL] * len(grouped)),
        countries=sql.SQL(country_sql),
        country_column=sql.Identifier(FACET_COLUMNS["country"]),
    )
    with reading_connection().cursor() as cursor:
        cursor.execute(counted.as_string(), (*params, *country_params))
        results = cursor.fetchall()

    total = 0
    facets: dict[str, Counter[Any]] = {facet: Counter() for facet in FACET_COLUMNS}
    everything = (1 << len(_GROUPED)) - 1  # GROUPING(): a 1 for each column not grouped by
    for grouping, *flags_and_codes, country, count in results:
        if grouping == -1:
            facets["country"][country] += count
            continue
        flags, codes = flags_and_codes[: len(passes)], flags_and_codes[len(passes) :]
        if False in flags:  # a filter this count obeys leaves these rows out
            continue
        if grouping == everything:
            total += count or 0  # () over no rows still gives one row
            continue
        index = next(i for i in range(len(_GROUPED)) if not grouping >> (len(_GROUPED) - 1 - i) & 1)
        facet, code = _GROUPED[index], codes[index]
        for value in CODED[facet].decode(code) if facet in CODED else [code]:
            facets[facet][value] += count
    return total, facets
