from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.report_index, name="index"),
    path("mes-signalements/", views.my_reports, name="mine"),
    path("<int:pk>/", views.report_detail, name="detail"),
    path("<int:pk>/statut/", views.report_status, name="status"),
    path("<int:pk>/meme-probleme/", views.report_mark_duplicate, name="mark_duplicate"),
    path("t/<slug:slug>/", views.territory_reports, name="territory"),
    path("t/<slug:slug>/nouveau/", views.report_new, name="new"),
    path("t/<slug:slug>/categories/", views.categories_manage, name="categories"),
    path("t/<slug:slug>/categories/<slug:code>/", views.categories_manage, name="category_edit"),
]
