"""The planner's statistics follow an import (trials.store.statistics)."""

from django.db import connection

from trials.models import Study
from trials.store.statistics import ROWS_CHANGED, SHARE_CHANGED, refresh_statistics


def planned_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        return cursor.fetchone()[0]


def test_tables_an_import_filled_are_analyzed_once(corpus):
    # The shared records were imported at the session's start; the tables they filled are
    # analyzed (unless autovacuum came first, perhaps part way through the import), so the
    # planner knows each table within autovacuum's own margin, and nothing is left to analyze.
    refresh_statistics()
    planned, counted = planned_rows(Study._meta.db_table), Study.objects.count()
    assert planned >= 0, "never analyzed"
    assert abs(planned - counted) <= ROWS_CHANGED + SHARE_CHANGED * planned
    assert refresh_statistics() == []
