"""The cell's permission matrix (columns as in conftest.ROLES): dashboards are public aggregates."""

import pytest

from alleger.testing.matrix import Y, matrix_tests

MATRIX = {
    # permission,                     object        vis res mem adm mod cel spo pla
    ("cell.view_dashboard", "territory"): (Y, Y, Y, Y, Y, Y, Y, Y),
}


@pytest.fixture
def objects(territory):
    return {"territory": territory}


test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix = (
    matrix_tests(MATRIX, apps={"cell"}))
