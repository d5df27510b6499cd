"""The interventions permission matrix: every rule `interventions.*` × every role (columns as in conftest.ROLES).

    vis  visitor (anonymous)          mod  territory moderator (of `territory`)
    res  resident (plain account)     cel  innovation cell member (of `territory`)
    mem  member of `organisation`     spo  member of the sponsor foundation
    adm  admin of `organisation`      pla  platform admin (superuser)

Objects: `planned` is a planned intervention in `territory` organised by somebody else; `own_planned` one
the resident organises; `joined` one organised by somebody else that the resident joined; `own_done` a done
intervention the resident organised; `elsewhere` a planned intervention in `other_territory`. The
services check the rest (charter, the asset's limit, level and private actors, transitions).
"""

import pytest

from alleger.interventions.services import intervention_join
from alleger.testing.interventions_factories import make_intervention
from alleger.testing.matrix import Y, _, matrix_tests

MATRIX = {
    # permission,                                     object        vis res mem adm mod cel spo pla
    ("interventions.view_intervention", "planned"): (Y, Y, Y, Y, Y, Y, Y, Y),
    ("interventions.view_intervention", "own_done"): (Y, Y, Y, Y, Y, Y, Y, Y),
    ("interventions.declare_intervention", None): (_, Y, Y, Y, Y, Y, Y, Y),
    ("interventions.join_intervention", "planned"): (_, Y, Y, Y, Y, Y, Y, Y),
    ("interventions.join_intervention", "own_planned"): (_, _, Y, Y, Y, Y, Y, Y),
    ("interventions.join_intervention", "joined"): (_, _, Y, Y, Y, Y, Y, Y),
    ("interventions.join_intervention", "own_done"): (_, _, _, _, _, _, _, Y),
    ("interventions.leave_intervention", "joined"): (_, Y, _, _, _, _, _, Y),
    ("interventions.leave_intervention", "own_planned"): (_, _, _, _, _, _, _, Y),
    ("interventions.leave_intervention", "planned"): (_, _, _, _, _, _, _, Y),
    ("interventions.follow_intervention", "planned"): (_, Y, Y, Y, Y, Y, Y, Y),
    ("interventions.change_status", "own_planned"): (_, Y, _, _, Y, _, _, Y),
    ("interventions.change_status", "joined"): (_, _, _, _, Y, _, _, Y),
    ("interventions.change_status", "elsewhere"): (_, _, _, _, _, _, _, Y),
    ("interventions.change_status", "own_done"): (_, _, _, _, _, _, _, Y),
    ("interventions.add_journal_entry", "own_planned"): (_, Y, _, _, _, _, _, Y),
    ("interventions.add_journal_entry", "joined"): (_, Y, _, _, _, _, _, Y),
    ("interventions.add_journal_entry", "own_done"): (_, Y, _, _, _, _, _, Y),
    ("interventions.add_journal_entry", "planned"): (_, _, _, _, _, _, _, Y),
    ("interventions.link_project", "own_planned"): (_, Y, _, _, _, _, _, Y),
    ("interventions.link_project", "joined"): (_, _, _, _, _, _, _, Y),
}


@pytest.fixture
def objects(territory, other_territory, resident, other_resident):
    joined = make_intervention(territory=territory, organiser=other_resident)
    intervention_join(intervention=joined, user=resident, charter_accepted=True)
    return {
        None: None,
        "planned": make_intervention(territory=territory, organiser=other_resident),
        "own_planned": make_intervention(territory=territory, organiser=resident),
        "joined": joined,
        "own_done": make_intervention(territory=territory, organiser=resident, status="done"),
        "elsewhere": make_intervention(territory=other_territory, organiser=other_resident),
    }


test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix = (
    matrix_tests(MATRIX, apps={"interventions"}))
