"""Shared fixtures: records from the corpus copy, imported through the real importer.

The records most tests read (the seed, every API v2 record, two legacy XML records) are imported
once per session, before the first test, into the test database; each test then runs in a
transaction that rolls back, so what one test changes the next never sees. A test that needs
the database without them asks for `empty_db`.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest
from django.db import connection, transaction
from django.test import override_settings

from tests.corpus import CORPUS
from trials.importer.detect import read_studies
from trials.importer.report import Outcome, Result
from trials.importer.writer import import_pieces
from trials.models import SearchRevision
from trials.search.vocabulary import rebuild_vocabulary

if TYPE_CHECKING:
    from playwright.sync_api import Page

SEED = "NCT00398515"
# The corpus's one refused record: an AACT fragment without a status module.
FRAGMENT = "json/NCT00465816.json"
SHARED_FILES = (
    "text/NCT00398515.txt",  # the seed: Phase 1, lenalidomide (Revlimid) and temsirolimus
    *(f"json/{path.name}" for path in sorted((CORPUS / "json").glob("*.json"))),
    "xml/NCT00006392.xml",  # five sponsors, thirteen sites
    "xml/NCT00005792.xml",  # a 2000 myeloma study without lenalidomide
)


def import_files(*relative: str) -> list[Result]:
    """Import corpus files (paths under fixtures/corpus) through the real parser and writer."""
    results: list[Result] = []
    for name in relative:
        path = CORPUS / name
        results += import_pieces(read_studies(path.read_bytes(), str(path)))
    return results


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database, holding the shared records (committed: every test's rollback keeps them).

    Tests that flush the database (transactional ones, browser tests) run after all the others,
    as pytest-django orders them, so every test asking for plain `db` finds these records.
    """
    with django_db_blocker.unblock():
        results = import_files(*SHARED_FILES)
        rebuild_vocabulary()  # as import_trials does after an import
    refused = [r for r in results if r.outcome == Outcome.FAILED]
    assert [r.source for r in refused] == [str(CORPUS / FRAGMENT)], refused


@contextmanager
def imported_for_a_module(django_db_blocker: Any, *relative: str) -> Iterator[None]:
    """More corpus records, imported once for one test module and rolled back after it: each
    test's own transaction nests inside this one (as a savepoint)."""
    with django_db_blocker.unblock(), transaction.atomic():
        import_files(*relative)
        rebuild_vocabulary()
        # The foreign keys checked now, as a commit would: else every test's end checks them
        # all again (Django's TestCase checks pending constraints at the end of each test, and
        # a test's rolled-back savepoint leaves them pending once more).
        connection.check_constraints()
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="session", autouse=True)
def static_files_found_when_asked():
    """WhiteNoise finds a static file when one is asked for, rather than listing the collected
    files (hundreds, once `make run` has collected them) each time a test's client starts."""
    with override_settings(WHITENOISE_AUTOREFRESH=True):
        yield


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """A cheap hasher: the real one takes a good part of a second per login, on every login."""
    with override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]):
        yield


@pytest.fixture
def seed(db):
    """The seed study NCT00398515, imported from its page text."""
    from trials.models import Study

    return Study.objects.get(nct_id=SEED)


@pytest.fixture
def corpus(seed):
    """The shared records: the seed, every API v2 record and two legacy XML records."""
    return seed


def delete_all_studies() -> None:
    """Empty every table of the app (within a test's transaction: until it rolls back)."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        # DELETE rather than TRUNCATE: the shared records are a few hundred rows, and TRUNCATE
        # makes every table and index anew (a quarter of a second for the sixty of them). The
        # foreign keys are deferred, so the order does not matter.
        cursor.execute(
            "; ".join(
                f'DELETE FROM "{table}"'
                for table in tables
                if table.startswith("trials_") and table != SearchRevision._meta.db_table
            )
        )


@pytest.fixture
def empty_db(db) -> None:
    """No study in the database, for tests that count what they create."""
    delete_all_studies()


def table_counts() -> dict[str, int]:
    """Rows in every table of the app: what "the database as before" means."""
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        counts = {}
        for table in (t for t in tables if t.startswith("trials_")):
            cursor.execute(f'SELECT count(*) FROM "{table}"')
            counts[table] = cursor.fetchone()[0]
    return counts


# --- Browser tests -------------------------------------------------------------------------
# Playwright drives Debian's Chromium (apt-get install -y chromium, as .ci/run does); tests
# marked `browser` are skipped, saying why, on a machine without it.
CHROMIUM = "/usr/bin/chromium"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _slow_modules_first(items)
    browser_tests = [item for item in items if item.get_closest_marker("browser")]
    if not browser_tests:
        return
    if not os.path.exists(CHROMIUM):
        reason = f"browser tests need Chromium at {CHROMIUM} (apt-get install -y chromium)"
        for item in browser_tests:
            item.add_marker(pytest.mark.skip(reason=reason))
        return
    # Playwright's sync API runs an event loop in the test's thread; Django would refuse the
    # test's own database queries there, though they are plain synchronous calls.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def _slow_modules_first(items: list[pytest.Item]) -> None:
    """Modules holding a test marked `slow` go first, each kept whole (its module fixtures are
    made once), the rest after in their order: under xdist the workers end on short tests and
    so together, rather than one finishing a long test alone. The order among plain database
    tests only: pytest-django's (tests that flush the database last) is kept."""
    slow = {item.path for item in items if item.get_closest_marker("slow")}

    def rank(item: pytest.Item) -> int:
        marker = item.get_closest_marker("django_db")
        fixtures = getattr(item, "fixturenames", ())
        flushes = (
            (marker is not None and marker.kwargs.get("transaction", False))
            or "transactional_db" in fixtures
            or "live_server" in fixtures
            or item.get_closest_marker("browser") is not None
        )
        return 2 if flushes else 0 if item.path in slow else 1

    items.sort(key=rank)  # stable: within a rank, pytest-django's and the files' order


def serious_violations(page: "Page") -> list[str]:
    """What axe finds serious or critical on the page, one line per rule, with where."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    """pytest-playwright's launch arguments, pointed at Debian's Chromium."""
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    }
