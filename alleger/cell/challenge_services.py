"""Challenges: writes (each in a transaction, audited). The views and the API check the permission first;
the services check again what could be bypassed (the cell's role, four eyes, the challenge's state)."""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alleger.bookings import slots
from alleger.bookings.models import Resource
from alleger.bookings.selectors import bookable_resources, busy_ranges
from alleger.bookings.services import booking_cancel, booking_create
from alleger.core.errors import Refused
from alleger.core.forms import FIRST_YEAR, LAST_YEAR
from alleger.core.mail import send_later
from alleger.core.search import fold
from alleger.core.services import audit_record
from alleger.core.text import clean_text
from alleger.places.selectors import clock, day_and_month, day_name, week_in_words
from alleger.territories.rules import is_cell_member_of

from .models import (
    CellAction,
    Challenge,
    ChallengeResponse,
    IndicatorPoint,
    IndicatorSeries,
    ResponseKind,
    Workshop,
)
from .rules import holds

CHALLENGE_FIELDS = ("title", "problem", "indicators", "starts_on", "ends_on", "status")


def _require_cell(actor, territory) -> None:
    if not (is_cell_member_of(actor, territory) or (actor.is_authenticated and actor.is_superuser)):
        raise Refused("forbidden", _("Seule la cellule d'innovation du territoire peut faire cela."), status=403)


def _check_challenge(territory, data: dict, neighbourhoods) -> None:
    if not (data.get("title") or "").strip() or not (data.get("problem") or "").strip():
        raise Refused("invalid", _("Donnez un titre au défi et décrivez le problème."))
    if data["ends_on"] < data["starts_on"]:
        raise Refused("period_reversed", _("La date de début doit précéder la date de fin."))
    if data.get("status", Challenge.Status.DRAFT) not in Challenge.Status.values:
        raise Refused("invalid", _("Statut inconnu."))
    if any(n.territory_id != territory.pk for n in neighbourhoods):
        raise Refused("invalid", _("Ces quartiers ne sont pas tous sur le territoire du défi."))


@transaction.atomic
def challenge_create(*, actor, territory, title: str, problem: str, starts_on: datetime.date,
                     ends_on: datetime.date, indicators: str = "", neighbourhoods=(),
                     status: str = Challenge.Status.DRAFT) -> Challenge:
    _require_cell(actor, territory)
    data = {"title": title.strip(), "problem": problem.strip(), "indicators": indicators.strip(),
            "starts_on": starts_on, "ends_on": ends_on, "status": status}
    neighbourhoods = list(neighbourhoods)
    _check_challenge(territory, data, neighbourhoods)
    challenge = Challenge.objects.create(territory=territory, created_by=actor, **data)
    challenge.neighbourhoods.set(neighbourhoods)
    audit_record(actor=actor, action="challenge.create", target=challenge, title=challenge.title)
    return challenge


@transaction.atomic
def challenge_update(*, challenge: Challenge, actor, neighbourhoods=None, **changes) -> Challenge:
    _require_cell(actor, challenge.territory)
    challenge = Challenge.objects.select_for_update().get(pk=challenge.pk)
    unknown = set(changes) - set(CHALLENGE_FIELDS)
    if unknown:
        raise ValueError(f"not a challenge field: {sorted(unknown)}")
    data = {name: getattr(challenge, name) for name in CHALLENGE_FIELDS}
    data.update({k: v.strip() if isinstance(v, str) and k != "status" else v for k, v in changes.items()})
    hoods = list(neighbourhoods) if neighbourhoods is not None else list(challenge.neighbourhoods.all())
    _check_challenge(challenge.territory, data, hoods)
    before = {name: str(getattr(challenge, name)) for name in changes}
    for name, value in data.items():
        setattr(challenge, name, value)
    challenge.save()
    if neighbourhoods is not None:
        challenge.neighbourhoods.set(hoods)
    audit_record(actor=actor, action="challenge.update", target=challenge, before=before,
                 after={name: str(getattr(challenge, name)) for name in changes})
    return challenge


def workshop_rooms(territory):
    """The rooms a workshop of this territory may book: the bookable rooms of its published shared places."""
    return (bookable_resources().filter(place__territory=territory, kind=Resource.Kind.ROOM)
            .order_by("place__name", "name"))


def _room_refusal(refusal: Refused, *, room, start: datetime.datetime, end: datetime.datetime) -> Refused:
    """The bookings service's refusal, said for a workshop: why this room cannot hold it then (closed at those
    hours, and its hours that week; its slots; already booked, and when), never the public booking page's
    advice (pick a proposed slot, join the waitlist)."""
    names = {"room": room.name, "place": room.place.name}
    if refusal.code == "closed":
        window = slots.window_of(room.opening_hours, start, end)
        if window is None:
            week = week_in_words(room.opening_hours, timezone.localtime(start).date())
            message = (_("La salle « %(room)s » (%(place)s) n'est pas ouverte à ces heures-là. Ses horaires la "
                         "semaine de l'atelier : %(hours)s.") % {**names, "hours": week} if week else
                       _("La salle « %(room)s » (%(place)s) n'ouvre pas la semaine de l'atelier : choisissez une "
                         "autre semaine ou une autre salle.") % names)
        else:
            message = _slots_refusal(room, names, window, start, end)
    elif refusal.code in ("slot_taken", "changeover", "full"):
        buffer = datetime.timedelta(minutes=room.buffer_minutes)
        taken = busy_ranges(room, since=start - buffer, until=end + buffer)
        if refusal.code in ("slot_taken", "changeover") and taken:
            message = _("La salle « %(room)s » (%(place)s) est déjà réservée %(when)s : choisissez d'autres heures "
                        "ou une autre salle.") % {**names, "when": ", ".join(_busy(s, e) for s, e, _seats in taken)}
            if room.buffer_minutes:
                message += " " + _("Elle demande %(minutes)d minutes entre deux réservations.") % {
                    "minutes": room.buffer_minutes}
        else:
            message = _("La salle « %(room)s » (%(place)s) est déjà réservée à ces heures-là : choisissez d'autres "
                        "heures ou une autre salle.") % names
    else:
        message = _("La salle n'a pas pu être réservée : %(reason)s") % {"reason": refusal.messages[0]}
    return Refused(refusal.code, message, status=refusal.status)


def _busy(start: datetime.datetime, end: datetime.datetime) -> str:
    start, end = timezone.localtime(start), timezone.localtime(end)
    return _("le %(day)s de %(start)s à %(end)s") % {"day": f"{day_name(start)} {day_and_month(start)}",
                                                     "start": clock(start), "end": clock(end)}


def _slots_refusal(room, names, window, start, end) -> str:
    """Open then, but the workshop does not fall on the room's slots (counted from its opening): say the
    slots, and the slots that hold the workshop when they fit in the opening."""
    slot = datetime.timedelta(minutes=room.slot_minutes)
    first = window[0] + (start - window[0]) // slot * slot
    last = window[0] + -((window[0] - end) // slot) * slot
    opens = timezone.localtime(window[0])
    message = _("La salle « %(room)s » (%(place)s) se réserve par créneaux de %(minutes)d minutes à partir de "
                "%(opens)s : l'atelier doit commencer et finir sur ces créneaux.") % {
        **names, "minutes": room.slot_minutes, "opens": clock(opens)}
    if last <= window[1]:
        message += " " + _("Par exemple de %(start)s à %(end)s.") % {"start": clock(timezone.localtime(first)),
                                                                    "end": clock(timezone.localtime(last))}
    return message


#: The longest workshop (a weekend's hackathon fits; a series of meetings is one workshop per meeting).
WORKSHOP_MAX = datetime.timedelta(days=3)


@transaction.atomic
def workshop_add(*, challenge: Challenge, actor, held_at: datetime.datetime, place_name: str = "",
                 place_url: str = "", room=None, ends_at: datetime.datetime | None = None,
                 participants_count: int | None = None, participants: str = "", minutes: str = "",
                 now: datetime.datetime | None = None) -> Workshop:
    """A workshop, in a room of a shared place of the territory or in a place named in words (exactly one).

    A room is booked through the bookings service in the actor's name, under the room's rules (its hours
    and slots, its booking window, conflicts, capacity, members only, training…): a refused booking refuses
    the workshop and nothing is written. `now` (the demo) replays a booking made in the past."""
    _require_cell(actor, challenge.territory)
    place_name = (place_name or "").strip()
    if room is None and not place_name:
        raise Refused("place_required", _("Choisissez une salle d'un lieu partagé ou dites où l'atelier a lieu."))
    if room is not None and place_name:
        raise Refused("place_twice", _("Choisissez une salle d'un lieu partagé ou nommez un autre lieu, pas les "
                                       "deux."))
    if ends_at is not None and ends_at <= held_at:
        raise Refused("ends_before", _("L'atelier doit finir après son début."))
    if ends_at is not None and ends_at - held_at > WORKSHOP_MAX:
        raise Refused("too_long", _("Un atelier dure au plus %(n)d jours : pour une suite de rencontres, ajoutez un "
                                    "atelier par rencontre.") % {"n": WORKSHOP_MAX.days})
    if participants_count is not None and participants_count < 0:
        raise Refused("invalid", _("Le nombre de participants ne peut pas être négatif."))
    booking = None
    if room is not None:
        if not workshop_rooms(challenge.territory).filter(pk=room.pk).exists():
            raise Refused("room_unknown", _("Cette salle n'est pas une salle réservable d'un lieu partagé du "
                                            "territoire."))
        if ends_at is None:
            raise Refused("end_required", _("Pour réserver la salle, donnez l'heure de fin de l'atelier."))
        try:
            booking = booking_create(resource=room, user=actor, start=held_at, end=ends_at, now=now,
                                     purpose=(_("Atelier du défi « %(title)s »")
                                              % {"title": challenge.title})[:200])
        except Refused as exc:
            raise _room_refusal(exc, room=room, start=held_at, end=ends_at) from exc
    workshop = Workshop.objects.create(challenge=challenge, held_at=held_at, ends_at=ends_at, room=room,
                                       booking=booking, place_name="" if room else place_name,
                                       place_url="" if room else (place_url or ""),
                                       participants_count=participants_count,
                                       participants=(participants or "").strip(), minutes=(minutes or "").strip())
    audit_record(actor=actor, action="challenge.workshop_add", target=challenge, workshop=workshop.pk,
                 room=room.pk if room else None, booking=booking.pk if booking else None)
    return workshop


@transaction.atomic
def workshop_report(*, workshop: Workshop, actor, participants_count: int | None, participants: str = "",
                    minutes: str = "", now: datetime.datetime | None = None) -> Workshop:
    """What the workshop was, written once it has begun (or corrected): who came, how many, its minutes.
    Where and when stay as booked."""
    _require_cell(actor, workshop.challenge.territory)
    if workshop.held_at > (now or timezone.now()) or workshop.cancelled_at is not None:
        raise Refused("not_held_yet", _("Le compte rendu s'écrit une fois l'atelier commencé, et pas pour un "
                                        "atelier annulé."), status=409)
    if participants_count is not None and participants_count < 0:
        raise Refused("invalid", _("Le nombre de participants ne peut pas être négatif."))
    participants, minutes = (participants or "").strip(), (minutes or "").strip()
    for value, name, message in (
            (participants, "participants", _("La liste des participants fait au plus %(max)s caractères.")),
            (minutes, "minutes", _("Le compte rendu fait au plus %(max)s caractères."))):
        limit = Workshop._meta.get_field(name).max_length
        if len(value) > limit:
            raise Refused("too_long", message % {"max": limit})
    Workshop.objects.filter(pk=workshop.pk).update(participants_count=participants_count,
                                                   participants=participants, minutes=minutes)
    audit_record(actor=actor, action="challenge.workshop_report", target=workshop.challenge,
                 workshop=workshop.pk)
    workshop.refresh_from_db()
    return workshop


#: The longest reason given for calling a workshop off (it goes in the invited people's e-mail).
CANCEL_REASON_MAX = 500


def workshop_cancel(*, workshop: Workshop, actor, reason: str = "", now: datetime.datetime | None = None
                    ) -> tuple[bool, int]:
    """The cell calls off a workshop to come: marked cancelled (kept: the watch's invitations name it), its
    room's booking cancelled in the name of whoever booked it, and everyone invited to it from the watch told,
    with the reason. Returns whether the room is still booked (too close to its start to cancel online, the
    place must then be told; the workshop is cancelled all the same) and how many people were told."""
    now = now or timezone.now()
    reason = (reason or "").strip()
    _require_cell(actor, workshop.challenge.territory)
    if len(reason) > CANCEL_REASON_MAX:
        raise Refused("invalid", _("Le motif fait au plus %(max)s caractères.") % {"max": CANCEL_REASON_MAX})
    with transaction.atomic():
        moved = Workshop.objects.filter(pk=workshop.pk, cancelled_at__isnull=True, held_at__gt=now).update(
            cancelled_at=now, cancel_reason=reason)
        if not moved:
            raise Refused("not_cancellable", _("Cet atelier est déjà annulé, ou il a déjà commencé."), status=409)
        audit_record(actor=actor, action="challenge.workshop_cancel", target=workshop.challenge,
                     workshop=workshop.pk, reason=reason)
        people = {}
        for action in CellAction.objects.filter(kind=CellAction.Kind.INVITE, workshop=workshop).select_related(
                "target_type"):
            person = _invited_person(action)
            if person is not None:
                people.setdefault(person.pk, person)
        place = workshop.room.place if workshop.room_id else None
        send_later("cell/watch/email/workshop_cancelled.txt", list(people.values()), {
            "challenge": workshop.challenge.title, "challenge_url": workshop.challenge.get_absolute_url(),
            "territory": workshop.challenge.territory.name, "held_at": workshop.held_at, "ends_at": workshop.ends_at,
            "place": place.name if place else workshop.place_name, "room": workshop.room.name if place else "",
            "address": place.address if place else "", "reason": reason})
    room_kept = False
    if workshop.booking_id and workshop.booking.status in ("confirmed", "held"):
        try:  # the room was booked in one member's name: released in theirs, under the room's rules
            booking_cancel(booking=workshop.booking, actor=workshop.booking.user, now=now)
        except Refused:
            room_kept = True
    workshop.refresh_from_db()
    return room_kept, len(people)


def _invited_person(action: CellAction):
    """The person an invitation from the watch went to (its item's author), if still known."""
    from .watch_services import author_of

    model = action.target_type.model_class()
    target = model.objects.filter(pk=action.target_id).first() if model is not None else None
    return author_of(target) if target is not None else None


# --- responses -------------------------------------------------------------------------------------

def _check_target(challenge: Challenge, kind: str, target) -> None:
    if kind not in ResponseKind.values:
        raise Refused("invalid", _("Nature de réponse inconnue."))
    territory_id = getattr(target, "territory_id", None)
    if kind == "kit":
        if target.status != "published":
            raise Refused("invalid", _("Seul un kit publié peut répondre à un défi."))
        if territory_id not in (None, challenge.territory_id):
            raise Refused("other_territory", _("Cet objet n'est pas sur le territoire du défi."))
    elif territory_id != challenge.territory_id:
        raise Refused("other_territory", _("Cet objet n'est pas sur le territoire du défi."))
    if kind == "project" and target.status not in ("published", "succeeded", "failed"):
        raise Refused("invalid", _("Seul un projet publié peut répondre à un défi."))
    if kind == "place" and target.moderation != "published":
        raise Refused("invalid", _("Seul un lieu publié peut répondre à un défi."))


def _create(challenge, kind, target, *, actor, status, note, decided_by=None) -> ChallengeResponse:
    if ChallengeResponse.objects.filter(challenge=challenge, **{kind: target}).exists():
        raise Refused("already_linked", _("Cet objet répond déjà à ce défi (ou a déjà été proposé)."), status=409)
    try:
        with transaction.atomic():
            return ChallengeResponse.objects.create(
                challenge=challenge, kind=kind, status=status, note=(note or "").strip()[:500], proposed_by=actor,
                decided_by=decided_by, decided_at=timezone.now() if decided_by else None, **{kind: target})
    except IntegrityError:  # the same object proposed twice at once: the unique constraint decides
        raise Refused("already_linked", _("Cet objet répond déjà à ce défi (ou a déjà été proposé)."),
                      status=409) from None


@transaction.atomic
def response_propose(*, challenge: Challenge, actor, kind: str, target, note: str = "") -> ChallengeResponse:
    """A holder proposes their own object; the cell accepts or declines it."""
    challenge = Challenge.objects.select_related("territory").get(pk=challenge.pk)  # its status as it is now
    if challenge.status != Challenge.Status.OPEN:
        raise Refused("not_open", _("Ce défi n'est pas ouvert aux propositions."), status=409)
    _check_target(challenge, kind, target)
    if not holds(actor, kind, target):
        raise Refused("not_yours", _("Vous ne pouvez proposer que vos propres projets, kits, interventions et "
                                     "propositions, et les lieux que vous gérez."), status=403)
    response = _create(challenge, kind, target, actor=actor, status=ChallengeResponse.Status.PROPOSED, note=note)
    audit_record(actor=actor, action="challenge.response_propose", target=challenge, response=response.pk,
                 kind=kind, object=target.pk)
    return response


@transaction.atomic
def response_link(*, challenge: Challenge, actor, kind: str, target, note: str = "") -> ChallengeResponse:
    """The cell links an object itself (accepted at once), unless the member holds it: then it is proposed
    and another member decides (four eyes)."""
    _require_cell(actor, challenge.territory)
    _check_target(challenge, kind, target)
    if holds(actor, kind, target):
        response = _create(challenge, kind, target, actor=actor, status=ChallengeResponse.Status.PROPOSED,
                           note=note)
    else:
        response = _create(challenge, kind, target, actor=actor, status=ChallengeResponse.Status.ACCEPTED,
                           note=note, decided_by=actor)
    audit_record(actor=actor, action="challenge.response_link", target=challenge, response=response.pk,
                 kind=kind, object=target.pk, status=response.status)
    return response


@transaction.atomic
def response_decide(*, response: ChallengeResponse, actor, accept: bool, reason: str = "") -> ChallengeResponse:
    """The cell accepts or declines a proposed response (a reason is required to decline)."""
    response = (ChallengeResponse.objects.select_for_update(of=("self",))
                .select_related("challenge__territory", *ResponseKind.values).get(pk=response.pk))
    _require_cell(actor, response.challenge.territory)
    if response.proposed_by_id == actor.pk or holds(actor, response.kind, response.target):
        raise Refused("conflict_of_interest", _("Vous ne pouvez pas décider d'une réponse que vous avez proposée "
                                                "ou dont vous portez l'objet : un autre membre de la cellule le "
                                                "fera."), status=403)
    if response.status != ChallengeResponse.Status.PROPOSED:
        raise Refused("already_decided", _("Cette réponse a déjà été traitée."), status=409)
    reason = (reason or "").strip()
    if not accept and not reason:
        raise Refused("reason_required", _("Dites pourquoi vous déclinez cette réponse."))
    response.status = ChallengeResponse.Status.ACCEPTED if accept else ChallengeResponse.Status.DECLINED
    response.reason, response.decided_by, response.decided_at = reason, actor, timezone.now()
    response.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit_record(actor=actor, action="challenge.response_decide", target=response.challenge,
                 response=response.pk, status=response.status, reason=reason)
    return response


@transaction.atomic
def response_unlink(*, response: ChallengeResponse, actor) -> None:
    """The cell takes an object off a challenge's responses (linked by mistake, or no longer an answer). The
    object itself is untouched; it may be proposed or linked again."""
    response = ChallengeResponse.objects.select_related("challenge__territory").get(pk=response.pk)
    _require_cell(actor, response.challenge.territory)
    audit_record(actor=actor, action="challenge.response_unlink", target=response.challenge,
                 kind=response.kind, object=response.target_id, status=response.status)
    response.delete()


@transaction.atomic
def indicator_series_delete(*, series: IndicatorSeries, actor) -> int:
    """The cell deletes an indicator series and its values (imported under a wrong name, or no longer
    followed); returns how many values went with it. Audited, with the values' count."""
    _require_cell(actor, series.challenge.territory)
    points = series.points.count()
    audit_record(actor=actor, action="challenge.indicator_delete", target=series.challenge, series=series.name,
                 points=points)
    series.delete()
    return points


# --- indicators ------------------------------------------------------------------------------------

MAX_UPLOAD_BYTES = 1_000_000
MAX_LINES = 5_000
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")
_SPACES = re.compile(r"[\s\u00a0\u202f']")


@dataclass
class Rejected:
    line: int
    reason: str


@dataclass
class ParsedPoint:
    day: datetime.date
    neighbourhood: object | None
    value_milli: int
    unit: str


@dataclass
class Parsed:
    points: list[ParsedPoint] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)


class UploadRefused(Refused):
    """The file was refused as a whole: `rejected` lists every line refused, with its reason."""

    def __init__(self, rejected: list[Rejected], message=None):
        super().__init__("invalid_file", message or _("Le fichier n'a pas été importé : corrigez les lignes "
                                                      "signalées, rien n'a été enregistré."))
        self.rejected = rejected


def parse_value(text: str) -> int:
    """« 12,5 », « 1 234,567 », « 12.5 » → thousandths (12500). Raises ValueError past three decimals."""
    text = _SPACES.sub("", text).replace(",", ".")
    if not _NUMBER.match(text) or not text.isascii():
        raise ValueError("not a number")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError("not a number") from None
    milli = value * 1000
    if milli != milli.to_integral_value():
        raise ValueError("too precise")
    if abs(milli) >= 10 ** 15:
        raise ValueError("too large")
    return int(milli)


def parse_day(text: str) -> datetime.date:
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        day = datetime.date.fromisoformat(text)
    elif re.fullmatch(r"\d{2}/\d{2}/\d{4}", text):
        d, m, y = text.split("/")
        day = datetime.date(int(y), int(m), int(d))
    else:
        raise ValueError("not a date")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:  # year 1 would draw a chart of 24 000 months
        raise ValueError("not a plausible date")
    return day


def parse_indicator_csv(raw: bytes | str, *, territory) -> Parsed:
    """Read `date;quartier;valeur;unité` lines (',' or ';' between cells, decimal comma or point, an optional
    header line). Each line is either a point or a rejected line with its reason; nothing is written here."""
    parsed = Parsed()
    if isinstance(raw, bytes):
        if len(raw) > MAX_UPLOAD_BYTES:
            parsed.rejected.append(Rejected(0, _("Le fichier dépasse 1 Mo.")))
            return parsed
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's « Texte Unicode » is UTF-16
            encodings = ("utf-16",)
        elif raw.startswith((b"PK\x03\x04", b"%PDF", b"\xd0\xcf\x11\xe0")) or b"\x00" in raw[:4096]:
            encodings = ()  # a spreadsheet (.xlsx, .xls), a PDF, an image…: not text
        else:
            encodings = ("utf-8-sig", "cp1252")
        for encoding in encodings:
            try:
                raw = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        if isinstance(raw, bytes):
            parsed.rejected.append(Rejected(0, _("Ce fichier n'est pas un tableau CSV : enregistrez-le au format "
                                                 "CSV (séparateur point-virgule) puis importez-le.")))
            return parsed
    text = clean_text(raw)
    lines = text.splitlines()
    first = next((line for line in lines if line.strip()), "")
    delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    hoods = {}
    for n in territory.neighbourhoods.all():
        hoods[n.slug] = n
        hoods[fold(n.name)] = n
    if len(lines) > MAX_LINES + 1:
        parsed.rejected.append(Rejected(0, _("Le fichier dépasse %(n)d lignes.") % {"n": MAX_LINES}))
        return parsed
    seen: dict[tuple, int] = {}
    for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=1):
        if not any(c.strip() for c in cells):
            continue
        if number == 1 and fold(cells[0].strip()) in ("date", "jour", "day"):
            continue  # the header line
        if len(cells) != 4:
            parsed.rejected.append(Rejected(number, _("4 colonnes attendues (date, quartier, valeur, unité), "
                                                      "%(n)d trouvées.") % {"n": len(cells)}))
            continue
        day_text, hood_text, value_text, unit = (c.strip() for c in cells)
        try:
            day = parse_day(day_text)
        except ValueError:
            parsed.rejected.append(Rejected(number, _("Date illisible « %(value)s » (AAAA-MM-JJ ou JJ/MM/AAAA).")
                                            % {"value": day_text[:30]}))
            continue
        hood = None
        if hood_text:
            hood = hoods.get(hood_text) or hoods.get(fold(hood_text))
            if hood is None:
                parsed.rejected.append(Rejected(number, _("Quartier inconnu « %(value)s » sur ce territoire.")
                                                % {"value": hood_text[:60]}))
                continue
        try:
            value = parse_value(value_text)
        except ValueError:
            parsed.rejected.append(Rejected(number, _("Valeur illisible « %(value)s » (un nombre, au plus trois "
                                                      "décimales).") % {"value": value_text[:30]}))
            continue
        if not unit:
            parsed.rejected.append(Rejected(number, _("Unité manquante.")))
            continue
        if len(unit) > 30:
            parsed.rejected.append(Rejected(number, _("Unité trop longue (30 caractères au plus).")))
            continue
        key = (day, hood.pk if hood else None)
        if key in seen:
            parsed.rejected.append(Rejected(number, _("Même jour et même quartier que la ligne %(line)d.")
                                            % {"line": seen[key]}))
            continue
        seen[key] = number
        parsed.points.append(ParsedPoint(day, hood, value, unit))
    if not parsed.points and not parsed.rejected:
        parsed.rejected.append(Rejected(0, _("Le fichier ne contient aucune ligne.")))
    units = {p.unit for p in parsed.points}
    if len(units) > 1:
        expected = parsed.points[0].unit
        for p in parsed.points:
            if p.unit != expected:
                line = seen[(p.day, p.neighbourhood.pk if p.neighbourhood else None)]
                parsed.rejected.append(Rejected(line, _("Unité « %(unit)s » différente de celle de la série "
                                                        "(« %(expected)s »).") % {"unit": p.unit,
                                                                                  "expected": expected}))
        parsed.rejected.sort(key=lambda r: r.line)
    return parsed


@dataclass(frozen=True)
class UploadResult:
    series: IndicatorSeries
    created: int
    replaced: int


def indicators_upload(*, challenge: Challenge, actor, name: str, raw: bytes | str) -> UploadResult:
    """Add (or update) the series `name` of the challenge from a CSV file: all or nothing.

    A day and neighbourhood already in the series takes the new value (uploading the same file twice
    changes nothing). Any rejected line refuses the whole file (UploadRefused, every reason listed).
    """
    _require_cell(actor, challenge.territory)
    name = (name or "").strip()
    if not name or len(name) > 120:
        raise Refused("invalid", _("Nommez la série (120 caractères au plus)."))
    parsed = parse_indicator_csv(raw, territory=challenge.territory)
    if parsed.rejected:
        raise UploadRefused(parsed.rejected)
    unit = parsed.points[0].unit
    with transaction.atomic():
        series, _created = IndicatorSeries.objects.select_for_update().get_or_create(
            challenge=challenge, name=name, defaults={"unit": unit})
        if series.unit != unit:
            raise UploadRefused([Rejected(1, _("Unité « %(unit)s » différente de celle de la série "
                                               "(« %(expected)s »).") % {"unit": unit, "expected": series.unit})])
        existing = {(p.day, p.neighbourhood_id): p for p in series.points.all()}
        new, changed = [], []
        for point in parsed.points:
            key = (point.day, point.neighbourhood.pk if point.neighbourhood else None)
            old = existing.get(key)
            if old is None:
                new.append(IndicatorPoint(series=series, day=point.day, neighbourhood=point.neighbourhood,
                                          value_milli=point.value_milli))
            elif old.value_milli != point.value_milli:
                old.value_milli = point.value_milli
                changed.append(old)
        IndicatorPoint.objects.bulk_create(new)
        IndicatorPoint.objects.bulk_update(changed, ["value_milli"])
        series.save(update_fields=["updated_at"])
        audit_record(actor=actor, action="challenge.indicators_upload", target=challenge, series=series.pk,
                     name=name, created=len(new), replaced=len(changed))
    return UploadResult(series, len(new), len(changed))
