"""E-mail notifications go through the background queue: queued after the commit, rendered and sent by the job.

The other tests run jobs at once (TASKS_IMMEDIATE); here a real queue holds
them, serialised as a Redis queue would hold them, until a worker runs them.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core import mail
from django.db import transaction
from huey.contrib.djhuey import HUEY

from alleger.testing.factories import TerritoryFactory, UserFactory
from alleger.testing.money import contribute, published_project, sponsor_pool
from alleger.testing.reports_factories import make_category, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(monkeypatch):
    """Jobs stay queued (serialised) until `work()` runs them, as `alleger run_huey` would.

    A worker closes stale connections around each job; here the job runs
    inside the test's transaction, whose connection must stay open."""
    monkeypatch.setattr("huey.contrib.djhuey.close_old_connections", lambda: None)
    HUEY.immediate = False
    HUEY.flush()

    def work() -> int:
        done = 0
        while (task := HUEY.dequeue()) is not None:
            HUEY.execute(task)
            done += 1
        return done

    yield work
    HUEY.flush()
    HUEY.immediate = True


def test_a_pledge_queues_its_receipt_after_the_commit_and_the_worker_sends_it_in_the_backers_language(
        queue, django_capture_on_commit_callbacks):
    project = published_project(territory=TerritoryFactory(), title="Le café associatif")
    backer = UserFactory(preferred_language="en")
    with django_capture_on_commit_callbacks(execute=True):
        contribute(project, backer, 1_250)

    assert mail.outbox == []  # nothing rendered nor sent in the request
    assert HUEY.pending_count() == 1
    assert queue() == 1
    assert [m.to for m in mail.outbox] == [[backer.email]]
    assert "Le café associatif" in mail.outbox[0].subject
    assert "€12.50" in mail.outbox[0].body  # rendered in English, the backer's language


def test_a_receipt_is_queued_by_the_contribution_s_id_alone_and_reads_what_was_committed(
        queue, django_capture_on_commit_callbacks):
    """Every pledge of a hot campaign pays for the enqueue: an id, not the pickled contribution."""
    project = published_project(territory=TerritoryFactory(), title="Le café associatif")
    backer, closing = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        contribution = contribute(project, backer, 1_250)
        contribute(project, closing, 900)
    first, second = HUEY.dequeue(), HUEY.dequeue()
    assert (first.name, first.args) == ("send_receipt", (contribution.pk,))
    assert len(HUEY.serialize_task(first)) < 300  # a contribution pickled with its project is kilobytes
    # What the job reads is what was committed: an account closed meanwhile gets nothing.
    closing.is_active = False
    closing.save()
    HUEY.execute(first)
    HUEY.execute(second)
    assert [m.to for m in mail.outbox] == [[backer.email]]
    assert "12,50" in mail.outbox[0].body


def test_a_matched_pledge_s_receipt_says_what_the_fund_adds(queue, django_capture_on_commit_callbacks):
    territory = TerritoryFactory()
    project = published_project(territory=territory, title="Le café associatif")
    sponsor_pool(territory=territory, amount_cents=100_000, factor_bp=10_000, cap_per_contribution_cents=500)
    backer, alone = UserFactory(), UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        contribute(project, backer, 1_250)
    queue()
    [receipt] = mail.outbox
    assert "Un fonds de doublement y ajoute 5\u00a0€ : le projet reçoit les deux." in receipt.body
    # Without a fund, no such line
    project_alone = published_project(territory=TerritoryFactory(), title="Sans fonds")
    with django_capture_on_commit_callbacks(execute=True):
        contribute(project_alone, alone, 1_250)
    queue()
    assert "fonds de doublement" not in mail.outbox[1].body


def test_a_rolled_back_transaction_queues_nothing(queue, django_capture_on_commit_callbacks):
    project = published_project(territory=TerritoryFactory())
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            contribute(project, UserFactory(), 1_000)
            transaction.set_rollback(True)
    assert HUEY.pending_count() == 0
    assert queue() == 0 and mail.outbox == []


def test_a_mailbox_that_is_not_an_account_gets_its_mail_through_the_queue(queue, django_capture_on_commit_callbacks):
    territory = TerritoryFactory()
    category = make_category(territory=territory, service_email="voirie@ville.example")
    with django_capture_on_commit_callbacks(execute=True):
        # Reported through an application with no contact address: the service's mailbox alone is written to
        make_report(category=category, reporter=AnonymousUser(), description="Un vélo partagé a la chaîne cassée.")
    assert mail.outbox == []
    assert queue() == 1
    assert [m.to for m in mail.outbox] == [["voirie@ville.example"]]
    assert "chaîne cassée" in mail.outbox[0].body


def test_an_account_closed_before_the_job_runs_gets_nothing(queue, django_capture_on_commit_callbacks):
    project = published_project(territory=TerritoryFactory())
    backer = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        contribute(project, backer, 1_000)
    backer.is_active = False
    backer.save()
    assert queue() == 1
    assert mail.outbox == []
