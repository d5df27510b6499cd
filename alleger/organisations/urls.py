from django.urls import path

from . import views

app_name = "organisations"
urlpatterns = [
    path("", views.organisation_list, name="list"),
    path("nouvelle/", views.organisation_create, name="create"),
    path("mecenat/demandes/", views.sponsorship_queue, name="sponsorship_queue"),
    path("mecenat/demandes/<int:request_id>/decider/", views.sponsorship_decide, name="sponsorship_decide"),
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    path("<slug:slug>/", views.organisation_detail, name="detail"),
    path("<slug:slug>/quitter/", views.leave, name="leave"),
    path("<slug:slug>/verifier/", views.verify, name="verify"),
    path("<slug:slug>/invitations/<int:invitation_id>/annuler/", views.invitation_cancel, name="invitation_cancel"),
    path("<slug:slug>/modifier/", views.organisation_edit, name="edit"),
    path("<slug:slug>/membres/", views.members, name="members"),
    path("<slug:slug>/mecenat/", views.sponsorship_request, name="sponsorship_request"),
    path("<slug:slug>/membres/<int:membership_id>/role/", views.member_role, name="member_role"),
    path("<slug:slug>/membres/<int:membership_id>/retirer/", views.member_remove, name="member_remove"),
]
