from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "territories"
urlpatterns = [
    # "/t/" alone, as a visitor trims a territory's address: the home page lists the territories.
    path("", RedirectView.as_view(pattern_name="core:home"), name="index"),
    path("<slug:slug>/", views.territory_detail, name="detail"),
    path("<slug:slug>/theme.css", views.territory_theme, name="theme"),
    path("<slug:slug>/flux.atom", views.territory_feed, {"kind": "atom"}, name="feed_atom"),
    path("<slug:slug>/flux.rss", views.territory_feed, {"kind": "rss"}, name="feed_rss"),
]
