from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from alleger.api import api

urlpatterns = [
    path("", include("alleger.core.urls")),
    path("", include("alleger.pages.urls")),
    # Early: its pages are the most visited, and Django tries the patterns in order. None of its
    # patterns matches a path another include below answers.
    path("", include("alleger.funding.urls")),
    path("t/", include("alleger.territories.urls")),
    path("organisations/", include("alleger.organisations.urls")),
    path("kits/", include("alleger.kits.urls")),
    path("dispositifs/", include("alleger.assets.urls")),
    path("etudes/", include("alleger.studies.urls")),
    path("interventions/", include("alleger.interventions.urls")),
    path("niveaux/", include("alleger.reputation.urls")),
    path("signalements/", include("alleger.reports.urls")),
    path("open311/v2/", include("alleger.reports.open311_urls")),
    path("propositions/", include("alleger.proposals.urls")),
    path("lieux/donnees/", include("alleger.places.urls_opendata")),
    path("lieux/", include("alleger.places.urls")),
    path("reservations/", include("alleger.bookings.urls")),
    path("cellule/", include("alleger.cell.urls")),
    path("", include("alleger.discussions.urls")),
    path("compte/", include("alleger.accounts.urls")),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.SERVE_MEDIA:
    # Without object storage the application serves uploads itself; they are
    # re-encoded images only (see alleger.core.images).
    prefix = settings.MEDIA_URL.lstrip("/")
    urlpatterns.append(re_path(rf"^{prefix}(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}))

# Error pages in the site's layout and the visitor's language (JSON under /api/ and /open311/).
handler400 = "alleger.core.error_views.bad_request"
handler403 = "alleger.core.error_views.permission_denied"
handler404 = "alleger.core.error_views.page_not_found"
handler500 = "alleger.core.error_views.server_error"
