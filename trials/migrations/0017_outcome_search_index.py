"""A GIN index on each outcome measure's words: query.outc of the API looks outcomes up in it.

The expression is trials.api_params.OutcomeVector's, written out as a migration must be:
change one and the other, or the planner no longer uses the index. RunSQL rather than an
index in OutcomeMeasure.Meta: no model state changes.
"""

from django.db import migrations

INDEX = """
CREATE INDEX outcomemeasure_words_idx ON trials_outcomemeasure USING gin (
    to_tsvector('trials_english'::regconfig,
        left(measure, 60000) || ' ' || left(time_frame, 60000) || ' ' || left(description, 60000))
)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("trials", "0016_condition_names"),
    ]

    operations = [
        migrations.RunSQL(INDEX, "DROP INDEX outcomemeasure_words_idx"),
    ]
