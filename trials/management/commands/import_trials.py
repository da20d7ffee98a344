"""python manage.py import_trials PATH... : import study records in any form."""

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from trials.importer.pipeline import pieces_of
from trials.importer.report import Outcome, Progress
from trials.importer.writer import after_import, import_pieces, imported_before


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
        for result in import_pieces(pieces_of(paths, imported_before)):
            if not (quiet_unchanged and result.outcome == Outcome.UNCHANGED):
                if progress.interactive:
                    sys.stderr.write("\r\x1b[K")
                style = self.style.ERROR if result.outcome == Outcome.FAILED else str
                self.stdout.write(style(str(result)))
            progress.update(result)
        progress.finish()
        after_import(progress)
        self.stdout.write("Total: " + progress.line())
        if progress.counts[Outcome.FAILED]:
            raise CommandError(f"{progress.counts[Outcome.FAILED]} record(s) failed", returncode=1)
