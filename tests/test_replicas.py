"""Reads to streaming replicas, writes to the primary (registry/replicas.py).

The rules, request by request, through the real middleware and router; then a real primary and
a real streaming replica (two private PostgreSQL servers, the replica made by pg_basebackup)
behind gunicorn, configured as a deployment is, by DATABASE_URL and DATABASE_REPLICA_URLS.
"""

import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from registry import replicas, serving
from registry.middleware import ReadFromReplicas
from registry.replicas import PRIMARY, READ_PRIMARY_COOKIE, ReplicaRouter
from tests.corpus import CORPUS
from tests.pgcluster import Server, servers
from trials.models import Study

router = ReplicaRouter()


@pytest.fixture
def one_replica_up(monkeypatch):
    """One replica, replica1, which answers (the router's probe is tested on its own below)."""
    monkeypatch.setattr(replicas, "healthy_replica", lambda: "replica1")


def served(
    request: HttpRequest, view: Callable[[], object] = lambda: None
) -> tuple[list[str], HttpResponse]:
    """Where a request's reads went, before and after ``view`` ran, through the middleware."""
    reads: list[str] = []

    def get_response(request: HttpRequest) -> HttpResponse:
        reads.append(router.db_for_read(Study))
        view()
        reads.append(router.db_for_read(Study))
        return HttpResponse("ok")

    response = ReadFromReplicas(get_response)(request)
    return reads, response


def anonymous(request: HttpRequest) -> HttpRequest:
    request.user = AnonymousUser()
    return request


def test_a_visitors_page_reads_a_replica_and_gets_no_cookie(one_replica_up, rf: RequestFactory):
    reads, response = served(anonymous(rf.get("/studies/NCT00398515/")))

    assert reads == ["replica1", "replica1"]
    assert replicas.READ_PRIMARY_COOKIE not in response.cookies


def test_head_and_options_read_a_replica_too(one_replica_up, rf: RequestFactory):
    assert served(anonymous(rf.head("/api/v2/studies")))[0][0] == "replica1"
    assert served(anonymous(rf.options("/api/v2/studies")))[0][0] == "replica1"


@override_settings(DATABASE_REPLICA_LAG_SECONDS=7)
def test_a_post_reads_the_primary_and_keeps_its_client_there_for_a_while(
    one_replica_up, rf: RequestFactory
):
    reads, response = served(anonymous(rf.post("/api/v2/studies")))

    assert reads == [PRIMARY, PRIMARY]
    cookie = response.cookies[replicas.READ_PRIMARY_COOKIE]
    assert cookie["max-age"] == 7
    assert cookie["httponly"]


def test_a_client_that_just_wrote_reads_the_primary(one_replica_up, rf: RequestFactory):
    request = anonymous(rf.get("/studies/NCT00398515/"))
    request.COOKIES[replicas.READ_PRIMARY_COOKIE] = "1"

    assert served(request)[0] == [PRIMARY, PRIMARY]


def test_the_admin_reads_the_primary(one_replica_up, rf: RequestFactory, settings):
    settings.ADMIN_PATH = "curation/"

    assert served(anonymous(rf.get("/curation/trials/study/")))[0] == [PRIMARY, PRIMARY]
    assert served(anonymous(rf.get("/curation/login/")))[0] == [PRIMARY, PRIMARY]


def test_a_signed_in_user_reads_the_primary(one_replica_up, rf: RequestFactory):
    request = rf.get("/studies/NCT00398515/")
    request.user = User(username="curator")

    assert served(request)[0] == [PRIMARY, PRIMARY]


def test_a_request_that_writes_reads_the_primary_after_the_write(
    one_replica_up, rf: RequestFactory
):
    reads, _ = served(anonymous(rf.get("/")), view=lambda: router.db_for_write(Study))

    assert reads == ["replica1", PRIMARY]


def test_a_get_that_saves_the_session_keeps_its_client_on_the_primary(
    one_replica_up, rf: RequestFactory
):
    request = anonymous(rf.get("/"))
    request.session = SessionStore()

    def view() -> None:
        # A session the view changes: SessionMiddleware saves it as the response passes.
        request.session["seen"] = True

    assert replicas.READ_PRIMARY_COOKIE not in served(request)[1].cookies
    assert replicas.READ_PRIMARY_COOKIE in served(request, view)[1].cookies


def test_a_read_inside_a_transaction_on_the_primary_reads_the_primary(
    one_replica_up, rf: RequestFactory, db
):
    # Every test with `db` runs inside a transaction on the primary, as a view's atomic block.
    assert served(anonymous(rf.get("/")))[0] == [PRIMARY, PRIMARY]


def test_outside_a_request_everything_reads_the_primary(one_replica_up):
    # Management commands (the importer) and anything else a request did not start.
    assert router.db_for_read(Study) == PRIMARY


def test_with_no_replica_answering_a_visitors_page_reads_the_primary(monkeypatch, rf):
    monkeypatch.setattr(replicas, "healthy_replica", lambda: None)

    assert served(anonymous(rf.get("/")))[0] == [PRIMARY, PRIMARY]


def test_writes_and_migrations_go_to_the_primary_alone():
    assert router.db_for_write(Study) == PRIMARY
    assert router.allow_migrate(PRIMARY, "trials")
    assert not router.allow_migrate("replica1", "trials")


def test_a_replica_that_does_not_answer_is_left_alone_for_a_while(monkeypatch):
    probed: list[str] = []

    def answers(alias: str) -> bool:
        probed.append(alias)
        return alias == "replica2"

    monkeypatch.setattr(replicas, "replica_aliases", lambda: ["replica1", "replica2"])
    monkeypatch.setattr(replicas, "_answers", answers)
    monkeypatch.setattr(replicas, "_down_until", {})
    monkeypatch.setattr(replicas.random, "shuffle", lambda aliases: None)  # replica1 asked first
    clock = [1000.0]
    monkeypatch.setattr(replicas.time, "monotonic", lambda: clock[0])

    assert {replicas.healthy_replica() for _ in range(10)} == {"replica2"}
    assert probed.count("replica1") == 1  # then passed over, not asked again

    clock[0] += replicas.DOWN_SECONDS + 1
    replicas.healthy_replica()
    replicas.healthy_replica()
    assert probed.count("replica1") == 2  # asked again once its time is up, and still down

    monkeypatch.setattr(replicas, "_answers", lambda alias: False)
    clock[0] += replicas.DOWN_SECONDS + 1
    assert replicas.healthy_replica() is None


def test_without_replicas_configured_the_settings_install_neither_router_nor_middleware(settings):
    # The test run has none (unless DATABASE_REPLICA_URLS is set): nothing changes for one server.
    if settings.DATABASE_REPLICA_URLS:
        pytest.skip("replicas are configured for this run")
    assert "registry.middleware.ReadFromReplicas" not in settings.MIDDLEWARE
    assert not settings.DATABASE_ROUTERS


# --- A real primary and its streaming replica, behind gunicorn --------------------------------
ROOT = Path(__file__).resolve().parent.parent
FIRST = "NCT00162175"  # PPAR-COMBO With Sulfonylurea
SECOND = "NCT00195884"  # Diabetes Aerobic and Resistance Exercise (DARE) Study


@pytest.fixture
def primary_and_replica(db) -> Iterator[tuple[Server, Server]]:
    """A migrated primary (the test database's tables, copied) and a streaming replica of it,
    made by pg_basebackup and running."""
    with servers(2) as (primary, replica):
        primary.init()
        primary.start()
        if not primary.copy_schema(connection.settings_dict):
            _manage(primary, "migrate", "--no-input")
        replica.copy_of(primary)
        replica.start()
        assert replica.one("SELECT pg_is_in_recovery()") is True
        yield primary, replica


def _manage(primary: Server, *command: str) -> None:
    """A management command run against the primary, in its own process as an operator runs it."""
    done = subprocess.run(
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": primary.url, "DATABASE_REPLICA_URLS": ""},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]


def _caught_up(primary: Server, replica: Server, wait: float = 30.0) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    written = primary.one("SELECT pg_current_wal_lsn()")
    deadline = time.monotonic() + wait
    while not replica.one(f"SELECT pg_last_wal_replay_lsn() >= '{written}'::pg_lsn"):
        assert time.monotonic() < deadline, f"the replica did not reach {written} in {wait} s"
        time.sleep(0.05)


def _get(url: str, cookie: str = "") -> tuple[int, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.slow
def test_pages_are_read_from_a_streaming_replica_and_from_the_primary_once_it_stops(
    primary_and_replica,
):
    primary, replica = primary_and_replica
    _manage(primary, "import_trials", str(CORPUS / "json" / f"{FIRST}.json"))
    _caught_up(primary, replica)
    environment = {
        "DATABASE_URL": primary.url,
        "DATABASE_REPLICA_URLS": replica.url,
        "DJANGO_SECRET_KEY": "test-only-" + "x" * 50,
        # Static files as in development: pages link them with no `collectstatic` run first.
        "DJANGO_DEBUG": "true",
    }
    with serving.gunicorn(environment, workers=1) as app:
        status, page = _get(f"{app}/studies/{FIRST}/")
        assert status == 200 and "PPAR-COMBO With Sulfonylurea" in page
        status, answer = _get(f"{app}/api/v2/studies/{FIRST}")
        assert status == 200
        assert json.loads(answer)["protocolSection"]["identificationModule"]["nctId"] == FIRST

        # The replica, held still, does not have what is imported now; the primary does. A
        # visitor's page says which one it read.
        replica.one("SELECT pg_wal_replay_pause()::text")
        _manage(primary, "import_trials", str(CORPUS / "json" / f"{SECOND}.json"))
        assert _get(f"{app}/studies/{SECOND}/")[0] == 404
        assert _get(f"{app}/api/v2/studies/{SECOND}")[0] == 404
        # A client that has just written reads the primary: the study is there.
        status, page = _get(f"{app}/studies/{SECOND}/", cookie=f"{READ_PRIMARY_COOKIE}=1")
        assert status == 200 and "Diabetes Aerobic and Resistance Exercise" in page
        # Searches too: the page (its words, counts and facets) and the API's.
        search, api_search = "/?q=exercise", "/api/v2/studies?query.term=exercise"
        title = "Diabetes Aerobic and Resistance Exercise"
        assert title not in _get(app + search)[1]
        assert SECOND not in _get(app + api_search)[1]
        primary_read = f"{READ_PRIMARY_COOKIE}=1"
        assert title in _get(app + search, cookie=primary_read)[1]
        assert SECOND in _get(app + api_search, cookie=primary_read)[1]

        replica.one("SELECT pg_wal_replay_resume()::text")
        _caught_up(primary, replica)
        assert _get(f"{app}/studies/{SECOND}/")[0] == 200

        # Stopped, the replica is passed over: every page is read from the primary.
        replica.stop()
        for path in (
            f"/studies/{FIRST}/",
            f"/studies/{FIRST}/?sites_page=1",  # not a kept page: the study's tables are read
            f"/api/v2/studies/{FIRST}",
            f"/api/v2/studies/{SECOND}",
            "/?q=sulfonylurea",
            "/api/v2/studies?query.term=exercise",
        ):
            status, body = _get(app + path)
            assert status == 200, (path, body[:500])
        assert "PPAR-COMBO" in _get(f"{app}/?q=sulfonylurea")[1]
