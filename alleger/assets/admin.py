from django.contrib import admin

from .models import Asset, AssetType


@admin.register(AssetType)
class AssetTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "territory")
    list_filter = ("territory",)


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ("name", "asset_type", "status", "moderation", "territory")
    list_filter = ("status", "moderation", "territory")
    search_fields = ("name", "source_id")
    exclude = ("cabinet_code",)  # changed through the manager's page, which records it
