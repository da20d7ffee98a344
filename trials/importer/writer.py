"""Record -> database: each study whole or not at all, idempotent by NCT ID, every version kept.

A study's visible state is the fold of all its versions in the order of the records' own dates:
each version over the ones before it, a version that lacks a section keeping the section of the
older ones. Importing an old capture after a newer one therefore changes nothing visible, and a
cut-short capture never blanks what a fuller one gave.

Batches go fast and stay safe: the studies of a chunk that are new are inserted together in one
transaction (one statement per table), and those that exist are updated together in another; if
such a transaction fails, every study of it is saved again on its own, so the bad one is set
aside with its reason and the rest are saved.
"""

import functools
import hashlib
import itertools
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.utils import timezone

from trials import curation, store
from trials.models import Study, StudyVersion
from trials.record import StudyRecord, effective_record
from trials.search import rebuild_lexicon
from trials.search.vocabulary import rebuild_vocabulary
from trials.store.copy import JsonText, copy_rows
from trials.store.statistics import refresh_statistics

from .detect import Piece
from .pipeline import fewer_collections
from .report import Outcome, Progress, Result


class DatabaseUnavailable(Exception):
    """The database stayed unreachable for longer than an import waits."""


# How long an import waits for a database that went away before it gives up (seconds), and the
# longest pause between two attempts.
WAIT_FOR_DATABASE = 60.0
IMPORTED_BEFORE = "this source was imported before"
NOTHING_CHANGED = "new version kept; nothing changed"
# The start of the reason given to records left unsaved because the database went away: not a
# fault of theirs, so a sync does not count them as done.
NOT_IMPORTED = "not imported: "
_LONGEST_PAUSE = 5.0
# Past this share of the registry's size when it began, an import recounts the browse names
# once at its end rather than with each chunk: at 100,000 studies a chunk's recount took 0.4 to
# 1.3 s and a whole one 9.6 s, which pays for itself past some 4,000 to 11,000 studies.
RECOUNT_WHOLE_PAST = 0.1


# SQLSTATEs of a server gone or going: connection exceptions (class 08) and an operator's
# shutdowns (57P01 administrator, 57P02 crash, 57P03 cannot connect now).
_SERVER_GONE = ("08", "57P01", "57P02", "57P03")


def _server_gone(exc: Exception) -> bool:
    """Whether an error says the server went away, not that it refused what was asked.

    The error's own SQLSTATE tells first: a transaction that failed this way has already
    been cleaned up by Django, which may have connected again (to a server that is back, or to
    one still shutting down), so the connection it leaves says nothing of the error.
    """
    state = getattr(exc.__cause__, "sqlstate", None) or ""
    return state.startswith(_SERVER_GONE) or _connection_lost()


def _connection_lost() -> bool:
    """Whether the last error left the connection dead (a server gone), not just refused."""
    if connection.connection is None:
        return True
    try:
        return not connection.is_usable()
    except Exception:  # is_usable itself fails on some broken sockets
        return True


def _retrying[T](action: Callable[[], T]) -> T:
    """Run a database action; while the server is unreachable, wait and run it again.

    Outside a request Django does not reconnect after a lost connection: the dead one is closed
    so the next attempt opens a new one. Errors that leave the connection alive (a constraint,
    a value the server refuses) are the record's own and go up at once.
    """
    waited, pause = 0.0, 0.25
    while True:
        try:
            return action()
        except (OperationalError, InterfaceError) as exc:
            if not _server_gone(exc):
                raise
            connection.close()
            if waited >= WAIT_FOR_DATABASE:
                raise DatabaseUnavailable(
                    f"the database was unreachable for {waited:.0f} s ({exc})"
                ) from exc
            time.sleep(pause)
            waited += pause
            pause = min(pause * 2, _LONGEST_PAUSE)


def save_record(record: StudyRecord, data: bytes, source: str) -> Result:
    """Save one study from one source in its own transaction; never raises for bad data.

    Raises DatabaseUnavailable only when the server stays away past ``WAIT_FOR_DATABASE``.
    """
    try:
        return _retrying(lambda: _save(record, data, source))
    except ValidationError as exc:
        problems = "; ".join(f"{name}: {' '.join(errs)}" for name, errs in exc.message_dict.items())
        return Result(source, record.nct_id, Outcome.FAILED, problems)
    except DatabaseError as exc:
        # The transaction rolled back: nothing of this study was written.
        return Result(source, record.nct_id, Outcome.FAILED, f"database refused the record ({exc})")
    except (DatabaseUnavailable, KeyboardInterrupt):
        raise
    except Exception as exc:
        # A value no check foresaw (an age of 400 digits): this record fails, the batch goes on.
        return Result(source, record.nct_id, Outcome.FAILED, f"cannot be saved ({exc!r})")


@transaction.atomic
def _save(record: StudyRecord, data: bytes, source: str) -> Result:
    digest = hashlib.sha256(data).hexdigest()
    parsed = _Parsed(Piece(source, data, record.source_format, record), record, digest)
    study = Study.objects.select_for_update().filter(nct_id=record.nct_id).first()
    if study is None:
        store.validate(record)  # here, on its own, a refusal names the field
        return _insert_all([parsed])[0]
    if study.versions.filter(sha256=digest).exists():
        return Result(source, record.nct_id, Outcome.UNCHANGED, IMPORTED_BEFORE)
    return _update([(study, parsed)])[0]


def _update(items: list[tuple[Study, "_Parsed"]], *, lexicon: bool = True) -> list[Result]:
    """Give locked studies a new version each; each study's state becomes the fold of them all.

    Set-based: one query reads every older version, one COPY keeps the new ones, and the studies
    whose content changed are rewritten together. Call it inside a transaction.
    """
    older: dict[int, list[StudyRecord]] = {study.pk: [] for study, _ in items}
    # In import order, so that among versions of one date the later import wins the fold.
    versions = StudyVersion.objects.filter(study__in=older).order_by(
        "study_id", "imported_at", "pk"
    )
    for study_id, record in versions.values_list("study_id", "record"):
        older[study_id].append(StudyRecord.from_dict(record))
    _versions(
        [
            (study.pk, new.record, new.piece.source, new.piece.data, new.digest)
            for study, new in items
        ]
    )
    # Curators' values stay on top of the sources; the import goes into the study's history.
    states = curation.curate_imports_many(
        [
            curation.Import(
                study.pk,
                effective_record(older[study.pk]),
                effective_record([*older[study.pk], new.record]),
                new.piece.source,
            )
            for study, new in items
        ]
    )
    results: list[Result] = []
    kept: list[int] = []
    changed: list[tuple[int | None, StudyRecord]] = []
    for (study, new), state in zip(items, states, strict=True):
        if state.content_hash() == study.record_hash:
            # The content is as it was, but its page lists the new version.
            kept.append(study.pk)
            results.append(
                Result(new.piece.source, study.nct_id, Outcome.UNCHANGED, NOTHING_CHANGED)
            )
        else:
            store.validate(state)
            changed.append((study.pk, state))
            results.append(Result(new.piece.source, study.nct_id, Outcome.UPDATED))
    if kept:
        Study.objects.filter(pk__in=kept).update(updated_at=timezone.now())
    if changed:
        store.write(changed, lexicon=lexicon)
    return results


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
                "record": JsonText(record.to_json()),
                "imported_at": now,
            }
            for study_id, record, source, data, digest in items
        ],
        binary=True,
    )


def import_pieces(pieces: Iterable[Piece], chunk_size: int = 500) -> Iterator[Result]:
    """Save every parsed study; a failed piece becomes a FAILED result, never a stopped batch.

    Outside a transaction, a chunk's rows are built here while a second thread, on a
    connection of its own, writes the chunk before it: the database's work and this process's
    overlap (two connections, two cores). Inside a caller's transaction everything is written
    in it, one chunk after the other: a second connection could neither see nor join it.

    The browse counts follow each chunk, or, for an import large beside the registry, are
    counted once, whole, when it ends (``_Recount``).

    A database that stays away past ``WAIT_FOR_DATABASE`` fails every record not yet saved,
    each named, rather than ending the import with a traceback.
    """
    chunks = (list(chunk) for chunk in itertools.batched(pieces, chunk_size))
    unwritten: list[list[Piece]] = []  # chunks taken whose results are not given yet
    recount = _Recount()
    write = _serially if connection.in_atomic_block else _overlapped
    try:
        with fewer_collections():
            for results in write(chunks, unwritten, recount):
                recount.written(results)
                yield from results
    except DatabaseUnavailable as exc:
        for piece in itertools.chain(*unwritten, *chunks):
            yield Result(piece.source, _nct_id(piece), Outcome.FAILED, f"{NOT_IMPORTED}{exc}")
        return
    if recount.owed:
        _retrying(rebuild_lexicon)


class _Recount:
    """Whether a chunk's studies recount their browse names as they are written.

    A recount reads, through the index, every study holding each name a chunk's studies have
    (the United States, a large sponsor), so its cost grows with the registry; one grouped
    count of every name costs what the registry's size makes it. An import recounts with each
    chunk until it has written ``RECOUNT_WHOLE_PAST`` of the registry's size at its start, and
    past that counts every name once when it ends: an import into an empty registry, at once.
    One that the database left part way (every record after named as not imported) leaves
    the names of the chunks it wrote uncounted until an import recounts them.
    """

    def __init__(self) -> None:
        self.saved = 0
        self.owed = False
        self.threshold = _retrying(Study.objects.count) * RECOUNT_WHOLE_PAST

    def written(self, results: Iterable[Result]) -> None:
        self.saved += sum(r.outcome in (Outcome.CREATED, Outcome.UPDATED) for r in results)

    def per_chunk(self) -> bool:
        """Whether the next chunk recounts its own names (if not, a whole recount is owed)."""
        if self.saved < self.threshold:
            return True
        self.owed = True
        return False


def _serially(
    chunks: Iterator[list[Piece]], unwritten: list[list[Piece]], recount: _Recount
) -> Iterator[list[Result]]:
    """Each chunk planned and written in turn, on this thread's connection."""
    for chunk in chunks:
        unwritten.append(chunk)
        results = _write(_retrying(functools.partial(_plan, chunk, recount.per_chunk())))
        unwritten.pop(0)
        yield results


def _overlapped(
    chunks: Iterator[list[Piece]], unwritten: list[list[Piece]], recount: _Recount
) -> Iterator[list[Result]]:
    """Each chunk written by a second thread while the next one is planned in this one."""
    # Who imports goes with the chunks to the thread (its context is its own: so is its
    # database connection).
    who = curation.actor()

    def write(plan: _Plan) -> list[Result]:
        with curation.acting_as(who):
            return _write(plan)

    with ThreadPoolExecutor(1, thread_name_prefix="import-writer") as writer:
        try:
            running: Future[list[Result]] | None = None
            for chunk in chunks:
                unwritten.append(chunk)
                plan = _retrying(functools.partial(_plan, chunk, recount.per_chunk()))
                if running is not None:
                    results = running.result()
                    unwritten.pop(0)
                    yield results
                running = writer.submit(write, plan)
            if running is not None:
                results = running.result()
                unwritten.pop(0)
                yield results
        finally:
            # The thread's connection is its own: it goes with the thread.
            writer.submit(_close_connection).result()


def _close_connection() -> None:
    """Close this thread's connection (``connection.close`` named elsewhere is another's)."""
    connection.close()


def _nct_id(piece: Piece) -> str:
    return piece.record.nct_id if piece.record is not None else piece.imported_as


def imported_before(digests: Sequence[str]) -> dict[str, str]:
    """Of these sha256 digests of sources, those a study has a version of: digest -> NCT ID.

    The pipeline's lookup (``pieces_of(paths, imported_before)``): such a source would import
    as unchanged, so it need not be parsed at all.
    """
    found = StudyVersion.objects.filter(sha256__in=digests).values_list("sha256", "study__nct_id")
    return _retrying(lambda: dict(found))


@dataclass(frozen=True)
class _Parsed:
    """A piece that parsed, with its record and the digest of its bytes."""

    piece: Piece
    record: StudyRecord
    digest: str


@dataclass
class _Plan:
    """A chunk of pieces made ready to write: what is already decided of each (by index), the
    first piece of each study new to the registry or not, and the new studies' rows."""

    chunk: list[Piece]
    results: dict[int, Result]
    parsed: dict[int, _Parsed]
    new: dict[str, int]  # NCT ID -> index of its first piece, for studies not yet saved
    old: dict[str, int]  # the same for studies that exist
    rows: store.Prepared | None  # the new studies' rows, ids given
    lexicon: bool  # whether writing them recounts their browse names


def _plan(chunk: list[Piece], lexicon: bool = True) -> _Plan:
    """Sort a chunk's pieces out and build the new studies' rows (no transaction needed)."""
    results: dict[int, Result] = {}
    parsed: dict[int, _Parsed] = {}
    for index, piece in enumerate(chunk):
        if piece.imported_as:
            results[index] = Result(
                piece.source, piece.imported_as, Outcome.UNCHANGED, IMPORTED_BEFORE
            )
        elif piece.record is None:
            results[index] = Result(piece.source, "", Outcome.FAILED, piece.error)
        else:
            parsed[index] = _Parsed(piece, piece.record, hashlib.sha256(piece.data).hexdigest())

    nct_ids = {item.record.nct_id for item in parsed.values()}
    existing, imported = _known(nct_ids)
    # The first piece of each study, new or existing; later ones in the chunk go on their own.
    new: dict[str, int] = {}
    old: dict[str, int] = {}
    for index, item in parsed.items():
        nct_id = item.record.nct_id
        if (nct_id, item.digest) in imported:
            results[index] = Result(item.piece.source, nct_id, Outcome.UNCHANGED, IMPORTED_BEFORE)
        elif nct_id not in new and nct_id not in old:
            (old if nct_id in existing else new)[nct_id] = index
    rows = store.prepare([(None, parsed[i].record) for i in new.values()]) if new else None
    return _Plan(chunk, results, parsed, new, old, rows, lexicon)


def _write(plan: _Plan) -> list[Result]:
    """Write a planned chunk: its new studies in one transaction, its existing ones in another.

    A study seen as new may have been saved since the plan was made (by the chunk before, or
    another import): its transaction fails, and each of its studies is saved on its own.
    """
    results = dict(plan.results)
    parsed = plan.parsed
    batches = (
        (plan.new, lambda items: _insert_all(items, plan.rows, lexicon=plan.lexicon)),
        (plan.old, lambda items: _update_all(items, lexicon=plan.lexicon)),
    )
    for batch, write in batches:
        if batch and (done := _in_one_transaction(write, [parsed[i] for i in batch.values()])):
            results.update(zip(batch.values(), done, strict=True))
    for index in range(len(plan.chunk)):
        if index not in results:
            # Repeats of one study within the batch, and studies whose batch transaction
            # failed: each in its own transaction, with its own reason if it fails.
            item = parsed[index]
            results[index] = save_record(item.record, item.piece.data, item.piece.source)
    return [results[index] for index in range(len(plan.chunk))]


def _known(nct_ids: set[str]) -> tuple[set[str], set[tuple[str, str]]]:
    """Which of these studies exist, and the (NCT ID, sha256) of every version they have."""
    existing = set(Study.objects.filter(nct_id__in=nct_ids).values_list("nct_id", flat=True))
    versions = StudyVersion.objects.filter(study__nct_id__in=existing)
    return existing, set(versions.values_list("study__nct_id", "sha256"))


def _in_one_transaction(
    write: Callable[[list[_Parsed]], list[Result]], items: list[_Parsed]
) -> list[Result] | None:
    """A batch written in one transaction, or None if it failed (each is then saved alone)."""
    try:
        return _retrying(lambda: transaction.atomic()(write)(items))
    except DatabaseUnavailable:
        raise
    except Exception:
        # One of them is bad (or a value no check foresaw): each is saved on its own instead.
        if _connection_lost():
            connection.close()
        return None


def _insert_all(
    items: list[_Parsed], rows: store.Prepared | None = None, *, lexicon: bool = True
) -> list[Result]:
    """Insert studies that do not exist yet (their rows given, or built here). Call it inside
    a transaction."""
    prepared = rows or store.prepare([(None, item.record) for item in items])
    ids = store.save(prepared, lexicon=lexicon)
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
    return [Result(item.piece.source, item.record.nct_id, Outcome.CREATED) for item in items]


def _update_all(items: list[_Parsed], *, lexicon: bool = True) -> list[Result]:
    """Update studies that exist, locked in order of id (two imports never deadlock)."""
    nct_ids = [item.record.nct_id for item in items]
    locked = Study.objects.select_for_update().filter(nct_id__in=nct_ids).order_by("pk")
    studies = {study.nct_id: study for study in locked}
    return _update([(studies[item.record.nct_id], item) for item in items], lexicon=lexicon)


def after_import(progress: Progress) -> None:
    """What follows an import that created or changed studies: the planner's statistics of the
    tables it filled, then the search vocabulary the records now give."""
    if progress.counts[Outcome.CREATED] or progress.counts[Outcome.UPDATED]:
        # This thread's connection may have died in an outage the writer thread waited out.
        _retrying(refresh_statistics)
        _retrying(rebuild_vocabulary)
