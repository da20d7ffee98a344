"""Building the search rows and the lexicon from studies, set-based, in SQL.

Each study has three derived rows, written by one statement: SearchMatch (what a search
matches, filters, counts and sorts on), SearchRanking (what relevance ranks on) and
SearchDocument (what its result row shows).

The writer calls ``refresh_search(study)`` after saving a study's parts; a bulk loader calls
``refresh_search_many(ids)`` once for thousands of studies. Either way a handful of statements
run, whatever the number of studies.
"""

from collections.abc import Sequence

from django.db import connection, transaction

from trials import vocab
from trials.models import Study

from .facets import CODED

CONFIG = "trials_english"

# Above this many studies the lexicon's counts are rebuilt whole: one grouped scan is cheaper
# than recounting each of a hundred thousand names through the index.
FULL_LEXICON_REBUILD = 2000

# Every searchable text of a study, one row per field: (weight in the document vector, group in
# the ranking vector, preference as a snippet, label shown beside the snippet, SQL). The
# ranking groups: A (IDs, titles), cond (conditions, keywords, condition MeSH terms: the cond
# filter), intr (interventions, other names, intervention MeSH terms).
_FIELDS: tuple[tuple[str, str, int, str, str], ...] = (
    ("A", "A", 1, "NCT ID", "SELECT id, nct_id FROM trials_study s WHERE {study}"),
    ("A", "A", 2, "title", "SELECT id, brief_title FROM trials_study s WHERE {study}"),
    ("A", "A", 3, "official title", "SELECT id, official_title FROM trials_study s WHERE {study}"),
    ("A", "A", 4, "acronym", "SELECT id, acronym FROM trials_study s WHERE {study}"),
    ("A", "A", 5, "ID", "SELECT study_id, value FROM trials_identifier WHERE {part}"),
    ("B", "cond", 10, "condition", "SELECT study_id, name FROM trials_condition WHERE {part}"),
    (
        "B",
        "intr",
        11,
        "intervention",
        "SELECT study_id, name FROM trials_intervention WHERE {part}",
    ),
    (
        "B",
        "intr",
        12,
        "other name",
        "SELECT study_id, o.name FROM trials_othername o"
        " JOIN trials_intervention i ON i.id = o.intervention_id WHERE {part}",
    ),
    ("B", "cond", 13, "keyword", "SELECT study_id, name FROM trials_keyword WHERE {part}"),
    (
        "B",
        "cond",
        14,
        "MeSH term",
        "SELECT study_id, term FROM trials_meshterm WHERE kind <> 'INTERVENTION' AND {part}",
    ),
    (
        "B",
        "intr",
        15,
        "MeSH term",
        "SELECT study_id, term FROM trials_meshterm WHERE kind = 'INTERVENTION' AND {part}",
    ),
    ("C", "", 20, "summary", "SELECT id, brief_summary FROM trials_study s WHERE {study}"),
    ("C", "", 21, "outcome", "SELECT study_id, measure FROM trials_outcomemeasure WHERE {part}"),
    (
        "C",
        "",
        22,
        "description",
        "SELECT id, detailed_description FROM trials_study s WHERE {study}",
    ),
    (
        "C",
        "",
        23,
        "outcome",
        "SELECT study_id, description FROM trials_outcomemeasure WHERE {part}",
    ),
    ("C", "", 24, "sponsor", "SELECT study_id, name FROM trials_sponsor WHERE {part}"),
    (
        "D",
        "",
        30,
        "eligibility",
        "SELECT id, eligibility_criteria FROM trials_study s WHERE {study}",
    ),
)

# The lexicon's names of a study, by SearchTerm.kind, as the record spells them.
_NAMES = (
    ("C", "SELECT study_id, name FROM trials_condition WHERE {part}"),
    ("I", "SELECT study_id, name FROM trials_intervention WHERE {part}"),
    (
        "I",
        "SELECT study_id, o.name FROM trials_othername o"
        " JOIN trials_intervention i ON i.id = o.intervention_id WHERE {part}",
    ),
    ("S", "SELECT study_id, name FROM trials_sponsor WHERE {part}"),
    ("N", "SELECT study_id, country FROM trials_site WHERE {part}"),
)


def _where(ids_param: str | None) -> dict[str, str]:
    if ids_param is None:
        return {"study": "true", "part": "true"}
    return {"study": f"s.id = ANY({ids_param})", "part": f"study_id = ANY({ids_param})"}


def fields_sql(ids_param: str | None = "%(ids)s") -> str:
    """SELECT study_id, weight, grp, ord, label, body: the searchable texts of some studies."""
    where = _where(ids_param)
    return "\nUNION ALL ".join(
        f"SELECT t.*, '{weight}', '{group}', {order}, '{label}'"
        f" FROM ({sql.format(**where)}) AS t (study_id, body) WHERE t.body <> ''"
        for weight, group, order, label, sql in _FIELDS
    )


def names_sql(ids_param: str | None = "%(ids)s") -> str:
    """SELECT study_id, kind, name, key: the lexicon names of some (or all) studies."""
    where = _where(ids_param)
    return "\nUNION ALL ".join(
        f"SELECT t.study_id, '{kind}', t.name, trials_search_key(t.name)"
        f" FROM ({sql.format(**where)}) AS t (study_id, name)"
        f" WHERE trials_search_key(t.name) <> ''"
        for kind, sql in _NAMES
    )


def _intervention_label_sql() -> str:
    whens = " ".join(f"WHEN '{v}' THEN '{label}: '" for v, label in vocab.InterventionType.choices)
    return f"CASE type {whens} ELSE '' END || name"


def _vector(column: str, weight: str) -> str:
    return f"setweight(to_tsvector('{CONFIG}', coalesce({column}, '')), '{weight}')"


def _keys_vector(keys: str) -> str:
    """The lexicon keys as lexemes of their own ("I:revlimid"), unweighted and unpositioned."""
    return f"array_to_tsvector(coalesce({keys}, '{{}}'))"


_STUDY_ROWS = f"""
WITH fields (study_id, body, weight, grp, ord, label) AS ({fields_sql()}),
texts AS (
    SELECT study_id,
        string_agg(body, E'\\n' ORDER BY ord) FILTER (WHERE weight = 'A') AS a,
        string_agg(body, E'\\n' ORDER BY ord) FILTER (WHERE grp = 'cond') AS cond,
        string_agg(body, E'\\n' ORDER BY ord) FILTER (WHERE grp = 'intr') AS intr,
        string_agg(body, E'\\n' ORDER BY ord) FILTER (WHERE weight = 'C') AS c,
        string_agg(body, E'\\n' ORDER BY ord) FILTER (WHERE weight = 'D') AS d
    FROM fields GROUP BY study_id
),
vectors AS (
    SELECT study_id, {_vector("a", "A")} AS va,
        to_tsvector('{CONFIG}', coalesce(cond, '')) AS vcond,
        to_tsvector('{CONFIG}', coalesce(intr, '')) AS vintr, {_vector("c", "C")} AS vc,
        {_vector("d", "D")} AS vd
    FROM texts
),
sponsors AS (
    SELECT study_id, array_agg(name ORDER BY position) AS names,
        max(name) FILTER (WHERE is_lead) AS lead, max(agency_class) FILTER (WHERE is_lead) AS class
    FROM trials_sponsor WHERE study_id = ANY(%(ids)s) GROUP BY study_id
),
sites AS (
    SELECT study_id, count(*) AS n,
        coalesce(array_agg(DISTINCT country) FILTER (WHERE country <> ''), '{{}}') AS countries
    FROM trials_site WHERE study_id = ANY(%(ids)s) GROUP BY study_id
),
conditions AS (
    SELECT study_id, array_agg(name ORDER BY position) AS names
    FROM trials_condition WHERE study_id = ANY(%(ids)s) GROUP BY study_id
),
interventions AS (
    SELECT study_id, array_agg({_intervention_label_sql()} ORDER BY position) AS names,
        coalesce(array_agg(DISTINCT type) FILTER (WHERE type <> ''), '{{}}') AS types
    FROM trials_intervention WHERE study_id = ANY(%(ids)s) GROUP BY study_id
),
terms AS (
    SELECT study_id, array_agg(DISTINCT kind || ':' || key) AS keys
    FROM ({names_sql()}) AS n (study_id, kind, name, key) GROUP BY study_id
),
rows AS (
    SELECT s.id, v.va, setweight(v.vcond || v.vintr, 'B') AS vb, v.vcond, v.vintr, v.vc, v.vd,
        s.overall_status, s.phases, s.study_type, coalesce(i.types, '{{}}') AS types, s.sex,
        s.minimum_age_days, s.maximum_age_days, s.healthy_volunteers,
        coalesce(nullif(sp.class, ''), s.org_class) AS sponsor_class,
        coalesce(sp.lead, '') AS sponsor, coalesce(sp.names, '{{}}') AS sponsors,
        s.has_results, s.start_date, s.first_posted_date, s.last_update_posted_date,
        s.enrollment, coalesce(si.countries, '{{}}') AS countries, coalesce(si.n, 0) AS sites,
        coalesce(c.names, '{{}}') AS conditions, coalesce(i.names, '{{}}') AS interventions,
        coalesce(t.keys, '{{}}') AS keys
    FROM trials_study s
    JOIN vectors v ON v.study_id = s.id
    LEFT JOIN sponsors sp ON sp.study_id = s.id
    LEFT JOIN sites si ON si.study_id = s.id
    LEFT JOIN conditions c ON c.study_id = s.id
    LEFT JOIN interventions i ON i.study_id = s.id
    LEFT JOIN terms t ON t.study_id = s.id
    WHERE s.id = ANY(%(ids)s)
)"""

_CODES = {name: coded.sql for name, coded in CODED.items()}

# One statement for the three rows of each study: data-modifying CTEs write the ranking row
# and the result row.
_UPSERT = f"""{_STUDY_ROWS},
ranked AS (
    INSERT INTO trials_searchranking (study_id, rank_vector, last_update_posted_date)
    SELECT id,
        va || setweight(vcond, 'B') || setweight(vintr, 'C')
            || {_keys_vector("ARRAY(SELECT k FROM unnest(keys) AS k WHERE k LIKE 'I:%%')")},
        last_update_posted_date
    FROM rows
    ON CONFLICT (study_id) DO UPDATE SET
        rank_vector = EXCLUDED.rank_vector,
        last_update_posted_date = EXCLUDED.last_update_posted_date
),
shown AS (
    INSERT INTO trials_searchdocument (
        study_id, overall_status, phases, study_type, intervention_types, sex, minimum_age_days,
        maximum_age_days, healthy_volunteers, sponsor_class, sponsor, sponsors, has_results,
        start_date, first_posted_date, last_update_posted_date, enrollment, countries,
        site_count, conditions, interventions, term_keys
    )
    SELECT id, overall_status, phases, study_type, types, sex, minimum_age_days,
        maximum_age_days, healthy_volunteers, sponsor_class, sponsor, sponsors, has_results,
        start_date, first_posted_date, last_update_posted_date, enrollment, countries, sites,
        conditions, interventions, keys
    FROM rows
    ON CONFLICT (study_id) DO UPDATE SET
        overall_status = EXCLUDED.overall_status, phases = EXCLUDED.phases,
        study_type = EXCLUDED.study_type, intervention_types = EXCLUDED.intervention_types,
        sex = EXCLUDED.sex, minimum_age_days = EXCLUDED.minimum_age_days,
        maximum_age_days = EXCLUDED.maximum_age_days,
        healthy_volunteers = EXCLUDED.healthy_volunteers,
        sponsor_class = EXCLUDED.sponsor_class, sponsor = EXCLUDED.sponsor,
        sponsors = EXCLUDED.sponsors, has_results = EXCLUDED.has_results,
        start_date = EXCLUDED.start_date, first_posted_date = EXCLUDED.first_posted_date,
        last_update_posted_date = EXCLUDED.last_update_posted_date,
        enrollment = EXCLUDED.enrollment, countries = EXCLUDED.countries,
        site_count = EXCLUDED.site_count, conditions = EXCLUDED.conditions,
        interventions = EXCLUDED.interventions, term_keys = EXCLUDED.term_keys
)
INSERT INTO trials_searchmatch (
    study_id, document, core, status, phases, study_type, intervention_types, sex,
    healthy_volunteers, sponsor_class, has_results, countries, minimum_age_days,
    maximum_age_days, start_date, first_posted_date, last_update_posted_date, enrollment
)
SELECT id,
    va || vb || vc || vd || {_keys_vector("keys")},
    va || vb || vc || {_keys_vector("keys")},
    {_CODES["status"]("overall_status")}, {_CODES["phase"]("phases")},
    {_CODES["type"]("study_type")}, {_CODES["itype"]("types")}, {_CODES["sex"]("sex")},
    healthy_volunteers, {_CODES["sponsor_class"]("sponsor_class")}, has_results, countries,
    minimum_age_days, maximum_age_days, start_date, first_posted_date,
    last_update_posted_date, enrollment
FROM rows
ON CONFLICT (study_id) DO UPDATE SET
    document = EXCLUDED.document, core = EXCLUDED.core, status = EXCLUDED.status,
    phases = EXCLUDED.phases, study_type = EXCLUDED.study_type,
    intervention_types = EXCLUDED.intervention_types, sex = EXCLUDED.sex,
    healthy_volunteers = EXCLUDED.healthy_volunteers, sponsor_class = EXCLUDED.sponsor_class,
    has_results = EXCLUDED.has_results, countries = EXCLUDED.countries,
    minimum_age_days = EXCLUDED.minimum_age_days, maximum_age_days = EXCLUDED.maximum_age_days,
    start_date = EXCLUDED.start_date, first_posted_date = EXCLUDED.first_posted_date,
    last_update_posted_date = EXCLUDED.last_update_posted_date, enrollment = EXCLUDED.enrollment
"""

# An intervention's name and each of its other names are one drug to the record that says so.
_SYNONYMS = """
INSERT INTO trials_drugsynonym (name_key, group_key)
SELECT DISTINCT trials_search_key(o.name), trials_search_key(i.name)
FROM trials_othername o JOIN trials_intervention i ON i.id = o.intervention_id
WHERE i.study_id = ANY(%(ids)s)
    AND trials_search_key(o.name) NOT IN ('', trials_search_key(i.name))
    AND trials_search_key(i.name) <> ''
ON CONFLICT DO NOTHING
"""

_OLD_KEYS = """
SELECT coalesce(array_agg(DISTINCT k), '{}') FROM trials_searchdocument, unnest(term_keys) AS k
WHERE study_id = ANY(%(ids)s)
"""

# Recount only the names these studies had or have, through the term_keys index.
_RECOUNT = f"""
WITH affected AS (
    SELECT DISTINCT k FROM unnest(%(old)s::text[]) AS k
    UNION SELECT unnest(term_keys) FROM trials_searchdocument WHERE study_id = ANY(%(ids)s)
),
counted AS (
    SELECT k, split_part(k, ':', 1) AS kind, substr(k, 3) AS key,
        (SELECT count(*) FROM trials_searchdocument d WHERE d.term_keys @> ARRAY[k]) AS n
    FROM affected
),
named AS (
    SELECT kind, key, mode() WITHIN GROUP (ORDER BY name) AS name
    FROM ({names_sql()}) AS n (study_id, kind, name, key) GROUP BY kind, key
),
gone AS (
    DELETE FROM trials_searchterm t USING counted c
    WHERE c.n = 0 AND t.kind = c.kind AND t.key = c.key
)
INSERT INTO trials_searchterm (kind, key, name, study_count)
SELECT c.kind, c.key, coalesce(named.name, c.key), c.n
FROM counted c LEFT JOIN named USING (kind, key) WHERE c.n > 0
ON CONFLICT (kind, key) DO UPDATE SET study_count = EXCLUDED.study_count
"""

_REBUILD = f"""
WITH names AS ({names_sql(None)})
INSERT INTO trials_searchterm (kind, key, name, study_count)
SELECT kind, key, mode() WITHIN GROUP (ORDER BY name), count(DISTINCT study_id)
FROM names AS n (study_id, kind, name, key) GROUP BY kind, key
"""


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
            cursor.execute(_OLD_KEYS, {"ids": ids})
            old = cursor.fetchone()[0]
        cursor.execute(_UPSERT, {"ids": ids})
        cursor.execute(_SYNONYMS, {"ids": ids})
        if lexicon and not full:
            cursor.execute(_RECOUNT, {"ids": ids, "old": old})
    if lexicon and full:
        rebuild_lexicon()


@transaction.atomic
def rebuild_lexicon() -> None:
    """Recount every name of every study: the browse pages' terms and counts."""
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM trials_searchterm")
        cursor.execute(_REBUILD)
