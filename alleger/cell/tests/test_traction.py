"""Traction signals on constructed histories: each one computed from the data and said in plain words."""

import datetime

import pytest
from django.utils import timezone

from alleger.cell import traction
from alleger.funding.models import Contribution, Project
from alleger.interventions.models import Intervention
from alleger.proposals.models import Proposal
from alleger.proposals.models import Support as ProposalSupport
from alleger.proposals.services import proposal_support
from alleger.reports.models import Report
from alleger.testing.discussions_factories import make_proposal
from alleger.testing.factories import TerritoryFactory, UserFactory
from alleger.testing.funding_factories import ProjectFactory, pledge
from alleger.testing.interventions_factories import make_intervention, published_kit
from alleger.testing.reports_factories import make_category, make_report, north_of

pytestmark = pytest.mark.django_db

NOW = timezone.now()
DAY = datetime.timedelta(days=1)


def campaign(territory, *, weeks_ago=4):
    project = ProjectFactory(territory=territory, live=True)
    Project.objects.filter(pk=project.pk).update(published_at=NOW - weeks_ago * 7 * DAY)
    project.refresh_from_db()
    return project


def given(project, euros, *, days_ago):
    contribution = pledge(project, UserFactory(), euros * 100)
    Contribution.objects.filter(pk=contribution.pk).update(created_at=NOW - days_ago * DAY)
    return contribution


def only(found, key):
    return [s for s in found if s.key == key]


# --- contribution velocity ---------------------------------------------------------------------

def test_an_accelerating_campaign_rises_and_says_how_much_against_its_average():
    territory = TerritoryFactory()
    project = campaign(territory)
    for days_ago in (25, 20, 15, 10):  # 4 × 40 € over the first three weeks
        given(project, 40, days_ago=days_ago)
    for days_ago in (6, 5, 4, 3, 2, 1):  # then 6 × 80 € in the last week
        given(project, 80, days_ago=days_ago)

    [signal] = only(traction.signals(territory, now=NOW), "velocity")

    # 640 € in 4 weeks is 160 €/week; the last week's 480 € is 3 times that.
    assert signal.rising and signal.strength == pytest.approx(3.0)
    assert signal.target == ("funding.project", project.pk)
    assert signal.explanation == ("6 contributions et 480\u00a0€ ces 7 derniers jours (6 personnes), "
                                  "3 fois le rythme moyen de la campagne (160\u00a0€/semaine)")
    assert "7 derniers jours" in signal.method
    assert [s.target for s in traction.rising(territory, now=NOW)] == [("funding.project", project.pk)]


def test_a_steady_campaign_is_not_rising():
    territory = TerritoryFactory()
    project = campaign(territory)
    for days_ago in (27, 26, 20, 19, 13, 12, 6, 5):  # two contributions every week
        given(project, 50, days_ago=days_ago)
    [signal] = only(traction.signals(territory, now=NOW), "velocity")
    assert signal.strength == pytest.approx(1.0)
    assert not signal.rising
    assert "1 fois le rythme moyen" in signal.explanation
    assert traction.rising(territory, now=NOW) == []


def test_one_big_gift_is_not_a_movement():
    territory = TerritoryFactory()
    project = campaign(territory)
    given(project, 1_000, days_ago=1)  # 4 times the average, but a single contribution
    [signal] = only(traction.signals(territory, now=NOW), "velocity")
    assert signal.strength == pytest.approx(4.0)
    assert not signal.rising


def test_cancelled_contributions_do_not_count():
    territory = TerritoryFactory()
    project = campaign(territory)
    for days_ago in (3, 2, 1):
        given(project, 80, days_ago=days_ago)
    Contribution.objects.filter(project=project).update(status=Contribution.Status.CANCELLED)
    assert only(traction.signals(territory, now=NOW), "velocity") == []


# --- reports clustering -------------------------------------------------------------------------

def reports_along(category, count, *, spacing_m=60, start=(45.44, 4.39), days_ago=2):
    made = []
    for i in range(count):
        lat, lon = north_of(*start, spacing_m * i)
        report = make_report(category=category, lat=lat, lon=lon)
        Report.objects.filter(pk=report.pk).update(created_at=NOW - days_ago * DAY)
        made.append(report)
    return made


def test_five_reports_of_one_category_within_300_metres_in_a_month_make_a_cluster():
    territory = TerritoryFactory()
    potholes = make_category(territory=territory, service_code="nid", name="Nid-de-poule")
    reports = reports_along(potholes, 5)  # 0, 60, …, 240 m along a street

    [signal] = only(traction.signals(territory, now=NOW), "report_cluster")

    assert signal.rising and signal.strength == pytest.approx(1.0)
    # The centre is the report with the most neighbours within 300 m (all of them here: the first wins ties).
    assert signal.target == ("reports.report", reports[0].pk)
    assert signal.explanation.startswith("5 signalements « Nid-de-poule » ces 30 derniers jours à moins de 300 m")
    assert "300 m" in signal.method


def test_four_reports_are_not_a_cluster():
    territory = TerritoryFactory()
    reports_along(make_category(territory=territory), 4)
    assert only(traction.signals(territory, now=NOW), "report_cluster") == []


def test_reports_too_far_apart_do_not_cluster():
    territory = TerritoryFactory()
    # 0, 100, 200, 300, 400 m: from the middle one the ends are 200 m away… so space them 160 m:
    # 0–640 m, no point has four others within 300 m.
    reports_along(make_category(territory=territory), 5, spacing_m=160)
    assert only(traction.signals(territory, now=NOW), "report_cluster") == []


def test_reports_of_different_categories_do_not_cluster_together():
    territory = TerritoryFactory()
    bikes = make_category(territory=territory, service_code="velo", name="Vélo")
    lights = make_category(territory=territory, service_code="lampadaire", name="Lampadaire")
    reports_along(bikes, 3)
    reports_along(lights, 2, start=north_of(45.44, 4.39, 30))
    assert only(traction.signals(territory, now=NOW), "report_cluster") == []


def test_reports_older_than_a_month_and_duplicates_do_not_count():
    territory = TerritoryFactory()
    category = make_category(territory=territory)
    reports = reports_along(category, 4)
    old = reports_along(category, 1, days_ago=31)
    assert only(traction.signals(territory, now=NOW), "report_cluster") == []
    Report.objects.filter(pk=old[0].pk).update(created_at=NOW - DAY)
    assert len(only(traction.signals(territory, now=NOW), "report_cluster")) == 1
    Report.objects.filter(pk=reports[1].pk).update(status=Report.Status.DUPLICATE, duplicate_of=reports[0])
    assert only(traction.signals(territory, now=NOW), "report_cluster") == []


def test_two_distant_groups_make_two_clusters():
    territory = TerritoryFactory()
    category = make_category(territory=territory)
    reports_along(category, 5)
    reports_along(category, 6, start=north_of(45.44, 4.39, 2_000))
    found = only(traction.signals(territory, now=NOW), "report_cluster")
    assert sorted(s.explanation.split()[0] for s in found) == ["5", "6"]
    assert found[0].strength > found[1].strength  # the bigger one first


# --- supports, followers, kits ------------------------------------------------------------------

def test_a_proposal_gathering_supports_faster_than_before_rises():
    territory = TerritoryFactory()
    proposal = make_proposal(territory=territory)
    Proposal.objects.filter(pk=proposal.pk).update(created_at=NOW - 21 * DAY)
    for days_ago in (15, 3, 2, 1, 1):  # one support two weeks ago, then four in the last week
        proposal.refresh_from_db()
        proposal_support(proposal=proposal, user=UserFactory())
        latest = ProposalSupport.objects.filter(proposal=proposal).latest("pk")
        ProposalSupport.objects.filter(pk=latest.pk).update(created_at=NOW - days_ago * DAY)

    [signal] = only(traction.signals(territory, now=NOW), "supports")

    # 5 supports in 3 weeks is 1.7 a week; 4 in the last 7 days is 2.4 times that.
    assert signal.rising and signal.strength == pytest.approx(2.4)
    assert signal.explanation == ("4 soutiens ces 7 derniers jours, 2,4 fois le rythme moyen depuis son dépôt "
                                  "(1,7 par semaine) ; 5 en tout")


def followed(obj, *, days_ago):
    """A follower of `obj` (a project or an intervention) `days_ago` days before NOW; None: before follows
    were dated (the rows the migration kept have no date)."""
    user = UserFactory()
    obj.followers.add(user)
    through = obj.followers.through.objects.filter(user=user)
    through.update(created_at=None if days_ago is None else NOW - days_ago * DAY)
    return user


def test_a_campaign_gaining_followers_faster_than_its_average_week_rises():
    territory = TerritoryFactory()
    project = campaign(territory, weeks_ago=4)
    for days_ago in (None, None, 20, 6, 3, 2, 1):  # two undated, one three weeks ago, four this week
        followed(project, days_ago=days_ago)
    followed(project, days_ago=-1)  # tomorrow: not yet (a history replayed at NOW)

    [signal] = only(traction.signals(territory, now=NOW), "followers")

    # 7 followers in 4 weeks is 1,75 a week; 4 new ones in the last 7 days is 2,3 times that pace.
    assert signal.target == ("funding.project", project.pk)
    assert signal.rising and signal.strength == pytest.approx(4 / 1.75)
    assert signal.explanation == ("4 nouveaux abonnés ces 7 derniers jours, contre 1,8 par semaine en moyenne "
                                  "(2,3 fois ce rythme) ; 7 en tout")
    assert "Nouveaux abonnés des 7 derniers jours" in signal.method


def test_a_campaign_followed_at_its_usual_pace_does_not_rise_nor_do_undated_follows_count_as_new():
    territory = TerritoryFactory()
    steady = campaign(territory, weeks_ago=4)
    for days_ago in (25, 18, 11, 4):  # one a week
        followed(steady, days_ago=days_ago)
    legacy = campaign(territory, weeks_ago=1)
    for _ in range(6):
        followed(legacy, days_ago=None)

    found = {s.target: s for s in only(traction.signals(territory, now=NOW), "followers")}

    assert set(found) == {("funding.project", steady.pk)}  # undated follows are never « new »
    signal = found[("funding.project", steady.pk)]
    assert not signal.rising and signal.strength == pytest.approx(1.0)
    assert signal.explanation.startswith("1 nouvel abonné ces 7 derniers jours, contre 1 par semaine en moyenne")


def test_an_intervention_gaining_followers_rises_at_the_threshold():
    territory = TerritoryFactory()
    intervention = make_intervention(territory=territory, kit=published_kit(territory))
    Intervention.objects.filter(pk=intervention.pk).update(created_at=NOW - 14 * DAY)
    intervention.refresh_from_db()
    intervention.followers.clear()  # its organiser follows it from the start: not part of this history
    for days_ago in (10, 5, 3, 1):
        followed(intervention, days_ago=days_ago)

    [signal] = only(traction.signals(territory, now=NOW), "followers")

    # 4 in two weeks is 2 a week; 3 this week is 1,5 times that: the threshold, with the 3 followers needed.
    assert signal.target == ("interventions.intervention", intervention.pk)
    assert signal.rising and signal.strength == pytest.approx(1.5)


def test_a_follow_through_the_service_is_dated():
    from alleger.funding.models import ProjectFollower
    from alleger.funding.services.projects import project_follow

    project = ProjectFactory(live=True)
    user = UserFactory()
    before = timezone.now()
    project_follow(project=project, user=user)

    row = ProjectFollower.objects.get(project=project, user=user)
    assert row.created_at is not None and row.created_at >= before
    assert list(project.followers.all()) == [user]


def test_a_kit_used_in_more_interventions_this_month_rises():
    territory = TerritoryFactory()
    kit = published_kit(territory)
    made = [make_intervention(territory=territory, kit=kit) for _ in range(3)]
    old = make_intervention(territory=territory, kit=kit)
    Intervention.objects.filter(pk=old.pk).update(created_at=NOW - 40 * DAY)
    Intervention.objects.filter(pk__in=[i.pk for i in made]).update(created_at=NOW - 2 * DAY)

    [signal] = only(traction.signals(territory, now=NOW), "kit_use")

    assert signal.rising and signal.target == ("kits.kit", kit.pk)
    assert signal.explanation == ("3 interventions avec ce kit ces 30 derniers jours (1 les 30 jours d'avant), "
                                  "4 en tout")
