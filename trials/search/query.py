"""Matching, ranking, facet counts and snippets over the search documents.

Costs are planned for a very common word at 100,000+ studies (docs/engineering.md "Search"):
the match is a GIN lookup; ranking reads only the small ``rank_vector``, and the large vectors
only for the few rows a page still needs; the total and every facet come from one grouped scan;
snippets are cut from the texts of the page's rows only.
"""

import operator
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any

from django.contrib.postgres.search import SearchQueryField, SearchRank
from django.db import connection
from django.db.models import BooleanField, Expression, F, Func, Q, QuerySet, Value
from django.db.models.expressions import ExpressionWrapper
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from trials.models import SearchDocument

from .document import CONFIG, fields_sql
from .lexicon import DrugNames

# ts_rank weights for D, C, B, A. In rank_vector, A is IDs and titles, B conditions, C
# interventions: a word in the title first, a condition or drug next.
RANK_WEIGHTS = [0.05, 0.4, 0.4, 1.0]

# Facet name -> the SearchDocument column it counts.
FACET_COLUMNS = {
    "status": "overall_status",
    "phase": "phases",
    "type": "study_type",
    "itype": "intervention_types",
    "sex": "sex",
    "healthy": "healthy_volunteers",
    "sponsor_class": "sponsor_class",
    "results": "has_results",
    "country": "countries",
}
_LIST_COLUMNS = {"phases", "intervention_types", "countries"}


class TsQuery(Expression):
    """A tsquery written in SQL with its parameters."""

    output_field = SearchQueryField()

    def __init__(self, sql: str, params: Sequence[Any] = ()) -> None:
        super().__init__()
        self.sql, self.params = sql, list(params)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return f"({self.sql})", self.params

    def __or__(self, other: "TsQuery") -> "TsQuery":  # type: ignore[override]
        return TsQuery(f"({self.sql}) || ({other.sql})", self.params + other.params)

    @classmethod
    def websearch(cls, text: str, weights: str = "") -> "TsQuery":
        """Words as people type them: "quoted phrases", OR, -word; restricted to ``weights``."""
        sql = f"websearch_to_tsquery('{CONFIG}', %s)"
        if weights:
            # Every lexeme gets the weight label: 'plasma' & 'cell' -> 'plasma':B & 'cell':B.
            sql = rf"regexp_replace({sql}::text, '(''(?:[^'']|'''')*'')', '\1:{weights}', 'g')"
            sql = f"({sql})::tsquery"
        return cls(sql, [text])

    @classmethod
    def raw(cls, text: str) -> "TsQuery":
        """A tsquery already in its text form (from the lexicon)."""
        return cls("%s::tsquery", [text])


class Matches(Func):
    """vector @@ query."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


@dataclass(frozen=True)
class Words:
    """The q parameter: words anywhere, and a drug its whole text names."""

    text: str
    skip_eligibility: bool = False
    drug: DrugNames | None = None

    def query(self) -> TsQuery:
        return TsQuery.websearch(self.text)

    def rank_query(self) -> TsQuery:
        """What ranks and highlights: the words, or any name of the drug they name."""
        if self.drug and self.drug.tsquery:
            return self.query() | TsQuery.raw(self.drug.tsquery)
        return self.query()

    def _or_drug(self, condition: Q) -> Q:
        return condition | Q(term_keys__overlap=list(self.drug.keys)) if self.drug else condition

    def match(self) -> Q:
        """Studies the words find (anywhere, or anywhere but the eligibility criteria)."""
        vector = "core" if self.skip_eligibility else "document"
        return self._or_drug(Q(Matches(F(vector), self.query())))

    def ranked_match(self) -> Q:
        """The matches of the first tier: in an ID, a title, a condition or a drug name."""
        return self._or_drug(Q(Matches(F("rank_vector"), self.query())))

    def core_match(self) -> Q:
        return Q(Matches(F("core"), self.query()))


def ranked_ids(
    queryset: QuerySet[SearchDocument], words: Words, offset: int, limit: int
) -> list[int]:
    """One page of the matches by relevance: titles and names first, eligibility last.

    Ranking every match of a very common word reads every large vector; instead the first tier
    (matched in the small rank_vector) is ranked by ts_rank, and the other two tiers (matched
    in summary, outcomes...; matched only in the eligibility criteria) follow by last update.
    PostgreSQL runs the branches of a UNION ALL in order and stops when the page is full, so the
    later tiers cost nothing while the first one fills the page.
    """
    wanted = offset + limit
    first = (
        queryset.filter(words.ranked_match())
        .annotate(score=SearchRank(F("rank_vector"), words.rank_query(), weights=RANK_WEIGHTS))
        .order_by("-score", F("last_update_posted_date").desc(nulls_last=True), "pk")
        .values_list("pk", flat=True)[:wanted]
    )
    tiers = [
        queryset.filter(words.core_match())
        .exclude(words.ranked_match())
        .order_by(F("last_update_posted_date").desc(nulls_last=True), "pk")
        .values_list("pk", flat=True)[:wanted]
    ]
    if not words.skip_eligibility:
        tiers.append(
            queryset.filter(Matches(F("document"), words.query()))
            .exclude(words.core_match())
            .exclude(words.ranked_match())
            .order_by(F("last_update_posted_date").desc(nulls_last=True), "pk")
            .values_list("pk", flat=True)[:wanted]
        )
    return list(first.union(*tiers, all=True).order_by()[offset:wanted])


SORTS = {
    "updated": F("last_update_posted_date").desc(nulls_last=True),
    "start": F("start_date").desc(nulls_last=True),
    "enrollment": F("enrollment").desc(nulls_last=True),
}


def sorted_ids(queryset: QuerySet[SearchDocument], sort: str, offset: int, limit: int) -> list[int]:
    """One page of the matches in a column's order, newest or largest first."""
    ordered = queryset.order_by(SORTS[sort], "pk").values_list("pk", flat=True)
    return list(ordered[offset : offset + limit])


def count_and_facets(
    queryset: QuerySet[SearchDocument], facet_filters: dict[str, Q]
) -> tuple[int, dict[str, Counter[Any]]]:
    """The total and each facet's counts, each over the results of all the *other* filters.

    ``queryset`` carries the filters that are not facets; ``facet_filters`` the active facet
    filters. One scan: every row gets a flag per facet (does it pass the other facets'
    filters?) and GROUPING SETS counts each facet's values among its flagged rows.
    """

    def all_of(conditions: list[Q]) -> Expression:
        if not conditions:
            return Value(True)
        return ExpressionWrapper(reduce(operator.and_, conditions), BooleanField())

    flags = {
        f"ok_{facet}": all_of([q for name, q in facet_filters.items() if name != facet])
        for facet in FACET_COLUMNS
    }
    rows = (
        queryset.order_by()
        .annotate(ok_all=all_of(list(facet_filters.values())), **flags)
        .values("ok_all", *flags, *FACET_COLUMNS.values())
    )
    sql, params = rows.query.sql_with_params()
    columns = list(FACET_COLUMNS.values())
    sets = ", ".join(
        ["(ok_all)"] + [f"(ok_{facet}, {column})" for facet, column in FACET_COLUMNS.items()]
    )
    grouped = (
        f"SELECT GROUPING(ok_all, {', '.join(columns)}), ok_all, "
        f"{', '.join(f'ok_{facet}' for facet in FACET_COLUMNS)}, {', '.join(columns)}, count(*) "
        f"FROM ({sql}) AS matches GROUP BY GROUPING SETS ({sets})"
    )
    with connection.cursor() as cursor:
        cursor.execute(grouped, params)
        results = cursor.fetchall()

    total = 0
    facets: dict[str, Counter[Any]] = {facet: Counter() for facet in FACET_COLUMNS}
    width = len(columns) + 1
    for row in results:
        grouping, ok_all, oks, values, count = (
            row[0],
            row[1],
            row[2 : 2 + len(FACET_COLUMNS)],
            row[2 + len(FACET_COLUMNS) : -1],
            row[-1],
        )
        grouped_by = [i for i in range(width) if not (grouping >> (width - 1 - i)) & 1]
        if grouped_by == [0]:
            total += count if ok_all else 0
            continue
        index = grouped_by[0] - 1
        facet = list(FACET_COLUMNS)[index]
        if not oks[index]:
            continue
        value = values[index]
        if columns[index] in _LIST_COLUMNS:
            for item in set(value or ()):
                facets[facet][item] += count
        else:
            facets[facet][value] += count
    return total, facets


# Private-use characters mark the matched words: the text is escaped first, then the markers
# become <mark> tags, so record text never reaches the page unescaped.
_START, _STOP = "\ue000", "\ue001"
_HEADLINE_OPTIONS = (
    f"StartSel={_START}, StopSel={_STOP}, MaxWords=30, MinWords=12, MaxFragments=2, "
    'FragmentDelimiter=" … "'
)
_MARKED = re.compile(f"{_START}(.*?){_STOP}", re.DOTALL)


def highlight(headline: str) -> SafeString:
    """The headline escaped, its matched words in <mark>."""
    escaped = escape(headline)
    marked = _MARKED.sub(lambda m: f"<mark>{m[1]}</mark>", escaped)
    # Safe: escaped above; the only tags are the <mark>s put in here.
    return mark_safe(marked.replace(_START, "").replace(_STOP, ""))


@dataclass(frozen=True)
class Snippet:
    label: str  # the field it matched in: "title", "other name", "eligibility"
    html: SafeString


def _named(query: TsQuery, prefix: str) -> tuple[str, dict[str, Any]]:
    """The query's SQL with its positional placeholders turned into named ones."""
    pieces = query.sql.split("%s")
    sql = pieces[0] + "".join(f"%({prefix}{i})s{piece}" for i, piece in enumerate(pieces[1:]))
    return sql, {f"{prefix}{i}": value for i, value in enumerate(query.params)}


def snippets(
    ids: Sequence[int], query: TsQuery, skip_eligibility: bool, prefer: TsQuery | None = None
) -> dict[int, Snippet]:
    """For each study, the first field (in document order) the query matches, highlighted.

    A field matching ``prefer`` (the person's own words) comes before one that matches only
    the rest of ``query`` (another name of their drug): "Revlimid" shows the other name
    Revlimid, not the title's lenalidomide.
    """
    skip = "AND f.weight <> 'D'" if skip_eligibility else ""
    query_sql, params = _named(query, "q")
    prefer_sql, prefer_params = _named(prefer or query, "p")
    params.update(prefer_params)
    # Per study, the fields in document order, stopping at the first that matches: PostgreSQL
    # runs UNION ALL branches in order, so a title match never tokenizes the long texts.
    first_match = f"""
        SELECT f.label, f.body
        FROM ({fields_sql("ARRAY[page.id]")}) AS f (study_id, body, weight, grp, ord, label)
        WHERE to_tsvector('{CONFIG}', f.body) @@ {{query}} {skip}
        LIMIT 1
    """
    sql = f"""
        SELECT page.id, hit.label, ts_headline('{CONFIG}', hit.body, q.q, %(options)s)
        FROM unnest(%(ids)s::bigint[]) AS page (id),
            (SELECT {query_sql} AS q, {prefer_sql} AS p) AS q,
            LATERAL (
                ({first_match.format(query="q.p")})
                UNION ALL ({first_match.format(query="q.q")})
                LIMIT 1
            ) AS hit
    """
    params.update({"ids": list(ids), "options": _HEADLINE_OPTIONS})
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {pk: Snippet(label, highlight(text)) for pk, label, text in cursor.fetchall()}
