"""Fixtures of the funding services' tests: a holder, a published project with two rewards, backers."""

import pytest

from alleger.testing.factories import UserFactory
from alleger.testing.money import T0, published_project

from .support import GOAL


@pytest.fixture
def holder(db):
    return UserFactory(display_name="Alexis")


@pytest.fixture
def project(territory, holder, moderator):
    return published_project(territory=territory, holder=holder, moderator=moderator, goal_cents=GOAL,
                             duration_days=30, now=T0,
                             rewards=[{"title": "Un café équitable", "min_amount_cents": 500, "quantity": 2},
                                      {"title": "Un panier de légumes", "min_amount_cents": 2_000}])


@pytest.fixture
def coffee(project):
    return project.rewards.get(min_amount_cents=500)


@pytest.fixture
def basket(project):
    return project.rewards.get(min_amount_cents=2_000)


@pytest.fixture
def backers(db):
    return [UserFactory(display_name=f"Contributeur {n}") for n in range(4)]
