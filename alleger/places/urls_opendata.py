"""/lieux/donnees/…: the places' open data (exports in the national schemas, the moderators' import)."""

from django.urls import path

from .opendata import views

app_name = "places_opendata"

urlpatterns = [
    path("", views.index, name="index"),
    path("lieux-mediation-numerique.csv", views.lmn_export_csv, name="lmn_csv"),
    path("lieux-mediation-numerique.json", views.lmn_export_json, name="lmn_json"),
    path("data-inclusion.json", views.di_export_json, name="data_inclusion"),
    path("importer/<slug:slug>/", views.import_places, name="import"),
    # A kit's editors choose the types of place it applies to (shown on the kit's page).
    path("kits/<slug:slug>/types-de-lieu/", views.kit_place_types, name="kit_place_types"),
]
