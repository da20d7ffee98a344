"""Record -> database: each study whole or not at all, idempotent by NCT ID, every version kept.

A study's visible state is the fold of all its versions in the order of the records' own dates:
each version over the ones before it, a version that lacks a section keeping the section of the
older ones. Importing an old capture after a newer one therefore changes nothing visible, and a
cut-short capture never blanks what a fuller one gave.

Batches go fast and stay safe: the studies of a chunk that are new are inserted together in one
transaction (one statement per table); if that transaction fails, every study of it is saved
again on its own, so the bad one is set aside with its reason and the rest are saved.
"""

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from trials import curation
from trials.models import Study, StudyVersion
from trials.record import PartialDate, StudyRecord
from trials.search import refresh_search, refresh_search_many

from .copy import copy_rows, reserve_ids
from .detect import Piece
from .report import Outcome, Result
from .rows import PART_MODELS, insert_parts, study_fields


def effective_record(versions: Iterable[StudyRecord]) -> StudyRecord:
    """The study as its versions say together: oldest first, each newer over the older.

    ``versions`` come in import order; the sort is stable, so it breaks ties of date.
    """
    ordered = sorted(versions, key=lambda r: r.record_date or PartialDate("0001").first_day)
    state = ordered[0]
    for newer in ordered[1:]:
        state = newer.merged_over(state)
    return state


def save_record(record: StudyRecord, data: bytes, source: str) -> Result:
    """Save one study from one source in its own transaction; never raises for bad data."""
    try:
        try:
            return _save(record, data, source)
        except DatabaseError:
            # Outside a request Django does not reconnect after a lost connection: close the
            # dead one and try the whole transaction once more.
            if connection.is_usable():
                raise
            connection.close()
            return _save(record, data, source)
    except ValidationError as exc:
        problems = "; ".join(f"{name}: {' '.join(errs)}" for name, errs in exc.message_dict.items())
        return Result(source, record.nct_id, Outcome.FAILED, problems)
    except (DatabaseError, ValueError) as exc:
        # The transaction rolled back: nothing of this study was written.
        return Result(source, record.nct_id, Outcome.FAILED, f"database refused the record ({exc})")


@transaction.atomic
def _save(record: StudyRecord, data: bytes, source: str) -> Result:
    digest = hashlib.sha256(data).hexdigest()
    study = Study.objects.select_for_update().filter(nct_id=record.nct_id).first()
    if study is None:
        study = _new_study(record)
        study.full_clean(validate_unique=False)
        study.save()
        insert_parts([(study.pk, record)])
        refresh_search(study)
        _version(study, record, data, digest, source).save()
        curation.curate_import(study.pk, None, record, source)
        return Result(source, record.nct_id, Outcome.CREATED)

    if study.versions.filter(sha256=digest).exists():
        return Result(source, record.nct_id, Outcome.UNCHANGED, "this source was imported before")
    # In import order, so that among versions of one date the later import wins the fold.
    imported = study.versions.order_by("imported_at", "pk").values_list("record", flat=True)
    older = [StudyRecord.from_dict(v) for v in imported]
    _version(study, record, data, digest, source).save()
    # Curators' values stay on top of the sources; the import goes into the study's history.
    state = curation.curate_import(
        study.pk, effective_record(older), effective_record([*older, record]), source
    )
    if state.content_hash() == study.record_hash:
        return Result(source, record.nct_id, Outcome.UNCHANGED, "new version kept; nothing changed")
    rewrite_study(study, state)
    return Result(source, record.nct_id, Outcome.UPDATED)


def rewrite_study(study: Study, record: StudyRecord) -> None:
    """Make an existing study say what ``record`` says: its row, every part anew, its search."""
    for name, value in study_fields(record).items():
        setattr(study, name, value)
    study.record_hash = record.content_hash()
    study.full_clean(exclude=["nct_id"], validate_unique=False)
    study.save()
    for part in PART_MODELS:
        part.objects.filter(study=study).delete()
    insert_parts([(study.pk, record)])
    refresh_search(study)


def _new_study(record: StudyRecord) -> Study:
    return Study(nct_id=record.nct_id, record_hash=record.content_hash(), **study_fields(record))


def _version(
    study: Study, record: StudyRecord, data: bytes, digest: str, source: str
) -> StudyVersion:
    return StudyVersion(
        study=study,
        format=record.source_format,
        source_name=source,
        content=data,
        sha256=digest,
        record_date=record.record_date,
        record=record.to_dict(),
    )


def import_pieces(pieces: Iterable[Piece], chunk_size: int = 500) -> Iterator[Result]:
    """Save every parsed study; a failed piece becomes a FAILED result, never a stopped batch."""
    chunk: list[Piece] = []
    for piece in pieces:
        chunk.append(piece)
        if len(chunk) >= chunk_size:
            yield from _import_chunk(chunk)
            chunk = []
    yield from _import_chunk(chunk)


@dataclass(frozen=True)
class _Parsed:
    """A piece that parsed, with its record and the digest of its bytes."""

    piece: Piece
    record: StudyRecord
    digest: str


def _import_chunk(chunk: list[Piece]) -> Iterator[Result]:
    results: dict[int, Result] = {}
    parsed: dict[int, _Parsed] = {}
    for index, piece in enumerate(chunk):
        if piece.record is None:
            results[index] = Result(piece.source, "", Outcome.FAILED, piece.error)
        else:
            parsed[index] = _Parsed(piece, piece.record, hashlib.sha256(piece.data).hexdigest())

    nct_ids = {item.record.nct_id for item in parsed.values()}
    existing = set(Study.objects.filter(nct_id__in=nct_ids).values_list("nct_id", flat=True))
    imported = set(
        StudyVersion.objects.filter(study__nct_id__in=existing).values_list(
            "study__nct_id", "sha256"
        )
    )
    new: dict[str, int] = {}
    for index, item in parsed.items():
        nct_id = item.record.nct_id
        if (nct_id, item.digest) in imported:
            results[index] = Result(
                item.piece.source, nct_id, Outcome.UNCHANGED, "this source was imported before"
            )
        elif nct_id not in existing and nct_id not in new:
            new[nct_id] = index
    if new and _insert_new([parsed[i] for i in new.values()]):
        for index in new.values():
            results[index] = Result(
                parsed[index].piece.source, parsed[index].record.nct_id, Outcome.CREATED
            )
    for index in range(len(chunk)):
        if index not in results:
            # Updates, repeats of one source within the batch, and new studies whose batch
            # insert failed: each in its own transaction, with its own reason if it fails.
            item = parsed[index]
            results[index] = save_record(item.record, item.piece.data, item.piece.source)
        yield results[index]


def _insert_new(items: list[_Parsed]) -> bool:
    """Insert studies that do not exist yet, all in one transaction; False if it failed."""
    now = timezone.now()
    try:
        with transaction.atomic():
            ids = reserve_ids(Study, len(items))
            copy_rows(
                Study,
                [
                    {
                        "id": study_id,
                        "nct_id": item.record.nct_id,
                        "record_hash": item.record.content_hash(),
                        "created_at": now,
                        "updated_at": now,
                        **study_fields(item.record),
                    }
                    for study_id, item in zip(ids, items, strict=True)
                ],
            )
            insert_parts(
                [(study_id, item.record) for study_id, item in zip(ids, items, strict=True)]
            )
            refresh_search_many(ids)
            copy_rows(
                StudyVersion,
                [
                    {
                        "study_id": study_id,
                        "format": item.record.source_format,
                        "source_name": item.piece.source,
                        "content": item.piece.data,
                        "sha256": item.digest,
                        "record_date": item.record.record_date,
                        "record": item.record.to_dict(),
                        "imported_at": now,
                    }
                    for study_id, item in zip(ids, items, strict=True)
                ],
            )
            curation.curate_imports_many(
                [
                    curation.Import(study_id, None, item.record, item.piece.source)
                    for study_id, item in zip(ids, items, strict=True)
                ]
            )
    except (DatabaseError, ValueError):
        if not connection.is_usable():
            connection.close()
        return False
    return True
