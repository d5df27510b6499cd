"""The studies permission matrix: every rule `studies.*` × every role (columns as in conftest.ROLES).

    vis  visitor (anonymous)          mod  territory moderator (of `territory`)
    res  resident (plain account)     cel  innovation cell member (of `territory`)
    mem  member of `organisation`     spo  member of the sponsor foundation
    adm  admin of `organisation`      pla  platform admin (superuser)

Objects: `territory` / `other_territory` for uploading grids and running
studies; `published` a published study in `territory`, `draft` an unpublished
one, `elsewhere` an unpublished one in `other_territory`.
"""

import pytest

from alleger.studies import services
from alleger.testing.matrix import Y, _, matrix_tests

from .conftest import grid_csv

MATRIX = {
    # permission,                           object               vis res mem adm mod cel spo pla
    ("studies.upload_grid", "territory"): (_, _, _, _, Y, Y, _, Y),
    ("studies.upload_grid", "other_territory"): (_, _, _, _, _, _, _, Y),
    ("studies.run_study", "territory"): (_, _, _, _, Y, Y, _, Y),
    ("studies.run_study", "other_territory"): (_, _, _, _, _, _, _, Y),
    ("studies.view_study", "published"): (Y, Y, Y, Y, Y, Y, Y, Y),
    ("studies.view_study", "draft"): (_, _, _, _, Y, Y, _, Y),
    ("studies.view_study", "elsewhere"): (_, _, _, _, _, _, _, Y),
    ("studies.publish_study", "published"): (_, _, _, _, Y, Y, _, Y),
    ("studies.publish_study", "draft"): (_, _, _, _, Y, Y, _, Y),
    ("studies.publish_study", "elsewhere"): (_, _, _, _, _, _, _, Y),
}


@pytest.fixture
def objects(territory, other_territory, platform_admin):
    def study(where, published):
        grid = services.grid_upload(territory=where, user=platform_admin, name="g",
                                    data=grid_csv([(4.39, 45.43, 20, 2)] if where == territory
                                                  else [(4.85, 45.75, 20, 2)]))
        return services.study_create(territory=where, grid=grid, user=platform_admin, title="t", radius_m=500,
                                     service_kinds=["food"], suggestions=1, published=published)

    return {
        "territory": territory, "other_territory": other_territory,
        "published": study(territory, True), "draft": study(territory, False),
        "elsewhere": study(other_territory, False),
    }


test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix = (
    matrix_tests(MATRIX, apps={"studies"}))
