from django.urls import path

from . import views

app_name = "territories"
urlpatterns = [
    path("<slug:slug>/", views.territory_detail, name="detail"),
]
