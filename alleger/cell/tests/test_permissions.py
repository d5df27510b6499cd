"""The cell's permission matrix (columns as in conftest.ROLES): dashboards are public aggregates."""

import pytest

from alleger.cell.models import SavedWatch
from alleger.testing.matrix import Y, _, matrix_tests

MATRIX = {
    # permission,                     object        vis res mem adm mod cel spo pla
    ("cell.view_dashboard", "territory"): (Y, Y, Y, Y, Y, Y, Y, Y),
    # The watch: the territory's cell reads and acts; its moderators read (no orienting, tagging, inviting).
    ("cell.view_watch", "territory"): (_, _, _, _, Y, Y, _, Y),
    ("cell.view_watch", "other_territory"): (_, _, _, _, _, _, _, Y),
    ("cell.act_on_watch", "territory"): (_, _, _, _, _, Y, _, Y),
    ("cell.act_on_watch", "other_territory"): (_, _, _, _, _, _, _, Y),
    # A saved watch is its owner's (here the cell member's); the platform team may manage it.
    ("cell.manage_saved_watch", "saved_watch"): (_, _, _, _, _, Y, _, Y),
}


@pytest.fixture
def objects(territory, other_territory, cell_member):
    saved = SavedWatch.objects.create(user=cell_member, territory=territory, name="Tout", token="t0k3n")
    return {"territory": territory, "other_territory": other_territory, "saved_watch": saved}


test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix = (
    matrix_tests(MATRIX, apps={"cell"}))
