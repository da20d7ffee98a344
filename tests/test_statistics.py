"""The planner's statistics follow an import (trials.store.statistics)."""

from django.db import connection

from trials.models import Study
from trials.store.statistics import refresh_statistics


def planned_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_tables_an_import_filled_are_analyzed_once(corpus):
    # The shared records were imported at the session's start; the tables they filled are
    # analyzed (unless autovacuum came first), and then nothing is left to analyze.
    refresh_statistics()
    assert planned_rows(Study._meta.db_table) == Study.objects.count()
    assert refresh_statistics() == []
