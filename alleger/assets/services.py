"""Asset writes: proposals and their review, photos, tool cabinets. Imports are in imports.py."""

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alleger.accounts.models import User
from alleger.core.errors import Refused
from alleger.core.images import image_clean
from alleger.core.services import audit_record
from alleger.territories.selectors import neighbourhood_at

from .models import Asset, AssetChange, AssetPhoto, AssetProposal, AssetType, CabinetCodeReveal
from .rules import made_the_asset_proposal

#: What a cabinet's code looks like in the history: never the code itself.
HIDDEN = "••••"




class Decision(models.TextChoices):
    PUBLISH = "publish", gettext_lazy("Accepter")
    REFUSE = "refuse", gettext_lazy("Refuser")


def _in_territory(territory, lat: float, lon: float) -> bool:
    box = territory.bbox
    return box is None or (box[0] <= lon <= box[2] and box[1] <= lat <= box[3])


@transaction.atomic
def asset_propose(*, user: User, territory, asset_type: AssetType, name: str, lat: float, lon: float,
                  description: str = "", address: str = "", status: str = Asset.Status.OPENABLE,
                  message: str = "") -> AssetProposal:
    """A resident proposes a new asset; it stays hidden until a moderator publishes it."""
    if asset_type.territory_id != territory.pk:
        raise Refused("invalid", _("Ce type de dispositif n'existe pas dans ce territoire."))
    if not _in_territory(territory, lat, lon):
        raise Refused("outside_territory", _("Ce point est en dehors du territoire choisi."))
    asset = Asset(territory=territory, asset_type=asset_type, name=name.strip(), description=description.strip(),
                  lat=lat, lon=lon, address=address.strip(), status=status, moderation=Asset.Moderation.PROPOSED,
                  proposed_by=user, neighbourhood=neighbourhood_at(territory=territory, lat=lat, lon=lon))
    asset.full_clean()
    asset.save()
    proposal = AssetProposal.objects.create(kind=AssetProposal.Kind.NEW, asset=asset, proposed_by=user,
                                            message=message.strip())
    audit_record(actor=user, action="asset.propose", target=asset, proposal=proposal.pk)
    return proposal


@transaction.atomic
def asset_propose_opening(*, user: User, asset: Asset, message: str) -> AssetProposal:
    """A resident asks that a closed (or openable) asset be opened."""
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if asset.moderation != Asset.Moderation.PUBLISHED:
        raise Refused("not_published", _("Ce dispositif n'est pas encore publié."))
    if asset.status == Asset.Status.OPEN:
        raise Refused("already_open", _("Ce dispositif est déjà ouvert aux habitants."))
    if not message.strip():
        raise Refused("message_required", _("Expliquez en quelques mots ce que vous aimeriez y faire."))
    if asset.proposals.filter(kind=AssetProposal.Kind.OPENING, status=Asset.Moderation.PROPOSED).exists():
        raise Refused("already_proposed", _("Une demande d'ouverture de ce dispositif attend déjà une réponse."))
    try:
        with transaction.atomic():
            proposal = AssetProposal.objects.create(kind=AssetProposal.Kind.OPENING, asset=asset, proposed_by=user,
                                                    message=message.strip())
    except IntegrityError:  # a concurrent request won the race (asset_one_pending_opening)
        raise Refused("already_proposed",
                      _("Une demande d'ouverture de ce dispositif attend déjà une réponse.")) from None
    audit_record(actor=user, action="asset.propose_opening", target=asset, proposal=proposal.pk)
    return proposal


@transaction.atomic
def proposal_review(*, proposal: AssetProposal, moderator: User, decision: str, message: str = "",
                    now=None) -> AssetProposal:
    """A moderator publishes or refuses a proposal (a refusal needs a reason)."""
    if decision not in Decision.values:
        raise Refused("invalid", _("Décision inconnue."))
    if decision == Decision.REFUSE and not message.strip():
        raise Refused("message_required", _("Expliquez votre refus à la personne qui a fait la proposition."))
    proposal = AssetProposal.objects.select_for_update().select_related("asset").get(pk=proposal.pk)
    if made_the_asset_proposal(moderator, proposal):
        raise Refused("conflict_of_interest", _("Vous ne pouvez pas relire votre propre proposition : un autre "
                                                "modérateur doit le faire."), status=403)
    if proposal.status != Asset.Moderation.PROPOSED:
        raise Refused("not_proposed", _("Cette proposition a déjà reçu une réponse."))
    asset = Asset.objects.select_for_update().get(pk=proposal.asset_id)
    published = decision == Decision.PUBLISH
    proposal.status = Asset.Moderation.PUBLISHED if published else Asset.Moderation.REFUSED
    proposal.reviewed_by = moderator
    proposal.review_message = message.strip()
    proposal.reviewed_at = now or timezone.now()
    proposal.save(update_fields=["status", "reviewed_by", "review_message", "reviewed_at"])
    changed = {}
    if proposal.kind == AssetProposal.Kind.NEW:
        changed["moderation"] = [asset.moderation, proposal.status]
        asset.moderation = proposal.status
    elif published and asset.status != Asset.Status.OPEN:
        changed["status"] = [asset.status, Asset.Status.OPEN]
        asset.status = Asset.Status.OPEN
    if changed:
        asset.save(update_fields=[*changed, "updated_at"])
        AssetChange.objects.create(asset=asset, source=AssetChange.Source.REVIEW, actor=moderator, fields=changed)
    audit_record(actor=moderator, action=f"asset.proposal.{decision}", target=asset, proposal=proposal.pk,
                 kind=proposal.kind, message=message.strip())
    return proposal


@transaction.atomic
def asset_type_save(*, asset_type: AssetType, actor: User, kits) -> AssetType:
    """Create or change a kind of asset of a territory (the platform team, in the admin), with the kits
    that apply to every asset of the kind; audited."""
    created = asset_type.pk is None
    asset_type.full_clean()
    asset_type.save()
    asset_type.kits.set(kits)
    audit_record(actor=actor, action="asset.type_create" if created else "asset.type_update", target=asset_type,
                 name=asset_type.name, slug=asset_type.slug, kits=sorted(kit.pk for kit in kits))
    return asset_type


@transaction.atomic
def photo_add(*, asset: Asset, user: User, image, alt: str) -> AssetPhoto:
    """Add a photo; the upload is re-encoded without its metadata (GPS position, camera)."""
    if not alt.strip():
        raise Refused("alt_required", _("Décrivez la photo en une phrase pour les personnes qui ne la voient pas."))
    cleaned = image_clean(image)
    photo = AssetPhoto(asset=asset, uploaded_by=user, alt=alt.strip()[:200])
    photo.image.save(cleaned.name, cleaned, save=False)
    photo.save()
    audit_record(actor=user, action="asset.photo_add", target=asset, photo=photo.pk)
    return photo


def cabinet_code_reveal(*, asset: Asset, user: User, charter_accepted: bool) -> str:
    """Give the code of a tool cabinet to a logged-in person who accepts its charter; record it."""
    if not asset.is_tool_cabinet or asset.moderation != Asset.Moderation.PUBLISHED:
        raise Refused("not_a_cabinet", _("Ce dispositif n'est pas une armoire de bricolage."))
    if not charter_accepted:
        raise Refused("charter_required", _("Acceptez la charte de l'armoire pour obtenir son code."))
    code = Asset.objects.values_list("cabinet_code", flat=True).get(pk=asset.pk)
    if not code:
        raise Refused("no_code", _("Le code de cette armoire n'est pas encore défini : contactez son gestionnaire."))
    CabinetCodeReveal.objects.create(asset=asset, user=user)
    return code


@transaction.atomic
def cabinet_code_change(*, asset: Asset, actor: User, code: str) -> None:
    """The manager or a moderator sets a new code; the history says when and who, never the code."""
    asset = Asset.objects.select_for_update().get(pk=asset.pk)
    if not asset.is_tool_cabinet:
        raise Refused("not_a_cabinet", _("Ce dispositif n'est pas une armoire de bricolage."))
    code = code.strip()
    if not 1 <= len(code) <= 30:
        raise Refused("invalid_code", _("Le code doit faire entre 1 et 30 caractères."))
    if code == asset.cabinet_code:
        raise Refused("same_code", _("C'est déjà le code de l'armoire."))
    asset.cabinet_code = code
    asset.save(update_fields=["cabinet_code", "updated_at"])
    AssetChange.objects.create(asset=asset, source=AssetChange.Source.CABINET, actor=actor,
                               fields={"cabinet_code": [HIDDEN, HIDDEN]})
    audit_record(actor=actor, action="asset.cabinet_code_change", target=asset)
