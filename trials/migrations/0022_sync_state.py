"""How far the sync from ClinicalTrials.gov got, one row per endpoint (``sync_trials``)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0021_site_places"),
    ]

    operations = [
        migrations.CreateModel(
            name="SyncState",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "endpoint",
                    models.CharField(help_text="The API v2 base URL synced from.", max_length=500),
                ),
                (
                    "reached",
                    models.DateField(
                        blank=True,
                        help_text="The newest LastUpdatePostDate of a completed sync: the next one asks from it.",
                        null=True,
                    ),
                ),
                ("completed_at", models.DateTimeField(blank=True, null=True)),
                (
                    "running",
                    models.BooleanField(
                        default=False,
                        help_text="Started and not finished: the next run resumes it.",
                    ),
                ),
                (
                    "since",
                    models.DateField(
                        blank=True,
                        help_text="Its filter: studies updated on or after (none: all).",
                        null=True,
                    ),
                ),
                (
                    "page_token",
                    models.TextField(blank=True, help_text="The nextPageToken of its next page."),
                ),
                (
                    "newest",
                    models.DateField(
                        blank=True,
                        help_text="The newest LastUpdatePostDate it has imported so far.",
                        null=True,
                    ),
                ),
                ("pages", models.PositiveIntegerField(default=0)),
                ("created", models.PositiveIntegerField(default=0)),
                ("updated", models.PositiveIntegerField(default=0)),
                ("unchanged", models.PositiveIntegerField(default=0)),
                ("failed", models.PositiveIntegerField(default=0)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("saved_at", models.DateTimeField(auto_now=True)),
                (
                    "last_error",
                    models.TextField(blank=True, help_text="Why it stopped, if it did."),
                ),
            ],
            options={
                "ordering": ["endpoint"],
                "constraints": [
                    models.UniqueConstraint(fields=("endpoint",), name="syncstate_one_per_endpoint")
                ],
            },
        ),
    ]
