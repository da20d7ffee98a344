"""Building the search rows and the lexicon from studies, set-based, in SQL.

Each study has three derived rows, written by one statement: SearchMatch (what a search
matches, filters, counts and sorts on), SearchRanking (what relevance ranks on) and
SearchDocument (what its result row shows). What goes where is ``layout``'s; the statements
are composed from it and from the models' tables and columns once, at import.

The writer calls ``refresh_search(study)`` after saving a study's parts; a bulk loader calls
``refresh_search_many(ids)`` once for thousands of studies. Either way a handful of statements
run, whatever the number of studies. The SQL stays raw: the refresh runs inside bulk imports.
"""

from collections.abc import Sequence

from django.db import connection, models, transaction
from psycopg import sql

from trials import vocab
from trials.models import (
    Condition,
    DrugSynonym,
    Intervention,
    OtherName,
    SearchDocument,
    SearchMatch,
    SearchRanking,
    SearchTerm,
    Site,
    Sponsor,
    Study,
)

from .layout import (
    CODED,
    CONFIG,
    ELIGIBILITY_WEIGHT,
    FIELDS,
    KEY_SEPARATOR,
    NAMES,
    RANKED_KINDS,
    age_groups_sql,
    column,
    facets_vector_sql,
    key_prefix,
    sample_sql,
    table,
)
from .status import RESTATE_SQL, shown_status_sql, verified_sql

# Above this many studies the lexicon's counts are rebuilt whole: one grouped scan is cheaper
# than recounting each of a hundred thousand names through the index.
FULL_LEXICON_REBUILD = 2000

IDS = sql.Placeholder("ids")


def fields_sql(ids: sql.Composable | None = IDS) -> sql.Composed:
    """SELECT study_id, body, weight, rank, ord, label: the searchable texts of some studies."""
    return sql.SQL("\nUNION ALL ").join(
        sql.SQL(
            "SELECT t.*, {weight}, {rank}, {order}, {label}"
            " FROM ({select}) AS t (study_id, body) WHERE t.body <> ''"
        ).format(
            weight=sql.Literal(field.weight),
            rank=sql.Literal(field.rank),
            order=sql.Literal(order),
            label=sql.Literal(field.label),
            select=field.source.select(ids),
        )
        for order, field in enumerate(FIELDS)
    )


def names_sql(ids: sql.Composable | None = IDS) -> sql.Composed:
    """SELECT study_id, kind, name, key: the lexicon names of some (or all) studies."""
    return sql.SQL("\nUNION ALL ").join(
        sql.SQL(
            "SELECT t.study_id, {kind}, t.name, trials_search_key(t.name)"
            " FROM ({select}) AS t (study_id, name) WHERE trials_search_key(t.name) <> ''"
        ).format(kind=sql.Literal(str(kind)), select=source.select(ids))
        for kind, source in NAMES
    )


def _key(kind: sql.Composable, key: sql.Composable) -> sql.Composed:
    """SQL of a lexicon key: layout.term_key."""
    return sql.SQL("{} || {} || {}").format(kind, sql.Literal(KEY_SEPARATOR), key)


# One text vector per distinct (document weight, rank weight) of the fields, in field order:
# each field's text is tokenized once and each vector takes the pieces it needs.
_PARTS = list(dict.fromkeys((field.weight, field.rank) for field in FIELDS))


def _part(index: int) -> sql.Identifier:
    return sql.Identifier(f"v{index}")


def _joined(vectors: Sequence[sql.Composable]) -> sql.Composed:
    return sql.SQL(" || ").join(vectors)


def _weighted(use: str) -> sql.Composed:
    """The concatenation of the parts set to their document (or rank) weights."""
    vectors = []
    for index, (weight, rank) in enumerate(_PARTS):
        label = weight if use != "rank" else rank
        if not label or (use == "core" and weight == ELIGIBILITY_WEIGHT):
            continue
        vectors.append(sql.SQL("setweight({}, {})").format(_part(index), sql.Literal(label)))
    return _joined(vectors)


def _keys_vector(kinds: Sequence[str] | None = None) -> sql.Composed:
    """The row's lexicon keys (only these kinds') as lexemes of their own ("I:revlimid")."""
    keys: sql.Composable = sql.Identifier("term_keys")
    if kinds is not None:
        keys = sql.SQL("ARRAY(SELECT k FROM unnest({}) AS k WHERE {})").format(
            keys,
            sql.SQL(" OR ").join(
                sql.SQL("starts_with(k, {})").format(sql.Literal(key_prefix(kind)))
                for kind in kinds
            ),
        )
    return sql.SQL("array_to_tsvector({})").format(keys)


def _intervention_label() -> sql.Composed:
    """ "Drug: lenalidomide": the type's label before the name, as the result row shows it."""
    whens = sql.SQL(" ").join(
        sql.SQL("WHEN {} THEN {}").format(sql.Literal(value), sql.Literal(f"{label}: "))
        for value, label in vocab.InterventionType.choices
    )
    return sql.SQL("CASE {} {} ELSE '' END || {}").format(
        column(Intervention, "type"), whens, column(Intervention, "name")
    )


def _copied_from_study() -> list[str]:
    """SearchDocument fields that are the study's own columns, copied as they are."""
    own = {field.name for field in Study._meta.concrete_fields}
    return [f.name for f in SearchDocument._meta.concrete_fields if f.name in own]


_STUDY_ROWS = sql.SQL("""
WITH fields (study_id, body, weight, rank, ord, label) AS ({fields}),
texts AS (
    SELECT study_id, {texts} FROM fields GROUP BY study_id
),
vectors AS (
    SELECT study_id, {vectors} FROM texts
),
sponsors AS (
    SELECT {sp_study} AS study_id, array_agg({sp_name} ORDER BY {sp_position}) AS names,
        max({sp_name}) FILTER (WHERE {sp_lead}) AS lead,
        max({sp_class}) FILTER (WHERE {sp_lead}) AS class
    FROM {sponsor} WHERE {sp_study} = ANY({ids}) GROUP BY {sp_study}
),
sites AS (
    SELECT {si_study} AS study_id, count(*) AS n,
        coalesce(array_agg(DISTINCT {si_country}) FILTER (WHERE {si_country} <> ''), '{{}}')
            AS countries
    FROM {site} WHERE {si_study} = ANY({ids}) GROUP BY {si_study}
),
conditions AS (
    SELECT {c_study} AS study_id, array_agg({c_name} ORDER BY {c_position}) AS names
    FROM {condition} WHERE {c_study} = ANY({ids}) GROUP BY {c_study}
),
interventions AS (
    SELECT {i_study} AS study_id, array_agg({i_label} ORDER BY {i_position}) AS names,
        coalesce(array_agg(DISTINCT {i_type}) FILTER (WHERE {i_type} <> ''), '{{}}') AS types
    FROM {intervention} WHERE {i_study} = ANY({ids}) GROUP BY {i_study}
),
terms AS (
    SELECT study_id, array_agg(DISTINCT {key}) AS keys
    FROM ({names}) AS n (study_id, kind, name, key) GROUP BY study_id
),
rows AS (
    SELECT s.{s_id} AS study_id, {parts}, {copied},
        coalesce(i.types, '{{}}') AS intervention_types,
        coalesce(nullif(sp.class, ''), s.{s_org_class}) AS sponsor_class,
        coalesce(sp.lead, '') AS sponsor, coalesce(sp.names, '{{}}') AS sponsors,
        coalesce(si.countries, '{{}}') AS countries, coalesce(si.n, 0) AS site_count,
        coalesce(c.names, '{{}}') AS conditions, coalesce(i.names, '{{}}') AS interventions,
        coalesce(t.keys, '{{}}') AS term_keys, s.{s_verified} AS record_verified_date
    FROM {study} s
    JOIN vectors v ON v.study_id = s.{s_id}
    LEFT JOIN sponsors sp ON sp.study_id = s.{s_id}
    LEFT JOIN sites si ON si.study_id = s.{s_id}
    LEFT JOIN conditions c ON c.study_id = s.{s_id}
    LEFT JOIN interventions i ON i.study_id = s.{s_id}
    LEFT JOIN terms t ON t.study_id = s.{s_id}
    WHERE s.{s_id} = ANY({ids})
)""").format(
    fields=fields_sql(),
    texts=sql.SQL(",\n        ").join(
        sql.SQL(
            "string_agg(body, E'\\n' ORDER BY ord) FILTER (WHERE weight = {} AND rank = {}) AS {}"
        ).format(sql.Literal(weight), sql.Literal(rank), _part(index))
        for index, (weight, rank) in enumerate(_PARTS)
    ),
    vectors=sql.SQL(",\n        ").join(
        sql.SQL("to_tsvector({}, coalesce({}, '')) AS {}").format(
            sql.Literal(CONFIG), _part(index), _part(index)
        )
        for index in range(len(_PARTS))
    ),
    ids=IDS,
    sponsor=table(Sponsor),
    sp_study=column(Sponsor, "study"),
    sp_name=column(Sponsor, "name"),
    sp_position=column(Sponsor, "position"),
    sp_lead=column(Sponsor, "is_lead"),
    sp_class=column(Sponsor, "agency_class"),
    site=table(Site),
    si_study=column(Site, "study"),
    si_country=column(Site, "place_country"),
    condition=table(Condition),
    c_study=column(Condition, "study"),
    c_name=column(Condition, "name"),
    c_position=column(Condition, "position"),
    intervention=table(Intervention),
    i_study=column(Intervention, "study"),
    i_label=_intervention_label(),
    i_position=column(Intervention, "position"),
    i_type=column(Intervention, "type"),
    key=_key(sql.Identifier("kind"), sql.Identifier("key")),
    names=names_sql(),
    study=table(Study),
    s_id=column(Study, "id"),
    s_org_class=column(Study, "org_class"),
    s_verified=column(Study, "status_verified_date"),
    parts=sql.SQL(", ").join(sql.SQL("v.{}").format(_part(index)) for index in range(len(_PARTS))),
    copied=sql.SQL(", ").join(
        sql.SQL("s.{} AS {}").format(column(Study, name), sql.Identifier(name))
        for name in _copied_from_study()
    ),
)


_ROWS = sql.Identifier("rows")


def _upsert(
    model: type[models.Model],
    values: dict[str, sql.Composable],
    source: sql.Composable = _ROWS,
) -> sql.Composed:
    """INSERT ... ON CONFLICT DO UPDATE of every column of ``model`` from ``source``.

    A column's value is ``values[column]``, or the source's column of the same name.
    """
    # A concrete field is one with a column (Django sets ``concrete = column is not None``).
    columns = [field.column for field in model._meta.concrete_fields if field.column]
    pk = model._meta.pk
    assert pk is not None and pk.column, f"{model.__name__} has no primary key column"
    key = pk.column
    return sql.SQL(
        "INSERT INTO {table} ({columns})\nSELECT {values} FROM {source}\n"
        "ON CONFLICT ({key}) DO UPDATE SET {updates}"
    ).format(
        table=table(model),
        columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
        values=sql.SQL(", ").join(values.get(c, sql.Identifier(c)) for c in columns),
        source=source,
        key=sql.Identifier(key),
        updates=sql.SQL(", ").join(
            sql.SQL("{0} = EXCLUDED.{0}").format(sql.Identifier(c)) for c in columns if c != key
        ),
    )


# SearchMatch's codes of the facets, computed once: the columns hold them and the facet
# lexemes of the vectors are made from them (``layout.facets_vector_sql``).
_CODES: dict[str, sql.Composable] = {
    **{coded.column: coded.sql(sql.Identifier(coded.document_field)) for coded in CODED.values()},
    # The status as shown: a stale claim is unknown (trials.search.status).
    "status": shown_status_sql(
        sql.Identifier("overall_status"), sql.Identifier("record_verified_date")
    ),
    "age_groups": age_groups_sql(
        sql.Identifier("minimum_age_days"), sql.Identifier("maximum_age_days")
    ),
}


def _vector(use: str) -> sql.Composed:
    """A SearchMatch vector: its texts, the lexicon keys, the sample's and the facets' lexemes."""
    return sql.SQL("{} || {} || {} || {}").format(
        _weighted(use),
        _keys_vector(),
        sample_sql(sql.Identifier("study_id")),
        facets_vector_sql(lambda name: sql.Identifier(f"code_{name}" if name in _CODES else name)),
    )


# One statement for the three rows of each study: data-modifying CTEs write the ranking row
# and the result row.
_UPSERT = sql.SQL(
    "{rows},\nranked AS (\n{ranked}\n),\nshown AS (\n{shown}\n),\n"
    "coded AS (\nSELECT study_id, {codes} FROM rows\n)\n{matched}"
).format(
    rows=_STUDY_ROWS,
    ranked=_upsert(
        SearchRanking,
        {"rank_vector": sql.SQL("{} || {}").format(_weighted("rank"), _keys_vector(RANKED_KINDS))},
    ),
    shown=_upsert(SearchDocument, {}),
    codes=sql.SQL(", ").join(
        sql.SQL("{} AS {}").format(code, sql.Identifier(f"code_{name}"))
        for name, code in _CODES.items()
    ),
    matched=_upsert(
        SearchMatch,
        {
            "document": _vector("document"),
            "core": _vector("core"),
            **{name: sql.Identifier(f"code_{name}") for name in _CODES},
            "status_verified_date": verified_sql(
                sql.Identifier("overall_status"), sql.Identifier("record_verified_date")
            ),
        },
        sql.SQL("rows JOIN coded USING (study_id)"),
    ),
)

# An intervention's name and each of its other names are one drug to the record that says so.
_SYNONYMS = sql.SQL("""
INSERT INTO {synonym} ({name_key}, {group_key})
SELECT DISTINCT trials_search_key(o.{o_name}), trials_search_key(i.{i_name})
FROM {other} o JOIN {intervention} i ON i.{i_id} = o.{o_intervention}
WHERE i.{i_study} = ANY({ids})
    AND trials_search_key(o.{o_name}) NOT IN ('', trials_search_key(i.{i_name}))
    AND trials_search_key(i.{i_name}) <> ''
ON CONFLICT DO NOTHING
""").format(
    synonym=table(DrugSynonym),
    name_key=column(DrugSynonym, "name_key"),
    group_key=column(DrugSynonym, "group_key"),
    other=table(OtherName),
    o_name=column(OtherName, "name"),
    o_intervention=column(OtherName, "intervention"),
    intervention=table(Intervention),
    i_id=column(Intervention, "id"),
    i_name=column(Intervention, "name"),
    i_study=column(Intervention, "study"),
    ids=IDS,
)

_TERM_KEYS = column(SearchDocument, "term_keys")
_OLD_KEYS = sql.SQL("""
SELECT coalesce(array_agg(DISTINCT k), '{{}}') FROM {document}, unnest({keys}) AS k
WHERE {study} = ANY({ids})
""").format(
    document=table(SearchDocument),
    keys=_TERM_KEYS,
    study=column(SearchDocument, "study"),
    ids=IDS,
)

_TERM_COLUMNS = sql.SQL(", ").join(
    column(SearchTerm, name) for name in ("kind", "key", "name", "study_count")
)

# Recount only the names these studies had or have, through the term_keys index.
_RECOUNT = sql.SQL("""
WITH affected AS (
    SELECT DISTINCT k FROM unnest(%(old)s::text[]) AS k
    UNION SELECT unnest({keys}) FROM {document} WHERE {study} = ANY({ids})
),
counted AS (
    SELECT k, split_part(k, {separator}, 1) AS kind, substr(k, strpos(k, {separator}) + 1) AS key,
        (SELECT count(*) FROM {document} d WHERE d.{keys} @> ARRAY[k]) AS n
    FROM affected
),
named AS (
    SELECT kind, key, mode() WITHIN GROUP (ORDER BY name) AS name
    FROM ({names}) AS n (study_id, kind, name, key) GROUP BY kind, key
),
gone AS (
    DELETE FROM {term} t USING counted c
    WHERE c.n = 0 AND t.{t_kind} = c.kind AND t.{t_key} = c.key
)
INSERT INTO {term} ({columns})
SELECT c.kind, c.key, coalesce(named.name, c.key), c.n
FROM counted c LEFT JOIN named USING (kind, key) WHERE c.n > 0
ON CONFLICT ({t_kind}, {t_key}) DO UPDATE SET {t_count} = EXCLUDED.{t_count}
""").format(
    keys=_TERM_KEYS,
    document=table(SearchDocument),
    study=column(SearchDocument, "study"),
    ids=IDS,
    separator=sql.Literal(KEY_SEPARATOR),
    names=names_sql(),
    term=table(SearchTerm),
    t_kind=column(SearchTerm, "kind"),
    t_key=column(SearchTerm, "key"),
    t_count=column(SearchTerm, "study_count"),
    columns=_TERM_COLUMNS,
)

_REBUILD = sql.SQL("""
WITH names AS ({names})
INSERT INTO {term} ({columns})
SELECT kind, key, mode() WITHIN GROUP (ORDER BY name), count(DISTINCT study_id)
FROM names AS n (study_id, kind, name, key) GROUP BY kind, key
""").format(names=names_sql(None), term=table(SearchTerm), columns=_TERM_COLUMNS)


# Rendered once: the statements are the same for every refresh.
_UPSERT_SQL, _SYNONYMS_SQL, _OLD_KEYS_SQL, _RECOUNT_SQL, _REBUILD_SQL = (
    statement.as_string() for statement in (_UPSERT, _SYNONYMS, _OLD_KEYS, _RECOUNT, _REBUILD)
)


def refresh_search(study: Study) -> None:
    """Make one study's search document and lexicon entries say what its rows say now."""
    refresh_search_many([study.pk])


@transaction.atomic
def refresh_search_many(study_ids: Sequence[int], *, lexicon: bool = True) -> None:
    """Refresh the search documents of many studies in a few set-based statements.

    ``lexicon=False`` leaves the browse counts for one ``rebuild_lexicon()`` after a bulk load.
    """
    ids = list(study_ids)
    if not ids:
        return
    full = len(ids) > FULL_LEXICON_REBUILD
    with connection.cursor() as cursor:
        # These statements' estimated costs cross the JIT threshold, and compiling them took
        # ~0.4 s a statement for ~10 ms of work: half of a bulk import's time.
        cursor.execute("SET LOCAL jit = off")
        old: list[str] = []
        if lexicon and not full:
            cursor.execute(_OLD_KEYS_SQL, {"ids": ids})
            old = cursor.fetchone()[0]
        cursor.execute(_UPSERT_SQL, {"ids": ids})
        cursor.execute(_SYNONYMS_SQL, {"ids": ids})
        # These studies may have moved the data's date: every study's status follows it.
        cursor.execute(RESTATE_SQL)
        if lexicon and not full:
            cursor.execute(_RECOUNT_SQL, {"ids": ids, "old": old})
    if lexicon and full:
        rebuild_lexicon()


@transaction.atomic
def rebuild_lexicon() -> None:
    """Recount every name of every study: the browse pages' terms and counts."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(SearchTerm._meta.db_table)}")
        cursor.execute(_REBUILD_SQL)
