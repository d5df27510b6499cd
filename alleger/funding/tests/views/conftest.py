"""Fixtures of the crowdfunding pages' tests: a project held by `holder`, live in Saint-Étienne, with a
reward, and a draft."""

import pytest

from alleger.testing.factories import UserFactory
from alleger.testing.funding_factories import ProjectFactory, RewardFactory


@pytest.fixture
def holder(db):
    return UserFactory(email="alexis.porteur@example.org", display_name="Alexis Porteur")


@pytest.fixture
def project(territory, holder, neighbourhood):
    return ProjectFactory(live=True, territory=territory, holder=holder, title="Le Café d'à Côté",
                          slug="cafe-d-a-cote", goal_cents=600_000, lat=45.43, lon=4.37,
                          neighbourhood=neighbourhood)


@pytest.fixture
def reward(project):
    return RewardFactory(project=project, title="Un repas à la soirée de lancement", min_amount_cents=1_000,
                         quantity=2)


@pytest.fixture
def draft(territory, holder):
    return ProjectFactory(territory=territory, holder=holder, title="Tables de pique-nique", slug="tables")
