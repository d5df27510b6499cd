from django.contrib import admin

from alleger.core.admin import ReadOnlyAdmin

from .models import Kit, KitVersion


@admin.register(Kit)
class KitAdmin(ReadOnlyAdmin):
    # Read-only: every write goes through the services, which version and audit it.
    list_display = ("title", "status", "category", "axis", "territory", "author")
    list_filter = ("status", "category", "axis")
    search_fields = ("title", "summary")


@admin.register(KitVersion)
class KitVersionAdmin(ReadOnlyAdmin):
    list_display = ("kit", "number", "author", "created_at", "note")
