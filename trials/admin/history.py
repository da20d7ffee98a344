"""The study's past in admin: imported versions, curated fields and decisions, the change log."""

import json
from typing import Any

from django.contrib import admin, messages
from django.db import connection
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from trials import edits
from trials.models import (
    Abbreviation,
    ConditionName,
    Curation,
    DrugAlias,
    StudyChange,
    StudyVersion,
)
from trials.search import browse

from .base import ReadOnlyAdmin


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=1)


@admin.register(Curation)
class CurationAdmin(ReadOnlyAdmin):
    """Curated fields; the conflicted ones wait here for "keep curated" or "take new source"."""

    list_display = ["study", "path", "conflicted", "curated_by", "curated_at"]
    list_filter = ["conflicted"]
    list_select_related = ["study", "curated_by"]
    search_fields = ["=study__nct_id", "path"]
    autocomplete_fields = ["study"]
    fields = readonly_fields = (
        "study",
        "path",
        "shown_value",
        "shown_source_value",
        "conflicted",
        "shown_new_source_value",
        "curated_by",
        "curated_at",
    )
    actions = ["keep_curated", "take_new_source"]

    @admin.display(description="curated value")
    def shown_value(self, curation: Curation) -> str:
        return format_html("<pre>{}</pre>", _json(curation.value))

    @admin.display(description="source value it replaced")
    def shown_source_value(self, curation: Curation) -> str:
        return format_html("<pre>{}</pre>", _json(curation.source_value))

    @admin.display(description="newer source value")
    def shown_new_source_value(self, curation: Curation) -> str:
        if not curation.conflicted:
            return "—"
        return format_html("<pre>{}</pre>", _json(curation.new_source_value))

    @admin.action(description="Keep the curated value (conflicted ones)")
    def keep_curated(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = edits.keep_curated(queryset.select_related("study"), request.user)
        messages.success(request, f"Kept {count} curated value(s) over the newer source.")

    @admin.action(description="Take the source's value (drop the curation)")
    def take_new_source(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = edits.take_source(queryset.select_related("study"), request.user)
        messages.success(request, f"{count} field(s) show the source's value again.")

    # Read-only: a curation is made by editing the study, never by hand, and dropping one is a
    # decision ("take the source's value"), recorded as such.


@admin.register(StudyChange)
class StudyChangeAdmin(ReadOnlyAdmin):
    """Every change to every study, read-only; a study's own history has the revert buttons."""

    list_display = ["at", "study", "origin", "actor_name", "source", "summary"]
    list_filter = ["origin"]
    list_select_related = ["study"]
    search_fields = ["=study__nct_id", "actor_name", "source"]
    date_hierarchy = "at"


@admin.register(StudyVersion)
class StudyVersionAdmin(ReadOnlyAdmin):
    """The imported sources, read-only: the parsed record and the bytes as they came."""

    list_display = ["study", "format", "record_date", "source_name", "imported_at"]
    list_filter = ["format"]
    list_select_related = ["study"]
    search_fields = ["=study__nct_id", "source_name"]
    fields = readonly_fields = (
        "study",
        "format",
        "source_name",
        "record_date",
        "imported_at",
        "sha256",
        "parsed",
        "source",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).defer("content")

    @admin.display(description="parsed record")
    def parsed(self, version: StudyVersion) -> str:
        return format_html("<pre>{}</pre>", _json(version.record))

    @admin.display(description="source as imported")
    def source(self, version: StudyVersion) -> str:
        text = bytes(version.content).decode("utf-8", errors="replace")
        return format_html("<pre>{}</pre>", text)


class RefilesBrowseEntries(admin.ModelAdmin):
    """A change of what names mean files them anew under their browse entries."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        browse.rebuild_entries()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        browse.rebuild_entries()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)
        browse.rebuild_entries()


@admin.register(DrugAlias)
class DrugAliasAdmin(RefilesBrowseEntries):
    """Alias -> drug, and junk "other names" that name no drug. Search reads it on every query."""

    list_display = ["alias", "drug", "not_an_alias", "note"]
    list_display_links = ["alias"]
    list_editable = ["drug", "not_an_alias"]
    list_filter = ["not_an_alias"]
    search_fields = ["alias", "drug"]
    ordering = ["drug", "alias"]


@admin.register(ConditionName)
class ConditionNameAdmin(RefilesBrowseEntries):
    """Names of conditions -> the MeSH terms they mean, learned from the records after each
    import (with the number of studies behind each link); a curator adds links (kept across
    rebuilds) and marks the ones searches must not follow."""

    list_display = ["name", "term", "study_count", "curated", "not_a_synonym"]
    list_display_links = ["name"]
    list_editable = ["not_a_synonym"]
    list_filter = ["curated", "not_a_synonym"]
    search_fields = ["name", "term"]
    fields = ["name", "term", "study_count", "curated", "not_a_synonym"]
    readonly_fields = ["study_count"]
    ordering = ["term", "-study_count"]

    def save_model(self, request: HttpRequest, obj: ConditionName, form: Any, change: bool) -> None:
        # The key is the name as searches compare it; a curator's link stays through rebuilds.
        obj.key = _search_key(obj.name)
        obj.curated = True
        super().save_model(request, obj, form, change)


@admin.register(Abbreviation)
class AbbreviationAdmin(admin.ModelAdmin):
    """Abbreviations -> the long forms searches also ask for, learned from the definitions in
    records ("Type 2 Diabetes Mellitus (T2DM)") after each import; a curator adds them (kept
    across rebuilds) and marks the ones searches must not follow."""

    list_display = ["abbreviation", "long_form", "study_count", "curated", "not_an_abbreviation"]
    list_display_links = ["abbreviation"]
    list_editable = ["not_an_abbreviation"]
    list_filter = ["curated", "not_an_abbreviation"]
    search_fields = ["abbreviation", "long_form"]
    fields = ["abbreviation", "long_form", "study_count", "curated", "not_an_abbreviation"]
    readonly_fields = ["study_count"]
    ordering = ["key", "-study_count"]

    def save_model(self, request: HttpRequest, obj: Abbreviation, form: Any, change: bool) -> None:
        obj.key, obj.long_form_key = _search_key(obj.abbreviation), _search_key(obj.long_form)
        obj.curated = True
        super().save_model(request, obj, form, change)


def _search_key(text: str) -> str:
    """The text as searches compare it (trials_search_key)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT trials_search_key(%s)", [text])
        return str(cursor.fetchone()[0])
