"""Report writes: creating (routed to the service in charge) and status updates (notified)."""

from datetime import UTC, date, datetime, time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alleger.core.errors import Refused
from alleger.core.images import image_clean
from alleger.core.services import audit_record
from alleger.territories.geometry import contains
from alleger.territories.selectors import neighbourhood_at

from . import notifications
from .models import Report, ReportCategory, ReportMedia, ReportUpdate, ServiceAttribute, Status

DESCRIPTION_MAX = 4000
#: Photos and links one report, or one update, may carry.
MEDIA_MAX = 10


def point_in_territory(territory, lat: float, lon: float) -> bool:
    if territory.boundary:
        return contains(territory.boundary, lat, lon)
    if territory.bbox:
        min_lon, min_lat, max_lon, max_lat = territory.bbox
        return min_lat <= lat <= max_lat and min_lon <= lon <= max_lon
    return True


def parse_datetime_w3c(value: str) -> datetime | None:
    """A W3C date-time with its time zone ("2010-01-01T00:00:00Z", "…+02:00"), or a date (midnight UTC).

    Returns None when the text is not one: a time without a zone is ambiguous, so refused.
    """
    value = (value or "").strip()
    try:
        if len(value) == 10:
            return datetime.combine(date.fromisoformat(value), time(0, 0), tzinfo=UTC)
        if "T" not in value:
            return None
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def attributes_clean(category: ReportCategory, raw: dict) -> dict:
    """Check the answers to a category's questions; return them keyed by code (lists for multi-value).

    Unknown codes are ignored (Open311 clients may send attributes of another version).
    """
    cleaned = {}
    for attribute in category.attributes.order_by("order", "code"):
        value = raw.get(attribute.code)
        values = [str(v).strip() for v in (value if isinstance(value, list | tuple) else [value])
                  if v is not None and str(v).strip()]
        if not values:
            if attribute.required:
                raise Refused("attribute_required", _("Répondez à la question « %(question)s » (%(code)s).")
                              % {"question": attribute.description, "code": attribute.code})
            continue
        problem = _attribute_problem(attribute, values)
        if problem:
            raise Refused("attribute_invalid", _("Réponse invalide à « %(question)s » (%(code)s) : %(problem)s")
                          % {"question": attribute.description, "code": attribute.code, "problem": problem})
        cleaned[attribute.code] = values if attribute.datatype == ServiceAttribute.Datatype.MULTI else values[0]
    return cleaned


def _attribute_problem(attribute: ServiceAttribute, values: list[str]) -> str:
    D = ServiceAttribute.Datatype
    if attribute.datatype != D.MULTI and len(values) > 1:
        return _("une seule réponse est attendue.")
    if attribute.datatype in ServiceAttribute.LISTS:
        keys = set(attribute.keys())
        if any(v not in keys for v in values):
            return _("choisissez parmi %(keys)s.") % {"keys": ", ".join(sorted(keys))}
    elif attribute.datatype == D.NUMBER:
        try:
            float(values[0].replace(",", "."))
        except ValueError:
            return _("un nombre est attendu.")
    elif attribute.datatype == D.DATETIME:
        if parse_datetime_w3c(values[0]) is None:
            return _("une date au format 2024-05-31T14:00:00+02:00 est attendue.")
    elif len(values[0]) > (4000 if attribute.datatype == D.TEXT else 300):
        return _("la réponse est trop longue.")
    return ""


def media_clean(*, photos=(), media_urls=()) -> tuple[list, list[str]]:
    """Check links and re-encode photos (alleger.core.images), all or nothing."""
    photos = [p for p in photos if p]
    media_urls = [u.strip() for u in media_urls if u and u.strip()]
    if len(photos) + len(media_urls) > MEDIA_MAX:
        raise Refused("too_many_media", _("Trop de photos ou de liens : %(max)s au maximum.") % {"max": MEDIA_MAX})
    for url in media_urls:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise Refused("media_url_invalid", _("Le lien vers la photo n'est pas une adresse web valide.")) from None
        if len(url) > 500:
            raise Refused("media_url_invalid", _("Le lien vers la photo est trop long (500 caractères au maximum)."))
    cleaned = []
    for photo in photos:
        try:
            cleaned.append(image_clean(photo))
        except ValidationError as exc:
            raise Refused(exc.code or "bad_photo", " ".join(exc.messages)) from None
    return cleaned, media_urls


def _media_save(*, report: Report, update: ReportUpdate | None, photos, media_urls) -> None:
    for photo in photos:
        media = ReportMedia(report=report, update=update)
        media.photo.save(photo.name, photo, save=False)
        media.save()
    ReportMedia.objects.bulk_create([ReportMedia(report=report, update=update, url=url) for url in media_urls])


@transaction.atomic
def report_create(*, territory, category: ReportCategory | None, reporter, description: str,
                  lat: float | None = None, lon: float | None = None, address: str = "", address_id: str = "",
                  photo=None, media_url: str = "", photos=(), media_urls=(), attributes: dict | None = None,
                  show_name: bool = False, contact_email: str = "", contact_first_name: str = "",
                  contact_last_name: str = "", contact_phone: str = "", source: str = Report.Source.WEB,
                  description_required: bool = True) -> Report:
    """Record a report and route it to the service in charge of its category (e-mail after commit).

    `photo` and `media_url` are the first photo and link; `photos` and `media_urls` may add more
    (Open311 clients send several). Open311 makes the description optional (`description_required`).
    """
    if category is None or category.territory_id != territory.pk or not category.active:
        raise Refused("unknown_category", _("Cette catégorie de signalement n'existe pas sur ce territoire."))
    description = (description or "").strip()
    if not description and description_required:
        raise Refused("description_required", _("Décrivez le problème en quelques mots."))
    if len(description) > DESCRIPTION_MAX:
        raise Refused("description_too_long", _("La description est trop longue (4 000 caractères au maximum)."))
    address, address_id = (address or "").strip(), (address_id or "").strip()
    contact_email, contact_phone = contact_email.strip(), contact_phone.strip()
    contact_first_name, contact_last_name = contact_first_name.strip(), contact_last_name.strip()
    # Refused, never cut: a stored value is what its sender wrote (the web form refuses the same lengths).
    for value, field, message in (
            (address, "address", _("L'adresse fait au plus %(max)s caractères.")),
            (address_id, "address_id", _("L'identifiant d'adresse fait au plus %(max)s caractères.")),
            (contact_email, "contact_email", _("L'adresse e-mail de contact fait au plus %(max)s caractères.")),
            (contact_first_name, "contact_first_name", _("Le prénom fait au plus %(max)s caractères.")),
            (contact_last_name, "contact_last_name", _("Le nom fait au plus %(max)s caractères.")),
            (contact_phone, "contact_phone", _("Le numéro de téléphone fait au plus %(max)s caractères."))):
        limit = Report._meta.get_field(field).max_length
        if len(value) > limit:
            raise Refused("too_long", message % {"max": limit})
    if (lat is None) != (lon is None):
        raise Refused("location_incomplete", _("Indiquez la latitude et la longitude, ou une adresse."))
    if lat is None and not address and not address_id:
        raise Refused("location_required", _("Indiquez où se trouve le problème : un point sur la carte ou une adresse."))
    if lat is not None:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise Refused("location_invalid", _("Ces coordonnées ne désignent aucun lieu."))
        if not point_in_territory(territory, lat, lon):
            raise Refused("out_of_territory", _("Ce point est en dehors du territoire %(territory)s.")
                          % {"territory": territory.name})
    if contact_email:
        try:
            EmailValidator()(contact_email)
        except ValidationError:
            raise Refused("email_invalid", _("L'adresse e-mail de contact n'est pas valide.")) from None
    cleaned_attributes = attributes_clean(category, attributes or {})
    cleaned_photos, media_urls = media_clean(photos=[photo, *photos], media_urls=[media_url, *media_urls])

    report = Report(
        territory=territory, category=category, reporter=reporter if reporter and reporter.is_authenticated else None,
        show_name=show_name, description=description, lat=lat, lon=lon, address=address, address_id=address_id,
        neighbourhood=neighbourhood_at(territory=territory, lat=lat, lon=lon) if lat is not None else None,
        media_url=media_urls[0] if media_urls else "", attributes=cleaned_attributes, source=source,
        contact_email=contact_email.lower(), contact_first_name=contact_first_name, contact_last_name=contact_last_name,
        contact_phone=contact_phone,
    )
    if cleaned_photos:
        report.photo.save(cleaned_photos[0].name, cleaned_photos[0], save=False)
    # The routing note is the first public note: Open311's status_notes until the service writes one.
    # Stored, so written in the site's language like the services' own notes, not in the reporter's.
    with translation.override(settings.LANGUAGE_CODE):
        report.status_notes = _("Signalement transmis à %(service)s.") % {"service": category.service_name}
    report.save()
    ReportUpdate.objects.create(report=report, status=Status.OPEN, author=report.reporter, note=report.status_notes)
    _media_save(report=report, update=None, photos=cleaned_photos[1:], media_urls=media_urls[1:])
    audit_record(actor=reporter, action="report.create", target=report, category=category.service_code,
                 source=source)
    notifications.report_routed(report)
    notifications.report_received(report)
    return report


def _original(report: Report) -> Report:
    seen = set()
    while report.duplicate_of_id is not None and report.pk not in seen:
        seen.add(report.pk)
        report = report.duplicate_of
    return report


@transaction.atomic
def report_set_status(*, report: Report, actor, status: str, note: str = "", duplicate_of: Report | None = None,
                      expected_at: datetime | None = None, photos=(), media_urls=(),
                      external_id: str = "") -> ReportUpdate:
    """Move a report to a status with a note (and photos or links); the reporter is notified.

    A duplicate points to its original. `external_id` is the client's id for this update (Open311
    servicerequestupdates): the same id sent again by the same account returns the first update.
    """
    if status not in Status.values:
        raise Refused("invalid_status", _("Statut inconnu."))
    note = (note or "").strip()
    if len(note) > DESCRIPTION_MAX:
        raise Refused("note_too_long", _("La note est trop longue (4 000 caractères au maximum)."))
    external_id = (external_id or "").strip()
    if len(external_id) > 100:
        raise Refused("external_id_too_long", _("L'identifiant de la mise à jour est trop long (100 caractères au "
                                                "maximum)."))
    author = actor if actor is not None and actor.is_authenticated else None
    report = Report.objects.select_for_update().get(pk=report.pk)
    if external_id and author is not None:
        # Under the report's lock, so a retry racing the first attempt waits for it and finds it.
        done = ReportUpdate.objects.filter(report=report, author=author, external_id=external_id).first()
        if done is not None:
            return done
    cleaned_photos, media_urls = media_clean(photos=photos, media_urls=media_urls)
    original = None
    if status == Status.DUPLICATE:
        if duplicate_of is None:
            raise Refused("original_required", _("Indiquez le signalement d'origine de ce doublon."))
        original = _original(Report.objects.get(pk=duplicate_of.pk))
        if original.pk == report.pk:
            raise Refused("original_is_itself", _("Un signalement ne peut pas être le doublon de lui-même."))
        if original.territory_id != report.territory_id:
            raise Refused("original_elsewhere", _("Le signalement d'origine doit être sur le même territoire."))
    elif duplicate_of is not None:
        raise Refused("original_without_duplicate", _("Seul un doublon renvoie à un signalement d'origine."))
    if (status == report.status and not note and not cleaned_photos and not media_urls
            and (original is None or original.pk == report.duplicate_of_id)):
        raise Refused("no_change", _("Rien n'a changé : choisissez un autre statut ou ajoutez une note."))

    if note or status != report.status:
        # status_notes is the note on the current status: a new status without a note has none yet.
        report.status_notes = note
    report.status = status
    report.duplicate_of = original
    if expected_at is not None:
        report.expected_at = expected_at
    report.save(update_fields=["status", "duplicate_of", "status_notes", "expected_at", "updated_at"])
    if original is not None:
        # Reports that pointed to this one now point to the original: no chains of duplicates.
        Report.objects.filter(duplicate_of=report).update(duplicate_of=original, updated_at=timezone.now())
    update = ReportUpdate.objects.create(report=report, status=status, note=note, author=author,
                                         external_id=external_id if author is not None else "")
    _media_save(report=report, update=update, photos=cleaned_photos, media_urls=media_urls)
    audit_record(actor=actor, action="report.status", target=report, status=status,
                 duplicate_of=original.pk if original else None)
    notifications.report_status_changed(report, update)
    return update


CATEGORY_FIELDS = ("name", "service_code", "description", "group", "keywords", "service_name", "service_email",
                   "service_notice", "active", "order")


@transaction.atomic
def category_save(*, territory, actor, category: ReportCategory | None = None, kits=None, asset_types=None,
                  agents=None, **fields) -> ReportCategory:
    """Create or change a territory's report category (who it is routed to, which kits and which nearby
    asset types it suggests, which agents of the service may change its reports' status)."""
    unknown = set(fields) - set(CATEGORY_FIELDS)
    if unknown:
        raise TypeError(f"not category fields: {sorted(unknown)}")
    if category is None:
        category = ReportCategory(territory=territory)
    elif category.territory_id != territory.pk:
        raise Refused("unknown_category", _("Cette catégorie de signalement n'existe pas sur ce territoire."))
    for name, value in fields.items():
        setattr(category, name, value)
    taken = ReportCategory.objects.filter(territory=territory, service_code=category.service_code)
    if category.pk:
        taken = taken.exclude(pk=category.pk)
    if taken.exists():
        raise Refused("code_taken", _("Ce code de service est déjà utilisé sur ce territoire."))
    category.full_clean()
    category.save()
    if kits is not None:
        category.kits.set(kits)
    if asset_types is not None:
        asset_types = list(asset_types)
        if any(kind.territory_id != territory.pk for kind in asset_types):
            raise Refused("unknown_asset_type", _("Ce type de dispositif n'existe pas sur ce territoire."))
        category.asset_types.set(asset_types)
    if agents is not None:
        category.agents.set(agents)
    audit_record(actor=actor, action="report.category_save", target=category, fields=sorted(fields),
                 **({"agents": sorted(agent.pk for agent in agents)} if agents is not None else {}))
    return category


@transaction.atomic
def service_attribute_save(*, category: ReportCategory, actor, code: str, **fields) -> ServiceAttribute:
    """Add or change a question of a category (an attribute of its Open311 service definition)."""
    attribute = ServiceAttribute.objects.filter(category=category, code=code).first() or ServiceAttribute(
        category=category, code=code)
    for name, value in fields.items():
        setattr(attribute, name, value)
    if attribute.datatype in ServiceAttribute.LISTS and not attribute.keys():
        raise Refused("values_required", _("Une liste de choix a besoin de valeurs possibles."))
    attribute.full_clean()
    attribute.save()
    audit_record(actor=actor, action="report.attribute_save", target=category, code=code)
    return attribute
