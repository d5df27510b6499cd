from django.urls import path

from . import views

app_name = "studies"

urlpatterns = [
    path("", views.study_list, name="list"),
    path("<int:pk>/", views.study_detail, name="detail"),
    path("<int:pk>/publier/", views.study_publish, name="publish"),
    path("<int:pk>/<str:table>.<str:fmt>", views.study_export, name="export"),
    path("carroyages/<int:pk>/", views.grid_detail, name="grid"),
    path("<slug:slug>/carroyages/", views.grid_upload, name="grid_upload"),
    path("<slug:slug>/nouvelle/", views.study_create, name="create"),
]
