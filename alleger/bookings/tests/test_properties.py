"""The booking rules as a state machine: whatever people and managers do, in any order.

Hypothesis drives a room (capacity 1, a 15-minute buffer), a workshop (capacity 3) and a laser
cutter (a training that expires) through random sequences of bookings, cancellations, check-ins,
no-shows, waitlist entries, claims and expired holds, training validations and revocations, and time
passing. After every step: no two active bookings of the room overlap (buffer included), no instant
of the workshop holds more than its capacity, and a booking of the laser exists only if its person
held a valid training when it was made (a refusal otherwise, with the code `training_required`).

Each example runs in a savepoint that is rolled back.
"""

import datetime as dt

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from alleger.bookings import services, slots
from alleger.bookings.models import ACTIVE, Booking, Resource, Status
from alleger.core.errors import Refused
from alleger.organisations.models import Membership
from alleger.testing.bookings_factories import PlaceFactory, ResourceFactory, TrainingFactory
from alleger.testing.factories import (
    MembershipFactory,
    OrganisationFactory,
    TerritoryFactory,
    UserFactory,
)

from .conftest import NOW

PEOPLE = 4
hours = st.integers(min_value=8, max_value=20)
days = st.integers(min_value=1, max_value=3)
lengths = st.integers(min_value=1, max_value=3)
person = st.integers(min_value=0, max_value=PEOPLE - 1)
which = st.integers(min_value=0, max_value=50)


class Bookings(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.atomic = transaction.atomic()
        self.atomic.__enter__()
        territory = TerritoryFactory()
        organisation = OrganisationFactory(territory=territory)
        self.manager = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
        place = PlaceFactory(territory=territory, operator=organisation)
        self.training = TrainingFactory(place=place, validity_days=2)
        self.resources = [
            ResourceFactory(place=place, capacity=1, buffer_minutes=15, max_slots=3),
            ResourceFactory(place=place, kind=Resource.Kind.SEAT, capacity=3, max_slots=3),
            ResourceFactory(place=place, kind=Resource.Kind.MACHINE, training=self.training, max_slots=3),
        ]
        self.people = [UserFactory() for _ in range(PEOPLE)]
        self.now = NOW
        #: person index → the expiry of their validated training (None: for good), absent: none
        self.trained: dict[int, dt.datetime | None] = {}

    def teardown(self):
        transaction.set_rollback(True)
        self.atomic.__exit__(None, None, None)

    def _range(self, day, hour, length):
        start = self.now.replace(hour=0, minute=0) + dt.timedelta(days=day, hours=hour)
        return start, start + dt.timedelta(hours=length)

    def _pick(self, index, statuses=ACTIVE):
        bookings = list(Booking.objects.filter(status__in=statuses).order_by("pk"))
        return bookings[index % len(bookings)] if bookings else None

    def _valid_training(self, i, at) -> bool:
        return i in self.trained and (self.trained[i] is None or self.trained[i] >= at)

    @rule(r=st.integers(0, 2), i=person, day=days, hour=hours, length=lengths, seats=st.integers(1, 3))
    def book(self, r, i, day, hour, length, seats):
        resource = self.resources[r]
        start, end = self._range(day, hour, length)
        try:
            booking = services.booking_create(resource=resource, user=self.people[i], start=start, end=end,
                                              seats=seats, now=self.now)
        except Refused as exc:
            if r == 2 and not self._valid_training(i, end) and exc.code not in ("closed", "too_late", "invalid_seats",
                                                                                "too_many_no_shows"):
                assert exc.code == "training_required"
            return
        if r == 2:
            assert self._valid_training(i, booking.end), "a machine booked without a valid training"

    @rule(index=which, by_manager=st.booleans())
    def cancel(self, index, by_manager):
        booking = self._pick(index, (Status.HELD, Status.CONFIRMED))
        if booking:
            try:
                services.booking_cancel(booking=booking, actor=self.manager if by_manager else booking.user,
                                        now=self.now)
            except Refused as exc:
                assert exc.code == "cancel_too_late"

    @rule(index=which)
    def check_in(self, index):
        booking = self._pick(index, (Status.CONFIRMED,))
        if booking:
            try:
                services.booking_check_in(booking=booking, actor=self.manager, now=booking.start)
            except Refused as exc:
                raise AssertionError(exc.code) from exc

    @rule(index=which)
    def no_show(self, index):
        booking = self._pick(index, (Status.CONFIRMED,))
        if booking and booking.start > self.now:
            # the no-show is seen a little after its start; time does not go back for the others
            services.booking_no_show(booking=booking, actor=self.manager, now=booking.start + dt.timedelta(minutes=10))

    @rule(r=st.integers(0, 2), i=person, day=days, hour=hours, length=lengths)
    def waitlist(self, r, i, day, hour, length):
        start, end = self._range(day, hour, length)
        try:
            services.waitlist_join(resource=self.resources[r], user=self.people[i], start=start, end=end,
                                   now=self.now)
        except Refused:
            pass

    @rule(index=which)
    def claim(self, index):
        booking = self._pick(index, (Status.HELD,))
        if booking:
            try:
                services.hold_claim(booking=booking, user=booking.user, now=self.now)
            except Refused as exc:
                assert exc.code == "hold_expired"

    @rule(minutes=st.sampled_from([30, 90, 150, 600]))
    def time_passes(self, minutes):
        self.now += dt.timedelta(minutes=minutes)
        services.holds_expire_due(now=self.now)

    @rule(i=person)
    def validate_training(self, i):
        services.training_validate(training=self.training, user=self.people[i], actor=self.manager, now=self.now)
        self.trained[i] = self.now + dt.timedelta(days=2)

    @rule(i=person)
    def revoke_training(self, i):
        q = self.training.qualifications.filter(user=self.people[i]).first()
        if q:
            services.training_revoke(qualification=q, actor=self.manager)
            self.trained.pop(i, None)

    @invariant()
    def never_an_overlap_on_the_room(self):
        ranges = list(Booking.objects.filter(resource=self.resources[0], status__in=ACTIVE)
                      .order_by("start").values_list("start", "blocked_end"))
        for (_s1, e1), (s2, _e2) in zip(ranges, ranges[1:], strict=False):
            assert e1 <= s2, "two active bookings of the room overlap"

    @invariant()
    def never_above_capacity(self):
        for resource in self.resources:
            taken = list(Booking.objects.filter(resource=resource, status__in=ACTIVE)
                         .values_list("start", "blocked_end", "seats"))
            for start, end, _seats in taken:
                assert slots.peak(taken, start, end) <= resource.capacity


@pytest.mark.django_db
def test_the_booking_rules_hold_whatever_happens():
    run_state_machine_as_test(Bookings, settings=settings(
        max_examples=40, stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    ))
