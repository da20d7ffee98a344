"""Sources -> parsed pieces, with parsing in a second process for large inputs.

Parsing is pure CPU work and the writer mostly waits for the database, so on two cores the two
overlap: a bulk import takes about as long as the slower of them rather than their sum. Small
inputs (a file or two) are parsed in this process; starting a worker would cost more than it
saves.

A source whose exact bytes were imported before is not parsed again: given ``imported``
(the writer's lookup of digests), it becomes a piece that names its study. Keeping a copy of
the registry up to date means reading mostly such sources.
"""

import contextlib
import dataclasses
import gc
import hashlib
import multiprocessing
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import batched

from .detect import Piece, read_studies
from .sources import Source, iter_sources

# Below this many sources a worker process is not worth starting.
PARALLEL_FROM = 64
# Sources whose digests are looked up at once.
LOOKUP_BATCH = 500

# The youngest generation's threshold of the cyclic garbage collector while records are parsed
# and written (Python's own is 700 allocations): see ``fewer_collections``.
BULK_COLLECTION_THRESHOLD = 10_000

# sha256 hex digests -> the NCT ID of the study each was imported as, for those that were.
Lookup = Callable[[Sequence[str]], dict[str, str]]


@dataclasses.dataclass(frozen=True)
class _Seen(Source):
    """A source imported before, sent on without its bytes: parsing it would change nothing."""

    nct_id: str = ""


def pieces_of(paths: list[str], imported: Lookup | None = None) -> Iterator[Piece]:
    """Every study in every source under ``paths``, parsed, in source order."""
    yield from parse_sources(iter_sources(paths), imported)


def parse_sources(sources: Iterable[Source], imported: Lookup | None = None) -> Iterator[Piece]:
    """Parse sources in order; a second process does the parsing when there are many."""
    batches = (_marked(batch, imported) for batch in batched(sources, LOOKUP_BATCH))
    first = next(batches, ())
    if len(first) < PARALLEL_FROM:  # then it is the only batch
        for source in first:
            yield from _parse(source)
        return
    # spawn, not fork: a forked child would share this process's database socket.
    context = multiprocessing.get_context("spawn")
    with context.Pool(1, initializer=_parsing_worker) as pool:
        # Each batch is looked up here (the database connection is this thread's) and handed
        # to the worker before the batch before it is read back: the worker parses one batch
        # while the writer saves the other.
        pending = pool.imap(_parse, first, chunksize=32)
        for batch in batches:
            following = pool.imap(_parse, batch, chunksize=32)
            for pieces in pending:
                yield from pieces
            pending = following
        for pieces in pending:
            yield from pieces


@contextlib.contextmanager
def fewer_collections() -> Iterator[None]:
    """Collect cycles less often while a bulk import makes millions of objects that hold none.

    A record is a tree of frozen dataclasses and tuples: the collector, run every 700 new
    objects, would find nothing to free and would walk the growing heap, and every object
    already there (Django, the gazetteer's 170,000 cities) on each full pass. What exists when
    the import starts is set aside (``gc.freeze``) and the youngest generation collected every
    ``BULK_COLLECTION_THRESHOLD`` allocations; both are put back after. A first import of the
    bulk archive's 4,131 records took 5.9 s of CPU in this process and 6.1 s in the parsing
    worker instead of 6.8 and 6.4 (medians of five runs each, PostgreSQL 15 here).
    """
    thresholds = _collect_less()
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()


def _collect_less() -> tuple[int, ...]:
    """Set aside what exists and collect the youngest generation less often; the thresholds
    that were."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(BULK_COLLECTION_THRESHOLD, *thresholds[1:])
    return thresholds


def _parsing_worker() -> None:
    """The parsing worker's set-up: it makes records and nothing else for its whole life, so
    it collects as ``fewer_collections`` does from the start."""
    _collect_less()


def _marked(batch: Sequence[Source], imported: Lookup | None) -> Sequence[Source]:
    """The sources, those imported before (the same bytes) marked so and sent without them."""
    if imported is None:
        return batch
    digests = [hashlib.sha256(source.data).hexdigest() for source in batch]
    known = imported([d for d, source in zip(digests, batch, strict=True) if not source.error])
    return [
        _Seen(source.name, nct_id=known[digest]) if digest in known and not source.error else source
        for digest, source in zip(digests, batch, strict=True)
    ]


def _parse(source: Source) -> list[Piece]:
    if isinstance(source, _Seen):
        return [Piece(source.name, b"", "", imported_as=source.nct_id)]
    if source.error:
        return [Piece(source.name, b"", "", error=source.error)]
    pieces = list(read_studies(source.data, source.name))
    for piece in pieces:
        if piece.record is not None:
            # Computed here, in the worker: the hash and the version's JSON text travel cached
            # with the record, and the writer's process is the busier one.
            piece.record.content_hash()
            piece.record.to_json()
    return pieces
