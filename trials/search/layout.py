"""The layout of the search rows, declared once.

Which text of a study feeds which vector with which weight (``FIELDS``), which names make the
lexicon and how their keys are spelt (``NAMES``, ``term_key``), and how SearchMatch codes each
enumerated facet (``CODED``). ``document`` builds the rows from this; ``query``, ``facets``,
``lexicon``, the FilterSet, the API and the downloads read them through it.

SQL is composed with psycopg's ``sql`` from the models' own table and column names.
"""

import operator
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import reduce

from django.db import models
from django.db.models import BooleanField, F, Func, Q
from psycopg import sql

from trials import vocab
from trials.models import (
    Condition,
    Identifier,
    Intervention,
    Keyword,
    MeshTerm,
    OtherName,
    OutcomeMeasure,
    Site,
    Sponsor,
    Study,
    TermKind,
)

# The text-search configuration of every vector and query (unaccent, then English stems).
CONFIG = "trials_english"


def table(model: type[models.Model]) -> sql.Identifier:
    return sql.Identifier(model._meta.db_table)


def column(model: type[models.Model], name: str, alias: str = "") -> sql.Composable:
    """A field's column, qualified by ``alias`` when given."""
    field = model._meta.get_field(name)
    # Only a concrete field has a column; naming a reverse relation here is a bug in the layout.
    assert isinstance(field, models.Field) and field.column, f"{model.__name__}.{name}"
    identifier = sql.Identifier(field.column)
    return sql.SQL("{}.{}").format(sql.Identifier(alias), identifier) if alias else identifier


# What one text (a field, or one part's field) contributes to the search, in characters. Real
# texts stay far below (a long detailed description is some 20,000); a record with a 10 MB field
# would otherwise make every search that matches it tokenize and highlight all of it (7.5 s per
# page, measured), so no record can slow other people's searches. Words past it are not found.
MAX_FIELD_CHARS = 60_000


@dataclass(frozen=True)
class Source:
    """A text column of a study, or of one of its parts (through ``via``, a part's parent)."""

    model: type[models.Model]
    field: str
    via: str = ""  # the foreign key to the part that belongs to the study (other names)
    where: tuple[str, str, str] | None = None  # (field, "=" or "<>", value): only some rows

    def select(self, ids: sql.Composable | None) -> sql.Composed:
        """SELECT study id, text: of the studies whose IDs ``ids`` holds (None: all)."""
        joined: sql.Composable
        if self.model is Study:
            study, joined = column(Study, "id", "t"), sql.SQL("")
        elif self.via:
            parent = self.model._meta.get_field(self.via).related_model
            assert parent is not None, f"{self.model.__name__}.{self.via} is not a relation"
            study = column(parent, "study", "p")
            joined = sql.SQL(" JOIN {} AS p ON {} = {}").format(
                table(parent), column(parent, "id", "p"), column(self.model, self.via, "t")
            )
        else:
            study, joined = column(self.model, "study", "t"), sql.SQL("")
        conditions = [
            sql.SQL("true") if ids is None else sql.SQL("{} = ANY({})").format(study, ids)
        ]
        if self.where:
            name, op, value = self.where
            assert op in ("=", "<>")
            conditions.append(
                sql.SQL("{} {} {}").format(
                    column(self.model, name, "t"), sql.SQL(op), sql.Literal(str(value))
                )
            )
        return sql.SQL("SELECT {}, left({}, {}) FROM {} AS t{} WHERE {}").format(
            study,
            column(self.model, self.field, "t"),
            sql.Literal(MAX_FIELD_CHARS),
            table(self.model),
            joined,
            sql.SQL(" AND ").join(conditions),
        )


@dataclass(frozen=True)
class Field:
    """One searchable text: its weight in SearchMatch.document, its weight in
    SearchRanking.rank_vector (none: not ranked on), and its label beside a snippet."""

    source: Source
    weight: str
    rank: str
    label: str


_CONDITION_MESH = Source(MeshTerm, "term", where=("kind", "<>", vocab.MeshKind.INTERVENTION))
_INTERVENTION_MESH = Source(MeshTerm, "term", where=("kind", "=", vocab.MeshKind.INTERVENTION))
_OTHER_NAMES = Source(OtherName, "name", via="intervention")

# In document order: a snippet shows the first field that matches. Document weights: A IDs and
# titles, B conditions and interventions, C summary, outcomes, sponsors, D eligibility. Rank
# weights: A IDs and titles, B conditions (the cond filter), C interventions (intr).
FIELDS: tuple[Field, ...] = (
    Field(Source(Study, "nct_id"), "A", "A", "NCT ID"),
    Field(Source(Study, "brief_title"), "A", "A", "title"),
    Field(Source(Study, "official_title"), "A", "A", "official title"),
    Field(Source(Study, "acronym"), "A", "A", "acronym"),
    Field(Source(Identifier, "value"), "A", "A", "ID"),
    Field(Source(Condition, "name"), "B", "B", "condition"),
    Field(Source(Intervention, "name"), "B", "C", "intervention"),
    Field(_OTHER_NAMES, "B", "C", "other name"),
    Field(Source(Keyword, "name"), "B", "B", "keyword"),
    Field(_CONDITION_MESH, "B", "B", "MeSH term"),
    Field(_INTERVENTION_MESH, "B", "C", "MeSH term"),
    Field(Source(Study, "brief_summary"), "C", "", "summary"),
    Field(Source(OutcomeMeasure, "measure"), "C", "", "outcome"),
    Field(Source(Study, "detailed_description"), "C", "", "description"),
    Field(Source(OutcomeMeasure, "description"), "C", "", "outcome"),
    Field(Source(Sponsor, "name"), "C", "", "sponsor"),
    Field(Source(Study, "eligibility_criteria"), "D", "", "eligibility"),
)
# SearchMatch.core is the document without these: "leave out eligibility-only matches".
ELIGIBILITY_WEIGHT = "D"
# The rank weights the cond and intr filters match their words in.
CONDITION_RANK = "B"
INTERVENTION_RANK = "C"
# ts_rank weights for D, C, B, A of rank_vector: a word in the title first, a condition or
# drug next.
RANK_WEIGHTS = [0.05, 0.4, 0.4, 1.0]

# The lexicon's names of a study, by SearchTerm.kind, as the record spells them.
NAMES: tuple[tuple[TermKind, Source], ...] = (
    (TermKind.CONDITION, Source(Condition, "name")),
    (TermKind.INTERVENTION, Source(Intervention, "name")),
    (TermKind.INTERVENTION, _OTHER_NAMES),
    (TermKind.SPONSOR, Source(Sponsor, "name")),
    (TermKind.COUNTRY, Source(Site, "place_country")),
)
# A lexicon key as SearchDocument.term_keys holds it and as a lexeme of the vectors:
# "<kind>:<trials_search_key(name)>" ("I:revlimid", "S:pfizer").
KEY_SEPARATOR = ":"
# The kinds whose keys rank too (a drug the words name joins the first tier).
RANKED_KINDS = (TermKind.INTERVENTION,)


# A fixed sample of the studies, from which the counts of a search too broad to count exactly
# are estimated (``trials.search.facets``): every SAMPLE_EVERY-th run of SAMPLE_RUN consecutive
# IDs. A sampled study's vectors hold SAMPLE_LEXEME (no text yields an upper-case lexeme), so
# "these words, in the sample" is one lookup in the words' own index, whatever the planner
# thinks of two conditions: a sixteenth of the rows read, and no vector unpacked to test one.
SAMPLE_EVERY = 16
SAMPLE_RUN = 64
SAMPLE_LEXEME = "Z:sample"


def sample_sql(study_id: sql.Composable) -> sql.Composed:
    """SQL of the tsvector a study's vectors add: the sample's lexeme, or nothing."""
    return sql.SQL(
        "CASE WHEN mod({} / {}, {}) = 0 THEN array_to_tsvector(ARRAY[{}]) ELSE ''::tsvector END"
    ).format(
        study_id, sql.Literal(SAMPLE_RUN), sql.Literal(SAMPLE_EVERY), sql.Literal(SAMPLE_LEXEME)
    )


# The facets' values as lexemes of the same vectors ("F:status:5", "F:phases:16",
# "F:countries:France"): a study's code in each coded column, each bit of a column of several,
# each boolean that is set, each country. A search's facet filters then join its words in one
# tsquery, so "cancer, recruiting, phase 3" is one lookup in the words' index (GIN intersects
# the lists, skipping ahead in the longest) instead of testing every cancer study's columns.
FACET_PREFIX = "F"
# The facets kept as lexemes beside CODED's: a boolean column (set: true) and the countries.
FACET_FLAGS = ("healthy_volunteers", "has_results")
FACET_NAMES = "countries"


def facet_lexeme(column: str, value: object) -> str:
    """The lexeme of one value of a facet's column: a code, a bit, ``true`` or a country."""
    if isinstance(value, bool):
        value = "true" if value else "false"
    return f"{FACET_PREFIX}{KEY_SEPARATOR}{column}{KEY_SEPARATOR}{value}"


def facets_vector_sql(
    column_sql: Callable[[str], sql.Composable] = sql.Identifier,
) -> sql.Composed:
    """SQL of the tsvector of a row's facet lexemes, from its codes, flags and countries: the
    SQL of each is ``column_sql`` of SearchMatch's column name (by default, that column)."""

    def lexemes(column: str, values: sql.Composable) -> sql.Composed:
        prefix = sql.Literal(facet_lexeme(column, ""))
        return sql.SQL("ARRAY(SELECT {} || v FROM {} AS t (v))").format(prefix, values)

    arrays = []
    for coded in CODED.values():
        name = column_sql(coded.column)
        if coded.several:
            bits = sql.SQL(
                "(SELECT 1 << b FROM generate_series(0, {}) AS b WHERE {} & (1 << b) <> 0)"
            ).format(sql.Literal(len(coded.values) - 1), name)
            arrays.append(lexemes(coded.column, bits))
        else:
            arrays.append(lexemes(coded.column, sql.SQL("(SELECT {})").format(name)))
    for flag in FACET_FLAGS:
        arrays.append(lexemes(flag, sql.SQL("(SELECT 'true' WHERE {})").format(column_sql(flag))))
    arrays.append(lexemes(FACET_NAMES, sql.SQL("unnest({})").format(column_sql(FACET_NAMES))))
    # A NULL code (no value) makes a NULL lexeme, which a tsvector may not hold.
    return sql.SQL("array_to_tsvector(array_remove({}, NULL))").format(sql.SQL(" || ").join(arrays))


def term_key(kind: str, key: str) -> str:
    """The lexicon key of a name whose search key is ``key``."""
    return f"{kind}{KEY_SEPARATOR}{key}"


def key_prefix(kind: str) -> str:
    return term_key(kind, "")


class AnyBit(Func):
    """column & mask <> 0: the study has at least one of the values the mask's bits stand for."""

    template = "(%(expressions)s & %(mask)s) <> 0"
    output_field = BooleanField()

    def __init__(self, column: str, mask: int) -> None:
        super().__init__(F(column), mask=int(mask))


@dataclass(frozen=True)
class Coded:
    """An enumerated facet stored as a code in ``column`` of SearchMatch.

    A code is a value's position in its vocab TextChoices: a vocab change that reorders or
    inserts choices must be followed by ``refresh_search_many`` over every study.
    """

    column: str
    choices: type[vocab.TextChoices]
    several: bool = False  # several values per study: one bit per choice
    source: str = ""  # the SearchDocument field it codes, when not named as ``column``

    @property
    def document_field(self) -> str:
        return self.source or self.column

    @property
    def values(self) -> list[str]:
        return list(self.choices.values)

    def code(self, value: str) -> int | None:
        """The integer a single value is stored as (its position), or its bit."""
        if value not in self.values:
            return None
        position = self.values.index(value)
        return 1 << position if self.several else position + 1

    def decode(self, code: int | None) -> list[str]:
        """The values a stored code stands for."""
        if code is None:
            return []
        if self.several:
            return [v for i, v in enumerate(self.values) if code & (1 << i)]
        return [self.values[code - 1]] if 0 < code <= len(self.values) else []

    def any_of(self, values: Iterable[str]) -> Q:
        """Studies with any of these values."""
        codes = [c for c in (self.code(v) for v in values) if c is not None]
        if self.several:
            return Q(AnyBit(self.column, reduce(operator.or_, codes, 0)))
        return Q(**{f"{self.column}__in": codes})

    def lexemes(self, values: Iterable[str]) -> tuple[str, ...]:
        """The lexemes of the studies with any of these values (``facet_lexeme``)."""
        codes = [c for c in (self.code(v) for v in values) if c is not None]
        return tuple(facet_lexeme(self.column, code) for code in codes)

    def sql(self, source: sql.Composable) -> sql.Composed:
        """SQL computing the code from the study's text column (or array) ``source``."""
        choices = sql.SQL("ARRAY[{}]::text[]").format(
            sql.SQL(", ").join(sql.Literal(v) for v in self.values)
        )
        if self.several:
            return sql.SQL(
                "(SELECT coalesce(bit_or(1 << (array_position({}, v::text) - 1)), 0)"
                " FROM unnest({}) AS v)::smallint"
            ).format(choices, source)
        return sql.SQL("array_position({}, {}::text)::smallint").format(choices, source)


# Facet name (the query parameter) -> how SearchMatch stores it. "healthy" and "results" are
# plain booleans, "country" the array of country names.
CODED = {
    "status": Coded("status", vocab.Status, source="overall_status"),
    "phase": Coded("phases", vocab.Phase, several=True),
    "type": Coded("study_type", vocab.StudyType),
    "itype": Coded("intervention_types", vocab.InterventionType, several=True),
    "sex": Coded("sex", vocab.Sex),
    "sponsor_class": Coded("sponsor_class", vocab.AgencyClass),
    "ages": Coded("age_groups", vocab.StdAge, several=True),
}


@dataclass(frozen=True)
class FacetFilter:
    """An active facet filter: its condition on SearchMatch's columns, and the lexemes
    (``facet_lexeme``) of which a row that passes holds at least one. No lexemes: the filter
    has no lexeme form ("without results" is the absence of one) and narrows nothing early."""

    condition: Q
    lexemes: tuple[str, ...] = ()

    @classmethod
    def coded(cls, facet: str, values: Iterable[str]) -> "FacetFilter":
        values = list(values)
        return cls(CODED[facet].any_of(values), CODED[facet].lexemes(values))


def age_groups_sql(minimum: sql.Composable, maximum: sql.Composable) -> sql.Composed:
    """SQL of the age groups' bits (``CODED["ages"]``) an age range in days reaches."""
    bits = []
    for group, first, next_first in vocab.AGE_GROUPS:
        low, high = vocab.age_in_days(first), vocab.age_in_days(next_first)
        below = sql.SQL("true") if high is None else sql.SQL("coalesce({} < {}, true)")
        above = sql.SQL("true") if low is None else sql.SQL("coalesce({} >= {}, true)")
        bits.append(
            sql.SQL("CASE WHEN {} AND {} THEN {} ELSE 0 END").format(
                below.format(minimum, sql.Literal(high)) if high is not None else below,
                above.format(maximum, sql.Literal(low)) if low is not None else above,
                sql.Literal(CODED["ages"].code(group)),
            )
        )
    return sql.SQL("({})::smallint").format(sql.SQL(" | ").join(bits))


FACET_COLUMNS = {
    **{name: coded.column for name, coded in CODED.items()},
    "healthy": "healthy_volunteers",
    "results": "has_results",
    "country": "countries",
}
