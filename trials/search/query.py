"""Matching, ranking and snippets over the search rows.

Costs are planned for a very common word at 100,000+ studies (docs/engineering.md "Search"):
the match is a GIN lookup over narrow SearchMatch rows; ranking reads only the small
``rank_vector`` (SearchRanking), and the large vectors only for the few rows a page still needs;
the total and every facet come from one query (``facets``); snippets are cut from the page's
rows' texts only.
"""

import functools
import operator
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQueryField, SearchRank, SearchVectorField
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    Expression,
    F,
    FloatField,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from psycopg import sql

from registry.replicas import reading_connection
from trials.models import SearchMatch, SearchRanking

from . import spelling
from .document import fields_sql
from .layout import (
    CONFIG,
    ELIGIBILITY_WEIGHT,
    INTERVENTION_RANK,
    RANK_WEIGHTS,
    SAMPLE_LEXEME,
    FacetFilter,
    key_prefix,
)
from .lexicon import DrugNames


class TsQuery(Expression):
    """A tsquery written in SQL with its parameters."""

    output_field = SearchQueryField()

    def __init__(self, sql: str, params: Sequence[str] = ()) -> None:
        super().__init__()
        self.sql, self.params = sql, tuple(params)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[str, ...]]:
        return f"({self.sql})", self.params

    # Combinable.__or__ makes a Q (a boolean OR); two tsqueries combine with || into a tsquery.
    def __or__(self, other: "TsQuery") -> "TsQuery":  # type: ignore[override]
        return TsQuery(f"({self.sql}) || ({other.sql})", self.params + other.params)

    def __and__(self, other: "TsQuery") -> "TsQuery":  # type: ignore[override]
        return TsQuery(f"({self.sql}) && ({other.sql})", self.params + other.params)

    @classmethod
    def websearch(
        cls,
        text: str,
        long_forms: Mapping[str, Sequence[str]] | None = None,
        *,
        variants: bool = True,
    ) -> "TsQuery":
        """Words as people type them: "quoted phrases", OR, -word. Plain words are each asked
        for in every spelling (``spelling``): "leukaemia children" finds "leukemia" too; and a
        word that is an abbreviation, as its ``long_forms`` too ("T2DM", or the words of "Type 2
        Diabetes Mellitus": what typing them finds). ``variants=False``: the words as written
        (stemmed), no other spelling (Essie's EXPANSION[None])."""
        one = f"websearch_to_tsquery('{CONFIG}', %s)"
        if not variants or not spelling.is_plain(text):
            return cls(one, [text])
        parts: list[str] = []
        params: list[str] = []
        for word in text.split():
            spelled, longer = spelling.spellings(word), (long_forms or {}).get(word, ())
            parts.append("(" + " || ".join([one] * (len(spelled) + len(longer))) + ")")
            params += [*spelled, *longer]
        return cls(" && ".join(parts), params)

    @classmethod
    def phrase(cls, text: str) -> "TsQuery":
        """The words of a name in their order ("Myocardial Infarction")."""
        return cls(f"phraseto_tsquery('{CONFIG}', %s)", [text])

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
        return cls("quote_literal(%s || trials_search_key(%s))::tsquery", [key_prefix(kind), name])


class Matches(Func):
    """vector @@ query."""

    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


SAMPLE = TsQuery.keys([SAMPLE_LEXEME])


def in_sample() -> Q:
    """SearchMatch rows of the sample, for a search without words (``Words.match`` else)."""
    return Q(Matches(F("document"), SAMPLE))


def both(first: TsQuery | None, second: TsQuery | None) -> TsQuery | None:
    """Both tsqueries (None: no condition)."""
    if first is None or second is None:
        return first or second
    return first & second


def facet_query(filters: Sequence[FacetFilter], but_one: bool = False) -> TsQuery | None:
    """The facet lexemes of the rows that pass every filter (``but_one``: every filter but at
    most one, the rows the facets count), or None where the lexemes cannot say (a filter
    without lexemes, or a single filter let go)."""
    if not but_one:
        conditions = [TsQuery.keys(f.lexemes) for f in filters if f.lexemes]
        return functools.reduce(operator.and_, conditions) if conditions else None
    alternatives = [facet_query([*filters[:i], *filters[i + 1 :]]) for i in range(len(filters))]
    found = [a for a in alternatives if a is not None]
    if not found or len(found) < len(alternatives):
        return None
    return functools.reduce(operator.or_, found)


class InWeights(Func):
    """Only the vector's lexemes of these weights (ts_filter)."""

    function = "ts_filter"
    template = '%(function)s(%(expressions)s::"char"[])'
    output_field = SearchVectorField()

    def __init__(self, vector: str, weights: str) -> None:
        super().__init__(F(vector), Value(list(weights)))


def ranked_in(weights: str, query: TsQuery) -> Q:
    """SearchRanking rows whose rank_vector matches in the lexemes of these weights only.

    The plain match is the GIN index's; the weighted one then keeps the rows whose matching
    lexemes carry those weights (a condition's words, not a title's).
    """
    return Q(Matches(F("rank_vector"), query)) & Q(
        Matches(InWeights("rank_vector", weights), query)
    )


@dataclass(frozen=True)
class Words:
    """The q parameter: words anywhere, and a drug its whole text names."""

    text: str
    skip_eligibility: bool = False
    drug: DrugNames | None = None
    terms: tuple[str, ...] = ()  # MeSH terms the vocabulary links the whole text to
    # The long forms of its words that are abbreviations: (("T2DM", ("Type 2 Diabetes
    # Mellitus",)),), as ``vocabulary.long_forms`` gives them.
    long_forms: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def query(self) -> TsQuery:
        return with_terms(TsQuery.websearch(self.text, dict(self.long_forms)), self.terms)

    def rank_query(self) -> TsQuery:
        """What ranks and highlights: the words, or any name of the drug they name."""
        if self.drug and self.drug.tsquery:
            return self.query() | TsQuery.raw(self.drug.tsquery)
        return self.query()

    def _with_drug(self) -> TsQuery:
        """The words, or the lexicon keys of the drug they name: lexemes of the same vectors."""
        return self.query() | TsQuery.keys(self.drug.keys) if self.drug else self.query()

    def _in_drug_names(self) -> Q | None:
        """SearchRanking rows whose intervention names hold the words of a name of the drug the
        words name ("Lenalidomide 5 mg" for "Revlimid"), as the drug box finds them."""
        if not (self.drug and self.drug.tsquery):
            return None
        return ranked_in(INTERVENTION_RANK, TsQuery.raw(self.drug.tsquery))

    def match(self, sample: bool = False, facets: TsQuery | None = None) -> Q:
        """SearchMatch rows the words find (anywhere, or anywhere but the eligibility criteria);
        ``sample``: only those of the sample (``layout.SAMPLE_LEXEME``), and ``facets``: only
        those with these facet lexemes (``facet_query``), in the same lookup."""
        vector = "core" if self.skip_eligibility else "document"
        also = both(SAMPLE if sample else None, facets)
        words = self._with_drug()
        found = Q(Matches(F(vector), words & also if also else words))
        if (in_names := self._in_drug_names()) is None:
            return found
        # One IN over a UNION of two index lookups: "words OR a subquery" cannot be answered
        # from an index, and read every study's vector (8 s for "temsirolimus" at 600,000).
        named = SearchMatch.objects.filter(
            pk__in=SearchRanking.objects.filter(in_names).values("pk")
        )
        if also:
            named = named.filter(Matches(F(vector), also))
        by_words = SearchMatch.objects.filter(found).values("pk")
        return Q(pk__in=by_words.union(named.values("pk")))

    def ranked_match(self) -> Q:
        """SearchRanking rows of the first tier: in an ID, a title, a condition or a drug name."""
        found = Q(Matches(F("rank_vector"), self._with_drug()))
        if (in_names := self._in_drug_names()) is not None:
            found |= in_names
        return found

    def core_match(self) -> Q:
        return Q(Matches(F("core"), self.query()))


def with_terms(query: TsQuery, terms: Sequence[str]) -> TsQuery:
    """The query, or any of these MeSH terms ("heart attack" or Myocardial Infarction)."""
    for term in terms:
        query = query | TsQuery.phrase(term)
    return query


def naming_drug(drug: DrugNames) -> Q:
    """SearchMatch rows of the studies that give ``drug`` any of its names (intr, admin search),
    as a name of its own or within an intervention's longer name: "Doxorubicin Hydrochloride",
    "Naltrexone Tablet" and "Lenalidomide 5 mg" hold the words of a name of the drug.

    One IN over a UNION of two index matches: the names' keys in the document, the names'
    words among the rank vector's intervention names (not in a condition's name)."""
    by_name = SearchMatch.objects.filter(Matches(F("document"), TsQuery.keys(drug.keys)))
    if not drug.tsquery:
        return Q(pk__in=by_name.values("pk"))
    words = TsQuery.raw(drug.tsquery)
    in_names = SearchRanking.objects.filter(ranked_in(INTERVENTION_RANK, words))
    return Q(pk__in=by_name.values("pk").union(in_names.values("pk")))


# The column orders of a list, newest or largest first; "updated" also orders each relevance
# tier but the first. SearchMatch's sort indexes serve these: a list of many rows that only
# columns filter is read in index order until the page is full.
SORTS = {
    "updated": F("last_update_posted_date").desc(nulls_last=True),
    "start": F("start_date").desc(nulls_last=True),
    "enrollment": F("enrollment").desc(nulls_last=True),
}


class Unindexed(Func):
    """A column as an expression no index serves (``column + 0``, the same value)."""

    template = "(%(expressions)s + 0)"


# The same orders for rows a vector lookup finds (words, facet lexemes): found first, then
# sorted. Read in index order instead, each row's vector is unpacked to test it, and a rare
# word that the planner expects a few hundred times reads every study (6.8 s at 600,000).
FOUND_SORTS = {
    name: Unindexed(order.expression).desc(nulls_last=True) for name, order in SORTS.items()
}


@dataclass(frozen=True)
class Relevance:
    """Relevance order, declared once: titles and names first, eligibility last.

    Three tiers: matched in the small rank_vector (an ID, a title, a condition or a drug name),
    ranked by ts_rank; matched in the rest of the text (summary, outcomes...); matched only in
    the eligibility criteria. The last two follow by last update. ``page`` reads one page and
    ``order`` sorts every result (downloads); both follow ``tiers``.
    """

    words: Words

    def score(self) -> SearchRank:
        return SearchRank(F("rank_vector"), self.words.rank_query(), weights=RANK_WEIGHTS)

    def first_tier(self) -> QuerySet[SearchRanking]:
        return SearchRanking.objects.filter(self.words.ranked_match())

    def tiers(self) -> list[Q]:
        """What puts a SearchMatch row in each tier; a row is in the first tier it matches."""
        # NOT EXISTS, not NOT IN, where a later tier leaves this one out: for the few rows the
        # filters leave, the planner probes each row's ranking vector instead of collecting
        # every first-tier match of a common word.
        first = Q(Exists(self.first_tier().filter(pk=OuterRef("pk"))))
        tiers = [first, self.words.core_match()]
        if not self.words.skip_eligibility:
            tiers.append(Q(Matches(F("document"), self.words.query())))
        return tiers

    def page(self, filters: QuerySet[SearchMatch] | None, offset: int, limit: int) -> list[int]:
        """One page of the matches: ``filters`` are the rows every other parameter allows.

        Ranking every match of a very common word reads every large vector; instead only the
        first tier (alone in its narrow SearchRanking row) is ranked. PostgreSQL runs the
        branches of a UNION ALL in order and stops when the page is full, so the later tiers
        cost nothing while the first one fills the page.
        """
        wanted = offset + limit
        first = self.first_tier()
        if filters is not None:
            first = first.filter(pk__in=filters.values("pk"))
        first_pks = (
            first.annotate(score=self.score())
            .order_by("-score", SORTS["updated"], "pk")
            .values_list("pk", flat=True)[:wanted]
        )
        rows = filters if filters is not None else SearchMatch.objects.all()
        tiers = self.tiers()
        later = []
        for index in range(1, len(tiers)):
            tier = rows.filter(tiers[index])
            for earlier in reversed(tiers[:index]):
                tier = tier.exclude(earlier)
            later.append(
                tier.order_by(FOUND_SORTS["updated"], "pk").values_list("pk", flat=True)[:wanted]
            )
        return list(first_pks.union(*later, all=True).order_by()[offset:wanted])

    def order(self, queryset: QuerySet[SearchMatch]) -> QuerySet[SearchMatch]:
        """Every matching row in order, in one pass: the tiers become one sort key."""
        *ranked, _ = self.tiers()
        score = self.first_tier().filter(pk=OuterRef("pk")).annotate(score=self.score())
        return queryset.annotate(
            tier=Case(
                *(When(tier, then=Value(index)) for index, tier in enumerate(ranked)),
                default=Value(len(ranked)),
                output_field=IntegerField(),
            ),
            score=Coalesce(Subquery(score.values("score"), output_field=FloatField()), Value(0.0)),
        ).order_by("tier", "-score", FOUND_SORTS["updated"], "pk")


def sorted_ids(
    queryset: QuerySet[SearchMatch], sort: str, offset: int, limit: int, *, found: bool
) -> list[int]:
    """One page of the matches in a column's order, newest or largest first; ``found``: the
    rows are those a vector lookup finds (``FOUND_SORTS``), else columns alone filter them."""
    order = (FOUND_SORTS if found else SORTS)[sort]
    ordered = queryset.order_by(order, "pk").values_list("pk", flat=True)
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


def _first_match(query: str, skip_eligibility: bool) -> sql.Composed:
    """Of one page row's fields in document order, the first that the query ``q.<query>`` matches.

    PostgreSQL runs UNION ALL branches in order and stops at the LIMIT, so a title match never
    tokenizes the long texts.
    """
    skip: sql.Composable = sql.SQL("")
    if skip_eligibility:
        skip = sql.SQL("AND f.weight <> {}").format(sql.Literal(ELIGIBILITY_WEIGHT))
    return sql.SQL(
        "SELECT f.label, f.body FROM ({fields}) AS f (study_id, body, weight, rank, ord, label)"
        " WHERE to_tsvector({config}, f.body) @@ {query} {skip} LIMIT 1"
    ).format(
        fields=fields_sql(sql.SQL("ARRAY[page.id]")),
        config=sql.Literal(CONFIG),
        query=sql.Identifier("q", query),
        skip=skip,
    )


def snippets(
    ids: Sequence[int], query: TsQuery, skip_eligibility: bool, prefer: TsQuery | None = None
) -> dict[int, Snippet]:
    """For each study, the first field (in document order) the query matches, highlighted.

    A field matching ``prefer`` (the person's own words) comes before one that matches only
    the rest of ``query`` (another name of their drug): "Revlimid" shows the other name
    Revlimid, not the title's lenalidomide.
    """
    prefer = prefer or query
    statement = sql.SQL("""
        SELECT page.id, hit.label, ts_headline({config}, hit.body, q.q, q.options)
        FROM (SELECT {query} AS q, {prefer} AS p, %s AS options) AS q,
            unnest(%s::bigint[]) AS page (id),
            LATERAL (({preferred}) UNION ALL ({anything}) LIMIT 1) AS hit
    """).format(
        config=sql.Literal(CONFIG),
        query=sql.SQL(query.sql),
        prefer=sql.SQL(prefer.sql),
        preferred=_first_match("p", skip_eligibility),
        anything=_first_match("q", skip_eligibility),
    )
    # Positional parameters, in the order they appear in the statement.
    params: list[str | list[int]] = [*query.params, *prefer.params, _HEADLINE_OPTIONS, list(ids)]
    with reading_connection().cursor() as cursor:
        cursor.execute(statement.as_string(), params)
        return {pk: Snippet(label, highlight(text)) for pk, label, text in cursor.fetchall()}
