"""Sixty queries people type, each with the studies it must find and those it must not.

Neither set is written from the search's output. What a query must find is computed from the
records themselves: the studies whose condition MeSH terms hold ``term``, or whose
interventions (names, other names, MeSH terms) name ``drug``. What it must not find: the
studies whose record mentions none of ``mentions`` anywhere (the words anyone would say a
study about it holds). Studies in neither set (they mention the words without the MeSH term)
are not judged.

``score()`` runs each query as the search page does: the results, or, when it finds nothing,
those of the first name it offers (what a person clicks).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from psycopg import sql

from trials import vocab
from trials.filters import StudyFilter
from trials.models import Study
from trials.search.document import fields_sql
from trials.views import _suggestions


@dataclass(frozen=True)
class Query:
    kind: str
    text: str
    term: str = ""  # a condition MeSH term: its studies must be found
    drug: str = ""  # an ingredient: the studies of an intervention naming it must be found
    mentions: tuple[str, ...] = ()  # a study mentioning none of these must not be found


def lay(text: str, term: str, *mentions: str) -> Query:
    return Query("lay term", text, term=term, mentions=mentions)


def abbreviation(text: str, term: str, *mentions: str) -> Query:
    return Query("abbreviation", text, term=term, mentions=(text, *mentions))


def british(text: str, term: str, *mentions: str) -> Query:
    return Query("British spelling", text, term=term, mentions=mentions)


def misspelt(text: str, term: str, *mentions: str) -> Query:
    return Query("misspelling", text, term=term, mentions=mentions)


def brand(text: str, drug: str, *mentions: str) -> Query:
    return Query("brand name", text, drug=drug, mentions=(text, drug, *mentions))


def salt(text: str, drug: str, *mentions: str) -> Query:
    return Query("salt or form", text, drug=drug, mentions=(drug, *mentions))


QUERIES = (
    lay("heart failure", "Heart Failure", "heart failure", "cardiac failure"),
    lay("lung cancer", "Lung Neoplasms", "lung", "nsclc", "pulmonary"),
    lay("breast cancer", "Breast Neoplasms", "breast"),
    lay("high blood pressure", "Hypertension", "hypertens", "blood pressure"),
    lay("slipped disc", "Intervertebral Disc Displacement", "disc", "disk"),
    lay("herniated disc", "Intervertebral Disc Displacement", "disc", "disk", "herniat"),
    lay("kidney cancer", "Carcinoma, Renal Cell", "kidney", "renal"),
    lay("liver cancer", "Carcinoma, Hepatocellular", "liver", "hepat"),
    lay("ovarian cancer", "Ovarian Neoplasms", "ovar"),
    lay("bowel cancer", "Colorectal Neoplasms", "colo", "rect", "bowel"),
    abbreviation("NSCLC", "Carcinoma, Non-Small-Cell Lung", "non-small", "lung"),
    abbreviation("ALL", "Precursor Cell Lymphoblastic Leukemia-Lymphoma", "lymphoblastic"),
    abbreviation("AML", "Leukemia, Myeloid, Acute", "myeloid", "leukemia"),
    abbreviation("CMV", "Cytomegalovirus Infections", "cytomegalovirus"),
    abbreviation("COPD", "Pulmonary Disease, Chronic Obstructive", "obstructive"),
    abbreviation("NAFLD", "Non-alcoholic Fatty Liver Disease", "fatty liver", "steato"),
    abbreviation("T1DM", "Diabetes Mellitus, Type 1", "diabet"),
    abbreviation("T2DM", "Diabetes Mellitus, Type 2", "diabet"),
    abbreviation("MDS", "Myelodysplastic Syndromes", "myelodysplas"),
    abbreviation("AIDS", "Acquired Immunodeficiency Syndrome", "immunodeficiency", "hiv"),
    british("leukaemia", "Leukemia", "leuk"),
    british("acute myeloid leukaemia", "Leukemia, Myeloid, Acute", "leuk"),
    british("lymphoblastic leukaemia", "Precursor Cell Lymphoblastic Leukemia-Lymphoma", "leuk"),
    british("tumour", "Neoplasms", "tumo", "cancer", "neoplas", "carcinom", "oma"),
    british("brain tumour", "Glioma", "brain", "glio", "tumo"),
    british("oesophageal cancer", "Esophageal Neoplasms", "esophag", "oesophag"),
    british("anaemia", "Anemia", "anemi", "anaemi"),
    british("oedema", "Edema", "edema", "oedema"),
    british("diarrhoea", "Diarrhea", "diarrh"),
    british("haematological cancer", "Leukemia", "hematolog", "haematolog", "leuk", "lymph"),
    misspelt("mulitple myeloma", "Multiple Myeloma", "myeloma"),
    misspelt("diabetis", "Diabetes Mellitus, Type 1", "diabet"),
    misspelt("astma", "Asthma", "asthma"),
    misspelt("leukemai", "Leukemia", "leuk"),
    misspelt("hypertenshion", "Hypertension", "hypertens"),
    misspelt("tuberculosys", "Tuberculosis", "tubercul"),
    misspelt("melanomma", "Melanoma", "melanom"),
    misspelt("mesothelyoma", "Mesothelioma", "mesothel"),
    misspelt("cholangiocarcinomma", "Cholangiocarcinoma", "cholangio"),
    misspelt("migrane", "Migraine Disorders", "migrain"),
    brand("Revlimid", "lenalidomide", "cc-5013"),
    brand("Torisel", "temsirolimus", "cci-779"),
    brand("Velcade", "bortezomib", "ps-341"),
    brand("Cytoxan", "cyclophosphamide"),
    brand("Taxotere", "docetaxel"),
    brand("Oncovin", "vincristine"),
    brand("Neupogen", "filgrastim", "g-csf"),
    brand("Celebrex", "celecoxib"),
    brand("Adriamycin", "doxorubicin"),
    brand("CellCept", "mycophenolate"),
    salt("doxorubicin", "doxorubicin"),
    salt("vincristine", "vincristine"),
    salt("vinblastine", "vinblastine"),
    salt("bleomycin", "bleomycin"),
    salt("dexrazoxane", "dexrazoxane"),
    salt("naltrexone", "naltrexone"),
    salt("levobupivacaine", "levobupivacaine"),
    salt("etoposide phosphate", "etoposide"),
    salt("doxorubicin hydrochloride", "doxorubicin"),
    salt("lenalidomide 5 mg", "lenalidomide"),
)


def answer(text: str) -> set[int]:
    """The studies the search page shows for these words, or, when it finds none, for the
    first name it offers ("Did you mean"): what a person clicks."""
    search = StudyFilter({"q": text})
    found = search.search().ids(0, 10_000)
    if not found and (offered := _suggestions(search, len(found))):
        parameter, term = offered[0]
        found = StudyFilter({parameter: term.name}).search().ids(0, 10_000)
    return set(found)


def must_find(query: Query) -> set[int]:
    if query.term:
        studies = Study.objects.filter(
            mesh_terms__kind=vocab.MeshKind.CONDITION,
            mesh_terms__term=query.term,
            mesh_terms__is_ancestor=False,
        )
    else:
        studies = Study.objects.filter(
            Q(interventions__name__icontains=query.drug)
            | Q(interventions__other_names__name__icontains=query.drug)
            | Q(
                mesh_terms__kind=vocab.MeshKind.INTERVENTION, mesh_terms__term__icontains=query.drug
            )
        )
    return set(studies.values_list("pk", flat=True))


def record_texts() -> dict[int, str]:
    """Every study's record as one lower-case text: every text of it that search reads."""
    texts: dict[int, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(fields_sql(sql.SQL("ARRAY(SELECT id FROM trials_study)")).as_string())
        for pk, body, *_ in cursor.fetchall():
            texts.setdefault(pk, []).append(body)
    return {pk: "\n".join(parts).lower() for pk, parts in texts.items()}


@dataclass(frozen=True)
class Scored:
    query: Query
    expected: int
    found_expected: int
    found_unrelated: int

    @property
    def recall(self) -> float:
        return self.found_expected / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        judged = self.found_expected + self.found_unrelated
        return self.found_expected / judged if judged else 1.0


def score(queries: Iterable[Query] = QUERIES) -> list[Scored]:
    texts = record_texts()
    scored = []
    for query in queries:
        expected = must_find(query)
        unrelated = {
            pk
            for pk, text in texts.items()
            if pk not in expected and not any(m.lower() in text for m in query.mentions)
        }
        found = answer(query.text)
        scored.append(Scored(query, len(expected), len(found & expected), len(found & unrelated)))
    return scored


def by_kind(scored: Iterable[Scored]) -> dict[str, tuple[float, float, int]]:
    """Recall and precision of each kind, over all its queries' studies (micro-averaged)."""
    kinds: dict[str, list[Scored]] = {}
    for one in scored:
        kinds.setdefault(one.query.kind, []).append(one)
    figures = {}
    for kind, ones in kinds.items():
        expected = sum(o.expected for o in ones)
        hit = sum(o.found_expected for o in ones)
        wrong = sum(o.found_unrelated for o in ones)
        figures[kind] = (
            hit / expected if expected else 1.0,
            hit / (hit + wrong) if hit + wrong else 1.0,
            len(ones),
        )
    return figures
