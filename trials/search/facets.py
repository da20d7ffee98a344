"""Facets as small integers, and the count of a search with every facet's counts in one query.

Counting a very common word visits nearly every study, so the cost per row decides: hashing
text and text arrays per row cost more than finding the rows. SearchMatch therefore keeps each
enumerated facet as a code (a single value: its position in the vocab's choices; several
values: one bit per choice), and the count groups the matching rows once by their codes (a few
thousand distinct combinations) before summing each facet over those combinations.

The codes are ``layout.CODED``'s.

Counting stays exact up to ``settings.SEARCH_EXACT_COUNTS`` (10,000): a person can tell 2,345
from 2,400, not 451,000 from 449,000. A search whose counts would read more rows than that is
counted on a fixed sample of the studies (``layout.SAMPLE_LEXEME``: one in ``SAMPLE_EVERY``),
and what comes from the sample is an estimate, marked as such for the page to say "about".
"""

import dataclasses
import functools
import operator
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db.models import BooleanField, Q, QuerySet, Value
from django.db.models.expressions import ExpressionWrapper
from django.db.models.functions import Coalesce
from psycopg import sql

from registry.replicas import reading_connection
from trials.models import SearchMatch

from .layout import CODED, FACET_COLUMNS, SAMPLE_EVERY, FacetFilter
from .query import TsQuery, facet_query

# How many times the limit the sample must stand for before the exact count is not tried.
BEYOND_DOUBT = 2

# Counted by grouping: every facet but the countries, which are counted per name.
_GROUPED = [name for name in FACET_COLUMNS if name != "country"]
_GROUPED_COLUMNS = [FACET_COLUMNS[name] for name in _GROUPED]


@dataclasses.dataclass(frozen=True)
class Counts:
    """A search's total and facet counts, with which of them are estimates."""

    total: int
    facets: dict[str, Counter[Any]]
    total_estimated: bool = False
    estimated_facets: frozenset[str] = frozenset()


# The rows of a search: (of the sample only?, with these facet lexemes too) -> rows.
Matching = Callable[[bool, TsQuery | None], QuerySet[SearchMatch]]


def counted(matching: Matching, facet_filters: dict[str, FacetFilter]) -> Counts:
    """The total and every facet's counts: exact where they read few enough rows, else estimated
    on the sample.

    The facets read the rows that fail at most one active facet filter (each facet counts over
    the results of the other filters). One query counts them on the sample; unless that finds
    the search clearly too broad, another counts them all, reading no more than the limit: for
    most searches, that is every count, exact. Past the limit, the facets come from the sample,
    scaled up; the total, and the facets that no active filter of their own widens,
    are still counted exactly when the total alone is small ("q=cancer&country=Zambia": 30
    studies, exactly, while the country facet counts cancer studies everywhere, about). The
    filters' lexemes find the rows in the words' own lookup; their conditions on the columns
    then say which filters each row passes.
    """
    limit = settings.SEARCH_EXACT_COUNTS
    filters = list(facet_filters.values())
    conditions = {name: f.condition for name, f in facet_filters.items()}

    others = [f for name, f in facet_filters.items() if name != "country"]

    def read(sample: bool, read_up_to: int | None = None) -> Counted:
        rows = matching(sample, facet_query(filters, but_one=True))
        if len(conditions) > 1:
            rows = rows.filter(_all_but_one(list(conditions.values())))
        # The countries count the rows that pass every other filter.
        countries = matching(sample, facet_query(others)).filter(*(f.condition for f in others))
        return count_and_facets(rows, conditions, read_up_to, countries)

    # The sample first: a search it finds many times too broad to count exactly is not read up
    # to the limit only to learn so (300 ms for a very common word at 350,000 studies).
    sample = read(True)
    if not clearly_past(sample.read, limit):
        exact = read(False, read_up_to=limit + 1)
        if exact.read <= limit:
            return Counts(exact.total, exact.facets)
    facets = {
        name: Counter({value: n * SAMPLE_EVERY for value, n in counts.items()})
        for name, counts in sample.facets.items()
    }
    results = matching(False, facet_query(filters)).filter(*conditions.values())
    if (
        not facet_filters
        or clearly_past(sample.total, limit)
        or counts_up_to([results], limit)[0] > limit
    ):
        # The sample may hold fewer than were read; the estimate never says less.
        total = max(sample.total * SAMPLE_EVERY, limit + 1)
        return Counts(total, facets, True, frozenset(facets))
    small = count_and_facets(results, {})
    facets.update(
        {name: counts for name, counts in small.facets.items() if name not in facet_filters}
    )
    return Counts(small.total, facets, False, frozenset(facet_filters))


def clearly_past(sampled: int, limit: int) -> bool:
    """Whether ``sampled`` rows of the sample stand for so many more than ``limit`` that counting
    up to the limit would only confirm it: twice the limit, where a count of no more than the
    limit has a sample of half that on average."""
    return sampled * SAMPLE_EVERY > BEYOND_DOUBT * limit


def counts_up_to(querysets: list[QuerySet[SearchMatch]], limit: int | None) -> list[int]:
    """How many rows each queryset has, counting no further than ``limit`` + 1, in one query."""
    counts = [
        (queryset.order_by() if limit is None else queryset.order_by()[: limit + 1])
        .values("pk")
        .query.sql_with_params()
        for queryset in querysets
    ]
    statement = sql.SQL("SELECT {}").format(
        sql.SQL(", ").join(
            sql.SQL("(SELECT count(*) FROM ({}) AS rows)").format(sql.SQL(text))
            for text, _ in counts
        )
    )
    with reading_connection().cursor() as cursor:
        cursor.execute(statement.as_string(), [p for _, params in counts for p in params])
        return list(cursor.fetchone())


def _all_but_one(conditions: list[Q]) -> Q:
    """Rows that meet every condition but at most one."""
    return functools.reduce(
        operator.or_,
        (
            functools.reduce(operator.and_, conditions[:i] + conditions[i + 1 :])
            for i in range(len(conditions))
        ),
    )


@dataclasses.dataclass(frozen=True)
class Counted:
    total: int
    facets: dict[str, Counter[Any]]
    read: int  # the rows counted: past ``read_up_to``, the counts are of some of them only


def count_and_facets(
    queryset: QuerySet[SearchMatch],
    facet_filters: dict[str, Q],
    read_up_to: int | None = None,
    countries: QuerySet[SearchMatch] | None = None,
) -> Counted:
    """The total and each facet's counts, each over the results of all the *other* filters;
    with ``read_up_to``, over no more rows than that (``read`` says whether they were all).
    ``countries``: the rows the countries are counted over, if found otherwise than as
    ``queryset`` with every filter but the country's.

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
    if countries is None:
        others = [q for name, q in facet_filters.items() if name != "country"]
        countries = queryset.filter(*others)
    countries = countries.order_by().values(FACET_COLUMNS["country"])
    if read_up_to is not None:  # the countries' rows are some of the others: as few or fewer
        rows, countries = rows[:read_up_to], countries[:read_up_to]
    rows_sql, params = rows.query.sql_with_params()
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

    total = read = 0
    facets: dict[str, Counter[Any]] = {facet: Counter() for facet in FACET_COLUMNS}
    everything = (1 << len(_GROUPED)) - 1  # GROUPING(): a 1 for each column not grouped by
    for grouping, *flags_and_codes, country, count in results:
        if grouping == -1:
            facets["country"][country] += count
            continue
        flags, codes = flags_and_codes[: len(passes)], flags_and_codes[len(passes) :]
        if grouping == everything:  # grouped by the pass flags alone: every row read
            read += count or 0  # () over no rows still gives one row
        if False in flags:  # a filter this count obeys leaves these rows out
            continue
        if grouping == everything:
            total += count or 0
            continue
        index = next(i for i in range(len(_GROUPED)) if not grouping >> (len(_GROUPED) - 1 - i) & 1)
        facet, code = _GROUPED[index], codes[index]
        for value in CODED[facet].decode(code) if facet in CODED else [code]:
            facets[facet][value] += count
    return Counted(total, facets, read)
