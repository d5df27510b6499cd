"""The demo's events carry dates consistent with their objects (cell.demo_dates), and the dashboards' metrics
cover them (cell.demo_links): not every contribution, comment, report… on the day the demo loaded."""

import datetime

import pytest
from django.db.models import Min
from django.utils import timezone

from alleger.bookings.models import Booking
from alleger.cell.models import Metric
from alleger.discussions.models import Comment
from alleger.funding.models import Contribution, Project
from alleger.interventions.models import Intervention
from alleger.places.models import Place
from alleger.reports.models import Report, ReportUpdate
from alleger.testing.money import books_problems

pytestmark = pytest.mark.django_db


def days(values):
    return {timezone.localdate(v) for v in values}


def test_each_contribution_is_dated_within_its_campaign_spread_over_it(demo):
    projects = Project.objects.filter(published_at__isnull=False, contributions__isnull=False).distinct()
    assert projects
    for project in projects:
        made = list(project.contributions.values_list("created_at", flat=True))
        assert all(project.published_at <= at <= (project.deadline or timezone.now()) for at in made), project
        assert len(days(made)) > 1 or len(made) == 1, project
    assert not books_problems()


def test_comments_reports_places_and_bookings_are_spread_over_the_past(demo):
    today = timezone.localdate()
    for comment in Comment.objects.all():
        published = getattr(comment.target, "published_at", None) or comment.target.created_at
        assert comment.created_at >= published, comment.pk
        if comment.parent_id:
            assert comment.created_at >= comment.parent.created_at
    reports = list(Report.objects.values_list("created_at", flat=True))
    assert len(days(reports)) > len(reports) // 2 and today not in days(reports)
    for update in ReportUpdate.objects.select_related("report"):
        assert update.created_at >= update.report.created_at
    assert today not in days(Place.objects.values_list("created_at", flat=True))
    assert len(days(Place.objects.values_list("created_at", flat=True))) > 1
    for booking in Booking.objects.all():
        assert booking.created_at <= max(booking.start, timezone.now()), booking.pk
    assert Booking.objects.filter(created_at__lt=timezone.now() - datetime.timedelta(days=1)).exists()


def test_interventions_finish_on_their_own_date(demo):
    done = Intervention.objects.filter(status=Intervention.Status.DONE)
    assert done
    for intervention in done:
        assert timezone.localdate(intervention.finished_at) == (intervention.ends_on or intervention.starts_on)
        assert intervention.created_at.date() <= intervention.starts_on


def test_the_dashboards_metrics_cover_the_demo_history(demo):
    city_metrics = Metric.objects.filter(territory__slug="saint-etienne")
    contribution_days = set(city_metrics.filter(key="contributions").values_list("day", flat=True))
    assert len(contribution_days) > 5
    first = Contribution.objects.filter(project__territory__slug="saint-etienne").aggregate(m=Min("created_at"))["m"]
    assert min(contribution_days) == timezone.localdate(first)
    assert city_metrics.filter(key="interventions_done").count() >= 2
