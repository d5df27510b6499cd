"""The funding permission matrix: every rule `funding.*` × every role (columns as in conftest.ROLES).

    vis  visitor (anonymous)          mod  territory moderator (of `territory`)
    res  resident (plain account)     cel  innovation cell member (of `territory`)
    mem  member of `organisation`     spo  member of the sponsor foundation
    adm  admin of `organisation`      pla  platform admin (superuser)

Objects: `published` is a live campaign in `territory` carried by
`organisation` (held by somebody else); `own_draft` a draft the resident
holds; `org_draft` a draft carried by `organisation`, held by somebody else;
`elsewhere_draft` a draft in `other_territory`; `resident_contribution` the
resident's pledge to `published`; `pool` the sponsor foundation's pool.
"""

import pytest

from alleger.funding.models import Contribution, Project
from alleger.testing.factories import ROLES
from alleger.testing.funding_factories import ProjectFactory, funded_pool

Y, _ = True, False

MATRIX = {
    # permission,                                   object                  vis res mem adm mod cel spo pla
    ("funding.view_project", "published"): (Y, Y, Y, Y, Y, Y, Y, Y),
    ("funding.view_project", "own_draft"): (_, Y, _, _, Y, _, _, Y),
    ("funding.view_project", "org_draft"): (_, _, _, Y, Y, _, _, Y),
    ("funding.view_project", "elsewhere_draft"): (_, _, _, _, _, _, _, Y),
    ("funding.add_project", None): (_, Y, Y, Y, Y, Y, Y, Y),
    ("funding.change_project", "own_draft"): (_, Y, _, _, _, _, _, Y),
    ("funding.change_project", "org_draft"): (_, _, _, Y, _, _, _, Y),
    ("funding.manage_project", "published"): (_, _, _, Y, _, _, _, Y),
    ("funding.manage_project", "own_draft"): (_, Y, _, _, _, _, _, Y),
    ("funding.review_project", "own_draft"): (_, _, _, _, Y, _, _, Y),
    ("funding.review_project", "elsewhere_draft"): (_, _, _, _, _, _, _, Y),
    ("funding.contribute", "published"): (_, Y, Y, Y, Y, Y, Y, Y),
    ("funding.cancel_contribution", "resident_contribution"): (_, Y, _, _, _, _, _, Y),
    ("funding.confirm_receipt", "resident_contribution"): (_, _, _, _, Y, _, _, Y),
    ("funding.offer_help", None): (_, Y, Y, Y, Y, Y, Y, Y),
    ("funding.create_pool", "sponsor_org"): (_, _, _, _, _, _, Y, Y),
    ("funding.create_pool", "organisation"): (_, _, _, _, _, _, _, Y),
    ("funding.manage_pool", "pool"): (_, _, _, _, _, _, Y, Y),
    ("funding.support_project", "sponsor_org"): (_, _, _, _, _, _, Y, Y),
    ("funding.support_project", "organisation"): (_, _, _, _, _, _, _, Y),
}


@pytest.fixture
def objects(territory, other_territory, organisation, sponsor_organisation, resident, other_resident,
            platform_admin):
    published = ProjectFactory(live=True, territory=territory, organisation=organisation, holder=other_resident)
    contribution = Contribution.objects.create(
        project=published, contributor=resident, amount_cents=1_000, idempotency_key="k", provider="offline",
        status=Contribution.Status.PENDING)
    return {
        None: None,
        "published": published,
        "own_draft": ProjectFactory(territory=territory, holder=resident),
        "org_draft": ProjectFactory(territory=territory, organisation=organisation, holder=other_resident),
        "elsewhere_draft": ProjectFactory(territory=other_territory, holder=other_resident),
        "resident_contribution": contribution,
        "pool": funded_pool(sponsor=sponsor_organisation, actor=platform_admin, territory=territory,
                            initial_cents=0),
        "organisation": organisation,
        "sponsor_org": sponsor_organisation,
    }


def test_every_row_has_one_cell_per_role():
    assert all(len(row) == len(ROLES) for row in MATRIX.values())


def test_the_matrix_covers_every_funding_permission():
    from rules.permissions import permissions as registered_rules

    registered = {name for name in registered_rules.keys() if name.startswith("funding.")}
    assert registered == {permission for permission, _ in MATRIX}


@pytest.mark.django_db
@pytest.mark.parametrize(("permission", "object_key"), list(MATRIX), ids=[f"{p}-{o}" for p, o in MATRIX])
def test_the_matrix(permission, object_key, people, objects):
    # Given one person per role and the objects they may act on
    expected = dict(zip(ROLES, MATRIX[(permission, object_key)], strict=True))
    # When each of them asks for the permission
    actual = {role: person.has_perm(permission, objects[object_key]) for role, person in people.items()}
    # Then exactly the expected roles get it
    assert actual == expected


@pytest.mark.django_db
def test_a_published_project_stays_visible_after_its_campaign(objects, visitor):
    project = objects["published"]
    for status in (Project.Status.SUCCEEDED, Project.Status.FAILED):
        project.status = status
        assert visitor.has_perm("funding.view_project", project)
    for status in (Project.Status.SUBMITTED, Project.Status.CHANGES_REQUESTED, Project.Status.REFUSED):
        project.status = status
        assert not visitor.has_perm("funding.view_project", project)
