"""How far the sync from ClinicalTrials.gov got, shown in admin: ``sync_trials`` writes it."""

from django.contrib import admin

from trials.models import SyncState

from .base import ReadOnlyAdmin


@admin.register(SyncState)
class SyncStateAdmin(ReadOnlyAdmin):
    """One row per endpoint; read-only, as editing it by hand would skip or repeat studies."""

    list_display = ["endpoint", "reached", "completed_at", "running", "pages", "saved_at"]
    fields = readonly_fields = (
        "endpoint",
        "reached",
        "completed_at",
        "running",
        "since",
        "newest",
        "failed_since",
        "pages",
        "page_token",
        "created",
        "updated",
        "unchanged",
        "failed",
        "started_at",
        "saved_at",
        "last_error",
    )
