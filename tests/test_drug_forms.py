"""A drug found by its name however an intervention writes it: salt, form and dose words
("Doxorubicin Hydrochloride", "Naltrexone Tablet", "Lenalidomide 5 mg") do not hide it."""

import dataclasses

import pytest

from tests.test_views import record_with
from trials.filters import StudyFilter
from trials.importer.writer import save_record
from trials.models import Study
from trials.record import Intervention
from trials.search.lexicon import ingredient_of

pytestmark = pytest.mark.django_db


def study(nct_id: str, *names: str, conditions: tuple[str, ...] = ("Breast Cancer",)) -> None:
    record = dataclasses.replace(
        record_with(0),
        nct_id=nct_id,
        brief_title=f"Study {nct_id}",
        conditions=conditions,
        interventions=tuple(Intervention("DRUG", name) for name in names),
    )
    save_record(record, nct_id.encode(), f"{nct_id}.json")


def found(**params: str) -> set[str]:
    results = StudyFilter(params).search()
    return set(Study.objects.filter(pk__in=results.ids(0, 1000)).values_list("nct_id", flat=True))


def test_the_drug_box_finds_every_form_of_a_drug_it_resolves(empty_db):
    study("NCT09000001", "Doxorubicin")  # the name the drug box resolves
    study("NCT09000002", "Doxorubicin Hydrochloride")
    study("NCT09000003", "Pegylated liposomal doxorubicin 50 mg/m2 injection")
    study("NCT09000004", "Paclitaxel")
    # The word in a condition's name only: not a study of the drug.
    study("NCT09000005", "Dexrazoxane", conditions=("Doxorubicin Cardiotoxicity",))

    assert StudyFilter({"intr": "doxorubicin"}).search() and found(intr="doxorubicin") == {
        "NCT09000001",
        "NCT09000002",
        "NCT09000003",
    }
    assert found(intr="Doxorubicin Hydrochloride") >= {"NCT09000001", "NCT09000002"}


def test_a_brand_name_finds_the_forms_of_its_drug(empty_db):
    study("NCT09000011", "Naltrexone")
    study("NCT09000012", "Naltrexone Tablet")
    other = record_with(0)
    save_record(
        dataclasses.replace(
            other,
            nct_id="NCT09000013",
            interventions=(Intervention("DRUG", "Naltrexone", other_names=("Revia",)),),
        ),
        b"13",
        "13.json",
    )

    assert found(intr="Revia") == {"NCT09000011", "NCT09000012", "NCT09000013"}


def test_a_name_with_a_dose_in_the_words_box_is_its_drug(corpus):
    # The seed gives lenalidomide as Revlimid and CC-5013; no record says "Revlimid 25 mg".
    assert "NCT00398515" in found(q="Revlimid 25 mg capsules")
    assert "NCT00398515" in found(intr="CC-5013 25 mg oral capsules")


@pytest.mark.parametrize(
    ("name", "ingredient"),
    [
        ("Doxorubicin Hydrochloride", "Doxorubicin"),
        ("Lenalidomide 5 mg", "Lenalidomide"),
        ("Imatinib mesylate 400 mg tablets", "Imatinib"),
        ("Pegylated liposomal doxorubicin 50 mg/m2 injection", "Pegylated liposomal doxorubicin"),
        ("Metformin ER", "Metformin"),
        ("Sodium chloride", ""),
        ("Pembrolizumab", "Pembrolizumab"),
    ],
)
def test_salt_form_and_dose_words_are_taken_off_a_name(name, ingredient):
    assert ingredient_of(name) == ingredient
