"""The parts of a study as inlines of its admin page; sites are a list of their own."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from trials.models import (
    Arm,
    Condition,
    Curation,
    Identifier,
    Intervention,
    Keyword,
    MeshTerm,
    Official,
    OutcomeMeasure,
    Sponsor,
    StudyVersion,
)

from .base import COMPACT_TEXT


class PartInline(admin.TabularInline):
    extra = 0
    exclude = ["position"]
    formfield_overrides = COMPACT_TEXT


class ConditionInline(PartInline):
    model = Condition


class KeywordInline(PartInline):
    model = Keyword


class ArmInline(PartInline):
    model = Arm


class InterventionForm(forms.ModelForm):
    """An intervention with its other names as lines of one box, so they edit in place."""

    other_names_text = forms.CharField(
        label="Other names",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 30}),
        help_text="One name per line.",
    )

    class Meta:
        model = Intervention
        fields = ["type", "name", "description"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # other_names are prefetched by the inline's queryset: no query per intervention.
            names = [o.name for o in self.instance.other_names.all()]
            self.fields["other_names_text"].initial = "\n".join(names)

    def other_names(self) -> list[str]:
        lines = self.cleaned_data.get("other_names_text", "").splitlines()
        return [line.strip() for line in lines if line.strip()]


class InterventionInline(PartInline):
    model = Intervention
    form = InterventionForm
    show_change_link = True  # links to arms and other names row by row

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("other_names")


class OutcomeInline(PartInline):
    model = OutcomeMeasure


class IdentifierInline(PartInline):
    model = Identifier


class SponsorInline(PartInline):
    model = Sponsor


class OfficialInline(PartInline):
    model = Official


class MeshTermInline(PartInline):
    model = MeshTerm


class VersionInline(admin.TabularInline):
    """Every imported source of the study, read-only, each linked to its record and bytes."""

    model = StudyVersion
    extra = 0
    can_delete = False
    show_change_link = True
    fields = readonly_fields = ("format", "source_name", "record_date", "imported_at", "sha256")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The bytes and the parsed record can be megabytes each: not for a list.
        return super().get_queryset(request).defer("content", "record")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CurationInline(admin.TabularInline):
    """The study's curated fields; a conflicted one shows both values until a curator decides."""

    model = Curation
    extra = 0
    can_delete = False
    show_change_link = True
    fields = readonly_fields = (
        "path",
        "value",
        "source_value",
        "conflicted",
        "new_source_value",
        "curated_by",
        "curated_at",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).select_related("curated_by")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
