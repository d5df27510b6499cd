"""Who may do what with assets: propose, review, import, and tool cabinets' codes.

Objects: an Asset, or a Territory for the territory-wide actions (import,
review). A tool cabinet's manager is `asset.manager`.
"""

import rules

from alleger.core.rules import add_binding_perm, is_active_account, is_platform_admin
from alleger.territories.rules import is_any_moderator, is_moderator_of

from .models import Moderation


# Four eyes (see alleger/core/rules.py): nobody reviews their own proposal.
@rules.predicate
def made_the_asset_proposal(user, asset_proposal) -> bool:
    return is_active_account(user) and asset_proposal is not None and asset_proposal.proposed_by_id == user.pk


@rules.predicate
def is_published_asset(user, asset) -> bool:
    return asset is not None and asset.moderation == Moderation.PUBLISHED


@rules.predicate
def proposed_the_asset(user, asset) -> bool:
    return is_active_account(user) and asset is not None and asset.proposed_by_id == user.pk


@rules.predicate
def moderates_asset_territory(user, asset) -> bool:
    return asset is not None and is_moderator_of(user, asset.territory)


@rules.predicate
def moderates_asset_proposal_territory(user, asset_proposal) -> bool:
    return asset_proposal is not None and is_moderator_of(user, asset_proposal.asset.territory)


@rules.predicate
def is_tool_cabinet(user, asset) -> bool:
    return asset is not None and asset.is_tool_cabinet


@rules.predicate
def manages_cabinet(user, asset) -> bool:
    return is_active_account(user) and asset is not None and asset.manager_id == user.pk


rules.add_perm("assets.view_asset", is_published_asset | proposed_the_asset | moderates_asset_territory
               | is_platform_admin)
rules.add_perm("assets.propose_asset", is_active_account)
# Asking to open a closed asset: any account, on a published asset that is not open yet.
rules.add_perm("assets.propose_opening", is_active_account & is_published_asset)
rules.add_perm("assets.add_photo", is_active_account & is_published_asset)
# Territory-wide actions take the territory as object.
rules.add_perm("assets.review_proposals", is_moderator_of | is_platform_admin)
# One proposal: not one's own.
add_binding_perm("assets.review_proposal", (moderates_asset_proposal_territory | is_platform_admin)
                 & ~made_the_asset_proposal)
rules.add_perm("assets.view_review_queue", is_any_moderator | is_platform_admin)
rules.add_perm("assets.import_assets", is_moderator_of | is_platform_admin)
rules.add_perm("assets.view_cabinet_code", is_active_account & is_tool_cabinet & is_published_asset)
rules.add_perm("assets.change_cabinet_code", is_tool_cabinet & (manages_cabinet | moderates_asset_territory
                                                                | is_platform_admin))
rules.add_perm("assets.view_reveal_log", is_tool_cabinet & (manages_cabinet | moderates_asset_territory
                                                            | is_platform_admin))
