from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from alleger.core.admin import ReadOnlyAdmin, ReadOnlyInline

from . import services
from .models import Moderation, Place, PlaceChange, PlaceLink, PlacePhoto, Service


class ServiceInline(ReadOnlyInline):
    model = Service
    fields = ("name", "kind", "opening_hours", "access", "provider_name")
    readonly_fields = fields


class PhotoInline(ReadOnlyInline):
    model = PlacePhoto
    fields = ("image", "alt", "uploaded_by")
    readonly_fields = fields


class LinkInline(ReadOnlyInline):
    model = PlaceLink
    fields = ("label", "url")
    readonly_fields = fields


class ReviewActionForm(ActionForm):
    message = forms.CharField(label=_("Message à la personne"), required=False,
                              help_text=_("Obligatoire pour un refus : expliquez pourquoi."))


@admin.register(Place)
class PlaceAdmin(ReadOnlyAdmin):
    """Read-only: places change on their pages (proposal, review, the managers' edits), each change
    recorded in their history (PlaceChange). Proposed places are answered from the list's actions, by the
    same service as the moderation queue."""

    list_display = ("name", "place_type", "moderation", "territory", "operator")
    list_filter = ("moderation", "place_type", "territory")
    search_fields = ("name", "address", "source_id")
    inlines = [ServiceInline, PhotoInline, LinkInline]
    action_form = ReviewActionForm
    actions = ["publish", "refuse"]

    def _review(self, request, queryset, decision: str) -> None:
        message = request.POST.get("message", "")
        done = 0
        for place in queryset.filter(moderation=Moderation.PROPOSED).select_related("territory"):
            if not request.user.has_perm("places.review_place", place):
                self.message_user(request, _("%(place)s : vous ne pouvez pas relire cette proposition.")
                                  % {"place": place}, messages.ERROR)
                continue
            try:
                services.place_review(place=place, moderator=request.user, decision=decision, message=message)
            except ValidationError as exc:
                self.message_user(request, f"{place} : {' '.join(exc.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("Décision enregistrée pour %(count)s lieu(x).") % {"count": done},
                              messages.SUCCESS)

    @admin.action(description=_("Publier les lieux proposés choisis"))
    def publish(self, request, queryset):
        self._review(request, queryset, services.Decision.PUBLISH)

    @admin.action(description=_("Refuser les lieux proposés choisis (avec le message)"))
    def refuse(self, request, queryset):
        self._review(request, queryset, services.Decision.REFUSE)


@admin.register(PlaceChange)
class PlaceChangeAdmin(ReadOnlyAdmin):
    list_display = ("place", "source", "actor", "created_at")
    list_filter = ("source",)
