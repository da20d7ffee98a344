"""Honest status: SearchMatch.status shows a claim of recruitment unverified for two years
before the data's date as UNKNOWN (trials.search.status), and a kept study page is valid only at
the data's date it was rendered at. The existing search rows are derived here, set-based."""

from django.db import migrations, models

# The claims that go stale (vocab.STALE_STATUSES), and the facet code of UNKNOWN (14): as the
# code stood when this migration was written.
_FILL = """
UPDATE trials_searchmatch m SET status_verified_date = s.status_verified_date
FROM trials_study s
WHERE s.id = m.study_id AND s.status_verified_date IS NOT NULL
    AND s.overall_status IN ('RECRUITING', 'NOT_YET_RECRUITING', 'ACTIVE_NOT_RECRUITING',
                             'ENROLLING_BY_INVITATION');
UPDATE trials_searchmatch SET age_groups = (
    CASE WHEN coalesce(minimum_age_days < 6574, true) THEN 1 ELSE 0 END
    | CASE WHEN coalesce(minimum_age_days < 23741, true)
        AND coalesce(maximum_age_days >= 6574, true) THEN 2 ELSE 0 END
    | CASE WHEN coalesce(maximum_age_days >= 23741, true) THEN 4 ELSE 0 END
)::smallint;
UPDATE trials_searchmatch SET status = 14
WHERE status_verified_date < (
    SELECT (max(last_update_posted_date) - interval '2 years')::date FROM trials_searchmatch
);
"""


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0019_browse_entries"),
    ]

    operations = [
        migrations.AddField(
            model_name="preparedpage",
            name="data_date",
            field=models.DateField(null=True),
        ),
        migrations.AddField(
            model_name="searchmatch",
            name="status_verified_date",
            field=models.DateField(
                help_text="When a status that can go stale (vocab.STALE_STATUSES) was last verified; empty for any other status.",
                null=True,
            ),
        ),
        migrations.AddField(
            model_name="searchmatch",
            name="age_groups",
            field=models.SmallIntegerField(
                default=0,
                help_text="One bit per age group (vocab.AGE_GROUPS) the age range reaches.",
            ),
        ),
        migrations.AlterField(
            model_name="searchmatch",
            name="status",
            field=models.SmallIntegerField(
                help_text="Overall status as shown: a facet code; UNKNOWN for a stale claim (trials.search.status).",
                null=True,
            ),
        ),
        migrations.AddIndex(
            model_name="searchmatch",
            index=models.Index(
                condition=models.Q(
                    ("status_verified_date__isnull", False), models.Q(("status", 14), _negated=True)
                ),
                fields=["status_verified_date"],
                name="searchmatch_claimed_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="searchmatch",
            index=models.Index(
                condition=models.Q(("status_verified_date__isnull", False), ("status", 14)),
                fields=["status_verified_date"],
                name="searchmatch_stale_idx",
            ),
        ),
        # Undone by the fields going: the codes left are the records' own or UNKNOWN, which
        # the next refresh of each study rewrites.
        migrations.RunSQL(_FILL, migrations.RunSQL.noop),
    ]
