"""The places permission matrix: every rule `places.*` × every role (columns as in conftest.ROLES).

    vis  visitor (anonymous)          mod  territory moderator (of `territory`)
    res  resident (plain account)     cel  innovation cell member (of `territory`)
    mem  member of `organisation`     spo  member of the sponsor foundation
    adm  admin of `organisation`      pla  platform admin (superuser)

A place's managers are the members of its operator organisation: `managed` is a published place in
`territory` operated by `organisation` (so mem and adm manage it); `published` one without operator;
`own_proposed` a place the resident proposed, waiting for review; `other_proposed` the same proposed
by somebody else; `managed_proposed` one proposed by somebody else and operated by `organisation`;
`elsewhere_proposed` one proposed in `other_territory`; `moderators_proposed` / `admins_proposed` those
the moderator / the platform admin proposed (four eyes); `territory` / `other_territory` for the review
of a territory's queue.
"""

import pytest

from alleger.places.models import Moderation
from alleger.testing.matrix import Y, _, matrix_tests
from alleger.testing.places_factories import PlaceFactory

MATRIX = {
    # permission,                                     object                 vis res mem adm mod cel spo pla
    ("places.view_place", "published"): (Y, Y, Y, Y, Y, Y, Y, Y),
    ("places.view_place", "managed"): (Y, Y, Y, Y, Y, Y, Y, Y),
    ("places.view_place", "own_proposed"): (_, Y, _, _, Y, _, _, Y),
    ("places.view_place", "other_proposed"): (_, _, _, _, Y, _, _, Y),
    ("places.view_place", "managed_proposed"): (_, _, Y, Y, Y, _, _, Y),
    ("places.view_place", "elsewhere_proposed"): (_, _, _, _, _, _, _, Y),
    ("places.propose_place", None): (_, Y, Y, Y, Y, Y, Y, Y),
    ("places.review_places", "territory"): (_, _, _, _, Y, _, _, Y),
    ("places.review_places", "other_territory"): (_, _, _, _, _, _, _, Y),
    ("places.import_places", "territory"): (_, _, _, _, Y, _, _, Y),
    ("places.import_places", "other_territory"): (_, _, _, _, _, _, _, Y),
    ("places.view_review_queue", None): (_, _, _, _, Y, _, _, Y),
    ("places.review_place", "other_proposed"): (_, _, _, _, Y, _, _, Y),
    ("places.review_place", "elsewhere_proposed"): (_, _, _, _, _, _, _, Y),
    ("places.review_place", "moderators_proposed"): (_, _, _, _, _, _, _, Y),
    ("places.review_place", "admins_proposed"): (_, _, _, _, Y, _, _, _),
    ("places.review_place", "published"): (_, _, _, _, _, _, _, _),
    ("places.change_place", "managed"): (_, _, Y, Y, Y, _, _, Y),
    ("places.change_place", "published"): (_, _, _, _, Y, _, _, Y),
    ("places.change_place", "elsewhere_proposed"): (_, _, _, _, _, _, _, Y),
    ("places.view_place_history", "managed"): (_, _, Y, Y, Y, _, _, Y),
    ("places.view_place_history", "published"): (_, _, _, _, Y, _, _, Y),
}


@pytest.fixture
def objects(territory, other_territory, organisation, resident, other_resident, moderator, platform_admin):
    proposed = Moderation.PROPOSED
    return {
        None: None,
        "territory": territory,
        "other_territory": other_territory,
        "published": PlaceFactory(territory=territory),
        "managed": PlaceFactory(territory=territory, operator=organisation),
        "own_proposed": PlaceFactory(territory=territory, moderation=proposed, proposed_by=resident),
        "other_proposed": PlaceFactory(territory=territory, moderation=proposed, proposed_by=other_resident),
        "managed_proposed": PlaceFactory(territory=territory, moderation=proposed, proposed_by=other_resident,
                                         operator=organisation),
        "elsewhere_proposed": PlaceFactory(territory=other_territory, moderation=proposed, proposed_by=other_resident,
                                           lat=45.75, lon=4.85),
        "moderators_proposed": PlaceFactory(territory=territory, moderation=proposed, proposed_by=moderator),
        "admins_proposed": PlaceFactory(territory=territory, moderation=proposed, proposed_by=platform_admin),
    }


test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix = (
    matrix_tests(MATRIX, apps={"places"}))


@pytest.mark.django_db
def test_a_deactivated_member_no_longer_manages_the_place(objects, org_member):
    org_member.is_active = False
    org_member.save()
    assert not org_member.has_perm("places.change_place", objects["managed"])
