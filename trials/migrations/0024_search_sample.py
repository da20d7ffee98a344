"""The sample of studies broad searches are counted on (trials.search.layout.SAMPLE_LEXEME):
existing search rows of the sample get the lexeme that refresh_search now writes."""

from django.db import migrations

# trials.search.layout as this migration was written: SAMPLE_RUN 64, SAMPLE_EVERY 16.
ADD = """
UPDATE trials_searchmatch
SET document = document || array_to_tsvector(ARRAY['Z:sample']),
    core = core || array_to_tsvector(ARRAY['Z:sample'])
WHERE mod(study_id / 64, 16) = 0
"""
REMOVE = """
UPDATE trials_searchmatch
SET document = ts_delete(document, 'Z:sample'), core = ts_delete(core, 'Z:sample')
WHERE mod(study_id / 64, 16) = 0
"""


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0023_sync_failed_since"),
    ]

    operations = [migrations.RunSQL(ADD, REMOVE)]
