"""Search pages kept per search revision: the revision row, and the triggers that move it.

Every statement that changes what a search or a browse page reads (the search rows, the browse
lexicon, the drug names and their synonyms) adds one to the revision, in its own transaction:
a page kept at an older revision is never served again.
"""

from django.db import migrations, models

# The tables whose changes a search or browse page shows.
WATCHED = ("trials_searchmatch", "trials_searchterm", "trials_drugalias", "trials_drugsynonym")

TRIGGERS = """
INSERT INTO trials_searchrevision (id, revision) VALUES (1, 0);
CREATE FUNCTION trials_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE trials_searchrevision SET revision = revision + 1 WHERE id = 1;
    RETURN NULL;
END $$;
""" + "".join(
    f"""
CREATE TRIGGER search_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
    FOR EACH STATEMENT EXECUTE FUNCTION trials_search_changed();
"""
    for table in WATCHED
)

NO_TRIGGERS = "".join(f"DROP TRIGGER search_changed ON {table};" for table in WATCHED) + (
    "DROP FUNCTION trials_search_changed();"
)


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0014_study_updated_at_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="PreparedSearch",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=64, unique=True)),
                ("revision", models.BigIntegerField(db_index=True)),
                ("body", models.BinaryField()),
            ],
        ),
        migrations.CreateModel(
            name="SearchRevision",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("revision", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunSQL(TRIGGERS, NO_TRIGGERS),
    ]
