"""funding.services.payments: the payment provider's webhooks, applied once, refused when unsigned."""

import json

import pytest

from alleger.funding.models import Contribution, Transfer, WebhookEvent
from alleger.funding.providers import (
    CARD_CAPTURE_ALWAYS_FAILS,
    Event,
    InvalidWebhook,
    SimulatedCardProvider,
    get_provider,
)
from alleger.funding.services import payments, settlement
from alleger.testing.money import HOUR, books_problems, contribute, money_snapshot

from .support import DEADLINE, DURING, GOAL, reload

pytestmark = pytest.mark.django_db


# --- webhooks -------------------------------------------------------------------------------------


def signed(event: dict) -> tuple[bytes, dict]:
    body = json.dumps(event).encode()
    return body, {"X-Simulated-Signature": SimulatedCardProvider.signature(body)}


def test_given_a_capture_event_when_delivered_twice_then_it_is_applied_once(project, backers):
    contribute(project, backers[0], GOAL, now=DURING)
    flaky = contribute(project, backers[1], 5_000, now=DURING,
                       payment_details={"card_number": CARD_CAPTURE_ALWAYS_FAILS})
    settlement.settle_project(project_id=project.pk, now=DEADLINE)
    provider = get_provider("simulated_card")
    body, headers = signed({"id": "evt_1", "type": "charge.captured", "reference": flaky.provider_reference})
    event = provider.parse_webhook(body, headers)
    assert payments.webhook_receive(provider="simulated_card", event=event, payload=body) is True
    before = money_snapshot()
    assert payments.webhook_receive(provider="simulated_card", event=event, payload=body) is False
    assert money_snapshot() == before
    assert WebhookEvent.objects.count() == 1
    assert reload(flaky).status == Contribution.Status.CAPTURED
    assert Transfer.objects.filter(contribution=flaky, kind=Transfer.Kind.CAPTURE).count() == 1
    assert settlement.settle_project(project_id=project.pk, now=DEADLINE + HOUR).paid_out
    assert books_problems() == []


def test_given_a_capture_event_for_a_live_campaign_then_it_is_recorded_but_moves_no_money(project, backers):
    contribution = contribute(project, backers[0], 1_000, now=DURING)
    body, _ = signed({"id": "evt_2", "type": "charge.captured", "reference": contribution.provider_reference})
    event = Event(event_id="evt_2", type="charge.captured", reference=contribution.provider_reference)
    assert payments.webhook_receive(provider="simulated_card", event=event, payload=body)
    assert reload(contribution).status == Contribution.Status.AUTHORISED and not Transfer.objects.exists()


@pytest.mark.parametrize("body, signature", [
    (b'{"id": "e", "type": "charge.captured", "reference": "SIM-x"}', "0" * 64),
    (b'{"id": "e", "type": "charge.captured", "reference": "SIM-x"}', ""),
    (b"not json", None),
    (b'{"id": "e"}', None),
])
def test_given_a_bad_signature_or_a_malformed_event_then_the_webhook_is_refused(body, signature):
    headers = {"X-Simulated-Signature": SimulatedCardProvider.signature(body) if signature is None else signature}
    with pytest.raises(InvalidWebhook):
        get_provider("simulated_card").parse_webhook(body, headers)
    with pytest.raises(InvalidWebhook):
        get_provider("offline").parse_webhook(body, headers)
