from django.contrib import admin

from alleger.core.admin import ReadOnlyAdmin

from .models import Proposal


@admin.register(Proposal)
class ProposalAdmin(ReadOnlyAdmin):
    # Read-only: supports and answers go through the services (counted under lock, audited, notified).
    list_display = ("title", "territory", "kind", "status", "supports_count", "author", "created_at")
    list_filter = ("status", "kind", "territory")
    search_fields = ("title", "body")
