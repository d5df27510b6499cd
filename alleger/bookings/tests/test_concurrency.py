"""Races on PostgreSQL: real threads, each with its own connection, released together by a barrier.

A capacity-1 resource is guarded by the exclusion constraint `booking_no_overlap` (no lock taken);
a shared one by the capacity check under the resource's row lock.
"""

import datetime as dt
import itertools

import pytest
from django.db import IntegrityError, connection, transaction

from alleger.bookings import services
from alleger.bookings.models import ACTIVE, Booking, Status, WaitlistEntry
from alleger.testing.concurrency import all_at_once
from alleger.testing.factories import UserFactory

from .conftest import NOW, at

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def overlaps_of(resource) -> list:
    """Pairs of active bookings of the resource whose blocked ranges overlap (should be none)."""
    with connection.cursor() as cursor:
        cursor.execute("""
            SELECT a.id, b.id FROM bookings_booking a JOIN bookings_booking b
              ON a.resource_id = b.resource_id AND a.id < b.id
             AND tstzrange(a.start, a.blocked_end) && tstzrange(b.start, b.blocked_end)
             WHERE a.resource_id = %s AND a.status IN ('held', 'confirmed', 'checked_in')
               AND b.status IN ('held', 'confirmed', 'checked_in')""", [resource.pk])
        return cursor.fetchall()


def test_thirty_clients_on_the_same_slot_of_a_room_give_exactly_one(room):
    people = [UserFactory() for _ in range(30)]
    results = all_at_once(30, lambda i: services.booking_create(
        resource=room, user=people[i], start=at(1, 10), end=at(1, 11), now=NOW).pk)
    assert sum(r[0] == "ok" for r in results) == 1
    assert [r[1] for r in results if r[0] == "refused"] == ["slot_taken"] * 29
    assert Booking.objects.filter(resource=room).count() == 1


def test_thirty_clients_on_a_workshop_of_five_give_exactly_five(workshop):
    people = [UserFactory() for _ in range(30)]
    results = all_at_once(30, lambda i: services.booking_create(
        resource=workshop, user=people[i], start=at(1, 14), end=at(1, 15), now=NOW).pk)
    assert sum(r[0] == "ok" for r in results) == 5
    assert [r[1] for r in results if r[0] == "refused"] == ["full"] * 25
    assert Booking.objects.filter(resource=workshop, status=Status.CONFIRMED).count() == 5


def test_overlapping_but_different_ranges_never_both_pass(room):
    # 10:00-11:00, 10:00-12:00, 11:00-13:00… all within 09:00-14:00, many overlapping (15-minute buffer too)
    ranges = [(at(1, h), at(1, h + n)) for h in range(9, 14) for n in (1, 2, 3) if h + n <= 14]
    people = [UserFactory() for _ in range(30)]
    picks = list(itertools.islice(itertools.cycle(ranges), 30))
    results = all_at_once(30, lambda i: services.booking_create(
        resource=room, user=people[i], start=picks[i][0], end=picks[i][1], now=NOW).pk)
    # Taken, or held only by the changeover time around a booking
    assert {r[1] for r in results if r[0] == "refused"} <= {"slot_taken", "changeover"}
    assert sum(r[0] == "ok" for r in results) >= 1
    assert overlaps_of(room) == []


def test_the_constraint_itself_refuses_an_overlap_written_around_the_service(room, resident):
    services.booking_create(resource=room, user=resident, start=at(1, 10), end=at(1, 12), now=NOW)
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        Booking.objects.create(resource=room, user=resident, start=at(1, 11, 30), end=at(1, 13),
                               blocked_end=at(1, 13), exclusive=True)
    # the buffer is part of the range: 12:00 touches 12:00-12:15
    with pytest.raises(IntegrityError, match="booking_no_overlap"), transaction.atomic():
        Booking.objects.create(resource=room, user=resident, start=at(1, 12), end=at(1, 13),
                               blocked_end=at(1, 13), exclusive=True)
    # an inactive booking does not hold the slot
    Booking.objects.create(resource=room, user=resident, start=at(1, 11), end=at(1, 12), blocked_end=at(1, 12),
                           exclusive=True, status=Status.CANCELLED)


@pytest.mark.parametrize("fixture", ["room", "workshop"])
def test_a_waitlist_promotion_raced_against_new_bookings_stays_consistent(fixture, request):
    resource = request.getfixturevalue(fixture)
    holders = [UserFactory() for _ in range(resource.capacity)]
    bookings = [services.booking_create(resource=resource, user=u, start=at(2, 10), end=at(2, 11), now=NOW)
                for u in holders]
    waiting = [UserFactory() for _ in range(3)]
    for person in waiting:
        services.waitlist_join(resource=resource, user=person, start=at(2, 10), end=at(2, 11), now=NOW)
    newcomers = [UserFactory() for _ in range(15)]

    def act(i):
        if i == 0:
            return services.booking_cancel(booking=bookings[0], actor=holders[0], now=NOW).pk
        return services.booking_create(resource=resource, user=newcomers[i - 1], start=at(2, 10), end=at(2, 11),
                                       now=NOW).pk

    results = all_at_once(16, act)
    assert results[0][0] == "ok"  # the cancellation itself always passes
    active = Booking.objects.filter(resource=resource, status__in=ACTIVE)
    assert sum(b.seats for b in active) == resource.capacity  # the freed seat went to exactly one
    held = list(active.filter(status=Status.HELD))
    newcomer_won = sum(r[0] == "ok" for r in results[1:])
    assert len(held) + newcomer_won == 1
    offered = WaitlistEntry.objects.filter(status=WaitlistEntry.Status.OFFERED)
    if held:  # the first in line got it, and only her
        assert held[0].user == waiting[0]
        assert [e.user for e in offered] == [waiting[0]] and offered[0].booking == held[0]
    else:
        assert not offered.exists()
    if resource.exclusive:
        assert overlaps_of(resource) == []


def test_the_one_statement_booking_writes_the_row_the_orm_path_writes(room, resident):
    # Outside a transaction a capacity-1 booking is one statement; inside one, the ORM under the lock.
    fast = services.booking_create(resource=room, user=resident, start=at(1, 10), end=at(1, 12), purpose="AG",
                                   now=NOW)
    with transaction.atomic():
        slow = services.booking_create(resource=room, user=resident, start=at(2, 10), end=at(2, 12), purpose="AG",
                                       now=NOW)
    fields = ["resource_id", "user_id", "organisation_id", "series_id", "exclusive", "seats", "status", "hold_until",
              "price_cents", "purpose"]
    rows = {b.pk: Booking.objects.values(*fields, "start", "end", "blocked_end").get(pk=b.pk) for b in (fast, slow)}
    assert {k: rows[fast.pk][k] for k in fields} == {k: rows[slow.pk][k] for k in fields}
    for b in (fast, slow):
        assert rows[b.pk]["blocked_end"] - rows[b.pk]["end"] == dt.timedelta(minutes=15)
    assert fast.pk and not fast._state.adding
    with pytest.raises(Exception) as exc:
        services.booking_create(resource=room, user=resident, start=at(1, 11), end=at(1, 12), now=NOW)
    assert exc.value.code == "already_booked"  # the person's own: not « just booked », no waitlist
    with pytest.raises(Exception) as exc:
        services.booking_create(resource=room, user=UserFactory(), start=at(1, 11), end=at(1, 12), now=NOW)
    assert exc.value.code == "slot_taken"


def test_the_one_statement_booking_counts_the_no_shows_itself(room, resident, settings):
    settings.BOOKINGS_NO_SHOW_LIMIT = 2
    for day in (1, 2):
        Booking.objects.create(resource=room, user=resident, start=at(-day, 10), end=at(-day, 11),
                               blocked_end=at(-day, 11), exclusive=True, status=Status.NO_SHOW)
    with pytest.raises(Exception) as exc:
        services.booking_create(resource=room, user=resident, start=at(1, 10), end=at(1, 11), now=NOW)
    assert exc.value.code == "too_many_no_shows"
    assert not Booking.objects.filter(status=Status.CONFIRMED).exists()
    settings.BOOKINGS_NO_SHOW_LIMIT = 3
    assert services.booking_create(resource=room, user=resident, start=at(1, 10), end=at(1, 11), now=NOW).pk


def test_distinct_slots_booked_at_once_all_pass(room):
    people = [UserFactory() for _ in range(16)]
    results = all_at_once(16, lambda i: services.booking_create(
        resource=room, user=people[i], start=at(2 + i // 7, 8 + 2 * (i % 7)), end=at(2 + i // 7, 9 + 2 * (i % 7)),
        now=NOW).pk)
    assert all(r[0] == "ok" for r in results)
    assert overlaps_of(room) == []
