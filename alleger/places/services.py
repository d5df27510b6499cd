"""Place writes: proposals and their review, the managers' edits of a place and its services, photos
and links. Every change is recorded field by field in PlaceChange ({field: [old, new]}; a service's
fields are prefixed « service:<pk>: »); opening hours are refused unless alleger.places.hours reads
them, with a message saying why, and nothing is written then.
"""

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alleger.accounts.models import User
from alleger.core.errors import Refused
from alleger.core.images import image_clean
from alleger.core.mail import send_later
from alleger.core.services import audit_record
from alleger.territories.selectors import neighbourhood_at

from .models import Moderation, Place, PlaceChange, PlaceLink, PlacePhoto, Profile, Service, Sharer
from .rules import proposed_the_place

#: What a manager may change on a place (the operator too, for moderators: see place_update).
PLACE_FIELDS = ("name", "summary", "description", "place_type", "origin", "address", "postcode", "city", "lat",
                "lon", "shared_by", "shared_with", "shared_what", "wheelchair", "accessibility", "charter",
                "community", "website", "email", "phone")
SERVICE_FIELDS = ("name", "kind", "description", "opening_hours", "by_appointment", "hours_note", "access",
                  "price_note", "provider_name", "provider_kind")
MAX_LINKS = 20
MAX_PHOTOS = 20


class Decision(models.TextChoices):
    PUBLISH = "publish", gettext_lazy("Publier")
    REFUSE = "refuse", gettext_lazy("Refuser")


def _plain(value):
    """A value as the change history stores it (JSON)."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, str):
        return value
    if isinstance(value, list | tuple):
        return list(value)
    return value


def _in_territory(territory, lat: float, lon: float) -> bool:
    box = territory.bbox
    return box is None or (box[0] <= lon <= box[2] and box[1] <= lat <= box[3])


def _set_profiles(place: Place, profiles) -> None:
    profiles = set(profiles or ())
    if not profiles & set(Profile.values):
        raise Refused("profile_required", _("Choisissez au moins un profil de lieu : médiation et accès, travail "
                                            "et entrepreneuriat, création et projets."))
    place.profile_mediation = Profile.MEDIATION in profiles
    place.profile_work = Profile.WORK in profiles
    place.profile_creation = Profile.CREATION in profiles


def _check_shared_by(values) -> list[str]:
    values = list(values or [])
    if any(v not in Sharer.values for v in values):
        raise Refused("invalid", _("Valeur inconnue pour « qui partage »."))
    return values


def _strip(fields: dict) -> dict:
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


def _record(place: Place, source: str, actor, changed: dict) -> PlaceChange | None:
    if not changed:
        return None
    return PlaceChange.objects.create(place=place, source=source, actor=actor, fields=changed)


def _service(place: Place, fields: dict) -> Service:
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"unknown service fields: {sorted(unknown)}")
    service = Service(place=place, **_strip(fields))
    service.full_clean(exclude=["place"])  # the hours are read here (hours.validate): refused with why
    return service


# --- proposals ---------------------------------------------------------------------------


@transaction.atomic
def place_propose(*, user: User, territory, name: str, place_type: str, profiles, address: str, lat: float,
                  lon: float, service: dict | None = None, **fields) -> Place:
    """Anyone with an account proposes a place (with a first service, if given); it stays hidden until a
    moderator of the territory publishes it."""
    unknown = set(fields) - set(PLACE_FIELDS)
    if unknown:
        raise TypeError(f"unknown place fields: {sorted(unknown)}")
    if not _in_territory(territory, lat, lon):
        raise Refused("outside_territory", _("Ce point est en dehors du territoire choisi."))
    fields["shared_by"] = _check_shared_by(fields.get("shared_by"))
    place = Place(territory=territory, name=name.strip(), place_type=place_type, address=address.strip(), lat=lat,
                  lon=lon, moderation=Moderation.PROPOSED, proposed_by=user,
                  neighbourhood=neighbourhood_at(territory=territory, lat=lat, lon=lon), **_strip(fields))
    _set_profiles(place, profiles)
    place.full_clean()
    first = _service(place, service) if service else None
    place.save()
    if first is not None:
        first.place = place
        first.save()
    recorded = {f: [None, _plain(getattr(place, f))] for f in ("name", "place_type", "address", "lat", "lon",
                                                               *fields) if getattr(place, f) not in ("", [], None)}
    recorded["profiles"] = [None, place.profiles]
    if first is not None:
        recorded.update({f"service:{first.pk}:{f}": [None, _plain(getattr(first, f))] for f in service})
    _record(place, PlaceChange.Source.PROPOSAL, user, recorded)
    audit_record(actor=user, action="place.propose", target=place)
    return place


@transaction.atomic
def place_review(*, place: Place, moderator: User, decision: str, message: str = "", now=None) -> Place:
    """A moderator publishes or refuses a proposed place (a refusal needs a reason); the proposer is told
    by e-mail, and sees the answer on the place's page."""
    if decision not in Decision.values:
        raise Refused("invalid", _("Décision inconnue."))
    message = message.strip()
    if decision == Decision.REFUSE and not message:
        raise Refused("message_required", _("Expliquez votre refus à la personne qui a proposé le lieu."))
    place = Place.objects.select_for_update().get(pk=place.pk)
    if proposed_the_place(moderator, place):
        raise Refused("conflict_of_interest", _("Vous ne pouvez pas relire votre propre proposition : un autre "
                                                "modérateur doit le faire."), status=403)
    if place.moderation != Moderation.PROPOSED:
        raise Refused("not_proposed", _("Cette proposition a déjà reçu une réponse."))
    new = Moderation.PUBLISHED if decision == Decision.PUBLISH else Moderation.REFUSED
    changed = {"moderation": [place.moderation, new], "review_message": ["", message],
               "reviewed_at": [None, (now or timezone.now()).isoformat()]}
    place.moderation = new
    place.save(update_fields=["moderation", "updated_at"])
    _record(place, PlaceChange.Source.REVIEW, moderator, changed)
    audit_record(actor=moderator, action=f"place.review.{decision}", target=place, message=message)
    if place.proposed_by is not None:
        send_later("places/email/reviewed.txt", [place.proposed_by], {
            "place_name": place.name, "published": new == Moderation.PUBLISHED, "message": message,
            "url": place.get_absolute_url()})
    return place


# --- the managers' edits ----------------------------------------------------------------------


@transaction.atomic
def place_update(*, place: Place, actor: User, profiles=None, operator=..., **fields) -> Place:
    """Change a place's fields (and its profiles, its operator when given); records what changed."""
    unknown = set(fields) - set(PLACE_FIELDS)
    if unknown:
        raise TypeError(f"unknown place fields: {sorted(unknown)}")
    place = Place.objects.select_for_update().select_related("territory").get(pk=place.pk)
    before = {f: _plain(getattr(place, f)) for f in (*fields, "neighbourhood")}
    before_profiles, before_operator = place.profiles, place.operator_id
    if "shared_by" in fields:
        fields["shared_by"] = _check_shared_by(fields["shared_by"])
    for name, value in _strip(fields).items():
        setattr(place, name, value)
    if profiles is not None:
        _set_profiles(place, profiles)
    if operator is not ...:
        place.operator = operator
    if "lat" in fields or "lon" in fields:
        if not _in_territory(place.territory, place.lat, place.lon):
            raise Refused("outside_territory", _("Ce point est en dehors du territoire du lieu."))
        place.neighbourhood = neighbourhood_at(territory=place.territory, lat=place.lat, lon=place.lon)
    place.full_clean()
    changed = {f: [old, _plain(getattr(place, f))] for f, old in before.items() if old != _plain(getattr(place, f))}
    if place.profiles != before_profiles:
        changed["profiles"] = [before_profiles, place.profiles]
    if place.operator_id != before_operator:
        changed["operator"] = [before_operator, place.operator_id]
    if changed:
        place.save()
        _record(place, PlaceChange.Source.EDIT, actor, changed)
        audit_record(actor=actor, action="place.update", target=place, fields=sorted(changed))
    return place


@transaction.atomic
def service_add(*, place: Place, actor: User, **fields) -> Service:
    service = _service(place, fields)
    service.save()
    _record(place, PlaceChange.Source.EDIT, actor,
            {f"service:{service.pk}:{f}": [None, _plain(getattr(service, f))] for f in fields})
    audit_record(actor=actor, action="place.service_add", target=place, service=service.pk)
    return service


@transaction.atomic
def service_update(*, service: Service, actor: User, **fields) -> Service:
    unknown = set(fields) - set(SERVICE_FIELDS)
    if unknown:
        raise TypeError(f"unknown service fields: {sorted(unknown)}")
    service = Service.objects.select_for_update().get(pk=service.pk)
    before = {f: _plain(getattr(service, f)) for f in fields}
    for name, value in _strip(fields).items():
        setattr(service, name, value)
    service.full_clean(exclude=["place"])
    changed = {f"service:{service.pk}:{f}": [old, _plain(getattr(service, f))] for f, old in before.items()
               if old != _plain(getattr(service, f))}
    if changed:
        service.save()
        _record(service.place, PlaceChange.Source.EDIT, actor, changed)
        audit_record(actor=actor, action="place.service_update", target=service.place, service=service.pk)
    return service


@transaction.atomic
def service_remove(*, service: Service, actor: User) -> None:
    place, pk = service.place, service.pk
    _record(place, PlaceChange.Source.EDIT, actor,
            {f"service:{pk}:{f}": [_plain(getattr(service, f)), None] for f in ("name", "kind", "opening_hours")})
    service.delete()
    audit_record(actor=actor, action="place.service_remove", target=place, service=pk)


# --- photos and links -----------------------------------------------------------------------------


@transaction.atomic
def photo_add(*, place: Place, user: User, image, alt: str) -> PlacePhoto:
    """Add a photo; the upload is re-encoded without its metadata (GPS position, camera)."""
    if not alt.strip():
        raise Refused("alt_required", _("Décrivez la photo en une phrase pour les personnes qui ne la voient pas."))
    if place.photos.count() >= MAX_PHOTOS:
        raise Refused("too_many_photos", _("Un lieu a au plus %(n)d photos.") % {"n": MAX_PHOTOS})
    cleaned = image_clean(image)
    photo = PlacePhoto(place=place, uploaded_by=user, alt=alt.strip()[:200])
    photo.image.save(cleaned.name, cleaned, save=False)
    photo.save()
    _record(place, PlaceChange.Source.EDIT, user, {f"photo:{photo.pk}": [None, photo.alt]})
    audit_record(actor=user, action="place.photo_add", target=place, photo=photo.pk)
    return photo


@transaction.atomic
def link_add(*, place: Place, actor: User, label: str, url: str) -> PlaceLink:
    if place.links.count() >= MAX_LINKS:
        raise Refused("too_many_links", _("Un lieu a au plus %(n)d liens.") % {"n": MAX_LINKS}, status=409)
    link = PlaceLink(place=place, label=label.strip(), url=url.strip())
    link.full_clean()
    link.save()
    _record(place, PlaceChange.Source.EDIT, actor, {f"link:{link.pk}": [None, f"{link.label} <{link.url}>"]})
    return link


@transaction.atomic
def link_remove(*, link: PlaceLink, actor: User) -> None:
    _record(link.place, PlaceChange.Source.EDIT, actor, {f"link:{link.pk}": [f"{link.label} <{link.url}>", None]})
    link.delete()
