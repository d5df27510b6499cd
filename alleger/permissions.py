"""Every permission of the platform, in one place (django-rules predicates).

Views, API endpoints and templates ask `user.has_perm("<app>.<action>", obj)`;
nothing else decides who may do what. The matrix test in
alleger/core/tests/test_permissions.py walks role × action.
"""

import rules

from alleger.organisations.models import Membership
from alleger.territories.models import TerritoryRole

# --- predicates -----------------------------------------------------------

is_authenticated = rules.is_authenticated
is_platform_admin = rules.is_superuser


def _active(user) -> bool:
    return user.is_authenticated and user.is_active


@rules.predicate
def is_active_account(user) -> bool:
    return _active(user)


@rules.predicate
def is_moderator_of(user, territory) -> bool:
    return _active(user) and territory is not None and TerritoryRole.objects.filter(
        user=user, territory=territory, role=TerritoryRole.Role.MODERATOR
    ).exists()


@rules.predicate
def is_cell_member_of(user, territory) -> bool:
    return _active(user) and territory is not None and TerritoryRole.objects.filter(
        user=user, territory=territory, role=TerritoryRole.Role.CELL
    ).exists()


@rules.predicate
def is_organisation_member(user, organisation) -> bool:
    return _active(user) and organisation is not None and Membership.objects.filter(
        user=user, organisation=organisation
    ).exists()


@rules.predicate
def is_organisation_admin(user, organisation) -> bool:
    return _active(user) and organisation is not None and Membership.objects.filter(
        user=user, organisation=organisation, role=Membership.Role.ADMIN
    ).exists()


@rules.predicate
def is_sponsor_member(user, organisation) -> bool:
    return bool(organisation is not None and organisation.is_sponsor) and is_organisation_member(user, organisation)


@rules.predicate
def is_self(user, account) -> bool:
    return _active(user) and account is not None and account.pk == user.pk


# --- permissions ----------------------------------------------------------

# Territories
rules.add_perm("territories.view_territory", rules.always_allow)
rules.add_perm("territories.change_territory", is_platform_admin)
rules.add_perm("territories.add_territory", is_platform_admin)
rules.add_perm("territories.manage_roles", is_platform_admin)
rules.add_perm("territories.moderate", is_moderator_of | is_platform_admin)
rules.add_perm("territories.view_cell", is_cell_member_of | is_platform_admin)

# Organisations
rules.add_perm("organisations.view_organisation", rules.always_allow)
rules.add_perm("organisations.add_organisation", is_active_account)
rules.add_perm("organisations.change_organisation", is_organisation_admin | is_platform_admin)
rules.add_perm("organisations.manage_members", is_organisation_admin | is_platform_admin)
rules.add_perm("organisations.act_for", is_organisation_member)
rules.add_perm("organisations.sponsor", is_sponsor_member)

# Accounts: a person manages their own account only.
rules.add_perm("accounts.change_account", is_self)
rules.add_perm("accounts.manage_tokens", is_self)
rules.add_perm("accounts.export_data", is_self)
rules.add_perm("accounts.delete_account", is_self)

# Platform
rules.add_perm("core.view_audit", is_platform_admin)
