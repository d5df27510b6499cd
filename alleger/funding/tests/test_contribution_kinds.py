"""Accepted contribution kinds: one rule (Project.contribution_refusal) drives the contribution form, the
project's contribution page and contribution_create; the loan "owed" figure is one selector."""

import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alleger.core.errors import Refused
from alleger.funding import selectors
from alleger.funding.forms import ContributeForm
from alleger.funding.models import Contribution, Project
from alleger.funding.services import loans, settlement
from alleger.funding.services.contributions import contribution_create
from alleger.organisations.models import Organisation
from alleger.territories.models import Territory
from alleger.testing.funding_factories import ProjectFactory, RewardFactory
from alleger.testing.money import contribute, published_project, unique_key

DONATION, LOAN = Contribution.Kind.DONATION, Contribution.Kind.LOAN

FLAGS = list(itertools.product([True, False], repeat=3))
PROJECT_KINDS = [(True, False), (False, True), (True, True)]


@pytest.mark.parametrize(("donation", "reward", "loan"), FLAGS)
@pytest.mark.parametrize(("accepts_donation", "accepts_loan"), PROJECT_KINDS)
def test_the_rule_is_the_projects_choice_within_its_territorys(donation, reward, loan, accepts_donation,
                                                              accepts_loan):
    territory = Territory(allow_donation=donation, allow_reward=reward, allow_loan=loan)
    project = Project(territory=territory, accepts_donation=accepts_donation, accepts_loan=accepts_loan)
    assert project.takes(DONATION) == (accepts_donation and donation)
    assert project.takes(DONATION, with_reward=True) == (accepts_donation and reward)
    assert project.takes(LOAN) == (accepts_loan and loan)
    assert not project.takes(LOAN, with_reward=True)
    assert project.contribution_refusal("gift").code == "invalid"
    assert project.contribution_kinds == [kind for kind, offered in (
        (DONATION, accepts_donation and (donation or reward)), (LOAN, accepts_loan and loan)) if offered]


@pytest.fixture
def loans_only_by_rule(monkeypatch):
    """A rule that differs from every flag: only loans, though the project and its territory say donations.
    Whatever follows it reads the one rule; whatever still reads the flags does not."""
    def refusal(self, kind, *, with_reward=False):
        return None if kind == LOAN and not with_reward else Refused("kind_not_accepted", "Pas ici.")

    monkeypatch.setattr(Project, "contribution_refusal", refusal)


@pytest.fixture
def donation_project(db, territory):
    project = ProjectFactory(live=True, territory=territory, accepts_donation=True, accepts_loan=False,
                             loan_term_months=10)
    RewardFactory(project=project, min_amount_cents=500)
    return project


def test_the_form_offers_what_the_rule_takes(donation_project, loans_only_by_rule):
    form = ContributeForm(project=donation_project, rewards=selectors.rewards_with_stock(donation_project),
                          organisations=Organisation.objects.none())
    assert [kind for kind, _ in form.fields["kind"].choices] == [LOAN]
    assert "" not in dict(form.fields["reward"].choices)  # no donation without a reward either


def test_the_page_shows_the_loan_schedule_when_the_rule_takes_loans(client, resident, donation_project,
                                                                    loans_only_by_rule):
    client.force_login(resident)
    response = client.get(reverse("funding:contribute", args=[donation_project.slug]))
    assert response.status_code == 200 and response.context["schedule"]


def test_the_service_applies_the_rule(donation_project, resident, loans_only_by_rule):
    with pytest.raises(Refused) as refused:
        contribution_create(project=donation_project, contributor=resident, amount_cents=1_000,
                            idempotency_key=unique_key(), kind=DONATION)
    assert refused.value.code == "kind_not_accepted"
    contribution, created = contribution_create(project=donation_project, contributor=resident, amount_cents=1_000,
                                                idempotency_key=unique_key(), kind=LOAN)
    assert created and contribution.kind == LOAN


@pytest.mark.django_db
def test_what_is_owed_on_a_loan_is_one_figure_for_both_pages_and_the_service(territory, resident):
    territory.allow_loan = True
    territory.save()
    start = timezone.now() - timedelta(days=31)
    project = published_project(territory=territory, goal_cents=100_000, duration_days=30, now=start,
                                accepts_loan=True, loan_term_months=2)
    loan = contribute(project, resident, 100_000, kind=LOAN, now=start + timedelta(days=1))
    assert selectors.loan_owed_cents(loan) == 100_000
    assert settlement.settle_project(project_id=project.pk).paid_out
    loans.loan_repayment_record(contribution=loan, actor=project.holder, amount_cents=30_000, idempotency_key="m1")
    [row] = selectors.loans_of_project(project)
    assert (row.repaid_cents, row.owed_cents, selectors.loan_owed_cents(loan)) == (30_000, 70_000, 70_000)
    mine = selectors.with_repaid(selectors.contributions_of(resident)).get()
    assert (mine.repaid_cents, mine.owed_cents) == (30_000, 70_000)
    with pytest.raises(Refused):  # the service reads the same figure: not a cent more than what is owed
        loans.loan_repayment_record(contribution=loan, actor=project.holder, amount_cents=70_001,
                                    idempotency_key="m2")
