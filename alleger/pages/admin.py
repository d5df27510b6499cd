from django.contrib import admin

from .models import Page
from .services import page_reset, page_save


@admin.register(Page)
class PageAdmin(admin.ModelAdmin):
    """Edits go through the services, so each one is audited with the previous text."""

    list_display = ["slug", "language", "updated_at", "updated_by"]
    list_filter = ["slug", "language"]
    fields = ["slug", "language", "content"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug", "language"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        saved = page_save(actor=request.user, slug=obj.slug, language=obj.language, content=obj.content)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        page_reset(actor=request.user, page=obj)

    def delete_queryset(self, request, queryset):
        for page in queryset:
            page_reset(actor=request.user, page=page)
