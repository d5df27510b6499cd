"""Helpers for the kits track: kits are made through the services, so each has its versions."""

from alleger.kits.models import Kit
from alleger.kits.services import Decision, kit_create, kit_review, kit_submit

from .factories import UserFactory


def make_kit(*, author=None, status: str = Kit.Status.DRAFT, territory=None, organisation=None, moderator=None,
             **content) -> Kit:
    """A kit in `status`, moved there by the services (the moderator defaults to a platform admin)."""
    author = author or UserFactory()
    fields = {"title": "Fleurir les pieds d'arbres", "summary": "Planter des fleurs au pied des arbres de la rue.",
              "category": Kit.Category.GREENING, "axis": Kit.Axis.PHYSICAL, "level": 1,
              "steps": "1. Repérer\n2. Planter\n3. Arroser", "rules": "Pas de pesticides."}
    fields.update(content)
    kit = kit_create(author=author, territory=territory, organisation=organisation, **fields)
    if status == Kit.Status.DRAFT:
        return kit
    kit_submit(kit=kit, actor=author)
    if status != Kit.Status.SUBMITTED:
        moderator = moderator or UserFactory(is_superuser=True, is_staff=True)
        decision = Decision.PUBLISH if status == Kit.Status.PUBLISHED else Decision.REFUSE
        kit_review(kit=kit, moderator=moderator, decision=decision, message="Il manque les démarches.")
    kit.refresh_from_db()
    return kit
