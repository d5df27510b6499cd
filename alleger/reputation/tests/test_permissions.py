"""The reputation permission matrix (columns as in conftest.ROLES).

Objects: `territory` is where the moderator holds their role, `other_territory` one where nobody does;
None is a grant without territory (the platform team's).
"""

import pytest

from alleger.testing.matrix import Y, _, matrix_tests

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


test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix = (
    matrix_tests(MATRIX, apps={"reputation"}))
