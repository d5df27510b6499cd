"""Reputation writes: a moderator or the platform team grants a level (a floor), audited; and the level
an asset asks of the people in an intervention on it, checked when they join."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from alleger.core.errors import Refused
from alleger.core.services import audit_record

from . import levels
from .models import ReputationGrant
from .selectors import level_for


@transaction.atomic
def level_grant(*, user, level: int, granted_by, reason: str, territory=None) -> ReputationGrant:
    """Set `user`'s level floor. `granted_by` moderates `territory`, or is a platform admin."""
    if not granted_by.has_perm("reputation.grant_level", territory):
        raise PermissionDenied
    if not isinstance(level, int) or isinstance(level, bool) or not 0 <= level <= levels.MAX_LEVEL:
        raise Refused("invalid_level", _("Le niveau doit être compris entre 0 et 3."))
    reason = (reason or "").strip()
    if not reason:
        raise Refused("reason_required", _("Indiquez le motif de ce niveau : il reste dans l'historique."))
    if user.pk == granted_by.pk and not granted_by.is_superuser:
        raise Refused("own_level", _("Vous ne pouvez pas vous accorder un niveau à vous-même."))
    grant = ReputationGrant.objects.create(user=user, level=level, granted_by=granted_by, territory=territory,
                                           reason=reason[:2000])
    audit_record(actor=granted_by, action="reputation.grant", target=user, level=level, reason=reason[:2000],
                 territory=territory.slug if territory else None)
    return grant


def required_level_check(*, asset, user) -> None:
    """Joining an intervention on an asset that asks for a level (registered with interventions)."""
    if asset.required_level:
        level = level_for(user)
        if level < asset.required_level:
            raise Refused("level_too_low",
                          _("Ce dispositif demande le niveau d'intervenant %(required)d ; vous avez le niveau "
                            "%(level)d.") % {"required": asset.required_level, "level": level}, status=403)
