"""The assets permission matrix: every rule `assets.*` × every role (columns as in conftest.ROLES).

    vis  visitor (anonymous)          mod  territory moderator (of `territory`)
    res  resident (plain account)     cel  innovation cell member (of `territory`)
    mem  member of `organisation`     spo  member of the sponsor foundation
    adm  admin of `organisation`      pla  platform admin (superuser)

Objects: `published` is a published asset (not a cabinet) in `territory`;
`own_proposed` an asset the resident proposed in `territory`, waiting for
review; `other_proposed` the same proposed by somebody else;
`elsewhere_proposed` one proposed in `other_territory`; `cabinet` a published
tool cabinet in `territory` whose manager is the organisation admin;
`territory` / `other_territory` for the territory-wide actions (review, import).
"""

import pytest

from alleger.assets.models import Asset, AssetProposal
from alleger.testing.assets_factories import AssetFactory
from alleger.testing.matrix import Y, _, matrix_tests

MATRIX = {
    # permission,                                   object               vis res mem adm mod cel spo pla
    ("assets.view_asset", "published"): (Y, Y, Y, Y, Y, Y, Y, Y),
    ("assets.view_asset", "own_proposed"): (_, Y, _, _, Y, _, _, Y),
    ("assets.view_asset", "other_proposed"): (_, _, _, _, Y, _, _, Y),
    ("assets.view_asset", "elsewhere_proposed"): (_, _, _, _, _, _, _, Y),
    ("assets.propose_asset", None): (_, Y, Y, Y, Y, Y, Y, Y),
    ("assets.propose_opening", "published"): (_, Y, Y, Y, Y, Y, Y, Y),
    ("assets.propose_opening", "own_proposed"): (_, _, _, _, _, _, _, Y),
    ("assets.add_photo", "published"): (_, Y, Y, Y, Y, Y, Y, Y),
    ("assets.add_photo", "own_proposed"): (_, _, _, _, _, _, _, Y),
    ("assets.review_proposals", "territory"): (_, _, _, _, Y, _, _, Y),
    ("assets.review_proposals", "other_territory"): (_, _, _, _, _, _, _, Y),
    # One proposal; four eyes: nobody reviews their own.
    ("assets.review_proposal", "other_proposal"): (_, _, _, _, Y, _, _, Y),
    ("assets.review_proposal", "elsewhere_proposal"): (_, _, _, _, _, _, _, Y),
    ("assets.review_proposal", "moderators_proposal"): (_, _, _, _, _, _, _, Y),
    ("assets.review_proposal", "admins_proposal"): (_, _, _, _, Y, _, _, _),
    ("assets.view_review_queue", None): (_, _, _, _, Y, _, _, Y),
    ("assets.import_assets", "territory"): (_, _, _, _, Y, _, _, Y),
    ("assets.import_assets", "other_territory"): (_, _, _, _, _, _, _, Y),
    ("assets.view_cabinet_code", "cabinet"): (_, Y, Y, Y, Y, Y, Y, Y),
    ("assets.view_cabinet_code", "published"): (_, _, _, _, _, _, _, Y),
    ("assets.change_cabinet_code", "cabinet"): (_, _, _, Y, Y, _, _, Y),
    ("assets.change_cabinet_code", "published"): (_, _, _, _, _, _, _, Y),
    ("assets.view_reveal_log", "cabinet"): (_, _, _, Y, Y, _, _, Y),
    ("assets.view_reveal_log", "published"): (_, _, _, _, _, _, _, Y),
}


@pytest.fixture
def objects(territory, other_territory, resident, other_resident, org_admin, moderator, platform_admin):
    proposed = Asset.Moderation.PROPOSED

    def proposal(territory, by):
        asset = AssetFactory(territory=territory, moderation=proposed, proposed_by=by)
        return AssetProposal.objects.create(kind=AssetProposal.Kind.NEW, asset=asset, proposed_by=by)

    return {
        None: None,
        "other_proposal": proposal(territory, other_resident),
        "elsewhere_proposal": proposal(other_territory, other_resident),
        "moderators_proposal": proposal(territory, moderator),
        "admins_proposal": proposal(territory, platform_admin),
        "territory": territory,
        "other_territory": other_territory,
        "published": AssetFactory(territory=territory),
        "own_proposed": AssetFactory(territory=territory, moderation=proposed, proposed_by=resident),
        "other_proposed": AssetFactory(territory=territory, moderation=proposed, proposed_by=other_resident),
        "elsewhere_proposed": AssetFactory(territory=other_territory, moderation=proposed,
                                           proposed_by=other_resident),
        "cabinet": AssetFactory(territory=territory, is_tool_cabinet=True, cabinet_code="1234", manager=org_admin),
    }


test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix = (
    matrix_tests(MATRIX, apps={"assets"}))


@pytest.mark.django_db
def test_a_deactivated_manager_loses_the_cabinet(objects, org_admin):
    org_admin.is_active = False
    org_admin.save()
    assert not org_admin.has_perm("assets.change_cabinet_code", objects["cabinet"])
    assert not org_admin.has_perm("assets.view_cabinet_code", objects["cabinet"])
