from django.urls import path

from . import views

app_name = "reputation"
urlpatterns = [
    path("", views.levels_page, name="levels"),
    path("personnes/<int:pk>/", views.person_page, name="person"),
    path("personnes/<int:pk>/niveau/", views.grant, name="grant"),
]
