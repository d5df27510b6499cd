from django.urls import path

from . import views

app_name = "interventions"
urlpatterns = [
    path("", views.intervention_list, name="list"),
    path("nouvelle/", views.intervention_declare, name="declare"),
    path("<int:pk>/", views.intervention_detail, name="detail"),
    path("<int:pk>/rejoindre/", views.intervention_join, name="join"),
    path("<int:pk>/quitter/", views.intervention_leave, name="leave"),
    path("<int:pk>/suivre/", views.intervention_follow, name="follow"),
    path("<int:pk>/journal/", views.journal_add, name="journal_add"),
    path("<int:pk>/statut/", views.intervention_status, name="status"),
    path("<int:pk>/financement/", views.intervention_project, name="project"),
]
