"""The reputation permission matrix (columns as in conftest.ROLES).

Objects: `territory` is where the moderator holds their role, `other_territory` one where nobody does;
None is a grant without territory (the platform team's).
"""

import pytest

from alleger.testing.factories import ROLES

Y, _ = True, False

MATRIX = {
    # permission,                              object               vis res mem adm mod cel spo pla
    ("reputation.grant_level", "territory"): (_, _, _, _, Y, _, _, Y),
    ("reputation.grant_level", "other_territory"): (_, _, _, _, _, _, _, Y),
    ("reputation.grant_level", None): (_, _, _, _, _, _, _, Y),
    ("reputation.grant_levels", None): (_, _, _, _, Y, _, _, Y),
}


@pytest.fixture
def objects(territory, other_territory):
    return {None: None, "territory": territory, "other_territory": other_territory}


def test_every_row_has_one_cell_per_role():
    assert all(len(row) == len(ROLES) for row in MATRIX.values())


def test_the_matrix_covers_every_reputation_permission():
    from rules.permissions import permissions as registered_rules

    registered = {name for name in registered_rules.keys() if name.startswith("reputation.")}
    assert registered == {permission for permission, _ in MATRIX}


@pytest.mark.django_db
@pytest.mark.parametrize(("permission", "object_key"), list(MATRIX), ids=[f"{p}-{o}" for p, o in MATRIX])
def test_the_matrix(permission, object_key, people, objects):
    expected = dict(zip(ROLES, MATRIX[(permission, object_key)], strict=True))
    actual = {role: person.has_perm(permission, objects[object_key]) for role, person in people.items()}
    assert actual == expected
