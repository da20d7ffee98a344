"""The many-valued parts of a study. Each keeps the record's order in ``position``."""

from django.contrib.postgres.indexes import SpGistIndex
from django.db import models
from django.db.models import F, Func, Q
from django.db.models.functions import Upper

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
    arms = models.ManyToManyField(
        Arm, related_name="interventions", blank=True, through="InterventionArm"
    )

    class Meta(StudyPart.Meta):
        indexes = [models.Index(fields=["name"], name="intervention_name_idx")]

    def __str__(self) -> str:
        return f"{self.get_type_display()}: {self.name}" if self.type else self.name


class InterventionArm(models.Model):
    """An arm an intervention is given in, at its place in the intervention's list of arm
    labels (the source's order: legacy XML keeps the order typed, the APIs sort)."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="arm_links"
    )
    arm = models.ForeignKey(Arm, on_delete=models.CASCADE, related_name="intervention_links")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        # The table Django made for the link before it had a position.
        db_table = "trials_intervention_arms"
        ordering = ["intervention_id", "position"]
        unique_together = [("intervention", "arm")]

    def __str__(self) -> str:
        return f"{self.intervention} in {self.arm}"


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
    # Derived by the store from the fields above (``trials.places.site_place``), never edited:
    # the country and region in one spelling, and where the site is: its record's geoPoint, or
    # the gazetteer's city or ZIP code; null when that cannot be known for sure.
    place_country = models.TextField(blank=True, editable=False)
    place_region = models.TextField(blank=True, editable=False)
    place_latitude = models.FloatField(null=True, editable=False)
    place_longitude = models.FloatField(null=True, editable=False)
    place_source = models.CharField(max_length=10, blank=True, editable=False)

    class Meta(StudyPart.Meta):
        indexes = [
            models.Index(fields=["country"], name="site_country_idx"),
            # A place search for a whole country ("near France").
            models.Index(fields=["place_country"], name="site_place_country_idx"),
            # The region and city filters of the search page (iexact compares UPPER()s).
            models.Index(Upper("place_region"), name="site_place_region_idx"),
            models.Index(Upper("city"), name="site_city_idx"),
            # The distance search (trials.search.near): the placed sites' points, with what a
            # search reads of them, so that it reads the index alone.
            SpGistIndex(
                Func(F("place_longitude"), F("place_latitude"), function="point"),
                name="site_place_point_idx",
                include=["study", "status", "place_latitude", "place_longitude"],
                condition=Q(place_latitude__isnull=False),
            ),
        ]

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


class Contact(StudyPart):
    """Whom to call: a central contact of the study (no site), or a contact at one site."""

    # Deleted with the study, as the site is (see trials.models.results._parent).
    site = models.ForeignKey(
        Site, on_delete=models.DO_NOTHING, null=True, blank=True, related_name="contacts"
    )
    name = models.TextField(blank=True)
    role = _enum(vocab.ContactRole)
    phone = models.TextField(blank=True)
    phone_ext = models.TextField(blank=True)
    email = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name or self.email or self.phone


class Reference(StudyPart):
    pmid = models.CharField("PMID", max_length=20, blank=True)
    type = _enum(vocab.ReferenceType)
    citation = models.TextField(blank=True)

    class Meta(StudyPart.Meta):
        indexes = [models.Index(fields=["pmid"], name="reference_pmid_idx")]

    def __str__(self) -> str:
        return self.citation or self.pmid


class Retraction(StudyPart):
    reference = models.ForeignKey(
        Reference, on_delete=models.DO_NOTHING, related_name="retractions"
    )
    pmid = models.CharField("PMID", max_length=20, blank=True)
    source = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.pmid


class SeeAlsoLink(StudyPart):
    label = models.TextField(blank=True)
    url = models.TextField("URL")

    def __str__(self) -> str:
        return self.label or self.url


class AvailableIpd(StudyPart):
    ipd_id = models.TextField("ID", blank=True)
    type = models.TextField(blank=True)
    url = models.TextField("URL", blank=True)
    comment = models.TextField(blank=True)

    class Meta(StudyPart.Meta):
        verbose_name = "available IPD or information"

    def __str__(self) -> str:
        return self.type or self.ipd_id


class Document(StudyPart):
    """A protocol, statistical analysis plan or consent form filed with the record."""

    type_abbrev = models.CharField(max_length=30, blank=True)
    has_protocol = models.BooleanField(null=True, blank=True)
    has_sap = models.BooleanField("has SAP", null=True, blank=True)
    has_icf = models.BooleanField("has ICF", null=True, blank=True)
    label = models.TextField(blank=True)
    date = models.CharField(max_length=30, blank=True)
    upload_date = models.CharField(max_length=30, blank=True)
    filename = models.TextField(blank=True)
    size = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.label or self.filename


class BrowseLeaf(StudyPart):
    kind = _enum(vocab.MeshKind)
    mesh_id = models.CharField("MeSH ID", max_length=20, blank=True)
    name = models.TextField()
    as_found = models.TextField(blank=True)
    relevance = _enum(vocab.BrowseLeafRelevance)

    class Meta(StudyPart.Meta):
        verbose_name_plural = "browse leaves"

    def __str__(self) -> str:
        return self.name


class BrowseBranch(StudyPart):
    kind = _enum(vocab.MeshKind)
    abbrev = models.CharField(max_length=20, blank=True)
    name = models.TextField()

    class Meta(StudyPart.Meta):
        verbose_name_plural = "browse branches"

    def __str__(self) -> str:
        return self.name


class UnpostedEvent(StudyPart):
    type = _enum(vocab.UnpostedEventType)
    date = models.CharField(max_length=30, blank=True)
    date_unknown = models.BooleanField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.type} {self.date}".strip()


class ViolationEvent(StudyPart):
    type = _enum(vocab.ViolationEventType)
    description = models.TextField(blank=True)
    creation_date = models.CharField(max_length=30, blank=True)
    issued_date = models.CharField(max_length=30, blank=True)
    release_date = models.CharField(max_length=30, blank=True)
    posted_date = models.CharField(max_length=30, blank=True)

    def __str__(self) -> str:
        return f"{self.type} {self.issued_date}".strip()


class SubmissionInfo(StudyPart):
    release_date = models.CharField(max_length=30, blank=True)
    unrelease_date = models.CharField(max_length=30, blank=True)
    unrelease_date_unknown = models.BooleanField(null=True, blank=True)
    reset_date = models.CharField(max_length=30, blank=True)
    mcp_release_n = models.IntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return self.release_date
