"""Who may do what with implantation studies.

Objects: a Territory (upload a grid, run a study, see its grids) or a Study.
The innovation cell and the moderators of a territory upload grids and run
studies; a study is seen by them while unpublished, by everybody once they
publish it (the figures are aggregates of public INSEE data and public places).
"""

import rules

from alleger.core.rules import is_active_account, is_platform_admin
from alleger.territories.models import TerritoryRole
from alleger.territories.rules import is_moderator_of


@rules.predicate
def is_cell_member_of(user, territory) -> bool:
    return is_active_account(user) and territory is not None and TerritoryRole.objects.filter(
        user=user, territory=territory, role=TerritoryRole.Role.CELL).exists()


@rules.predicate
def manages_study_territory(user, study) -> bool:
    return study is not None and (is_cell_member_of(user, study.territory) or is_moderator_of(user, study.territory))


@rules.predicate
def is_published_study(user, study) -> bool:
    return study is not None and study.published


manages_territory = is_cell_member_of | is_moderator_of | is_platform_admin

rules.add_perm("studies.run_study", manages_territory)
rules.add_perm("studies.upload_grid", manages_territory)
rules.add_perm("studies.view_study", is_published_study | manages_study_territory | is_platform_admin)
rules.add_perm("studies.publish_study", manages_study_territory | is_platform_admin)
