from django.contrib import admin

from .models import Membership, Organisation, SponsorshipRequest


class MembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ["user"]
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "territory", "is_sponsor"]
    list_filter = ["kind", "is_sponsor", "territory"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(SponsorshipRequest)
class SponsorshipRequestAdmin(admin.ModelAdmin):
    """Read only: requests are decided in the moderators' queue (four eyes, audited, e-mailed)."""

    list_display = ["organisation", "territory", "status", "created_at", "decided_by"]
    list_filter = ["status", "territory"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
