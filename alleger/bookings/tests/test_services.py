"""The booking rules, each refusal with its code and nothing written (SQLite and PostgreSQL)."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from alleger.bookings import selectors, services
from alleger.bookings.models import Booking, Qualification, Resource, Status, WaitlistEntry
from alleger.core.models import AuditEvent
from alleger.testing.factories import UserFactory

from .conftest import NOW, at

pytestmark = pytest.mark.django_db


def book(resource, user, start, end=None, **kw):
    return services.booking_create(resource=resource, user=user, start=start, end=end or start + dt.timedelta(hours=1),
                                   now=kw.pop("now", NOW), **kw)


def refused(code, fn, *args, **kw):
    before = Booking.objects.count(), WaitlistEntry.objects.count()
    with pytest.raises(ValidationError) as exc:
        fn(*args, **kw)
    assert exc.value.code == code, exc.value
    assert (Booking.objects.count(), WaitlistEntry.objects.count()) == before  # nothing written
    return exc.value


def test_a_free_slot_is_booked_and_recorded(room, resident):
    booking = book(room, resident, at(1, 10), at(1, 12))
    assert booking.status == Status.CONFIRMED and booking.exclusive
    assert booking.blocked_end == at(1, 12, 15)  # the 15-minute buffer


def test_a_capacity_one_room_refuses_an_overlap_and_its_buffer(room, resident, other_resident):
    book(room, resident, at(1, 10))
    refused("slot_taken", book, room, other_resident, at(1, 10))
    # 11:00 starts inside the 15-minute buffer after 10:00-11:00
    refused("changeover", book, room, other_resident, at(1, 11))
    assert book(room, other_resident, at(1, 12)).status == Status.CONFIRMED


def test_one_s_own_slot_is_already_booked_not_just_taken_and_has_no_waitlist(room, resident, other_resident):
    """Asking again for a slot one holds: not « just booked by someone », and no waitlist for it (cancelling
    would hand it straight back as a hold, blocking the next in line)."""
    mine = book(room, resident, at(1, 10))
    refused("already_booked", book, room, resident, at(1, 10))
    refused("already_booked", services.waitlist_join, resource=room, user=resident, start=at(1, 10),
            end=at(1, 11), now=NOW)
    refused("slot_taken", book, room, other_resident, at(1, 10))  # for anyone else, it is taken
    services.booking_cancel(booking=mine, actor=resident, now=NOW)
    assert not Booking.objects.filter(user=resident, status=Status.HELD).exists()


@pytest.mark.parametrize(("start", "end", "code"), [
    (at(1, 10), at(1, 10), "invalid_range"),
    (at(1, 10, 30), at(1, 11, 30), "closed"),  # not on the slot grid
    (at(1, 21), at(1, 23), "closed"),  # past closing time
    (at(1, 6), at(1, 7), "closed"),
    (at(1, 8), at(1, 13), "too_long"),  # five slots, four at most
    (at(-1, 10), at(-1, 11), "too_late"),
    (at(70, 10), at(70, 11), "too_early"),
])
def test_the_time_rules(room, resident, start, end, code):
    refused(code, book, room, resident, start, end)


def test_the_minimum_notice(room, resident):
    room.min_notice_minutes = 120
    room.save()
    refused("too_late", book, room, resident, at(0, 10))
    assert book(room, resident, at(0, 11))


def test_a_shared_workshop_takes_its_capacity_then_is_full(workshop, resident):
    people = [UserFactory() for _ in range(5)]
    for person in people:
        book(workshop, person, at(1, 14))
    refused("full", book, workshop, resident, at(1, 14))
    refused("already_booked", book, workshop, people[0], at(1, 14))
    # capacity counts at each instant: two half-overlapping bookings do not add up where they do not meet
    assert book(workshop, resident, at(1, 15))


def test_seats_within_capacity(workshop, room, resident):
    refused("invalid_seats", book, workshop, resident, at(1, 14), seats=6)
    refused("invalid_seats", book, room, resident, at(1, 14), seats=2)
    assert book(workshop, resident, at(1, 14), seats=5).seats == 5


def test_a_machine_needs_a_validated_training_that_has_not_expired(laser, training, resident, org_member):
    error = refused("training_required", book, laser, resident, at(1, 10))
    assert "Initiation à la découpeuse laser" in str(error.message)
    services.training_request(training=training, user=resident)
    refused("training_required", book, laser, resident, at(1, 10))  # asked for, not validated
    with pytest.raises(ValidationError):  # a resident may not validate
        services.training_validate(training=training, user=resident, actor=resident, now=NOW)
    services.training_validate(training=training, user=resident, actor=org_member, now=NOW - dt.timedelta(days=29))
    assert AuditEvent.objects.filter(action="training.validate").exists()
    booking = book(laser, resident, at(0, 14))  # valid one more day
    assert booking.price_cents == 500
    refused("training_required", book, laser, resident, at(2, 14))  # it will have expired by then


def test_members_only(place, resident, org_member):
    desk = Resource.objects.create(place=place, name="Bureau", kind=Resource.Kind.DESK, capacity=6,
                                   opening_hours="Mo-Fr 09:00-18:00", pricing=Resource.Pricing.MEMBERS,
                                   price_cents=800)
    refused("members_only", book, desk, resident, at(1, 9))
    assert book(desk, org_member, at(1, 9), at(1, 11)).price_cents == 1600


def test_the_quota(room, resident):
    room.max_future_bookings = 2
    room.buffer_minutes = 0
    room.save()
    book(room, resident, at(1, 10))
    book(room, resident, at(2, 10))
    refused("quota", book, room, resident, at(3, 10))


def test_cancel_before_the_deadline_only(room, resident, org_member):
    soon = book(room, resident, at(0, 20))  # in 11 hours: the deadline (24 h) is past
    later = book(room, resident, at(3, 10))
    refused("cancel_too_late", services.booking_cancel, booking=soon, actor=resident, now=NOW)
    assert services.booking_cancel(booking=later, actor=resident, now=NOW).status == Status.CANCELLED
    # the manager may cancel late (audited)
    assert services.booking_cancel(booking=soon, actor=org_member, now=NOW).status == Status.CANCELLED
    assert AuditEvent.objects.filter(action="booking.cancel").count() == 1
    refused("not_active", services.booking_cancel, booking=soon, actor=org_member, now=NOW)


def test_a_stranger_may_not_cancel(room, resident, other_resident):
    booking = book(room, resident, at(3, 10))
    refused("forbidden", services.booking_cancel, booking=booking, actor=other_resident, now=NOW)


def test_check_in_and_no_show(room, resident, org_member):
    booking = book(room, resident, at(0, 10))
    refused("forbidden", services.booking_check_in, booking=booking, actor=resident, now=at(0, 10))
    refused("not_now", services.booking_check_in, booking=booking, actor=org_member, now=at(0, 9))
    assert services.booking_check_in(booking=booking, actor=org_member, now=at(0, 9, 45)).status == Status.CHECKED_IN
    other = book(room, resident, at(0, 14))
    refused("not_started", services.booking_no_show, booking=other, actor=org_member, now=at(0, 13))
    assert services.booking_no_show(booking=other, actor=org_member, now=at(0, 14, 20)).status == Status.NO_SHOW


def test_no_shows_count_against_the_person(room, resident, org_member, settings):
    settings.BOOKINGS_NO_SHOW_LIMIT = 2
    room.buffer_minutes = 0
    room.save()
    for hour in (10, 12):
        b = book(room, resident, at(0, hour))
        services.booking_no_show(booking=b, actor=org_member, now=at(0, hour, 10))
    error = refused("too_many_no_shows", book, room, resident, at(2, 10))
    assert "2" in str(error.message)
    settings.BOOKINGS_NO_SHOW_LIMIT = 0  # 0: never counted
    assert book(room, resident, at(2, 10))


def test_a_no_show_releases_the_slot(room, resident, other_resident, org_member):
    room.max_slots = 8
    room.save()
    booking = book(room, resident, at(0, 10), at(0, 14))
    services.booking_no_show(booking=booking, actor=org_member, now=at(0, 10, 30))
    assert book(room, other_resident, at(0, 12), now=at(0, 10, 30))


def test_the_waitlist_offers_a_freed_slot_with_a_hold_then_passes_it_on(room, resident, other_resident, settings):
    settings.BOOKINGS_HOLD_MINUTES = 60
    third = UserFactory()
    first = book(room, UserFactory(), at(2, 10))
    refused("not_full", services.waitlist_join, resource=room, user=resident, start=at(2, 12),
            end=at(2, 13), now=NOW)
    services.waitlist_join(resource=room, user=resident, start=at(2, 10), end=at(2, 11), now=NOW)
    services.waitlist_join(resource=room, user=third, start=at(2, 10), end=at(2, 11), now=NOW)
    refused("already_waiting", services.waitlist_join, resource=room, user=resident, start=at(2, 10),
            end=at(2, 11), now=NOW)

    services.booking_cancel(booking=first, actor=first.user, now=NOW)
    held = Booking.objects.get(user=resident, status=Status.HELD)
    assert held.hold_until == NOW + dt.timedelta(minutes=60)
    refused("slot_taken", book, room, other_resident, at(2, 10))  # the hold keeps it

    assert services.hold_expire(held.pk, now=NOW + dt.timedelta(minutes=30)) is False  # not yet
    assert services.hold_expire(held.pk, now=NOW + dt.timedelta(minutes=61)) is True
    assert services.hold_expire(held.pk, now=NOW + dt.timedelta(minutes=62)) is False  # idempotent
    held.refresh_from_db()
    assert held.status == Status.EXPIRED
    assert WaitlistEntry.objects.get(user=resident).status == WaitlistEntry.Status.PASSED
    passed_on = Booking.objects.get(user=third, status=Status.HELD)
    refused("hold_expired", services.hold_claim, booking=held, user=resident, now=NOW + dt.timedelta(minutes=62))
    claimed = services.hold_claim(booking=passed_on, user=third, now=NOW + dt.timedelta(minutes=70))
    assert claimed.status == Status.CONFIRMED
    assert WaitlistEntry.objects.get(user=third).status == WaitlistEntry.Status.CLAIMED


def test_the_expiry_job_is_idempotent(room, resident, settings):
    from alleger.bookings import tasks

    first = book(room, UserFactory(), at(2, 10))
    services.waitlist_join(resource=room, user=resident, start=at(2, 10), end=at(2, 11), now=NOW)
    services.booking_cancel(booking=first, actor=first.user, now=NOW)
    held = Booking.objects.get(user=resident, status=Status.HELD)
    Booking.objects.filter(pk=held.pk).update(hold_until=timezone.now() - dt.timedelta(minutes=1))  # past
    assert tasks.expire_hold.call_local(held.pk) is True
    assert tasks.expire_hold.call_local(held.pk) is False
    assert services.holds_expire_due() == 0


def test_a_recurring_group_booking_reports_its_conflicts(room, org_member, organisation, resident):
    taken = book(room, resident, at(15, 18))  # the third Tuesday is taken
    series = services.series_book(resource=room, user=org_member, start=at(1, 18), end=at(1, 20), weeks=10,
                                  title="Répétition de la chorale", organisation=organisation, now=NOW)
    assert series.bookings.count() == 8  # the third is taken, the tenth (63 days on) past the 60-day window
    conflicts = {c["date"]: c["code"] for c in series.conflicts}
    assert conflicts[taken.start.date().isoformat()] == "slot_taken"
    assert set(conflicts.values()) <= {"slot_taken", "too_early"}
    assert all(b.organisation == organisation for b in series.bookings.all())
    refused("not_a_member", services.series_book, resource=room, user=resident, start=at(1, 18), end=at(1, 20),
            weeks=2, title="x", organisation=organisation, now=NOW)


def test_a_series_is_confirmed_in_one_e_mail_with_the_dates_it_could_not_book(
        room, org_member, resident, django_capture_on_commit_callbacks, mailoutbox):
    book(room, resident, at(8, 18))  # the second week is taken
    with django_capture_on_commit_callbacks(execute=True):
        series = services.series_book(resource=room, user=org_member, start=at(1, 18), end=at(1, 20), weeks=3,
                                      title="Répétition de la chorale", now=NOW)
    [message] = [m for m in mailoutbox if m.to == [org_member.email]]
    assert message.subject == "[Alléger] Série réservée : Salle Jacquard, 2 dates"
    assert "Votre série « Répétition de la chorale »" in message.body
    assert "mardi 15 janvier 2030 : Ce créneau vient d'être réservé" in message.body.split("Dates non réservées")[1]
    assert message.body.count("18:00–20:00") == 2
    assert series.get_absolute_url() in message.body


def test_a_series_is_cancelled_at_once_but_for_the_dates_too_close_to_cancel_online(room, org_member, resident):
    series = services.series_book(resource=room, user=org_member, start=at(1, 18), end=at(1, 20), weeks=3,
                                  title="Chorale", now=NOW)
    refused("forbidden", services.series_cancel, series=series, actor=resident, now=NOW)
    # The first date starts in 33 hours, the deadline is 24 hours: at its 10th hour, the first is too late.
    later = at(1, 18) - dt.timedelta(hours=10)
    cancelled, kept = services.series_cancel(series=series, actor=org_member, now=later)
    assert cancelled == 2 and [b.start for b in kept] == [at(1, 18)]
    assert [b.status for b in series.bookings.order_by("start")] == [Status.CONFIRMED, Status.CANCELLED,
                                                                       Status.CANCELLED]


def test_a_series_cannot_start_in_the_past(room, org_member):
    refused("too_late", services.series_book, resource=room, user=org_member, start=at(-7, 18), end=at(-7, 20),
            weeks=4, title="Chorale", now=NOW)
    assert not Booking.objects.exists()


def test_a_recurring_booking_keeps_its_local_time_across_a_change_of_time(room, org_member):
    # From Tuesday 19 March 2030, 18:00: the clocks go forward on the 31st.
    start = dt.datetime(2030, 3, 19, 18, tzinfo=at(0, 0).tzinfo)
    series = services.series_book(resource=room, user=org_member, start=start, end=start + dt.timedelta(hours=1),
                                  weeks=3, title="Club", now=dt.datetime(2030, 3, 18, 9, tzinfo=start.tzinfo))
    assert [timezone.localtime(b.start).hour for b in series.bookings.order_by("start")] == [18, 18, 18]


def test_free_slots_and_occupancy(room, workshop, resident):
    book(workshop, resident, at(1, 10), seats=2)
    grid = {s.start: s for s in selectors.slot_grid(workshop, since=NOW, days=3)}
    assert grid[at(1, 10)].free == 3 and grid[at(1, 11)].free == 5
    book(room, resident, at(1, 10), at(1, 12))
    free = {s.start for s in selectors.free_slots(room, since=NOW, days=3)}
    assert at(1, 10) not in free and at(1, 11) not in free
    assert at(1, 12) not in free  # in the buffer: 12:00 would overlap 12:00-12:15
    grid = {s.start: s for s in selectors.slot_grid(room, since=NOW, days=3)}
    # Held by the booking: « complet »; held only by the changeover time around it: said so
    assert not grid[at(1, 10)].changeover and not grid[at(1, 11)].changeover
    assert grid[at(1, 12)].changeover and grid[at(1, 9)].changeover
    assert not grid[at(1, 13)].changeover and grid[at(1, 13)].is_free
    assert at(1, 13) in free
    rows = selectors.occupancy([room], first=NOW.date(), weeks=1)
    assert rows[0]["open"] == 14 * 7 and rows[0]["booked"] == 2
    assert rows[0]["percent"] == round(200 / 98)


def test_training_revoked(laser, training, resident, org_member):
    q = services.training_validate(training=training, user=resident, actor=org_member, now=NOW)
    services.training_revoke(qualification=q, actor=org_member)
    assert Qualification.objects.get(pk=q.pk).status == Qualification.Status.REVOKED
    refused("training_required", book, laser, resident, at(1, 10))
