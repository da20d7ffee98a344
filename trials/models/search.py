"""The search rows of each study and the lexicon of names that search resolves first.

All are derived data: ``trials.search.refresh_search_many`` rebuilds them from a study and its
parts in set-based SQL, so nothing here is edited by hand.
"""

from typing import Self

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q

from trials import vocab

from .aliases import DrugAlias
from .study import Study, _enum, _enum_list

# SearchMatch.status of UNKNOWN, as trials.search.layout.CODED["status"] codes it (a choice's
# position from 1; a test holds the two together): the partial indexes below are built on it.
UNKNOWN_STATUS_CODE = list(vocab.Status.values).index(vocab.Status.UNKNOWN) + 1


class SearchMatch(models.Model):
    """One narrow row per study: what every search matches, filters, counts and sorts on.

    A very common word matches nearly every study and its count with facets visits every
    matching row, so this row holds nothing else: ``document`` and ``core`` live out of line
    (toast_tuple_target, see migration 0005: only their indexes are read), and each enumerated
    facet is a small integer (``trials.search.facets``: a choice's position, or one bit per
    choice). Relevance is ranked on SearchRanking; what a result row shows is in SearchDocument.

    ``document`` holds all searchable text, weighted by where it sits (``trials.search.layout``
    says which text has which weight), and the study's lexicon keys as lexemes of their own
    ("I:revlimid", "S:pfizer"), so that a drug or sponsor named through the lexicon and the
    words match in one index lookup. ``core`` is the same without eligibility.
    """

    study = models.OneToOneField(
        Study, on_delete=models.CASCADE, primary_key=True, related_name="search_match"
    )
    document = SearchVectorField()
    core = SearchVectorField()

    status = models.SmallIntegerField(
        null=True,
        help_text="Overall status as shown: a facet code; UNKNOWN for a stale claim"
        " (trials.search.status).",
    )
    status_verified_date = models.DateField(
        null=True,
        help_text="When a status that can go stale (vocab.STALE_STATUSES) was last verified;"
        " empty for any other status.",
    )
    phases = models.SmallIntegerField(default=0, help_text="One bit per phase.")
    study_type = models.SmallIntegerField(null=True)
    intervention_types = models.SmallIntegerField(default=0, help_text="One bit per type.")
    sex = models.SmallIntegerField(null=True)
    healthy_volunteers = models.BooleanField(null=True)
    sponsor_class = models.SmallIntegerField(null=True, help_text="The lead sponsor's class.")
    has_results = models.BooleanField(null=True)
    countries = ArrayField(models.TextField(), default=list)
    minimum_age_days = models.IntegerField(null=True)
    maximum_age_days = models.IntegerField(null=True)
    age_groups = models.SmallIntegerField(
        default=0, help_text="One bit per age group (vocab.AGE_GROUPS) the age range reaches."
    )
    start_date = models.DateField(null=True)
    first_posted_date = models.DateField(null=True)
    last_update_posted_date = models.DateField(null=True)
    enrollment = models.IntegerField(null=True)

    class Meta:
        ordering = ["-last_update_posted_date", "study_id"]
        indexes = [
            # Words anywhere (q), and a drug or sponsor by its lexicon keys (intr, sponsor, the
            # drug q names); q with eligibility-only matches left out.
            GinIndex(fields=["document"], name="searchmatch_document_idx"),
            GinIndex(fields=["core"], name="searchmatch_core_idx"),
            # Sorting a filter-only list (no words) by its three orders, exactly as the lists
            # sort (newest or largest first, the unknown last, then by ID), so that a page is
            # the first rows of an index, not a sort of every row (90 ms at 600,000).
            *(
                models.Index(
                    F(column).desc(nulls_last=True), F("study"), name=f"searchmatch_{name}_idx"
                )
                for column, name in (
                    ("last_update_posted_date", "last_update"),
                    ("start_date", "start"),
                    ("enrollment", "enrollment"),
                )
            ),
            # The claims that go stale when the data's date moves on, and the stale ones that
            # become claims again should it move back: each a small index of just those rows,
            # so re-deriving after an import reads only what changes (trials.search.status).
            models.Index(
                fields=["status_verified_date"],
                name="searchmatch_claimed_idx",
                condition=Q(status_verified_date__isnull=False) & ~Q(status=UNKNOWN_STATUS_CODE),
            ),
            models.Index(
                fields=["status_verified_date"],
                name="searchmatch_stale_idx",
                condition=Q(status_verified_date__isnull=False) & Q(status=UNKNOWN_STATUS_CODE),
            ),
        ]

    def __str__(self) -> str:
        return f"search row of study {self.study_id}"


class SearchRanking(models.Model):
    """One row per study: the small vector relevance is ranked on, kept inline and alone.

    Ranking a very common word computes ts_rank for every first-tier match, so the row is
    nothing but that vector: IDs and titles, conditions and interventions, each group with its
    own weight (``trials.search.layout``), and the study's drug keys as lexemes of their own
    ("I:revlimid"), so that a drug the words name joins the first tier in the same index lookup.
    """

    study = models.OneToOneField(
        Study, on_delete=models.CASCADE, primary_key=True, related_name="search_ranking"
    )
    rank_vector = SearchVectorField()
    last_update_posted_date = models.DateField(null=True, help_text="Orders equal ranks.")

    class Meta:
        indexes = [
            # The first tier of q (its candidates, ranked), and the cond filter (B lexemes).
            GinIndex(fields=["rank_vector"], name="searchranking_rank_idx"),
        ]

    def __str__(self) -> str:
        return f"ranking vector of study {self.study_id}"


class SearchDocumentQuerySet(models.QuerySet["SearchDocument"]):
    def for_listing(self) -> "SearchDocumentQuerySet":
        """With the study a result row shows, and none of its long texts."""
        return self.select_related("study").defer(
            "study__brief_summary",
            "study__detailed_description",
            "study__eligibility_criteria",
            "study__import_warnings",
        )


class SearchDocument(models.Model):
    """One row per study: what a result row shows, from the study and its parts, in one row.

    Search itself reads SearchMatch and SearchRanking; this row is read by primary key for the
    page's results.
    """

    study = models.OneToOneField(
        Study, on_delete=models.CASCADE, primary_key=True, related_name="search_document"
    )
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
    # what keeps SearchTerm.study_count right (SearchMatch.document holds them as lexemes for
    # matching).
    term_keys = ArrayField(models.TextField(), default=list)

    objects = SearchDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-last_update_posted_date", "study_id"]
        indexes = [
            # The recount of a name's studies after a refresh, one lookup per name. No pending
            # list (fastupdate): every lookup would scan it, and the planner, costing that,
            # scanned the table per name instead (8 s of a 20 s bulk import of 4,131 studies).
            GinIndex(fields=["term_keys"], name="searchdoc_term_keys_idx", fastupdate=False),
        ]

    def __str__(self) -> str:
        return f"search document of study {self.study_id}"


class TermKind(models.TextChoices):
    # Values are one letter: they prefix the keys in SearchDocument.term_keys.
    CONDITION = "C", "Condition"
    INTERVENTION = "I", "Intervention"
    SPONSOR = "S", "Sponsor"
    COUNTRY = "N", "Country"


class SearchKey(models.Func):
    """trials_search_key(text): lower case, unaccented, punctuation as single spaces."""

    function = "trials_search_key"
    output_field = models.TextField()


class KeyedQuerySet[M: models.Model](models.QuerySet[M]):
    """Names looked up by their search key (``key``), each counted in studies
    (``study_count``): the lexicon's names and the MeSH condition terms."""

    def named(self, text: str) -> Self:
        """Names that are ``text``, accents and case aside."""
        return self.filter(key=SearchKey(models.Value(text)))

    def closest_to(self, text: str) -> Self:
        """Names spelled like ``text`` but not as it is ("mulitple myeloma" -> Multiple
        Myeloma), most alike first, with their ``similarity``: pg_trgm's, over a trigram index
        of the keys (%)."""
        key = SearchKey(models.Value(text))
        return (
            self.filter(key__trigram_similar=key)
            .exclude(key=key)
            .annotate(
                similarity=models.Func(
                    models.F("key"), key, function="similarity", output_field=models.FloatField()
                )
            )
            .order_by("-similarity", "-study_count", "key")
        )


class SearchTermQuerySet(KeyedQuerySet["SearchTerm"]):
    def of_kind(self, kind: str) -> "SearchTermQuerySet":
        """One kind's names, most studied first; curated junk drug names left out."""
        junk = DrugAlias.objects.filter(not_an_alias=True).values(key=SearchKey("alias"))
        return self.filter(kind=kind).exclude(key__in=junk).order_by("-study_count", "key")

    def named_like(self, text: str) -> "SearchTermQuerySet":
        """Names containing ``text``, accents and case aside (the trigram index serves it)."""
        return self.filter(key__contains=SearchKey(models.Value(text)))

    def closest_to(self, text: str) -> Self:
        """As for any names, curated junk drug names left out."""
        junk = DrugAlias.objects.filter(not_an_alias=True).values(key=SearchKey("alias"))
        return KeyedQuerySet.closest_to(self.exclude(key__in=junk), text)


class SearchTerm(models.Model):
    """A distinct name of one kind with its study count: the browse pages and fuzzy look-ups."""

    kind = _enum(TermKind)
    key = models.TextField(help_text="trials_search_key(name): lower case, unaccented.")
    name = models.TextField(help_text="The most common spelling.")
    study_count = models.IntegerField(default=0)
    # The browse entry it is listed under (``trials.search.browse``): the key and name of the
    # MeSH term a condition name means, or of the drug an alias names; empty when the name is
    # an entry of its own. Set by ``browse.rebuild_entries()`` after each import.
    entry_key = models.TextField(blank=True, db_default="")
    entry_name = models.TextField(blank=True, db_default="")

    objects = SearchTermQuerySet.as_manager()
    similarity: float  # how alike to a text, where ``closest_to`` annotates it

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
            # The names listed under one entry.
            models.Index(fields=["kind", "entry_key"], name="searchterm_entry_idx"),
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


class ConditionName(models.Model):
    """A name people give a condition, linked to the MeSH term it means ("heart attack" ->
    Myocardial Infarction), learned from the records (``trials.search.vocabulary``) and curated
    in admin like the drug aliases."""

    key = models.TextField(help_text="trials_search_key(name): lower case, unaccented.")
    name = models.TextField(help_text="The name as records most often write it.")
    term = models.TextField(help_text="The MeSH term it is linked to.")
    study_count = models.IntegerField(
        default=0, help_text="Studies whose records link the name to the term (the evidence)."
    )
    curated = models.BooleanField(
        default=False, help_text="Added or kept by a curator: a rebuild never removes it."
    )
    not_a_synonym = models.BooleanField(
        default=False, help_text="A link the records make that searches must not follow."
    )

    class Meta:
        ordering = ["key", "-study_count"]
        constraints = [
            models.UniqueConstraint(fields=["key", "term"], name="conditionname_unique_link"),
        ]

    def __str__(self) -> str:
        return f"{self.name} -> {self.term}"


class ConditionTerm(models.Model):
    """A MeSH condition term the records give a study (itself, not its ancestors), with the
    number of studies given it: what a misspelt condition is offered ("cholangiocarcinomma":
    Cholangiocarcinoma) where no record names the condition so. Rebuilt after each import
    (``trials.search.vocabulary``)."""

    key = models.TextField(
        unique=True, help_text="trials_search_key(name): lower case, unaccented."
    )
    name = models.TextField(help_text="The MeSH term.")
    study_count = models.IntegerField(default=0)

    objects = KeyedQuerySet["ConditionTerm"].as_manager()
    similarity: float  # how alike to a text, where ``closest_to`` annotates it

    class Meta:
        ordering = ["-study_count", "key"]
        indexes = [
            GinIndex(fields=["key"], opclasses=["gin_trgm_ops"], name="conditionterm_trgm_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.study_count})"


class Abbreviation(models.Model):
    """A short form records define for a longer one ("Type 2 Diabetes Mellitus (T2DM)"), learned
    from the records (``trials.search.vocabulary``) and curated in admin: a search for the short
    form also asks for the long one."""

    key = models.TextField(help_text="trials_search_key(abbreviation): lower case, unaccented.")
    abbreviation = models.TextField(help_text="The short form as records most often write it.")
    long_form_key = models.TextField(help_text="trials_search_key(long_form).")
    long_form = models.TextField(help_text="The long form as records most often write it.")
    study_count = models.IntegerField(
        default=0, help_text="Studies whose records define the short form so (the evidence)."
    )
    curated = models.BooleanField(
        default=False, help_text="Added or kept by a curator: a rebuild never removes it."
    )
    not_an_abbreviation = models.BooleanField(
        default=False, help_text="A definition the records make that searches must not follow."
    )

    class Meta:
        ordering = ["key", "-study_count"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "long_form_key"], name="abbreviation_unique_long_form"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.abbreviation}: {self.long_form}"
