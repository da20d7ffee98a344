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

from trials import curation, store
from trials.models import Study, StudyVersion
from trials.record import StudyRecord, effective_record
from trials.store.copy import copy_rows

from .detect import Piece
from .report import Outcome, Result


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
        store.validate(record)
        (study_id,) = store.write([(None, record)])
        _versions([(study_id, record, source, data, digest)])
        curation.curate_import(study_id, None, record, source)
        return Result(source, record.nct_id, Outcome.CREATED)

    if study.versions.filter(sha256=digest).exists():
        return Result(source, record.nct_id, Outcome.UNCHANGED, "this source was imported before")
    # In import order, so that among versions of one date the later import wins the fold.
    imported = study.versions.order_by("imported_at", "pk").values_list("record", flat=True)
    older = [StudyRecord.from_dict(v) for v in imported]
    _versions([(study.pk, record, source, data, digest)])
    # Curators' values stay on top of the sources; the import goes into the study's history.
    state = curation.curate_import(
        study.pk, effective_record(older), effective_record([*older, record]), source
    )
    if state.content_hash() == study.record_hash:
        return Result(source, record.nct_id, Outcome.UNCHANGED, "new version kept; nothing changed")
    store.validate(state)
    store.write([(study.pk, state)])
    return Result(source, record.nct_id, Outcome.UPDATED)


def _versions(items: list[tuple[int, StudyRecord, str, bytes, str]]) -> None:
    """Keep each source as a version of its study: (study id, record, source, bytes, sha256)."""
    now = timezone.now()
    copy_rows(
        StudyVersion,
        [
            {
                "study_id": study_id,
                "format": record.source_format,
                "source_name": source,
                "content": data,
                "sha256": digest,
                "record_date": record.record_date,
                "record": record.to_dict(),
                "imported_at": now,
            }
            for study_id, record, source, data, digest in items
        ],
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
    try:
        with transaction.atomic():
            ids = store.write([(None, item.record) for item in items])
            _versions(
                [
                    (study_id, item.record, item.piece.source, item.piece.data, item.digest)
                    for study_id, item in zip(ids, items, strict=True)
                ]
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
