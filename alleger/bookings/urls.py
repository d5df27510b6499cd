from django.urls import path

from . import views

app_name = "bookings"

urlpatterns = [
    path("", views.resource_list, name="list"),
    path("ressources/<int:pk>/", views.resource_detail, name="resource"),
    path("ressources/<int:pk>/reserver/", views.resource_book, name="book"),
    path("ressources/<int:pk>/attente/", views.resource_waitlist, name="waitlist"),
    path("ressources/<int:pk>/recurrente/", views.resource_series, name="series"),
    path("series/<int:pk>/", views.series_detail, name="series_detail"),
    path("series/<int:pk>/annuler/", views.series_cancel, name="series_cancel"),
    path("ressources/<int:pk>/disponibilites.ics", views.resource_feed, name="resource_feed"),
    path("mes-reservations/", views.mine, name="mine"),
    path("attente/<int:pk>/quitter/", views.waitlist_leave, name="waitlist_leave"),
    path("agenda/lien/", views.calendar_token_create, name="feed_create"),
    path("agenda/lien/<int:pk>/supprimer/", views.calendar_token_revoke, name="feed_revoke"),
    path("agenda/<str:token>.ics", views.calendar_feed, name="feed"),
    path("formations/<int:pk>/inscription/", views.training_request, name="training_request"),
    path("formations/<int:pk>/personnes/<int:user_pk>/", views.training_decide, name="training_decide"),
    path("lieux/<int:place_pk>/gestion/", views.manage, name="manage"),
    path("lieux/<int:place_pk>/occupation/", views.occupancy, name="occupancy"),
    path("lieux/<int:place_pk>/ressources/nouvelle/", views.resource_edit, name="resource_new"),
    path("lieux/<int:place_pk>/ressources/<int:pk>/modifier/", views.resource_edit, name="resource_edit"),
    path("<int:pk>/", views.booking_detail, name="booking"),
    path("<int:pk>.ics", views.booking_ics, name="booking_ics"),
    path("<int:pk>/annuler/", views.booking_cancel, name="cancel"),
    path("<int:pk>/confirmer/", views.booking_claim, name="claim"),
    path("<int:pk>/presence/", views.booking_attendance, name="attendance"),
]
