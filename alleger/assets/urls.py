from django.urls import path

from . import views

app_name = "assets"

urlpatterns = [
    path("", views.asset_list, name="list"),
    path("proposer/", views.asset_propose, name="propose"),
    path("relecture/", views.review_queue, name="review_queue"),
    path("propositions/<int:proposal_id>/relire/", views.proposal_review, name="review"),
    path("importer/", views.asset_import, name="import"),
    path("<int:pk>/", views.asset_detail, name="detail"),
    path("<int:pk>/panneau/", views.asset_sign, name="sign"),
    path("<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("<int:pk>/demander-ouverture/", views.asset_propose_opening, name="propose_opening"),
    path("<int:pk>/armoire/code/", views.cabinet_reveal, name="cabinet_reveal"),
    path("<int:pk>/armoire/", views.cabinet_manage, name="cabinet"),
]
