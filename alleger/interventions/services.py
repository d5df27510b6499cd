"""Intervention writes: declare, join, leave, follow, change status, journal, link a project.

Rules (each refusal has a stable code, shown in French to people and as
`{code, message}` by the API):

- the kit is published and valid in the territory (`kit_not_published`, `kit_not_here`);
- on an asset: the asset is published and open (`asset_closed`), the kit applies to it when the asset (or
  its type) lists applicable kits (`kit_not_applicable`); at a free location: the point is inside the
  territory (`out_of_territory`);
- everybody in it accepted the kit's charter (`charter_not_accepted`; the time and the kit's version are
  recorded);
- acting for an organisation needs a membership (`not_a_member`); a *private actor* is a person acting
  on behalf of an organisation of kind "company": refused on assets not open to private actors
  (`private_not_allowed`);
- the person's reputation level reaches the asset's required level (`level_too_low`, checked by
  reputation, which registers it: `register_participant_check`); the kit's own level is a guide shown
  on the kit, not a gate;
- the participants (organiser included) of the asset's active (planned or ongoing) interventions never
  exceed the asset's limit (`asset_full`): the asset row is locked (SELECT … FOR UPDATE) while seats are
  counted, and each participation holds a numbered seat, unique per asset and within the limit
  (database backstop).
"""

import datetime
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from alleger.assets.models import Asset
from alleger.core.errors import Refused
from alleger.core.grammar import date_format
from alleger.core.images import image_clean
from alleger.core.services import audit_record
from alleger.kits.models import Kit
from alleger.organisations.models import Membership, Organisation
from alleger.territories.geometry import contains
from alleger.territories.selectors import neighbourhood_at

from . import notifications
from .models import Intervention, JournalEntry, JournalPhoto, Participation

MAX_PHOTOS = 6
MAX_TEXT = 20_000




def is_private_actor(organisation: Organisation | None) -> bool:
    """A private actor is someone acting on behalf of a company (Organisation.Kind.COMPANY)."""
    return organisation is not None and organisation.kind == Organisation.Kind.COMPANY


def _check_active_account(user) -> None:
    if user is None or not user.is_authenticated or not user.is_active:
        raise Refused("forbidden", _("Connectez-vous pour participer à une intervention."), status=403)


def _check_charter(accepted) -> None:
    if accepted is not True:
        raise Refused("charter_not_accepted",
                      _("Vous devez accepter la charte du kit pour participer à l'intervention."))


def _check_organisation(user, organisation) -> None:
    if organisation is not None and not Membership.objects.filter(user=user, organisation=organisation).exists():
        raise Refused("not_a_member", _("Vous ne pouvez agir qu'au nom d'une organisation dont vous êtes membre."),
                      status=403)


# What apps above this one ask of each person in an intervention on an asset (reputation: the asset's
# required level), registered from their AppConfig.ready(): `check(asset=, user=)` raises Refused.
_participant_checks: dict[str, Callable[..., None]] = {}


def register_participant_check(name: str, check: Callable[..., None]) -> None:
    _participant_checks[name] = check


def _check_asset_rules(*, asset: Asset, user, organisation) -> None:
    """What the asset asks of each person in an intervention on it (not its capacity)."""
    if is_private_actor(organisation) and not asset.private_actors_allowed:
        raise Refused("private_not_allowed",
                      _("Ce dispositif n'est pas ouvert aux acteurs privés : participez à titre personnel ou au "
                        "nom d'une association."), status=403)
    for check in _participant_checks.values():
        check(asset=asset, user=user)


def _check_asset_open(asset: Asset) -> None:
    if asset.moderation != Asset.Moderation.PUBLISHED:
        raise Refused("asset_closed", _("Ce dispositif n'est pas encore publié."), status=409)
    if asset.status == Asset.Status.CLOSED:
        raise Refused("asset_closed", _("Ce dispositif est fermé aux interventions."), status=409)
    if asset.status == Asset.Status.OPENABLE:
        raise Refused("asset_closed",
                      _("Ce dispositif pourrait être ouvert, mais ne l'est pas encore : proposez son ouverture."),
                      status=409)


def _lock_asset(asset_id: int) -> Asset:
    # Every change of who sits on an asset locks its row first: the count of seats and the new seat are
    # decided by one transaction at a time (on SQLite, BEGIN IMMEDIATE serialises writers anyway).
    return Asset.objects.select_for_update().get(pk=asset_id)


def _seat_for(asset: Asset) -> tuple[int | None, int | None]:
    """(seat, limit) for one more person on a locked asset; refuses when it is full."""
    if asset.max_participants is None:
        return None, None
    taken = set(Participation.objects.filter(asset=asset, seat__isnull=False).values_list("seat", flat=True))
    if len(taken) >= asset.max_participants:
        raise Refused("asset_full",
                      _("Ce dispositif accueille déjà %(max)d intervenants, le maximum : attendez qu'une place "
                        "se libère.") % {"max": asset.max_participants}, status=409)
    seat = next(n for n in range(1, asset.max_participants + 1) if n not in taken)
    return seat, asset.max_participants


def _kit_version(kit: Kit) -> int | None:
    return kit.versions.aggregate(last=Max("number"))["last"]


def _participation_create(*, intervention, user, organisation, role, asset, now) -> Participation:
    seat, limit = _seat_for(asset) if asset is not None else (None, None)
    try:
        with transaction.atomic():
            return Participation.objects.create(
                intervention=intervention, user=user, organisation=organisation, role=role,
                charter_accepted_at=now, charter_version=_kit_version(intervention.kit),
                asset=asset if seat else None, seat=seat, seat_limit=limit)
    except IntegrityError:
        # The database refused a second participation or a seat beyond the limit.
        if Participation.objects.filter(intervention=intervention, user=user).exists():
            raise Refused("already_participant", _("Vous participez déjà à cette intervention."), status=409) from None
        raise Refused("asset_full", _("Ce dispositif accueille déjà le maximum d'intervenants."), status=409) from None


@transaction.atomic
def intervention_declare(*, organiser, kit: Kit, title: str, description: str, starts_on: datetime.date,
                         charter_accepted: bool, asset: Asset | None = None, territory=None,
                         lat: float | None = None, lon: float | None = None, ends_on: datetime.date | None = None,
                         organisation: Organisation | None = None, project=None, now=None) -> Intervention:
    """Declare an intervention on `asset`, or at (`lat`, `lon`) in `territory`; the organiser joins it."""
    _check_active_account(organiser)
    _check_charter(charter_accepted)
    now = now or timezone.now()
    title, description = (title or "").strip(), (description or "").strip()
    if not title or not description:
        raise Refused("invalid", _("Donnez un titre et une description à l'intervention."))
    if len(title) > 150 or len(description) > MAX_TEXT:
        raise Refused("invalid", _("Le titre ou la description est trop long."))
    if not isinstance(starts_on, datetime.date) or (ends_on is not None and not isinstance(ends_on, datetime.date)):
        raise Refused("dates_invalid", _("Indiquez des dates valides."))
    if ends_on is not None and ends_on < starts_on:
        raise Refused("dates_invalid", _("La fin prévue ne peut pas précéder le début."))
    if kit is None or kit.status != Kit.Status.PUBLISHED:
        raise Refused("kit_not_published", _("Choisissez un kit publié."))
    _check_organisation(organiser, organisation)

    if asset is not None:
        asset = _lock_asset(asset.pk)
        if territory is not None and territory.pk != asset.territory_id:
            raise Refused("invalid", _("Ce dispositif n'est pas dans ce territoire."))
        territory = asset.territory
        _check_asset_open(asset)
        applicable = set(asset.kits.values_list("pk", flat=True)) | set(
            asset.asset_type.kits.values_list("pk", flat=True))
        if applicable and kit.pk not in applicable:
            raise Refused("kit_not_applicable", _("Ce kit ne s'applique pas à ce dispositif."))
        _check_asset_rules(asset=asset, user=organiser, organisation=organisation)
        lat, lon = asset.lat, asset.lon
    else:
        if territory is None:
            raise Refused("invalid", _("Choisissez un dispositif ou un lieu dans un territoire."))
        if lat is None or lon is None:
            raise Refused("location_required", _("Indiquez le lieu de l'intervention sur la carte (latitude et "
                                                 "longitude)."))
        if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not territory.boundary or not contains(
                territory.boundary, lat, lon):
            raise Refused("out_of_territory", _("Ce lieu est en dehors du territoire %(name)s.")
                          % {"name": territory.name})
    if kit.territory_id is not None and kit.territory_id != territory.pk:
        raise Refused("kit_not_here", _("Ce kit ne vaut pas pour ce territoire."))
    if project is not None:
        if project.territory_id != territory.pk:
            raise Refused("project_elsewhere", _("Ce projet de financement est dans un autre territoire."))
        if not organiser.has_perm("funding.manage_project", project):
            raise Refused("project_not_yours", _("Seul le porteur du projet peut y rattacher une intervention."),
                          status=403)

    intervention = Intervention.objects.create(
        territory=territory, kit=kit, asset=asset, organiser=organiser, organisation=organisation, project=project,
        title=title, description=description, lat=lat, lon=lon, starts_on=starts_on, ends_on=ends_on,
        neighbourhood=(asset.neighbourhood if asset is not None and asset.neighbourhood_id
                       else neighbourhood_at(territory=territory, lat=lat, lon=lon)))
    _participation_create(intervention=intervention, user=organiser, organisation=organisation,
                          role=Participation.Role.ORGANISER, asset=asset, now=now)
    intervention.followers.add(organiser)
    audit_record(actor=organiser, action="intervention.declare", target=intervention, kit=kit.slug,
                 asset=asset.pk if asset else None, organisation=organisation.pk if organisation else None,
                 charter_accepted_at=now.isoformat())
    return intervention


@transaction.atomic
def intervention_join(*, intervention: Intervention, user, charter_accepted: bool,
                      organisation: Organisation | None = None, now=None) -> Participation:
    """Join an active intervention; enforces the charter, the organisation, and the asset's rules and limit."""
    _check_active_account(user)
    _check_charter(charter_accepted)
    now = now or timezone.now()
    # Locks in one order everywhere: the asset, then the intervention.
    asset = _lock_asset(intervention.asset_id) if intervention.asset_id else None
    intervention = Intervention.objects.select_for_update(of=("self",)).select_related("kit").get(pk=intervention.pk)
    if intervention.status not in Intervention.ACTIVE:
        raise Refused("intervention_over", _("Cette intervention est terminée : on ne peut plus la rejoindre."),
                      status=409)
    if Participation.objects.filter(intervention=intervention, user=user).exists():
        raise Refused("already_participant", _("Vous participez déjà à cette intervention."), status=409)
    _check_organisation(user, organisation)
    if asset is not None:
        _check_asset_open(asset)
        _check_asset_rules(asset=asset, user=user, organisation=organisation)
    participation = _participation_create(intervention=intervention, user=user, organisation=organisation,
                                          role=Participation.Role.PARTICIPANT, asset=asset, now=now)
    intervention.followers.add(user)
    audit_record(actor=user, action="intervention.join", target=intervention, seat=participation.seat,
                 organisation=organisation.pk if organisation else None, charter_accepted_at=now.isoformat())
    return participation


@transaction.atomic
def intervention_leave(*, intervention: Intervention, user) -> None:
    """Leave an active intervention: the place on the asset is free again."""
    if intervention.asset_id:
        _lock_asset(intervention.asset_id)
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    participation = Participation.objects.filter(intervention=intervention, user=user).first()
    if participation is None:
        raise Refused("not_participant", _("Vous ne participez pas à cette intervention."), status=404)
    if participation.role == Participation.Role.ORGANISER:
        raise Refused("organiser_cannot_leave",
                      _("L'organisateur ne peut pas quitter son intervention : abandonnez-la plutôt."), status=409)
    if intervention.status not in Intervention.ACTIVE:
        raise Refused("intervention_over", _("Cette intervention est terminée : votre participation reste dans "
                                             "son histoire."), status=409)
    participation.delete()
    audit_record(actor=user, action="intervention.leave", target=intervention)


def intervention_follow(*, intervention: Intervention, user, follow: bool = True) -> None:
    _check_active_account(user)
    if follow:
        intervention.followers.add(user)
    else:
        intervention.followers.remove(user)


@transaction.atomic
def intervention_set_status(*, intervention: Intervention, actor, status: str, now=None) -> Intervention:
    """Move along planned → ongoing → done, or to abandoned. Done and abandoned free the asset's places."""
    if intervention.asset_id:
        _lock_asset(intervention.asset_id)
    intervention = Intervention.objects.select_for_update().get(pk=intervention.pk)
    if status not in Intervention.Status.values:
        raise Refused("invalid", _("Statut inconnu."))
    if status not in Intervention.TRANSITIONS[intervention.status]:
        raise Refused("invalid_transition",
                      _("Une intervention « %(current)s » ne peut pas passer à « %(new)s ».")
                      % {"current": intervention.get_status_display(),
                         "new": Intervention.Status(status).label}, status=409)
    now = now or timezone.now()
    if status == Intervention.Status.DONE and timezone.localdate(now) < intervention.starts_on:
        # Reputation counts done interventions: one cannot be done before it began.
        raise Refused("too_early", _("Une intervention ne peut pas être marquée réalisée avant sa date de début "
                                     "(%(date)s).") % {"date": date_format(intervention.starts_on)}, status=409)
    before = intervention.status
    intervention.status = status
    if status == Intervention.Status.ONGOING:
        intervention.started_at = now
    if status in (Intervention.Status.DONE, Intervention.Status.ABANDONED):
        intervention.finished_at = now
        intervention.participations.update(seat=None, seat_limit=None, asset=None)
    intervention.save(update_fields=["status", "started_at", "finished_at", "updated_at"])
    audit_record(actor=actor, action="intervention.status", target=intervention, before=before, after=status)
    return intervention


@transaction.atomic
def journal_add(*, intervention: Intervention, author, text: str, photos=(), photo_alt: str = "",
                now=None) -> JournalEntry:
    """A journal entry with Markdown text and up to MAX_PHOTOS photos (re-encoded, metadata stripped)."""
    text = (text or "").strip()
    if not text:
        raise Refused("text_required", _("Écrivez quelques mots pour cette entrée du journal."))
    if len(text) > MAX_TEXT:
        raise Refused("invalid", _("Le texte est trop long."))
    photos = list(photos or [])
    if len(photos) > MAX_PHOTOS:
        raise Refused("too_many_photos", _("%(max)d photos au plus par entrée.") % {"max": MAX_PHOTOS})
    photo_alt = (photo_alt or "").strip()
    if photos and not photo_alt:
        raise Refused("alt_required", _("Décrivez les photos en quelques mots pour les personnes qui ne les "
                                        "voient pas."))
    cleaned = [image_clean(photo) for photo in photos]  # raises a ValidationError with a French message
    entry = JournalEntry.objects.create(intervention=intervention, author=author, text=text)
    for position, image in enumerate(cleaned, start=1):
        alt = photo_alt[:180] if len(cleaned) == 1 else f"{photo_alt[:180]} ({position}/{len(cleaned)})"
        JournalPhoto.objects.create(entry=entry, image=image, alt=alt, position=position)
    audit_record(actor=author, action="intervention.journal", target=intervention, entry=entry.pk,
                 photos=len(cleaned))
    notifications.journal_entry_added(entry)
    return entry


@transaction.atomic
def intervention_link_project(*, intervention: Intervention, actor, project) -> Intervention:
    """Say which crowdfunding project finances the intervention (None to unlink)."""
    if project is not None:
        if project.territory_id != intervention.territory_id:
            raise Refused("project_elsewhere", _("Ce projet de financement est dans un autre territoire."))
        if not actor.has_perm("funding.manage_project", project):
            raise Refused("project_not_yours", _("Seul le porteur du projet peut y rattacher une intervention."),
                          status=403)
    Intervention.objects.filter(pk=intervention.pk).update(project=project, updated_at=timezone.now())
    intervention.refresh_from_db()
    audit_record(actor=actor, action="intervention.project", target=intervention,
                 project=project.pk if project else None)
    return intervention
