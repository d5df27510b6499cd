"""Interest-free loans after a successful campaign: the schedule, and repayments the holder records."""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils.translation import gettext as _

from alleger.core.errors import Refused
from alleger.core.services import audit_record

from .. import ledger, selectors
from ..models import Contribution, LoanRepayment, Project, Transfer


@dataclass(frozen=True)
class Instalment:
    number: int
    due: date
    amount_cents: int


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, 28))


def schedule(contribution: Contribution) -> list[Instalment]:
    """Equal monthly instalments, the first a month after the deadline; the last takes the remainder."""
    project = contribution.project
    months = project.loan_term_months or 1
    start = (project.deadline or project.created_at).date()
    base = contribution.amount_cents // months
    rows = [Instalment(n + 1, _add_months(start, n + 1), base) for n in range(months)]
    rows[-1] = Instalment(months, rows[-1].due, contribution.amount_cents - base * (months - 1))
    return rows


@transaction.atomic
def loan_repayment_record(*, contribution: Contribution, actor, amount_cents: int, idempotency_key: str
                          ) -> LoanRepayment:
    if not idempotency_key or len(idempotency_key) > 80:
        raise Refused("invalid", _("Une clé d'idempotence (80 caractères au plus) est requise."))
    contribution = Contribution.objects.select_for_update().select_related("project").get(pk=contribution.pk)
    if contribution.kind != Contribution.Kind.LOAN or contribution.status != Contribution.Status.CAPTURED:
        raise Refused("invalid", _("Seul un prêt encaissé se rembourse."))
    if contribution.project.status != Project.Status.SUCCEEDED or contribution.project.paid_out_at is None:
        raise Refused("invalid", _("Les remboursements commencent après le versement des fonds."))
    key = f"loan-repayment:{contribution.pk}:{idempotency_key}"
    existing = LoanRepayment.objects.filter(transfer__idempotency_key=key).first()
    if existing:
        return existing
    owed = selectors.loan_owed_cents(contribution)
    if amount_cents <= 0 or amount_cents > owed:
        raise Refused("invalid", _("Le montant doit être positif et ne pas dépasser ce qui reste dû."))
    transfer = ledger.transfer(kind=Transfer.Kind.LOAN_REPAYMENT, source=ledger.holder_key(contribution.project_id),
                               destination=ledger.contributor_key(contribution.contributor_id),
                               amount_cents=amount_cents, idempotency_key=key,
                               project_id=contribution.project_id, contribution_id=contribution.pk)
    repayment = LoanRepayment.objects.create(contribution=contribution, amount_cents=amount_cents,
                                             transfer=transfer, recorded_by=actor)
    audit_record(actor=actor, action="loan.repayment", target=contribution, amount=amount_cents)
    return repayment
