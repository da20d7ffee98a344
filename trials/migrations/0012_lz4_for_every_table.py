"""lz4 compression for the tables made since 0007 (the whole record's, 0009), which kept pglz.

0007 set lz4 on the columns of the tables there were; the results, contacts and references
tables came later and hold a large part of an import's bytes. The same statement again: it sets
every column of every table, and does nothing on a server built without lz4.
"""

from django.db import migrations

LARGE_VALUES = """
DO $$
DECLARE column_ record;
BEGIN
    IF NOT EXISTS (
        SELECT FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY (enumvals)
    ) THEN
        RETURN;
    END IF;
    FOR column_ IN
        SELECT table_name, column_name FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name LIKE 'trials\\_%'
          AND data_type IN ('text', 'bytea', 'jsonb', 'tsvector', 'ARRAY')
    LOOP
        EXECUTE format(
            'ALTER TABLE %I ALTER COLUMN %I SET COMPRESSION lz4',
            column_.table_name, column_.column_name
        );
    END LOOP;
END $$;
"""

BACK_TO_PGLZ = LARGE_VALUES.replace("SET COMPRESSION lz4", "SET COMPRESSION pglz")


class Migration(migrations.Migration):
    dependencies = [("trials", "0011_version_sha256_index")]

    operations = [migrations.RunSQL(LARGE_VALUES, migrations.RunSQL.noop)]
