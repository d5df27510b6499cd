from django.contrib import admin

from alleger.core.admin import ReadOnlyAdmin

from .models import Comment, Flag, ModerationItem

# Read-only: writes go through the services (the moderation queue decides and audits).


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "author", "target_type", "target_id", "is_question", "visibility", "created_at")
    list_filter = ("visibility", "is_question", "target_type")


@admin.register(ModerationItem)
class ModerationItemAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "territory", "status", "flags_count", "decided_by", "decided_at")
    list_filter = ("status",)


@admin.register(Flag)
class FlagAdmin(ReadOnlyAdmin):
    list_display = ("item", "user", "reason", "created_at", "dismissed_at")
