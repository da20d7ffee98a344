"""Every distinct source a study was imported from, kept whole."""

from django.db import models

from trials import vocab

from .study import Study, _enum


class StudyVersionQuerySet(models.QuerySet["StudyVersion"]):
    def newest_first(self) -> "StudyVersionQuerySet":
        """By the record's own last-update date (not import order), newest first."""
        return self.order_by(models.F("record_date").desc(nulls_last=True), "-imported_at")


class StudyVersion(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="versions")
    format = _enum(vocab.SourceFormat)
    source_name = models.TextField(blank=True, help_text="The file or archive member it came from.")
    content = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    # The record's own last-update date: what decides which version is current.
    record_date = models.DateField(null=True, blank=True)
    # The parsed record (StudyRecord.to_dict()): version diffs and re-folding need no re-parse.
    record = models.JSONField()
    imported_at = models.DateTimeField(auto_now_add=True)

    objects = StudyVersionQuerySet.as_manager()

    class Meta:
        ordering = ["study_id", "-record_date", "-imported_at"]
        constraints = [
            # Re-importing the same bytes is a no-op: one row per distinct source of a study.
            models.UniqueConstraint(fields=["study", "sha256"], name="version_unique_source"),
        ]
        indexes = [
            # A re-import looks its sources up by digest before parsing them.
            models.Index(fields=["sha256"], name="version_sha256_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.study.nct_id} {self.get_format_display()} of {self.record_date or '?'}"
