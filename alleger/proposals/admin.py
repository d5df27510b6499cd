from django.contrib import admin

from .models import Proposal


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    # Read-only: supports and answers go through the services (counted under lock, audited, notified).
    list_display = ("title", "territory", "kind", "status", "supports_count", "author", "created_at")
    list_filter = ("status", "kind", "territory")
    search_fields = ("title", "body")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
