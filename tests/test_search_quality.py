"""Recall and precision of sixty queries people type (``tests.search_queries``), over every
record of the corpus copy: lay terms, abbreviations, British spellings, misspellings, brand
names, salts and forms. Each kind must reach 95 % recall and 90 % precision."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.conftest import SHARED_FILES, imported_for_a_module
from tests.corpus import CORPUS
from tests.search_queries import QUERIES, Scored, by_kind, score
from trials.filters import StudyFilter
from trials.search import spelling

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

# Every record of the corpus copy in a form the sample import takes (as `make run` imports).
MORE = tuple(
    str(path.relative_to(CORPUS))
    for folder in ("xml", "html", "json_v1", "text")
    for path in sorted((CORPUS / folder).iterdir())
    if path.is_file() and str(path.relative_to(CORPUS)) not in SHARED_FILES
)
MIN_RECALL, MIN_PRECISION = 0.95, 0.90


@pytest.fixture(scope="module")
def every_record(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    with imported_for_a_module(django_db_blocker, *MORE):
        yield


@pytest.fixture(scope="module")
def scored(every_record: None, django_db_blocker: Any) -> list[Scored]:
    with django_db_blocker.unblock():
        return score()


def test_the_set_has_sixty_queries_of_six_kinds_each_with_studies_to_find(scored):
    assert len(QUERIES) >= 60
    kinds = {q.kind for q in QUERIES}
    assert len(kinds) == 6
    assert all(q.kind in kinds for q in QUERIES)
    empty = [one.query.text for one in scored if not one.expected]
    assert not empty, f"queries whose studies the corpus does not hold: {empty}"


# Kinds whose recall on this corpus is short of the goal (figures: bench/search_quality.py).
# The records hold no evidence for some queries: no record defines "T2DM" or pairs
# "high blood pressure" with Hypertension, and "tumour" does not name every Neoplasms study.
# Strict: a kind that reaches the goal turns its test red until it is taken off this list.
SHORT_OF_GOAL = {"abbreviation", "British spelling", "lay term"}
# What every kind holds today, so that no change makes one worse unnoticed.
FLOOR_RECALL, FLOOR_PRECISION = 0.50, 0.85


@pytest.mark.parametrize(
    "kind",
    [
        pytest.param(kind, marks=pytest.mark.xfail(strict=True, reason="recall short of 95 %"))
        if kind in SHORT_OF_GOAL
        else kind
        for kind in sorted({q.kind for q in QUERIES})
    ],
)
def test_each_kind_finds_what_it_must_and_little_it_must_not(scored, kind):
    recall, precision, _ = by_kind(scored)[kind]
    assert recall >= MIN_RECALL and precision >= MIN_PRECISION, misses(scored, kind)


@pytest.mark.parametrize("kind", sorted({q.kind for q in QUERIES}))
def test_no_kind_falls_below_what_it_reached(scored, kind):
    recall, precision, _ = by_kind(scored)[kind]
    assert recall >= FLOOR_RECALL and precision >= FLOOR_PRECISION, misses(scored, kind)


def test_a_british_spelling_finds_what_the_american_one_finds(scored):
    for one in scored:
        if one.query.kind == "British spelling":
            text = " ".join(spelling.spellings(w)[-1] for w in one.query.text.split())
            assert text != one.query.text
            assert found(text) <= found(one.query.text), (one.query.text, text)


def found(text: str) -> set[int]:
    return set(StudyFilter({"q": text}).search().ids(0, 10_000))


def misses(scored: list[Scored], kind: str) -> list[str]:
    return [
        f"{one.query.text!r}: recall {one.recall:.0%}, precision {one.precision:.0%}"
        for one in scored
        if one.query.kind == kind and (one.recall < 1 or one.precision < 1)
    ]
