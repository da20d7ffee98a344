"""GET /api/v2/studies: the ClinicalTrials.gov parameters beyond the search page's own, each
compared with an independent count over the corpus records."""

from dataclasses import dataclass

import pytest
from django.db import connection
from django.db.models import Q

from tests.test_api import SEED, listed, nct_ids, refused
from trials import api_params, vocab
from trials.models import OutcomeMeasure, Sponsor, Study
from trials.search import TsQuery, data_date
from trials.search.query import Matches

pytestmark = pytest.mark.django_db

# The corpus fits in one page; only the NCT IDs are read (a page of one field reads no table
# of parts, so these tests stay quick).
EVERYTHING = {"pageSize": "1000", "countTotal": "true", "fields": "NCTId"}


def found(client, **params: str) -> set[str]:
    """Every NCT ID the API finds (the corpus fits in one page), checked against its total."""
    body = listed(client, **params, **EVERYTHING)
    ids = nct_ids(body)
    assert len(ids) == len(set(ids)) == body["totalCount"]
    return set(ids)


def ids_of(studies) -> set[str]:
    return set(studies.values_list("nct_id", flat=True))


def in_titles(words: str) -> Q:
    """Studies with these words (a regular expression of their forms) in a title or acronym."""
    pattern = rf"\m{words}\M"
    return (
        Q(brief_title__iregex=pattern)
        | Q(official_title__iregex=pattern)
        | Q(acronym__iregex=pattern)
    )


# --- query.titles ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("diabetes", "diabetes?"),
        ("leukemia", "leuka?emias?"),  # either spelling, as every search reads words
        ("chemotherapy", "chemotherap(y|ies)"),
        ("myeloma", "myelomas?"),
    ],
)
def test_query_titles_finds_the_studies_with_the_word_in_a_title(client, corpus, word, forms):
    expected = ids_of(Study.objects.filter(in_titles(forms)))

    assert found(client, **{"query.titles": word}) == expected
    assert expected


def test_query_titles_leaves_out_studies_with_the_word_elsewhere_only(client, corpus):
    in_summary = Study.objects.filter(brief_summary__iregex=r"\mleuka?emias?\M")
    elsewhere = ids_of(in_summary.exclude(in_titles("leuka?emias?")))
    everywhere = found(client, **{"query.term": "leukemia"})

    assert elsewhere and elsewhere <= everywhere
    assert not elsewhere & found(client, **{"query.titles": "leukemia"})


def test_query_titles_reads_phrases_and_left_out_words_as_query_term_does(client, corpus):
    diabetes = found(client, **{"query.titles": "diabetes"})
    mellitus = ids_of(Study.objects.filter(in_titles("diabetes? mellitus")))
    without = found(client, **{"query.titles": "diabetes -mellitus"})

    assert found(client, **{"query.titles": '"diabetes mellitus"'}) == mellitus
    assert without == diabetes - ids_of(Study.objects.filter(in_titles("mellitus")))
    assert mellitus and without


def test_query_titles_also_finds_a_study_by_an_id_as_its_docstring_says(client, corpus):
    assert found(client, **{"query.titles": "NCI-2009-00151"}) == {SEED}


# --- query.outc -----------------------------------------------------------------------------


def studies_with_outcomes(words: str) -> set[str]:
    """Studies with these words (a regular expression of their forms) in an outcome measure."""
    pattern = rf"\m{words}\M"
    outcomes = OutcomeMeasure.objects.filter(
        Q(measure__iregex=pattern) | Q(time_frame__iregex=pattern) | Q(description__iregex=pattern)
    )
    return ids_of(Study.objects.filter(pk__in=outcomes.values("study_id")))


@pytest.mark.parametrize(
    ("word", "forms"),
    [
        ("pain", "pains?"),
        ("weeks", "weeks?"),
        ("toxicity", "toxic(ity|ities)?"),
        ("glucose", "glucose"),
    ],
)
def test_query_outc_finds_the_studies_with_the_word_in_an_outcome_measure(
    client, corpus, word, forms
):
    expected = studies_with_outcomes(forms)

    assert found(client, **{"query.outc": word}) == expected
    assert expected


def test_query_outc_leaves_out_studies_with_the_word_elsewhere_only(client, corpus):
    in_title = ids_of(Study.objects.filter(in_titles("diabetes?")))
    elsewhere = in_title - studies_with_outcomes(r"diabet\w*")

    assert elsewhere
    assert not elsewhere & found(client, **{"query.outc": "diabetes"})


def test_query_outc_is_served_by_the_outcome_index(corpus):
    words = Matches(api_params.OutcomeVector(), TsQuery.websearch("toxicity"))
    sql, params = OutcomeMeasure.objects.filter(words).values("study_id").query.sql_with_params()
    with connection.cursor() as cursor:
        # The corpus is small enough to read whole; what matters is that the index can serve it.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "outcomemeasure_words_idx" in plan


# --- query.lead -----------------------------------------------------------------------------


def test_query_lead_finds_the_studies_led_by_the_sponsor_only(client, corpus):
    led = Sponsor.objects.filter(is_lead=True, name__icontains="National Cancer Institute")
    expected = ids_of(Study.objects.filter(pk__in=led.values("study_id")))
    lead = found(client, **{"query.lead": "national cancer institute"})

    assert lead == expected and SEED in lead
    # The Southwest Oncology Group leads NCT00006392; the NCI only collaborates.
    assert "NCT00006392" in found(client, **{"query.spons": "national cancer institute"})
    assert "NCT00006392" not in lead
    assert found(client, **{"query.lead": "Southwest Oncology"}) == {"NCT00006392"}


# --- query.patient --------------------------------------------------------------------------


def test_query_patient_is_served_as_query_term(client, corpus):
    for words in ("temsirolimus", "myeloma", "breast cancer"):
        term = listed(client, **{"query.term": words, **EVERYTHING})
        patient = listed(client, **{"query.patient": words, **EVERYTHING})
        assert nct_ids(patient) == nct_ids(term)  # the same studies, in the same order
        assert patient["totalCount"] > 0


def test_query_patient_beside_query_term_narrows_it(client, corpus):
    both = found(client, **{"query.term": "myeloma", "query.patient": "lenalidomide"})

    assert both == found(client, **{"query.term": "myeloma"}) & found(
        client, **{"query.term": "lenalidomide"}
    )
    assert SEED in both and len(both) < len(found(client, **{"query.term": "myeloma"}))


# --- filter.synonyms, postFilter.* ----------------------------------------------------------


@pytest.mark.parametrize("name", ["filter.synonyms", "postFilter.synonyms"])
def test_synonyms_are_taken_and_change_nothing(client, corpus, name):
    params = {"query.cond": "myeloma"}
    with_synonyms = {**params, name: "ConditionSearch:1651367|BasicSearch:2013558"}

    assert nct_ids(listed(client, **with_synonyms)) == nct_ids(listed(client, **params))


def test_post_filter_overall_status_keeps_the_listed_statuses(client, corpus):
    statuses = ["COMPLETED", "TERMINATED"]
    expected = ids_of(Study.objects.filter(overall_status__in=statuses))

    assert found(client, **{"postFilter.overallStatus": "COMPLETED|TERMINATED"}) == expected
    both = found(
        client, **{"filter.overallStatus": "COMPLETED", "postFilter.overallStatus": "TERMINATED"}
    )
    assert both == set()


def test_post_filter_ids_is_filter_ids(client, corpus):
    ids = "NCT00006392, NCT03934567|NCT01664442"
    assert found(client, **{"postFilter.ids": ids}) == {"NCT00006392", SEED, "NCT03934567"}
    assert found(client, **{"postFilter.ids": ids, "query.intr": "Revlimid"}) == {SEED}


# --- aggFilters -----------------------------------------------------------------------------


def lead_class(*classes: str) -> Q:
    """The lead sponsor's class, or the organization's when the record gives the lead none."""
    leads = Sponsor.objects.filter(is_lead=True)
    classed = leads.exclude(agency_class="").values("study_id")
    return Q(pk__in=leads.filter(agency_class__in=classes).values("study_id")) | (
        ~Q(pk__in=classed) & Q(org_class__in=classes)
    )


@dataclass(frozen=True)
class Shown:
    """Studies whose status as shown (a claim unverified for two years before the data's date
    is unknown: ``vocab.shown_status``) is one of these."""

    statuses: tuple[str, ...]

    def ids(self) -> set[str]:
        newest = data_date()
        return {
            study.nct_id
            for study in Study.objects.all()
            if vocab.shown_status(
                study.overall_status,
                study.last_known_status,
                study.status_verified_date,
                newest,
            )[0]
            in self.statuses
        }


def std_ages(*groups: str) -> Q:
    return Q(std_ages__overlap=list(groups))


C = vocab.AgencyClass
OTHER_CLASSES = [c for c in C.values if c not in ("NIH", "FED", "INDUSTRY")]
AGGREGATIONS = [
    ("results:with", Q(has_results=True)),
    ("results:without", ~Q(has_results=True)),
    ("status:rec", Shown(("RECRUITING",))),
    ("status:com", Q(overall_status="COMPLETED")),
    ("status:not rec", Shown(("NOT_YET_RECRUITING", "RECRUITING"))),
    (
        "status:act ter wit unk",
        Shown(("ACTIVE_NOT_RECRUITING", "TERMINATED", "WITHDRAWN", "UNKNOWN")),
    ),
    ("phase:2", Q(phases__contains=["PHASE2"])),
    ("phase:0 1", Q(phases__overlap=["EARLY_PHASE1", "PHASE1"])),
    ("phase:0", Q(phases__contains=["EARLY_PHASE1"])),
    ("phase:1", Q(phases__contains=["PHASE1"])),
    ("phase:na", Q(phases__contains=["NA"])),
    ("sex:f", Q(sex__in=["FEMALE", "ALL"])),
    ("sex:m", Q(sex__in=["MALE", "ALL"])),
    ("sex:all", Q(sex="ALL")),
    ("healthy:y", Q(healthy_volunteers=True)),
    ("funderType:industry", lead_class(C.INDUSTRY)),
    ("funderType:nih", lead_class(C.NIH)),
    ("funderType:fed", lead_class(C.FED)),
    ("funderType:other", lead_class(*OTHER_CLASSES)),
    ("studyType:int", Q(study_type="INTERVENTIONAL")),
    ("studyType:obs", Q(study_type="OBSERVATIONAL")),
    ("studyType:exp", Q(study_type="EXPANDED_ACCESS")),
    ("status:com,phase:2", Q(overall_status="COMPLETED") & Q(phases__contains=["PHASE2"])),
    ("results:with,status:com", Q(has_results=True, overall_status="COMPLETED")),
    ("sex:f|healthy:y", Q(sex__in=["FEMALE", "ALL"], healthy_volunteers=True)),
]


@pytest.mark.parametrize(("value", "condition"), AGGREGATIONS, ids=[a for a, _ in AGGREGATIONS])
def test_agg_filters_keep_the_studies_the_record_puts_there(client, corpus, value, condition):
    expected = (
        condition.ids() if isinstance(condition, Shown) else ids_of(Study.objects.filter(condition))
    )

    assert found(client, aggFilters=value) == expected
    # The corpus has no early phase 1 study, none of expanded access, none led by the NIH or
    # another U.S. federal agency: those ask that no other study comes.
    assert expected or value in ("phase:0", "studyType:exp", "funderType:nih", "funderType:fed")


@pytest.mark.parametrize("group", ["child", "adult", "older"])
def test_agg_filter_ages_agrees_with_the_records_own_age_groups(client, corpus, group):
    groups = {"child": "CHILD", "adult": "ADULT", "older": "OLDER_ADULT"}
    stated = Study.objects.exclude(std_ages=[])
    expected = ids_of(stated.filter(std_ages__contains=[groups[group]]))

    assert found(client, aggFilters=f"ages:{group}") & ids_of(stated) == expected
    assert expected


# --- Bad values -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "named"),
    [
        ({"query.titles": "!!"}, "query.titles"),
        ({"query.titles": "x" * 501}, "query.titles"),
        ({"query.outc": "--"}, "query.outc"),
        ({"query.lead": "!!"}, "query.lead"),
        ({"query.patient": "x" * 501}, "query.patient"),
        ({"query.term": "cancer", "query.patient": "x" * 501}, "query.patient"),
        ({"postFilter.overallStatus": "RECRUITING,OPEN"}, "postFilter.overallStatus"),
        ({"postFilter.ids": "NCT00398515,398515"}, "postFilter.ids"),
        ({"aggFilters": "colour:red"}, "aggFilters"),
        ({"aggFilters": "status:rec open"}, "aggFilters"),
        ({"aggFilters": "phase:5"}, "aggFilters"),
        ({"aggFilters": "results"}, "aggFilters"),
        ({"filter.geo": "distance(39.0,-77.1)"}, "filter.geo"),
        ({"filter.geo": "distance(39.0,-77.1,50miles)"}, "filter.geo"),
        ({"filter.geo": "distance(91.0,-77.1,50mi)"}, "filter.geo"),
        ({"filter.geo": "distance(39.0,-181,50km)"}, "filter.geo"),
        ({"postFilter.geo": "near(39.0,-77.1,50mi)"}, "postFilter.geo"),
        ({"geoDecay": "func:cubic,scale:300mi,offset:0mi,decay:0.5"}, "geoDecay"),
        ({"geoDecay": "func:exp,scale:300,offset:0mi,decay:0.5"}, "geoDecay"),
        ({"geoDecay": "func:exp,scale:0mi,offset:0mi,decay:0.5"}, "geoDecay"),
        ({"geoDecay": "func:exp,scale:300mi,offset:0mi,decay:1.5"}, "geoDecay"),
        ({"filter.advanced": "AREA[StartDate]RANGE[2022"}, "filter.advanced"),
        ({"postFilter.advanced": "AREA[Colour]red"}, "postFilter.advanced"),
    ],
)
def test_a_bad_value_is_a_400_naming_the_parameter(client, corpus, params, named):
    assert refused(client, **params).startswith(f"{named}:")


def test_an_unknown_agg_filter_option_is_named(client, corpus):
    assert "'open'" in refused(client, aggFilters="status:rec open")
    assert "'colour'" in refused(client, aggFilters="colour:red")


@pytest.mark.parametrize("name", ["query.titles", "query.outc", "query.lead", "query.patient"])
@pytest.mark.parametrize(
    "words", ["o'brien", "it''s \\'", "x:A | !y", "a & (b <-> c)", "the", '"', "-cancer", "ÉTUDE"]
)
def test_odd_words_are_words_never_sql(client, corpus, name, words):
    response = client.get("/api/v2/studies", {name: words})

    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert response.json()["message"].startswith(f"{name}:")
