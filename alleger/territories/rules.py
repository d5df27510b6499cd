"""Who may do what on a territory, and the territory roles other apps' rules ask about."""

import rules

from alleger.core.rules import is_active_account, is_platform_admin

from .models import TerritoryRole


@rules.predicate
def is_moderator_of(user, territory) -> bool:
    return is_active_account(user) and territory is not None and TerritoryRole.objects.filter(
        user=user, territory=territory, role=TerritoryRole.Role.MODERATOR
    ).exists()


@rules.predicate
def is_any_moderator(user) -> bool:
    return is_active_account(user) and TerritoryRole.objects.filter(
        user=user, role=TerritoryRole.Role.MODERATOR).exists()


@rules.predicate
def is_cell_member_of(user, territory) -> bool:
    """A member of the territory's open innovation cell."""
    return is_active_account(user) and territory is not None and TerritoryRole.objects.filter(
        user=user, territory=territory, role=TerritoryRole.Role.CELL
    ).exists()


@rules.predicate
def is_any_cell_member(user) -> bool:
    return is_active_account(user) and TerritoryRole.objects.filter(user=user, role=TerritoryRole.Role.CELL).exists()


rules.add_perm("territories.moderate", is_moderator_of | is_platform_admin)
