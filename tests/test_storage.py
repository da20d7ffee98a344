"""How the large values are stored (migration 0028): lz4 where the server was built with it."""

import importlib

import pytest
from django.db import connection

compression = importlib.import_module("trials.migrations.0028_lz4_compression")


def column_compression(table: str, column: str) -> str:
    """'l' for lz4, '' for the server's default (pglz unless configured otherwise)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attcompression FROM pg_attribute"
            " WHERE attrelid = %s::regclass AND attname = %s",
            [table, column],
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db
@pytest.mark.parametrize(("table", "column"), compression.COLUMNS)
def test_large_values_are_compressed_with_lz4_where_the_server_has_it(table, column):
    expected = "l" if compression.server_has_lz4(connection) else ""
    assert column_compression(table, column) == expected


@pytest.mark.django_db
def test_the_stored_record_is_lz4_compressed_when_written(corpus):
    # Not only declared: a version written by the import is stored compressed with lz4.
    if not compression.server_has_lz4(connection):
        pytest.skip("this server was built without lz4")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_column_compression(record) = 'lz4'),"
            " count(*) FILTER (WHERE pg_column_compression(record) IS NOT NULL)"
            " FROM trials_studyversion"
        )
        lz4, compressed = cursor.fetchone()
    assert compressed > 0
    assert lz4 == compressed
