"""The metrics job on constructed histories: each figure on its day, in the object's neighbourhood."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from alleger.assets.models import AssetChange
from alleger.bookings.models import Booking
from alleger.cell import selectors, services
from alleger.cell.models import Metric
from alleger.funding.models import Contribution
from alleger.interventions.models import Intervention
from alleger.places import services as place_services
from alleger.places.models import Place, PlaceChange
from alleger.reports.models import Report, ReportUpdate
from alleger.testing.assets_factories import AssetFactory
from alleger.testing.bookings_factories import BookingFactory, ResourceFactory
from alleger.testing.factories import (
    NeighbourhoodFactory,
    TerritoryFactory,
    TerritoryRoleFactory,
    UserFactory,
    box,
)
from alleger.testing.funding_factories import ProjectFactory, pledge
from alleger.testing.interventions_factories import make_intervention
from alleger.testing.places_factories import PlaceFactory
from alleger.testing.reports_factories import make_category, make_report

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
D1 = datetime.date(2026, 3, 10)
D2 = datetime.date(2026, 3, 11)


def at(day, hour=12):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS)


@pytest.fixture
def city():
    territory = TerritoryFactory()
    north = NeighbourhoodFactory(territory=territory, name="Nord", slug="nord",
                                 boundary=box(4.38, 45.44, 4.40, 45.45))
    south = NeighbourhoodFactory(territory=territory, name="Sud", slug="sud", boundary=box(4.38, 45.43, 4.40, 45.44))
    return territory, north, south


def rows(territory, day):
    return sorted(Metric.objects.filter(territory=territory, day=day)
                  .values_list("neighbourhood_id", "key", "dimension", "value"), key=str)


def test_contributions_land_on_their_day_in_the_project_neighbourhood_not_the_backer_one(city):
    territory, north, south = city
    project = ProjectFactory(territory=territory, neighbourhood=north, live=True)
    backer = UserFactory(neighbourhood=south)  # lives in the south: the figure is the project's (north)
    first = pledge(project, backer, 2_000)
    second = pledge(project, UserFactory(), 500)
    Contribution.objects.filter(pk=first.pk).update(created_at=at(D1, 9))
    Contribution.objects.filter(pk=second.pk).update(created_at=at(D2, 23, ))
    services.rebuild_day(territory, D1)
    services.rebuild_day(territory, D2)
    d1 = {(hood, key): value for hood, key, _, value in rows(territory, D1)}
    assert d1[(north.pk, "pledged_cents")] == 2_000
    assert d1[(north.pk, "contributions")] == 1
    assert d1[(north.pk, "contributors_new")] == 1
    assert (south.pk, "pledged_cents") not in d1
    d2 = {(hood, key): value for hood, key, _, value in rows(territory, D2)}
    assert d2[(north.pk, "pledged_cents")] == 500
    # The backer moving afterwards changes nothing once rebuilt.
    backer.neighbourhood = None
    backer.save()
    before = rows(territory, D1)
    services.rebuild_day(territory, D1)
    assert rows(territory, D1) == before


def test_local_days_split_at_local_midnight():
    territory = TerritoryFactory()
    project = ProjectFactory(territory=territory, live=True)
    late = pledge(project, UserFactory(), 700)
    # 23:30 in Paris on D1 is 22:30 UTC: still D1 locally.
    Contribution.objects.filter(pk=late.pk).update(created_at=at(D1, 23).replace(minute=30))
    services.rebuild_day(territory, D1)
    services.rebuild_day(territory, D2)
    assert selectors.totals(territory, selectors.Period(D1, D1))["pledged_cents"] == 700
    assert selectors.totals(territory, selectors.Period(D2, D2))["pledged_cents"] == 0


def test_rebuilding_a_day_twice_gives_the_same_rows(city):
    territory, north, _ = city
    project = ProjectFactory(territory=territory, neighbourhood=north, live=True)
    for amount in (1_000, 2_500, 300):
        c = pledge(project, UserFactory(), amount)
        Contribution.objects.filter(pk=c.pk).update(created_at=at(D1))
    assert services.rebuild_day(territory, D1) > 0
    first = rows(territory, D1)
    services.rebuild_day(territory, D1)
    assert rows(territory, D1) == first
    assert Metric.objects.filter(territory=territory, day=D1, key="pledged_cents").get().value == 3_800
    # A new pledge that day: rebuilt, the changed rows hold the new values.
    c = pledge(project, UserFactory(), 200)
    Contribution.objects.filter(pk=c.pk).update(created_at=at(D1))
    services.rebuild_day(territory, D1)
    assert Metric.objects.filter(territory=territory, day=D1, key="pledged_cents").get().value == 4_000
    assert Metric.objects.get(territory=territory, day=D1, key="contributors_new").value == 4
    assert Metric.objects.filter(territory=territory, day=D1).count() == len(first)


def test_returning_contributors_are_told_apart_from_new_ones():
    territory = TerritoryFactory()
    project = ProjectFactory(territory=territory, live=True)
    faithful, newcomer = UserFactory(), UserFactory()
    old = pledge(project, faithful, 100)
    Contribution.objects.filter(pk=old.pk).update(created_at=at(D1))
    for person in (faithful, newcomer):
        c = pledge(project, person, 100)
        Contribution.objects.filter(pk=c.pk).update(created_at=at(D2))
    services.rebuild(since=D1, until=D2, territories=[territory])
    d2 = selectors.totals(territory, selectors.Period(D2, D2))
    assert (d2["contributors_new"], d2["contributors_returning"]) == (1, 1)
    assert selectors.totals(territory, selectors.Period(D1, D2))["contributors_new"] == 2


def test_a_late_event_lands_in_its_own_day_when_that_day_is_rebuilt(city):
    territory, north, _ = city
    category = make_category(territory=territory)
    report = make_report(category=category, lat=45.445, lon=4.39)
    Report.objects.filter(pk=report.pk).update(created_at=at(D1, 8), neighbourhood=north)
    services.rebuild(since=D1, until=D2, territories=[territory])
    assert selectors.totals(territory, selectors.Period(D1, D2))["reports_fixed"] == 0
    # Fixed on D2 at 14:00, 30 hours after it was made: rebuilding D2 (the job's default window) counts it.
    update = ReportUpdate.objects.create(report=report, status=Report.Status.FIXED, note="Réparé.")
    ReportUpdate.objects.filter(pk=update.pk).update(created_at=at(D2, 14))
    services.rebuild_day(territory, D2)
    d2 = selectors.totals(territory, selectors.Period(D2, D2), north)
    assert d2["reports_fixed"] == 1
    assert d2["reports_fix_hours"] == 30
    assert selectors.derived(d2)["fix_hours_mean"] == 30
    assert selectors.totals(territory, selectors.Period(D1, D1), north)["reports_created"] == 1


def test_an_intervention_counts_as_done_on_the_day_it_took_place_not_the_day_it_was_marked_done(city):
    territory, north, _ = city
    took_place, marked = datetime.date(2026, 8, 6), datetime.date(2026, 12, 4)
    done = make_intervention(territory=territory, asset=None, status="done")
    Intervention.objects.filter(pk=done.pk).update(starts_on=took_place, ends_on=took_place,
                                                   finished_at=at(marked, 20), neighbourhood=north)
    # Without an end date, its start date is the day it took place.
    no_end = make_intervention(territory=territory, asset=None, status="done", kit=done.kit)
    Intervention.objects.filter(pk=no_end.pk).update(starts_on=took_place, ends_on=None,
                                                     finished_at=at(marked, 21), neighbourhood=north)
    services.rebuild(since=took_place - datetime.timedelta(days=1), until=marked, territories=[territory])
    assert (north.pk, "interventions_done", str(done.kit_id), 2) in rows(territory, took_place)
    assert not [row for row in rows(territory, marked) if row[1] == "interventions_done"]
    assert selectors.totals(territory, selectors.Period(took_place, took_place), north)["interventions_done"] == 2


def test_withdrawn_money_counts_on_the_day_it_left_and_net_raised_subtracts_it():
    territory = TerritoryFactory()
    project = ProjectFactory(territory=territory, live=True)
    c = pledge(project, UserFactory(), 4_000)
    Contribution.objects.filter(pk=c.pk).update(created_at=at(D1), status=Contribution.Status.CANCELLED,
                                                ended_at=at(D2))
    services.rebuild(since=D1, until=D2, territories=[territory])
    assert selectors.totals(territory, selectors.Period(D1, D1))["pledged_cents"] == 4_000
    both = selectors.totals(territory, selectors.Period(D1, D2))
    assert both["withdrawn_cents"] == 4_000
    assert selectors.derived(both)["raised_cents"] == 0


def test_the_command_rebuilds_a_range_and_refuses_a_reversed_one(capsys):
    territory = TerritoryFactory()
    project = ProjectFactory(territory=territory, live=True)
    c = pledge(project, UserFactory(), 900)
    Contribution.objects.filter(pk=c.pk).update(created_at=at(D1))
    call_command("metrics", "--since", str(D1), "--until", str(D2), "--territory", territory.slug)
    assert "rows" in capsys.readouterr().out
    assert selectors.totals(territory, selectors.Period(D1, D2))["pledged_cents"] == 900
    from django.core.management import CommandError
    with pytest.raises(CommandError):
        call_command("metrics", "--since", str(D2), "--until", str(D1))


def test_the_previous_period_has_the_same_length_just_before():
    period = selectors.Period(D1, D2)
    assert period.previous() == selectors.Period(D1 - datetime.timedelta(days=2), D1 - datetime.timedelta(days=1))
    figure = selectors.Figure("x", "X", 150, 100)
    assert figure.change == 50
    assert selectors.Figure("x", "X", 5, 0).change is None


# --- whole ranges at once ------------------------------------------------------------------------

#: The clocks go forward in Paris on Sunday 29 March 2026 at 02:00 (a day of 23 hours).
DST = datetime.date(2026, 3, 29)
UTC = datetime.UTC


def utc(day, hour, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=UTC)


def every_row(territory):
    return sorted(Metric.objects.filter(territory=territory)
                  .values_list("day", "neighbourhood_id", "key", "dimension", "value"), key=str)


def test_a_range_rebuild_gives_exactly_the_rows_of_day_by_day_rebuilds_across_a_clock_change(city):
    territory, north, south = city
    first, last = DST - datetime.timedelta(days=3), DST + datetime.timedelta(days=3)
    before, after = DST - datetime.timedelta(days=1), DST + datetime.timedelta(days=1)
    project = ProjectFactory(territory=territory, neighbourhood=north, live=True)
    other = ProjectFactory(territory=territory, neighbourhood=south, live=True)
    faithful, newcomer, late = UserFactory(), UserFactory(), UserFactory()
    history = [  # (project, person, amount, created_at UTC)
        (project, faithful, 1_000, utc(first - datetime.timedelta(days=10), 9)),  # before the range: returning
        (project, faithful, 200, utc(before, 22, 30)),   # 23:30 in Paris on the 28th
        (other, faithful, 300, utc(before, 23, 30)),     # 00:30 on the 29th (winter time, UTC+1)
        (project, newcomer, 400, utc(DST, 0, 59)),       # 01:59 on the 29th, just before the change
        (project, newcomer, 500, utc(DST, 1, 0)),        # 03:00 on the 29th, just after (summer time, UTC+2)
        (other, late, 600, utc(DST, 21, 59)),            # 23:59 on the 29th
        (other, late, 700, utc(DST, 22, 0)),             # 00:00 on the 30th: the next local day
        (project, newcomer, 800, utc(last, 21, 0)),      # 23:00 on the last day
    ]
    for made, (target, person, amount, when) in enumerate(history):
        c = pledge(target, person, amount)
        fields = {"created_at": when}
        if made == 3:
            fields.update(status=Contribution.Status.CANCELLED, ended_at=utc(after, 8))
        Contribution.objects.filter(pk=c.pk).update(**fields)
    category = make_category(territory=territory)
    report = make_report(category=category, lat=45.445, lon=4.39)
    Report.objects.filter(pk=report.pk).update(created_at=utc(before, 8), neighbourhood=north)
    fixed = ReportUpdate.objects.create(report=report, status=Report.Status.FIXED, note="Réparé.")
    ReportUpdate.objects.filter(pk=fixed.pk).update(created_at=utc(DST, 1, 30))
    asset = AssetFactory(territory=territory, neighbourhood=south)
    opened = AssetChange.objects.create(asset=asset, source=AssetChange.Source.REVIEW,
                                        fields={"status": ["openable", "open"]})
    AssetChange.objects.filter(pk=opened.pk).update(created_at=utc(DST, 22, 30))
    place = PlaceFactory(territory=territory, neighbourhood=north)
    Place.objects.filter(pk=place.pk).update(created_at=utc(before, 10))
    room = ResourceFactory(place=place, capacity=2, opening_hours="24/7")
    across = BookingFactory(resource=room, user=UserFactory(), start=utc(before, 21), end=utc(DST, 3), seats=2,
                            exclusive=False)
    Booking.objects.filter(pk=across.pk).update(created_at=utc(first, 12))

    day = first
    while day <= last:
        services.rebuild_day(territory, day)
        day += datetime.timedelta(days=1)
    day_by_day = every_row(territory)
    Metric.objects.all().delete()
    services.rebuild(since=first, until=last, territories=[territory])
    assert every_row(territory) == day_by_day
    services.rebuild(since=first, until=last, territories=[territory])
    assert every_row(territory) == day_by_day

    def value(day, key, hood=None, dimension=""):
        return sum(v for d, h, k, dim, v in day_by_day
                   if (d, k, dim) == (day, key, dimension) and (hood is None or h == hood))

    assert (value(before, "pledged_cents"), value(DST, "pledged_cents"), value(after, "pledged_cents")) == (
        200, 300 + 400 + 500 + 600, 700)
    assert value(DST, "pledged_cents", south.pk) == 900
    assert value(after, "withdrawn_cents") == 400
    # The 29th: the faithful backer returns (south), the newcomer and the late one start (north, south).
    assert (value(DST, "contributors_new", north.pk), value(DST, "contributors_new", south.pk)) == (1, 1)
    assert value(DST, "contributors_returning", south.pk) == 1
    assert value(after, "contributors_returning", south.pk) == 1
    assert value(last, "contributors_returning", north.pk) == 1
    assert value(DST, "reports_fixed", north.pk, category.service_code) == 1
    assert value(DST, "reports_fix_hours", north.pk, category.service_code) == 18  # 07:00 UTC → 01:30 UTC
    assert value(DST, "assets_opened", south.pk) == 0 and value(after, "assets_opened", south.pk) == 1
    assert value(before, "places_published", north.pk) == 1
    # Open all day: 24 hours a day, but the 29th lasts 23; two seats each.
    assert value(before, "seat_minutes_open", north.pk, str(place.pk)) == 24 * 60 * 2
    assert value(DST, "seat_minutes_open", north.pk, str(place.pk)) == 23 * 60 * 2
    # Booked from 22:00 on the 28th to 05:00 on the 29th (local): 2 h, then 4 h of real time (the clocks skip
    # from 02:00 to 03:00), by two seats.
    assert value(before, "seat_minutes_booked", north.pk, str(place.pk)) == 2 * 60 * 2
    assert value(DST, "seat_minutes_booked", north.pk, str(place.pk)) == 4 * 60 * 2
    assert value(first, "bookings_made", north.pk) == 1


def test_rebuilding_a_range_drops_the_rows_of_events_gone_and_keeps_the_days_outside_it(city):
    territory, north, _ = city
    project = ProjectFactory(territory=territory, neighbourhood=north, live=True)
    for day in (D1, D2):
        c = pledge(project, UserFactory(), 100)
        Contribution.objects.filter(pk=c.pk).update(created_at=at(day))
    services.rebuild(since=D1, until=D2, territories=[territory])
    Contribution.objects.filter(created_at__gte=at(D2, 0)).update(created_at=at(D2 + datetime.timedelta(days=5)))
    services.rebuild(since=D2, until=D2, territories=[territory])
    assert selectors.totals(territory, selectors.Period(D1, D1))["contributions"] == 1
    assert selectors.totals(territory, selectors.Period(D2, D2))["contributions"] == 0


# --- shared places and bookings ------------------------------------------------------------------

def test_places_count_on_the_day_they_became_public_in_their_neighbourhood(city):
    territory, north, south = city
    added = PlaceFactory(territory=territory, neighbourhood=north)  # added published (a manager, an import)
    Place.objects.filter(pk=added.pk).update(created_at=at(D1, 10))
    proposer, moderator = UserFactory(), UserFactory()
    TerritoryRoleFactory(territory=territory, user=moderator)
    proposed = [place_services.place_propose(user=proposer, territory=territory, name=name, place_type="conciergerie",
                                             profiles=["mediation"], address="7 rue de la République", lat=45.435,
                                             lon=4.39)
                for name in ("Laverie solidaire", "Garage", "Atelier vélo")]
    Place.objects.filter(pk__in=[p.pk for p in proposed]).update(created_at=at(D1, 11))
    assert {p.neighbourhood for p in proposed} == {south}
    published, refused, _waiting = proposed
    place_services.place_review(place=published, moderator=moderator, decision="publish")
    place_services.place_review(place=refused, moderator=moderator, decision="refuse", message="Doublon.")
    PlaceChange.objects.filter(source=PlaceChange.Source.REVIEW).update(created_at=at(D2, 9))
    services.rebuild(since=D1, until=D2, territories=[territory])
    assert selectors.totals(territory, selectors.Period(D1, D1), north)["places_published"] == 1
    assert selectors.totals(territory, selectors.Period(D1, D1), south)["places_published"] == 0
    assert selectors.totals(territory, selectors.Period(D2, D2), south)["places_published"] == 1
    assert selectors.totals(territory, selectors.Period(D1, D2))["places_published"] == 2


def test_bookings_made_count_confirmed_ones_and_claimed_holds_not_declined_or_expired_holds(city):
    territory, north, _ = city
    room = ResourceFactory(place=PlaceFactory(territory=territory, neighbourhood=north))
    start = at(D2 + datetime.timedelta(days=7), 10)
    made = [
        (Booking.Status.CONFIRMED, None),
        (Booking.Status.CANCELLED, None),        # cancelled afterwards: it was made
        (Booking.Status.NO_SHOW, None),
        (Booking.Status.CONFIRMED, None),        # a hold claimed: its deadline cleared
        (Booking.Status.CANCELLED, start),       # a hold declined
        (Booking.Status.EXPIRED, start),         # a hold not claimed in time
        (Booking.Status.HELD, start),            # a hold still waiting
    ]
    for n, (status, hold_until) in enumerate(made):
        booking = BookingFactory(resource=room, user=UserFactory(), start=start + datetime.timedelta(hours=n),
                                 end=start + datetime.timedelta(hours=n + 1), status=status, hold_until=hold_until)
        Booking.objects.filter(pk=booking.pk).update(created_at=at(D1, 23) if n else at(D2, 8))
    services.rebuild(since=D1, until=D2, territories=[territory])
    assert selectors.totals(territory, selectors.Period(D1, D1), north)["bookings_made"] == 3
    assert selectors.totals(territory, selectors.Period(D2, D2), north)["bookings_made"] == 1


def test_open_seat_minutes_follow_each_active_resource_hours_times_its_capacity(city):
    territory, north, south = city
    place = PlaceFactory(territory=territory, neighbourhood=north)
    ResourceFactory(place=place, capacity=3, opening_hours="Mo-Fr 09:00-12:00")
    ResourceFactory(place=place, capacity=1, opening_hours="Tu 14:00-16:30")
    ResourceFactory(place=place, capacity=5, opening_hours="Mo-Su 08:00-20:00", active=False)  # not bookable
    hidden = PlaceFactory(territory=territory, neighbourhood=south, moderation=Place.Moderation.PROPOSED)
    ResourceFactory(place=hidden, opening_hours="Mo-Su 08:00-20:00")
    services.rebuild(since=D1, until=D2, territories=[territory])  # a Tuesday and a Wednesday
    rows = Metric.objects.filter(territory=territory, key="seat_minutes_open")
    assert sorted(rows.values_list("day", "neighbourhood_id", "dimension", "value")) == [
        (D1, north.pk, str(place.pk), 3 * 180 + 150), (D2, north.pk, str(place.pk), 3 * 180)]


def test_booked_seat_minutes_count_occupied_bookings_split_at_local_midnight(city):
    territory, north, _ = city
    place = PlaceFactory(territory=territory, neighbourhood=north)
    desk = ResourceFactory(place=place, capacity=4, opening_hours="Mo-Su 00:00-24:00")

    def book(start, end, seats, status):
        return BookingFactory(resource=desk, user=UserFactory(), start=start, end=end, seats=seats,
                              exclusive=False, status=status)

    book(at(D1, 9), at(D1, 10).replace(minute=30), 2, Booking.Status.CHECKED_IN)     # 90 min × 2
    book(at(D1, 23), at(D2, 1), 3, Booking.Status.CONFIRMED)                          # 60 + 60 min × 3
    book(at(D1, 14), at(D1, 16), 1, Booking.Status.NO_SHOW)                           # released
    book(at(D1, 14), at(D1, 16), 1, Booking.Status.CANCELLED)
    book(at(D2, 22), at(D2 + datetime.timedelta(days=1), 2), 1, Booking.Status.CONFIRMED)  # 120 min on D2
    services.rebuild(since=D1, until=D2, territories=[territory])
    totals = dict(Metric.objects.filter(territory=territory, key="seat_minutes_booked", dimension=str(place.pk))
                  .values_list("day", "value"))
    assert totals == {D1: 90 * 2 + 60 * 3, D2: 60 * 3 + 120}
    # The day after the range keeps nothing of it; rebuilt, it gets its own part.
    services.rebuild_day(territory, D2 + datetime.timedelta(days=1))
    assert Metric.objects.get(territory=territory, key="seat_minutes_booked",
                              day=D2 + datetime.timedelta(days=1)).value == 120


def test_every_definition_explains_itself_in_french_and_english():
    from django.utils import translation

    from alleger.cell.metrics import DEFINITIONS, UNITS

    for definition in DEFINITIONS.values():
        assert definition.unit in UNITS
        with translation.override("en"):
            english = (str(definition.label), str(definition.explains))
        with translation.override("fr"):
            french = (str(definition.label), str(definition.explains))
        assert english != french, definition.key
