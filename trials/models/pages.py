"""A study's page and API answer as rendered, kept to be served again until the study changes."""

from django.db import models

from .study import Study


class PreparedPage(models.Model):
    """The bytes one kind of a study's page was rendered as, from the study as it was at
    ``stamp`` (its ``updated_at``) by the code and templates of ``build``."""

    class Kind(models.TextChoices):
        PAGE = "page", "Study page"
        API = "api", "API v2 study"

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=Kind)
    stamp = models.DateTimeField()
    build = models.CharField(max_length=64)
    body = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["study", "kind"], name="prepared_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of study {self.study_id}"
