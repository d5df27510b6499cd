from django.urls import path

from . import views

app_name = "discussions"
urlpatterns = [
    path("commentaires/nouveau/", views.comment_create, name="comment_create"),
    path("commentaires/<int:pk>/modifier/", views.comment_edit, name="comment_edit"),
    path("commentaires/<int:pk>/repondue/", views.comment_answered, name="comment_answered"),
    path("moderation/", views.moderation_queue, name="queue"),
    path("moderation/signaler/", views.flag_create, name="flag"),
    path("moderation/<int:pk>/", views.moderation_decide, name="decide"),
]
