"""Matching, ranking and snippets over the search rows.

Costs are planned for a very common word at 100,000+ studies (docs/engineering.md "Search"):
the match is a GIN lookup over narrow SearchMatch rows; ranking reads only the small
``rank_vector`` (SearchRanking), and the large vectors only for the few rows a page still needs;
the total and every facet come from one query (``facets``); snippets are cut from the page's
rows' texts only.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQueryField, SearchRank
from django.db import connection
from django.db.models import BooleanField, Exists, Expression, F, Func, OuterRef, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from trials.models import SearchMatch, SearchRanking

from .document import CONFIG, fields_sql
from .lexicon import DrugNames

# ts_rank weights for D, C, B, A. In rank_vector, A is IDs and titles, B conditions, C
# interventions: a word in the title first, a condition or drug next.
RANK_WEIGHTS = [0.05, 0.4, 0.4, 1.0]


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

    @classmethod
    def keys(cls, keys: Sequence[str]) -> "TsQuery":
        """Any of these lexicon keys ("I:revlimid"): lexemes of SearchMatch.document."""
        quoted = (k.replace("\\", "\\\\").replace("'", "''") for k in keys)
        return cls.raw(" | ".join(f"'{k}'" for k in quoted))

    @classmethod
    def key(cls, kind: str, name: str) -> "TsQuery":
        """The lexicon key of one name ("S:" and a sponsor's name), computed as the refresh does."""
        return cls("quote_literal(%s || ':' || trials_search_key(%s))::tsquery", [kind, name])


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

    def _with_drug(self) -> TsQuery:
        """The words, or the lexicon keys of the drug they name: lexemes of the same vectors."""
        return self.query() | TsQuery.keys(self.drug.keys) if self.drug else self.query()

    def match(self) -> Q:
        """SearchMatch rows the words find (anywhere, or anywhere but the eligibility criteria)."""
        vector = "core" if self.skip_eligibility else "document"
        return Q(Matches(F(vector), self._with_drug()))

    def ranked_match(self) -> Q:
        """SearchRanking rows of the first tier: in an ID, a title, a condition or a drug name."""
        return Q(Matches(F("rank_vector"), self._with_drug()))

    def core_match(self) -> Q:
        return Q(Matches(F("core"), self.query()))


def naming_drug(drug: DrugNames) -> Q:
    """SearchMatch rows of the studies that give ``drug`` any of its names (intr, admin search)."""
    return Q(Matches(F("document"), TsQuery.keys(drug.keys)))


def ranked_ids(
    filters: QuerySet[SearchMatch] | None, words: Words, offset: int, limit: int
) -> list[int]:
    """One page of the matches by relevance: titles and names first, eligibility last.

    ``filters`` are the SearchMatch rows every other parameter allows (None: all). Ranking every
    match of a very common word reads every large vector; instead the first tier (matched in
    the small rank_vector, alone in its narrow SearchRanking row) is ranked by ts_rank, and the
    other two tiers (matched in summary, outcomes...; matched only in the eligibility criteria)
    follow by last update. PostgreSQL runs the branches of a UNION ALL in order and stops when
    the page is full, so the later tiers cost nothing while the first one fills the page.
    """
    wanted = offset + limit
    newest = F("last_update_posted_date").desc(nulls_last=True)
    first = SearchRanking.objects.filter(words.ranked_match())
    if filters is not None:
        first = first.filter(pk__in=filters.values("pk"))
    first = (
        first.annotate(score=SearchRank(F("rank_vector"), words.rank_query(), weights=RANK_WEIGHTS))
        .order_by("-score", newest, "pk")
        .values_list("pk", flat=True)[:wanted]
    )
    rows = filters if filters is not None else SearchMatch.objects.all()
    # NOT EXISTS, not NOT IN: for the few rows the filters leave, the planner probes each
    # row's ranking vector instead of collecting every first-tier match of a common word.
    ranked = Exists(SearchRanking.objects.filter(words.ranked_match(), pk=OuterRef("pk")))
    tiers = [
        rows.filter(words.core_match())
        .exclude(ranked)
        .order_by(newest, "pk")
        .values_list("pk", flat=True)[:wanted]
    ]
    if not words.skip_eligibility:
        tiers.append(
            rows.filter(Matches(F("document"), words.query()))
            .exclude(words.core_match())
            .exclude(ranked)
            .order_by(newest, "pk")
            .values_list("pk", flat=True)[:wanted]
        )
    return list(first.union(*tiers, all=True).order_by()[offset:wanted])


SORTS = {
    "updated": F("last_update_posted_date").desc(nulls_last=True),
    "start": F("start_date").desc(nulls_last=True),
    "enrollment": F("enrollment").desc(nulls_last=True),
}


def sorted_ids(queryset: QuerySet[SearchMatch], sort: str, offset: int, limit: int) -> list[int]:
    """One page of the matches in a column's order, newest or largest first."""
    ordered = queryset.order_by(SORTS[sort], "pk").values_list("pk", flat=True)
    return list(ordered[offset : offset + limit])


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
