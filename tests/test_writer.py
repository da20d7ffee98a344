"""The writer: whole or nothing, idempotent by NCT ID, versions folded by the records' dates."""

import dataclasses
import gc

import psycopg
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import table_counts
from trials import store, vocab
from trials.export import study_to_api
from trials.importer.detect import Piece
from trials.importer.pipeline import BULK_COLLECTION_THRESHOLD
from trials.importer.report import Outcome as Result
from trials.importer.writer import _retrying, import_pieces, save_record
from trials.models import Intervention as InterventionRow
from trials.models import SearchTerm, Study, StudyVersion
from trials.models import Site as SiteRow
from trials.record import (
    Arm,
    Intervention,
    Outcome,
    PartialDate,
    Site,
    Sponsor,
    StudyRecord,
)
from trials.search import rebuild_lexicon
from trials.store.copy import _type_name

# Each test counts what it imports: none of the shared records.
pytestmark = pytest.mark.usefixtures("empty_db")


def make_record(**changes) -> StudyRecord:
    record = StudyRecord(
        nct_id="NCT01234567",
        brief_title="A study of something",
        overall_status=vocab.Status.RECRUITING,
        source_format=vocab.SourceFormat.API_V2_JSON,
        last_update_posted=PartialDate("2020-05-01", "ACTUAL"),
        start=PartialDate("2019-03", "ACTUAL"),
        phases=("PHASE1", "PHASE2"),
        enrollment=40,
        enrollment_type="ESTIMATED",
        minimum_age="18 Years",
        conditions=("Asthma", "COPD"),
        arms=(Arm("Drug arm", "EXPERIMENTAL", intervention_names=("Drug: salbutamol",)),),
        interventions=(Intervention("DRUG", "salbutamol", other_names=("albuterol", "Ventolin")),),
        outcomes=(Outcome("PRIMARY", "FEV1", "12 weeks"),),
        sites=(Site("General Hospital", "Leeds", country="United Kingdom"),),
        lead_sponsor=Sponsor("Leeds University", "OTHER"),
    )
    return dataclasses.replace(record, **changes)


def test_a_new_record_creates_the_study_with_all_its_parts():
    result = save_record(make_record(), b"source one", "one.json")

    assert result.outcome == Result.CREATED
    study = Study.objects.get(nct_id="NCT01234567")
    assert study.phases == ["PHASE1", "PHASE2"]
    assert (study.start_date.isoformat(), study.start_precision, study.start_type) == (
        "2019-03-01",
        "MONTH",
        "ACTUAL",
    )
    assert study.minimum_age_days == 6574
    assert [c.name for c in study.conditions.all()] == ["Asthma", "COPD"]
    intervention = study.interventions.get()
    assert [n.name for n in intervention.other_names.all()] == ["albuterol", "Ventolin"]
    assert [a.label for a in intervention.arms.all()] == ["Drug arm"]
    assert study.lead_sponsor.name == "Leeds University"
    assert bytes(study.versions.get().content) == b"source one"


def test_importing_the_same_source_twice_changes_no_row():
    save_record(make_record(), b"source one", "one.json")
    before = table_counts()
    ids_before = list(SiteRow.objects.values_list("pk", flat=True))

    result = save_record(make_record(), b"source one", "one.json")

    assert result.outcome == Result.UNCHANGED
    assert table_counts() == before
    assert list(SiteRow.objects.values_list("pk", flat=True)) == ids_before


def test_a_changed_newer_source_replaces_the_parts():
    save_record(make_record(), b"v1", "v1.json")
    newer = make_record(
        last_update_posted=PartialDate("2021-01-01", "ACTUAL"),
        sites=(Site("Other Hospital", "York", country="United Kingdom"),),
        overall_status="COMPLETED",
    )

    result = save_record(newer, b"v2", "v2.json")

    assert result.outcome == Result.UPDATED, result
    study = Study.objects.get()
    assert study.overall_status == "COMPLETED"
    assert [s.facility for s in study.sites.all()] == ["Other Hospital"]
    assert study.versions.count() == 2


def test_an_older_capture_imported_after_a_newer_one_changes_nothing_visible():
    save_record(
        make_record(last_update_posted=PartialDate("2023-01-01"), overall_status="COMPLETED"),
        b"2023",
        "2023.json",
    )
    result = save_record(
        make_record(last_update_posted=PartialDate("2014-01-01"), overall_status="RECRUITING"),
        b"2014",
        "2014.json",
    )

    assert result.outcome == Result.UNCHANGED
    assert Study.objects.get().overall_status == "COMPLETED"
    assert StudyVersion.objects.count() == 2


def test_a_capture_that_lacks_sections_keeps_what_a_fuller_version_gave():
    save_record(make_record(), b"full", "full.json")
    partial = make_record(
        last_update_posted=PartialDate("2022-01-01"),
        sites=(),
        interventions=(),
        arms=(),
        overall_status="ACTIVE_NOT_RECRUITING",
        lacks=frozenset({"sites", "interventions", "arms"}),
    )

    assert save_record(partial, b"partial", "partial.txt").outcome == Result.UPDATED

    study = Study.objects.get()
    assert study.overall_status == "ACTIVE_NOT_RECRUITING"
    assert [s.facility for s in study.sites.all()] == ["General Hospital"]
    assert [x.name for x in study.interventions.all()] == ["salbutamol"]


def test_a_record_the_database_refuses_is_written_not_at_all():
    save_record(make_record(), b"v1", "v1.json")
    before = table_counts()
    too_long = make_record(
        last_update_posted=PartialDate("2024-01-01"), acronym="X" * 500, conditions=("New",)
    )

    result = save_record(too_long, b"v2", "v2.json")

    assert result.outcome == Result.FAILED
    assert "acronym" in result.detail
    assert table_counts() == before
    assert [c.name for c in Study.objects.get().conditions.all()] == ["Asthma", "COPD"]


def test_a_failed_piece_is_reported_and_the_batch_goes_on():
    bad = Piece("bad.xml", b"", "", error="not valid UTF-8 (byte 3)")
    good = Piece("good.json", b"good", "API_V2_JSON", record=make_record())

    results = list(import_pieces([bad, good]))

    assert results[0].outcome == Result.FAILED
    assert str(results[0]) == "failed: bad.xml: not valid UTF-8 (byte 3)"
    assert results[1].outcome == Result.CREATED


def test_arms_and_interventions_link_by_label_from_either_side():
    record = make_record(
        arms=(Arm("A"), Arm("B", intervention_names=("Drug: two",))),
        interventions=(
            Intervention("DRUG", "one", arm_labels=("A",)),
            Intervention("DRUG", "two"),
        ),
    )
    save_record(record, b"links", "links.json")

    links = {
        x.name: [a.label for a in x.arms.all()]
        for x in InterventionRow.objects.prefetch_related("arms")
    }
    assert links == {"one": ["A"], "two": ["B"]}


def test_an_interventions_arms_come_back_in_the_order_its_record_lists_them():
    # Neither the arms' order nor sorted; an arm naming the intervention on its own side only
    # comes after the intervention's own labels.
    record = make_record(
        arms=(Arm("A"), Arm("B"), Arm("C"), Arm("D", intervention_names=("Drug: one",))),
        interventions=(Intervention("DRUG", "one", arm_labels=("C", "A", "B")),),
    )
    save_record(record, b"order", "order.json")

    study = Study.objects.with_parts().get(nct_id=record.nct_id)
    held = store.read(study)
    assert held.data["interventions"][0]["arm_labels"] == ["C", "A", "B", "D"]
    assert study_to_api(study)["protocolSection"]["armsInterventionsModule"]["interventions"][0][
        "armGroupLabels"
    ] == ["C", "A", "B", "D"]


def test_one_bad_study_in_a_batch_of_new_studies_is_set_aside_and_the_rest_saved():
    pieces = [
        Piece("1.json", b"1", "API_V2_JSON", record=make_record(nct_id="NCT00000001")),
        Piece(
            "2.json",
            b"2",
            "API_V2_JSON",
            record=make_record(nct_id="NCT00000002", acronym="X" * 500),
        ),
        Piece("3.json", b"3", "API_V2_JSON", record=make_record(nct_id="NCT00000003")),
    ]

    results = list(import_pieces(pieces))

    assert [r.outcome for r in results] == [Result.CREATED, Result.FAILED, Result.CREATED]
    assert "acronym" in results[1].detail
    assert sorted(Study.objects.values_list("nct_id", flat=True)) == ["NCT00000001", "NCT00000003"]
    assert SiteRow.objects.count() == 2


def test_a_batch_imports_many_new_studies_with_every_part():
    pieces = [
        Piece(f"{n}.json", str(n).encode(), "API_V2_JSON", record=make_record(nct_id=f"NCT{n:08d}"))
        for n in range(1, 31)
    ]

    assert {r.outcome for r in import_pieces(pieces, chunk_size=7)} == {Result.CREATED}

    assert Study.objects.count() == 30
    assert InterventionRow.objects.filter(other_names__name="Ventolin").count() == 30
    assert InterventionRow.arms.through.objects.count() == 30
    again = [r.outcome for r in import_pieces(pieces, chunk_size=7)]
    assert set(again) == {Result.UNCHANGED}


def test_an_import_collects_garbage_less_often_while_it_runs_and_as_before_after_it():
    pieces = [
        Piece(f"{n}.json", str(n).encode(), "API_V2_JSON", record=make_record(nct_id=f"NCT{n:08d}"))
        for n in range(1, 4)
    ]
    before = gc.get_threshold()
    during = []
    for _ in import_pieces(pieces, chunk_size=2):
        during.append((gc.get_threshold()[0], gc.get_freeze_count()))
    assert during and all(t == BULK_COLLECTION_THRESHOLD and frozen > 0 for t, frozen in during)
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0
    assert Study.objects.count() == 3


def test_a_version_keeps_its_bytes_and_its_record_exactly_as_given():
    # Kept by binary COPY: bytes that text format would escape, JSON text with escapes of its
    # own, characters beyond ASCII.
    data = b"\\N\t\r\n\x00\xff\\x41 \xe2\x80\x94 end"
    record = make_record(
        brief_title='A "quoted" \\ backslash,\ttab and\nline \u2014 \U0001f600',
        conditions=("Sj\u00f6gren's Syndrome", "C:\\path\\n"),
    )
    pieces = [Piece("odd.json", data, "API_V2_JSON", record=record)]
    assert [r.outcome for r in import_pieces(pieces)] == [Result.CREATED]
    version = StudyVersion.objects.get()
    assert bytes(version.content) == data
    assert version.record == record.to_dict()
    assert version.record["brief_title"] == record.brief_title


def test_of_two_versions_with_the_same_date_the_later_import_wins():
    save_record(make_record(brief_title="First"), b"first", "first.json")

    save_record(make_record(brief_title="Second"), b"second", "second.json")

    assert Study.objects.get().brief_title == "Second"


def test_two_captures_of_one_study_in_a_batch_are_kept_as_versions_in_date_order():
    newer = Piece(
        "2021.json",
        b"2021",
        "API_V2_JSON",
        record=make_record(last_update_posted=PartialDate("2021-01-01"), brief_title="Newer"),
    )
    older = Piece("2020.json", b"2020", "API_V2_JSON", record=make_record(brief_title="Older"))

    results = list(import_pieces([newer, older]))

    assert [r.outcome for r in results] == [Result.CREATED, Result.UNCHANGED]
    assert Study.objects.get().brief_title == "Newer"
    assert StudyVersion.objects.count() == 2


def _newer_pieces(numbers: range, **changes) -> list[Piece]:
    """A newer version of each study NCT<number>, as a batch of pieces would bring it."""
    return [
        Piece(
            f"{n}-newer.json",
            f"{n} newer {changes}".encode(),
            "API_V2_JSON",
            record=make_record(
                nct_id=f"NCT{n:08d}", last_update_posted=PartialDate("2024-01-01"), **changes
            ),
        )
        for n in numbers
    ]


def _first_pieces(numbers: range) -> list[Piece]:
    return [
        Piece(f"{n}.json", str(n).encode(), "API_V2_JSON", record=make_record(nct_id=f"NCT{n:08d}"))
        for n in numbers
    ]


def test_a_batch_of_newer_versions_updates_every_study_whole():
    list(import_pieces(_first_pieces(range(1, 13))))
    sites = (Site("Other Hospital", "York", country="United Kingdom"),)

    results = list(import_pieces(_newer_pieces(range(1, 13), sites=sites), chunk_size=5))

    assert [r.outcome for r in results] == [Result.UPDATED] * 12
    assert [r.nct_id for r in results] == [f"NCT{n:08d}" for n in range(1, 13)]
    assert set(SiteRow.objects.values_list("facility", flat=True)) == {"Other Hospital"}
    assert SiteRow.objects.count() == 12
    assert StudyVersion.objects.count() == 24
    assert InterventionRow.objects.filter(other_names__name="Ventolin").count() == 12


def test_updating_a_batch_costs_the_same_queries_for_many_studies_as_for_few():
    list(import_pieces(_first_pieces(range(1, 21))))
    list(import_pieces(_newer_pieces(range(1, 3), brief_title="Warm-up")))  # caches filled
    with CaptureQueriesContext(connection) as few:
        list(import_pieces(_newer_pieces(range(1, 3), brief_title="Renamed")))

    with CaptureQueriesContext(connection) as many:
        list(import_pieces(_newer_pieces(range(3, 21), brief_title="Renamed")))

    assert set(Study.objects.values_list("brief_title", flat=True)) == {"Renamed"}
    assert len(many) == len(few), [q["sql"][:80] for q in many]


def test_one_bad_update_in_a_batch_is_set_aside_and_the_rest_updated():
    list(import_pieces(_first_pieces(range(1, 4))))
    pieces = _newer_pieces(range(1, 4), brief_title="Renamed")
    pieces[1] = dataclasses.replace(
        pieces[1], record=dataclasses.replace(pieces[1].record, acronym="X" * 500)
    )

    results = list(import_pieces(pieces))

    assert [r.outcome for r in results] == [Result.UPDATED, Result.FAILED, Result.UPDATED]
    assert "acronym" in results[1].detail
    titles = dict(Study.objects.values_list("nct_id", "brief_title"))
    assert titles == {
        "NCT00000001": "Renamed",
        "NCT00000002": "A study of something",
        "NCT00000003": "Renamed",
    }
    assert StudyVersion.objects.filter(study__nct_id="NCT00000002").count() == 1


def test_a_newer_version_that_changes_nothing_is_kept_in_a_batch_too():
    list(import_pieces(_first_pieces(range(1, 3))))

    same = [
        dataclasses.replace(piece, data=piece.data + b" again")
        for piece in _first_pieces(range(1, 3))
    ]

    results = list(import_pieces(same))

    assert [r.outcome for r in results] == [Result.UNCHANGED] * 2
    assert {r.detail for r in results} == {"new version kept; nothing changed"}
    assert StudyVersion.objects.count() == 4


def test_a_negative_enrollment_is_refused_by_name_in_a_batch_of_updates_too():
    list(import_pieces(_first_pieces(range(1, 3))))
    pieces = _newer_pieces(range(1, 3), enrollment=-4)

    results = list(import_pieces(pieces))

    assert [r.outcome for r in results] == [Result.FAILED] * 2
    assert all("study_enrollment_not_negative" in r.detail for r in results), results
    assert set(Study.objects.values_list("enrollment", flat=True)) == {40}


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_chunks_are_written_by_a_second_connection_whole():
    pieces = _first_pieces(range(1, 8)) + _first_pieces(range(3, 5))  # repeats in a later chunk

    results = list(import_pieces(pieces, chunk_size=3))

    assert [r.nct_id for r in results] == [p.record.nct_id for p in pieces]
    assert {r.outcome for r in results[:7]} == {Result.CREATED}
    assert {r.outcome for r in results[7:]} == {Result.UNCHANGED}
    assert Study.objects.count() == 7
    assert StudyVersion.objects.count() == 7


def _browse_counts() -> set[tuple[str, str, int]]:
    return set(SearchTerm.objects.values_list("kind", "key", "study_count"))


def _asthma_pieces(numbers: range) -> list[Piece]:
    return [
        Piece(
            f"{n}.json",
            str(n).encode(),
            "API_V2_JSON",
            record=make_record(nct_id=f"NCT{n:08d}", conditions=(f"Condition {n % 4}", "Asthma")),
        )
        for n in numbers
    ]


@pytest.mark.parametrize(("share", "whole_recounts"), [(10, 0), (0.1, 1)])
def test_the_browse_counts_are_right_after_an_import_recounted_per_chunk_or_once_at_its_end(
    monkeypatch, share, whole_recounts
):
    # An import small beside the registry recounts each chunk's names; past the share of the
    # registry's size, the chunks leave them and the import counts every name once at its end.
    # Into an empty registry that is at once. The counts are those of a whole recount.
    recounts = []
    monkeypatch.setattr(
        "trials.importer.writer.rebuild_lexicon", lambda: recounts.append(rebuild_lexicon())
    )
    list(import_pieces(_asthma_pieces(range(1, 11))))
    assert len(recounts) == 1
    monkeypatch.setattr("trials.importer.writer.RECOUNT_WHOLE_PAST", share)

    list(import_pieces(_asthma_pieces(range(11, 41)), chunk_size=7))

    assert len(recounts) == 1 + whole_recounts
    counted = _browse_counts()
    assert ("C", "asthma", 40) in counted and ("C", "condition 1", 10) in counted
    rebuild_lexicon()
    assert _browse_counts() == counted


@pytest.mark.django_db(transaction=True)
def test_a_transaction_cut_off_by_the_server_going_away_is_run_again():
    # Django cleans up after the failed transaction and connects again, so the connection it
    # leaves looks well: the error's own SQLSTATE (57P01, the server shutting down) says why.
    list(import_pieces(_asthma_pieces(range(1, 3))))
    backend = connection.connection.info.backend_pid
    with psycopg.connect(**connection.get_connection_params()) as other:
        other.execute("SELECT pg_terminate_backend(%s, 5000)", [backend])  # gone on return

    _retrying(rebuild_lexicon)  # an atomic block

    assert connection.connection.info.backend_pid != backend
    assert ("C", "asthma", 2) in _browse_counts()


def test_binary_copy_names_each_column_type_as_the_driver_knows_it(db):
    # Arrays and types with modifiers ("varchar(12)[]") included: a Study row holds both.
    connection.ensure_connection()
    known = connection.connection.adapters.types
    for model in (StudyVersion, Study):
        for field in model._meta.concrete_fields:
            name = _type_name(field)
            info = known.get(name.removesuffix("[]"))
            assert info is not None, (model.__name__, field.name, name)
    phases = Study._meta.get_field("phases")
    assert _type_name(phases) == "varchar[]"
