from django.contrib import admin

from .models import Comment, Flag, ModerationItem


class ReadOnly(admin.ModelAdmin):
    # Read-only: writes go through the services (the moderation queue decides and audits).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Comment)
class CommentAdmin(ReadOnly):
    list_display = ("__str__", "author", "target_type", "target_id", "is_question", "visibility", "created_at")
    list_filter = ("visibility", "is_question", "target_type")


@admin.register(ModerationItem)
class ModerationItemAdmin(ReadOnly):
    list_display = ("__str__", "territory", "status", "flags_count", "decided_by", "decided_at")
    list_filter = ("status",)


@admin.register(Flag)
class FlagAdmin(ReadOnly):
    list_display = ("item", "user", "reason", "created_at", "dismissed_at")
