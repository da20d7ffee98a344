"""British and American spellings find the same studies, in the words box and the filters."""

import pytest
from django.db.models import Q

from trials.filters import StudyFilter
from trials.models import Study
from trials.search import spelling

pytestmark = pytest.mark.django_db

PAIRS = [
    ("leukaemia", "leukemia"),
    ("tumour", "tumor"),
    ("paediatric", "pediatric"),
    ("oesophageal", "esophageal"),
    ("haemophilia", "hemophilia"),
    ("anaemia", "anemia"),
    ("randomised", "randomized"),
]


def found(**params: str) -> set[str]:
    results = StudyFilter(params).search()
    return set(Study.objects.filter(pk__in=results.ids(0, 1000)).values_list("nct_id", flat=True))


@pytest.mark.parametrize(("british", "american"), PAIRS)
def test_each_spelling_finds_what_the_other_does(corpus, british, american):
    for name in ("q", "cond"):
        assert found(**{name: british}) == found(**{name: american}), name
        assert found(**{name: british.upper()}) == found(**{name: american}), name


def test_a_study_written_one_way_is_found_by_the_other_spelling(corpus):
    # The oracle: the studies whose title, summary or conditions hold the word as written.
    checked = 0
    for british, american in PAIRS:
        for written, asked in ((british, american), (american, british)):
            holding = Study.objects.filter(
                Q(brief_title__icontains=written)
                | Q(brief_summary__icontains=written)
                | Q(conditions__name__icontains=written)
            ).values_list("nct_id", flat=True)
            expected = set(holding)
            assert expected <= found(q=asked), (written, asked)
            checked += len(expected)
    assert checked >= 20  # the corpus holds these words both ways: the test is not empty


def test_quoted_phrases_and_operators_keep_their_meaning(corpus):
    assert found(q='"acute leukemia"') <= found(q="leukemia")
    assert found(q="leukemia -acute").isdisjoint(found(q='"acute leukemia"'))
    assert found(q="leukaemia or lymphoma") >= found(q="lymphoma")


def test_a_word_gets_its_other_spellings_and_the_rest_stay_alone():
    assert spelling.spellings("Leukaemia") == ["Leukaemia", "leukemia"]
    assert spelling.spellings("tumors") == ["tumors", "tumours"]
    assert spelling.spellings("oesophageal") == ["oesophageal", "esophageal"]
    assert spelling.spellings("myeloma") == ["myeloma"]
    assert spelling.is_plain("leukaemia in children")
    assert not spelling.is_plain('"acute leukaemia"')
    assert not spelling.is_plain("leukaemia or lymphoma")
    assert not spelling.is_plain("leukaemia -acute")
