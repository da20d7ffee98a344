"""URL configuration: the public pages and API, and the admin under its configurable path."""

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from registry import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("", include("trials.urls")),
]

# Under /api/ errors are plain text, as API v2 answers; elsewhere the site's pages.
handler404 = "trials.views.not_found"
handler500 = "trials.views.server_error"
