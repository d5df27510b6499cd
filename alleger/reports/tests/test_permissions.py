"""The reports permission matrix: every rule `reports.*` × every role (columns as in conftest.ROLES).

    vis  visitor (anonymous)          mod  territory moderator (of `territory`)
    res  resident (plain account)     cel  innovation cell member (of `territory`)
    mem  member of `organisation`     spo  member of the sponsor foundation
    adm  admin of `organisation`      pla  platform admin (superuser)

Objects: `own_open` is an open report the resident made in `territory`;
`own_fixed` the same once fixed; `others` a report somebody else made in
`territory`; `routed_to_cell` a report whose category lists the cell member
among the service's agents; `elsewhere` a report in `other_territory`;
`territory`/`other_territory` for the category configuration.
"""

import pytest

from alleger.reports import services
from alleger.reports.models import Status
from alleger.testing.factories import UserFactory
from alleger.testing.matrix import Y, _, matrix_tests
from alleger.testing.reports_factories import make_category, make_report

MATRIX = {
    # permission,                                   object            vis res mem adm mod cel spo pla
    ("reports.view_report", "others"): (Y, Y, Y, Y, Y, Y, Y, Y),
    ("reports.view_report", "elsewhere"): (Y, Y, Y, Y, Y, Y, Y, Y),
    ("reports.add_report", None): (_, Y, Y, Y, Y, Y, Y, Y),
    ("reports.change_status", "own_open"): (_, _, _, _, Y, _, _, Y),
    ("reports.change_status", "others"): (_, _, _, _, Y, _, _, Y),
    ("reports.change_status", "routed_to_cell"): (_, _, _, _, Y, Y, _, Y),
    ("reports.change_status", "elsewhere"): (_, _, _, _, _, _, _, Y),
    ("reports.mark_own_duplicate", "own_open"): (_, Y, _, _, _, _, _, Y),
    ("reports.mark_own_duplicate", "own_fixed"): (_, _, _, _, _, _, _, Y),
    ("reports.mark_own_duplicate", "others"): (_, _, _, _, _, _, _, Y),
    ("reports.view_reporter", "own_open"): (_, Y, _, _, Y, _, _, Y),
    ("reports.view_reporter", "others"): (_, _, _, _, Y, _, _, Y),
    ("reports.view_reporter", "routed_to_cell"): (_, _, _, _, Y, Y, _, Y),
    ("reports.view_reporter", "elsewhere"): (_, _, _, _, _, _, _, Y),
    ("reports.configure_categories", "territory"): (_, _, _, _, Y, _, _, Y),
    ("reports.configure_categories", "other_territory"): (_, _, _, _, _, _, _, Y),
}


@pytest.fixture
def objects(territory, other_territory, resident, other_resident, cell_member):
    bikes = make_category(territory=territory)
    lights = make_category(territory=territory, service_code="eclairage", name="Éclairage")
    lights.agents.add(cell_member)
    fixed = make_report(category=bikes, reporter=resident)
    services.report_set_status(report=fixed, actor=UserFactory(is_superuser=True), status=Status.FIXED, note="ok")
    fixed.refresh_from_db()
    return {
        None: None,
        "territory": territory,
        "other_territory": other_territory,
        "own_open": make_report(category=bikes, reporter=resident),
        "own_fixed": fixed,
        "others": make_report(category=bikes, reporter=other_resident),
        "routed_to_cell": make_report(category=lights, reporter=other_resident),
        "elsewhere": make_report(category=make_category(territory=other_territory), reporter=other_resident,
                                 lat=45.75, lon=4.85),
    }


test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix = (
    matrix_tests(MATRIX, apps={"reports"}))


@pytest.mark.django_db
def test_a_deactivated_agent_loses_the_service_rights(objects, cell_member):
    cell_member.is_active = False
    cell_member.save()
    assert not cell_member.has_perm("reports.change_status", objects["routed_to_cell"])
    assert not cell_member.has_perm("reports.view_reporter", objects["routed_to_cell"])
