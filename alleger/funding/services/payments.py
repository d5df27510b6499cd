"""Provider webhooks: each event once, and reconciliation of what the provider did on its side."""

import json

from django.db import IntegrityError, transaction
from django.utils import timezone

from alleger.core.text import clean_data

from .. import ledger
from ..models import Contribution, Project, Transfer, WebhookEvent
from ..providers import Event


def webhook_receive(*, provider: str, event: Event, payload: bytes) -> bool:
    """Record and apply a provider event. Returns False for an event already received."""
    try:
        with transaction.atomic():
            # Cleaned: a "\u0000" in the provider's JSON would fail on PostgreSQL's jsonb, for ever (retries).
            WebhookEvent.objects.create(provider=provider, event_id=event.event_id,
                                        payload=clean_data(json.loads(payload or b"{}")))
            _apply(provider, event)
    except IntegrityError:
        return False
    return True


def _apply(provider: str, event: Event) -> None:
    if event.type != "charge.captured":
        return  # other events are recorded for the audit trail only
    contribution = (Contribution.objects.select_for_update()
                    .filter(provider=provider, provider_reference=event.reference).first())
    if contribution is None or contribution.status not in (Contribution.Status.AUTHORISED,
                                                           Contribution.Status.CAPTURE_FAILED):
        return
    if contribution.project.status != Project.Status.SUCCEEDED:
        return
    # The processor captured on its side (its own retry): record the money in escrow.
    Contribution.objects.filter(pk=contribution.pk, status=contribution.status).update(
        status=Contribution.Status.CAPTURED, captured_at=timezone.now(), last_error="", next_attempt_at=None)
    ledger.transfer(kind=Transfer.Kind.CAPTURE, source=ledger.contributor_key(contribution.contributor_id),
                    destination=ledger.escrow_key(contribution.project_id), amount_cents=contribution.amount_cents,
                    idempotency_key=f"capture:{contribution.pk}", project_id=contribution.project_id,
                    contribution_id=contribution.pk)
