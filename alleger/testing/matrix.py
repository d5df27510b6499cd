"""One harness for the permission matrices (alleger/<app>/tests/test_permissions.py).

A matrix reads "who may <permission> on <object>": a dict keyed by
(permission, object key) whose rows have one cell per role, in the order of
`alleger.testing.factories.ROLES`:

    vis  visitor (anonymous)          mod  territory moderator (of `territory`)
    res  resident (plain account)     cel  innovation cell member (of `territory`)
    mem  member of `organisation`     spo  member of the sponsor foundation
    adm  admin of `organisation`      pla  platform admin (superuser)

Each test module keeps its MATRIX and an `objects` fixture (object key →
object, None for a permission asked without object), and takes its three
tests from here:

    test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix = (
        matrix_tests(MATRIX, apps={"assets"}))
"""

import pytest
from rules.permissions import permissions as registered_rules

from alleger.testing.factories import ROLES

Y, _ = True, False


def _object(objects, key, person):
    return objects[key]


def matrix_tests(matrix: dict, *, apps: set, target=_object):
    """The matrix's three tests: each row has one cell per role, the rows cover
    exactly the permissions registered for `apps`, and each person of the
    `people` fixture gets exactly the permissions their role's cell says.
    `target(objects, key, person)` picks the object a person asks about
    (by default `objects[key]`, the same for everybody)."""

    def test_every_row_has_one_cell_per_role():
        assert all(len(row) == len(ROLES) for row in matrix.values())

    def test_the_matrix_covers_every_permission():
        # Given the permissions registered for the apps
        registered = {name for name in registered_rules.keys() if name.split(".")[0] in apps}
        # Then each one has at least one row in the matrix, and no row is stale
        assert registered == {permission for permission, _ in matrix}

    @pytest.mark.django_db
    @pytest.mark.parametrize(("permission", "object_key"), list(matrix), ids=[f"{p}-{o}" for p, o in matrix])
    def test_the_matrix(permission, object_key, people, objects):
        # Given one person per role and the objects they may act on
        expected = dict(zip(ROLES, matrix[(permission, object_key)], strict=True))
        # When each of them asks for the permission
        actual = {
            role: person.has_perm(permission, target(objects, object_key, person))
            for role, person in people.items()
        }
        # Then exactly the expected roles get it
        assert actual == expected

    return test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix
