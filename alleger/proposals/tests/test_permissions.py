"""The proposals permission matrix: every rule `proposals.*` × every role (columns as in conftest.ROLES).

Objects: `proposal` is an open proposal in `territory` written by somebody
else; `answered` one the moderation accepted; `elsewhere` an open proposal in
`other_territory`.
"""

import pytest

from alleger.proposals.models import Proposal
from alleger.proposals.services import proposal_answer
from alleger.testing.discussions_factories import make_proposal
from alleger.testing.factories import UserFactory
from alleger.testing.matrix import Y, _, matrix_tests

MATRIX = {
    # permission,                              object        vis res mem adm mod cel spo pla
    ("proposals.view_proposal", "proposal"): (Y, Y, Y, Y, Y, Y, Y, Y),
    ("proposals.view_proposal", "answered"): (Y, Y, Y, Y, Y, Y, Y, Y),
    ("proposals.add_proposal", None): (_, Y, Y, Y, Y, Y, Y, Y),
    ("proposals.support_proposal", "proposal"): (_, Y, Y, Y, Y, Y, Y, Y),
    ("proposals.support_proposal", "answered"): (_, _, _, _, _, _, _, Y),
    ("proposals.answer_proposal", "proposal"): (_, _, _, _, Y, _, _, Y),
    ("proposals.answer_proposal", "elsewhere"): (_, _, _, _, _, _, _, Y),
    # Four eyes: nobody answers their own proposal.
    ("proposals.answer_proposal", "moderators_own"): (_, _, _, _, _, _, _, Y),
    ("proposals.answer_proposal", "admins_own"): (_, _, _, _, Y, _, _, _),
}


@pytest.fixture
def objects(territory, other_territory, other_resident, moderator, platform_admin):
    answered = make_proposal(territory=territory, author=other_resident)
    proposal_answer(proposal=answered, moderator=UserFactory(is_superuser=True), status=Proposal.Status.ACCEPTED,
                    answer="La Ville expérimente rue Michelet.")
    answered.refresh_from_db()
    return {
        None: None,
        "proposal": make_proposal(territory=territory, author=other_resident),
        "answered": answered,
        "elsewhere": make_proposal(territory=other_territory, author=other_resident),
        "moderators_own": make_proposal(territory=territory, author=moderator),
        "admins_own": make_proposal(territory=territory, author=platform_admin),
    }


test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix = (
    matrix_tests(MATRIX, apps={"proposals"}))
