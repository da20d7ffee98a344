"""The importer outlives a database outage: a private PostgreSQL server of the test's own is
stopped in the middle of a bulk import and started again; every record lands exactly once.

A real server, never a mock: the failure is the one a restart or failover gives (connections
terminated, then refused for a few seconds).
"""

import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from registry import serving
from tests.corpus import first_records
from tests.pgcluster import Server, servers

ROOT = Path(__file__).resolve().parent.parent
# The writer's chunks, made small: the outage falls after the first of three (the last holds
# one record), so records land before it and after it. Over PARALLEL_FROM (64) sources: the
# import parses in its second process, as a bulk import does.
CHUNK = 40
RECORDS = 2 * CHUNK + 1
# The real import_trials command, with the writer's chunk size CHUNK rather than 500, so that
# a few dozen records span the chunks a thousand would.
IMPORT = (
    "import sys, django; django.setup(); "
    "from trials.importer import writer; writer.import_pieces.__defaults__ = (int(sys.argv[1]),); "
    "from django.core.management import call_command; "
    "call_command('import_trials', *sys.argv[2:])"
)
# Holds the import's first insert of studies after some have been committed (its second
# chunk), once: the outage then always falls mid-import, never after the import is done. The
# sequence is not transactional, so the insert retried after the restart is not held again.
HOLD = """
CREATE SEQUENCE outage_hold;
CREATE FUNCTION outage_hold() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM trials_study) THEN
        IF nextval('outage_hold') = 1 THEN
            PERFORM pg_sleep(120);
        END IF;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER outage_hold BEFORE INSERT ON trials_study
    FOR EACH STATEMENT EXECUTE FUNCTION outage_hold();
"""


@pytest.fixture
def server() -> Iterator[Server]:
    with servers(1) as (server,):
        server.init()
        server.start()
        yield server


def _import(server: Server, *args: str) -> subprocess.Popen[str]:
    """import_trials with chunks of CHUNK records, in its own process, on the private server."""
    environment = {
        **os.environ,
        "DATABASE_URL": server.url,
        "DJANGO_SETTINGS_MODULE": "registry.settings",
    }
    return subprocess.Popen(
        [sys.executable, "-c", IMPORT, str(CHUNK), *args],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_an_import_waits_out_a_database_restart_and_lands_every_record_once(server, tmp_path, db):
    from django.db import connection

    records = first_records(RECORDS, tmp_path)
    if not server.copy_schema(connection.settings_dict):
        migrate = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input"],
            cwd=ROOT,
            env={**os.environ, "DATABASE_URL": server.url},
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert migrate.returncode == 0, migrate.stderr
    server.sql(HOLD)
    importing = _import(server, "--quiet-unchanged", str(records))
    deadline = time.monotonic() + 120
    while server.count("trials_study") == 0:
        assert importing.poll() is None, "the import ended before the outage"
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert server.count("trials_study") == CHUNK  # the first chunk; the second is held

    server.stop()  # connections terminated mid-import, then refused
    assert importing.poll() is None, "the import ended before the outage"
    time.sleep(2)  # refused: the import has tried again (0.25, 0.5, 1 s) before the restart
    server.start()
    out, err = importing.communicate(timeout=600)

    assert importing.returncode == 0, err[-2000:]
    assert "Traceback" not in err
    assert f"{RECORDS} records ({RECORDS} created)" in out
    assert server.count("trials_study") == RECORDS
    assert server.count("trials_studyversion") == RECORDS


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def app(server: Server) -> Iterator[str]:
    """gunicorn serving the project as `make run` does, on the private server."""
    environment = {"DATABASE_URL": server.url, "DJANGO_SECRET_KEY": "test-only-" + "x" * 50}
    with serving.gunicorn(environment, workers=1) as url:
        yield url


def test_readyz_says_503_while_the_database_is_down_and_healthz_still_answers(server, app):
    assert _get(f"{app}/healthz") == (200, '{"status": "ok"}')
    assert _get(f"{app}/readyz")[0] == 200

    server.stop()
    status, body = _get(f"{app}/readyz")
    assert status == 503 and '"unavailable"' in body
    assert _get(f"{app}/healthz")[0] == 200

    server.start()
    assert _get(f"{app}/readyz")[0] == 200
