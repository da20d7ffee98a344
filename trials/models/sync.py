"""How far keeping a copy of the registry up to date got (``manage.py sync_trials``)."""

from django.db import models


class SyncState(models.Model):
    """One API endpoint's sync: the date a completed sync reached, and the one under way.

    Saved after each page is imported, so an interrupted sync (a crash, Ctrl-C, a server that
    stopped answering) resumes at the next page rather than at the first.
    """

    endpoint = models.CharField(max_length=500, help_text="The API v2 base URL synced from.")
    reached = models.DateField(
        null=True,
        blank=True,
        help_text="The newest LastUpdatePostDate of a completed sync: the next one asks from it.",
    )
    completed_at = models.DateTimeField(null=True, blank=True)

    # The sync under way, or the last one.
    running = models.BooleanField(
        default=False, help_text="Started and not finished: the next run resumes it."
    )
    since = models.DateField(
        null=True, blank=True, help_text="Its filter: studies updated on or after (none: all)."
    )
    page_token = models.TextField(blank=True, help_text="The nextPageToken of its next page.")
    newest = models.DateField(
        null=True, blank=True, help_text="The newest LastUpdatePostDate it has imported so far."
    )
    failed_since = models.DateField(
        null=True,
        blank=True,
        help_text="The oldest LastUpdatePostDate of a study it failed to import: the next sync "
        "asks again from there, so the study is not left behind.",
    )
    pages = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    saved_at = models.DateTimeField(auto_now=True)
    last_error = models.TextField(blank=True, help_text="Why it stopped, if it did.")

    class Meta:
        ordering = ["endpoint"]
        constraints = [
            models.UniqueConstraint(fields=["endpoint"], name="syncstate_one_per_endpoint"),
        ]

    def __str__(self) -> str:
        if self.running:
            return f"{self.endpoint}: page {self.pages + 1} next (from {self.since or 'the start'})"
        return f"{self.endpoint}: reached {self.reached or 'nothing yet'}"
