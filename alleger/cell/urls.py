from django.urls import path

from . import views

app_name = "cell"
urlpatterns = [
    path("<slug:slug>/tableau-de-bord/", views.dashboard, name="dashboard"),
]

# --- The watch (veille): alleger/cell/watch_views.py
from . import watch_views  # noqa: E402

urlpatterns += [
    path("veille/", watch_views.watch_home, name="watch_home"),
    path("veilles/", watch_views.watches, name="watches"),
    path("veilles/<int:pk>/", watch_views.watch_change, name="watch_change"),
    path("veille/flux/<str:token>.atom", watch_views.watch_atom, name="watch_atom"),
    path("<slug:slug>/veille/", watch_views.watch_feed, name="watch"),
    path("<slug:slug>/veille/montantes/", watch_views.watch_rising, name="watch_rising"),
    path("<slug:slug>/veille/enregistrer/", watch_views.watch_save, name="watch_save"),
    path("<slug:slug>/veille/element/<str:target>/", watch_views.watch_item, name="watch_item"),
]
