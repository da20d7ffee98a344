"""The facets' lexemes (trials.search.layout.facets_vector_sql) added to the vectors of the
existing search rows, made from their codes as refresh_search now writes them."""

from django.db import migrations

# trials.search.layout.facets_vector_sql() as this migration was written.
FACETS = """array_to_tsvector(array_remove(
    ARRAY(SELECT 'F:status:' || v FROM (SELECT "status") AS t (v))
    || ARRAY(SELECT 'F:phases:' || v FROM (SELECT 1 << b FROM generate_series(0, 5) AS b WHERE "phases" & (1 << b) <> 0) AS t (v))
    || ARRAY(SELECT 'F:study_type:' || v FROM (SELECT "study_type") AS t (v))
    || ARRAY(SELECT 'F:intervention_types:' || v FROM (SELECT 1 << b FROM generate_series(0, 10) AS b WHERE "intervention_types" & (1 << b) <> 0) AS t (v))
    || ARRAY(SELECT 'F:sex:' || v FROM (SELECT "sex") AS t (v))
    || ARRAY(SELECT 'F:sponsor_class:' || v FROM (SELECT "sponsor_class") AS t (v))
    || ARRAY(SELECT 'F:age_groups:' || v FROM (SELECT 1 << b FROM generate_series(0, 2) AS b WHERE "age_groups" & (1 << b) <> 0) AS t (v))
    || ARRAY(SELECT 'F:healthy_volunteers:' || v FROM (SELECT 'true' WHERE "healthy_volunteers") AS t (v))
    || ARRAY(SELECT 'F:has_results:' || v FROM (SELECT 'true' WHERE "has_results") AS t (v))
    || ARRAY(SELECT 'F:countries:' || v FROM unnest("countries") AS t (v)), NULL))"""
ADD = f"UPDATE trials_searchmatch SET document = document || {FACETS}, core = core || {FACETS}"
REMOVE = """
UPDATE trials_searchmatch SET
    document = ts_delete(document, ARRAY(SELECT lexeme FROM unnest(document) WHERE lexeme LIKE 'F:%')),
    core = ts_delete(core, ARRAY(SELECT lexeme FROM unnest(core) WHERE lexeme LIKE 'F:%'))
"""


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0024_search_sample"),
    ]

    operations = [migrations.RunSQL(ADD, REMOVE)]
