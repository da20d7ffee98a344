"""What curators changed, and the history of every change to a study (admin edits and imports).

A curated value is kept per (study, field path) so that a re-import can put it back on top of
what the sources say; ``trials.curation`` explains the paths and does the work.
"""

from django.conf import settings
from django.db import models


class CurationQuerySet(models.QuerySet["Curation"]):
    def conflicted(self) -> "CurationQuerySet":
        """Curations a newer source contradicts: a curator must choose."""
        return self.filter(conflicted=True)

    def of_studies(self, study_ids: "list[int] | set[int]") -> "CurationQuerySet":
        """The curations of many studies at once (one query per import batch)."""
        return self.filter(study_id__in=study_ids)


class Curation(models.Model):
    """A curator's value for one field of one study, kept over whatever the sources say."""

    study = models.ForeignKey("trials.Study", on_delete=models.CASCADE, related_name="curations")
    path = models.TextField(help_text="brief_title, conditions, sites[3].country, …")
    # JSON as StudyRecord.to_dict() writes it; SQL NULL is "no value" (or, for a whole part,
    # "removed").
    value = models.JSONField(null=True, blank=True)
    source_value = models.JSONField(
        null=True, blank=True, help_text="What the sources said when the curator changed it."
    )
    curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    curated_at = models.DateTimeField(auto_now=True)
    conflicted = models.BooleanField(
        default=False, help_text="A newer source changed this field since it was curated."
    )
    new_source_value = models.JSONField(
        null=True, blank=True, help_text="What the newer source says (while conflicted)."
    )

    objects = CurationQuerySet.as_manager()

    class Meta:
        ordering = ["study_id", "path"]
        constraints = [
            models.UniqueConstraint(fields=["study", "path"], name="curation_unique_path"),
        ]
        indexes = [
            # The "needs a decision" list in admin reads only the few conflicted rows.
            models.Index(
                fields=["study"],
                condition=models.Q(conflicted=True),
                name="curation_conflicted_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path} of study {self.study_id}"


class Origin(models.TextChoices):
    IMPORT = "IMPORT", "Import"
    ADMIN = "ADMIN", "Admin edit"
    REVERT = "REVERT", "Revert"
    DECISION = "DECISION", "Conflict decision"


class StudyChangeQuerySet(models.QuerySet["StudyChange"]):
    def newest_first(self) -> "StudyChangeQuerySet":
        """The history as a curator reads it: latest change on top."""
        return self.order_by("-at", "-pk")


class StudyChange(models.Model):
    """One change to a study: who or what made it, when, and each field before and after."""

    study = models.ForeignKey("trials.Study", on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(auto_now_add=True)
    origin = models.CharField(max_length=8, choices=Origin)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    # Kept as text too, so the history still names a person after their account is deleted.
    actor_name = models.CharField(max_length=150, blank=True)
    source = models.TextField(blank=True, help_text="The imported file, or the admin page.")
    summary = models.TextField(blank=True)
    # {path: [before, after]}; a whole part added or removed has null on one side.
    changes = models.JSONField(default=dict, blank=True)
    # {path: [curated value, newer source value]} for fields an import could not overwrite.
    conflicts = models.JSONField(default=dict, blank=True)
    reverts = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reverted_by"
    )

    objects = StudyChangeQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            # The per-study history page in admin, newest first.
            models.Index(fields=["study", "-at"], name="studychange_study_at_idx"),
        ]

    def __str__(self) -> str:
        who = self.actor_name or self.get_origin_display()
        return f"{self.get_origin_display()} by {who} at {self.at:%Y-%m-%d %H:%M}"
