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


def _belongs_to(user, organisation_id) -> bool:
    return organisation_id is not None and Membership.objects.filter(
        user=user, organisation_id=organisation_id).exists()


# --- four eyes ------------------------------------------------------------
# Nobody approves what they have a stake in: their own pledge, their own
# project, kit or proposal, or one of an organisation they belong to. The
# predicates below say who has a stake; the services call them too (they
# refuse with the code "conflict_of_interest"), and the permissions that
# approve something exclude them. These permissions bind the platform team
# as well: Django's superuser shortcut is skipped for them (User.has_perm).

@rules.predicate
def has_stake_in_project(user, project) -> bool:
    """The holder, or any member of the organisation that carries the project."""
    return _active(user) and project is not None and (
        project.holder_id == user.pk or _belongs_to(user, project.organisation_id))


@rules.predicate
def has_stake_in_contribution(user, contribution) -> bool:
    """The contributor, or someone with a stake in the project it funds."""
    return _active(user) and contribution is not None and (
        contribution.contributor_id == user.pk or has_stake_in_project(user, contribution.project))


@rules.predicate
def has_stake_in_kit(user, kit) -> bool:
    return _active(user) and kit is not None and (kit.author_id == user.pk or _belongs_to(user, kit.organisation_id))


@rules.predicate
def wrote_the_proposal(user, proposal) -> bool:
    return _active(user) and proposal is not None and proposal.author_id == user.pk


@rules.predicate
def made_the_asset_proposal(user, asset_proposal) -> bool:
    return _active(user) and asset_proposal is not None and asset_proposal.proposed_by_id == user.pk


#: Permissions the superuser shortcut does not grant: the rule decides, for the platform team too.
BINDING_FOR_SUPERUSERS = frozenset({
    "funding.confirm_receipt", "funding.review_project", "funding.cancel_contribution", "kits.review_kit",
    "proposals.answer_proposal", "assets.review_proposal", "discussions.decide",
    "organisations.decide_sponsorship", "organisations.contribute_as", "organisations.request_sponsorship",
})


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
# Money given in an organisation's name commits it: its admins only.
rules.add_perm("organisations.contribute_as", is_organisation_admin)
rules.add_perm("organisations.request_sponsorship", is_organisation_admin)


@rules.predicate
def moderates_request_territory(user, request) -> bool:
    return request is not None and is_moderator_of(user, request.territory)


@rules.predicate
def belongs_to_requesting_organisation(user, request) -> bool:
    return _active(user) and request is not None and _belongs_to(user, request.organisation_id)


# Four eyes: a member of the organisation never decides its own request.
rules.add_perm("organisations.decide_sponsorship",
               (moderates_request_territory | is_platform_admin) & ~belongs_to_requesting_organisation)

# Accounts: a person manages their own account only.
rules.add_perm("accounts.change_account", is_self)
rules.add_perm("accounts.manage_tokens", is_self)
rules.add_perm("accounts.export_data", is_self)
rules.add_perm("accounts.delete_account", is_self)

# Platform
rules.add_perm("core.view_audit", is_platform_admin)


# Crowdfunding ---------------------------------------------------------------

@rules.predicate
def is_project_owner(user, project) -> bool:
    """The holder, or an admin of the organisation that carries the project."""
    if not _active(user) or project is None:
        return False
    if project.holder_id == user.pk:
        return True
    return project.organisation_id is not None and Membership.objects.filter(
        user=user, organisation_id=project.organisation_id, role=Membership.Role.ADMIN).exists()


@rules.predicate
def moderates_project_territory(user, project) -> bool:
    return project is not None and is_moderator_of(user, project.territory)


@rules.predicate
def is_public_project(user, project) -> bool:
    return project is not None and project.status in ("published", "succeeded", "failed")


@rules.predicate
def is_own_contribution(user, contribution) -> bool:
    return _active(user) and contribution is not None and contribution.contributor_id == user.pk


@rules.predicate
def moderates_contribution_territory(user, contribution) -> bool:
    return contribution is not None and is_moderator_of(user, contribution.project.territory)


@rules.predicate
def is_cancellable_contribution(user, contribution) -> bool:
    """What contribution_cancel accepts: an active pledge to a live campaign, until 24 h before its end."""
    from alleger.funding.selectors import is_cancellable

    return contribution is not None and is_cancellable(contribution)


@rules.predicate
def is_pool_sponsor_member(user, pool) -> bool:
    return pool is not None and is_organisation_member(user, pool.sponsor)


@rules.predicate
def can_support_for(user, organisation) -> bool:
    return (organisation is not None and (organisation.is_sponsor or organisation.kind == "public_body")
            and is_organisation_member(user, organisation))


rules.add_perm("funding.view_project", is_public_project | is_project_owner | moderates_project_territory
               | is_platform_admin)
rules.add_perm("funding.add_project", is_active_account)
rules.add_perm("funding.change_project", is_project_owner)
rules.add_perm("funding.manage_project", is_project_owner | is_platform_admin)
rules.add_perm("funding.review_project", (moderates_project_territory | is_platform_admin) & ~has_stake_in_project)
rules.add_perm("funding.contribute", is_active_account)
# The contributor withdraws their own pledge until 24 h before the deadline (DESIGN.md); nobody, not even
# the platform team, cancels it for them. contribution_cancel enforces the same.
rules.add_perm("funding.cancel_contribution", is_own_contribution & is_cancellable_contribution)
rules.add_perm("funding.confirm_receipt", (moderates_contribution_territory | is_platform_admin)
               & ~has_stake_in_contribution)
rules.add_perm("funding.offer_help", is_active_account)
rules.add_perm("funding.create_pool", is_sponsor_member)
rules.add_perm("funding.manage_pool", is_pool_sponsor_member | is_platform_admin)
rules.add_perm("funding.support_project", can_support_for)


# Kits ------------------------------------------------------------------------

@rules.predicate
def is_kit_author(user, kit) -> bool:
    """The author, or an admin of the organisation that signs the kit."""
    if not _active(user) or kit is None:
        return False
    if kit.author_id == user.pk:
        return True
    return kit.organisation_id is not None and Membership.objects.filter(
        user=user, organisation_id=kit.organisation_id, role=Membership.Role.ADMIN).exists()


@rules.predicate
def is_published_kit(user, kit) -> bool:
    return kit is not None and kit.status == "published"


@rules.predicate
def is_editable_kit(user, kit) -> bool:
    return kit is not None and kit.status in ("draft", "refused")


@rules.predicate
def moderates_kit_territory(user, kit) -> bool:
    # A kit valid everywhere (no territory) is reviewed by the platform team only.
    return kit is not None and is_moderator_of(user, kit.territory)


@rules.predicate
def is_any_moderator(user) -> bool:
    return _active(user) and TerritoryRole.objects.filter(user=user, role=TerritoryRole.Role.MODERATOR).exists()


rules.add_perm("kits.view_kit", is_published_kit | is_kit_author | moderates_kit_territory | is_platform_admin)
rules.add_perm("kits.add_kit", is_active_account)
# Authors change their kit until it is published; moderators and the platform
# team may correct (or revert) a published one.
rules.add_perm("kits.change_kit", (is_kit_author & is_editable_kit) | moderates_kit_territory | is_platform_admin)
rules.add_perm("kits.submit_kit", is_kit_author & is_editable_kit)
rules.add_perm("kits.review_kit", (moderates_kit_territory | is_platform_admin) & ~has_stake_in_kit)
rules.add_perm("kits.view_review_queue", is_any_moderator | is_platform_admin)
rules.add_perm("kits.fork_kit", is_active_account & is_published_kit)


# Assets (alleger/assets) -------------------------------------------------------
# Objects: an Asset, or a Territory for the territory-wide actions (import,
# review). A tool cabinet's manager is `asset.manager`.

@rules.predicate
def is_published_asset(user, asset) -> bool:
    return asset is not None and asset.moderation == "published"


@rules.predicate
def proposed_the_asset(user, asset) -> bool:
    return _active(user) and asset is not None and asset.proposed_by_id == user.pk


@rules.predicate
def moderates_asset_territory(user, asset) -> bool:
    return asset is not None and is_moderator_of(user, asset.territory)


@rules.predicate
def is_tool_cabinet(user, asset) -> bool:
    return asset is not None and asset.is_tool_cabinet


@rules.predicate
def manages_cabinet(user, asset) -> bool:
    return _active(user) and asset is not None and asset.manager_id == user.pk


rules.add_perm("assets.view_asset", is_published_asset | proposed_the_asset | moderates_asset_territory
               | is_platform_admin)
rules.add_perm("assets.propose_asset", is_active_account)
# Asking to open a closed asset: any account, on a published asset that is not open yet.
rules.add_perm("assets.propose_opening", is_active_account & is_published_asset)
rules.add_perm("assets.add_photo", is_active_account & is_published_asset)
# Territory-wide actions take the territory as object.
rules.add_perm("assets.review_proposals", is_moderator_of | is_platform_admin)


@rules.predicate
def moderates_asset_proposal_territory(user, asset_proposal) -> bool:
    return asset_proposal is not None and is_moderator_of(user, asset_proposal.asset.territory)


# One proposal: not one's own.
rules.add_perm("assets.review_proposal", (moderates_asset_proposal_territory | is_platform_admin)
               & ~made_the_asset_proposal)
rules.add_perm("assets.view_review_queue", is_any_moderator | is_platform_admin)
rules.add_perm("assets.import_assets", is_moderator_of | is_platform_admin)
rules.add_perm("assets.view_cabinet_code", is_active_account & is_tool_cabinet & is_published_asset)
rules.add_perm("assets.change_cabinet_code", is_tool_cabinet & (manages_cabinet | moderates_asset_territory
                                                                | is_platform_admin))
rules.add_perm("assets.view_reveal_log", is_tool_cabinet & (manages_cabinet | moderates_asset_territory
                                                            | is_platform_admin))

# Interventions and reputation (alleger/interventions, alleger/reputation) ------

@rules.predicate
def is_intervention_organiser(user, intervention) -> bool:
    return _active(user) and intervention is not None and intervention.organiser_id == user.pk


@rules.predicate
def is_intervention_participant(user, intervention) -> bool:
    """The organiser or anyone who joined."""
    return _active(user) and intervention is not None and intervention.participations.filter(user=user).exists()


@rules.predicate
def moderates_intervention_territory(user, intervention) -> bool:
    return intervention is not None and is_moderator_of(user, intervention.territory)


@rules.predicate
def is_active_intervention(user, intervention) -> bool:
    return intervention is not None and intervention.status in ("planned", "ongoing")


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

# Reputation levels are public; a territory's moderators (or the platform team) grant a level floor.
rules.add_perm("reputation.view_reputation", rules.always_allow)
rules.add_perm("reputation.grant_level", is_moderator_of | is_platform_admin)
rules.add_perm("reputation.grant_levels", is_any_moderator | is_platform_admin)


# Reports (signalements) — alleger/reports ---------------------------------------

@rules.predicate
def moderates_report_territory(user, report) -> bool:
    return report is not None and is_moderator_of(user, report.territory)


@rules.predicate
def is_report_agent(user, report) -> bool:
    """An agent of the service the report's category is routed to."""
    return _active(user) and report is not None and report.category.agents.filter(pk=user.pk).exists()


@rules.predicate
def is_reporter(user, report) -> bool:
    return _active(user) and report is not None and report.reporter_id == user.pk


@rules.predicate
def is_open_report(user, report) -> bool:
    return report is not None and report.status in ("open", "in_progress")


# Reports are public (place, category, description, photo, status); the
# reporter's identity and contact details are not, unless they chose to show
# their name (see Report.public_reporter_name).
rules.add_perm("reports.view_report", rules.always_allow)
rules.add_perm("reports.add_report", is_active_account)
rules.add_perm("reports.change_status", moderates_report_territory | is_report_agent | is_platform_admin)
# The reporter may say "this is the same problem as that one" about their own open report.
rules.add_perm("reports.mark_own_duplicate", is_reporter & is_open_report)
rules.add_perm("reports.view_reporter", is_reporter | moderates_report_territory | is_report_agent
               | is_platform_admin)
# The object is a territory.
rules.add_perm("reports.configure_categories", is_moderator_of | is_platform_admin)


# Discussions (comments, flags, moderation) -------------------------------------
# Contents are those registered in alleger/discussions/registry.py (kits,
# proposals, and the later tracks' assets, interventions, reports; comments
# themselves can be flagged). Their moderators are those of their territory.

def _registered(obj):
    from alleger.discussions import registry

    return registry._by_model.get(type(obj)) if obj is not None else None


@rules.predicate
def moderates_content(user, obj) -> bool:
    """A moderator of the territory of a content, a comment or a moderation item."""
    from alleger.discussions.models import ModerationItem

    if obj is None:
        return False
    if isinstance(obj, ModerationItem):
        return is_moderator_of(user, obj.territory)
    target = _registered(obj)
    return target is not None and is_moderator_of(user, target.territory(obj))


@rules.predicate
def is_visible_comment(user, comment) -> bool:
    return comment is not None and comment.visibility == "visible"


@rules.predicate
def is_hidden_comment(user, comment) -> bool:
    return comment is not None and comment.visibility == "hidden"


@rules.predicate
def is_comment_author(user, comment) -> bool:
    return _active(user) and comment is not None and comment.author_id == user.pk


@rules.predicate
def is_commentable_content(user, obj) -> bool:
    target = _registered(obj)
    return target is not None and target.commentable and target.can_view(user, obj)


@rules.predicate
def is_flaggable_content(user, obj) -> bool:
    """A registered content one can see and did not write."""
    target = _registered(obj)
    return (target is not None and target.can_view(user, obj)
            and (not _active(user) or target.author_id(obj) != user.pk))


@rules.predicate
def is_open_question(user, comment) -> bool:
    return comment is not None and comment.is_question and comment.answered_at is None \
        and comment.visibility == "visible"


@rules.predicate
def wrote_the_discussed_content(user, comment) -> bool:
    """The author of the content a comment discusses (the kit's author for a question on a kit)."""
    if not _active(user) or comment is None:
        return False
    content = comment.target
    target = _registered(content)
    return target is not None and target.author_id(content) == user.pk


rules.add_perm("discussions.view_comment", is_visible_comment | (is_hidden_comment & moderates_content)
               | is_platform_admin)
rules.add_perm("discussions.add_comment", is_active_account & is_commentable_content)
rules.add_perm("discussions.change_comment", is_comment_author & is_visible_comment)
rules.add_perm("discussions.mark_answered", is_open_question & (wrote_the_discussed_content | moderates_content
                                                                | is_platform_admin))
rules.add_perm("discussions.flag", is_active_account & is_flaggable_content)
rules.add_perm("discussions.moderate", moderates_content | is_platform_admin)


@rules.predicate
def wrote_the_moderated_content(user, item) -> bool:
    """The author of the content a moderation item is about (four eyes: she does not decide on it)."""
    content = getattr(item, "content", None)
    target = _registered(content)
    return _active(user) and target is not None and target.author_id(content) == user.pk


# Restore or remove a flagged content: not one's own.
rules.add_perm("discussions.decide", (moderates_content | is_platform_admin) & ~wrote_the_moderated_content)
rules.add_perm("discussions.view_queue", is_any_moderator | is_platform_admin)


# Proposals -----------------------------------------------------------------------

@rules.predicate
def is_open_proposal(user, proposal) -> bool:
    return proposal is not None and proposal.status in ("submitted", "under_review")


@rules.predicate
def moderates_proposal_territory(user, proposal) -> bool:
    return proposal is not None and is_moderator_of(user, proposal.territory)


rules.add_perm("proposals.view_proposal", rules.always_allow)
rules.add_perm("proposals.add_proposal", is_active_account)
rules.add_perm("proposals.support_proposal", is_active_account & is_open_proposal)
rules.add_perm("proposals.answer_proposal", (moderates_proposal_territory | is_platform_admin)
               & ~wrote_the_proposal)
