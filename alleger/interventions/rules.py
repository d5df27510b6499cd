"""Who may do what with interventions: declare, join, leave, follow, and run them."""

import rules

from alleger.core.rules import is_active_account, is_platform_admin
from alleger.territories.rules import is_moderator_of


@rules.predicate
def is_intervention_organiser(user, intervention) -> bool:
    return is_active_account(user) and intervention is not None and intervention.organiser_id == user.pk


@rules.predicate
def is_intervention_participant(user, intervention) -> bool:
    """The organiser or anyone who joined."""
    return (is_active_account(user) and intervention is not None
            and intervention.participations.filter(user=user).exists())


@rules.predicate
def moderates_intervention_territory(user, intervention) -> bool:
    return intervention is not None and is_moderator_of(user, intervention.territory)


@rules.predicate
def is_active_intervention(user, intervention) -> bool:
    return intervention is not None and intervention.is_active


rules.add_perm("interventions.view_intervention", rules.always_allow)
rules.add_perm("interventions.declare_intervention", is_active_account)
# The service checks the charter, the asset's rules and its limit; this only says who may try.
rules.add_perm("interventions.join_intervention", is_active_account & is_active_intervention
               & ~is_intervention_participant)
rules.add_perm("interventions.leave_intervention", is_intervention_participant & ~is_intervention_organiser
               & is_active_intervention)
rules.add_perm("interventions.follow_intervention", is_active_account)
rules.add_perm("interventions.change_status", (is_intervention_organiser | moderates_intervention_territory
                                               | is_platform_admin) & is_active_intervention)
rules.add_perm("interventions.add_journal_entry", is_intervention_participant | is_platform_admin)
rules.add_perm("interventions.link_project", is_intervention_organiser | is_platform_admin)
