"""Helpers of the funding services' tests (alleger/funding/tests/services/, one module per
service module): given a state, when a service acts, then…

Every refused action also asserts that nothing changed (`refused`: totals, stock,
ledger, pools), and every test that moves money ends with the books checked
(`books_problems`).
"""

import pytest

from alleger.core.errors import Refused
from alleger.core.models import AuditEvent
from alleger.funding.services import projects
from alleger.testing.money import DAY, T0, money_snapshot

GOAL = 100_000  # 1 000 €; the territory's cap is 200 %: 2 000 €
DURING = T0 + DAY
DEADLINE = T0 + 30 * DAY


def audited(action, target) -> bool:
    return AuditEvent.objects.filter(action=action, target_type=target._meta.label_lower,
                                     target_id=str(target.pk)).exists()


def refused(code, call, *args, **kwargs) -> Refused:
    """Run a service that must refuse with `code`, and check that it changed nothing."""
    before = money_snapshot()
    with pytest.raises(Refused) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code, caught.value.messages
    assert money_snapshot() == before
    return caught.value


def reload(obj):
    obj.refresh_from_db()
    return obj


def draft(territory, holder, **fields):
    values = {"holder": holder, "territory": territory, "title": "Tables de pique-nique", "summary": "Au parc.",
              "story": "Des tables.", "goal_cents": GOAL, "duration_days": 30} | fields
    return projects.project_create(**values)
