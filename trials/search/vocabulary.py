"""The condition vocabulary: names people give conditions, linked to the MeSH terms they mean.

Learned from the records, not from a hand list: API v2's
``derivedSection.conditionBrowseModule.browseLeaves[].asFound`` is the text of a study that
ClinicalTrials.gov matched to each MeSH term ("Heart Attack" -> Myocardial Infarction,
"Disc Herniation" -> Intervertebral Disc Displacement), and an inverted MeSH term is said the
way people say it ("Leukemia, Myeloid, Acute" is "Acute Myeloid Leukemia"). Each link counts
the studies that support it. ``rebuild_condition_names()`` runs after each import; curators add
links and mark those searches must not follow in admin (ConditionName), and a rebuild keeps
both. A search for a name the vocabulary holds also finds the studies of its terms.
"""

from django.db import connection, models, transaction
from psycopg import sql

from trials import vocab
from trials.models import BrowseLeaf, ConditionName
from trials.models.search import SearchKey

from .layout import column, table

# The most terms one name may stand for in a search.
MAX_TERMS = 5

_REBUILD = (
    sql.SQL("""
WITH found (key, name, term, study_id) AS (
    SELECT trials_search_key(l.{as_found}), l.{as_found}, l.{term}, l.{study}
    FROM {leaf} l WHERE l.{kind} = {condition} AND l.{as_found} <> ''
    UNION ALL
    SELECT trials_search_key(said.text), said.text, l.{term}, l.{study}
    FROM {leaf} l, LATERAL (
        SELECT array_to_string(ARRAY(
            SELECT btrim(p.part) FROM unnest(string_to_array(l.{term}, ','))
                WITH ORDINALITY AS p (part, n) ORDER BY p.n DESC
        ), ' ') AS text
    ) AS said
    WHERE l.{kind} = {condition} AND l.{term} LIKE '%%,%%'
),
linked AS (
    SELECT key, mode() WITHIN GROUP (ORDER BY name) AS name, term,
        count(DISTINCT study_id) AS studies
    FROM found WHERE key <> '' AND key <> trials_search_key(term)
    GROUP BY key, term
),
gone AS (
    DELETE FROM {names} c WHERE NOT c.{curated} AND NOT c.{not_a_synonym}
        AND NOT EXISTS (SELECT FROM linked WHERE linked.key = c.{key} AND linked.term = c.{n_term})
)
INSERT INTO {names} ({key}, {name}, {n_term}, {count}, {curated}, {not_a_synonym})
SELECT key, name, term, studies, false, false FROM linked
ON CONFLICT ({key}, {n_term}) DO UPDATE SET {count} = EXCLUDED.{count}
""")
    .format(
        leaf=table(BrowseLeaf),
        as_found=column(BrowseLeaf, "as_found"),
        term=column(BrowseLeaf, "name"),
        study=column(BrowseLeaf, "study"),
        kind=column(BrowseLeaf, "kind"),
        condition=sql.Literal(str(vocab.MeshKind.CONDITION)),
        names=table(ConditionName),
        key=column(ConditionName, "key"),
        name=column(ConditionName, "name"),
        n_term=column(ConditionName, "term"),
        count=column(ConditionName, "study_count"),
        curated=column(ConditionName, "curated"),
        not_a_synonym=column(ConditionName, "not_a_synonym"),
    )
    .as_string()
)


@transaction.atomic
def rebuild_condition_names() -> None:
    """Learn the links the records make now; links no record makes any more go, unless a
    curator added or refused them."""
    with connection.cursor() as cursor:
        cursor.execute(_REBUILD)


def condition_terms(text: str) -> list[str]:
    """The MeSH terms the vocabulary links ``text`` (as a whole name) to, best supported first."""
    text = text.strip()
    if not text or len(text) > 200:
        return []
    found = ConditionName.objects.filter(
        key=SearchKey(models.Value(text)), not_a_synonym=False
    ).order_by("-study_count", "term")
    return list(found.values_list("term", flat=True)[:MAX_TERMS])
