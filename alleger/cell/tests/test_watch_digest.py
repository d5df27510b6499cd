"""Saved watches' digests: once per period and per person, in their language, nothing for an empty period."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command

from alleger.cell import watch_services
from alleger.cell.models import SavedWatch, WatchDigest
from alleger.territories.models import TerritoryRole
from alleger.testing.factories import NeighbourhoodFactory, box
from alleger.testing.funding_factories import ProjectFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
WEDNESDAY = datetime.date(2026, 12, 9)  # the week before runs from Monday 30 November to Sunday 6 December


def at(day, hour=12):
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=PARIS)


def launched(territory, title, day, **fields):
    return ProjectFactory(territory=territory, title=title, status="published", published_at=at(day),
                          deadline=at(day) + datetime.timedelta(days=30), **fields)


@pytest.fixture
def weekly(territory, cell_member):
    return watch_services.saved_watch_create(user=cell_member, territory=territory, name="Les projets",
                                             filters={"kind": ["project"]}, frequency="weekly")


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def run(today=WEDNESDAY):
        with django_capture_on_commit_callbacks(execute=True):
            return watch_services.digests_send_due(today=today)
    return run


def test_the_periods():
    assert watch_services.period_of("daily", WEDNESDAY) == ("2026-12-08", datetime.date(2026, 12, 8),
                                                            datetime.date(2026, 12, 8))
    assert watch_services.period_of("weekly", WEDNESDAY) == ("2026-W49", datetime.date(2026, 11, 30),
                                                             datetime.date(2026, 12, 6))
    # A Monday's last complete week is the one that ended the day before.
    assert watch_services.period_of("weekly", datetime.date(2026, 12, 7))[0] == "2026-W49"


def test_a_weekly_digest_is_sent_once_for_its_week(territory, weekly, send):
    launched(territory, "Le café associatif", datetime.date(2026, 12, 2))
    launched(territory, "Trop tôt", datetime.date(2026, 11, 29))  # the week before: not in this digest

    assert send() == (1, 1)

    [message] = mail.outbox
    assert message.to == [weekly.user.email]
    assert message.subject == "[Alléger] Veille « Les projets » : les nouveautés de la semaine"
    assert "Le café associatif" in message.body and "campagne lancée" in message.body
    assert "Trop tôt" not in message.body
    assert WatchDigest.objects.get().period == "2026-W49"
    weekly.refresh_from_db()
    assert weekly.last_sent_period == "2026-W49"

    # Run again the same day, or any day of the same week: nothing more.
    assert send() == (0, 0)
    assert send(WEDNESDAY + datetime.timedelta(days=4)) == (0, 0)
    assert len(mail.outbox) == 1

    # The next week has its own digest.
    launched(territory, "La ressourcerie", datetime.date(2026, 12, 8))
    assert send(WEDNESDAY + datetime.timedelta(days=7)) == (1, 1)
    assert "La ressourcerie" in mail.outbox[1].body and "Le café associatif" not in mail.outbox[1].body


def test_an_empty_period_sends_nothing_but_is_handled(territory, weekly, send):
    launched(territory, "Ailleurs dans le temps", datetime.date(2026, 11, 20))
    assert send() == (1, 0)
    assert mail.outbox == []
    assert WatchDigest.objects.get().items == 0
    assert send() == (0, 0)


def test_the_digest_is_in_the_persons_language(territory, weekly, send):
    weekly.user.preferred_language = "en"
    weekly.user.save()
    launched(territory, "Le café associatif", datetime.date(2026, 12, 2))
    send()
    [message] = mail.outbox
    assert message.subject == "[Alléger] Watch “Les projets”: what was new this week"
    assert "campaign launched" in message.body and "See the watch:" in message.body


def test_a_period_already_recorded_by_another_worker_is_not_sent_again(territory, weekly, send):
    # Another worker committed this period's row but this one read the watch before it did.
    launched(territory, "Le café associatif", datetime.date(2026, 12, 2))
    WatchDigest.objects.create(watch=weekly, period="2026-W49", items=1)
    assert send() == (0, 0)
    assert mail.outbox == []


def test_a_daily_digest_covers_yesterday_only(territory, cell_member, send):
    watch_services.saved_watch_create(user=cell_member, territory=territory, name="Chaque jour", filters={},
                                      frequency="daily")
    launched(territory, "Hier", datetime.date(2026, 12, 8))
    launched(territory, "Avant-hier", datetime.date(2026, 12, 7))
    assert send() == (1, 1)
    assert "Hier" in mail.outbox[0].body and "Avant-hier" not in mail.outbox[0].body
    assert "les nouveautés d'hier" in mail.outbox[0].subject


def test_the_saved_filters_apply(territory, cell_member, send):
    north = NeighbourhoodFactory(territory=territory, name="Nord", slug="nord", boundary=box(4.38, 45.44, 4.40, 45.45))
    watch_services.saved_watch_create(user=cell_member, territory=territory, name="Le nord",
                                      filters={"neighbourhood": "nord"}, frequency="weekly")
    launched(territory, "Au nord", datetime.date(2026, 12, 2), neighbourhood=north)
    launched(territory, "Sans quartier", datetime.date(2026, 12, 2))
    send()
    assert "Au nord" in mail.outbox[0].body and "Sans quartier" not in mail.outbox[0].body


def test_nothing_for_a_watch_without_digest_or_a_person_who_left_the_cell(territory, weekly, cell_member, send):
    launched(territory, "Le café associatif", datetime.date(2026, 12, 2))
    watch_services.saved_watch_create(user=cell_member, territory=territory, name="Flux seulement", filters={},
                                      frequency="none")
    TerritoryRole.objects.filter(user=cell_member).delete()
    assert send() == (0, 0)
    assert mail.outbox == [] and not WatchDigest.objects.exists()


def test_the_periodic_job_runs_the_command(territory, weekly, settings, django_capture_on_commit_callbacks):
    assert ("watch_digests", 3600) in settings.PERIODIC_JOBS
    launched(territory, "Le café associatif", datetime.date(2026, 12, 2))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("watch_digests")  # today's period: last week of the real calendar
    assert SavedWatch.objects.get().last_sent_period != ""
