from django.urls import path

from . import api, api_meta, api_stats, downloads, openapi, views

app_name = "trials"

urlpatterns = [
    path("", views.search, name="home"),
    path("studies/", views.search, name="search"),
    path("browse/<slug:kind>/", views.browse, name="browse"),
    path("studies/export.csv", downloads.search_csv, name="export_csv"),
    path("studies/export.json", downloads.search_json, name="export_json"),
    path("studies/<str:nct_id>/", views.study_detail, name="study"),
    path("api/v2/version", api.version, name="api_version"),
    path("api/v2/openapi.yaml", openapi.openapi, name="api_openapi"),
    path("api/v2/studies", api.studies, name="api_studies"),
    # Before the study's route, which would take "metadata" for an NCT ID.
    path("api/v2/studies/metadata", api_meta.metadata, name="api_metadata"),
    path("api/v2/studies/enums", api_meta.enums, name="api_enums"),
    path("api/v2/studies/search-areas", api_meta.search_areas, name="api_search_areas"),
    path("api/v2/stats/size", api_stats.size_stats, name="api_size_stats"),
    path("api/v2/stats/field/values", api_stats.field_values, name="api_field_values"),
    path("api/v2/stats/field/sizes", api_stats.field_sizes, name="api_field_sizes"),
    path("api/v2/studies/<str:nctId>", views.api_study, name="api_study"),
]
