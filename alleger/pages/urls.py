from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import views
from .models import Slug
from .sitemaps import SITEMAPS

app_name = "pages"
urlpatterns = [
    *(path(f"{slug}/", views.page, {"slug": slug}, name=slug) for slug in Slug.values),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("favicon.ico", views.favicon, name="favicon"),
]
