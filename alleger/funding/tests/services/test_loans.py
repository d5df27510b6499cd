"""funding.services.loans: a loan's schedule and its repayments through the ledger."""

from datetime import date

import pytest

from alleger.funding import ledger, selectors
from alleger.funding.models import LoanRepayment, Transfer
from alleger.funding.services import loans, settlement
from alleger.testing.money import T0, books_problems, contribute, published_project

from .support import DEADLINE, DURING, GOAL, audited, refused

pytestmark = pytest.mark.django_db


# --- loans --------------------------------------------------------------------------------------------


@pytest.fixture
def loan_project(territory, holder):
    territory.allow_loan = True
    territory.save()
    return published_project(territory=territory, holder=holder, goal_cents=GOAL, now=T0, accepts_loan=True,
                             loan_term_months=3)


def test_given_a_loan_then_its_schedule_is_monthly_and_sums_to_the_amount(loan_project, backers):
    loan = contribute(loan_project, backers[0], 10_001, kind="loan", now=DURING)
    rows = loans.schedule(loan)
    assert [r.amount_cents for r in rows] == [3_333, 3_333, 3_335]
    assert sum(r.amount_cents for r in rows) == loan.amount_cents
    start = DEADLINE.date()
    assert [r.due for r in rows] == [date(start.year, start.month + n, start.day) for n in (1, 2, 3)]


def test_given_a_paid_out_loan_when_the_holder_repays_then_money_goes_back_through_the_ledger_up_to_what_is_owed(
        loan_project, holder, backers):
    loan = contribute(loan_project, backers[0], GOAL, kind="loan", now=DURING)
    refused("invalid", loans.loan_repayment_record, contribution=loan, actor=holder, amount_cents=100,
            idempotency_key="early")  # nothing is repaid before the money is paid out
    assert settlement.settle_project(project_id=loan_project.pk, now=DEADLINE).paid_out
    first = loans.loan_repayment_record(contribution=loan, actor=holder, amount_cents=40_000, idempotency_key="m1")
    assert loans.loan_repayment_record(contribution=loan, actor=holder, amount_cents=40_000,
                                       idempotency_key="m1").pk == first.pk
    transfer = Transfer.objects.get(kind=Transfer.Kind.LOAN_REPAYMENT)
    assert (transfer.source.key, transfer.destination.key, transfer.amount_cents) == (
        ledger.holder_key(loan_project.pk), ledger.contributor_key(backers[0].pk), 40_000)
    assert audited("loan.repayment", loan)
    refused("invalid", loans.loan_repayment_record, contribution=loan, actor=holder, amount_cents=60_001,
            idempotency_key="m2")
    refused("invalid", loans.loan_repayment_record, contribution=loan, actor=holder, amount_cents=0,
            idempotency_key="m3")
    loans.loan_repayment_record(contribution=loan, actor=holder, amount_cents=60_000, idempotency_key="m" * 80)
    assert selectors.loan_owed_cents(loan) == 0 and LoanRepayment.objects.count() == 2
    refused("invalid", loans.loan_repayment_record, contribution=loan, actor=holder, amount_cents=1,
            idempotency_key="m5")
    assert books_problems() == []


def test_given_a_donation_when_recording_a_repayment_then_it_is_refused(project, holder, backers):
    gift = contribute(project, backers[0], GOAL, now=DURING)
    settlement.settle_project(project_id=project.pk, now=DEADLINE)
    refused("invalid", loans.loan_repayment_record, contribution=gift, actor=holder, amount_cents=100,
            idempotency_key="k")
