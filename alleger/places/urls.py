from django.urls import path

from . import views

app_name = "places"

urlpatterns = [
    path("", views.place_list, name="list"),
    path("proposer/", views.place_propose, name="propose"),
    path("relecture/", views.review_queue, name="review_queue"),
    path("<int:pk>/", views.place_detail, name="detail"),
    path("<int:pk>/modifier/", views.place_edit, name="edit"),
    path("<int:pk>/relire/", views.place_review, name="review"),
    path("<int:pk>/services/ajouter/", views.service_add, name="service_add"),
    path("<int:pk>/services/<int:service_id>/modifier/", views.service_edit, name="service_edit"),
    path("<int:pk>/services/<int:service_id>/retirer/", views.service_remove, name="service_remove"),
    path("<int:pk>/photos/", views.photo_add, name="photo_add"),
    path("<int:pk>/liens/", views.link_add, name="link_add"),
    path("<int:pk>/liens/<int:link_id>/retirer/", views.link_remove, name="link_remove"),
]
