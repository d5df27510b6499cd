from django.urls import path

from . import views

app_name = "cell"
urlpatterns = [
    path("", views.index, name="index"),
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

# --- Challenges and open data
from . import challenge_views, opendata_views  # noqa: E402

urlpatterns += [
    path("<slug:slug>/defis/", challenge_views.challenge_list, name="challenges"),
    path("<slug:slug>/defis/nouveau/", challenge_views.challenge_new, name="challenge_new"),
    path("<slug:slug>/defis/<int:pk>/", challenge_views.challenge_detail, name="challenge"),
    path("<slug:slug>/defis/<int:pk>/modifier/", challenge_views.challenge_edit, name="challenge_edit"),
    path("<slug:slug>/defis/<int:pk>/ateliers/nouveau/", challenge_views.workshop_new, name="workshop_new"),
    path("<slug:slug>/defis/<int:pk>/ateliers/<int:workshop_pk>/compte-rendu/", challenge_views.workshop_report,
         name="workshop_report"),
    path("<slug:slug>/defis/<int:pk>/ateliers/<int:workshop_pk>/annuler/", challenge_views.workshop_cancel,
         name="workshop_cancel"),
    path("<slug:slug>/defis/<int:pk>/indicateurs/", challenge_views.indicators_upload, name="indicators_upload"),
    path("<slug:slug>/defis/<int:pk>/proposer/", challenge_views.response_propose, name="response_propose"),
    path("<slug:slug>/defis/<int:pk>/lier/", challenge_views.response_link, name="response_link"),
    path("<slug:slug>/defis/<int:pk>/reponses/<int:response_pk>/", challenge_views.response_decide,
         name="response_decide"),
    path("<slug:slug>/defis/<int:pk>/reponses/<int:response_pk>/retirer/", challenge_views.response_unlink,
         name="response_unlink"),
    path("<slug:slug>/defis/<int:pk>/indicateurs/<int:series_pk>/supprimer/", challenge_views.indicator_delete,
         name="indicator_delete"),
    path("lieux/<int:place_pk>/proposer-a-un-defi/", challenge_views.place_propose, name="place_propose"),
    path("<slug:slug>/donnees/", opendata_views.opendata_page, name="opendata"),
    path("<slug:slug>/donnees/<str:filename>", opendata_views.opendata_file, name="opendata_file"),
]
