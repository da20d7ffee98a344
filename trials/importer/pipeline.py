"""Sources -> parsed pieces, with parsing in a second process for large inputs.

Parsing is pure CPU work and the writer mostly waits for the database, so on two cores the two
overlap: a bulk import takes about as long as the slower of them rather than their sum. Small
inputs (a file or two) are parsed in this process; starting a worker would cost more than it
saves.
"""

import multiprocessing
from collections.abc import Iterable, Iterator
from itertools import chain, islice

from .detect import Piece, read_studies
from .sources import Source, iter_sources

# Below this many sources a worker process is not worth starting.
PARALLEL_FROM = 64


def pieces_of(paths: list[str]) -> Iterator[Piece]:
    """Every study in every source under ``paths``, parsed, in source order."""
    yield from parse_sources(iter_sources(paths))


def parse_sources(sources: Iterable[Source]) -> Iterator[Piece]:
    """Parse sources in order; a second process does the parsing when there are many."""
    sources = iter(sources)
    head = list(islice(sources, PARALLEL_FROM))
    if len(head) < PARALLEL_FROM:
        for source in head:
            yield from _parse(source)
        return
    # spawn, not fork: a forked child would share this process's database socket.
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as pool:
        for pieces in pool.imap(_parse, chain(head, sources), chunksize=32):
            yield from pieces


def _parse(source: Source) -> list[Piece]:
    if source.error:
        return [Piece(source.name, b"", "", error=source.error)]
    pieces = list(read_studies(source.data, source.name))
    for piece in pieces:
        if piece.record is not None:
            # Computed here, in the worker, they travel cached with the record: the writer's
            # process is the busier one.
            piece.record.content_hash()
    return pieces
