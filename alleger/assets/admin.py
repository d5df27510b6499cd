from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from alleger.core.admin import ReadOnlyAdmin, ReadOnlyInline, ServiceAdmin

from . import services
from .models import (
    Asset,
    AssetChange,
    AssetImport,
    AssetPhoto,
    AssetProposal,
    AssetType,
    CabinetCodeReveal,
)


@admin.register(AssetType)
class AssetTypeAdmin(ServiceAdmin):
    list_display = ("name", "slug", "territory")
    list_filter = ("territory",)
    filter_horizontal = ("kits",)

    def has_delete_permission(self, request, obj=None):
        return False  # its assets would go with it

    def save_model(self, request, obj, form, change):
        services.asset_type_save(asset_type=obj, actor=request.user, kits=form.cleaned_data["kits"])

    def save_related(self, request, form, formsets, change):
        pass  # the kits were set by the service


class AssetPhotoInline(ReadOnlyInline):
    model = AssetPhoto
    fields = ("image", "alt", "uploaded_by")
    readonly_fields = fields


@admin.register(Asset)
class AssetAdmin(ReadOnlyAdmin):
    # Read-only: assets change by imports, reviewed proposals and the cabinet page, each recorded in their
    # history (AssetChange). The cabinet code is never shown here.
    list_display = ("name", "asset_type", "status", "moderation", "territory")
    list_filter = ("status", "moderation", "territory")
    search_fields = ("name", "source_id")
    exclude = ("cabinet_code",)
    inlines = [AssetPhotoInline]


class ReviewActionForm(ActionForm):
    message = forms.CharField(label=_("Message à la personne"), required=False,
                              help_text=_("Obligatoire pour un refus : expliquez pourquoi."))


@admin.register(AssetProposal)
class AssetProposalAdmin(ReadOnlyAdmin):
    """Proposals are answered by the service of the moderation queue (same checks, same audit), from the
    actions of the list: select, write the message, choose "publish" or "refuse"."""

    list_display = ("asset", "kind", "status", "proposed_by", "created_at")
    list_filter = ("kind", "status")
    action_form = ReviewActionForm
    actions = ["publish", "refuse"]

    def _review(self, request, queryset, decision: str) -> None:
        message = request.POST.get("message", "")
        done = 0
        for proposal in queryset.select_related("asset__territory"):
            if not request.user.has_perm("assets.review_proposal", proposal):
                self.message_user(request, _("%(proposal)s : vous ne pouvez pas relire cette proposition.")
                                  % {"proposal": proposal.asset}, messages.ERROR)
                continue
            try:
                services.proposal_review(proposal=proposal, moderator=request.user, decision=decision,
                                         message=message)
            except ValidationError as exc:
                self.message_user(request, f"{proposal.asset} : {' '.join(exc.messages)}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, _("Décision enregistrée pour %(count)s proposition(s).") % {"count": done},
                              messages.SUCCESS)

    @admin.action(description=_("Publier les propositions choisies"))
    def publish(self, request, queryset):
        self._review(request, queryset, services.Decision.PUBLISH)

    @admin.action(description=_("Refuser les propositions choisies (avec le message)"))
    def refuse(self, request, queryset):
        self._review(request, queryset, services.Decision.REFUSE)


@admin.register(AssetImport)
class AssetImportAdmin(ReadOnlyAdmin):
    list_display = ("filename", "territory", "applied", "created", "updated", "unchanged", "created_at")


@admin.register(AssetChange)
class AssetChangeAdmin(ReadOnlyAdmin):
    list_display = ("asset", "source", "actor", "created_at")
    list_filter = ("source",)


@admin.register(CabinetCodeReveal)
class CabinetCodeRevealAdmin(ReadOnlyAdmin):
    list_display = ("asset", "user", "created_at")
