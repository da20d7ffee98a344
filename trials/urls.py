from django.urls import path

from . import api, downloads, views

app_name = "trials"

urlpatterns = [
    path("", views.search, name="home"),
    path("studies/", views.search, name="search"),
    path("browse/<slug:kind>/", views.browse, name="browse"),
    path("studies/export.csv", downloads.search_csv, name="export_csv"),
    path("studies/export.json", downloads.search_json, name="export_json"),
    path("studies/<str:nct_id>/", views.study_detail, name="study"),
    path("api/v2/version", api.version, name="api_version"),
    path("api/v2/studies", api.studies, name="api_studies"),
    path("api/v2/studies/<str:nct_id>", views.api_study, name="api_study"),
]
