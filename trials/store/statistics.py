"""The planner's statistics of the app's tables, kept up with what an import wrote.

PostgreSQL plans from statistics that ANALYZE gathers; autovacuum gathers them once a table has
changed by 50 rows and a tenth of its size. Where autovacuum is off, or has not come round yet
(this machine's PostgreSQL 15 runs with it off), a table bulk-loaded from empty keeps the
statistics of an empty table, and the planner's guesses go wrong by orders of magnitude: a
search's snippets took 3.7 s instead of 60 ms at 124,000 studies, because the planner expected
895 interventions for one study and read every other name of every drug. ``refresh_statistics``
applies autovacuum's own rule right after an import.
"""

from django.apps import apps
from django.db import connection
from psycopg import sql

# autovacuum_analyze_threshold and autovacuum_analyze_scale_factor, PostgreSQL's defaults.
ROWS_CHANGED = 50
SHARE_CHANGED = 0.1


def refresh_statistics() -> list[str]:
    """ANALYZE each table of the app that changed past autovacuum's rule, or was never
    analyzed; the tables analyzed."""
    tables = [model._meta.db_table for model in apps.get_app_config("trials").get_models()]
    with connection.cursor() as cursor:
        # This connection's own counts of changed rows, and a fresh look at everyone's.
        cursor.execute("SELECT pg_stat_force_next_flush(), pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT s.relname FROM pg_stat_user_tables AS s JOIN pg_class AS c ON c.oid = s.relid"
            " WHERE s.relname = ANY(%s) AND (c.reltuples < 0 AND s.n_mod_since_analyze > 0"
            " OR s.n_mod_since_analyze > %s + %s * c.reltuples) ORDER BY s.relname",
            [tables, ROWS_CHANGED, SHARE_CHANGED],
        )
        stale = [name for (name,) in cursor.fetchall()]
        for name in stale:
            cursor.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(name)).as_string(cursor))
    return stale
