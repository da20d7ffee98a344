"""GET /api/v2/studies with Essie expressions (query.*, filter.advanced, postFilter.advanced),
each answer compared with the studies an ORM query over the corpus records finds."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.test_api import refused
from tests.test_api_params import Shown, found, ids_of
from trials import vocab
from trials.models import Condition, Intervention, Site, Sponsor, Study

pytestmark = pytest.mark.django_db

SIXTEEN = vocab.age_in_days("16 Years")


def advanced(client, expression: str) -> set[str]:
    return found(client, **{"filter.advanced": expression})


def with_site(**where) -> set[str]:
    return ids_of(Study.objects.filter(pk__in=Site.objects.filter(**where).values("study_id")))


# --- The expressions of the API description and of the search-areas documentation -------------


def test_query_term_last_update_from_a_date_on(client, corpus):
    expected = ids_of(Study.objects.filter(last_update_posted_date__gte=datetime.date(2023, 1, 15)))

    term = "AREA[LastUpdatePostDate]RANGE[2023-01-15,MAX]"
    assert found(client, **{"query.term": term}) == expected
    assert expected and len(expected) < Study.objects.count()


def test_filter_advanced_start_date_in_a_year(client, corpus):
    expected = ids_of(Study.objects.filter(start_date__year=2022))

    assert advanced(client, "AREA[StartDate]2022") == expected
    assert found(client, **{"postFilter.advanced": "AREA[StartDate]2022"}) == expected
    assert expected


def test_start_date_from_a_day_on(client, corpus):
    expected = ids_of(Study.objects.filter(start_date__gte=datetime.date(2020, 1, 15)))

    assert advanced(client, "AREA[StartDate]RANGE[2020-01-15,MAX]") == expected
    assert advanced(client, "AREA[StartDate]RANGE[01/15/2020, MAX]") == expected
    assert expected


def test_a_range_of_partial_dates_covers_each_bound_whole(client, corpus):
    expected = ids_of(
        Study.objects.filter(
            start_date__gte=datetime.date(2019, 1, 1), start_date__lte=datetime.date(2021, 6, 30)
        )
    )

    assert advanced(client, "AREA[StartDate]RANGE[2019, 2021-06]") == expected
    assert expected


def test_minimum_age_up_to_sixteen_years(client, corpus):
    expected = ids_of(Study.objects.filter(minimum_age_days__lte=SIXTEEN))

    assert advanced(client, "AREA[MinimumAge]RANGE[MIN, 16 years]") == expected
    assert expected


def test_studies_a_sixteen_year_old_may_join_by_both_ages(client, corpus):
    expected = ids_of(
        Study.objects.filter(minimum_age_days__lte=SIXTEEN, maximum_age_days__gte=SIXTEEN)
    )

    expression = "AREA[MinimumAge]RANGE[MIN, 16 years] AND AREA[MaximumAge]RANGE[16 years, MAX]"
    assert advanced(client, expression) == expected
    assert expected


@pytest.mark.parametrize("city", ["Columbus", "Seoul", "Porto Alegre"])
def test_location_city(client, corpus, city):
    assert advanced(client, f"AREA[LocationCity]{city}") == with_site(city__iexact=city)
    assert with_site(city__iexact="Seoul")


def test_query_cond_reads_boolean_expressions_of_its_own_words(client, corpus):
    def cond(words: str) -> set[str]:
        return found(client, **{"query.cond": words})

    grouped = found(client, **{"query.cond": "(head OR neck) AND pain"})
    ungrouped = found(client, **{"query.cond": "head OR neck AND pain"})
    back = found(client, **{"query.cond": "(back OR neck) AND pain"})

    assert grouped == (cond("head") | cond("neck")) & cond("pain")
    assert ungrouped == cond("head") | (cond("neck") & cond("pain"))
    assert back == (cond("back") | cond("neck")) & cond("pain")
    assert grouped != ungrouped and back  # "Head and Neck Cancer", "Low Back Pain"


def test_lung_cancer_in_filter_advanced_is_query_terms_words(client, corpus):
    words = found(client, **{"query.term": "lung cancer"})

    assert advanced(client, "lung cancer") == words
    assert words


def test_intervention_name(client, corpus):
    expected = ids_of(
        Study.objects.filter(
            pk__in=Intervention.objects.filter(name__iregex=r"\mlenalidomide").values("study_id")
        )
    )

    assert advanced(client, "AREA[InterventionName]lenalidomide") == expected
    assert expected


def test_lead_sponsor_name_phrase(client, corpus):
    leads = Sponsor.objects.filter(is_lead=True, name__icontains="National Cancer Institute")
    expected = ids_of(Study.objects.filter(pk__in=leads.values("study_id")))

    assert advanced(client, 'AREA[LeadSponsorName]"National Cancer Institute"') == expected
    assert expected


@pytest.mark.parametrize("written", ["RECRUITING", "Recruiting", "recruiting"])
def test_overall_status_by_value_or_label(client, corpus, written):
    # The status as shown: a claim unverified for two years before the data's date is unknown.
    expected = Shown((vocab.Status.RECRUITING,)).ids()

    assert advanced(client, f"AREA[OverallStatus]{written}") == expected
    assert expected


def test_phase_and_status_side_by_side_are_both_asked_for(client, corpus):
    expected = ids_of(
        Study.objects.filter(phases__contains=["PHASE2"]).filter(overall_status="COMPLETED")
    )
    either = ids_of(Study.objects.filter(phases__contains=["PHASE2"])) | ids_of(
        Study.objects.filter(overall_status="COMPLETED")
    )

    assert advanced(client, "AREA[Phase]PHASE2 AREA[OverallStatus]COMPLETED") == expected
    assert advanced(client, "AREA[Phase]Phase 2 OR AREA[OverallStatus]COMPLETED") == either
    assert expected and either != expected


def test_results_first_post_date_missing(client, corpus):
    expected = ids_of(Study.objects.filter(results_first_posted_date__isnull=True))

    assert advanced(client, "AREA[ResultsFirstPostDate]MISSING") == expected
    assert advanced(client, "NOT AREA[ResultsFirstPostDate]MISSING") == (
        ids_of(Study.objects.all()) - expected
    )
    assert expected and len(expected) < Study.objects.count()


def test_enrollment_count_range(client, corpus):
    expected = ids_of(Study.objects.filter(enrollment__gte=100, enrollment__lte=1000))

    assert advanced(client, "AREA[EnrollmentCount]RANGE[100, 1000]") == expected
    assert expected


def test_not_leaves_out_what_follows_it(client, corpus):
    completed = ids_of(Study.objects.filter(overall_status="COMPLETED"))

    assert advanced(client, "NOT AREA[OverallStatus]COMPLETED") == (
        ids_of(Study.objects.all()) - completed
    )
    assert completed


def test_words_and_areas_mix_in_query_term(client, corpus):
    words = found(client, **{"query.term": "diabetes"})
    recruiting = ids_of(Study.objects.filter(overall_status="RECRUITING"))

    expression = "diabetes AND AREA[OverallStatus]RECRUITING"
    assert found(client, **{"query.term": expression}) == words & recruiting
    assert found(client, **{"query.term": "diabetes NOT AREA[OverallStatus]RECRUITING"}) == (
        words - recruiting
    )
    assert words & recruiting and words - recruiting


def test_query_locn_reads_location_fields(client, corpus):
    assert found(client, **{"query.locn": "AREA[LocationCountry]Japan"}) == with_site(
        country="Japan"
    )
    assert with_site(country="Japan")


# --- SEARCH, COVERAGE and EXPANSION --------------------------------------------------------


def test_search_location_asks_one_and_the_same_site(client, corpus):
    seoul = with_site(city="Seoul")
    american = with_site(country="United States")
    both = seoul & american
    assert both  # a study with sites in Seoul and in the United States

    apart = "AREA[LocationCity]Seoul AND AREA[LocationCountry]United States"
    assert advanced(client, apart) == both
    assert advanced(client, f"SEARCH[Location]({apart})") == with_site(
        city="Seoul", country="United States"
    )
    together = "SEARCH[Location](AREA[LocationCity]Seoul AND AREA[LocationCountry]Korea)"
    assert advanced(client, together) == with_site(city="Seoul", country__icontains="Korea")


def test_coverage_compares_a_fields_whole_value_or_its_ends(client, corpus):
    named = Condition.objects.filter(name__iexact="Diabetes Mellitus").values("study_id")
    starting = Condition.objects.filter(name__istartswith="Diabetes").values("study_id")
    full = ids_of(Study.objects.filter(pk__in=named))
    start = ids_of(Study.objects.filter(pk__in=starting))
    contains = advanced(client, 'AREA[Condition]"Diabetes Mellitus"')

    assert advanced(client, 'AREA[Condition]COVERAGE[FullMatch]"diabetes mellitus"') == full
    assert advanced(client, "AREA[Condition]COVERAGE[StartsWith]diabetes") == start
    assert full < start and full < contains


def test_expansion_none_asks_for_the_words_as_written(client, corpus):
    british = found(client, **{"query.term": "EXPANSION[None]leukaemia"})
    spellings = found(client, **{"query.term": "EXPANSION[Term]leukaemia"})

    assert spellings == found(client, **{"query.term": "EXPANSION[Term]leukemia"})
    assert british < spellings
    # Both spellings are in the corpus, each in studies of its own.
    assert ids_of(Study.objects.filter(conditions__name__icontains="leukaemia")) <= british
    assert not ids_of(Study.objects.filter(conditions__name__icontains="leukemia")) <= british


# --- What it cannot read ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expression", "says"),
    [
        (
            "query.term",
            "AREA[Colour]red",
            "AREA[Colour]: not a field or a search area (at character 6)",
        ),
        ("filter.advanced", "AREA[StartDate]RANGE[2020-13-01, MAX]", "'2020-13-01' is not a date"),
        ("filter.advanced", "AREA[OverallStatus]OPEN", "'OPEN' is not one of"),
        ("filter.advanced", "AREA[BriefTitle]RANGE[a, b]", "RANGE takes a date"),
        ("filter.advanced", "AREA[MinimumAge]RANGE[MIN, sixteen]", "'sixteen' is not an age"),
        ("filter.advanced", "AREA[EnrollmentCount]many", "'many' is not a whole number"),
        ("filter.advanced", "AREA[Phase:size]2", "the size form is not served"),
        ("filter.advanced", "AREA[ConditionSearch]MISSING", "is a search area"),
        ("filter.advanced", "SEARCH[Study](x)", "only SEARCH[Location]"),
        ("filter.advanced", "SEARCH[Location](AREA[Condition]x)", "only location fields"),
        ("filter.advanced", "SEARCH[Location](x)", "name a location field"),
        ("postFilter.advanced", "(asthma OR copd", "( is not closed with ) (at character 1)"),
        ("query.cond", "(head OR neck) AND", "expected a search term after AND (at character 19)"),
        ("query.titles", "AREA[TitleSearch]!! AND x", "give at least one word (at character 18)"),
        ("query.locn", "AREA[LocationCity]Columbus AND", "expected a search term"),
    ],
)
def test_an_expression_it_cannot_read_is_a_400_saying_what_and_where(
    client, corpus, name, expression, says
):
    message = refused(client, **{name: expression})
    assert message.startswith(f"{name}: ")
    assert says in message


def test_where_the_position_points(client, corpus):
    expression = "asthma AND AREA[StartDate]RANGE[2020, soon]"
    message = refused(client, **{"filter.advanced": expression})
    at = int(message.rpartition("at character ")[2].rstrip(")"))
    assert expression[at - 1 :] == "soon]"


# --- Cost -----------------------------------------------------------------------------------


def test_the_query_count_does_not_grow_with_the_matches(client, corpus):
    def queries(expression: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            matched = len(advanced(client, expression))
        return matched, len(captured)

    few, few_queries = queries("AREA[LocationCity]Seoul OR AREA[StartDate]1999 OR diabetes")
    many, many_queries = queries(
        "AREA[LocationCountry]United States OR AREA[StartDate]RANGE[MIN,MAX] OR study"
    )
    assert few < many
    assert few_queries == many_queries
