from django.contrib import admin, messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import HttpResponseRedirect

from .models import AuditEvent


class _WritesNothing:
    """No add, change or delete permission, whoever asks: the admin only shows."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(_WritesNothing, admin.ModelAdmin):
    """The admin shows, it never writes: that model's writes go through its services (checked, locked,
    audited), reached from the site's own pages. Every read-only admin of the project is this one."""


class ReadOnlyInline(_WritesNothing, admin.TabularInline):
    """An inline that shows its rows and never writes them (see ReadOnlyAdmin)."""

    extra = 0
    can_delete = False


class ServiceAdmin(admin.ModelAdmin):
    """An admin whose saves call services (save_model, save_formset, delete_model): a refusal of the service
    rolls the whole form back (the change view is one transaction) and comes back as an error message.

    A subclass must write its own save_model (Django's would write without the service), and deletes
    nothing unless it says how (its own has_delete_permission, delete_model and delete_queryset)."""

    def save_model(self, request, obj, form, change):
        raise ImproperlyConfigured(f"{type(self).__name__} must save {obj._meta.label} through its service.")

    def has_delete_permission(self, request, obj=None):
        return False

    def changeform_view(self, request, *args, **kwargs):
        try:
            return super().changeform_view(request, *args, **kwargs)
        except ValidationError as exc:  # a Refused, or a check of the model's full_clean
            self.message_user(request, " ".join(exc.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    """The audit trail is read-only, here as everywhere."""

    list_display = ["created_at", "action", "actor", "target_type", "target_id"]
    list_filter = ["action"]
    search_fields = ["action", "target_id"]
