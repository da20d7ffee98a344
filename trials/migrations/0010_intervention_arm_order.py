"""The link of interventions and arms keeps the order the record lists an intervention's arms.

The table Django made for the many-to-many link becomes the ``InterventionArm`` model with a
position. Links already stored take the order they were shown in until now (by arm label):
the parsers sorted them, so the stored records do not hold another order; a new version of a
study written after this migration gives its links the source's order.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0009_whole_record"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="InterventionArm",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "arm",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="intervention_links",
                                to="trials.arm",
                            ),
                        ),
                        (
                            "intervention",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="arm_links",
                                to="trials.intervention",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "trials_intervention_arms",
                        "ordering": ["intervention_id", "position"],
                        "unique_together": {("intervention", "arm")},
                    },
                ),
                migrations.AlterField(
                    model_name="intervention",
                    name="arms",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="interventions",
                        through="trials.InterventionArm",
                        to="trials.arm",
                    ),
                ),
            ],
        ),
        migrations.AddField(
            model_name="interventionarm",
            name="position",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.RunSQL(
            """
            UPDATE trials_intervention_arms AS link SET position = ordered.n
            FROM (
                SELECT l.id, row_number() OVER (
                    PARTITION BY l.intervention_id ORDER BY a.label, a.id
                ) - 1 AS n
                FROM trials_intervention_arms l JOIN trials_arm a ON a.id = l.arm_id
            ) AS ordered
            WHERE link.id = ordered.id
            """,
            migrations.RunSQL.noop,
        ),
    ]
