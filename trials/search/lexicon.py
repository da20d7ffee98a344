"""Drug names, resolved before full-text search: exact, then by trigram similarity.

"Revlimid", "CC-5013" and "lenalidomide" are one drug. A name is looked up among the names
records give interventions (SearchTerm) and the curated aliases (DrugAlias, read on every
search so a curator's change applies at once); the drug's other names come from the records
that pair an intervention's name with its other names (DrugSynonym) and from the aliases. Names
curated as ``not_an_alias`` ("non applicable", an IND number) never join a drug.
"""

from dataclasses import dataclass

from django.db import connection

from .document import CONFIG

# Whole names longer than this are not looked up: they are sentences, not drug names.
MAX_NAME_LENGTH = 120
# The most names one drug may expand to: a bigger set means a generic word joined the group.
MAX_NAMES = 200

_RESOLVE = f"""
WITH input AS (SELECT trials_search_key(%(text)s) AS k),
aliases AS (
    SELECT trials_search_key(alias) AS alias, trials_search_key(drug) AS drug, not_an_alias
    FROM trials_drugalias
),
junk AS (SELECT alias AS k FROM aliases WHERE not_an_alias),
exact AS (
    SELECT key AS k FROM trials_searchterm WHERE kind = 'I' AND key = (SELECT k FROM input)
    UNION SELECT alias FROM aliases WHERE NOT not_an_alias AND alias = (SELECT k FROM input)
    UNION SELECT drug FROM aliases WHERE NOT not_an_alias AND drug = (SELECT k FROM input)
),
fuzzy AS (
    SELECT t.key AS k, t.name FROM trials_searchterm t, input
    WHERE %(threshold)s < 1 AND NOT EXISTS (SELECT FROM exact)
        AND t.kind = 'I' AND t.key %% input.k AND similarity(t.key, input.k) >= %(threshold)s
        AND t.key NOT IN (SELECT k FROM junk)
    ORDER BY similarity(t.key, input.k) DESC, t.study_count DESC
    LIMIT 1
),
found AS (SELECT k FROM exact WHERE k NOT IN (SELECT k FROM junk) UNION SELECT k FROM fuzzy),
groups AS (
    SELECT k AS g FROM found
    UNION SELECT group_key FROM trials_drugsynonym WHERE name_key IN (SELECT k FROM found)
    UNION SELECT drug FROM aliases WHERE NOT not_an_alias AND alias IN (SELECT k FROM found)
),
names AS (
    SELECT g AS k FROM groups
    UNION SELECT name_key FROM trials_drugsynonym WHERE group_key IN (SELECT g FROM groups)
    UNION SELECT alias FROM aliases WHERE NOT not_an_alias AND drug IN (SELECT g FROM groups)
),
kept AS (
    SELECT n.k, plainto_tsquery('{CONFIG}', coalesce(t.name, n.k)) AS q
    FROM names n LEFT JOIN trials_searchterm t ON t.kind = 'I' AND t.key = n.k
    WHERE n.k NOT IN (SELECT k FROM junk)
    LIMIT {MAX_NAMES}
)
SELECT
    (SELECT array_agg('I:' || k ORDER BY k) FROM kept),
    (SELECT string_agg('(' || q::text || ')', ' | ' ORDER BY k) FROM kept WHERE numnode(q) > 0),
    (SELECT name FROM fuzzy)
"""


@dataclass(frozen=True)
class DrugNames:
    """Every name a drug goes by, as term keys and as one text-search query."""

    text: str  # what the person wrote
    keys: tuple[str, ...]  # SearchDocument.term_keys entries: "I:lenalidomide", "I:revlimid"
    tsquery: str  # the names OR-ed, for ranking and snippets: "'revlimid' | 'lenalidomid'"
    fuzzy_name: str = ""  # the name a misspelling was taken for ("temsirolimus"), if any


def resolve_drug(text: str, *, fuzzy_threshold: float) -> DrugNames | None:
    """The drug ``text`` names, exactly or (above the threshold) by trigram similarity."""
    text = text.strip()
    if not text or len(text) > MAX_NAME_LENGTH:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_RESOLVE, {"text": text, "threshold": fuzzy_threshold})
        keys, tsquery, fuzzy_name = cursor.fetchone()
    if not keys:
        return None
    return DrugNames(text, tuple(keys), tsquery or "", fuzzy_name or "")
