"""sync_trials: against a local API v2 stand-in serving corpus records, two to a page."""

import copy
import datetime
import io
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from tests.corpus import API_V2_FRAGMENT, api_v2_studies
from tests.ctgov_server import FakeApi, Fault, serving
from trials.importer import sync as sync_module
from trials.importer.ctgov_api import USER_AGENT, ApiError, Client
from trials.models import Study, SyncState

# Each test counts what it imports: none of the shared records.
pytestmark = pytest.mark.usefixtures("empty_db")

# Seven records, oldest update first: two pairs share a date, so that a page boundary falls
# inside a day (page 2 ends on 2021-10-08, which page 3 goes on with).
RECORDS = [
    "NCT00410098",  # 2006-12-12
    "NCT00405041",  # 2008-04-10
    "NCT00162175",  # 2010-09-14
    "NCT02724163",  # 2021-10-08
    "NCT05071482",  # 2021-10-08
    "NCT04630925",  # 2022-11-21
    "NCT04650945",  # 2022-11-21
]
FIRST_ASK = {"format": "json", "pageSize": "2", "sort": "LastUpdatePostDate:asc"}


def study(nct_id: str) -> dict[str, Any]:
    (found,) = api_v2_studies(f"{nct_id}.json")
    return found


@pytest.fixture
def api() -> Iterator[FakeApi]:
    """The stand-in, serving the records in an order of its own (it must sort them)."""
    with serving([study(nct_id) for nct_id in reversed(RECORDS)]) as server:
        yield server


class Clock:
    """Time that passes only when the client sleeps: every wait it asks for, none waited."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def sleep(self, seconds: float) -> None:
        self.waits.append(round(seconds, 3))
        self.now += seconds

    def monotonic(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    monkeypatch.setattr(Client, "sleep", staticmethod(clock.sleep))
    monkeypatch.setattr(Client, "clock", staticmethod(clock.monotonic))
    return clock


def run(api: FakeApi, *options: str) -> tuple[str, int]:
    """Run the command against the stand-in, two studies a page; its output and exit status."""
    out = io.StringIO()
    try:
        call_command("sync_trials", "--base-url", api.url, "--page-size", "2", *options, stdout=out)
    except CommandError as exc:
        return out.getvalue() + f"\nerror: {exc}", exc.returncode
    return out.getvalue(), 0


def state(api: FakeApi) -> SyncState:
    return SyncState.objects.get(endpoint=api.url)


def imported() -> set[str]:
    return set(Study.objects.values_list("nct_id", flat=True))


def test_a_first_sync_imports_every_study_page_by_page_oldest_update_first(api, clock):
    output, status = run(api)

    assert status == 0
    assert imported() == set(RECORDS)
    assert api.log[0] == FIRST_ASK  # no filter: the whole registry
    assert [q.get("pageToken") for q in api.log] == [None, "token-1", "token-2", "token-3"]
    assert all(q.items() >= FIRST_ASK.items() for q in api.log)
    assert set(api.agents) == {USER_AGENT}
    assert "Page 1: 2 studies (2 created), updated up to 2008-04-10" in output
    assert "Page 4: 1 study (1 created), updated up to 2022-11-21" in output
    assert "Total: 7 records (7 created)" in output
    saved = state(api)
    assert (saved.running, saved.reached, saved.page_token, saved.pages) == (
        False,
        datetime.date(2022, 11, 21),
        "",
        4,
    )
    # One request a second: each after the first waited for its turn.
    assert clock.waits == [1.0, 1.0, 1.0]


def test_records_are_named_by_the_endpoint_and_page_they_came_from(api, clock):
    run(api)

    source = Study.objects.get(nct_id="NCT00162175").versions.get().source_name
    assert source == f"{api.url}/studies page 2: NCT00162175"


def test_an_incremental_sync_asks_from_the_date_reached_and_imports_only_what_changed(api, clock):
    run(api)
    changed = copy.deepcopy(study("NCT00405041"))
    changed["protocolSection"]["identificationModule"]["briefTitle"] = "A changed title"
    changed["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"] = "2025-06-01"
    api.replace(changed)
    api.replace(study("NCT03934567"))  # a new study, updated 2025-04-10
    api.log.clear()

    output, status = run(api)

    assert status == 0
    assert api.log[0] == {
        **FIRST_ASK,
        "filter.advanced": "AREA[LastUpdatePostDate]RANGE[2022-11-21,MAX]",
    }
    assert len(api.log) == 2  # the last day again, then what changed
    assert "Page 1: 2 studies (2 unchanged), updated up to 2022-11-21" in output
    assert "Page 2: 2 studies (1 created, 1 updated), updated up to 2025-06-01" in output
    assert Study.objects.get(nct_id="NCT00405041").brief_title == "A changed title"
    assert "NCT03934567" in imported()
    assert state(api).reached == datetime.date(2025, 6, 1)


def test_a_sync_with_nothing_new_keeps_the_date_it_reached(api, clock):
    run(api)
    api.log.clear()

    output, status = run(api)

    assert status == 0
    assert len(api.log) == 1
    assert "Total: 2 records (2 unchanged)" in output
    assert state(api).reached == datetime.date(2022, 11, 21)


def test_since_starts_a_new_sync_from_that_date(api, clock):
    output, status = run(api, "--since", "2021-10-08")

    assert status == 0
    assert "Syncing the studies updated since 2021-10-08" in output
    assert api.log[0]["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2021-10-08,MAX]"
    assert imported() == set(RECORDS[3:])


def test_an_interrupted_sync_resumes_at_the_page_it_stopped_on(api, clock):
    # Page 3 fails on the first attempt and both retries.
    api.faults.append(Fault(503, "Service Unavailable", page=3, times=3))

    output, status = run(api, "--retries", "2")

    assert status == 1
    assert "HTTP 503: Service Unavailable; gave up after 3 attempts" in output
    assert "Stopped before page 3; run sync_trials again to resume there." in output
    assert imported() == set(RECORDS[:4])
    saved = state(api)
    assert (saved.running, saved.pages, saved.page_token) == (True, 2, "token-2")
    assert "HTTP 503" in saved.last_error
    api.log.clear()

    output, status = run(api)

    assert status == 0
    assert "Resuming the sync of studies updated since the start at page 3" in output
    assert [q.get("pageToken") for q in api.log] == ["token-2", "token-3"]  # no page again
    assert imported() == set(RECORDS)
    assert "Page 4: 1 study (1 created)" in output
    saved = state(api)
    assert (saved.running, saved.reached, saved.created, saved.last_error) == (
        False,
        datetime.date(2022, 11, 21),
        7,
        "",
    )


def test_a_resumed_sync_whose_token_the_server_forgot_asks_again_from_the_date_reached(api, clock):
    api.faults.append(Fault(503, page=3, times=3))
    run(api, "--retries", "2")
    api.tokens.clear()  # the server restarted, say: old tokens mean nothing to it now
    api.log.clear()

    output, status = run(api)

    assert status == 0
    assert "The server refused the saved page token (HTTP 400: Invalid pageToken" in output
    assert api.log[1] == {
        **FIRST_ASK,
        "filter.advanced": "AREA[LastUpdatePostDate]RANGE[2021-10-08,MAX]",
    }
    assert imported() == set(RECORDS)
    # The day the interrupted sync stopped inside, asked for again: its first study unchanged.
    assert "Page 3: 2 studies (1 created, 1 unchanged), updated up to 2021-10-08" in output
    assert state(api).reached == datetime.date(2022, 11, 21)


def test_an_interrupted_import_resumes_at_the_page_it_was_importing(api, clock, monkeypatch):
    real = sync_module.import_pieces
    calls = []

    def interrupted_on_page_two(pieces: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(pieces)

    monkeypatch.setattr(sync_module, "import_pieces", interrupted_on_page_two)
    output, status = run(api)

    assert status == 130
    assert "Interrupted; run sync_trials again to resume at page 2." in output
    assert imported() == set(RECORDS[:2])
    api.log.clear()

    output, status = run(api)

    assert status == 0
    assert api.log[0]["pageToken"] == "token-1"
    assert imported() == set(RECORDS)


def test_a_server_error_is_asked_again_after_a_backoff(api, clock):
    api.faults.append(Fault(500, "Internal Server Error"))

    _, status = run(api)

    assert status == 0
    assert imported() == set(RECORDS)
    assert [q.get("pageToken") for q in api.log] == [None, None, "token-1", "token-2", "token-3"]
    # Two seconds' backoff; the request rate then needed no further wait before the retry.
    assert clock.waits == [2.0, 1.0, 1.0, 1.0]


def test_backoff_doubles_at_each_retry(api, clock):
    api.faults.append(Fault(502, times=3))

    _, status = run(api, "--backoff", "0.5")

    assert status == 0
    # Between the first two retries the request rate asks for its second too.
    assert clock.waits[:4] == [0.5, 0.5, 1.0, 2.0]


def test_too_many_requests_waits_as_long_as_retry_after_says(api, clock):
    api.faults.append(Fault(429, "Too Many Requests", {"Retry-After": "7"}, page=2))

    _, status = run(api)

    assert status == 0
    assert imported() == set(RECORDS)
    assert clock.waits == [1.0, 7.0, 1.0, 1.0]


def test_a_refused_request_stops_at_once_with_the_url_and_the_servers_message(api, clock):
    api.faults.append(Fault(400, "Incorrect format of parameter filter.advanced"))

    output, status = run(api)

    assert status == 1
    assert f"error: {api.url}/studies?format=json&pageSize=2" in output
    assert "HTTP 400: Incorrect format of parameter filter.advanced" in output
    assert len(api.log) == 1  # a 400 is not asked again
    assert imported() == set()
    assert "HTTP 400" in state(api).last_error


def test_a_wrong_endpoint_is_a_clear_error(api, clock):
    output, status = run(api, "--base-url", api.url.replace("/api/v2", "/api/v9"))

    assert status == 1
    assert "/api/v9/studies?" in output and "HTTP 404: no such endpoint" in output


def test_a_server_that_does_not_answer_is_asked_a_bounded_number_of_times(clock):
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    client = Client(f"http://127.0.0.1:{port}/api/v2", retries=3)

    with pytest.raises(ApiError, match=r"no answer .*; gave up after 4 attempts"):
        client.studies({"format": "json"})

    assert clock.waits == [2.0, 4.0, 8.0]


def test_a_record_the_importer_refuses_is_reported_and_the_page_goes_on(clock):
    # The corpus's fragment has no status module, so no update date: the API lists it last.
    fragment = api_v2_studies(API_V2_FRAGMENT)[0]
    with serving([study("NCT00410098"), fragment, study("NCT00405041")]) as api:
        output, status = run(api)

        assert status == 1
        assert f"failed: {api.url}/studies page 2: NCT00465816" in output
        assert "Page 2: 1 study (1 failed), updated up to 2008-04-10" in output
        assert "1 record(s) failed" in output
        assert imported() == {"NCT00410098", "NCT00405041"}
        assert state(api).reached == datetime.date(2008, 4, 10)


def test_a_study_that_failed_is_asked_for_again_by_the_next_sync(clock):
    broken = study("NCT00405041")  # updated 2008-04-10
    broken["protocolSection"]["designModule"]["enrollmentInfo"]["count"] = -4
    with serving([study("NCT00410098"), broken, study("NCT00162175")]) as api:
        output, status = run(api)
        assert status == 1 and "study_enrollment_not_negative" in output
        assert state(api).reached == datetime.date(2008, 4, 10)  # not 2010-09-14
        api.replace(study("NCT00405041"))  # mended, its date unchanged
        api.log.clear()

        output, status = run(api)

        assert status == 0
        assert api.log[0]["filter.advanced"] == "AREA[LastUpdatePostDate]RANGE[2008-04-10,MAX]"
        assert imported() == {"NCT00410098", "NCT00405041", "NCT00162175"}
        assert state(api).reached == datetime.date(2010, 9, 14)


def test_every_record_is_listed_at_verbosity_two(api, clock):
    output, _ = run(api, "--verbosity", "2")

    assert f"created: NCT00410098 ({api.url}/studies page 1: NCT00410098)" in output


def test_the_request_rate_is_an_option(api, clock):
    run(api, "--rate", "4")

    assert clock.waits == [0.25, 0.25, 0.25]


def test_the_endpoint_is_a_setting(api, clock, settings):
    settings.CTGOV_API_URL = api.url

    call_command("sync_trials", "--page-size", "3", stdout=io.StringIO())

    assert imported() == set(RECORDS)
    assert api.log[0]["pageSize"] == "3"


def test_admin_shows_how_far_the_sync_got_and_lets_no_one_edit_it(api, clock, admin_client):
    run(api)
    saved = state(api)

    page = admin_client.get(reverse("admin:trials_syncstate_change", args=[saved.pk]))

    assert page.status_code == 200
    html = page.content.decode()
    assert api.url in html and "Nov. 21, 2022" in html
    assert 'name="reached"' not in html  # shown, not a form field
    assert admin_client.get(reverse("admin:trials_syncstate_add")).status_code == 403


def test_a_server_that_gives_the_same_page_token_again_stops_the_sync(api, clock):
    # Page 2, asked for with token-1, answers token-1 again: following it would never end.
    api.faults.append(Fault(200, '{"studies": [], "nextPageToken": "token-1"}', page=2))

    output, status = run(api)

    assert status == 1
    assert "the server gave page token 'token-1' again" in output
    assert len(api.log) == 2
