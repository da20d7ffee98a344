"""A study's page and API answer as rendered, kept to be served again until the study changes."""

from django.db import models

from .study import Study


class PreparedPage(models.Model):
    """The bytes one kind of a study's page was rendered as, from the study as it was at
    ``stamp`` (its ``updated_at``) by the code and templates of ``build``, at ``data_date``."""

    class Kind(models.TextChoices):
        PAGE = "page", "Study page"
        API = "api", "API v2 study"

    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=4, choices=Kind)
    stamp = models.DateTimeField()
    build = models.CharField(max_length=64)
    # The data's date it was rendered at (the newest last update imported): the page says how
    # fresh the data is and shows a stale status as unknown, so it is kept only while it holds.
    data_date = models.DateField(null=True)
    body = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["study", "kind"], name="prepared_one_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of study {self.study_id}"


class SearchRevision(models.Model):
    """One row whose number grows with every change of what a search or a browse page reads:
    database triggers on the search tables and the drug names move it (migration 0015), in the
    transaction of the change, so a page kept for a number is never served after a change."""

    revision = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"search revision {self.revision}"


class PreparedSearch(models.Model):
    """A search or browse page as rendered for one request (``key``: a digest of the build and
    the request's parameters), kept while the search revision it was rendered at is current."""

    key = models.CharField(max_length=64, unique=True)
    revision = models.BigIntegerField(db_index=True)
    body = models.BinaryField()

    def __str__(self) -> str:
        return f"search page {self.key[:12]} at revision {self.revision}"
