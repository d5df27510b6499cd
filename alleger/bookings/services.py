"""Writes of the bookings app: book, cancel, check in, no-show, waitlist and holds, series, trainings.

Every rule is the server's (pages and the API only call these), and a refusal is a `Refused` with a
code and a message in the person's language; nothing is written then.

Concurrency. The rules that read other bookings (overlap, capacity, quota, one's own double
booking) run with the writers that could conflict serialised; on SQLite every transaction is BEGIN
IMMEDIATE, so the database is that lock. On PostgreSQL:

- a shared resource (capacity > 1): its row lock (`SELECT … FOR UPDATE`), then the capacity check;
- a resource of capacity 1: the exclusion constraint `booking_no_overlap` decides at the insert (its
  violation becomes `slot_taken`), and the writers of overlapping ranges are serialised by advisory
  locks on the 15-minute buckets their range touches (`_range_locks`: two ranges that overlap share a
  bucket; they are taken in ascending order). Without them, simultaneous inserts of one range wait on
  each other's uncommitted rows while checking the constraint, and deadlock. Bookings of different
  slots take different locks and proceed side by side (a whole-room lock would queue every booking,
  fsync included, behind the one before). A resource with a quota also takes its row lock.
- a plain booking of a capacity-1 resource (no quota, not inside a larger transaction) is one
  statement, locks and insert, that is its own transaction (`_insert_one_statement`).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alleger.core.errors import Refused
from alleger.core.services import audit_record
from alleger.organisations.rules import belongs_to
from alleger.places.models import Place

from . import notifications, slots
from .models import (
    ACTIVE,
    Booking,
    CalendarToken,
    Qualification,
    Resource,
    Series,
    Status,
    Training,
    WaitlistEntry,
)
from .rules import manages

log = logging.getLogger(__name__)

#: How early before its start the manager may check a booking in.
CHECK_IN_EARLY = dt.timedelta(minutes=30)
MAX_WEEKS = 26
#: A place's reason for cancelling someone's booking, sent to them.
REASON_MAX = 500


def _now(now):
    return now or timezone.now()


# --- the rules --------------------------------------------------------------------------------


def check_request(*, resource: Resource, user, start: dt.datetime, end: dt.datetime, seats: int = 1,
                  now: dt.datetime | None = None, window: bool = True, no_shows: bool = True) -> None:
    """The rules that do not depend on other bookings: refuse with the first that fails.

    `window=False` skips the booking window (a waitlist's hold is offered for a slot asked before);
    `no_shows=False` leaves the count of no-shows, the last rule, to the caller's statement."""
    now = _now(now)
    if start is None or end is None or start.tzinfo is None or end.tzinfo is None or end <= start:
        raise Refused("invalid_range", _("Choisissez un début et une fin (la fin après le début)."))
    if not resource.active or resource.place.moderation != Place.Moderation.PUBLISHED:
        raise Refused("not_bookable", _("Cette ressource n'est pas réservable pour l'instant."), status=409)
    if seats < 1 or seats > resource.capacity or (resource.exclusive and seats != 1):
        raise Refused("invalid_seats", _("Le nombre de places doit être compris entre 1 et %(n)d.")
                      % {"n": resource.capacity})
    slot = dt.timedelta(minutes=resource.slot_minutes)
    if end - start > slot * resource.max_slots:
        raise Refused("too_long", _("Une réservation dure au plus %(n)d créneau(x) de %(m)d minutes.")
                      % {"n": resource.max_slots, "m": resource.slot_minutes})
    if not slots.aligned(resource.opening_hours, start, end, resource.slot_minutes):
        raise Refused("closed", _("Ce créneau n'est pas ouvert à la réservation : choisissez un créneau "
                                  "proposé, dans les horaires de la ressource."), status=409)
    if window:
        if start < now + dt.timedelta(minutes=resource.min_notice_minutes):
            raise Refused("too_late", _("Il est trop tard pour réserver ce créneau."), status=409)
        if start > now + dt.timedelta(days=resource.book_ahead_days):
            raise Refused("too_early", _("Ce créneau n'est pas encore ouvert : on réserve au plus %(n)d jours "
                                         "à l'avance.") % {"n": resource.book_ahead_days}, status=409)
    if resource.pricing == Resource.Pricing.MEMBERS and not belongs_to(user, resource.place.operator_id):
        raise Refused("members_only", _("Cette ressource est réservée aux membres du lieu."), status=403)
    if resource.training_id and not has_valid_training(user, resource.training, at=end):
        raise Refused("training_required", _("Cette ressource demande la formation « %(t)s », validée par le "
                                             "lieu et encore valable à la date choisie.")
                      % {"t": resource.training.name}, status=403)
    if no_shows:
        check_no_shows(user, now=now)


def _no_shows_since(now: dt.datetime) -> dt.datetime:
    return now - dt.timedelta(days=settings.BOOKINGS_NO_SHOW_DAYS)


def check_no_shows(user, *, now: dt.datetime) -> None:
    """Too many no-shows lately (settings.BOOKINGS_NO_SHOW_LIMIT in BOOKINGS_NO_SHOW_DAYS days; 0: never)."""
    limit = settings.BOOKINGS_NO_SHOW_LIMIT
    if limit and Booking.objects.filter(user=user, status=Status.NO_SHOW,
                                        start__gte=_no_shows_since(now)).count() >= limit:
        raise Refused("too_many_no_shows", _("Vous n'êtes pas venu(e) à %(n)d réservations ces %(d)d derniers "
                                             "jours : la réservation en ligne est suspendue. Adressez-vous au lieu.")
                      % {"n": limit, "d": settings.BOOKINGS_NO_SHOW_DAYS}, status=403)


def has_valid_training(user, training: Training, *, at: dt.datetime) -> bool:
    q = Qualification.objects.filter(training=training, user=user, status=Qualification.Status.VALIDATED)
    return q.filter(expires_at__isnull=True).exists() or q.filter(expires_at__gte=at).exists()


def _blocked_end(resource: Resource, end: dt.datetime) -> dt.datetime:
    return end + dt.timedelta(minutes=resource.buffer_minutes)


def _constraint_decides(resource: Resource) -> bool:
    """PostgreSQL's exclusion constraint guards this resource (capacity 1)."""
    return connection.vendor == "postgresql" and resource.exclusive


#: The advisory locks of a capacity-1 resource cover 15-minute buckets (the shortest slot).
BUCKET_SECONDS = 15 * 60


def _buckets(start: dt.datetime, blocked_end: dt.datetime) -> tuple[int, int]:
    return int(start.timestamp()) // BUCKET_SECONDS, (int(blocked_end.timestamp()) - 1) // BUCKET_SECONDS


def _range_locks(resource: Resource, start: dt.datetime, blocked_end: dt.datetime) -> None:
    first, last = _buckets(start, blocked_end)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(pg_advisory_xact_lock(%s, b::int)) FROM generate_series(%s::bigint, %s::bigint) "
                       "AS b", [resource.pk, first, last])


def _lock(resource: Resource, start: dt.datetime | None = None, end: dt.datetime | None = None) -> None:
    """Serialise the writers that could conflict with a write of [start, end) on this resource (see above).
    Without a range: what frees a place (cancel, no-show, expiry) and needs no insert."""
    if not _constraint_decides(resource) or resource.max_future_bookings:
        list(Resource.objects.select_for_update().filter(pk=resource.pk).values_list("pk"))
    if _constraint_decides(resource) and start is not None:
        _range_locks(resource, start, _blocked_end(resource, end))


def check_room(*, resource: Resource, user, start: dt.datetime, end: dt.datetime, seats: int = 1,
               now: dt.datetime | None = None) -> None:
    """The rules that read other bookings; call under `_lock(resource)`."""
    now = _now(now)
    if resource.max_future_bookings and Booking.objects.filter(
            resource=resource, user=user, status__in=ACTIVE, end__gt=now).count() >= resource.max_future_bookings:
        raise Refused("quota", _("Vous avez déjà %(n)d réservation(s) à venir de cette ressource, le maximum.")
                      % {"n": resource.max_future_bookings}, status=409)
    if _constraint_decides(resource):
        return  # PostgreSQL, capacity 1: the exclusion constraint decides, at the insert, under the lock
    blocked_end = _blocked_end(resource, end)
    taken = list(Booking.objects.filter(resource=resource, status__in=ACTIVE, start__lt=blocked_end,
                                        blocked_end__gt=start).values_list("start", "blocked_end", "seats", "user_id"))
    if any(user_id == user.pk for *_r, user_id in taken):
        raise _already_booked()
    if resource.exclusive:
        if taken:
            raise _taken(resource, user, start, end)
        return
    if slots.peak([t[:3] for t in taken], start, blocked_end) + seats > resource.capacity:
        raise Refused("full", _("Ce créneau est complet. Inscrivez-vous sur la liste d'attente : "
                                "une place libérée vous sera proposée."), status=409)


def _already_booked() -> Refused:
    return Refused("already_booked", _("Vous avez déjà une réservation sur ce créneau."), status=409)


def _own_overlap(resource: Resource, user, start, end) -> bool:
    return Booking.objects.filter(resource=resource, user=user, status__in=ACTIVE,
                                  start__lt=_blocked_end(resource, end), blocked_end__gt=start).exists()


def _taken(resource: Resource, user, start, end) -> Refused:
    """The refusal of a slot someone holds: not « just booked », nor a waitlist, when it is the person's own."""
    if _own_overlap(resource, user, start, end):
        return _already_booked()
    if resource.buffer_minutes and not Booking.objects.filter(resource=resource, status__in=ACTIVE, start__lt=end,
                                                              end__gt=start).exists():
        # Nobody holds these minutes: only the changeover time around a booking does.
        return Refused("changeover", _("Ce créneau touche une réservation : il faut %(b)d minutes de battement entre "
                                       "deux réservations. Choisissez un créneau un peu plus tôt ou plus tard.")
                       % {"b": resource.buffer_minutes}, status=409)
    return Refused("slot_taken", _("Ce créneau vient d'être réservé. Choisissez-en un autre ou inscrivez-vous "
                                   "sur la liste d'attente."), status=409)


def _price(resource: Resource, start, end) -> int:
    if resource.pricing == Resource.Pricing.FREE:
        return 0
    return resource.price_cents * int((end - start) / dt.timedelta(minutes=resource.slot_minutes))


#: Two simultaneous inserts of overlapping ranges may each wait for the other while checking the
#: exclusion constraint; PostgreSQL then aborts one of them (deadlock_detected), which rolls back to its
#: savepoint and tries again, and then sees the other's row.
DEADLOCK_RETRIES = 5


def _is_deadlock(exc) -> bool:
    return getattr(exc.__cause__, "sqlstate", None) == "40P01"


def _insert(*, resource, user, start, end, seats, status=Status.CONFIRMED, hold_until=None, purpose="",
            organisation=None, series=None, in_kind=False) -> Booking:
    for attempt in range(DEADLOCK_RETRIES):
        try:
            with transaction.atomic():
                return Booking.objects.create(
                    resource=resource, user=user, start=start, end=end, blocked_end=_blocked_end(resource, end),
                    exclusive=resource.exclusive, seats=seats, status=status, hold_until=hold_until,
                    price_cents=0 if in_kind else _price(resource, start, end), purpose=purpose,
                    organisation=organisation, series=series)
        except IntegrityError as exc:
            if "booking_no_overlap" in str(exc):
                raise _taken(resource, user, start, end) from exc
            raise
        except OperationalError as exc:
            if not _is_deadlock(exc) or attempt == DEADLOCK_RETRIES - 1:
                raise
    raise AssertionError("unreachable")


_ONE_STATEMENT = """
WITH locks AS MATERIALIZED (
    SELECT count(pg_advisory_xact_lock(%(resource)s, b::int)) AS n
      FROM generate_series(%(first)s::bigint, %(last)s::bigint) AS b)
INSERT INTO bookings_booking (resource_id, user_id, organisation_id, series_id, start, "end", blocked_end,
                              exclusive, seats, status, hold_until, price_cents, purpose, created_at, updated_at)
SELECT r.id, %(user)s, %(organisation)s, NULL, %(start)s, %(end)s, %(blocked_end)s, TRUE, 1, 'confirmed',
       NULL, %(price)s, %(purpose)s, %(now)s, %(now)s
  FROM bookings_resource r, locks
 WHERE r.id = %(resource)s AND locks.n >= 0
   AND (%(limit)s = 0 OR (SELECT count(*) FROM bookings_booking n WHERE n.user_id = %(user)s
                          AND n.status = 'no_show' AND n.start >= %(since)s) < %(limit)s)
RETURNING id
"""


def _insert_one_statement(*, resource, user, start, end, purpose, organisation, now) -> Booking:
    """PostgreSQL, capacity 1, autocommit: the range's locks and the insert in one statement (its own
    transaction), the exclusion constraint deciding. The same row as `_insert` writes."""
    booking = Booking(resource=resource, user=user, organisation=organisation, start=start, end=end,
                      blocked_end=_blocked_end(resource, end), exclusive=True, seats=1, status=Status.CONFIRMED,
                      price_cents=_price(resource, start, end), purpose=purpose)
    booking.created_at = booking.updated_at = timezone.now()
    first, last = _buckets(start, booking.blocked_end)
    params = {"first": first, "last": last, "resource": resource.pk, "user": user.pk, "organisation": organisation.pk if organisation else None,
              "start": start, "end": end, "blocked_end": booking.blocked_end, "price": booking.price_cents,
              "purpose": purpose, "now": booking.created_at, "limit": settings.BOOKINGS_NO_SHOW_LIMIT,
              "since": _no_shows_since(now)}
    try:
        with connection.cursor() as cursor:
            cursor.execute(_ONE_STATEMENT, params)
            row = cursor.fetchone()
    except IntegrityError as exc:
        if "booking_no_overlap" in str(exc):
            raise _taken(resource, user, start, end) from exc
        raise
    if row is None:  # the statement's own rule refused: the no-shows (or the resource is gone)
        check_no_shows(user, now=now)
        raise Refused("not_bookable", _("Cette ressource n'est pas réservable pour l'instant."), status=409)
    booking.pk = row[0]
    booking._state.adding = False
    return booking


# --- booking ----------------------------------------------------------------------------------


def booking_create(*, resource: Resource, user, start: dt.datetime, end: dt.datetime, seats: int = 1,
                   purpose: str = "", organisation=None, series: Series | None = None, in_kind: bool = False,
                   now: dt.datetime | None = None) -> Booking:
    """Book a slot. `in_kind`: given by the place (an accepted crowdfunding offer), so its price is 0."""
    now = _now(now)
    if organisation is not None and not belongs_to(user, organisation.pk):
        raise Refused("not_a_member", _("Vous n'êtes pas membre de ce groupe."), status=403)
    one_statement = (_constraint_decides(resource) and not resource.max_future_bookings and series is None
                     and not in_kind and not connection.in_atomic_block)
    check_request(resource=resource, user=user, start=start, end=end, seats=seats, now=now,
                  no_shows=not one_statement)
    if one_statement:
        booking = _insert_one_statement(resource=resource, user=user, start=start, end=end, purpose=purpose,
                                        organisation=organisation, now=now)
    else:
        with transaction.atomic():
            _lock(resource, start, end)
            check_room(resource=resource, user=user, start=start, end=end, seats=seats, now=now)
            booking = _insert(resource=resource, user=user, start=start, end=end, seats=seats, purpose=purpose,
                              organisation=organisation, series=series, in_kind=in_kind)
    if series is None:  # a weekly series is one page of dates, not an e-mail per week
        _confirm(booking, now)
    return booking


def cancel_until(booking: Booking) -> dt.datetime:
    """Until when the person may cancel online (a place cancels any time)."""
    return booking.start - dt.timedelta(hours=booking.resource.cancel_hours)


def _confirm(booking: Booking, now: dt.datetime) -> None:
    until = cancel_until(booking)
    notifications.booking_confirmed(booking, cancel_until=until, cancellable=now <= until)
    notifications.place_told_booked([booking])


def booking_cancel(*, booking: Booking, actor, reason: str = "", now: dt.datetime | None = None,
                   account_closed: bool = False, tell_place: bool = True) -> Booking:
    """The person cancels before the deadline (a hold may be declined any time); the manager any time,
    and the person is told by e-mail, with the manager's `reason` if given. A person closing their
    account releases every booking to come, past the deadline too (`account_closed`): nobody will come.
    A cancellation by the person is signalled to the place (`tell_place=False`: the caller does it)."""
    now = _now(now)
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise Refused("invalid", _("Le motif fait au plus %(max)s caractères.") % {"max": REASON_MAX})
    resource = booking.resource
    by_manager = actor.pk != booking.user_id
    if by_manager and not (manages(actor, resource.place) or actor.is_superuser):
        raise Refused("forbidden", _("Vous ne pouvez pas annuler cette réservation."), status=403)
    if (not by_manager and not account_closed and booking.status == Status.CONFIRMED
            and now > cancel_until(booking)):
        raise Refused("cancel_too_late", _("L'annulation en ligne n'est plus possible (au plus tard %(h)d h avant "
                                           "le début). Prévenez le lieu.") % {"h": resource.cancel_hours},
                      status=409)
    with transaction.atomic():
        _lock(resource)
        # Confirmed, then held: which one it was is read from the row under the lock, not from this
        # instance (a hold claimed in another tab meanwhile is a confirmed booking the place must hear of).
        confirmed = Booking.objects.filter(pk=booking.pk, status=Status.CONFIRMED).update(
            status=Status.CANCELLED, updated_at=now)
        moved = confirmed or Booking.objects.filter(pk=booking.pk, status=Status.HELD).update(
            status=Status.CANCELLED, updated_at=now)
        if not moved:
            raise Refused("not_active", _("Cette réservation n'est plus active."), status=409)
        WaitlistEntry.objects.filter(booking=booking, status=WaitlistEntry.Status.OFFERED).update(
            status=WaitlistEntry.Status.LEFT)
        if by_manager:
            audit_record(actor=actor, action="booking.cancel", target=booking, reason=reason)
            notifications.booking_cancelled_by_place(booking, reason=reason)
        elif tell_place and confirmed:  # a hold declined was never the place's
            notifications.place_told_cancelled([booking])
    offer_freed(resource, now=now)
    booking.refresh_from_db()
    booking.was_confirmed = bool(confirmed)
    return booking


def series_cancel(*, series: Series, actor, now: dt.datetime | None = None) -> tuple[int, list[Booking]]:
    """The person who booked a series cancels its dates to come at once: each one still cancellable online
    (before its deadline) is cancelled and its slot offered to the waitlist. Returns how many were, and the
    dates kept because it is too late for them (the person warns the place)."""
    now = _now(now)
    if actor.pk != series.user_id:
        raise Refused("forbidden", _("Seule la personne qui a réservé la série l'annule."), status=403)
    cancelled, kept, gone = 0, [], []
    for booking in series.bookings.filter(status__in=(Status.HELD, Status.CONFIRMED), start__gt=now).order_by(
            "start").select_related("resource__place"):
        if booking.status == Status.CONFIRMED and now > cancel_until(booking):
            kept.append(booking)
            continue
        try:
            booking_cancel(booking=booking, actor=actor, now=now, tell_place=False)
        except Refused:  # cancelled meanwhile (another tab, the place): nothing left to do for it
            continue
        if booking.was_confirmed:
            gone.append(booking)
        cancelled += 1
    notifications.place_told_cancelled(gone, series=series)  # one e-mail for the series
    return cancelled, kept


def booking_check_in(*, booking: Booking, actor, now: dt.datetime | None = None) -> Booking:
    now = _now(now)
    if not (booking.start - CHECK_IN_EARLY <= now < booking.end):
        raise Refused("not_now", _("La présence se constate pendant le créneau (ou 30 minutes avant)."), status=409)
    return _mark(booking, actor, Status.CHECKED_IN, now)


def booking_no_show(*, booking: Booking, actor, now: dt.datetime | None = None) -> Booking:
    """The person did not come: the rest of the slot is released (and offered to the waitlist), and it
    counts against them (settings.BOOKINGS_NO_SHOW_LIMIT)."""
    now = _now(now)
    if now < booking.start:
        raise Refused("not_started", _("Une absence se constate après le début du créneau."), status=409)
    return _mark(booking, actor, Status.NO_SHOW, now)


def _mark(booking, actor, status, now):
    if not (manages(actor, booking.resource.place) or actor.is_superuser):
        raise Refused("forbidden", _("Seul le lieu constate les présences."), status=403)
    with transaction.atomic():
        _lock(booking.resource)
        if not Booking.objects.filter(pk=booking.pk, status=Status.CONFIRMED).update(status=status, updated_at=now):
            raise Refused("not_active", _("Cette réservation n'est plus en attente de présence."), status=409)
        audit_record(actor=actor, action=f"booking.{status}", target=booking)
    if status == Status.NO_SHOW:
        offer_freed(booking.resource, now=now)
    booking.refresh_from_db()
    return booking


# --- the waitlist -----------------------------------------------------------------------------


def waitlist_join(*, resource: Resource, user, start, end, seats: int = 1,
                  now: dt.datetime | None = None) -> WaitlistEntry:
    now = _now(now)
    check_request(resource=resource, user=user, start=start, end=end, seats=seats, now=now)
    with transaction.atomic():
        _lock(resource, start, end)
        if _own_overlap(resource, user, start, end):
            raise _already_booked()  # waiting for one's own slot would take it back from the next in line
        if WaitlistEntry.objects.filter(resource=resource, user=user, start=start,
                                        status__in=(WaitlistEntry.Status.WAITING, WaitlistEntry.Status.OFFERED)).exists():
            raise Refused("already_waiting", _("Vous êtes déjà sur la liste d'attente de ce créneau."), status=409)
        try:
            check_room(resource=resource, user=user, start=start, end=end, seats=seats, now=now)
        except Refused as exc:
            if exc.code not in ("full", "slot_taken"):
                raise
        else:
            if not _constraint_decides(resource):
                raise Refused("not_full", _("Ce créneau est libre : réservez-le directement."), status=409)
            if not Booking.objects.filter(resource=resource, status__in=ACTIVE, start__lt=_blocked_end(resource, end),
                                          blocked_end__gt=start).exists():
                raise Refused("not_full", _("Ce créneau est libre : réservez-le directement."), status=409)
        return WaitlistEntry.objects.create(resource=resource, user=user, start=start, end=end, seats=seats)


def waitlist_leave(*, entry: WaitlistEntry, user) -> None:
    if entry.user_id != user.pk:
        raise Refused("forbidden", _("Ce n'est pas votre inscription."), status=403)
    WaitlistEntry.objects.filter(pk=entry.pk, status=WaitlistEntry.Status.WAITING).update(
        status=WaitlistEntry.Status.LEFT)


def offer_freed(resource: Resource, *, now: dt.datetime | None = None) -> list[Booking]:
    """Offer what fits now to the waitlist, first come first served: each a held booking that the person
    confirms before `hold_until`.

    Its own transaction, after the one that freed the slot has committed: on PostgreSQL a new booking
    waiting on the freed row must not also wait on the offer's row (a deadlock). A crash in between
    leaves a free slot and a waiting person: the periodic `bookings_expire_holds` offers it then."""
    now = _now(now)
    with transaction.atomic():
        _lock(resource)
        return _offer(resource, now)


def _offer(resource: Resource, now: dt.datetime) -> list[Booking]:
    offered = []
    hold_until = now + dt.timedelta(minutes=settings.BOOKINGS_HOLD_MINUTES)
    for entry in WaitlistEntry.objects.filter(resource=resource, status=WaitlistEntry.Status.WAITING,
                                              start__gt=now).select_related("user").order_by("created_at", "pk"):
        try:
            check_request(resource=resource, user=entry.user, start=entry.start, end=entry.end, seats=entry.seats,
                          now=now, window=False)
        except Refused:
            WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.PASSED)
            continue
        try:
            _lock(resource, entry.start, entry.end)
            check_room(resource=resource, user=entry.user, start=entry.start, end=entry.end, seats=entry.seats,
                       now=now)
            booking = _insert(resource=resource, user=entry.user, start=entry.start, end=entry.end,
                              seats=entry.seats, status=Status.HELD, hold_until=min(hold_until, entry.start))
        except Refused:
            continue  # still full for this one: the next in line may want another slot
        WaitlistEntry.objects.filter(pk=entry.pk).update(status=WaitlistEntry.Status.OFFERED, booking=booking)
        offered.append(booking)
        _schedule_expiry(booking)
        notifications.hold_offered(booking)
    return offered


def _schedule_expiry(booking: Booking) -> None:
    from . import tasks

    def queue():
        try:
            tasks.expire_hold.schedule((booking.pk,), eta=booking.hold_until)
        except Exception:  # noqa: BLE001 — the periodic `bookings_expire_holds` catches what the queue misses
            log.exception("could not queue the expiry of hold %s", booking.pk)

    transaction.on_commit(queue)


def hold_claim(*, booking: Booking, user, now: dt.datetime | None = None) -> Booking:
    now = _now(now)
    if booking.user_id != user.pk:
        raise Refused("forbidden", _("Ce créneau est proposé à quelqu'un d'autre."), status=403)
    with transaction.atomic():
        if not Booking.objects.filter(pk=booking.pk, status=Status.HELD, hold_until__gt=now).update(
                status=Status.CONFIRMED, hold_until=None, updated_at=now):
            raise Refused("hold_expired", _("Ce créneau ne vous est plus réservé : le délai pour le confirmer est "
                                            "passé."), status=409)
        WaitlistEntry.objects.filter(booking=booking).update(status=WaitlistEntry.Status.CLAIMED)
    booking.refresh_from_db()
    _confirm(booking, now)
    return booking


def hold_expire(booking_id: int, *, now: dt.datetime | None = None) -> bool:
    """An unclaimed hold passes to the next in line. Idempotent: a claimed, cancelled or already expired
    booking, or one whose hold still runs, is left alone (False)."""
    now = _now(now)
    booking = Booking.objects.select_related("resource__place").filter(pk=booking_id).first()
    if booking is None:
        return False
    with transaction.atomic():
        _lock(booking.resource)
        if not Booking.objects.filter(pk=booking_id, status=Status.HELD, hold_until__lte=now).update(
                status=Status.EXPIRED, updated_at=now):
            return False
        WaitlistEntry.objects.filter(booking_id=booking_id, status=WaitlistEntry.Status.OFFERED).update(
            status=WaitlistEntry.Status.PASSED)
    offer_freed(booking.resource, now=now)
    return True


def holds_expire_due(*, now: dt.datetime | None = None) -> int:
    """The periodic sweep: expire the holds that are due, and offer what a crash may have left free."""
    now = _now(now)
    due = Booking.objects.filter(status=Status.HELD, hold_until__lte=now).values_list("pk", flat=True)
    expired = sum(hold_expire(pk, now=now) for pk in list(due))
    waiting = WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING, start__gt=now).values_list(
        "resource_id", flat=True).distinct()
    for resource in Resource.objects.filter(pk__in=list(waiting)).select_related("place"):
        offer_freed(resource, now=now)
    return expired


# --- recurring bookings -----------------------------------------------------------------------


def series_book(*, resource: Resource, user, start: dt.datetime, end: dt.datetime, weeks: int, title: str,
                organisation=None, now: dt.datetime | None = None) -> Series:
    """The same slot every week for `weeks` weeks (same local time, across a change of time): the free
    dates are booked, the others are listed in `series.conflicts` with the reason."""
    now = _now(now)
    if not 1 <= weeks <= MAX_WEEKS:
        raise Refused("invalid_weeks", _("Entre 1 et %(n)d semaines.") % {"n": MAX_WEEKS})
    if organisation is not None and not belongs_to(user, organisation.pk):
        raise Refused("not_a_member", _("Vous n'êtes pas membre de ce groupe."), status=403)
    if start < now:  # else its past weeks would be listed as so many conflicts, and the rest booked
        raise Refused("too_late", _("La première date de la série est passée : choisissez une date à venir."),
                      status=409)
    zone = timezone.get_current_timezone()
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    with transaction.atomic():
        series = Series.objects.create(resource=resource, user=user, organisation=organisation,
                                       title=title or resource.name)
        conflicts = []
        for week in range(weeks):
            shift = dt.timedelta(weeks=week)
            s = (local_start.replace(tzinfo=None) + shift).replace(tzinfo=zone)
            e = (local_end.replace(tzinfo=None) + shift).replace(tzinfo=zone)
            try:
                booking_create(resource=resource, user=user, start=s, end=e, organisation=organisation,
                               series=series, purpose=title, now=now)
            except Refused as exc:
                conflicts.append({"date": s.date().isoformat(), "start": s.isoformat(), "code": exc.code,
                                  "message": str(exc.message)})
        if len(conflicts) == weeks:  # nothing booked: a refusal, not a series of refusals
            raise Refused("nothing_booked", _("Aucune date n'a pu être réservée. Pour la première : %(reason)s")
                          % {"reason": conflicts[0]["message"]}, status=409)
        series.conflicts = conflicts
        series.save(update_fields=["conflicts"])
        booked = list(series.bookings.order_by("start"))
        notifications.series_booked(series, booked)
        notifications.place_told_booked(booked, series=series)
    return series


# --- trainings --------------------------------------------------------------------------------


def training_request(*, training: Training, user) -> Qualification:
    """Sign up for a training (the manager validates it once attended)."""
    with transaction.atomic():
        qualification, created = Qualification.objects.get_or_create(training=training, user=user)
        if not created and qualification.status == Qualification.Status.REVOKED:
            qualification.status = Qualification.Status.REQUESTED
            qualification.save(update_fields=["status"])
    return qualification


def training_validate(*, training: Training, user, actor, now: dt.datetime | None = None) -> Qualification:
    """The manager validates that `user` attended; it lasts training.validity_days (or for good)."""
    now = _now(now)
    if not (manages(actor, training.place) or actor.is_superuser):
        raise Refused("forbidden", _("Seul le lieu valide ses formations."), status=403)
    with transaction.atomic():
        qualification, _created = Qualification.objects.select_for_update().get_or_create(training=training, user=user)
        qualification.status = Qualification.Status.VALIDATED
        qualification.validated_by = actor
        qualification.validated_at = now
        qualification.expires_at = (now + dt.timedelta(days=training.validity_days)) if training.validity_days else None
        qualification.save()
        audit_record(actor=actor, action="training.validate", target=qualification, user=user.pk)
    return qualification


def training_revoke(*, qualification: Qualification, actor) -> Qualification:
    if not (manages(actor, qualification.training.place) or actor.is_superuser):
        raise Refused("forbidden", _("Seul le lieu valide ses formations."), status=403)
    with transaction.atomic():
        Qualification.objects.filter(pk=qualification.pk).update(status=Qualification.Status.REVOKED)
        audit_record(actor=actor, action="training.revoke", target=qualification)
    qualification.refresh_from_db()
    return qualification


# --- calendar feeds ---------------------------------------------------------------------------


def calendar_token_create(*, user) -> tuple[CalendarToken, str]:
    """A new secret link to one's calendar feed; the raw secret is returned once."""
    raw = CalendarToken.generate_raw()
    token = CalendarToken.objects.create(user=user, key_hash=CalendarToken.hash(raw), hint=raw[:10])
    return token, raw


def calendar_token_revoke(*, token: CalendarToken, user) -> None:
    if token.user_id != user.pk:
        raise Refused("forbidden", _("Ce lien n'est pas le vôtre."), status=403)
    token.delete()


# --- resources (the admin's writes) -----------------------------------------------------------


def resource_save(*, resource: Resource, actor) -> Resource:
    """Create or change a resource (checked, audited). Existing bookings stay as they are; a change of
    capacity applies to new bookings."""
    with transaction.atomic():
        resource.full_clean()
        created = resource.pk is None
        resource.save()
        audit_record(actor=actor, action="resource.create" if created else "resource.change", target=resource)
    return resource


def training_save(*, training: Training, actor) -> Training:
    with transaction.atomic():
        training.full_clean()
        created = training.pk is None
        training.save()
        audit_record(actor=actor, action="training.create" if created else "training.change", target=training)
    return training
