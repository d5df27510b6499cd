from django.urls import path

from . import views

app_name = "proposals"
urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("nouvelle/", views.proposal_create, name="create"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/soutenir/", views.proposal_support, name="support"),
    path("<int:pk>/retirer-mon-soutien/", views.proposal_withdraw, name="withdraw"),
    path("<int:pk>/repondre/", views.proposal_answer, name="answer"),
]
