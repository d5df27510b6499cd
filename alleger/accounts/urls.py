from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.profile, name="profile"),
    path("jetons/", views.token_create, name="token_create"),
    path("jetons/<int:token_id>/revoquer/", views.token_revoke, name="token_revoke"),
    path("export/", views.export, name="export"),
    path("supprimer/", views.delete, name="delete"),
]
