from django.contrib import admin

from alleger.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Membership, Organisation, SponsorshipRequest


class MembershipInline(ReadOnlyInline):
    model = Membership


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    """Read only: organisations and their members are managed on the organisation's pages (services:
    at least one admin always, audited); the platform team reads them here."""

    list_display = ["name", "kind", "territory", "is_sponsor"]
    list_filter = ["kind", "is_sponsor", "territory"]
    search_fields = ["name", "slug"]
    inlines = [MembershipInline]


@admin.register(SponsorshipRequest)
class SponsorshipRequestAdmin(ReadOnlyAdmin):
    """Read only: requests are decided in the moderators' queue (four eyes, audited, e-mailed)."""

    list_display = ["organisation", "territory", "status", "created_at", "decided_by"]
    list_filter = ["status", "territory"]
