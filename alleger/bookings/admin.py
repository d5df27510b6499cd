from django.contrib import admin

from alleger.core.admin import ReadOnlyAdmin, ServiceAdmin

from . import services
from .models import Booking, Qualification, Resource, Series, Training, WaitlistEntry


@admin.register(Resource)
class ResourceAdmin(ServiceAdmin):
    list_display = ("name", "place", "kind", "capacity", "pricing", "active")
    list_filter = ("kind", "pricing", "active")
    search_fields = ("name", "place__name")
    autocomplete_fields = ()
    raw_id_fields = ("place", "training")

    def save_model(self, request, obj, form, change):
        services.resource_save(resource=obj, actor=request.user)


@admin.register(Training)
class TrainingAdmin(ServiceAdmin):
    list_display = ("name", "place", "validity_days")
    raw_id_fields = ("place",)

    def save_model(self, request, obj, form, change):
        services.training_save(training=obj, actor=request.user)


@admin.register(Booking)
class BookingAdmin(ReadOnlyAdmin):
    list_display = ("resource", "user", "start", "end", "status", "seats", "price_cents")
    list_filter = ("status",)
    date_hierarchy = "start"


@admin.register(WaitlistEntry)
class WaitlistEntryAdmin(ReadOnlyAdmin):
    list_display = ("resource", "user", "start", "status", "created_at")
    list_filter = ("status",)


@admin.register(Series)
class SeriesAdmin(ReadOnlyAdmin):
    list_display = ("title", "resource", "user", "organisation", "created_at")


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyAdmin):
    list_display = ("training", "user", "status", "validated_by", "expires_at")
    list_filter = ("status",)
