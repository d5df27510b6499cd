from django.contrib import admin

from alleger.core.admin import ReadOnlyAdmin, ServiceAdmin

from .models import Call, Contribution, MatchingPool, Project, Theme, Transfer
from .services.themes import call_create, theme_save


@admin.register(Theme)
class ThemeAdmin(ServiceAdmin):
    list_display = ["name", "territory", "featured"]
    list_filter = ["territory", "featured"]
    prepopulated_fields = {"slug": ["name"]}

    def get_readonly_fields(self, request, obj=None):
        return ["territory"] if obj is not None else []

    def has_delete_permission(self, request, obj=None):
        return False  # projects are filed under it

    def save_model(self, request, obj, form, change):
        saved = theme_save(territory=obj.territory, actor=request.user, name=obj.name, slug=obj.slug,
                           description=obj.description, featured=obj.featured, theme=obj if change else None)
        obj.pk = saved.pk


@admin.register(Call)
class CallAdmin(ServiceAdmin):
    """Calls are opened here, through the service; an open call is not edited (projects answered it)."""

    list_display = ["title", "territory", "opens_at", "closes_at", "pool"]
    prepopulated_fields = {"slug": ["title"]}

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request, obj)


    def save_model(self, request, obj, form, change):
        saved = call_create(territory=obj.territory, actor=request.user, title=obj.title, slug=obj.slug,
                            description=obj.description, opens_at=obj.opens_at, closes_at=obj.closes_at,
                            pool=obj.pool)
        obj.pk = saved.pk


# Money moves through services only: the admin shows, it never edits.


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
