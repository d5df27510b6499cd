"""Writes of the watch: saved watches and their digests, and what the cell does from the feed."""

from __future__ import annotations

import datetime
import secrets

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alleger.core.errors import Refused
from alleger.core.mail import send_later
from alleger.core.services import audit_record
from alleger.funding.models import Project
from alleger.funding.models import Support as FundingSupport
from alleger.funding.services.projects import project_follow
from alleger.funding.services.sponsors import support_attach
from alleger.interventions.models import Intervention
from alleger.interventions.services import intervention_follow

from . import watch
from .challenge_services import response_link
from .models import (
    RESPONSE_MODELS,
    CellAction,
    Challenge,
    ChallengeResponse,
    SavedWatch,
    WatchDigest,
    Workshop,
)
from .watch_forms import filters_from_saved

#: Most items one digest lists (the e-mail links to the watch for the rest).
DIGEST_MAX_ITEMS = 40
NOTE_MAX_LENGTH = 300


def _token() -> str:
    return secrets.token_urlsafe(32)


# --- saved watches -------------------------------------------------------------------------------

def _check_viewer(user, territory):
    if not user.has_perm("cell.view_watch", territory):
        raise Refused("forbidden", _("La veille de ce territoire est réservée à sa cellule d'innovation."),
                      status=403)


@transaction.atomic
def saved_watch_create(*, user, territory, name: str, filters: dict, frequency: str) -> SavedWatch:
    _check_viewer(user, territory)
    name = (name or "").strip()
    if not name:
        raise Refused("invalid", _("Donnez un nom à cette veille."))
    if frequency not in SavedWatch.Frequency.values:
        raise Refused("invalid", _("Fréquence inconnue."))
    saved = SavedWatch(user=user, territory=territory, name=name[:80], filters=filters, frequency=frequency,
                       token=_token())
    saved.full_clean()
    saved.save()
    return saved


def _own(user, saved: SavedWatch):
    if not user.has_perm("cell.manage_saved_watch", saved):
        raise Refused("forbidden", _("Cette veille n'est pas la vôtre."), status=403)


@transaction.atomic
def saved_watch_update(*, user, saved: SavedWatch, frequency: str) -> SavedWatch:
    _own(user, saved)
    if frequency not in SavedWatch.Frequency.values:
        raise Refused("invalid", _("Fréquence inconnue."))
    saved.frequency = frequency
    saved.save(update_fields=["frequency"])
    return saved


@transaction.atomic
def saved_watch_new_token(*, user, saved: SavedWatch) -> SavedWatch:
    """A new secret for the Atom feed: the old address stops answering at once."""
    _own(user, saved)
    saved.token = _token()
    saved.save(update_fields=["token"])
    audit_record(actor=user, action="watch.new_token", target=saved)
    return saved


@transaction.atomic
def saved_watch_delete(*, user, saved: SavedWatch) -> None:
    _own(user, saved)
    saved.delete()


# --- digests -------------------------------------------------------------------------------------

def period_of(frequency: str, today: datetime.date) -> tuple[str, datetime.date, datetime.date]:
    """The last complete period before `today`: (key, first day, last day). Daily: yesterday; weekly: the
    Monday-to-Sunday week before this one (ISO week)."""
    if frequency == SavedWatch.Frequency.DAILY:
        day = today - datetime.timedelta(days=1)
        return day.isoformat(), day, day
    monday = today - datetime.timedelta(days=today.weekday() + 7)
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}", monday, monday + datetime.timedelta(days=6)


def digest_send(*, saved: SavedWatch, today: datetime.date) -> WatchDigest | None:
    """Handle `saved`'s digest of the last complete period: once per period (the saved watch's row lock,
    then the unique (watch, period) row as the backstop), in its owner's language, and no e-mail for an
    empty period. Returns the digest row when this call handled the period, None when it was not due."""
    if saved.frequency == SavedWatch.Frequency.NONE:
        return None
    key, first, last = period_of(saved.frequency, today)
    with transaction.atomic():
        saved = SavedWatch.objects.select_for_update().select_related("user", "territory").get(pk=saved.pk)
        if saved.last_sent_period == key or saved.frequency == SavedWatch.Frequency.NONE:
            return None
        user = saved.user
        if not user.has_perm("cell.view_watch", saved.territory):
            return None  # no longer in the cell: nothing is sent, and nothing recorded, should they come back
        with translation.override(user.preferred_language or settings.LANGUAGE_CODE):
            filters = filters_from_saved(saved, since=first, until=last)
            items = watch.feed(filters, limit=DIGEST_MAX_ITEMS)
            more = len(items) > DIGEST_MAX_ITEMS
            items = items[:DIGEST_MAX_ITEMS]
            lines = [{"kind": item.kind_label, "event": item.event, "title": item.title,
                      "url": settings.SITE_URL + item.url, "summary": item.summary, "neighbourhood": item.neighbourhood}
                     for item in items]
        try:
            with transaction.atomic():
                digest = WatchDigest.objects.create(watch=saved, period=key, items=len(lines))
        except IntegrityError:
            return None  # another worker handled this period
        saved.last_sent_period = key
        saved.save(update_fields=["last_sent_period"])
        if lines:
            send_later("cell/watch/email/digest.txt", [user], {
                "name": saved.name, "territory": saved.territory.name, "first": first, "last": last,
                "daily": saved.frequency == SavedWatch.Frequency.DAILY, "items": lines, "more": more,
                "watch_url": settings.SITE_URL + reverse("cell:watch", args=[saved.territory.slug])})
    return digest


def digests_send_due(*, today: datetime.date | None = None) -> tuple[int, int]:
    """Every saved watch's digest that is due. Returns (handled, e-mailed). Idempotent: run it every hour."""
    today = today or timezone.localdate()
    handled = emailed = 0
    for saved in SavedWatch.objects.exclude(frequency=SavedWatch.Frequency.NONE).order_by("pk"):
        digest = digest_send(saved=saved, today=today)
        if digest is not None:
            handled += 1
            emailed += bool(digest.items)
    return handled, emailed


# --- acting from the feed ------------------------------------------------------------------------

#: What the cell may act on: model label → (territory of the object, the person told of an invitation).
TARGETS = {
    "funding.project": ("territory", "holder"),
    "interventions.intervention": ("territory", "organiser"),
    "kits.kit": ("territory", "author"),
    "proposals.proposal": ("territory", "author"),
    "reports.report": ("territory", "reporter"),
    "assets.asset": ("territory", None),
    "places.place": ("territory", None),
}


def author_of(target):
    """The person behind a watched item (a project's holder, a kit's author…), or None (assets, places)."""
    person_field = TARGETS[target._meta.label_lower][1]
    return getattr(target, person_field) if person_field else None


def target_visible(obj, user) -> bool:
    """Whether `user` may see the item at all (its app's view permission: a project's draft stays its
    holder's, an asset or a place under review its proposer's and the moderators')."""
    return user.has_perm(f"{obj._meta.app_label}.view_{obj._meta.model_name}", obj)


def target_of(key: str):
    """The object of a target key such as "funding.project:12", or a 404 refusal."""
    label, _sep, pk = (key or "").partition(":")
    if label not in TARGETS or not pk.isascii() or not pk.isdigit() or len(pk) > 18:  # 18 digits fit a bigint
        raise Refused("unknown_target", _("Élément inconnu."), status=404)
    model = apps.get_model(label)
    obj = model.objects.filter(pk=int(pk)).first()
    if obj is None:
        raise Refused("unknown_target", _("Élément inconnu."), status=404)
    return obj


def target_territory_ok(obj, territory) -> bool:
    field = TARGETS[obj._meta.label_lower][0]
    own = getattr(obj, f"{field}_id")
    # A kit valid everywhere belongs to every territory's watch.
    return own == territory.pk or (own is None and obj._meta.label_lower == "kits.kit")


#: The items that may answer a challenge (model label → response kind): tagging one of these with a challenge
#: also links it as a response (alleger.cell.challenge_services.response_link).
RESPONSE_KINDS = RESPONSE_MODELS


def actions_on(obj):
    ct = ContentType.objects.get_for_model(obj)
    return (CellAction.objects.filter(target_type=ct, target_id=obj.pk)
            .select_related("actor", "challenge__territory", "workshop__challenge", "workshop__room__place"))


def taggable_challenges(territory):
    """The challenges an item may be tagged with: the territory's open ones."""
    return Challenge.objects.filter(territory=territory, status=Challenge.Status.OPEN).order_by("title", "pk")


def invitable_workshops(territory, now=None):
    """The workshops one may be invited to: the coming ones of the territory's open challenges, with a place."""
    return (Workshop.objects.filter(challenge__territory=territory, challenge__status=Challenge.Status.OPEN,
                                    held_at__gte=now or timezone.now(), cancelled_at__isnull=True)
            .exclude(booking__status="cancelled")  # its room released: nowhere to invite anyone to yet
            .select_related("challenge", "room__place").order_by("held_at", "pk"))


def _tag(*, actor, territory, target, challenge, note) -> CellAction | None:
    """Link the item to the challenge: as a response when it is of a kind that answers challenges (once:
    an object already linked, proposed or declined keeps its response as it is). Returns the tag already
    recorded, if any (tagging twice is one tag)."""
    if challenge is None or not taggable_challenges(territory).filter(pk=challenge.pk).exists():
        raise Refused("challenge_required", _("Choisissez un défi ouvert du territoire."))
    existing = actions_on(target).filter(kind=CellAction.Kind.TAG, challenge=challenge).first()
    if existing is not None:
        return existing
    kind = RESPONSE_KINDS.get(target._meta.label_lower)
    if kind is not None and not ChallengeResponse.objects.filter(challenge=challenge, **{kind: target}).exists():
        # The cell links it itself: accepted at once, unless this member holds the object (then proposed, and
        # another member decides: four eyes).
        response_link(challenge=challenge, actor=actor, kind=kind, target=target, note=note)
    return None


def _invite(*, territory, target, workshop, note) -> None:
    if workshop is None or not invitable_workshops(territory).filter(pk=workshop.pk).exists():
        raise Refused("workshop_required", _("Choisissez un atelier à venir d'un défi ouvert du territoire."))
    if CellAction.objects.filter(kind=CellAction.Kind.INVITE, workshop=workshop, target_id=target.pk,
                                 target_type=ContentType.objects.get_for_model(target)).exists():
        raise Refused("already_invited", _("Son auteur est déjà invité à cet atelier : aucune nouvelle invitation "
                                           "n'est envoyée."), status=409)
    person = author_of(target)
    if person is None:
        raise Refused("no_one_to_invite", _("Personne à inviter : cet élément n'a pas d'auteur connu."))
    place = workshop.room.place if workshop.room_id else None
    send_later("cell/watch/email/invited.txt", [person], {
        "title": str(target), "url": target.get_absolute_url(), "territory": territory.name, "note": note,
        "challenge": workshop.challenge.title, "challenge_url": workshop.challenge.get_absolute_url(),
        "held_at": workshop.held_at, "ends_at": workshop.ends_at,
        "place": place.name if place else workshop.place_name, "room": workshop.room.name if place else "",
        "address": place.address if place else "",
        "place_url": place.get_absolute_url() if place else workshop.place_url})


@transaction.atomic
def cell_act(*, actor, territory, target, kind: str, note: str = "", organisation=None, challenge=None,
             workshop=None) -> CellAction:
    """The cell acts on an item of its watch; every action is recorded (CellAction) and audited.

    follow: the actor follows the project or the intervention (their updates reach them);
    orient: a project's holder is oriented to a support scheme — a funding Support of kind « orientation »
      in the name of an organisation the actor acts for, and the holder is told by e-mail;
    tag: the item answers one of the territory's open `challenge`s; a project, kit, intervention, proposal
      or place becomes one of its responses (accepted, as when the cell links it from the challenge's page;
      proposed when the member holds it). Tagging twice with the same challenge records one tag;
    invite: its author is invited to `workshop`, a coming workshop of an open challenge of the territory,
      and told by e-mail in their language.
    """
    if not actor.has_perm("cell.act_on_watch", territory):
        raise Refused("forbidden", _("Seule la cellule d'innovation du territoire agit depuis sa veille."),
                      status=403)
    if (target._meta.label_lower not in TARGETS or not target_territory_ok(target, territory)
            or not target_visible(target, actor)):
        raise Refused("unknown_target", _("Élément inconnu."), status=404)
    note = (note or "").strip()
    if len(note) > NOTE_MAX_LENGTH:
        raise Refused("invalid", _("La note fait au plus 300 caractères."))
    if kind != CellAction.Kind.TAG:
        challenge = None
    if kind != CellAction.Kind.INVITE:
        workshop = None
    if kind == CellAction.Kind.FOLLOW:
        if isinstance(target, Project):
            project_follow(project=target, user=actor)
        elif isinstance(target, Intervention):
            intervention_follow(intervention=target, user=actor)
        else:
            raise Refused("not_followable", _("Seuls les projets et les interventions se suivent."))
    elif kind == CellAction.Kind.ORIENT:
        if not isinstance(target, Project):
            raise Refused("not_a_project", _("On oriente le porteur d'un projet : choisissez un projet."))
        if not note:
            raise Refused("invalid", _("Dites vers quel dispositif vous orientez le porteur."))
        if organisation is None or not actor.has_perm("funding.support_project", organisation):
            raise Refused("forbidden", _("Choisissez une organisation au nom de laquelle vous agissez."), status=403)
        support_attach(project=target, organisation=organisation, actor=actor,
                       kind=FundingSupport.Kind.ORIENTATION, description=note)
        send_later("cell/watch/email/oriented.txt", [target.holder], {
            "project": target.title, "url": target.get_absolute_url(), "organisation": organisation.name,
            "note": note})
    elif kind == CellAction.Kind.TAG:
        existing = _tag(actor=actor, territory=territory, target=target, challenge=challenge, note=note)
        if existing is not None:
            return existing
    elif kind == CellAction.Kind.INVITE:
        _invite(territory=territory, target=target, workshop=workshop, note=note)
    else:
        raise Refused("invalid", _("Action inconnue."))
    try:
        with transaction.atomic():
            action = CellAction.objects.create(kind=kind, territory=territory, actor=actor, note=note,
                                               challenge=challenge, workshop=workshop, target_id=target.pk,
                                               target_type=ContentType.objects.get_for_model(target))
    except IntegrityError as exc:  # two clicks at once: the database lets one invitation through
        raise Refused("already_invited", _("Son auteur est déjà invité à cet atelier : aucune nouvelle invitation "
                                           "n'est envoyée."), status=409) from exc
    audit_record(actor=actor, action=f"cell.{kind}", target=target, note=note,
                 challenge=challenge.pk if challenge else None, workshop=workshop.pk if workshop else None)
    return action
