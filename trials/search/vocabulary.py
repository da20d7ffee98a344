"""The condition vocabulary: names people give conditions, linked to the MeSH terms they mean.

Learned from the records, not from a hand list: a condition as records word it, paired with the
most specific MeSH term most studies giving it are given ("Heart Attack", Myocardial
Infarction); API v2's
``derivedSection.conditionBrowseModule.browseLeaves[].asFound`` is the text of a study that
ClinicalTrials.gov matched to each MeSH term ("Heart Attack" -> Myocardial Infarction,
"Disc Herniation" -> Intervertebral Disc Displacement), and an inverted MeSH term is said the
way people say it ("Leukemia, Myeloid, Acute" is "Acute Myeloid Leukemia"). Each link counts
the studies that support it. ``rebuild_condition_names()`` runs after each import; curators add
links and mark those searches must not follow in admin (ConditionName), and a rebuild keeps
both. A search for a name the vocabulary holds also finds the studies of its terms.

Abbreviations are learned the same way: where a record defines one ("Type 2 Diabetes Mellitus
(T2DM)"), a search for the short form also asks for the long one. ``rebuild_vocabulary()`` learns
both.
"""

import operator
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import reduce
from itertools import groupby

from django.db import connection, models, transaction
from django.db.models import Q
from psycopg import sql

from trials import vocab
from trials.models import (
    Abbreviation,
    BrowseLeaf,
    Condition,
    ConditionName,
    ConditionTerm,
    Keyword,
    MeshTerm,
    Study,
)
from trials.models.search import SearchKey

from . import browse, spelling
from .layout import column, table

# The most terms one name may stand for in a search.
MAX_TERMS = 5
# A condition is linked to the MeSH term that at least this many studies giving it, and this
# share of them, are given.
MIN_TOGETHER = 2
MIN_TOGETHER_SHARE = 0.6

_REBUILD = (
    sql.SQL("""
WITH pairs AS (
    SELECT trials_search_key(c.{c_name}) AS key, c.{c_name} AS name, m.{m_term} AS term,
        c.{c_study} AS study_id
    FROM {conditions} c JOIN {mesh} m ON m.{m_study} = c.{c_study}
    WHERE m.{m_kind} = {condition} AND NOT m.{ancestor}
),
named AS (
    SELECT trials_search_key(c.{c_name}) AS key, count(DISTINCT c.{c_study}) AS studies
    FROM {conditions} c GROUP BY 1
),
terms AS (
    SELECT m.{m_term} AS term, trials_search_key(m.{m_term}) AS key,
        count(DISTINCT m.{m_study}) AS studies
    FROM {mesh} m WHERE m.{m_kind} = {condition} AND NOT m.{ancestor} GROUP BY 1
),
together AS (
    SELECT p.key, p.term, count(DISTINCT p.study_id) AS studies, t.studies AS term_studies
    FROM pairs p JOIN named n USING (key) JOIN terms t ON t.term = p.term
    WHERE NOT EXISTS (SELECT FROM terms WHERE terms.key = p.key)
    GROUP BY p.key, p.term, n.studies, t.studies
    HAVING count(DISTINCT p.study_id) >= {min_together}
        AND count(DISTINCT p.study_id) >= {share} * n.studies
),
best AS (
    SELECT DISTINCT ON (key) key, term FROM together
    ORDER BY key, studies DESC, term_studies, term
),
found (key, name, term, study_id) AS (
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
    UNION ALL
    -- A condition that is no MeSH term of its own, and the term most studies giving it are
    -- given, the most specific of those (the one fewest studies have: "Heart Attack" is
    -- Myocardial Infarction, not its broader Ischemia). One study alone proves nothing: a
    -- supportive-care study of "Cancer" is given Diarrhea.
    SELECT p.key, p.name, p.term, p.study_id FROM pairs p JOIN best USING (key, term)
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
        min_together=sql.Literal(MIN_TOGETHER),
        share=sql.Literal(MIN_TOGETHER_SHARE),
        conditions=table(Condition),
        c_name=column(Condition, "name"),
        c_study=column(Condition, "study"),
        mesh=table(MeshTerm),
        m_term=column(MeshTerm, "term"),
        m_study=column(MeshTerm, "study"),
        m_kind=column(MeshTerm, "kind"),
        ancestor=column(MeshTerm, "is_ancestor"),
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
def rebuild_vocabulary() -> None:
    """What the records now teach searches: condition names, terms and abbreviations, and the
    browse entries the names are listed under."""
    rebuild_condition_names()
    rebuild_condition_terms()
    rebuild_abbreviations()
    browse.rebuild_entries()


@transaction.atomic
def rebuild_condition_names() -> None:
    """Learn the links the records make now; links no record makes any more go, unless a
    curator added or refused them."""
    with connection.cursor() as cursor:
        cursor.execute(_REBUILD)


_TERMS = (
    sql.SQL("""
DELETE FROM {terms};
INSERT INTO {terms} ({key}, {name}, {count})
SELECT trials_search_key(m.{m_term}), mode() WITHIN GROUP (ORDER BY m.{m_term}),
    count(DISTINCT m.{m_study})
FROM {mesh} m WHERE m.{m_kind} = {condition} AND NOT m.{ancestor}
GROUP BY 1 HAVING trials_search_key(m.{m_term}) <> ''
""")
    .format(
        terms=table(ConditionTerm),
        key=column(ConditionTerm, "key"),
        name=column(ConditionTerm, "name"),
        count=column(ConditionTerm, "study_count"),
        mesh=table(MeshTerm),
        m_term=column(MeshTerm, "term"),
        m_study=column(MeshTerm, "study"),
        m_kind=column(MeshTerm, "kind"),
        ancestor=column(MeshTerm, "is_ancestor"),
        condition=sql.Literal(str(vocab.MeshKind.CONDITION)),
    )
    .as_string()
)


@transaction.atomic
def rebuild_condition_terms() -> None:
    """List the MeSH condition terms the records give now, each with its studies: what a
    misspelt condition is offered."""
    with connection.cursor() as cursor:
        cursor.execute(_TERMS)


def condition_terms(text: str) -> list[str]:
    """The MeSH terms the vocabulary links ``text`` (as a whole name, in either spelling:
    "lymphoblastic leukaemia" is "lymphoblastic leukemia") to, best supported first."""
    text = text.strip()
    if not text or len(text) > 200:
        return []
    respelled = " ".join(spelling.spellings(word)[-1] for word in text.split())
    keys = [SearchKey(models.Value(name)) for name in dict.fromkeys([text, respelled])]
    found = (
        ConditionName.objects.filter(reduce(operator.or_, (Q(key=key) for key in keys)))
        .filter(not_a_synonym=False)
        .values("term")
        .annotate(support=models.Max("study_count"))
        .order_by("-support", "term")
    )
    return list(found.values_list("term", flat=True)[:MAX_TERMS])


# --- Abbreviations ---------------------------------------------------------------------------
# A definition "long form (SHORT)": a short form of 2 to 10 letters and digits, a letter first.
_DEFINED = re.compile(r"([^()]+?)\s*\(\s*([A-Za-z][A-Za-z0-9-]{1,9})\s*\)")
_HAS_DEFINITION = r"\([[:space:]]*[A-Za-z][A-Za-z0-9-]{1,9}[[:space:]]*\)"
# A short form is an abbreviation when it has two capitals, or a capital and a digit
# ("T2DM", "NSCLC", "IgA"), not a word in brackets ("(adults)").
_ABBREVIATION = re.compile(r"^(?=(?:.*[A-Z]){2}|.*[A-Z].*\d)")
# The least share of a short form's definitions its long form must have for a search to follow
# it: "MS" is defined as several things, and searches follow none unless one dominates.
MIN_SHARE = 0.5


@dataclass(frozen=True)
class Definition:
    study_id: int
    abbreviation: str
    long_form: str


def long_form(short: str, before: str) -> str | None:
    """The long form ``short`` abbreviates at the end of ``before``, or None: the shortest run
    of words ending the text whose letters hold the short form's, in order, its first letter
    starting a word (Schwartz and Hearst, "A simple algorithm for identifying abbreviation
    definitions in biomedical text", PSB 2003)."""
    text = before.rstrip()
    s, t = len(short) - 1, len(text) - 1
    while s >= 0:
        char = short[s].lower()
        if not char.isalnum():
            s -= 1
            continue
        # The first character of the short form must start a word of the long form.
        while t >= 0 and (text[t].lower() != char or (s == 0 and t > 0 and text[t - 1].isalnum())):
            t -= 1
        if t < 0:
            return None
        t -= 1
        s -= 1
    found = text[text.rfind(" ", 0, t + 1) + 1 :].strip(" ,;:-")
    words = found.split()
    if len(found) <= len(short) or len(words) > min(len(short) + 5, len(short) * 2):
        return None
    if short.lower() in (w.lower() for w in words):
        return None
    return found


def definitions(rows: Iterable[tuple[int, str, str]]) -> Iterator[Definition]:
    """The abbreviations defined in these texts ((study, text, the study's acronym)), less the
    study's own acronym: "Heart Outcomes Prevention Evaluation (HOPE)" names a trial, not a
    thing a search for "hope" means."""
    for study_id, text, acronym in rows:
        for before, short in _DEFINED.findall(text):
            if not _ABBREVIATION.match(short) or short.lower() == acronym.lower():
                continue
            if found := long_form(short, before):
                yield Definition(study_id, short, found)


_REBUILD_ABBREVIATIONS = (
    sql.SQL("""
WITH found (key, abbreviation, long_key, long_form, study_id) AS (
    SELECT trials_search_key(d.short), d.short, trials_search_key(d.long), d.long, d.study
    FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS d (study, short, long)
),
defined AS (
    SELECT key, mode() WITHIN GROUP (ORDER BY abbreviation) AS abbreviation, long_key,
        mode() WITHIN GROUP (ORDER BY long_form) AS long_form,
        count(DISTINCT study_id) AS studies
    FROM found WHERE key <> '' AND long_key <> '' GROUP BY key, long_key
),
gone AS (
    DELETE FROM {table} a WHERE NOT a.{curated} AND NOT a.{refused}
        AND NOT EXISTS (
            SELECT FROM defined d WHERE d.key = a.{key} AND d.long_key = a.{long_key}
        )
)
INSERT INTO {table} ({key}, {abbreviation}, {long_key}, {long_form}, {count}, {curated},
    {refused})
SELECT key, abbreviation, long_key, long_form, studies, false, false FROM defined
ON CONFLICT ({key}, {long_key}) DO UPDATE SET {count} = EXCLUDED.{count}
""")
    .format(
        table=table(Abbreviation),
        key=column(Abbreviation, "key"),
        abbreviation=column(Abbreviation, "abbreviation"),
        long_key=column(Abbreviation, "long_form_key"),
        long_form=column(Abbreviation, "long_form"),
        count=column(Abbreviation, "study_count"),
        curated=column(Abbreviation, "curated"),
        refused=column(Abbreviation, "not_an_abbreviation"),
    )
    .as_string()
)


def _defining_texts() -> Iterator[tuple[int, str, str]]:
    """Titles, conditions and keywords that hold "(SHORT)", with their study's acronym."""
    studies = Study.objects.all()
    for field in ("brief_title", "official_title"):
        yield from (
            studies.filter(**{f"{field}__regex": _HAS_DEFINITION})
            .values_list("id", field, "acronym")
            .iterator(chunk_size=5000)
        )
    for part in (Condition, Keyword):
        yield from (
            part.objects.filter(name__regex=_HAS_DEFINITION)
            .values_list("study_id", "name", "study__acronym")
            .iterator(chunk_size=5000)
        )


@transaction.atomic
def rebuild_abbreviations() -> None:
    """Learn the abbreviations the records define now; those no record defines any more go,
    unless a curator added or refused them."""
    found = list(definitions(_defining_texts()))
    with connection.cursor() as cursor:
        cursor.execute(
            _REBUILD_ABBREVIATIONS,
            [
                [d.study_id for d in found],
                [d.abbreviation for d in found],
                [d.long_form for d in found],
            ],
        )


def long_forms(words: Iterable[str]) -> dict[str, list[str]]:
    """For each of these words that is a known abbreviation, the long forms searches follow:
    those a curator added, and the one most records give it if at least half of its
    definitions agree ("MS" is defined as several things; searches follow none of them)."""
    words = {w for w in words if 2 <= len(w) <= 10}
    if not words:
        return {}
    keys = {w: SearchKey(models.Value(w)) for w in words}
    defined = (
        Abbreviation.objects.filter(reduce(operator.or_, (Q(key=k) for k in keys.values())))
        .filter(not_an_abbreviation=False)
        .annotate(
            typed=models.Case(
                *(models.When(key=k, then=models.Value(w)) for w, k in keys.items()),
                output_field=models.TextField(),
            )
        )
        .order_by("typed", "-study_count", "long_form_key")
    )
    chosen: dict[str, list[str]] = {}
    rows = defined.values_list("typed", "study_count", "long_form", "curated")
    for typed, forms in groupby(rows, key=lambda row: row[0]):
        forms_ = list(forms)
        total = sum(count for _, count, _, _ in forms_)
        _, count, best, _ = forms_[0]
        follow = [text for _, _, text, curated in forms_ if curated]
        if count and count >= MIN_SHARE * total and best not in follow:
            follow.append(best)
        if follow:
            chosen[typed] = follow
    return chosen
