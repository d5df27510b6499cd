from django.urls import path

from . import views

app_name = "cell"
urlpatterns = [
    path("<slug:slug>/tableau-de-bord/", views.dashboard, name="dashboard"),
]

# --- Challenges and open data
from . import challenge_views, opendata_views  # noqa: E402

urlpatterns += [
    path("<slug:slug>/defis/", challenge_views.challenge_list, name="challenges"),
    path("<slug:slug>/defis/nouveau/", challenge_views.challenge_new, name="challenge_new"),
    path("<slug:slug>/defis/<int:pk>/", challenge_views.challenge_detail, name="challenge"),
    path("<slug:slug>/defis/<int:pk>/modifier/", challenge_views.challenge_edit, name="challenge_edit"),
    path("<slug:slug>/defis/<int:pk>/ateliers/nouveau/", challenge_views.workshop_new, name="workshop_new"),
    path("<slug:slug>/defis/<int:pk>/indicateurs/", challenge_views.indicators_upload, name="indicators_upload"),
    path("<slug:slug>/defis/<int:pk>/proposer/", challenge_views.response_propose, name="response_propose"),
    path("<slug:slug>/defis/<int:pk>/lier/", challenge_views.response_link, name="response_link"),
    path("<slug:slug>/defis/<int:pk>/reponses/<int:response_pk>/", challenge_views.response_decide,
         name="response_decide"),
    path("<slug:slug>/donnees/", opendata_views.opendata_page, name="opendata"),
    path("<slug:slug>/donnees/<str:filename>", opendata_views.opendata_file, name="opendata_file"),
]
