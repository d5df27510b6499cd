"""Helpers for interventions: made through the services, so each has its organiser's participation."""

import datetime

from alleger.interventions.models import Intervention
from alleger.interventions.services import (
    intervention_declare,
    intervention_join,
    intervention_set_status,
)
from alleger.kits.models import Kit

from .assets_factories import AssetFactory
from .factories import UserFactory
from .kits_factories import make_kit


def published_kit(territory=None, **content) -> Kit:
    return make_kit(territory=territory, status=Kit.Status.PUBLISHED, **content)


def make_intervention(*, territory, organiser=None, kit=None, asset=..., status: str = "planned",
                      participants=(), **fields) -> Intervention:
    """An intervention on an asset (a fresh open one by default; asset=None for a free location) in `status`."""
    organiser = organiser or UserFactory()
    kit = kit or published_kit(territory)
    if asset is ...:
        asset = AssetFactory(territory=territory)
    data = {"title": "Fleurir le pied d'arbre", "description": "On plante des capucines.",
            "starts_on": datetime.date(2026, 5, 2), "charter_accepted": True}
    data.update(fields)
    if asset is None:
        data.setdefault("lat", 45.44)
        data.setdefault("lon", 4.39)
    intervention = intervention_declare(organiser=organiser, kit=kit, asset=asset, territory=territory, **data)
    for person in participants:
        intervention_join(intervention=intervention, user=person, charter_accepted=True)
    if status in ("ongoing", "done"):
        intervention = intervention_set_status(intervention=intervention, actor=organiser, status="ongoing")
    if status in ("done", "abandoned"):
        intervention = intervention_set_status(intervention=intervention, actor=organiser, status=status)
    return intervention
