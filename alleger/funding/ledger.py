"""The double-entry ledger: accounts by key, transfers with idempotency keys, derived balances."""

from collections.abc import Iterable

from django.db.models import Sum

from .models import Account, Transfer

PLATFORM = "platform"


def contributor_key(user_id: int) -> str:
    return f"contributor:{user_id}"


def escrow_key(project_id: int) -> str:
    return f"escrow:{project_id}"


def holder_key(project_id: int) -> str:
    return f"holder:{project_id}"


def pool_key(pool_id: int) -> str:
    return f"pool:{pool_id}"


def sponsor_key(organisation_id: int) -> str:
    return f"sponsor:{organisation_id}"


def _kind_of(key: str) -> str:
    return key.split(":", 1)[0]


def account(key: str) -> Account:
    found, _ = Account.objects.get_or_create(key=key, defaults={"kind": _kind_of(key)})
    return found


def accounts(keys: Iterable[str]) -> dict[str, Account]:
    """Fetch (creating what is missing) many accounts in two queries."""
    keys = set(keys)
    found = {a.key: a for a in Account.objects.filter(key__in=keys)}
    missing = keys - found.keys()
    if missing:
        Account.objects.bulk_create([Account(key=k, kind=_kind_of(k)) for k in missing], ignore_conflicts=True)
        found = {a.key: a for a in Account.objects.filter(key__in=keys)}
    return found


def transfer(*, kind: str, source: str, destination: str, amount_cents: int, idempotency_key: str,
             project_id: int | None = None, contribution_id: int | None = None, fresh: bool = False) -> Transfer:
    """Move money between two accounts, once: a repeated key returns the first transfer.

    `fresh=True` skips the lookup when the caller knows the key is new (it
    names a row created in the same transaction); the key's unique constraint
    still refuses a duplicate.
    """
    existing = None if fresh else Transfer.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    found = accounts([source, destination])
    return Transfer.objects.create(
        kind=kind, source=found[source], destination=found[destination], amount_cents=amount_cents,
        idempotency_key=idempotency_key, project_id=project_id, contribution_id=contribution_id,
    )


def balance(key: str) -> int:
    """Credits minus debits of an account; 0 for an account that never moved."""
    found = Account.objects.filter(key=key).first()
    if found is None:
        return 0
    credits = Transfer.objects.filter(destination=found).aggregate(s=Sum("amount_cents"))["s"] or 0
    debits = Transfer.objects.filter(source=found).aggregate(s=Sum("amount_cents"))["s"] or 0
    return credits - debits


def balances() -> dict[str, int]:
    """Every account's balance, computed from the transfers alone."""
    result = {a.key: 0 for a in Account.objects.all()}
    keys = dict(Account.objects.values_list("pk", "key"))
    for row in Transfer.objects.values("destination").annotate(s=Sum("amount_cents")):
        result[keys[row["destination"]]] += row["s"]
    for row in Transfer.objects.values("source").annotate(s=Sum("amount_cents")):
        result[keys[row["source"]]] -= row["s"]
    return result
