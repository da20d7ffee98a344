"""The curated drug alias table: brand, code and generic names that mean the same drug."""

from django.db import models
from django.db.models.functions import Lower


class DrugAlias(models.Model):
    alias = models.CharField(
        max_length=200, help_text="A name as people write it: Revlimid, CC-5013."
    )
    drug = models.CharField(
        max_length=200, blank=True, help_text="The drug it means (generic name): lenalidomide."
    )
    not_an_alias = models.BooleanField(
        default=False,
        help_text='A junk "other name" that names no drug ("non applicable", an IND number).',
    )
    note = models.TextField(blank=True)

    class Meta:
        verbose_name_plural = "drug aliases"
        ordering = ["drug", "alias"]
        constraints = [
            models.UniqueConstraint(Lower("alias"), name="drugalias_unique_alias"),
            models.CheckConstraint(
                condition=models.Q(not_an_alias=True) | ~models.Q(drug=""),
                name="drugalias_names_a_drug",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.alias} (not an alias)" if self.not_an_alias else f"{self.alias} → {self.drug}"
        )
