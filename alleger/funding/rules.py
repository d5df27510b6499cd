"""Who may do what in crowdfunding: projects, contributions, pools and supports."""

import rules

from alleger.core.rules import add_binding_perm, is_active_account, is_platform_admin
from alleger.organisations.models import Organisation
from alleger.organisations.rules import (
    belongs_to,
    is_admin_of,
    is_organisation_member,
    is_sponsor_member,
)
from alleger.territories.rules import is_cell_member_of, is_moderator_of

from .selectors import PUBLIC_STATUSES, is_cancellable


# Four eyes (see alleger/core/rules.py): who has a stake in a project or a contribution.
@rules.predicate
def has_stake_in_project(user, project) -> bool:
    """The holder, or any member of the organisation that carries the project."""
    return is_active_account(user) and project is not None and (
        project.holder_id == user.pk or belongs_to(user, project.organisation_id))


@rules.predicate
def has_stake_in_contribution(user, contribution) -> bool:
    """The contributor, or someone with a stake in the project it funds."""
    return is_active_account(user) and contribution is not None and (
        contribution.contributor_id == user.pk or has_stake_in_project(user, contribution.project))


@rules.predicate
def is_project_owner(user, project) -> bool:
    """The holder, or an admin of the organisation that carries the project."""
    if not is_active_account(user) or project is None:
        return False
    return project.holder_id == user.pk or is_admin_of(user, project.organisation_id)


@rules.predicate
def moderates_project_territory(user, project) -> bool:
    return project is not None and is_moderator_of(user, project.territory)


@rules.predicate
def cell_sees_submitted_project(user, project) -> bool:
    """The innovation cell sees it all (DESIGN.md), once its holder has submitted it: a draft stays theirs."""
    return (project is not None and project.status != project.Status.DRAFT
            and is_cell_member_of(user, project.territory))


@rules.predicate
def is_public_project(user, project) -> bool:
    return project is not None and project.status in PUBLIC_STATUSES


@rules.predicate
def is_own_contribution(user, contribution) -> bool:
    return is_active_account(user) and contribution is not None and contribution.contributor_id == user.pk


@rules.predicate
def moderates_contribution_territory(user, contribution) -> bool:
    return contribution is not None and is_moderator_of(user, contribution.project.territory)


@rules.predicate
def is_cancellable_contribution(user, contribution) -> bool:
    """What contribution_cancel accepts: an active pledge to a live campaign, until 24 h before its end."""
    return contribution is not None and is_cancellable(contribution)


@rules.predicate
def is_pool_sponsor_member(user, pool) -> bool:
    return pool is not None and is_organisation_member(user, pool.sponsor)


@rules.predicate
def can_support_for(user, organisation) -> bool:
    return (organisation is not None
            and (organisation.is_sponsor or organisation.kind == Organisation.Kind.PUBLIC_BODY)
            and is_organisation_member(user, organisation))


rules.add_perm("funding.view_project", is_public_project | is_project_owner | moderates_project_territory
               | cell_sees_submitted_project | is_platform_admin)
rules.add_perm("funding.add_project", is_active_account)
rules.add_perm("funding.change_project", is_project_owner)
rules.add_perm("funding.manage_project", is_project_owner | is_platform_admin)
add_binding_perm("funding.review_project", (moderates_project_territory | is_platform_admin) & ~has_stake_in_project)
rules.add_perm("funding.contribute", is_active_account)
# The contributor withdraws their own pledge until 24 h before the deadline (DESIGN.md); nobody, not even
# the platform team, cancels it for them. contribution_cancel enforces the same.
add_binding_perm("funding.cancel_contribution", is_own_contribution & is_cancellable_contribution)
add_binding_perm("funding.confirm_receipt", (moderates_contribution_territory | is_platform_admin)
                 & ~has_stake_in_contribution)
# Offline money owed back, handed back: the same hands as the receipt (contribution_confirm_returned).
add_binding_perm("funding.confirm_returned", (moderates_contribution_territory | is_platform_admin)
                 & ~has_stake_in_contribution)
rules.add_perm("funding.offer_help", is_active_account)
rules.add_perm("funding.create_pool", is_sponsor_member)
rules.add_perm("funding.manage_pool", is_pool_sponsor_member | is_platform_admin)
rules.add_perm("funding.support_project", can_support_for)
