from django.contrib import admin

from .models import (
    Asset,
    AssetChange,
    AssetImport,
    AssetPhoto,
    AssetProposal,
    AssetType,
    CabinetCodeReveal,
)


@admin.register(AssetType)
class AssetTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "territory")
    list_filter = ("territory",)
    filter_horizontal = ("kits",)


class AssetPhotoInline(admin.TabularInline):
    model = AssetPhoto
    extra = 0
    fields = ("image", "alt", "uploaded_by")
    readonly_fields = ("uploaded_by",)


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ("name", "asset_type", "status", "moderation", "territory")
    list_filter = ("status", "moderation", "territory")
    search_fields = ("name", "source_id")
    # The code is changed on the manager's page, which records it; the admin never shows it.
    exclude = ("cabinet_code",)
    raw_id_fields = ("proposed_by", "manager", "neighbourhood")
    filter_horizontal = ("kits",)
    inlines = [AssetPhotoInline]


@admin.register(AssetProposal)
class AssetProposalAdmin(admin.ModelAdmin):
    list_display = ("asset", "kind", "status", "proposed_by", "created_at")
    list_filter = ("kind", "status")
    raw_id_fields = ("asset", "proposed_by", "reviewed_by")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AssetImport)
class AssetImportAdmin(ReadOnlyAdmin):
    list_display = ("filename", "territory", "applied", "created", "updated", "unchanged", "created_at")


@admin.register(AssetChange)
class AssetChangeAdmin(ReadOnlyAdmin):
    list_display = ("asset", "source", "actor", "created_at")
    list_filter = ("source",)


@admin.register(CabinetCodeReveal)
class CabinetCodeRevealAdmin(ReadOnlyAdmin):
    list_display = ("asset", "user", "created_at")
