"""Curated values over re-imports: same, older and newer versions; history of every import."""

import json
from collections.abc import Callable

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.corpus import read
from trials import curation, edits
from trials.importer.detect import read_studies
from trials.importer.report import Result
from trials.importer.writer import import_pieces
from trials.models import Curation, Origin, Site, Study, StudyChange

# Each test counts what it imports: none of the shared records.
pytestmark = pytest.mark.usefixtures("empty_db")

NCT = "NCT00405041"  # one site, one dietary supplement with one other name
RECORD = f"json/{NCT}.json"


def version(updated: str, change: Callable[[dict], None] | None = None) -> bytes:
    """The corpus record of NCT00405041 as a version last updated on ``updated``."""
    data = json.loads(read(RECORD))
    data["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = updated
    if change:
        change(data["protocolSection"])
    return json.dumps(data).encode()


def retitled(title: str) -> Callable[[dict], None]:
    def change(section: dict) -> None:
        section["identificationModule"]["briefTitle"] = title

    return change


def load(data: bytes, name: str = "upload.json") -> Result:
    (result,) = import_pieces(read_studies(data, name))
    return result


def curate(user, change: Callable[[Study], None]) -> StudyChange | None:
    """Change the study's rows as the admin does, and record the edit."""
    study = Study.objects.get(nct_id=NCT)
    snap = edits.snapshot(study)
    change(study)
    return edits.record_admin_edit(snap, user)


def set_title(title: str) -> Callable[[Study], None]:
    def change(study: Study) -> None:
        study.brief_title = title
        study.save()

    return change


def test_studies_are_read_before_an_edit_in_the_queries_of_one(django_assert_num_queries):
    for n in range(3):  # the record under three NCT IDs: three studies with the same parts
        data = json.loads(read(RECORD))
        data["protocolSection"]["identificationModule"]["nctId"] = f"NCT0040504{n + 1}"
        load(json.dumps(data).encode())
    with CaptureQueriesContext(connection) as queries_of_one:
        (one,) = edits.snapshots(Study.objects.filter(nct_id=NCT))

    with django_assert_num_queries(len(queries_of_one)):
        snaps = edits.snapshots(Study.objects.order_by("nct_id"))

    assert [snap.study.nct_id for snap in snaps] == [NCT, "NCT00405042", "NCT00405043"]
    assert [snap.flat for snap in snaps[1:]] == [
        edits.snapshot(snap.study).flat for snap in snaps[1:]
    ]
    assert snaps[0].flat == one.flat and snaps[0].source_flat == one.source_flat
    city = next(value for path, value in one.flat.items() if path.endswith("].city"))
    assert city == Site.objects.get(study=one.study).city


@pytest.fixture
def curator(django_user_model):
    return django_user_model.objects.create_user("curator", is_staff=True)


@pytest.fixture
def curated(db, curator):
    """The study imported once (2008 version), its title then corrected by a curator."""
    assert load(version("2008-04-10")).outcome == "created"
    curate(curator, set_title("Curated title"))
    return Study.objects.get(nct_id=NCT)


# That every corpus record reads back from its rows as it was written (what curation compares
# against) is checked on the import of every corpus record in every form:
# tests/test_import_command.py::test_every_corpus_record_in_every_form_imports_and_reads_back.


def test_an_admin_edit_becomes_a_curation_with_the_source_value_it_replaced(curated, curator):
    (kept,) = Curation.objects.all()
    assert (kept.path, kept.value, kept.curated_by) == ("brief_title", "Curated title", curator)
    assert kept.source_value.startswith("Randomized Controlled Study")
    assert curated.curated_fields() == {"brief_title"}


def test_reimporting_the_same_source_keeps_the_curated_value(curated):
    assert load(version("2008-04-10")).outcome == "unchanged"
    assert Study.objects.get().brief_title == "Curated title"


def test_an_older_version_keeps_the_curated_value_and_raises_no_conflict(curated):
    result = load(version("2007-01-01", retitled("An old title")))
    assert result.outcome == "unchanged", result
    assert Study.objects.get().brief_title == "Curated title"
    assert not Curation.objects.conflicted().exists()


def test_a_newer_version_changing_the_curated_field_flags_it_with_both_values(curated):
    load(version("2009-05-01", retitled("Sponsor's new title")))
    assert Study.objects.get().brief_title == "Curated title"
    (flagged,) = Curation.objects.conflicted()
    assert (flagged.value, flagged.new_source_value) == ("Curated title", "Sponsor's new title")
    entry = StudyChange.objects.filter(origin=Origin.IMPORT).newest_first().first()
    assert entry.conflicts == {"brief_title": ["Curated title", "Sponsor's new title"]}


def test_a_newer_version_changing_other_fields_updates_them_under_the_curation(curated):
    def more_people(section: dict) -> None:
        section["designModule"]["enrollmentInfo"]["count"] = 999

    assert load(version("2009-05-01", more_people)).outcome == "updated"
    study = Study.objects.get()
    assert (study.enrollment, study.brief_title) == (999, "Curated title")
    assert not Curation.objects.conflicted().exists()
    entry = StudyChange.objects.filter(origin=Origin.IMPORT).newest_first().first()
    assert entry.changes["enrollment"][1] == 999
    assert "brief_title" not in entry.changes


def test_a_source_that_comes_to_agree_with_the_curator_ends_the_curation(curated):
    load(version("2009-05-01", retitled("Curated title")))
    assert not Curation.objects.exists()
    assert Study.objects.get().brief_title == "Curated title"


def test_keep_curated_settles_the_conflict_and_later_imports_of_that_value_stay_quiet(
    curated, curator
):
    load(version("2009-05-01", retitled("Sponsor's new title")))
    assert edits.keep_curated(Curation.objects.all(), curator) == 1
    (kept,) = Curation.objects.all()
    assert (kept.conflicted, kept.source_value) == (False, "Sponsor's new title")
    load(version("2009-06-01", retitled("Sponsor's new title")))
    assert not Curation.objects.conflicted().exists()
    assert Study.objects.get().brief_title == "Curated title"


def test_take_source_shows_the_newer_value_and_records_the_decision(curated, curator):
    load(version("2009-05-01", retitled("Sponsor's new title")))
    edits.take_source(Curation.objects.all(), curator)
    assert Study.objects.get().brief_title == "Sponsor's new title"
    assert not Curation.objects.exists()
    decision = StudyChange.objects.get(origin=Origin.DECISION)
    assert decision.changes == {"brief_title": ["Curated title", "Sponsor's new title"]}
    assert decision.actor == curator


def test_every_import_is_in_the_history_with_what_made_it(curated):
    load(version("2009-05-01", retitled("Sponsor's new title")), name="batch.zip:x.json")
    imports = StudyChange.objects.filter(origin=Origin.IMPORT).newest_first()
    assert [e.source for e in imports] == ["batch.zip:x.json", "upload.json"]
    assert imports[1].summary == "Created by import."
    assert imports[0].actor is None


def test_a_curated_site_country_survives_a_newer_version_that_changes_another_field(
    curated, curator
):
    def fix_country(study: Study) -> None:
        Site.objects.filter(study=study).update(country="Atlantis")

    curate(curator, fix_country)
    assert "sites[0].country" in Study.objects.get().curated_fields()

    def renamed(section: dict) -> None:
        section["identificationModule"]["briefTitle"] = "Curated title"
        section["contactsLocationsModule"]["locations"][0]["facility"] = "New facility name"

    load(version("2009-05-01", renamed))
    site = Site.objects.get()
    assert (site.country, site.facility) == ("Atlantis", "New facility name")


def test_a_renamed_intervention_keeps_its_key_for_later_edits(curated, curator):
    def rename(study: Study) -> None:
        study.interventions.update(name="Glucosamine supplement")

    def drop_other_names(study: Study) -> None:
        for intervention in study.interventions.all():
            intervention.other_names.all().delete()

    curate(curator, rename)
    curate(curator, drop_other_names)
    key = "interventions[Dietary supplement GVG 2]"
    assert Study.objects.get().curated_fields() == {
        "brief_title",
        f"{key}.name",
        f"{key}.other_names",
    }
    load(version("2009-05-01", retitled("Curated title")))
    (intervention,) = Study.objects.get().interventions.all()
    assert intervention.name == "Glucosamine supplement"
    assert list(intervention.other_names.all()) == []


def test_reverting_a_curators_change_restores_the_title_and_is_itself_recorded(curated, curator):
    change = StudyChange.objects.get(origin=Origin.ADMIN)
    revert = edits.revert(change, curator)
    assert Study.objects.get().brief_title.startswith("Randomized Controlled Study")
    assert not Curation.objects.exists()
    assert revert.reverts == change
    assert revert.changes == {"brief_title": ["Curated title", change.changes["brief_title"][0]]}


def test_the_batch_form_finds_every_studys_curations_in_one_query(
    curated, django_assert_num_queries
):
    state = Study.objects.get()
    from trials.record import StudyRecord

    record = StudyRecord.from_dict(state.versions.get().record)
    imports = [curation.Import(state.pk, record, record, "x")] * 50
    # One query for the curations, one insert of the 50 history entries.
    with django_assert_num_queries(2):
        shown = curation.curate_imports_many(imports)
    assert {r.brief_title for r in shown} == {"Curated title"}


def test_new_studies_cost_the_batch_no_query_but_their_history_insert(
    db, django_assert_num_queries
):
    load(version("2008-04-10"))
    study = Study.objects.get()
    from trials.record import StudyRecord

    record = StudyRecord.from_dict(study.versions.get().record)
    with django_assert_num_queries(1):
        curation.curate_imports_many([curation.Import(study.pk, None, record, "x")] * 20)


def test_a_curated_title_is_what_public_search_finds(curated, curator):
    from django.http import QueryDict

    from trials.filters import StudyFilter

    def found(words: str) -> list[str]:
        results = StudyFilter(QueryDict(f"q={words}")).search()
        return [doc.study.nct_id for doc in results[0:10]]

    assert found("Curated") == [NCT]
    edits.revert(StudyChange.objects.get(origin=Origin.ADMIN), curator)
    assert found("Curated") == []


def test_reverting_a_curation_in_conflict_gives_the_field_back_to_the_newer_source(
    curated, curator, client
):
    edit = StudyChange.objects.get(origin=Origin.ADMIN)
    load(version("2009-05-01", retitled("Sponsor's new title")))
    edits.revert(edit, curator)
    # Before the edit the title was the source's: it is again, as the source now says it.
    assert not Curation.objects.exists()
    assert Study.objects.get().brief_title == "Sponsor's new title"
    page = client.get(Study.objects.get().get_absolute_url()).content.decode()
    assert "corrected by the registry" not in page


def test_reverting_a_change_to_a_value_curated_before_it_keeps_that_value_curated(curated, curator):
    curate(curator, set_title("Curated again"))
    second = StudyChange.objects.filter(origin=Origin.ADMIN).newest_first().first()
    load(version("2009-05-01", retitled("Sponsor's new title")))
    edits.revert(second, curator)
    (kept,) = Curation.objects.all()
    assert (kept.path, kept.value) == ("brief_title", "Curated title")
    assert Study.objects.get().brief_title == "Curated title"
