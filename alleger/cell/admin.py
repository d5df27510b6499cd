"""The cell's models in the admin, read-only: challenges, their workshops, series and responses, the
cell's actions, saved watches and metrics are written by the cell's services, from the site's pages (the
cell's role, four eyes, bookings, audit) and by the metrics job."""

from django.contrib import admin

from alleger.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import (
    CellAction,
    Challenge,
    ChallengeResponse,
    IndicatorSeries,
    Metric,
    SavedWatch,
    Workshop,
)


class WorkshopInline(ReadOnlyInline):
    model = Workshop
    fields = ("held_at", "ends_at", "room", "booking", "place_name", "place_url", "participants_count",
              "participants")
    show_change_link = False


class IndicatorSeriesInline(ReadOnlyInline):
    model = IndicatorSeries
    fields = ("name", "unit", "updated_at")
    readonly_fields = ("updated_at",)


@admin.register(Challenge)
class ChallengeAdmin(ReadOnlyAdmin):
    list_display = ("title", "territory", "status", "starts_on", "ends_on", "created_by")
    list_filter = ("status", "territory")
    search_fields = ("title",)
    date_hierarchy = "starts_on"
    inlines = (WorkshopInline, IndicatorSeriesInline)


@admin.register(ChallengeResponse)
class ChallengeResponseAdmin(ReadOnlyAdmin):
    list_display = ("challenge", "kind", "__str__", "status", "proposed_by", "decided_by", "created_at")
    list_filter = ("status", "kind")
    search_fields = ("challenge__title",)


@admin.register(CellAction)
class CellActionAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "kind", "territory", "target_type", "target_id", "challenge", "workshop", "actor")
    list_filter = ("kind", "territory")
    date_hierarchy = "created_at"


@admin.register(SavedWatch)
class SavedWatchAdmin(ReadOnlyAdmin):
    """The token is the Atom feed's only credential: never shown here."""

    list_display = ("name", "user", "territory", "frequency", "last_sent_period", "created_at")
    list_filter = ("frequency",)
    exclude = ("token",)
    search_fields = ("name",)


@admin.register(Metric)
class MetricAdmin(ReadOnlyAdmin):
    list_display = ("day", "territory", "neighbourhood", "key", "dimension", "value", "computed_at")
    list_filter = ("key", "territory")
    date_hierarchy = "day"
