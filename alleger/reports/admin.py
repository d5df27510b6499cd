from django.contrib import admin

from .models import Report, ReportCategory, ReportMedia, ReportUpdate, ServiceAttribute


class ServiceAttributeInline(admin.TabularInline):
    model = ServiceAttribute
    extra = 0


@admin.register(ReportCategory)
class ReportCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "service_code", "territory", "service_name", "service_email", "active")
    list_filter = ("territory", "active")
    search_fields = ("name", "service_code", "service_name")
    filter_horizontal = ("kits", "asset_types", "agents")
    inlines = [ServiceAttributeInline]


class ReportUpdateInline(admin.TabularInline):
    model = ReportUpdate
    extra = 0
    can_delete = False
    readonly_fields = ("status", "note", "author", "external_id", "created_at")

    def has_add_permission(self, request, obj=None):
        return False


class ReportMediaInline(admin.TabularInline):
    model = ReportMedia
    extra = 0
    can_delete = False
    readonly_fields = ("update", "photo", "url")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    # Read-only: status changes go through the report page, which notifies the reporter and audits.
    list_display = ("pk", "category", "territory", "status", "source", "created_at")
    list_filter = ("status", "territory", "source")
    inlines = [ReportUpdateInline, ReportMediaInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
