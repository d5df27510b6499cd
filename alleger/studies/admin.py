from django.contrib import admin

from alleger.core.admin import ReadOnlyAdmin

from .models import PopulationGrid, Study


@admin.register(PopulationGrid)
class PopulationGridAdmin(ReadOnlyAdmin):
    list_display = ("name", "territory", "cell_count", "population", "created_at")
    list_filter = ("territory",)
    exclude = ("cells",)


@admin.register(Study)
class StudyAdmin(ReadOnlyAdmin):
    list_display = ("title", "territory", "status", "published", "created_at")
    list_filter = ("territory", "status", "published")
    exclude = ("distances",)
