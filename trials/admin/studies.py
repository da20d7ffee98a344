"""The study admin: find, filter and curate a study; its history; reverting a change."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet
from django.forms import BaseInlineFormSet, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.decorators import method_decorator
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from trials import edits, vocab
from trials.models import Curation, OtherName, SearchMatch, Site, Study, StudyChange
from trials.search import naming_drug, resolve_drug

from . import imports
from .base import CuratedAdmin
from .fields import study_fieldsets
from .inlines import (
    ArmInline,
    ConditionInline,
    CurationInline,
    IdentifierInline,
    InterventionForm,
    InterventionInline,
    KeywordInline,
    MeshTermInline,
    OfficialInline,
    OutcomeInline,
    SponsorInline,
    VersionInline,
)


class PhaseFilter(admin.SimpleListFilter):
    title = "phase"
    parameter_name = "phase"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return vocab.Phase.choices

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in vocab.Phase.values:
            return queryset.filter(phases__contains=[self.value()])
        return queryset


class SponsorClassFilter(admin.SimpleListFilter):
    title = "lead sponsor class"
    parameter_name = "sponsor_class"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return vocab.AgencyClass.choices

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() in vocab.AgencyClass.values:
            return queryset.filter(sponsors__is_lead=True, sponsors__agency_class=self.value())
        return queryset


class CurationFilter(admin.SimpleListFilter):
    title = "curation"
    parameter_name = "curation"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [("conflicted", "Needs a decision"), ("curated", "Curated")]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "conflicted":
            return queryset.filter(
                Exists(Curation.objects.conflicted().filter(study=OuterRef("pk")))
            )
        if self.value() == "curated":
            return queryset.filter(Exists(Curation.objects.filter(study=OuterRef("pk"))))
        return queryset


@admin.register(Study)
class StudyAdmin(CuratedAdmin):
    list_display = [
        "nct_id",
        "brief_title",
        "overall_status",
        "study_type",
        "phase_list",
        "last_update_posted_date",
        "needs_decision",
    ]
    list_display_links = ["nct_id", "brief_title"]
    list_filter = [
        "overall_status",
        PhaseFilter,
        "study_type",
        SponsorClassFilter,
        CurationFilter,
    ]
    search_fields = [
        "=nct_id",
        "=identifiers__value",
        "brief_title",
        "official_title",
        "conditions__name",
        "interventions__name",
        "interventions__other_names__name",
    ]
    search_help_text = (
        "NCT ID (current or obsolete), title, condition or drug (names, other names and the "
        "alias table)."
    )
    show_full_result_count = False
    list_per_page = 50
    readonly_fields = [
        "nct_id",
        "sites",
        "minimum_age_days",
        "maximum_age_days",
        "import_warnings",
        "record_hash",
        "created_at",
        "updated_at",
    ]
    # By module, in the record's order: derived from its declarations.
    fieldsets = study_fieldsets()
    inlines = [
        CurationInline,
        ConditionInline,
        KeywordInline,
        ArmInline,
        InterventionInline,
        OutcomeInline,
        IdentifierInline,
        SponsorInline,
        OfficialInline,
        MeshTermInline,
        VersionInline,
    ]

    def study_of(self, obj: Study) -> Study:
        return obj

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        conflicted = Curation.objects.conflicted().filter(study=OuterRef("pk"))
        return super().get_queryset(request).annotate(conflicted=Exists(conflicted))

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet, search_term: str
    ) -> tuple[QuerySet, bool]:
        found, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The drug the whole term names, resolved as the public search resolves it (aliases,
        # names records pair, junk names left out); exactly, as a curator types a name.
        drug = resolve_drug(search_term, fuzzy_threshold=1)
        if drug is not None:
            naming = SearchMatch.objects.filter(naming_drug(drug)).values("pk")
            found = found | queryset.filter(pk__in=naming)
            may_have_duplicates = True
        return found, may_have_duplicates

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Studies come from imports (the import page), so each has a source to curate over.
        return False

    @admin.display(description="phases")
    def phase_list(self, study: Study) -> str:
        return ", ".join(vocab.Phase(p).label for p in study.phases)

    @admin.display(description="needs decision", boolean=True, ordering="conflicted")
    def needs_decision(self, study: Study) -> bool:
        # Annotated by get_queryset; the model does not declare it.
        return study.conflicted  # type: ignore[attr-defined]

    @admin.display(description="sites")
    def sites(self, study: Study) -> str:
        # A link, not an inline: a study may have over a thousand sites.
        url = reverse("admin:trials_site_changelist") + f"?study__id__exact={study.pk}"
        count = Site.objects.filter(study=study).count()
        return format_html('<a href="{}">{} site(s): list and edit</a>', url, count)

    def save_model(self, request: HttpRequest, obj: Study, form: ModelForm, change: bool) -> None:
        obj.minimum_age_days = vocab.age_in_days(obj.minimum_age)
        obj.maximum_age_days = vocab.age_in_days(obj.maximum_age)
        super().save_model(request, obj, form, change)

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        super().save_formset(request, form, formset, change)
        for part_form in formset.forms:
            if isinstance(part_form, InterventionForm) and (
                "other_names_text" in part_form.changed_data and part_form.instance.pk
            ):
                part_form.instance.other_names.all().delete()
                OtherName.objects.bulk_create(
                    OtherName(intervention=part_form.instance, name=name, position=i)
                    for i, name in enumerate(part_form.other_names())
                )

    # --- History, revert and import pages ---

    def get_urls(self) -> list[URLPattern]:
        own = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="trials_study_import",
            ),
            path(
                "<path:object_id>/history/<int:change_id>/revert/",
                self.admin_site.admin_view(self.revert_view),
                name="trials_study_revert",
            ),
        ]
        return own + super().get_urls()

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        study = get_object_or_404(Study, pk=object_id)
        if not self.has_view_or_change_permission(request, study):
            raise PermissionDenied
        changes = study.changes.newest_first().select_related("reverts")
        context = {
            **self.admin_site.each_context(request),
            "title": f"History of {study.nct_id}",
            "subtitle": study.brief_title,
            "opts": self.opts,
            "original": study,
            "study": study,
            "changes": changes,
            "can_revert": self.has_change_permission(request, study),
        }
        return TemplateResponse(request, "admin/trials/study/history.html", context)

    def import_view(self, request: HttpRequest) -> HttpResponse:
        return imports.import_view(self, request)

    @method_decorator(require_POST)
    def revert_view(self, request: HttpRequest, object_id: str, change_id: int) -> HttpResponse:
        change = get_object_or_404(StudyChange, pk=change_id, study_id=object_id)
        if not self.has_change_permission(request, change.study):
            raise PermissionDenied
        if not change.changes:
            messages.warning(request, "That entry changed no field: there is nothing to revert.")
        else:
            edits.revert(change, request.user)
            messages.success(request, f"Reverted: {change.summary or change}")
        return HttpResponseRedirect(reverse("admin:trials_study_history", args=[object_id]))
