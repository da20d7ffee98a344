"""Each part of a study on its own admin list: sites above all (a study may have 1,218)."""

from typing import Any

from django.contrib import admin
from django.forms import BaseInlineFormSet, ModelChoiceField
from django.http import HttpRequest

from trials.models import (
    Arm,
    Condition,
    Identifier,
    Intervention,
    InterventionArm,
    Keyword,
    MeshTerm,
    Official,
    OtherName,
    OutcomeMeasure,
    Site,
    Sponsor,
    Study,
)

from .base import CuratedPartAdmin
from .inlines import PartInline


class PartAdmin(CuratedPartAdmin):
    """A part of a study: found by its study's NCT ID, the study picked by autocomplete."""

    autocomplete_fields = ["study"]
    exclude = ["position"]
    list_select_related = ["study"]
    list_per_page = 100

    def get_readonly_fields(self, request: HttpRequest, obj: object = None) -> list[str]:
        # A part belongs to one study for good: moving it would be two curations at once.
        return ["study"] if obj is not None else []


@admin.register(Site)
class SiteAdmin(PartAdmin):
    list_display = ["facility", "city", "state", "country", "status", "study"]
    list_filter = ["status"]
    search_fields = ["=study__nct_id", "facility", "city", "country"]
    ordering = ["study", "position", "pk"]


@admin.register(Condition)
class ConditionAdmin(PartAdmin):
    list_display = ["name", "study"]
    search_fields = ["=study__nct_id", "name"]


@admin.register(Keyword)
class KeywordAdmin(PartAdmin):
    list_display = ["name", "study"]
    search_fields = ["=study__nct_id", "name"]


@admin.register(Arm)
class ArmAdmin(PartAdmin):
    list_display = ["label", "type", "study"]
    list_filter = ["type"]
    search_fields = ["=study__nct_id", "label"]


class OtherNameInline(PartInline):
    model = OtherName


class ArmLinkInline(admin.TabularInline):
    """The arms an intervention is given in, in the order its record lists their labels."""

    model = InterventionArm
    fields = ["arm", "position"]
    extra = 0
    verbose_name = "arm"
    verbose_name_plural = "arms (in the order the record lists them)"

    def get_formset(
        self, request: HttpRequest, obj: Intervention | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet]:
        formset = super().get_formset(request, obj, **kwargs)
        arm = formset.form.base_fields["arm"]
        assert isinstance(arm, ModelChoiceField)  # a foreign key's form field
        # Only the arms of the intervention's own study can be linked to it.
        arm.queryset = (
            Arm.objects.filter(study=obj.study) if obj is not None else Arm.objects.none()
        )
        return formset


@admin.register(Intervention)
class InterventionAdmin(PartAdmin):
    list_display = ["name", "type", "study"]
    list_filter = ["type"]
    search_fields = ["=study__nct_id", "name", "other_names__name"]
    inlines = [OtherNameInline, ArmLinkInline]


@admin.register(OutcomeMeasure)
class OutcomeMeasureAdmin(PartAdmin):
    list_display = ["measure", "kind", "time_frame", "study"]
    list_filter = ["kind"]
    search_fields = ["=study__nct_id", "measure"]


@admin.register(Identifier)
class IdentifierAdmin(PartAdmin):
    list_display = ["value", "kind", "type", "study"]
    list_filter = ["kind"]
    search_fields = ["=study__nct_id", "=value"]


@admin.register(Sponsor)
class SponsorAdmin(PartAdmin):
    list_display = ["name", "agency_class", "is_lead", "study"]
    list_filter = ["agency_class", "is_lead"]
    search_fields = ["=study__nct_id", "name"]


@admin.register(Official)
class OfficialAdmin(PartAdmin):
    list_display = ["name", "role", "affiliation", "study"]
    search_fields = ["=study__nct_id", "name"]


@admin.register(MeshTerm)
class MeshTermAdmin(PartAdmin):
    list_display = ["term", "kind", "mesh_id", "is_ancestor", "study"]
    list_filter = ["kind", "is_ancestor"]
    search_fields = ["=study__nct_id", "term", "=mesh_id"]


@admin.register(OtherName)
class OtherNameAdmin(CuratedPartAdmin):
    list_display = ["name", "intervention"]
    search_fields = ["name", "=intervention__study__nct_id"]
    autocomplete_fields = ["intervention"]
    exclude = ["position"]
    list_select_related = ["intervention__study"]

    def study_of(self, obj: OtherName) -> Study:
        return obj.intervention.study

    def siblings(self, obj: OtherName) -> dict[str, Any]:
        return {"intervention": obj.intervention}
