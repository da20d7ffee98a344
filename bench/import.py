"""Import speed: records per second into an empty database, against COPY of the same rows.

    .venv/bin/python bench/import.py ../shared/corpus/bulk/ctgov-xml-2023-02.tar.xz

Measures, in one run and on one machine:

- parse only: reading and parsing alone (the ceiling the database side is compared with);
- first import: every study new, into an empty database;
- unchanged: the same archive again (every record imported before);
- changed: every study given a newer version (a later last-update date and a revised title),
  so every study is updated;
- COPY: the rows the first import wrote, loaded again by COPY into empty tables of the same
  layout and indexes: what the database alone needs for them. Each import's ratio to it is
  printed (COPY's seconds over the import's: 1.00 would be as fast as COPY).

Peak memory (this process and the parsing worker) is printed last: it must not grow with the
size of the archive. The database is a fresh one made for the run on the server the settings
point at (DATABASE_URL, or the embedded server) and dropped afterwards.
"""

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
# Beside the configured database, named after it: engineers sharing a server never drop each
# other's benchmark database.
BENCH_SUFFIX = "_bench_import"
# The schema COPY's baseline loads into, dropped after.
COPY_SCHEMA = "bench_copy"

# A newer version of a record in either form the bulk downloads come in: a later last-update
# date (so the version becomes the current one) and a changed title (so its content changes).
NEWER = (
    (re.compile(rb"(<last_update_posted[^>]*>)[^<]*"), rb"\1December 1, 2026"),
    (re.compile(rb"</brief_title>"), rb" (revised)</brief_title>"),
    (re.compile(rb'("lastUpdatePostDateStruct":\s*\{\s*"date":\s*")[^"]*'), rb"\g<1>2026-12-01"),
    (re.compile(rb'("briefTitle":\s*"[^"]*)'), rb"\1 (revised)"),
)


def newer(data: bytes) -> bytes:
    for pattern, replacement in NEWER:
        data = pattern.sub(replacement, data, count=1)
    return data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive", type=Path)
    parser.add_argument("--chunk-size", type=int, default=500)
    args = parser.parse_args()

    from scale import fresh_database  # sets Django up

    from trials.importer.pipeline import parse_sources, pieces_of
    from trials.importer.sources import Source, iter_sources
    from trials.importer.writer import imported_before

    archive = str(args.archive)
    megabytes = sum(len(s.data) for s in iter_sources([archive])) / 1e6

    started = time.perf_counter()
    parsed = sum(1 for piece in pieces_of([archive]) if piece.record is not None)
    parse_seconds = time.perf_counter() - started
    print(f"{args.archive.name}: {parsed} records, {megabytes:.1f} MB of records")
    print(f"{'parse only':14} {parsed / parse_seconds:8.0f} records/s")

    def changed() -> Iterator[Source]:
        for source in iter_sources([archive]):
            yield Source(f"{source.name} (newer)", newer(source.data), source.error)

    from django.db import connection

    with fresh_database(f"{connection.settings_dict['NAME']}{BENCH_SUFFIX}"):
        runs = [
            ("first import", lambda: pieces_of([archive], imported_before)),
            ("unchanged", lambda: pieces_of([archive], imported_before)),
            ("changed", lambda: parse_sources(changed(), imported_before)),
        ]
        timings = []
        for label, pieces in runs:
            seconds, outcomes = _timed_import(pieces(), args.chunk_size)
            timings.append((label, seconds, outcomes))
            if label == "first import":
                copy_seconds = _copy_baseline()
        for label, seconds, outcomes in timings:
            total = sum(outcomes.values())
            print(
                f"{label:14} {total / seconds:8.0f} records/s "
                f"({copy_seconds / seconds:.2f} of COPY's speed; "
                + ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items()))
                + ")"
            )
            if outcomes.get("failed"):
                print("  some records failed: run import_trials on the archive to see why")
        print(f"{'COPY':14} {parsed / copy_seconds:8.0f} records/s (the same rows, same indexes)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory    {own:8.0f} MB this process, {worker:.0f} MB the parsing worker")


def _timed_import(pieces: Iterator, chunk_size: int) -> tuple[float, dict[str, int]]:
    from trials.importer.writer import import_pieces

    started = time.perf_counter()
    outcomes: dict[str, int] = {}
    for result in import_pieces(pieces, chunk_size):
        outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
    return time.perf_counter() - started, outcomes


def _copy_baseline() -> float:
    """Seconds to COPY every row of the app's tables into empty tables laid out as they are.

    The rows go through files, not memory, so that the peak memory printed is the importer's.
    """
    from django.db import connection

    with connection.cursor() as cursor, tempfile.TemporaryDirectory() as folder:
        names = connection.introspection.table_names(cursor)
        tables = [name for name in names if name.startswith("trials_")]
        for table in tables:
            with (
                open(Path(folder) / table, "wb") as dump,
                cursor.cursor.copy(f'COPY "{table}" TO STDOUT') as copy,
            ):
                for block in copy:
                    dump.write(block)
        cursor.execute(f"DROP SCHEMA IF EXISTS {COPY_SCHEMA} CASCADE; CREATE SCHEMA {COPY_SCHEMA}")
        for table in tables:
            cursor.execute(
                f'CREATE TABLE {COPY_SCHEMA}."{table}" (LIKE public."{table}" INCLUDING ALL)'
            )
        started = time.perf_counter()
        for table in tables:
            with (
                open(Path(folder) / table, "rb") as dump,
                cursor.cursor.copy(f'COPY {COPY_SCHEMA}."{table}" FROM STDIN') as copy,
            ):
                while block := dump.read(1 << 20):
                    copy.write(block)
        seconds = time.perf_counter() - started
        cursor.execute(f"DROP SCHEMA {COPY_SCHEMA} CASCADE")
    return seconds


if __name__ == "__main__":
    main()
