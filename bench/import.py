"""Import speed: records and megabytes per second into an empty database.

    .venv/bin/python bench/import.py ../shared/corpus/bulk/ctgov-xml-2023-02.tar.xz

Measures, in one run and on one machine: reading and parsing alone (the ceiling the database
side is compared with), a full import into an empty database, and a second import of the same
archive (every record unchanged). The database is a fresh one made for the run on the server the
settings point at (DATABASE_URL, or the embedded server) and dropped afterwards.
"""

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "registry.settings")
# Beside the configured database, named after it: engineers sharing a server never drop each
# other's benchmark database.
BENCH_SUFFIX = "_bench_import"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("archive", type=Path)
    parser.add_argument("--chunk-size", type=int, default=500)
    args = parser.parse_args()

    from scale import fresh_database  # sets Django up

    from trials.importer.pipeline import pieces_of
    from trials.importer.report import Outcome
    from trials.importer.sources import iter_sources
    from trials.importer.writer import import_pieces, imported_before

    megabytes = sum(len(s.data) for s in iter_sources([str(args.archive)])) / 1e6

    started = time.perf_counter()
    parsed = sum(1 for piece in pieces_of([str(args.archive)]) if piece.record is not None)
    parse_seconds = time.perf_counter() - started
    print(f"{args.archive.name}: {parsed} records, {megabytes:.1f} MB of records")
    rate, throughput = parsed / parse_seconds, megabytes / parse_seconds
    print(f"parse only      {rate:8.0f} records/s {throughput:6.1f} MB/s")

    from django.db import connection

    with fresh_database(f"{connection.settings_dict['NAME']}{BENCH_SUFFIX}"):
        for label in ("first import", "second import"):
            started = time.perf_counter()
            outcomes: dict[str, int] = {}
            pieces = pieces_of([str(args.archive)], imported_before)
            for result in import_pieces(pieces, args.chunk_size):
                outcomes[result.outcome] = outcomes.get(result.outcome, 0) + 1
            seconds = time.perf_counter() - started
            total = sum(outcomes.values())
            print(
                f"{label:15} {total / seconds:8.0f} records/s {megabytes / seconds:6.1f} MB/s "
                f"({seconds / parse_seconds:.2f}x parse time; "
                + ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items()))
                + ")"
            )
            if outcomes.get(Outcome.FAILED):
                print("  some records failed: run import_trials on the archive to see why")


if __name__ == "__main__":
    main()
