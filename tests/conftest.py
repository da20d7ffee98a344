"""Shared fixtures: records from the corpus copy, imported through the real importer."""

import os

import pytest
from django.db import connection

from tests.corpus import CORPUS
from trials.importer.detect import read_studies
from trials.importer.report import Result
from trials.importer.writer import import_pieces


def import_files(*relative: str) -> list[Result]:
    """Import corpus files (paths under fixtures/corpus) through the real parser and writer."""
    results = []
    for name in relative:
        path = CORPUS / name
        results += import_pieces(read_studies(path.read_bytes(), str(path)))
    return results


@pytest.fixture
def seed(db):
    """The seed study NCT00398515, imported from its page text."""
    from trials.models import Study

    (result,) = import_files("text/NCT00398515.txt")
    assert result.outcome == "created", result
    return Study.objects.get(nct_id="NCT00398515")


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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
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
