"""The many-valued parts of a study. Each keeps the record's order in ``position``."""

from django.db import models

from trials import vocab

from .study import IdentifierKind, Study, _enum


class StudyPart(models.Model):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="%(class)ss")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        abstract = True
        # By the column, not the relation: ordering by "study" would join the study table into
        # every prefetch of parts to sort by the study's own ordering.
        ordering = ["study_id", "position"]


class Condition(StudyPart):
    name = models.TextField()

    class Meta(StudyPart.Meta):
        indexes = [models.Index(fields=["name"], name="condition_name_idx")]

    def __str__(self) -> str:
        return self.name


class Keyword(StudyPart):
    name = models.TextField()

    def __str__(self) -> str:
        return self.name


class Arm(StudyPart):
    label = models.TextField()
    type = _enum(vocab.ArmType)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.label}" if self.type else self.label


class Intervention(StudyPart):
    type = _enum(vocab.InterventionType)
    name = models.TextField()
    description = models.TextField(blank=True)
    # Records link arms and interventions by label text only; the writer resolves the labels.
    arms = models.ManyToManyField(Arm, related_name="interventions", blank=True)

    class Meta(StudyPart.Meta):
        indexes = [models.Index(fields=["name"], name="intervention_name_idx")]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.name}" if self.type else self.name


class OtherName(models.Model):
    """Another name of an intervention as the record gives it: brand, code or generic name."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="other_names"
    )
    name = models.TextField()
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["intervention_id", "position"]

    def __str__(self) -> str:
        return self.name


class OutcomeMeasure(StudyPart):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="outcomes")
    kind = _enum(vocab.OutcomeKind)
    measure = models.TextField()
    time_frame = models.TextField(blank=True)
    description = models.TextField(blank=True)

    class Meta(StudyPart.Meta):
        # Primary, then secondary, then other, each in the record's order.
        ordering = ["study_id", "kind", "position"]

    def __str__(self) -> str:
        return self.measure


class Site(StudyPart):
    facility = models.TextField(blank=True)
    city = models.TextField(blank=True)
    state = models.TextField(blank=True)
    zip = models.CharField(max_length=30, blank=True)
    country = models.TextField(blank=True)
    status = _enum(vocab.Status)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta(StudyPart.Meta):
        indexes = [models.Index(fields=["country"], name="site_country_idx")]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.facility, self.city, self.state, self.country) if p)


class Identifier(StudyPart):
    kind = _enum(IdentifierKind)
    value = models.TextField()
    type = _enum(vocab.IdType)
    domain = models.TextField(blank=True)
    link = models.TextField(blank=True)

    class Meta(StudyPart.Meta):
        # An obsolete NCT ID in a URL is looked up here to redirect to its study.
        indexes = [models.Index(fields=["value"], name="identifier_value_idx")]

    def __str__(self) -> str:
        return self.value


class Sponsor(StudyPart):
    """The lead sponsor (position 0, ``is_lead``) and the collaborators."""

    name = models.TextField()
    agency_class = _enum(vocab.AgencyClass)
    is_lead = models.BooleanField(default=False)

    class Meta(StudyPart.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["study"], condition=models.Q(is_lead=True), name="sponsor_one_lead"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Official(StudyPart):
    name = models.TextField()
    role = _enum(vocab.OfficialRole)
    affiliation = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class MeshTerm(StudyPart):
    study = models.ForeignKey(Study, on_delete=models.CASCADE, related_name="mesh_terms")
    term = models.TextField()
    mesh_id = models.CharField(max_length=20, blank=True)
    kind = _enum(vocab.MeshKind)
    is_ancestor = models.BooleanField(default=False)

    class Meta(StudyPart.Meta):
        verbose_name = "MeSH term"
        indexes = [models.Index(fields=["term"], name="meshterm_term_idx")]

    def __str__(self) -> str:
        return self.term
