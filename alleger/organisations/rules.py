"""Who may do what for an organisation, and the memberships other apps' rules ask about."""

import rules

from alleger.core.rules import add_binding_perm, is_active_account, is_platform_admin
from alleger.territories.rules import is_moderator_of

from .models import Membership


def belongs_to(user, organisation_id) -> bool:
    """A member (any role) of the organisation with this id; False for no organisation."""
    return organisation_id is not None and Membership.objects.filter(
        user=user, organisation_id=organisation_id).exists()


def is_admin_of(user, organisation_id) -> bool:
    """An admin of the organisation with this id; False for no organisation."""
    return organisation_id is not None and Membership.objects.filter(
        user=user, organisation_id=organisation_id, role=Membership.Role.ADMIN).exists()


@rules.predicate
def is_organisation_member(user, organisation) -> bool:
    return is_active_account(user) and organisation is not None and belongs_to(user, organisation.pk)


@rules.predicate
def is_organisation_admin(user, organisation) -> bool:
    return is_active_account(user) and organisation is not None and is_admin_of(user, organisation.pk)


@rules.predicate
def is_sponsor_member(user, organisation) -> bool:
    return bool(organisation is not None and organisation.is_sponsor) and is_organisation_member(user, organisation)


@rules.predicate
def moderates_request_territory(user, request) -> bool:
    return request is not None and is_moderator_of(user, request.territory)


@rules.predicate
def belongs_to_requesting_organisation(user, request) -> bool:
    return is_active_account(user) and request is not None and belongs_to(user, request.organisation_id)


@rules.predicate
def moderates_organisation_territory(user, organisation) -> bool:
    return organisation is not None and organisation.territory_id is not None and is_moderator_of(
        user, organisation.territory)


rules.add_perm("organisations.add_organisation", is_active_account)
rules.add_perm("organisations.change_organisation", is_organisation_admin | is_platform_admin)
rules.add_perm("organisations.manage_members", is_organisation_admin | is_platform_admin)
rules.add_perm("organisations.act_for", is_organisation_member)
# Money given in an organisation's name commits it: its admins only.
add_binding_perm("organisations.contribute_as", is_organisation_admin)
add_binding_perm("organisations.request_sponsorship", is_organisation_admin)
# Four eyes: a member of the organisation never decides its own request.
add_binding_perm("organisations.decide_sponsorship",
                 (moderates_request_territory | is_platform_admin) & ~belongs_to_requesting_organisation)
# Four eyes: nobody vouches for an organisation they belong to.
add_binding_perm("organisations.verify",
                 (moderates_organisation_territory | is_platform_admin) & ~is_organisation_member)
