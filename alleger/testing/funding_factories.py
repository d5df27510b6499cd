"""factory_boy factories and helpers for the crowdfunding track.

Models whose cached totals the services keep (a project's pledged amount, a
pool's balance, a reward's claimed count) are only *created* here; money
moves through the services (`pledge`, `funded_pool`) so that the cached
totals and the ledger agree.
"""

import uuid
from datetime import timedelta

import factory
from django.utils import timezone

from alleger.funding.models import Call, Need, Project, Reward, StretchGoal, Theme
from alleger.funding.services import contributions as contribution_services
from alleger.funding.services import sponsors as sponsor_services

from .factories import TerritoryFactory, UserFactory


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Thème {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class CallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Call

    territory = factory.SubFactory(TerritoryFactory)
    title = factory.Sequence(lambda n: f"Appel à projets {n}")
    slug = factory.Sequence(lambda n: f"appel-{n}")
    description = "Des projets **de quartier**, portés par des habitants."
    opens_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=10))
    closes_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=50))


class ProjectFactory(factory.django.DjangoModelFactory):
    """A draft by default; `ProjectFactory(live=True)` is a campaign open for 30 more days."""

    class Meta:
        model = Project
        skip_postgeneration_save = True

    class Params:
        live = factory.Trait(
            status=Project.Status.PUBLISHED,
            published_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=5)),
            deadline=factory.LazyFunction(lambda: timezone.now() + timedelta(days=30)),
        )

    territory = factory.SubFactory(TerritoryFactory)
    holder = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Projet {n}")
    slug = factory.Sequence(lambda n: f"projet-{n}")
    summary = "Un café associatif avec un point de dépôt AMAP et une ressourcerie."
    story = "## Pourquoi\n\nParce que le quartier en a **besoin**."
    goal_cents = 600_000
    duration_days = 60
    accepts_donation = True


class RewardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Reward

    project = factory.SubFactory(ProjectFactory)
    title = factory.Sequence(lambda n: f"Contrepartie {n}")
    description = "Un café équitable offert."
    min_amount_cents = 500


class StretchGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StretchGoal

    project = factory.SubFactory(ProjectFactory)
    amount_cents = 900_000
    title = "Un four pour la cuisine partagée"


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    project = factory.SubFactory(ProjectFactory)
    kind = Need.Kind.VOLUNTEERS
    title = "Des bras pour l'aménagement"
    description = "Peinture et montage des étagères, deux samedis."


def pledge(project, contributor, amount_cents, **kwargs):
    """A contribution made through the service (simulated card unless told otherwise)."""
    kwargs.setdefault("idempotency_key", uuid.uuid4().hex)
    contribution, _ = contribution_services.contribution_create(
        project=project, contributor=contributor, amount_cents=amount_cents, **kwargs)
    return contribution


def funded_pool(*, sponsor, actor, territory, initial_cents=100_000, name="Fonds Nouveau Monde", **rules):
    """A matching pool opened and funded through the service."""
    return sponsor_services.pool_create(sponsor=sponsor, actor=actor, name=name, territory=territory,
                                        initial_cents=initial_cents, idempotency_key=uuid.uuid4().hex, **rules)
