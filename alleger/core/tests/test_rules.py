"""Each app's rules.py is loaded when Django starts, whatever starts it.

django-rules' AutodiscoverRulesConfig imports `<app>.rules` for every installed
app: the site, the tests, the shell and management commands all get every
permission, without anything importing the rules by hand.
"""

import json
import os
import subprocess
import sys

from django.conf import settings
from rules.permissions import permissions as registered_rules

from alleger.core.rules import BINDING_FOR_SUPERUSERS

PRINT_RULES = (
    "import json; from rules.permissions import permissions; "
    "from alleger.core.rules import BINDING_FOR_SUPERUSERS; "
    "print(json.dumps({'rules': sorted(permissions), 'binding': sorted(BINDING_FOR_SUPERUSERS)}))"
)


def test_a_management_command_gets_every_permission():
    # When a fresh process starts Django through manage.py (here the shell) and lists the rules
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "shell", "--no-imports", "-c", PRINT_RULES],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "alleger.settings"},
        cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    started = json.loads(result.stdout.strip().splitlines()[-1])
    # Then it has every permission the tests have, and the same ones bind the platform team
    assert started["rules"] == sorted(registered_rules)
    assert started["binding"] == sorted(BINDING_FOR_SUPERUSERS)
    # And every app that grants something has its permissions registered
    assert {name.split(".")[0] for name in started["rules"]} == {
        "territories", "organisations", "funding", "kits", "assets", "interventions", "reputation",
        "reports", "discussions", "proposals", "places", "studies", "bookings", "cell",
    }


def test_binding_permissions_are_the_ones_a_superuser_may_not_shortcut():
    # Money and four-eyes decisions: the rule decides, even for the platform team (see accounts.models.User).
    assert BINDING_FOR_SUPERUSERS == {
        "assets.review_proposal", "discussions.decide", "funding.cancel_contribution", "funding.confirm_receipt",
        "funding.confirm_returned",
        "funding.review_project", "kits.review_kit", "organisations.contribute_as",
        "organisations.decide_sponsorship", "organisations.request_sponsorship", "organisations.verify",
        "proposals.answer_proposal",
        "places.review_place",
        "cell.decide_response", "cell.propose_response", "cell.propose_as_response",
    }
    assert BINDING_FOR_SUPERUSERS <= set(registered_rules)
