"""Shared fixtures: records from the corpus copy, imported through the real importer."""

import pytest
from django.db import connection

from tests.corpus import CORPUS
from trials.importer.detect import read_studies
from trials.importer.writer import Result, import_pieces


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
