"""The kits permission matrix: every rule `kits.*` × every role (columns as in conftest.ROLES).

    vis  visitor (anonymous)          mod  territory moderator (of `territory`)
    res  resident (plain account)     cel  innovation cell member (of `territory`)
    mem  member of `organisation`     spo  member of the sponsor foundation
    adm  admin of `organisation`      pla  platform admin (superuser)

Objects: `published` is a published kit in `territory` signed by `organisation`
(written by somebody else); `own_draft` a draft the resident wrote in
`territory`; `own_submitted` the same once submitted; `own_refused` one the
moderation refused; `org_draft` a draft signed by `organisation`, written by
somebody else; `elsewhere_submitted` a submitted kit in `other_territory`;
`everywhere_submitted` a submitted kit without territory (the platform team
reviews those).
"""

import pytest

from alleger.kits.models import Kit
from alleger.testing.factories import MembershipFactory
from alleger.testing.kits_factories import make_kit
from alleger.testing.matrix import Y, _, matrix_tests

MATRIX = {
    # permission,                             object                   vis res mem adm mod cel spo pla
    ("kits.view_kit", "published"): (Y, Y, Y, Y, Y, Y, Y, Y),
    ("kits.view_kit", "own_draft"): (_, Y, _, _, Y, _, _, Y),
    ("kits.view_kit", "org_draft"): (_, _, _, Y, Y, _, _, Y),
    ("kits.view_kit", "elsewhere_submitted"): (_, _, _, _, _, _, _, Y),
    ("kits.view_kit", "everywhere_submitted"): (_, _, _, _, _, _, _, Y),
    ("kits.add_kit", None): (_, Y, Y, Y, Y, Y, Y, Y),
    ("kits.change_kit", "own_draft"): (_, Y, _, _, Y, _, _, Y),
    ("kits.change_kit", "own_refused"): (_, Y, _, _, Y, _, _, Y),
    ("kits.change_kit", "own_submitted"): (_, _, _, _, Y, _, _, Y),
    ("kits.change_kit", "org_draft"): (_, _, _, Y, Y, _, _, Y),
    ("kits.change_kit", "published"): (_, _, _, _, Y, _, _, Y),
    ("kits.change_kit", "elsewhere_submitted"): (_, _, _, _, _, _, _, Y),
    ("kits.submit_kit", "own_draft"): (_, Y, _, _, _, _, _, Y),
    ("kits.submit_kit", "own_refused"): (_, Y, _, _, _, _, _, Y),
    ("kits.submit_kit", "own_submitted"): (_, _, _, _, _, _, _, Y),
    ("kits.submit_kit", "org_draft"): (_, _, _, Y, _, _, _, Y),
    ("kits.review_kit", "own_submitted"): (_, _, _, _, Y, _, _, Y),
    ("kits.review_kit", "elsewhere_submitted"): (_, _, _, _, _, _, _, Y),
    ("kits.review_kit", "everywhere_submitted"): (_, _, _, _, _, _, _, Y),
    # Four eyes: nobody reviews their own kit, or one their organisation signs.
    ("kits.review_kit", "moderator_submitted"): (_, _, _, _, _, _, _, Y),
    ("kits.review_kit", "moderator_org_submitted"): (_, _, _, _, _, _, _, Y),
    ("kits.review_kit", "admin_submitted"): (_, _, _, _, Y, _, _, _),
    ("kits.view_review_queue", None): (_, _, _, _, Y, _, _, Y),
    ("kits.fork_kit", "published"): (_, Y, Y, Y, Y, Y, Y, Y),
    ("kits.fork_kit", "own_draft"): (_, _, _, _, _, _, _, Y),
    ("kits.fork_kit", "own_submitted"): (_, _, _, _, _, _, _, Y),
}


@pytest.fixture
def objects(territory, other_territory, organisation, resident, other_resident, moderator, platform_admin):
    moderators_association = MembershipFactory(user=moderator, organisation__territory=territory).organisation
    submitted = {"territory": territory, "status": Kit.Status.SUBMITTED}
    return {
        None: None,
        "moderator_submitted": make_kit(author=moderator, **submitted),
        "moderator_org_submitted": make_kit(author=other_resident, organisation=moderators_association, **submitted),
        "admin_submitted": make_kit(author=platform_admin, **submitted),
        "published": make_kit(author=other_resident, territory=territory, organisation=organisation,
                              status=Kit.Status.PUBLISHED),
        "own_draft": make_kit(author=resident, territory=territory),
        "own_submitted": make_kit(author=resident, territory=territory, status=Kit.Status.SUBMITTED),
        "own_refused": make_kit(author=resident, territory=territory, status=Kit.Status.REFUSED),
        "org_draft": make_kit(author=other_resident, territory=territory, organisation=organisation),
        "elsewhere_submitted": make_kit(author=other_resident, territory=other_territory,
                                        status=Kit.Status.SUBMITTED),
        "everywhere_submitted": make_kit(author=other_resident, status=Kit.Status.SUBMITTED),
    }


test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix = (
    matrix_tests(MATRIX, apps={"kits"}))


@pytest.mark.django_db
def test_a_refused_or_submitted_kit_is_not_public(objects, visitor):
    for key in ("own_submitted", "own_refused"):
        assert not visitor.has_perm("kits.view_kit", objects[key])
