"""python manage.py synthesize_studies --count 100000 --from ARCHIVE: a big database for benchmarks.

Each new study is one real record of the archive with its parts shuffled in from others: the
conditions (with their MeSH terms) of a second record, the interventions and arms of a third,
the sites of a fourth, the sponsors of a fifth; NCT IDs from NCT90000000 up, which no real study
has. Text, vocabularies and the sizes of everything stay those of real records. Rows go in by
COPY through the one writer path (``trials.store.write``), the lexicon is rebuilt once at the end.
"""

import dataclasses
import random
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from trials import store
from trials.importer.pipeline import pieces_of
from trials.models import Study
from trials.record import StudyRecord
from trials.search import rebuild_lexicon
from trials.store.statistics import refresh_statistics

FIRST_SYNTHETIC_ID = 90_000_000


def shuffled(records: list[StudyRecord], number: int, rng: random.Random) -> StudyRecord:
    """A new study: one record's own fields, other records' parts."""
    base, conditions, treatments, sites, sponsors = (rng.choice(records) for _ in range(5))
    return dataclasses.replace(
        base,
        nct_id=f"NCT{FIRST_SYNTHETIC_ID + number:08d}",
        conditions=conditions.conditions,
        keywords=conditions.keywords,
        mesh_terms=conditions.mesh_terms,
        arms=treatments.arms,
        interventions=treatments.interventions,
        sites=sites.sites,
        lead_sponsor=sponsors.lead_sponsor,
        collaborators=sponsors.collaborators,
        nct_aliases=(),
    )


class Command(BaseCommand):
    help = "Fill the database with shuffled copies of real records, for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=100_000)
        parser.add_argument("--from", dest="archive", required=True, metavar="ARCHIVE")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=2000)

    def handle(
        self, *args: Any, count: int, archive: str, seed: int, batch: int, **options: Any
    ) -> None:
        started = time.monotonic()
        records = [piece.record for piece in pieces_of([archive]) if piece.record is not None]
        if not records:
            raise CommandError(f"no records could be read from {archive}")
        self.stdout.write(f"{len(records)} records read in {time.monotonic() - started:.0f}s")
        first = Study.objects.filter(nct_id__gte=f"NCT{FIRST_SYNTHETIC_ID}").count()
        # Seeded by where this run starts, so a second run adds new shuffles, not repeats.
        rng = random.Random(f"{seed}:{first}")
        for start in range(first, first + count, batch):
            size = min(batch, first + count - start)
            self._insert([shuffled(records, start + i, rng) for i in range(size)])
            done = start + size - first
            elapsed = time.monotonic() - started
            self.stdout.write(f"{done} studies in {elapsed:.0f}s ({done / elapsed:.0f}/s)")
        lexicon_started = time.monotonic()
        refresh_statistics()  # a bulk load: the planner's statistics first
        rebuild_lexicon()
        self.stdout.write(f"lexicon rebuilt in {time.monotonic() - lexicon_started:.0f}s")
        self.stdout.write(f"Total: {count} studies in {time.monotonic() - started:.0f}s")

    @transaction.atomic
    def _insert(self, records: list[StudyRecord]) -> None:
        store.write([(None, record) for record in records], lexicon=False)
