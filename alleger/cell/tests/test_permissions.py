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
    # Challenges: the cell of the territory states them and decides their responses; anyone proposes.
    ("cell.view_challenge", "open_challenge"): (Y, Y, Y, Y, Y, Y, Y, Y),
    ("cell.view_challenge", "draft_challenge"): (_, _, _, _, _, Y, _, Y),
    ("cell.add_challenge", "territory"): (_, _, _, _, _, Y, _, Y),
    ("cell.change_challenge", "open_challenge"): (_, _, _, _, _, Y, _, Y),
    ("cell.propose_response", "open_challenge"): (_, Y, Y, Y, Y, Y, Y, Y),
    ("cell.propose_response", "draft_challenge"): (_, _, _, _, _, _, _, _),
    ("cell.decide_response", "proposed_response"): (_, _, _, _, _, Y, _, Y),
    # Four eyes: the resident proposed it (and holds the project); nor does the platform team override it.
    ("cell.decide_response", "own_response"): (_, _, _, _, _, _, _, _),
    # A place answering the challenge: the cell decides, but not one of its managers (they hold it).
    ("cell.decide_response", "place_response"): (_, _, _, _, _, Y, _, Y),
    # What one may propose: one's own object; a place, by its managers (the members of its operator
    # organisation) — not its territory's moderators, nor the platform team for them.
    ("cell.propose_as_response", "managed_place"): (_, _, Y, Y, _, _, _, _),
    ("cell.propose_as_response", "resident_project"): (_, Y, _, _, _, _, _, _),
}


@pytest.fixture
def objects(territory, other_territory, resident, other_resident, cell_member, platform_admin, organisation):
    import datetime

    from alleger.cell.models import Challenge, ChallengeResponse
    from alleger.testing.money import published_project

    saved = SavedWatch.objects.create(user=cell_member, territory=territory, name="Tout", token="t0k3n")
    day = datetime.date(2026, 3, 1)
    open_challenge = Challenge.objects.create(territory=territory, title="Ouvert", problem="P", starts_on=day,
                                              ends_on=day, status="open")
    draft = Challenge.objects.create(territory=territory, title="Brouillon", problem="P", starts_on=day,
                                     ends_on=day, status="draft")
    theirs = ChallengeResponse.objects.create(challenge=open_challenge, kind="project", proposed_by=other_resident,
                                              project=published_project(territory=territory, holder=other_resident))
    own = ChallengeResponse.objects.create(challenge=open_challenge, kind="project", proposed_by=platform_admin,
                                           project=published_project(territory=territory, holder=cell_member))
    from alleger.testing.places_factories import PlaceFactory

    place = PlaceFactory(territory=territory, operator=organisation)
    place_response = ChallengeResponse.objects.create(challenge=open_challenge, kind="place", place=place,
                                                      proposed_by=other_resident)
    return {"territory": territory, "other_territory": other_territory, "saved_watch": saved,
            "open_challenge": open_challenge, "draft_challenge": draft, "proposed_response": theirs,
            "own_response": own, "managed_place": place, "place_response": place_response,
            "resident_project": published_project(territory=territory, holder=resident)}


test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix = (
    matrix_tests(MATRIX, apps={"cell"}))
