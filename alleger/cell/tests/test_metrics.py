"""The metrics job on constructed histories: each figure on its day, in the object's neighbourhood."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from alleger.cell import selectors, services
from alleger.cell.models import Metric
from alleger.funding.models import Contribution
from alleger.reports.models import Report, ReportUpdate
from alleger.testing.factories import NeighbourhoodFactory, TerritoryFactory, UserFactory, box
from alleger.testing.funding_factories import ProjectFactory, pledge
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
