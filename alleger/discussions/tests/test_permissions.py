"""The discussions permission matrix: every rule `discussions.*` × every role (columns as in conftest.ROLES).

    vis  visitor (anonymous)          mod  territory moderator (of `territory`)
    res  resident (plain account)     cel  innovation cell member (of `territory`)
    mem  member of `organisation`     spo  member of the sponsor foundation
    adm  admin of `organisation`      pla  platform admin (superuser)

Objects: `kit` is a published kit in `territory` written by somebody else,
`draft_kit` a draft one, `everywhere_kit` a published kit without territory
(the platform team moderates it); `comment` is somebody else's comment on
`kit`, `own_comment` the resident's; `hidden_comment` somebody else's comment
hidden by three flags, `own_hidden_comment` the resident's, hidden too;
`elsewhere_hidden_comment` one hidden in `other_territory`; `removed_comment`
one a moderator removed; `question` an open question on `kit`,
`question_on_own_kit` one on a kit the resident wrote, `answered_question`
one already answered; `item` and `elsewhere_item` the moderation items of
the hidden comments of `territory` and `other_territory`.
"""

import pytest

from alleger.discussions.selectors import moderation_item_of
from alleger.discussions.services import comment_mark_answered, moderation_decide
from alleger.kits.models import Kit
from alleger.testing.discussions_factories import flag_by, make_comment
from alleger.testing.factories import UserFactory
from alleger.testing.kits_factories import make_kit
from alleger.testing.matrix import Y, _, matrix_tests

MATRIX = {
    # permission,                                       object                    vis res mem adm mod cel spo pla
    ("discussions.view_comment", "comment"): (Y, Y, Y, Y, Y, Y, Y, Y),
    ("discussions.view_comment", "hidden_comment"): (_, _, _, _, Y, _, _, Y),
    ("discussions.view_comment", "elsewhere_hidden_comment"): (_, _, _, _, _, _, _, Y),
    ("discussions.view_comment", "removed_comment"): (_, _, _, _, _, _, _, Y),
    ("discussions.add_comment", "kit"): (_, Y, Y, Y, Y, Y, Y, Y),
    ("discussions.add_comment", "draft_kit"): (_, _, _, _, Y, _, _, Y),
    ("discussions.add_comment", "comment"): (_, _, _, _, _, _, _, Y),
    ("discussions.change_comment", "own_comment"): (_, Y, _, _, _, _, _, Y),
    ("discussions.change_comment", "comment"): (_, _, _, _, _, _, _, Y),
    ("discussions.change_comment", "own_hidden_comment"): (_, _, _, _, _, _, _, Y),
    ("discussions.mark_answered", "question_on_own_kit"): (_, Y, _, _, Y, _, _, Y),
    ("discussions.mark_answered", "question"): (_, _, _, _, Y, _, _, Y),
    ("discussions.mark_answered", "answered_question"): (_, _, _, _, _, _, _, Y),
    ("discussions.mark_answered", "comment"): (_, _, _, _, _, _, _, Y),
    ("discussions.flag", "kit"): (_, Y, Y, Y, Y, Y, Y, Y),
    ("discussions.flag", "draft_kit"): (_, _, _, _, Y, _, _, Y),
    ("discussions.flag", "comment"): (_, Y, Y, Y, Y, Y, Y, Y),
    ("discussions.flag", "own_comment"): (_, _, Y, Y, Y, Y, Y, Y),
    ("discussions.moderate", "item"): (_, _, _, _, Y, _, _, Y),
    ("discussions.moderate", "elsewhere_item"): (_, _, _, _, _, _, _, Y),
    ("discussions.moderate", "hidden_comment"): (_, _, _, _, Y, _, _, Y),
    ("discussions.moderate", "kit"): (_, _, _, _, Y, _, _, Y),
    ("discussions.moderate", "everywhere_kit"): (_, _, _, _, _, _, _, Y),
    ("discussions.decide", "item"): (_, _, _, _, Y, _, _, Y),
    ("discussions.decide", "elsewhere_item"): (_, _, _, _, _, _, _, Y),
    # Four eyes: nobody decides on their own flagged content.
    ("discussions.decide", "moderators_item"): (_, _, _, _, _, _, _, Y),
    ("discussions.decide", "admins_item"): (_, _, _, _, Y, _, _, _),
    ("discussions.view_queue", None): (_, _, _, _, Y, _, _, Y),
}


@pytest.fixture
def objects(territory, other_territory, resident, other_resident, moderator, platform_admin):
    kit = make_kit(author=other_resident, territory=territory, status=Kit.Status.PUBLISHED)
    elsewhere_kit = make_kit(author=other_resident, territory=other_territory, status=Kit.Status.PUBLISHED)
    own_kit = make_kit(author=resident, territory=territory, status=Kit.Status.PUBLISHED)
    hidden = make_comment(kit, author=other_resident)
    own_hidden = make_comment(kit, author=resident)
    elsewhere_hidden = make_comment(elsewhere_kit, author=other_resident)
    removed = make_comment(kit, author=other_resident)
    moderators = make_comment(kit, author=moderator)
    admins = make_comment(kit, author=platform_admin)
    for comment in (hidden, own_hidden, elsewhere_hidden, removed, moderators, admins):
        flag_by(comment, 3)
        comment.refresh_from_db()
    moderation_decide(item=moderation_item_of(removed), moderator=UserFactory(is_superuser=True),
                      decision="remove", reason="Publicité.")
    removed.refresh_from_db()
    answered = make_comment(kit, author=other_resident, is_question=True)
    comment_mark_answered(comment=answered, actor=other_resident)
    answered.refresh_from_db()
    return {
        None: None,
        "kit": kit,
        "draft_kit": make_kit(author=other_resident, territory=territory),
        "everywhere_kit": make_kit(author=other_resident, status=Kit.Status.PUBLISHED),
        "comment": make_comment(kit, author=other_resident),
        "own_comment": make_comment(kit, author=resident),
        "hidden_comment": hidden,
        "own_hidden_comment": own_hidden,
        "elsewhere_hidden_comment": elsewhere_hidden,
        "removed_comment": removed,
        "question": make_comment(kit, author=other_resident, is_question=True),
        "question_on_own_kit": make_comment(own_kit, author=other_resident, is_question=True),
        "answered_question": answered,
        "item": moderation_item_of(hidden),
        "elsewhere_item": moderation_item_of(elsewhere_hidden),
        "moderators_item": moderation_item_of(moderators),
        "admins_item": moderation_item_of(admins),
    }


test_every_row_has_one_cell_per_role, test_the_matrix_covers_every_permission, test_the_matrix = (
    matrix_tests(MATRIX, apps={"discussions"}))
