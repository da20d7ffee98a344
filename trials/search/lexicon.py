"""Drug names, resolved before full-text search: exact, then by trigram similarity.

"Revlimid", "CC-5013" and "lenalidomide" are one drug. A name is looked up among the names
records give interventions (SearchTerm) and the curated aliases (DrugAlias, read on every
search so a curator's change applies at once); the drug's other names come from the records
that pair an intervention's name with its other names (DrugSynonym) and from the aliases. Names
curated as ``not_an_alias`` ("non applicable", an IND number) never join a drug.
"""

import dataclasses
import re
from dataclasses import dataclass

from psycopg import sql

from registry.replicas import reading_connection
from trials.models import DrugAlias, DrugSynonym, SearchTerm, TermKind

from .layout import CONFIG, column, key_prefix, table

# Whole names longer than this are not looked up: they are sentences, not drug names.
MAX_NAME_LENGTH = 120
# The most names one drug may expand to: a bigger set means a generic word joined the group.
MAX_NAMES = 200

_RESOLVE = (
    sql.SQL("""
WITH input AS (SELECT trials_search_key(%(text)s) AS k),
aliases AS (
    SELECT trials_search_key({a_alias}) AS alias, trials_search_key({a_drug}) AS drug,
        {a_junk} AS not_an_alias
    FROM {alias}
),
junk AS (SELECT alias AS k FROM aliases WHERE not_an_alias),
exact AS (
    SELECT {t_key} AS k FROM {term} WHERE {t_kind} = {kind} AND {t_key} = (SELECT k FROM input)
    UNION SELECT alias FROM aliases WHERE NOT not_an_alias AND alias = (SELECT k FROM input)
    UNION SELECT drug FROM aliases WHERE NOT not_an_alias AND drug = (SELECT k FROM input)
),
fuzzy AS (
    SELECT t.{t_key} AS k, t.{t_name} AS name FROM {term} t, input
    WHERE %(threshold)s < 1 AND NOT EXISTS (SELECT FROM exact)
        AND t.{t_kind} = {kind} AND t.{t_key} %% input.k
        AND similarity(t.{t_key}, input.k) >= %(threshold)s
        AND t.{t_key} NOT IN (SELECT k FROM junk)
    ORDER BY similarity(t.{t_key}, input.k) DESC, t.{t_count} DESC
    LIMIT 1
),
found AS (SELECT k FROM exact WHERE k NOT IN (SELECT k FROM junk) UNION SELECT k FROM fuzzy),
groups AS (
    SELECT k AS g FROM found
    UNION SELECT {s_group} FROM {synonym} WHERE {s_name} IN (SELECT k FROM found)
    UNION SELECT drug FROM aliases WHERE NOT not_an_alias AND alias IN (SELECT k FROM found)
),
names AS (
    SELECT g AS k FROM groups
    UNION SELECT {s_name} FROM {synonym} WHERE {s_group} IN (SELECT g FROM groups)
    UNION SELECT alias FROM aliases WHERE NOT not_an_alias AND drug IN (SELECT g FROM groups)
),
kept AS (
    SELECT n.k, plainto_tsquery({config}, coalesce(t.{t_name}, n.k)) AS q
    FROM names n LEFT JOIN {term} t ON t.{t_kind} = {kind} AND t.{t_key} = n.k
    WHERE n.k NOT IN (SELECT k FROM junk)
    LIMIT {limit}
)
SELECT
    (SELECT array_agg({prefix} || k ORDER BY k) FROM kept),
    (SELECT string_agg('(' || q::text || ')', ' | ' ORDER BY k) FROM kept WHERE numnode(q) > 0),
    (SELECT name FROM fuzzy)
""")
    .format(
        alias=table(DrugAlias),
        a_alias=column(DrugAlias, "alias"),
        a_drug=column(DrugAlias, "drug"),
        a_junk=column(DrugAlias, "not_an_alias"),
        term=table(SearchTerm),
        t_key=column(SearchTerm, "key"),
        t_name=column(SearchTerm, "name"),
        t_count=column(SearchTerm, "study_count"),
        t_kind=column(SearchTerm, "kind"),
        kind=sql.Literal(str(TermKind.INTERVENTION)),
        synonym=table(DrugSynonym),
        s_name=column(DrugSynonym, "name_key"),
        s_group=column(DrugSynonym, "group_key"),
        config=sql.Literal(CONFIG),
        limit=sql.Literal(MAX_NAMES),
        prefix=sql.Literal(key_prefix(TermKind.INTERVENTION)),
    )
    .as_string()
)


@dataclass(frozen=True)
class DrugNames:
    """Every name a drug goes by, as term keys and as one text-search query."""

    text: str  # what the person wrote
    keys: tuple[str, ...]  # SearchDocument.term_keys entries: "I:lenalidomide", "I:revlimid"
    tsquery: str  # the names OR-ed, for ranking and snippets: "'revlimid' | 'lenalidomid'"
    fuzzy_name: str = ""  # the name a misspelling was taken for ("temsirolimus"), if any

    def joined(self, other: "DrugNames") -> "DrugNames":
        """The names of both, as one drug (a salt's name and its ingredient's)."""
        keys = tuple(dict.fromkeys(self.keys + other.keys))[:MAX_NAMES]
        queries = [q for q in (self.tsquery, other.tsquery) if q]
        return DrugNames(self.text, keys, " | ".join(f"({q})" for q in queries), self.fuzzy_name)


def resolve_drug(text: str, *, fuzzy_threshold: float) -> DrugNames | None:
    """The drug ``text`` names, exactly or (above the threshold) by trigram similarity; a name
    with salt, form or dose words ("Doxorubicin Hydrochloride", "Lenalidomide 5 mg") also
    names its ingredient's drug."""
    text = text.strip()
    if not text or len(text) > MAX_NAME_LENGTH:
        return None
    found = _resolve(text, fuzzy_threshold)
    ingredient = ingredient_of(text)
    if (
        ingredient
        and ingredient.lower() != text.lower()
        and (plain := _resolve(ingredient, 1)) is not None
    ):
        found = plain if found is None else found.joined(plain)
    return None if found is None else dataclasses.replace(found, text=text)


def _resolve(text: str, fuzzy_threshold: float) -> DrugNames | None:
    with reading_connection().cursor() as cursor:
        cursor.execute(_RESOLVE, {"text": text, "threshold": fuzzy_threshold})
        keys, tsquery, fuzzy_name = cursor.fetchone()
    if not keys:
        return None
    return DrugNames(text, tuple(keys), tsquery or "", fuzzy_name or "")


# Words that say a drug's salt, form, route or dose, not which drug it is.
_NOT_THE_DRUG = re.compile(
    r"\b(?:"
    r"(?:di|mono|tri)?hydrochloride|hcl|(?:mono|di|tri|sesqui)?hydrate|mesylate|mesilate|"
    r"besylate|besilate|tosylate|maleate|fumarate|succinate|tartrate|bitartrate|citrate|"
    r"acetate|sulfate|sulphate|phosphate|bromide|chloride|sodium|potassium|calcium|magnesium|"
    r"tablets?|capsules?|caplets?|injections?|injectable|infusion|solution|suspension|syrup|"
    r"oral|intravenous|i\.v\.|iv|subcutaneous|s\.c\.|sc|po|"
    r"extended[- ]release|sustained[- ]release|delayed[- ]release|er|xr|sr|xl|"
    r"\d+(?:[.,]\d+)?\s*(?:mg|mcg|µg|ug|g|ml|iu|units?|%)(?:\s*/\s*(?:m2|m²|kg|ml|day|d))?"
    r")(?=\W|$)",
    re.IGNORECASE,
)


def ingredient_of(name: str) -> str:
    """The name without its salt, form, route and dose words: "Doxorubicin Hydrochloride" ->
    "Doxorubicin", "Lenalidomide 5 mg" -> "Lenalidomide"; "" when nothing else is left."""
    return " ".join(_NOT_THE_DRUG.sub(" ", name).split()).strip(" ,;/+-")
