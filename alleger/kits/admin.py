from django.contrib import admin

from .models import Kit, KitVersion


@admin.register(Kit)
class KitAdmin(admin.ModelAdmin):
    # Read-only: every write goes through the services, which version and audit it.
    list_display = ("title", "status", "category", "axis", "territory", "author")
    list_filter = ("status", "category", "axis")
    search_fields = ("title", "summary")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(KitVersion)
class KitVersionAdmin(admin.ModelAdmin):
    list_display = ("kit", "number", "author", "created_at", "note")

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
