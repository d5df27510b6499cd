from django.contrib import admin

from .models import Call, Contribution, MatchingPool, Project, Theme, Transfer


class ReadOnlyAdmin(admin.ModelAdmin):
    """Money moves through services only: the admin shows, it never edits."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ["name", "territory", "featured"]
    list_filter = ["territory", "featured"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = ["title", "territory", "opens_at", "closes_at", "pool"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["title", "territory", "status", "goal_cents", "pledged_cents", "matched_cents", "deadline"]
    list_filter = ["status", "territory"]
    search_fields = ["title", "slug"]


@admin.register(Contribution)
class ContributionAdmin(ReadOnlyAdmin):
    list_display = ["pk", "project", "amount_cents", "kind", "status", "provider", "created_at"]
    list_filter = ["status", "provider", "kind"]


@admin.register(MatchingPool)
class MatchingPoolAdmin(ReadOnlyAdmin):
    list_display = ["name", "sponsor", "territory", "balance_cents", "active"]


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "kind", "source", "destination", "amount_cents", "idempotency_key"]
    list_filter = ["kind"]
