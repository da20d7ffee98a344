"""The search document of each study and the lexicon of names that search resolves first.

Both are derived data: ``trials.search.refresh_search_many`` rebuilds them from a study and its
parts in set-based SQL, so nothing here is edited by hand.
"""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models.expressions import RawSQL

from trials import vocab

from .study import Study, _enum, _enum_list


class SearchDocumentQuerySet(models.QuerySet["SearchDocument"]):
    def recruiting(self) -> "SearchDocumentQuerySet":
        """Studies a person can still join."""
        return self.filter(overall_status__in=vocab.OPEN_STATUSES)

    def for_listing(self) -> "SearchDocumentQuerySet":
        """With the study a result row shows, and none of the long texts or vectors."""
        return (
            self.select_related("study")
            .defer(*VECTORS)
            .defer(
                "study__brief_summary",
                "study__detailed_description",
                "study__eligibility_criteria",
                "study__import_warnings",
            )
        )


# The tsvector columns: large, never needed to show a result.
VECTORS = ("document", "core", "rank_vector")


class SearchDocument(models.Model):
    """One row per study: weighted text vectors, and every column a list or facet reads.

    ``document`` holds all searchable text, weighted by where it sits (A: NCT ID, other IDs,
    titles, acronym; B: conditions, interventions, other names, keywords, MeSH terms; C: summary,
    description, outcomes, sponsors; D: eligibility). ``core`` is the same without eligibility.
    ``rank_vector`` is small (A: IDs and titles; B: conditions, keywords, condition MeSH terms;
    C: interventions, other names, intervention MeSH terms) so that ranking many matches never
    reads the large vectors.
    """

    study = models.OneToOneField(
        Study, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
    document = SearchVectorField()
    core = SearchVectorField()
    rank_vector = SearchVectorField()

    # Copies of the study's columns, so filters, facets and result rows need no join.
    overall_status = _enum(vocab.Status)
    phases = _enum_list(vocab.Phase)
    study_type = _enum(vocab.StudyType)
    intervention_types = _enum_list(vocab.InterventionType)
    sex = _enum(vocab.Sex)
    minimum_age_days = models.IntegerField(null=True)
    maximum_age_days = models.IntegerField(null=True)
    healthy_volunteers = models.BooleanField(null=True)
    sponsor_class = _enum(vocab.AgencyClass)
    sponsor = models.TextField(blank=True, help_text="The lead sponsor's name.")
    sponsors = ArrayField(models.TextField(), default=list, help_text="Lead and collaborators.")
    has_results = models.BooleanField(null=True)
    start_date = models.DateField(null=True)
    first_posted_date = models.DateField(null=True)
    last_update_posted_date = models.DateField(null=True)
    enrollment = models.IntegerField(null=True)
    countries = ArrayField(models.TextField(), default=list)
    site_count = models.IntegerField(default=0)
    conditions = ArrayField(models.TextField(), default=list)
    interventions = ArrayField(models.TextField(), default=list, help_text='"Drug: lenalidomide"')
    # The study's lexicon entries as "<kind letter>:<search key>" ("I:revlimid", "C:asthma"):
    # what intr matches and what keeps SearchTerm.study_count right.
    term_keys = ArrayField(models.TextField(), default=list)

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-last_update_posted_date", "study_id"]
        indexes = [
            # Words anywhere (q), and q with eligibility-only matches kept out.
            GinIndex(fields=["document"], name="searchdoc_document_idx"),
            GinIndex(fields=["core"], name="searchdoc_core_idx"),
            # Ranked candidates of q, and the cond filter (its B-weighted lexemes).
            GinIndex(fields=["rank_vector"], name="searchdoc_rank_idx"),
            # intr (the names a drug is known by, resolved through the lexicon first), the
            # sponsor and country filters, and the recount of a term's studies after a refresh.
            GinIndex(fields=["term_keys"], name="searchdoc_term_keys_idx"),
            # Sorting a filter-only list (no words) by its three orders.
            models.Index(
                fields=["-last_update_posted_date", "study"], name="searchdoc_last_update_idx"
            ),
            models.Index(fields=["-start_date", "study"], name="searchdoc_start_idx"),
            models.Index(fields=["-enrollment", "study"], name="searchdoc_enrollment_idx"),
        ]

    def __str__(self) -> str:
        return f"search document of study {self.study_id}"


class TermKind(models.TextChoices):
    # Values are one letter: they prefix the keys in SearchDocument.term_keys.
    CONDITION = "C", "Condition"
    INTERVENTION = "I", "Intervention"
    SPONSOR = "S", "Sponsor"
    COUNTRY = "N", "Country"


class SearchTermQuerySet(models.QuerySet["SearchTerm"]):
    def of_kind(self, kind: str) -> "SearchTermQuerySet":
        """One kind's names, most studied first; curated junk drug names left out."""
        junk = RawSQL(
            "SELECT trials_search_key(alias) FROM trials_drugalias WHERE not_an_alias", []
        )
        return self.filter(kind=kind).exclude(key__in=junk).order_by("-study_count", "key")

    def named_like(self, text: str) -> "SearchTermQuerySet":
        """Names containing ``text``, accents and case aside (the trigram index serves it)."""
        return self.filter(key__contains=RawSQL("trials_search_key(%s)", [text]))


class SearchTerm(models.Model):
    """A distinct name of one kind with its study count: the browse pages and fuzzy look-ups."""

    kind = _enum(TermKind)
    key = models.TextField(help_text="trials_search_key(name): lower case, unaccented.")
    name = models.TextField(help_text="The most common spelling.")
    study_count = models.IntegerField(default=0)

    objects = SearchTermQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "-study_count", "key"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="searchterm_unique_key"),
            models.CheckConstraint(
                condition=models.Q(study_count__gte=0), name="searchterm_count_not_negative"
            ),
        ]
        indexes = [
            # Misspelt drug names ("temsirolimis"): trigram similarity against the keys.
            GinIndex(fields=["key"], opclasses=["gin_trgm_ops"], name="searchterm_key_trgm_idx"),
            # Browse pages list one kind by study count.
            models.Index(fields=["kind", "-study_count"], name="searchterm_browse_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name} ({self.study_count})"


class DrugSynonym(models.Model):
    """Two names one record gives the same intervention: its name and one of its other names."""

    name_key = models.TextField()
    group_key = models.TextField(help_text="The search key of the intervention's own name.")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name_key", "group_key"], name="drugsynonym_unique")
        ]
        indexes = [
            # From a name to its groups, and from a group to all its names.
            models.Index(fields=["group_key"], name="drugsynonym_group_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name_key} ~ {self.group_key}"
