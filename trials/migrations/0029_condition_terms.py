"""The MeSH condition terms the records give, for "Did you mean" (``ConditionTerm``); filled
here from the studies already imported, and by ``rebuild_vocabulary`` after each import."""

import django.contrib.postgres.indexes
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0028_lz4_compression"),
    ]

    operations = [
        migrations.CreateModel(
            name="ConditionTerm",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "key",
                    models.TextField(
                        help_text="trials_search_key(name): lower case, unaccented.", unique=True
                    ),
                ),
                ("name", models.TextField(help_text="The MeSH term.")),
                ("study_count", models.IntegerField(default=0)),
            ],
            options={
                "ordering": ["-study_count", "key"],
                "indexes": [
                    django.contrib.postgres.indexes.GinIndex(
                        fields=["key"], name="conditionterm_trgm_idx", opclasses=["gin_trgm_ops"]
                    )
                ],
            },
        ),
        migrations.RunSQL(
            """
            INSERT INTO trials_conditionterm (key, name, study_count)
            SELECT trials_search_key(term), mode() WITHIN GROUP (ORDER BY term),
                count(DISTINCT study_id)
            FROM trials_meshterm WHERE kind = 'CONDITION' AND NOT is_ancestor
            GROUP BY 1 HAVING trials_search_key(term) <> ''
            """,
            migrations.RunSQL.noop,
        ),
    ]
