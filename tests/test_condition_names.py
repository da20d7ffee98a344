"""The condition vocabulary learned from the records: a lay or variant name finds the studies
of the MeSH term it means, says so, and curators can add and refuse links."""

import re

import pytest
from django.urls import reverse

from trials import vocab
from trials.filters import StudyFilter
from trials.models import BrowseLeaf, ConditionName, Study
from trials.search.vocabulary import condition_terms, rebuild_condition_names

pytestmark = pytest.mark.django_db

TERM = "Intervertebral Disc Displacement"


def found(**params: str) -> set[str]:
    results = StudyFilter(params).search()
    return set(Study.objects.filter(pk__in=results.ids(0, 1000)).values_list("nct_id", flat=True))


def of_term(term: str) -> set[str]:
    """The oracle: the studies the records give this condition MeSH term."""
    studies = Study.objects.filter(mesh_terms__term=term, mesh_terms__kind=vocab.MeshKind.CONDITION)
    return set(studies.values_list("nct_id", flat=True))


def test_the_links_and_their_evidence_come_from_the_records(corpus):
    link = ConditionName.objects.get(key="disc herniation", term=TERM)
    said = BrowseLeaf.objects.filter(
        kind=vocab.MeshKind.CONDITION, name=TERM, as_found__iexact="disc herniation"
    )
    assert link.study_count == said.values("study").distinct().count() >= 2
    # An inverted MeSH term is also named the way people say it.
    assert "Diabetes Mellitus, Type 2" in condition_terms("Type 2 Diabetes Mellitus")
    assert condition_terms("disc prolapse") == [TERM]


@pytest.mark.parametrize("name", ["q", "cond"])
def test_a_lay_name_finds_every_study_of_the_term_it_means(client, corpus, name):
    studies = of_term(TERM)
    assert len(studies) >= 3
    saying_it = Study.objects.filter(conditions__name__icontains="prolapse")
    assert studies - set(saying_it.values_list("nct_id", flat=True))  # only the link finds them

    assert studies <= found(**{name: "disc prolapse"})
    page = client.get("/", {name: "disc prolapse"}).content.decode()
    assert re.search(
        rf"<strong>{TERM}</strong>, the MeSH term records link to “disc prolapse”", page
    )


def test_a_link_marked_not_a_synonym_is_not_followed_and_stays_so(corpus):
    studies = of_term(TERM)
    ConditionName.objects.filter(key="disc prolapse").update(not_a_synonym=True)

    assert condition_terms("disc prolapse") == []
    assert not studies <= found(q="disc prolapse")
    rebuild_condition_names()
    assert ConditionName.objects.get(key="disc prolapse", term=TERM).not_a_synonym


def test_a_curator_adds_a_link_in_admin_and_a_rebuild_keeps_it(client, corpus, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("curator", "c@example.org"))
    response = client.post(
        reverse("admin:trials_conditionname_add"),
        {"name": "Slipped Disc", "term": TERM, "study_count": "0"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]

    assert of_term(TERM) <= found(q="slipped disc")
    rebuild_condition_names()
    assert ConditionName.objects.get(key="slipped disc").curated


def test_a_rebuild_drops_links_no_record_makes_any_more(corpus):
    assert ConditionName.objects.filter(key="disc prolapse").exists()
    BrowseLeaf.objects.filter(as_found__iexact="disc prolapse").delete()

    rebuild_condition_names()

    assert not ConditionName.objects.filter(key="disc prolapse").exists()


def test_a_condition_is_linked_to_the_most_specific_term_most_of_its_studies_are_given(corpus):
    term = "Diabetes Mellitus, Type 2"
    direct = {"mesh_terms__kind": vocab.MeshKind.CONDITION, "mesh_terms__is_ancestor": False}
    studies = list(Study.objects.filter(mesh_terms__term=term, **direct).distinct()[:3])
    assert len(studies) == 3
    # Each is also given the broader Diabetes Mellitus, which more studies have.
    broader = Study.objects.filter(mesh_terms__term="Diabetes Mellitus", **direct)
    assert set(studies) <= set(broader) and broader.count() > len(studies)

    first, *others = studies
    first.conditions.update(name="Sugar Diabetes")
    rebuild_condition_names()
    assert condition_terms("sugar diabetes") == []  # one study proves nothing

    for study in others:
        study.conditions.update(name="Sugar Diabetes")
    rebuild_condition_names()
    assert condition_terms("sugar diabetes") == [term]
