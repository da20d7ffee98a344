"""The study: one row per NCT ID holding every single-valued field of the record."""

import functools
from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.urls import reverse

from registry.replicas import reading_connection
from trials import vocab

if TYPE_CHECKING:
    from .parts import Identifier, MeshTerm, OutcomeMeasure, Sponsor, StudyPart


class StudyQuerySet(models.QuerySet["Study"]):
    def recruiting(self) -> "StudyQuerySet":
        """Studies a person can still join."""
        return self.filter(overall_status__in=vocab.OPEN_STATUSES)

    def by_nct_id(self, nct_id: str) -> "StudyQuerySet":
        """The study with this NCT ID, current or obsolete (an alias)."""
        nct_id = nct_id.strip().upper()
        return self.filter(
            models.Q(nct_id=nct_id)
            | models.Q(identifiers__kind=IdentifierKind.NCT_ALIAS, identifiers__value=nct_id)
        ).distinct()

    def with_parts(self, only: Collection[type[models.Model]] | None = None) -> "StudyQuerySet":
        """Every part a study page shows, fetched in a number of queries that does not grow with
        the parts: one finds which tables of parts hold rows of these studies, then one per such
        table (each row keeps its study, however deep it sits in the record). A study without
        results, contacts or references pays nothing for those tables; nor do the tables left
        out of ``only``, read as empty (an API answer of chosen fields)."""
        tables = _part_tables()
        return self.prefetch_related(
            *(
                models.Prefetch(accessor)
                if only is None or model in only
                else models.Prefetch(accessor, model._default_manager.none())
                for accessor, model in tables.items()
            ),
            "arms__interventions",
            "interventions__other_names",
            "interventions__arm_links",
        )

    def _prefetch_related_objects(self) -> None:
        # Django's hook once the studies are fetched (QuerySet._fetch_all calls it): the tables
        # with_parts() asks for that hold no row of them, and those it was told to leave out,
        # are given to each study as empty here, which runs no query. Private in Django, so
        # django-stubs declares neither it nor the lookups it reads.
        lookups: tuple[Any, ...] = self._prefetch_related_lookups  # type: ignore[has-type]
        tables = _part_tables()
        prefetched = [
            lookup
            for lookup in lookups
            if isinstance(lookup, models.Prefetch) and lookup.prefetch_through in tables
        ]
        # (Not for values() or values_list(): Django leaves prefetching out for those.)
        studies = self._result_cache or []
        if prefetched and studies and isinstance(studies[0], Study):
            asked = [lookup.prefetch_through for lookup in prefetched if lookup.queryset is None]
            empty = {
                lookup.prefetch_through
                for lookup in prefetched
                if isinstance(lookup.queryset, models.query.EmptyQuerySet)
            }
            if asked:
                empty |= set(asked) - _tables_holding([study.pk for study in studies], asked)
            _give_empty(studies, empty)
            # What is given needs no prefetching, nor do the parts of its (no) rows.
            self._prefetch_related_lookups = tuple(
                lookup
                for lookup in lookups
                if (
                    lookup.prefetch_through if isinstance(lookup, models.Prefetch) else lookup
                ).split("__")[0]
                not in empty
            )
        super()._prefetch_related_objects()  # type: ignore[misc]  # private: see above


@functools.cache
def _part_tables() -> dict[str, type["StudyPart"]]:
    """The study's tables of parts by their accessor ("sites", "outcome_results"...)."""
    from .parts import StudyPart

    return {
        relation.get_accessor_name() or "": relation.related_model
        for relation in Study._meta.related_objects
        if issubclass(relation.related_model, StudyPart) and relation.field.name == "study"
    }


def _give_empty(studies: Collection[models.Model], accessors: Collection[str]) -> None:
    """Each study's parts of these tables given as prefetched and empty: what Django's own
    prefetch of an empty queryset gives, without its work per study and table (cloning a
    queryset for each: two seconds for a page of 1,000 studies and 37 tables)."""
    tables = _part_tables()
    for accessor in accessors:
        nothing = tables[accessor]._default_manager.none()
        nothing._result_cache = []  # read: iterating it runs nothing
        nothing._prefetch_done = True  # type: ignore[attr-defined]  # Django's own flag
        name = _cache_names()[accessor]
        for study in studies:
            study.__dict__.setdefault("_prefetched_objects_cache", {})[name] = nothing


@functools.cache
def _cache_names() -> dict[str, str]:
    """Where each table of parts is kept on a study once prefetched (its relation's name)."""
    return {
        relation.get_accessor_name() or "": relation.cache_name
        for relation in Study._meta.related_objects
    }


def _tables_holding(study_ids: list[int], accessors: list[str]) -> set[str]:
    """Those of the tables (by accessor) that hold a row of any of these studies: one query,
    an index probe per table."""
    quote = connection.ops.quote_name
    tables = _part_tables()
    probes = ", ".join(
        f"EXISTS (SELECT 1 FROM {quote(tables[accessor]._meta.db_table)}"
        f" WHERE {quote(tables[accessor]._meta.get_field('study').column)} = ANY(%(ids)s))"
        for accessor in accessors
    )
    with reading_connection().cursor() as cursor:
        cursor.execute(f"SELECT {probes}", {"ids": study_ids})
        found = cursor.fetchone()
    return {accessor for accessor, holds in zip(accessors, found, strict=True) if holds}


class IdentifierKind(models.TextChoices):
    ORG_STUDY_ID = "ORG_STUDY_ID", "Org study ID"
    SECONDARY = "SECONDARY", "Secondary ID"
    NCT_ALIAS = "NCT_ALIAS", "Obsolete NCT ID"


def _enum(choices: type[models.TextChoices], **kwargs: Any) -> models.CharField:
    """A column holding one API v2 enum value, blank where the record gives none."""
    length = max(len(value) for value in choices.values)
    return models.CharField(max_length=length, choices=choices, blank=True, **kwargs)


def _enum_list(choices: type[models.TextChoices]) -> ArrayField:
    """A column holding several API v2 enum values, in the record's order."""
    return ArrayField(_enum(choices), default=list, blank=True)


class Study(models.Model):
    nct_id = models.CharField("NCT ID", max_length=11)
    brief_title = models.TextField()
    official_title = models.TextField(blank=True)
    acronym = models.CharField(max_length=100, blank=True)
    org_name = models.TextField("organization", blank=True)
    org_class = _enum(vocab.AgencyClass, verbose_name="organization class")

    # Status
    overall_status = _enum(vocab.Status)
    last_known_status = _enum(vocab.Status)
    why_stopped = models.TextField(blank=True)
    has_results = models.BooleanField(null=True, blank=True)
    delayed_posting = models.BooleanField(null=True, blank=True)
    has_expanded_access = models.BooleanField("expanded access", null=True, blank=True)
    expanded_access_nct_id = models.CharField("expanded access record", max_length=11, blank=True)
    expanded_access_status = _enum(vocab.ExpandedAccessStatus)
    results_waived = models.BooleanField(null=True, blank=True)

    # Oversight
    oversight_has_dmc = models.BooleanField("data monitoring committee", null=True, blank=True)
    is_fda_regulated_drug = models.BooleanField(null=True, blank=True)
    is_fda_regulated_device = models.BooleanField(null=True, blank=True)
    is_unapproved_device = models.BooleanField(null=True, blank=True)
    is_ppsd = models.BooleanField(null=True, blank=True)
    is_us_export = models.BooleanField(null=True, blank=True)
    fdaaa801_violation = models.BooleanField(null=True, blank=True)

    # Dates: each as its first day, how precise the record is, and whether it is actual.
    status_verified_date = models.DateField(null=True, blank=True)
    status_verified_precision = _enum(vocab.DatePrecision)
    start_date = models.DateField(null=True, blank=True)
    start_precision = _enum(vocab.DatePrecision)
    start_type = _enum(vocab.DateType)
    primary_completion_date = models.DateField(null=True, blank=True)
    primary_completion_precision = _enum(vocab.DatePrecision)
    primary_completion_type = _enum(vocab.DateType)
    completion_date = models.DateField(null=True, blank=True)
    completion_precision = _enum(vocab.DatePrecision)
    completion_type = _enum(vocab.DateType)
    first_submitted_date = models.DateField(null=True, blank=True)
    first_submitted_precision = _enum(vocab.DatePrecision)
    first_posted_date = models.DateField(null=True, blank=True)
    first_posted_precision = _enum(vocab.DatePrecision)
    first_posted_type = _enum(vocab.DateType)
    last_update_submitted_date = models.DateField(null=True, blank=True)
    last_update_submitted_precision = _enum(vocab.DatePrecision)
    last_update_posted_date = models.DateField(null=True, blank=True)
    last_update_posted_precision = _enum(vocab.DatePrecision)
    last_update_posted_type = _enum(vocab.DateType)
    results_first_posted_date = models.DateField(null=True, blank=True)
    results_first_posted_precision = _enum(vocab.DatePrecision)
    results_first_posted_type = _enum(vocab.DateType)
    first_submitted_qc_date = models.DateField(null=True, blank=True)
    first_submitted_qc_precision = _enum(vocab.DatePrecision)
    results_first_submitted_date = models.DateField(null=True, blank=True)
    results_first_submitted_precision = _enum(vocab.DatePrecision)
    results_first_submitted_qc_date = models.DateField(null=True, blank=True)
    results_first_submitted_qc_precision = _enum(vocab.DatePrecision)
    disp_first_submitted_date = models.DateField(null=True, blank=True)
    disp_first_submitted_precision = _enum(vocab.DatePrecision)
    disp_first_submitted_qc_date = models.DateField(null=True, blank=True)
    disp_first_submitted_qc_precision = _enum(vocab.DatePrecision)
    disp_first_posted_date = models.DateField(null=True, blank=True)
    disp_first_posted_precision = _enum(vocab.DatePrecision)
    disp_first_posted_type = _enum(vocab.DateType)
    version_holder_date = models.DateField(null=True, blank=True)
    version_holder_precision = _enum(vocab.DatePrecision)
    estimated_results_first_submitted_date = models.DateField(null=True, blank=True)
    estimated_results_first_submitted_precision = _enum(vocab.DatePrecision)
    first_mcp_posted_date = models.DateField(null=True, blank=True)
    first_mcp_posted_precision = _enum(vocab.DatePrecision)
    first_mcp_posted_type = _enum(vocab.DateType)

    # Design
    study_type = _enum(vocab.StudyType)
    patient_registry = models.BooleanField(null=True, blank=True)
    target_duration = models.TextField(blank=True)
    expanded_access_individual = models.BooleanField(null=True, blank=True)
    expanded_access_intermediate = models.BooleanField(null=True, blank=True)
    expanded_access_treatment = models.BooleanField(null=True, blank=True)
    bio_spec_retention = _enum(vocab.BioSpecRetention, verbose_name="biospecimen retention")
    bio_spec_description = models.TextField("biospecimen description", blank=True)
    phases = _enum_list(vocab.Phase)
    enrollment = models.IntegerField(null=True, blank=True)
    enrollment_type = _enum(vocab.DateType)
    allocation = _enum(vocab.Allocation)
    intervention_model = _enum(vocab.InterventionModel)
    intervention_model_description = models.TextField(blank=True)
    masking = _enum(vocab.Masking)
    masking_description = models.TextField(blank=True)
    who_masked = _enum_list(vocab.WhoMasked)
    primary_purpose = _enum(vocab.PrimaryPurpose)
    observational_model = _enum(vocab.ObservationalModel)
    time_perspective = _enum(vocab.TimePerspective)

    # Description (Markdown in API v2; always rendered as escaped plain text)
    brief_summary = models.TextField(blank=True)
    detailed_description = models.TextField(blank=True)

    # Eligibility
    eligibility_criteria = models.TextField(blank=True)
    sex = _enum(vocab.Sex)
    gender_based = models.BooleanField(null=True, blank=True)
    gender_description = models.TextField(blank=True)
    minimum_age = models.CharField(max_length=30, blank=True)
    maximum_age = models.CharField(max_length=30, blank=True)
    # The written ages in days, so "who can a 70-year-old join" is a range query.
    minimum_age_days = models.IntegerField(null=True, blank=True)
    maximum_age_days = models.IntegerField(null=True, blank=True)
    healthy_volunteers = models.BooleanField(null=True, blank=True)
    std_ages = _enum_list(vocab.StdAge)
    study_population = models.TextField(blank=True)
    sampling_method = _enum(vocab.SamplingMethod)

    # Responsible party
    responsible_party_type = _enum(vocab.ResponsiblePartyType)
    responsible_party_name = models.TextField(blank=True)
    responsible_party_title = models.TextField(blank=True)
    responsible_party_affiliation = models.TextField(blank=True)
    responsible_party_old_name_title = models.TextField(blank=True)
    responsible_party_old_organization = models.TextField(blank=True)

    # Sharing of individual participant data
    ipd_sharing = _enum(vocab.IpdSharing, verbose_name="plans to share IPD")
    ipd_description = models.TextField("IPD sharing plan", blank=True)
    ipd_info_types = _enum_list(vocab.IpdSharingInfoType)
    ipd_time_frame = models.TextField("IPD sharing time frame", blank=True)
    ipd_access_criteria = models.TextField("IPD access criteria", blank=True)
    ipd_url = models.TextField("IPD URL", blank=True)

    # Documents and what the registry noted of the record
    no_sap = models.BooleanField("no statistical analysis plan", null=True, blank=True)
    removed_countries = ArrayField(models.TextField(), default=list, blank=True)
    bmi_min = models.FloatField("lowest BMI", null=True, blank=True)
    bmi_max = models.FloatField("highest BMI", null=True, blank=True)
    unposted_responsible_party = models.TextField(blank=True)

    # Results: the tables' own texts (their rows are in trials.models.results)
    flow_recruitment_details = models.TextField(blank=True)
    flow_pre_assignment_details = models.TextField(blank=True)
    flow_type_units_analyzed = models.TextField(blank=True)
    baseline_population_description = models.TextField(blank=True)
    baseline_type_units_analyzed = models.TextField(blank=True)
    events_frequency_threshold = models.TextField(blank=True)
    events_time_frame = models.TextField(blank=True)
    events_description = models.TextField(blank=True)
    all_cause_mortality_comment = models.TextField(blank=True)
    limitations = models.TextField("limitations and caveats", blank=True)
    agreement_pi_sponsor_employee = models.BooleanField(null=True, blank=True)
    agreement_restriction_type = _enum(vocab.AgreementRestrictionType)
    agreement_restrictive = models.BooleanField(null=True, blank=True)
    agreement_other_details = models.TextField(blank=True)
    results_contact_title = models.TextField(blank=True)
    results_contact_organization = models.TextField(blank=True)
    results_contact_email = models.TextField(blank=True)
    results_contact_phone = models.TextField(blank=True)
    results_contact_phone_ext = models.TextField(blank=True)

    # What the importer could not settle from the record's evidence, for a person to read.
    import_warnings = ArrayField(models.TextField(), default=list, blank=True)
    # sha256 of the effective record: an import that would change nothing is seen without a diff.
    record_hash = models.CharField(max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = StudyQuerySet.as_manager()

    class Meta:
        verbose_name_plural = "studies"
        ordering = ["-last_update_posted_date", "nct_id"]
        constraints = [
            models.UniqueConstraint(fields=["nct_id"], name="study_unique_nct_id"),
            models.CheckConstraint(
                condition=models.Q(nct_id__regex=r"^NCT\d{8}$"), name="study_nct_id_form"
            ),
            models.CheckConstraint(
                condition=models.Q(enrollment__gte=0) | models.Q(enrollment__isnull=True),
                name="study_enrollment_not_negative",
            ),
        ]
        indexes = [
            # The home page lists the most recently updated studies first.
            models.Index(
                fields=["-last_update_posted_date", "nct_id"], name="study_last_update_idx"
            ),
            # When the registry's data last changed (API v2 /version): the index's last entry.
            models.Index(fields=["updated_at"], name="study_updated_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.nct_id}: {self.brief_title}"

    def get_absolute_url(self) -> str:
        return reverse("trials:study", args=[self.nct_id])

    def curated_fields(self) -> set[str]:
        """Paths of the fields a curator changed (``trials.curation``), in one query."""
        return set(self.curations.values_list("path", flat=True))

    @property
    def lead_sponsor(self) -> "Sponsor | None":
        """The lead sponsor (from the prefetched sponsors when there are any)."""
        return next((s for s in self.sponsors.all() if s.is_lead), None)

    @property
    def collaborators(self) -> list["Sponsor"]:
        return [s for s in self.sponsors.all() if not s.is_lead]

    def _identifiers(self, kind: str) -> list["Identifier"]:
        return [i for i in self.identifiers.all() if i.kind == kind]

    @property
    def nct_aliases(self) -> list["Identifier"]:
        return self._identifiers(IdentifierKind.NCT_ALIAS)

    @property
    def org_study_id(self) -> "Identifier | None":
        return next(iter(self._identifiers(IdentifierKind.ORG_STUDY_ID)), None)

    @property
    def secondary_ids(self) -> list["Identifier"]:
        return self._identifiers(IdentifierKind.SECONDARY)

    def outcomes_of(self, kind: str) -> list["OutcomeMeasure"]:
        return [o for o in self.outcomes.all() if o.kind == kind]

    @property
    def primary_outcomes(self) -> list["OutcomeMeasure"]:
        return self.outcomes_of(vocab.OutcomeKind.PRIMARY)

    @property
    def secondary_outcomes(self) -> list["OutcomeMeasure"]:
        return self.outcomes_of(vocab.OutcomeKind.SECONDARY)

    @property
    def other_outcomes(self) -> list["OutcomeMeasure"]:
        return self.outcomes_of(vocab.OutcomeKind.OTHER)

    def mesh_terms_of(self, kind: str) -> list["MeshTerm"]:
        return [m for m in self.mesh_terms.all() if m.kind == kind]

    @property
    def condition_mesh_terms(self) -> list["MeshTerm"]:
        return self.mesh_terms_of(vocab.MeshKind.CONDITION)

    @property
    def intervention_mesh_terms(self) -> list["MeshTerm"]:
        return self.mesh_terms_of(vocab.MeshKind.INTERVENTION)
