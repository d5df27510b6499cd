"""Shared helpers for the demo data loaded by `alleger demo_data`."""

from dataclasses import dataclass, field

# A demo password, printed by the demo command: the demo database is local
# and disposable, so this is a documented value, not a secret.
DEMO_PASSWORD = "alleger-demo"


@dataclass
class DemoContext:
    people: dict = field(default_factory=dict)
    territories: dict = field(default_factory=dict)
    organisations: dict = field(default_factory=dict)
    accounts: list = field(default_factory=list)
    #: The demo password's hash, computed once for every demo account (accounts.demo.demo_person).
    password_hash: str | None = None
