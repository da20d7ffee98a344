"""Browse entries: one per concept, each with the number of studies its link opens.

A browse page lists the lexicon's names (SearchTerm) of one kind. Names that mean one thing are
one entry: a condition name the vocabulary links to a MeSH term ("Myeloma, Multiple",
"Relapsed Multiple Myeloma" as records word it when the vocabulary says so) is listed under that
term, a drug alias under its drug; every other name is an entry of its own.
``rebuild_entries()`` files each name under its entry (SearchTerm.entry_key) after each import.

An entry's link is ``?term=<kind>:<entry key>``: the studies that give any of its names,
matched by their lexicon keys ("C:multiple myeloma") in SearchMatch.document (``StudyFilter``).
Its count is counted the same way over SearchDocument.term_keys, which holds the same keys,
when the page is shown: the count and the link agree whatever changed since the last import.
"""

import json
from dataclasses import dataclass, field

from django.db import connection, models, transaction
from django.db.models import F, Sum, Value
from django.db.models.functions import Coalesce, NullIf
from psycopg import sql

from registry.replicas import reading_connection
from trials import vocab
from trials.models import (
    ConditionName,
    DrugAlias,
    MeshTerm,
    SearchDocument,
    SearchTerm,
    TermKind,
)

from .layout import KEY_SEPARATOR, column, table, term_key

# The names shown beside an entry's own ("also: ...").
MAX_ALSO = 5
# The least number of studies whose records link a condition name to a MeSH term for the name
# to be listed under the term.
MIN_SUPPORT = 2

# The entry of each name: its own key, or the one it is listed under.
ENTRY = Coalesce(NullIf(F("entry_key"), Value("")), F("key"), output_field=models.TextField())


@dataclass
class Entry:
    """One line of a browse page."""

    kind: str
    key: str
    name: str = ""
    count: int = 0
    also: list[str] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)  # its names' lexicon keys ("C:myeloma")
    more: int = 0  # names it has beyond its own and those in ``also``

    @property
    def parameter(self) -> str:
        """The ``term`` parameter of its link."""
        return term_key(self.kind, self.key)


def listed(kind: str, contains: str = "") -> models.QuerySet:
    """The entries of one kind, most studied first, as rows (entry, studies): the names' own
    counts summed, an order that costs no count of its own (the page counts exactly)."""
    names = SearchTerm.objects.of_kind(kind)
    if contains:
        names = names.named_like(contains)
    return (
        names.annotate(entry=ENTRY)
        .values("entry")
        .annotate(studies=Sum("study_count"))
        .order_by("-studies", "entry")
    )


def entries(kind: str, keys: list[str]) -> list[Entry]:
    """These entries of one kind, each with its names and the number of studies that give any of
    them, in the order given; two queries however many."""
    found = _named(kind, keys)
    for entry, count in zip(found, _counts([e.keys for e in found]), strict=True):
        entry.count = count
    return found


def entry_of(parameter: str) -> Entry | None:
    """The entry a ``term`` parameter names ("C:multiple myeloma") with its names, or None."""
    kind, separator, key = parameter.partition(KEY_SEPARATOR)
    if not separator or kind not in TermKind.values or not key:
        return None
    return next(iter(_named(kind, [key])), None)


def _named(kind: str, keys: list[str]) -> list[Entry]:
    """The entries with these keys that have names, in the order given, with their names."""
    found = {key: Entry(kind, key) for key in keys}
    names = (
        SearchTerm.objects.of_kind(kind)
        .annotate(entry=ENTRY)
        .filter(entry__in=keys)
        .values_list("entry", "key", "name", "entry_name")
    )
    for entry_key, key, name, entry_name in names:  # most studied first
        entry = found[entry_key]
        entry.keys.append(term_key(kind, key))
        if key == entry_key:
            entry.name = name
        elif len(entry.also) < MAX_ALSO:
            entry.also.append(name)
        else:
            entry.more += 1
        entry.name = entry.name or entry_name
    return [found[key] for key in keys if found[key].keys]


_COUNT = (
    sql.SQL("""
SELECT (SELECT count(*) FROM {document} d WHERE d.{keys} && e.keys)
FROM jsonb_array_elements(%s::jsonb) WITH ORDINALITY AS j (keys, n),
    LATERAL (SELECT ARRAY(SELECT jsonb_array_elements_text(j.keys))) AS e (keys)
ORDER BY j.n
""")
    .format(document=table(SearchDocument), keys=column(SearchDocument, "term_keys"))
    .as_string()
)


def _counts(key_sets: list[list[str]]) -> list[int]:
    """For each set of lexicon keys, the studies that hold any of them (the term_keys index)."""
    if not key_sets:
        return []
    with reading_connection().cursor() as cursor:
        cursor.execute(_COUNT, [json.dumps(key_sets)])
        return [row[0] for row in cursor.fetchall()]


# A condition name is filed under the MeSH term the vocabulary links it to when a curator made
# the link, or when at least MIN_SUPPORT studies make it and more than make any other of its
# links ("Acute Lymphoblastic Leukemia" is linked as often to Lymphoblastic Lymphoma as to
# Precursor Cell Lymphoblastic Leukemia-Lymphoma: it stays an entry of its own), unless the
# name is itself a condition MeSH term of some study. Condition names that are the same words
# in another order ("Myeloma, Multiple") are filed under the most studied of them, each drug
# alias under its drug. Every other name is its own entry.
_REBUILD = (
    sql.SQL("""
WITH terms AS (
    SELECT DISTINCT trials_search_key(m.{m_term}) AS key FROM {mesh} m
    WHERE m.{m_kind} = {condition}
),
links AS (
    SELECT c.{c_key} AS key, c.{c_term} AS name, trials_search_key(c.{c_term}) AS entry,
        row_number() OVER (PARTITION BY c.{c_key} ORDER BY c.{c_count} DESC, c.{c_term}) AS n,
        c.{c_count} AS studies, c.{curated} AS curated,
        lead(c.{c_count}) OVER (PARTITION BY c.{c_key} ORDER BY c.{c_count} DESC, c.{c_term})
            AS next_studies
    FROM {names} c WHERE NOT c.{refused}
),
linked AS (
    SELECT key, name, entry FROM links
    WHERE n = 1 AND (curated OR (studies >= {min_support}
        AND studies > coalesce(next_studies, 0)))
),
conditions AS (
    SELECT t.{id} AS id, t.{key} AS key, t.{name} AS name, t.{count} AS studies,
        l.entry AS linked, l.name AS linked_name,
        array_to_string(ARRAY(
            SELECT w FROM unnest(string_to_array(t.{key}, ' ')) AS w ORDER BY w
        ), ' ') AS words
    FROM {term} t LEFT JOIN linked l
        ON l.key = t.{key} AND l.entry <> t.{key}
        AND NOT EXISTS (SELECT FROM terms WHERE terms.key = t.{key})
    WHERE t.{kind} = {c_kind}
),
grouped AS (
    SELECT *, first_value(key) OVER same AS first_key, first_value(name) OVER same AS first_name
    FROM conditions
    WINDOW same AS (PARTITION BY words, linked IS NULL ORDER BY studies DESC, key)
),
filed AS (
    SELECT id,
        coalesce(linked, CASE WHEN first_key <> key THEN first_key ELSE '' END) AS entry,
        coalesce(linked_name, CASE WHEN first_key <> key THEN first_name ELSE '' END) AS name
    FROM grouped
    UNION ALL
    SELECT t.{id}, coalesce(a.entry, ''), coalesce(a.name, '')
    FROM {term} t LEFT JOIN (
        SELECT DISTINCT ON (trials_search_key(a.{alias})) trials_search_key(a.{alias}) AS key,
            trials_search_key(a.{drug}) AS entry, a.{drug} AS name
        FROM {aliases} a WHERE NOT a.{junk} AND a.{drug} <> ''
        ORDER BY trials_search_key(a.{alias}), a.{drug}
    ) a ON a.key = t.{key} AND a.entry <> t.{key}
    WHERE t.{kind} = {i_kind}
)
UPDATE {term} t SET {entry_key} = f.entry, {entry_name} = f.name
FROM filed f
WHERE t.{id} = f.id AND (t.{entry_key}, t.{entry_name}) IS DISTINCT FROM (f.entry, f.name)
""")
    .format(
        mesh=table(MeshTerm),
        m_term=column(MeshTerm, "term"),
        m_kind=column(MeshTerm, "kind"),
        condition=sql.Literal(str(vocab.MeshKind.CONDITION)),
        names=table(ConditionName),
        c_key=column(ConditionName, "key"),
        c_term=column(ConditionName, "term"),
        c_count=column(ConditionName, "study_count"),
        refused=column(ConditionName, "not_a_synonym"),
        curated=column(ConditionName, "curated"),
        min_support=sql.Literal(MIN_SUPPORT),
        aliases=table(DrugAlias),
        alias=column(DrugAlias, "alias"),
        drug=column(DrugAlias, "drug"),
        junk=column(DrugAlias, "not_an_alias"),
        term=table(SearchTerm),
        id=column(SearchTerm, "id"),
        key=column(SearchTerm, "key"),
        name=column(SearchTerm, "name"),
        count=column(SearchTerm, "study_count"),
        kind=column(SearchTerm, "kind"),
        c_kind=sql.Literal(str(TermKind.CONDITION)),
        i_kind=sql.Literal(str(TermKind.INTERVENTION)),
        entry_key=column(SearchTerm, "entry_key"),
        entry_name=column(SearchTerm, "entry_name"),
    )
    .as_string()
)


@transaction.atomic
def rebuild_entries() -> None:
    """File every condition and drug name under its entry, as the vocabulary says now."""
    with connection.cursor() as cursor:
        cursor.execute(_REBUILD)
