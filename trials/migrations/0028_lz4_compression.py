"""The large values an import writes are compressed with lz4 where the server has it.

pglz, PostgreSQL's default, took 2.4 s of a 4,131-record import's COPY of the stored versions
(bytes and JSON); lz4 took 1.0 s for the same rows, and decompresses faster on every read.
Servers built without lz4 (the embedded one) keep pglz: the change is only where it can be made.
It applies to values written from now on; older ones are read as they were written. The kept
pages are left alone: they are stored gzip-compressed already.
"""

from collections.abc import Callable

from django.db import migrations
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

COLUMNS = [
    ("trials_studyversion", "content"),
    ("trials_studyversion", "record"),
    ("trials_searchmatch", "document"),
    ("trials_searchmatch", "core"),
    ("trials_searchranking", "rank_vector"),
]


def server_has_lz4(connection: BaseDatabaseWrapper) -> bool:
    """Whether the server was built with lz4 (a TOAST compression it offers)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'"
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def _compress(method: str) -> Callable[[StateApps, BaseDatabaseSchemaEditor], None]:
    def run(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
        if not server_has_lz4(schema_editor.connection):
            return
        quote = schema_editor.quote_name
        for table, column in COLUMNS:
            schema_editor.execute(
                f"ALTER TABLE {quote(table)} ALTER COLUMN {quote(column)} SET COMPRESSION {method}"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0027_sort_indexes_nulls_last"),
    ]

    operations = [migrations.RunPython(_compress("lz4"), _compress("default"))]
