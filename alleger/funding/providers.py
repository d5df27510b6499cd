"""Payment providers behind one interface: authorise, capture, void, refund, webhook.

Built in: `offline` (transfer, cheque or cash at a partner place, confirmed by
a moderator) and `simulated_card` (a card processor for demos and tests, with
test cards that decline or fail captures). Real processors are adapters of
the same interface. Every call that changes something carries an idempotency
key, as real processors require: a repeat returns the first result.
"""

import hashlib
import hmac
import json
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alleger.core.db import prepared_cursor

from .models import Contribution, SimulatedCharge


@dataclass(frozen=True)
class Result:
    ok: bool
    reference: str = ""
    error: str = ""


@dataclass(frozen=True)
class Event:
    event_id: str
    type: str
    reference: str


class InvalidWebhook(Exception):
    pass


class PaymentProvider(ABC):
    """What every payment provider adapter implements (Stripe or Mangopay would be one more)."""

    code: str = ""
    label = ""
    #: True when money arrives at authorisation time (confirmed by a person), not at capture.
    paid_upfront = False

    @abstractmethod
    def authorise(self, *, amount_cents: int, details: dict, idempotency_key: str) -> Result:
        """See the module docstring."""

    @abstractmethod
    def capture(self, contribution: Contribution, *, idempotency_key: str) -> Result:
        """See the module docstring."""

    def capture_many(self, contributions: list[Contribution], *, attempt_key) -> dict[int, Result]:
        """Capture several authorisations; processors with a batch API override this."""
        return {c.pk: self.capture(c, idempotency_key=attempt_key(c)) for c in contributions}

    @abstractmethod
    def void(self, contribution: Contribution, *, idempotency_key: str) -> Result:
        """See the module docstring."""

    @abstractmethod
    def refund(self, contribution: Contribution, *, idempotency_key: str) -> Result:
        """See the module docstring."""

    def parse_webhook(self, body: bytes, headers) -> Event:
        raise InvalidWebhook("this provider sends no webhooks")


class OfflineProvider(PaymentProvider):
    """The contributor pays by transfer, cheque or cash; a moderator confirms receipt.

    Receipt is the capture (see contribution_confirm_receipt); a refund is paid
    back the same way and recorded by the platform.
    """

    code = "offline"
    label = _("Virement, chèque ou espèces dans un lieu partenaire")
    paid_upfront = True

    def authorise(self, *, amount_cents, details, idempotency_key):
        return Result(ok=True, reference=f"OFF-{uuid.uuid5(uuid.NAMESPACE_URL, idempotency_key).hex[:12].upper()}")

    def capture(self, contribution, *, idempotency_key):
        # Money arrives when a moderator confirms it, never from a job.
        return Result(ok=False, error="awaiting_receipt")

    def void(self, contribution, *, idempotency_key):
        return Result(ok=True, reference=contribution.provider_reference)

    def refund(self, contribution, *, idempotency_key):
        return Result(ok=True, reference=contribution.provider_reference)


# Test cards, as card processors publish them.
CARD_OK = "4242424242424242"
CARD_DECLINED = "4000000000000002"
CARD_CAPTURE_ALWAYS_FAILS = "4000000000000341"
CARD_CAPTURE_FAILS_ONCE = "4000000000000119"


class SimulatedCardProvider(PaymentProvider):
    """A card processor for demos and tests: authorises now, captures at success."""

    code = "simulated_card"
    label = _("Carte bancaire (simulation)")

    def authorise(self, *, amount_cents, details, idempotency_key):
        number = "".join(ch for ch in str(details.get("card_number", CARD_OK)) if ch in "0123456789")
        if number == CARD_DECLINED:
            return Result(ok=False, error="card_declined")
        failures = {CARD_CAPTURE_ALWAYS_FAILS: -1, CARD_CAPTURE_FAILS_ONCE: 1}.get(number, 0)
        reference = "SIM-" + uuid.uuid5(uuid.NAMESPACE_URL, idempotency_key).hex[:16]
        # One statement: a repeated key keeps the first authorisation. Written
        # by hand, and prepared, because every pledge runs it (see contribution_create).
        table = connection.ops.quote_name(SimulatedCharge._meta.db_table)
        operations = _json_placeholder()
        with prepared_cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (reference, amount_cents, status, capture_failures_left, operations, "
                f"created_at) VALUES (%s, %s, 'authorised', %s, {operations}, %s) ON CONFLICT (reference) DO NOTHING",
                [reference, amount_cents, failures, "{}", timezone.now()])
        return Result(ok=True, reference=reference)

    def _operate(self, charge: SimulatedCharge, key: str, new_status: str, allowed: set[str]) -> Result:
        if key in charge.operations:
            done = charge.operations[key]
            return Result(ok=done["ok"], reference=charge.reference, error=done.get("error", ""))
        if charge.status not in allowed:
            result = Result(ok=False, reference=charge.reference, error=f"charge_{charge.status}")
        elif new_status == "captured" and charge.capture_failures_left != 0:
            if charge.capture_failures_left > 0:
                charge.capture_failures_left -= 1
            result = Result(ok=False, reference=charge.reference, error="capture_declined")
        else:
            charge.status = new_status
            result = Result(ok=True, reference=charge.reference)
        charge.operations[key] = {"ok": result.ok, "error": result.error}
        return result

    def _one(self, contribution, key, new_status, allowed):
        charge = SimulatedCharge.objects.select_for_update().filter(reference=contribution.provider_reference).first()
        if charge is None:  # an authorisation rolled back with the transaction that asked for it
            return Result(ok=False, reference=contribution.provider_reference, error="unknown_charge")
        result = self._operate(charge, key, new_status, allowed)
        charge.save(update_fields=["status", "capture_failures_left", "operations"])
        return result

    def capture(self, contribution, *, idempotency_key):
        return self._one(contribution, idempotency_key, "captured", {"authorised"})

    def capture_many(self, contributions, *, attempt_key):
        charges = {c.reference: c for c in SimulatedCharge.objects.select_for_update().filter(
            reference__in=[c.provider_reference for c in contributions])}
        results = {}
        for contribution in contributions:
            charge = charges[contribution.provider_reference]
            results[contribution.pk] = self._operate(charge, attempt_key(contribution), "captured", {"authorised"})
        self._save_many(charges.values())
        return results

    @staticmethod
    def _save_many(charges) -> None:
        """Write many charges back in one batch of parameterised UPDATEs (executemany).

        bulk_update would build a CASE WHEN per row and per column: with a
        thousand charges, compiling it costs far more than running it.
        """
        table = connection.ops.quote_name(SimulatedCharge._meta.db_table)
        operations = _json_placeholder()
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET status = %s, capture_failures_left = %s, operations = {operations} "
                f"WHERE id = %s",
                [(c.status, c.capture_failures_left, json.dumps(c.operations), c.pk) for c in charges],
            )

    def void(self, contribution, *, idempotency_key):
        return self._one(contribution, idempotency_key, "voided", {"authorised"})

    def refund(self, contribution, *, idempotency_key):
        return self._one(contribution, idempotency_key, "refunded", {"captured"})

    @staticmethod
    def signature(body: bytes) -> str:
        secret = hashlib.sha256(("simulated-card-webhook:" + settings.SECRET_KEY).encode()).digest()
        return hmac.new(secret, body, hashlib.sha256).hexdigest()

    def parse_webhook(self, body, headers):
        given = headers.get("X-Simulated-Signature", "")
        if not hmac.compare_digest(given, self.signature(body)):
            raise InvalidWebhook("bad signature")
        try:
            data = json.loads(body)
            return Event(event_id=str(data["id"]), type=str(data["type"]), reference=str(data["reference"]))
        except (ValueError, KeyError, TypeError):
            raise InvalidWebhook("malformed event") from None


def _json_placeholder() -> str:
    """The parameter of a JSON column in hand-written SQL (PostgreSQL's is jsonb)."""
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


PROVIDERS: dict[str, PaymentProvider] = {p.code: p for p in (OfflineProvider(), SimulatedCardProvider())}


def get_provider(code: str) -> PaymentProvider:
    return PROVIDERS[code]


def enabled_providers() -> list[PaymentProvider]:
    return [PROVIDERS[code] for code in settings.PAYMENT_PROVIDERS]
