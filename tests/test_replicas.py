"""Reads to streaming replicas, writes to the primary (registry/replicas.py).

The rules, request by request, through the real middleware and router; then a real primary and
a real streaming replica (two private PostgreSQL servers, the replica made by pg_basebackup)
behind gunicorn, configured as a deployment is, by DATABASE_URL and DATABASE_REPLICA_URLS.
"""

from collections.abc import Callable

import pytest
from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory, override_settings

from registry import replicas
from registry.middleware import ReadFromReplicas
from registry.replicas import PRIMARY, ReplicaRouter
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
    request.session = SessionSaved()

    assert replicas.READ_PRIMARY_COOKIE in served(request)[1].cookies


class SessionSaved:
    """A session the request changed: SessionMiddleware saves it as the response passes."""

    modified = True


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
