"""Keep a copy of the registry up to date from ClinicalTrials.gov's API v2, page by page.

A sync asks for every study updated on or after the date the last completed sync reached,
oldest update first, imports each page through the writer as it arrives, and then saves how
far it got (``SyncState``): the token of the next page and the newest update date imported. An
interrupted sync resumes from that token; if the server no longer knows the token, from that
date. Asking again for the day a sync stopped on costs little: a study whose bytes were
imported before is recognised by its digest and not even parsed.
"""

import datetime
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from trials.models import SyncState

from .ctgov_api import ApiError, Client, Page, studies_query
from .pipeline import parse_sources
from .report import Outcome, Result
from .sources import Source
from .writer import NOT_IMPORTED, import_pieces, imported_before


class SyncStopped(Exception):
    """The sync cannot go on now; what it imported stays, and the next run resumes."""


@dataclass(frozen=True)
class PageDone:
    """One page imported and recorded: its number in the sync and what became of each study."""

    number: int
    results: list[Result]
    newest: datetime.date | None  # the newest update date the sync has imported so far
    last: bool

    @property
    def counts(self) -> Counter[str]:
        return Counter(result.outcome for result in self.results)


def state_of(endpoint: str) -> SyncState:
    """The saved state of the sync from ``endpoint`` (a new, empty one the first time)."""
    state, _ = SyncState.objects.get_or_create(endpoint=endpoint)
    return state


def sync(
    client: Client,
    page_size: int = 1000,
    since: datetime.date | None = None,
    say: Callable[[str], None] = lambda line: None,
) -> Iterator[PageDone]:
    """Import every page of what changed, resuming a sync that was interrupted.

    ``since`` starts a new sync from that date whatever was saved. Raises ApiError when the
    server refuses a request or stays away past the client's retries, SyncStopped when the
    database does; either way the state saved after the last whole page stays for the next run.
    """
    state = state_of(client.base_url)
    if since is not None or not state.running:
        _start(state, since if since is not None else state.reached)
        say(f"Syncing the studies updated since {state.since or 'the start'}")
    else:
        say(
            f"Resuming the sync of studies updated since {state.since or 'the start'} "
            f"at page {state.pages + 1}"
        )
    saved_token = state.page_token  # a token from an earlier run, which the server may forget
    while True:
        try:
            page = client.studies(studies_query(state.since, page_size, state.page_token))
        except ApiError as exc:
            if exc.status == 400 and state.page_token and state.page_token == saved_token:
                state.since, state.page_token = state.newest or state.since, ""
                state.save()
                say(
                    f"The server refused the saved page token ({exc.problem}); asking again "
                    f"from {state.since or 'the start'}"
                )
                continue
            _stopped(state, str(exc))
            raise
        if page.next_token and page.next_token == state.page_token:
            # Following it would fetch the same page for ever.
            _stopped(state, why := f"the server gave page token {page.next_token!r} again")
            raise SyncStopped(why)
        number = state.pages + 1
        sources = _sources(page, f"{client.base_url}/studies page {number}")
        results = list(import_pieces(parse_sources([s for s, _ in sources], imported_before)))
        if lost := [r for r in results if r.detail.startswith(NOT_IMPORTED)]:
            raise SyncStopped(f"page {number} was not imported whole: {lost[0].detail}")
        _record(state, page, results, {s.name: updated for s, updated in sources})
        yield PageDone(number, results, state.newest, last=not state.running)
        if not state.running:
            return


def _start(state: SyncState, since: datetime.date | None) -> None:
    """A new sync from ``since`` (None: every study)."""
    state.running, state.since, state.page_token, state.newest = True, since, "", None
    state.failed_since = None
    state.pages = state.created = state.updated = state.unchanged = state.failed = 0
    state.started_at, state.last_error = timezone.now(), ""
    state.save()


@transaction.atomic
def _record(
    state: SyncState,
    page: Page,
    results: list[Result],
    updated: dict[str, datetime.date | None],
) -> None:
    """How far the sync got, after a page's studies are each saved whole by the writer."""
    counts = Counter(result.outcome for result in results)
    state.pages += 1
    state.created += counts[Outcome.CREATED]
    state.updated += counts[Outcome.UPDATED]
    state.unchanged += counts[Outcome.UNCHANGED]
    state.failed += counts[Outcome.FAILED]
    state.newest = _latest(state.newest, *map(last_update, page.studies))
    # A study that failed (a record this version cannot read, say) is asked for again by the
    # next sync, rather than left behind until it changes on the registry. One without a date
    # cannot be asked for by date: it is reported, as every failure is.
    failed = [updated.get(r.source) for r in results if r.outcome == Outcome.FAILED]
    state.failed_since = _earliest(state.failed_since, *failed)
    state.page_token, state.last_error = page.next_token, ""
    if not page.next_token:
        state.running = False
        state.reached = state.failed_since or _latest(state.reached, state.newest, state.since)
        state.completed_at = timezone.now()
    state.save()


def _stopped(state: SyncState, why: str) -> None:
    state.last_error = why
    state.save(update_fields=["last_error", "saved_at"])


def _sources(page: Page, name: str) -> list[tuple[Source, datetime.date | None]]:
    """The page's studies as the importer reads files (one source per study, named by page),
    each with its update date."""
    sources = []
    for index, study in enumerate(page.studies, start=1):
        nct_id = _nct_id(study) or f"study {index}"
        # The same study served again serialises to the same bytes: its digest finds it.
        data = json.dumps(study, ensure_ascii=False, separators=(",", ":")).encode()
        sources.append((Source(f"{name}: {nct_id}", data), last_update(study)))
    return sources


def _nct_id(study: dict[str, Any]) -> str:
    try:
        return str(study["protocolSection"]["identificationModule"]["nctId"])
    except (KeyError, TypeError):
        return ""


def last_update(study: dict[str, Any]) -> datetime.date | None:
    """A study's LastUpdatePostDate, the date the sync's filter and order are on."""
    try:
        text = study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"]
        return datetime.date.fromisoformat(text)
    except (KeyError, TypeError, ValueError):
        return None


def _latest(*dates: datetime.date | None) -> datetime.date | None:
    known = [d for d in dates if d is not None]
    return max(known) if known else None


def _earliest(*dates: datetime.date | None) -> datetime.date | None:
    known = [d for d in dates if d is not None]
    return min(known) if known else None
