"""Flags arriving together on PostgreSQL: the content's moderation row is created once and
locked while each flag is counted, so three simultaneous flags always hide it."""

import pytest

from alleger.discussions.models import Comment, Flag, ModerationItem
from alleger.discussions.services import flag_create
from alleger.kits.models import Kit
from alleger.testing.concurrency import all_at_once
from alleger.testing.discussions_factories import make_comment
from alleger.testing.factories import UserFactory
from alleger.testing.kits_factories import make_kit

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("attempt", range(5))
def test_three_simultaneous_flags_hide_a_comment(territory, attempt):
    kit = make_kit(territory=territory, status=Kit.Status.PUBLISHED)
    comment = make_comment(kit)
    people = [UserFactory() for _ in range(3)]
    results = all_at_once(3, lambda i: flag_create(target=comment, user=people[i], reason="spam"))
    assert [r[0] for r in results] == ["ok"] * 3
    item = ModerationItem.objects.get()
    comment.refresh_from_db()
    assert (item.status, item.flags_count, Flag.objects.count()) == ("hidden", 3, 3)
    assert comment.visibility == Comment.Visibility.HIDDEN


def test_one_person_flagging_five_times_at_once_flags_once(territory):
    kit = make_kit(territory=territory, status=Kit.Status.PUBLISHED)
    person = UserFactory()
    results = all_at_once(5, lambda i: flag_create(target=kit, user=person, reason="off_topic"))
    assert sorted(r[0] for r in results) == ["ok"] + ["refused"] * 4
    assert ModerationItem.objects.get().flags_count == 1 and Flag.objects.count() == 1
