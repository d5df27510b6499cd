"""A person's data held by the apps above accounts: what the export holds, what deleting the account does.

accounts sits below the apps that hold a person's contributions, bookings, comments… and cannot read
them. Each of those apps registers here, in its AppConfig.ready():

    personal_data.register("contributions", export=…, warnings=…, before_delete=…)

* `export(user)`: JSON-serialisable data for the export (RGPD art. 20), under the key given;
* `warnings(user)`: sentences shown on the deletion page before the person confirms — what will be
  cancelled, what will stay (a pledge that can no longer be withdrawn);
* `before_delete(user, now)`: run inside the deletion's transaction, before the account is anonymised
  (cancel what can be, so that nothing goes on in the name of someone who left).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Holder:
    export: Callable | None = None
    warnings: Callable | None = None
    before_delete: Callable | None = None


_holders: dict[str, Holder] = {}


def register(key: str, *, export=None, warnings=None, before_delete=None) -> None:
    _holders[key] = Holder(export, warnings, before_delete)


def exports(user) -> dict:
    return {key: holder.export(user) for key, holder in sorted(_holders.items()) if holder.export}


def deletion_warnings(user) -> list[str]:
    return [text for _key, holder in sorted(_holders.items()) if holder.warnings for text in holder.warnings(user)]


def before_delete(user, now) -> None:
    for _key, holder in sorted(_holders.items()):
        if holder.before_delete:
            holder.before_delete(user, now)
