"""StudyFilter: every kind of search finds the seed and the right corpus studies, and no others."""

import re
from collections import Counter

import pytest
from django.http import QueryDict

from trials import vocab
from trials.filters import StudyFilter
from trials.models import SearchDocument
from trials.search import FACET_COLUMNS, data_date

SEED = "NCT00398515"
# Diabetes in conditions, title and summary; not in the eligibility criteria.
DIABETES_STUDY = "NCT05521061"
# Diabetes only in the eligibility criteria (asthma is its condition).
DIABETES_IN_ELIGIBILITY_ONLY = "NCT03101033"
# A 2000 myeloma study without lenalidomide.
OLD_MYELOMA = "NCT00005792"


def found(params: str) -> list[str]:
    """NCT IDs of a search's first 50 results, in order."""
    return [doc.study.nct_id for doc in StudyFilter(QueryDict(params)).search()[0:50]]


@pytest.mark.parametrize(
    "params",
    [
        "q=lenalidomide",
        "q=Revlimid",
        "q=CC-5013",
        "q=lenalidomid",
        "q=temsirolimis",
        "q=l%C3%A9nalidomide",  # lénalidomide: accents do not matter
        "q=NCT00398515",
        'q="plasma cell"',
        "intr=Revlimid",
        "intr=CC-5013",
        "intr=lenalidomide",
        "intr=temsirolimis",
        "intr=Torisel",
        "cond=Plasma+Cell+Neoplasms",
        "cond=Neoplasms,+Plasma+Cell",
        "cond=refractory+multiple+myeloma",
    ],
)
def test_words_drugs_and_conditions_find_the_seed_and_not_the_diabetes_study(corpus, params):
    results = found(params)
    assert SEED in results
    assert DIABETES_STUDY not in results


def test_an_nct_id_finds_its_study_first(corpus):
    assert found("q=NCT00398515")[0] == SEED


def test_a_drug_brand_name_finds_only_the_studies_of_that_drug(corpus):
    assert found("intr=Revlimid") == [SEED]


def test_websearch_syntax_excludes_and_alternates(corpus):
    assert OLD_MYELOMA in found("q=myeloma+-lenalidomide")
    assert SEED not in found("q=myeloma+-lenalidomide")
    assert {SEED, DIABETES_STUDY} <= set(found("q=lenalidomide+OR+diabetes"))


def test_diabetes_in_eligibility_only_is_kept_out_unless_asked_for_and_then_last(corpus):
    kept_out = found("q=diabetes")
    assert DIABETES_STUDY in kept_out
    assert DIABETES_IN_ELIGIBILITY_ONLY not in kept_out
    assert "NCT05883007" not in kept_out
    anywhere = found("q=diabetes&eligibility=on")
    assert anywhere.index(DIABETES_STUDY) < anywhere.index(DIABETES_IN_ELIGIBILITY_ONLY)


def test_the_page_counts_the_eligibility_only_studies_and_links_them(client, corpus):
    page = client.get("/", {"q": "diabetes"}).content.decode()

    everywhere = StudyFilter(QueryDict("q=diabetes&eligibility=on")).search().filtered().count()
    kept = StudyFilter(QueryDict("q=diabetes")).search().filtered().count()
    assert everywhere > kept
    said = re.search(
        r"(\d+) more stud\w+ mentions? these words only in (?:its|their) eligibility", page
    )
    assert said is not None and int(said[1]) == everywhere - kept
    link = re.search(r'<a href="([^"]+)">include (?:it|them)</a>', page)
    assert link is not None and "eligibility=on" in link[1]
    included = client.get("/" + link[1].replace("&amp;", "&")).content.decode()
    assert f'<h2 id="results-heading">{everywhere} studies</h2>' in included


def test_the_api_keeps_finding_words_in_the_eligibility_criteria(client, corpus):
    body = client.get("/api/v2/studies", {"query.term": "diabetes", "pageSize": 100}).json()
    ids = [s["protocolSection"]["identificationModule"]["nctId"] for s in body["studies"]]
    assert DIABETES_IN_ELIGIBILITY_ONLY in ids


@pytest.mark.parametrize(
    ("params", "finds_seed"),
    [
        ("status=COMPLETED", True),
        ("status=RECRUITING", False),
        ("recruiting=on", False),
        ("phase=PHASE1", True),
        ("phase=PHASE3", False),
        ("type=INTERVENTIONAL", True),
        ("type=OBSERVATIONAL", False),
        ("itype=DRUG", True),
        ("itype=DEVICE", False),
        ("sex=FEMALE", True),
        ("age=70", True),  # 18 Years and older: no upper bound stated
        ("age=10", False),
        ("healthy=no", True),
        ("healthy=yes", False),
        ("country=United+States", True),
        ("country=France", False),
        ("results=no", True),
        ("results=yes", False),
        ("sponsor=National+Cancer+Institute+(NCI)", True),
        ("start_after=2007-01-01&start_before=2007-12-31", True),
        ("start_after=2008-01-01", False),
        ("updated_before=2010-01-01", False),
        ("posted_after=2006-11-01&posted_before=2006-11-30", True),
    ],
)
def test_each_filter_keeps_or_drops_the_seed(corpus, params, finds_seed):
    assert (SEED in found(params)) is finds_seed


def test_a_facet_counts_over_the_other_filters_only(corpus):
    search = StudyFilter(QueryDict("phase=PHASE3&q=myeloma")).search()
    assert search.count() == 0
    unfiltered = StudyFilter(QueryDict("q=myeloma")).search()
    # Phase 1 myeloma studies (the seed among them) are left out only by the phase filter.
    assert search.facets["phase"] == unfiltered.facets["phase"]
    assert search.facets["phase"]["PHASE1"] >= 1
    assert search.facets["status"] == {}  # status counts honour the phase filter


def _values(doc: object, facet: str) -> list[object]:
    """What a result row (SearchDocument, plain values) says for a facet; its status as shown
    (a claim unverified for two years before the data's date is unknown)."""
    if facet == "status":
        study = doc.study  # type: ignore[attr-defined]
        return [
            vocab.shown_status(
                study.overall_status,
                study.last_known_status,
                study.status_verified_date,
                data_date(),
            )[0]
        ]
    if facet == "ages":
        assert isinstance(doc, SearchDocument)
        return list(vocab.age_groups(doc.minimum_age_days, doc.maximum_age_days))
    value = getattr(doc, FACET_COLUMNS[facet])
    return list(value) if isinstance(value, list) else [value]


@pytest.mark.parametrize(
    "params",
    [
        "",
        "q=myeloma",
        "phase=PHASE1&sex=FEMALE",
        "country=United+States&itype=DRUG&results=no",
        "q=diabetes&type=INTERVENTIONAL&healthy=no&sponsor_class=OTHER",
        "recruiting=on&phase=PHASE2&phase=PHASE3",
    ],
)
def test_every_facet_counts_what_the_result_rows_say_under_the_other_filters(corpus, params):
    # The counts come from SearchMatch's codes; the oracle reads SearchDocument's plain values.
    search = StudyFilter(QueryDict(params)).search()
    assert search.count() == len(search[0:100])
    for facet, param in [(f, f) for f in FACET_COLUMNS] + [("status", "recruiting")]:
        others = QueryDict(params, mutable=True)
        others.pop(param, None)
        if facet == "status":
            others.pop("status" if param == "recruiting" else "recruiting", None)
        rows = StudyFilter(others).search()[0:100]
        # A blank value ("not stated") is no option of any facet.
        expected = Counter(v for doc in rows for v in _values(doc, facet) if v != "")
        assert search.facets[facet] == +expected, (facet, params)


def test_a_sponsor_is_found_by_its_name_whatever_the_case_and_accents(corpus):
    assert SEED in found("sponsor=national+cancer+institute+%28NCI%29")
    assert found("sponsor=National+Cancer") == []  # a whole name, not a part of one


def test_bad_parameters_are_form_errors_and_the_rest_still_filters(corpus):
    search = StudyFilter(QueryDict("phase=bogus&age=-3&start_after=never&q=lenalidomide"))
    assert set(search.errors) == {"phase", "age", "start"}
    assert [doc.study.nct_id for doc in search.search()[0:10]] == [SEED]


def test_cond_and_intr_match_words_only_where_the_layout_ranks_them(corpus):
    # Temsirolimus is one of the seed's drugs, never its condition: cond looks at conditions
    # only, and a word unknown to the lexicon in intr at interventions only.
    assert SEED in found("q=temsirolimus")
    assert SEED not in found("cond=temsirolimus")
    assert SEED in found("intr=temsirolimus+lenalidomide")
    assert SEED not in found("intr=myeloma+refractory")


def test_the_api_leaves_them_out_when_asked_with_its_own_parameter(client, corpus):
    def listed(**extra: str) -> list[str]:
        params = {"query.term": "diabetes", "pageSize": 100, **extra}
        body = client.get("/api/v2/studies", params).json()
        return [s["protocolSection"]["identificationModule"]["nctId"] for s in body["studies"]]

    assert DIABETES_IN_ELIGIBILITY_ONLY not in listed(**{"x.eligibilityOnly": "exclude"})
    assert listed(**{"x.eligibilityOnly": "exclude"}) == found("q=diabetes")
    assert DIABETES_IN_ELIGIBILITY_ONLY in listed(**{"x.eligibilityOnly": "include"})
    refused = client.get("/api/v2/studies", {"query.term": "diabetes", "x.eligibilityOnly": "no"})
    assert refused.status_code == 400
    assert "x.eligibilityOnly: must be include or exclude" in refused.json()["message"]
