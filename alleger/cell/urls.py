from django.urls import path

from . import views

app_name = "cell"
urlpatterns = [
    path("<slug:slug>/tableau-de-bord/", views.dashboard, name="dashboard"),
]
