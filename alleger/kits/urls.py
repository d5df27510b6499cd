from django.urls import path

from . import views

app_name = "kits"
urlpatterns = [
    path("", views.kit_list, name="list"),
    path("nouveau/", views.kit_create, name="create"),
    path("relecture/", views.review_queue, name="review_queue"),
    path("<slug:slug>/", views.kit_detail, name="detail"),
    path("<slug:slug>/modifier/", views.kit_edit, name="edit"),
    path("<slug:slug>/soumettre/", views.kit_submit, name="submit"),
    path("<slug:slug>/relire/", views.kit_review, name="review"),
    path("<slug:slug>/variante/", views.kit_fork, name="fork"),
    path("<slug:slug>/historique/", views.kit_history, name="history"),
    path("<slug:slug>/comparer/", views.kit_diff, name="diff"),
    path("<slug:slug>/historique/<int:number>/restaurer/", views.kit_revert, name="revert"),
    path("<slug:slug>/images/", views.kit_images, name="images"),
    path("<slug:slug>/images/<int:pk>/retirer/", views.kit_image_remove, name="image_remove"),
]
