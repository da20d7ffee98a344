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
