"""python manage.py import_trials PATH... : import study records in any form."""

import sys
import time
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trials.importer.pipeline import pieces_of
from trials.importer.writer import Outcome, Result, import_pieces


class Progress:
    """A one-line progress bar on a terminal; a plain line every few seconds otherwise."""

    def __init__(self, stream: Any, interactive: bool, every: float = 5.0) -> None:
        self.stream = stream
        self.interactive = interactive
        self.every = every
        self.started = self.last = time.monotonic()
        self.counts: Counter[str] = Counter()

    def update(self, result: Result) -> None:
        self.counts[result.outcome] += 1
        now = time.monotonic()
        if self.interactive or now - self.last >= self.every:
            self.last = now
            line = self.line(now)
            if self.interactive:
                self.stream.write(f"\r{line}\x1b[K")
            else:
                self.stream.write(line + "\n")
            self.stream.flush()

    def line(self, now: float | None = None) -> str:
        elapsed = max((now or time.monotonic()) - self.started, 1e-9)
        total = sum(self.counts.values())
        parts = ", ".join(f"{self.counts[o]} {o}" for o in Outcome if self.counts[o])
        return f"{total} records ({parts or 'none yet'}) in {elapsed:.1f}s, {total / elapsed:.0f}/s"

    def finish(self) -> None:
        if self.interactive:
            self.stream.write("\r\x1b[K")
            self.stream.flush()


class Command(BaseCommand):
    help = (
        "Import ClinicalTrials.gov records (page text, classic HTML, legacy XML, API v2 or "
        "classic JSON) from files, folders, .zip/.tar archives or '-' for standard input."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument(
            "--quiet-unchanged",
            action="store_true",
            help="Leave unchanged records out of the per-record lines.",
        )

    def handle(self, *args: Any, paths: list[str], quiet_unchanged: bool, **options: Any) -> None:
        progress = Progress(sys.stderr, interactive=sys.stderr.isatty())
        for result in import_pieces(pieces_of(paths)):
            if not (quiet_unchanged and result.outcome == Outcome.UNCHANGED):
                if progress.interactive:
                    sys.stderr.write("\r\x1b[K")
                style = self.style.ERROR if result.outcome == Outcome.FAILED else str
                self.stdout.write(style(str(result)))
            progress.update(result)
        progress.finish()
        self.stdout.write("Total: " + progress.line())
        if progress.counts[Outcome.FAILED]:
            raise CommandError(f"{progress.counts[Outcome.FAILED]} record(s) failed", returncode=1)
