"""python manage.py sync_trials : import what changed on ClinicalTrials.gov since the last sync."""

import datetime
import io
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from trials.importer.ctgov_api import ApiError, Client
from trials.importer.report import Outcome, Progress, summary
from trials.importer.sync import PageDone, SyncStopped, state_of, sync
from trials.importer.writer import after_import


class Command(BaseCommand):
    help = (
        "Import the studies updated on ClinicalTrials.gov (API v2) since the last sync, page by "
        "page; an interrupted sync resumes where it stopped."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--base-url",
            default="",
            help="The API v2 base URL (default: the CTGOV_API_URL setting).",
        )
        parser.add_argument(
            "--since",
            type=datetime.date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="Start a new sync of the studies updated on or after this date, "
            "whatever the last sync reached.",
        )
        parser.add_argument(
            "--page-size", type=_positive(int), default=1000, help="Studies a page (1 to 1000)."
        )
        parser.add_argument(
            "--rate", type=_positive(float), default=1.0, help="Requests a second, at most."
        )
        parser.add_argument(
            "--retries",
            type=int,
            default=5,
            help="Times a request is asked again on 429, 5xx or no answer, before giving up.",
        )
        parser.add_argument(
            "--backoff",
            type=float,
            default=2.0,
            help="Seconds before the first retry, doubled at each one (Retry-After wins).",
        )

    def handle(
        self,
        *args: Any,
        base_url: str,
        since: datetime.date | None,
        page_size: int,
        rate: float,
        retries: int,
        backoff: float,
        verbosity: int,
        **options: Any,
    ) -> None:
        client = Client(
            base_url or settings.CTGOV_API_URL,
            rate=rate,
            retries=retries,
            backoff=backoff,
        )
        # The totals only: a line a page is what a person (or cron's mail) reads.
        progress = Progress(io.StringIO(), interactive=False, every=float("inf"))
        try:
            for page in sync(client, min(page_size, 1000), since, say=self.stdout.write):
                for result in page.results:
                    progress.update(result)
                self._report(page, verbosity)
        except SyncStopped as exc:  # the database went away: nothing more to write now
            raise CommandError(f"{exc}\nRun sync_trials again to resume.") from exc
        except ApiError as exc:
            after_import(progress)
            state = state_of(client.base_url)
            raise CommandError(
                f"{exc}\nStopped before page {state.pages + 1}; "
                "run sync_trials again to resume there."
            ) from exc
        except KeyboardInterrupt:
            after_import(progress)
            state = state_of(client.base_url)
            raise CommandError(
                f"Interrupted; run sync_trials again to resume at page {state.pages + 1}.",
                returncode=130,
            ) from None
        after_import(progress)
        state = state_of(client.base_url)
        self.stdout.write(
            f"Total: {progress.line()}; studies updated up to {state.reached or 'no date'}"
        )
        if progress.counts[Outcome.FAILED]:
            raise CommandError(f"{progress.counts[Outcome.FAILED]} record(s) failed", returncode=1)

    def _report(self, page: PageDone, verbosity: int) -> None:
        """A line a page; a line for each failed record (each record at verbosity 2)."""
        for result in page.results:
            if result.outcome == Outcome.FAILED:
                self.stdout.write(self.style.ERROR(str(result)))
            elif verbosity >= 2:
                self.stdout.write(str(result))
        parts = summary(page.counts)
        studies = f"{len(page.results)} {'study' if len(page.results) == 1 else 'studies'}"
        self.stdout.write(
            f"Page {page.number}: {studies} ({parts or 'none'}), "
            f"updated up to {page.newest or 'no date'}"
        )


def _positive(kind: type[int] | type[float]) -> Any:
    """An argparse type: a number above zero."""

    def parse(text: str) -> int | float:
        value = kind(text)
        if value <= 0:
            raise ValueError(text)
        return value

    parse.__name__ = kind.__name__  # argparse names the type in its error
    return parse
