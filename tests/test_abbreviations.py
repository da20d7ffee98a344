"""Abbreviations learned from the records' own definitions ("Non-small Cell Lung Cancer
(NSCLC)"): a search for the short form finds what the long form finds, says so, and curators
can add and refuse them."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import reverse

from tests.conftest import imported_for_a_module
from trials.filters import StudyFilter
from trials.models import Abbreviation, Condition, Study
from trials.search.vocabulary import definitions, long_form, long_forms, rebuild_abbreviations

pytestmark = pytest.mark.django_db

# Corpus records that define the abbreviations these tests search for.
DEFINING = (
    "xml/NCT00463567.xml",  # Chronic Obstructive Pulmonary Disease (COPD)
    "html/NCT02302417.html",  # COPD again
    "xml/NCT01642004.xml",  # Non-small Cell Lung Cancer (NSCLC)
    "xml/NCT00002475.xml",  # a lung cancer study that never says "NSCLC"
    "xml/NCT00001100.xml",  # Cytomegalovirus (CMV)
    "xml/NCT00497952.xml",
    "xml/NCT01207388.xml",  # Acute Lymphoblastic Leukemia (ALL)
)


@pytest.fixture(scope="module")
def defining_records(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with imported_for_a_module(django_db_blocker, *DEFINING):
        yield


@pytest.fixture
def defined(defining_records: None, corpus: Study) -> None:
    """The shared records and those defining the abbreviations, learned as an import does."""


def found(**params: str) -> set[str]:
    results = StudyFilter(params).search()
    return set(Study.objects.filter(pk__in=results.ids(0, 1000)).values_list("nct_id", flat=True))


def defining(short: str) -> set[str]:
    """The oracle: the studies whose titles or conditions write "(<short>)"."""
    studies = Study.objects.filter(brief_title__contains=f"({short})") | Study.objects.filter(
        official_title__contains=f"({short})"
    )
    studies |= Study.objects.filter(conditions__name__contains=f"({short})")
    return set(studies.values_list("nct_id", flat=True))


def test_the_long_form_is_the_shortest_run_of_words_holding_the_letters():
    # Titles of corpus records (NCT04059484, NCT02465060).
    assert long_form("NSCLC", "Patients With Advanced Non-small Cell Lung Cancer") == (
        "Non-small Cell Lung Cancer"
    )
    assert long_form("T2DM", "in Adults With Type 2 Diabetes Mellitus") == (
        "Type 2 Diabetes Mellitus"
    )
    # Its first letter starts a word; a run of too many words is no definition.
    assert long_form("AS", "treated for spasms") is None
    assert long_form("DX", "dogs and cats and mice and birds and fish x") is None


def test_brackets_that_are_no_abbreviation_or_the_study_s_own_acronym_define_nothing():
    rows = [
        (1, "Exercise in Older People (adults)", ""),
        (2, "Heart Outcomes Prevention Evaluation (HOPE)", "HOPE"),
        (3, "Chronic Obstructive Pulmonary Disease (COPD)", ""),
    ]
    assert [(d.study_id, d.abbreviation, d.long_form) for d in definitions(rows)] == [
        (3, "COPD", "Chronic Obstructive Pulmonary Disease")
    ]


def test_the_definitions_and_their_evidence_come_from_the_records(defined):
    copd = Abbreviation.objects.get(key="copd")
    assert copd.long_form == "Chronic Obstructive Pulmonary Disease"
    assert copd.study_count == len(defining("COPD")) >= 2
    assert Abbreviation.objects.get(key="nsclc").long_form.lower() == "non-small cell lung cancer"


@pytest.mark.parametrize("name", ["q", "cond"])
@pytest.mark.parametrize(
    ("short", "long"),
    [
        ("NSCLC", "non-small cell lung cancer"),
        ("COPD", "chronic obstructive pulmonary disease"),
        ("ALL", "acute lymphoblastic leukemia"),  # a stop word as a word, a disease as a name
        ("cmv", "cytomegalovirus"),
    ],
)
def test_an_abbreviation_finds_what_its_long_form_finds(defined, name, short, long):
    by_long = found(**{name: long})
    assert by_long
    assert by_long <= found(**{name: short})


def test_the_page_says_which_long_form_it_searched(client, defined):
    page = client.get("/", {"q": "NSCLC"}).content.decode()
    assert "Also searched for “Non-small Cell Lung Cancer”, which records abbreviate “NSCLC”." in (
        page
    )


def test_an_abbreviation_defined_many_ways_is_followed_in_none(defined):
    Abbreviation.objects.filter(key="copd").update(study_count=1)
    for text in ("Cardiac Output Per Day", "Chronic Opioid Pain Disorder"):
        Abbreviation.objects.create(
            key="copd",
            abbreviation="COPD",
            long_form_key=text.lower(),
            long_form=text,
            study_count=1,
        )
    assert long_forms(["COPD"]) == {}


def test_a_refused_abbreviation_is_not_followed_and_stays_refused(defined):
    followed = found(q="NSCLC")
    Abbreviation.objects.filter(key="nsclc").update(not_an_abbreviation=True)

    assert long_forms(["NSCLC"]) == {}
    assert "NCT00002475" in followed - found(q="NSCLC")  # named only by the long form
    rebuild_abbreviations()
    assert Abbreviation.objects.get(key="nsclc").not_an_abbreviation


def test_a_curator_adds_one_in_admin_and_a_rebuild_keeps_it(client, corpus, django_user_model):
    by_long = found(q="type 1 diabetes mellitus")
    assert by_long - found(q="T1DM")
    assert "which records abbreviate" not in client.get("/", {"q": "T1DM"}).content.decode()
    client.force_login(django_user_model.objects.create_superuser("curator", "c@example.org"))
    response = client.post(
        reverse("admin:trials_abbreviation_add"),
        {"abbreviation": "T1DM", "long_form": "Type 1 Diabetes Mellitus", "study_count": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    assert by_long <= found(q="T1DM")
    # The search page kept before is not served again: the abbreviations changed.
    page = client.get("/", {"q": "T1DM"}).content.decode()
    assert "Also searched for “Type 1 Diabetes Mellitus”, which records abbreviate “T1DM”." in page
    rebuild_abbreviations()
    assert Abbreviation.objects.get(key="t1dm").curated


def test_a_rebuild_drops_definitions_no_record_makes_any_more(defined):
    Study.objects.filter(nct_id__in=defining("COPD")).update(
        brief_title="Renamed", official_title=""
    )
    Condition.objects.filter(name__contains="(COPD)").delete()
    rebuild_abbreviations()
    assert not Abbreviation.objects.filter(key="copd").exists()
