"""Comment, flag and moderation services: what must hold whoever calls them."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from alleger.core.models import AuditEvent
from alleger.discussions import registry
from alleger.discussions.models import Comment, Flag, ModerationItem
from alleger.discussions.selectors import is_hidden, moderation_item_of, thread
from alleger.discussions.services import (
    comment_create,
    comment_mark_answered,
    comment_update,
    flag_create,
    moderation_decide,
)
from alleger.kits.models import Kit
from alleger.testing.discussions_factories import flag_by, make_comment
from alleger.testing.factories import UserFactory
from alleger.testing.kits_factories import make_kit

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(territory, other_resident):
    return make_kit(author=other_resident, territory=territory, status=Kit.Status.PUBLISHED)


def _state():
    return {"comments": list(Comment.objects.order_by("pk").values()), "flags": Flag.objects.count(),
            "items": list(ModerationItem.objects.order_by("pk").values()), "audit": AuditEvent.objects.count()}


# --- the registry ------------------------------------------------------------------


def test_a_reference_names_a_registered_content_and_resolves_back(kit):
    assert registry.reference(kit) == f"kit:{kit.pk}"
    assert registry.resolve(f"kit:{kit.pk}") == kit


@pytest.mark.parametrize("ref", ["", "kit", "kit:", "kit:abc", "user:1", "kit:999999", "proposal:-1"])
def test_it_refuses_unknown_references(ref, kit):
    with pytest.raises(ValidationError) as refusal:
        registry.resolve(ref)
    assert refusal.value.code == "unknown_target"


def test_an_unregistered_model_cannot_be_commented(resident, territory):
    with pytest.raises(ValidationError) as refusal:
        comment_create(author=resident, target=territory, body="Bonjour")
    assert refusal.value.code == "unknown_target"


def test_comments_themselves_can_be_flagged_but_not_commented(kit, resident):
    comment = make_comment(kit)
    with pytest.raises(ValidationError) as refusal:
        comment_create(author=resident, target=comment, body="Bonjour")
    assert refusal.value.code == "not_commentable"


# --- comments ----------------------------------------------------------------------


def test_it_comments_and_copies_the_territory_for_moderation(kit, resident, territory):
    comment = comment_create(author=resident, target=kit, body="  On peut emprunter les outils ?  ",
                             is_question=True)
    assert (comment.target, comment.territory, comment.body, comment.is_question) == (
        kit, territory, "On peut emprunter les outils ?", True)


@pytest.mark.parametrize("body", ["", "   ", "\n\t"])
def test_an_empty_comment_is_refused_and_nothing_is_written(kit, resident, body):
    before = _state()
    with pytest.raises(ValidationError) as refusal:
        comment_create(author=resident, target=kit, body=body)
    assert refusal.value.code == "empty_comment"
    assert "vide" in refusal.value.messages[0]
    assert _state() == before


def test_a_too_long_comment_is_refused(kit, resident):
    with pytest.raises(ValidationError) as refusal:
        comment_create(author=resident, target=kit, body="x" * 5001)
    assert refusal.value.code == "too_long"
    assert not Comment.objects.exists()


def test_replies_are_one_level_deep(kit, resident, other_resident):
    top = make_comment(kit)
    reply = comment_create(author=resident, target=kit, body="Oui", parent=top)
    # A reply to a reply joins the thread of the comment that started it
    answer = comment_create(author=other_resident, target=kit, body="Merci", parent=reply)
    assert (reply.parent, answer.parent) == (top, top)
    entries = thread(kit, resident)
    assert [e.comment for e in entries] == [top]
    assert [e.comment for e in entries[0].replies] == [reply, answer]


def test_a_reply_must_discuss_the_same_content_and_cannot_be_a_question(kit, territory, resident):
    other_kit = make_kit(territory=territory, status=Kit.Status.PUBLISHED, title="Un autre kit")
    top = make_comment(kit)
    with pytest.raises(ValidationError) as refusal:
        comment_create(author=resident, target=other_kit, body="Oui", parent=top)
    assert refusal.value.code == "invalid_parent"
    with pytest.raises(ValidationError) as refusal:
        comment_create(author=resident, target=kit, body="Et vous ?", parent=top, is_question=True)
    assert refusal.value.code == "reply_not_question"
    assert Comment.objects.count() == 1


def test_the_author_edits_a_comment_and_the_edit_shows(kit, resident):
    comment = make_comment(kit, author=resident)
    comment_update(comment=comment, actor=resident, body="Corrigé")
    comment.refresh_from_db()
    assert comment.body == "Corrigé" and comment.edited_at is not None


def test_a_hidden_comment_cannot_be_edited(kit, resident):
    comment = make_comment(kit, author=resident)
    flag_by(comment, 3)
    with pytest.raises(ValidationError) as refusal:
        comment_update(comment=comment, actor=resident, body="Autre chose")
    assert refusal.value.code == "not_editable"
    comment.refresh_from_db()
    assert comment.body != "Autre chose"


def test_a_question_is_marked_answered_once(kit, other_resident):
    question = make_comment(kit, is_question=True)
    comment_mark_answered(comment=question, actor=other_resident)
    question.refresh_from_db()
    assert question.answered_at is not None and question.answered_by == other_resident
    with pytest.raises(ValidationError) as refusal:
        comment_mark_answered(comment=question, actor=other_resident)
    assert refusal.value.code == "already_answered"
    with pytest.raises(ValidationError) as refusal:
        comment_mark_answered(comment=make_comment(kit), actor=other_resident)
    assert refusal.value.code == "not_a_question"


# --- flags ------------------------------------------------------------------------


def test_one_flag_per_person_and_content(kit, resident):
    comment = make_comment(kit)
    flag_create(target=comment, user=resident, reason="spam")
    before = _state()
    with pytest.raises(ValidationError) as refusal:
        flag_create(target=comment, user=resident, reason="abusive")
    assert refusal.value.code == "already_flagged"
    assert "déjà signalé" in refusal.value.messages[0]
    assert _state() == before


def test_nobody_flags_their_own_content(kit, resident):
    comment = make_comment(kit, author=resident)
    with pytest.raises(ValidationError) as refusal:
        flag_create(target=comment, user=resident, reason="spam")
    assert refusal.value.code == "own_content"
    assert not Flag.objects.exists() and not ModerationItem.objects.exists()


@pytest.mark.parametrize(("reason", "text", "code"), [("nonsense", "", "invalid_reason"),
                                                      ("other", "  ", "text_required")])
def test_a_flag_needs_a_known_reason_and_other_needs_words(kit, resident, reason, text, code):
    with pytest.raises(ValidationError) as refusal:
        flag_create(target=make_comment(kit), user=resident, reason=reason, text=text)
    assert refusal.value.code == code
    assert not Flag.objects.exists()


def test_the_third_distinct_flag_hides_the_content(kit):
    comment = make_comment(kit)
    flag_by(comment, 2)
    comment.refresh_from_db()
    item = moderation_item_of(comment)
    assert (comment.visibility, item.status, item.flags_count) == ("visible", "flagged", 2)
    flag_by(comment, 1)
    comment.refresh_from_db()
    item.refresh_from_db()
    assert (comment.visibility, item.status, item.flags_count) == ("hidden", "hidden", 3)
    assert is_hidden(comment)
    assert AuditEvent.objects.filter(action="moderation.hide", target_id=str(comment.pk)).exists()


def test_any_registered_content_can_be_hidden_by_flags(kit):
    flag_by(kit, 3, reason="off_topic")
    assert is_hidden(kit)
    assert moderation_item_of(kit).territory == kit.territory


# --- moderation ---------------------------------------------------------------------


def test_restoring_dismisses_the_flags(kit, moderator):
    comment = make_comment(kit)
    flag_by(comment, 3)
    item = moderation_item_of(comment)
    with pytest.raises(ValidationError):  # nothing happens without a known decision
        moderation_decide(item=item, moderator=moderator, decision="delete")
    moderation_decide(item=item, moderator=moderator, decision="restore")
    comment.refresh_from_db()
    item.refresh_from_db()
    assert (comment.visibility, item.status, item.flags_count) == ("visible", "restored", 0)
    assert item.flags.filter(dismissed_at__isnull=True).count() == 0
    # Three new people are needed to hide it again
    flag_by(comment, 2)
    comment.refresh_from_db()
    assert comment.visibility == "visible"
    assert AuditEvent.objects.filter(action="moderation.restore", actor=moderator).count() == 1


def test_a_moderator_cannot_restore_her_own_hidden_comment(kit, moderator):
    # Given the moderator's own comment, hidden by three flags
    comment = make_comment(kit, author=moderator)
    flag_by(comment, 3)
    item = moderation_item_of(comment)
    # When she restores it herself
    with pytest.raises(ValidationError) as caught:
        moderation_decide(item=item, moderator=moderator, decision="restore")
    # Then it is refused, and it stays hidden, flagged and unaudited
    assert caught.value.code == "conflict_of_interest"
    comment.refresh_from_db()
    item.refresh_from_db()
    assert (comment.visibility, item.status, item.flags_count) == ("hidden", "hidden", 3)
    assert not AuditEvent.objects.filter(action="moderation.restore").exists()


def test_removing_needs_a_reason_keeps_the_comment_and_mails_the_author(kit, moderator, django_capture_on_commit_callbacks):
    author = UserFactory(email="auteur@example.org")
    comment = make_comment(kit, author=author, body="Achetez mes graines !")
    flag_by(comment, 3)
    item = moderation_item_of(comment)
    with pytest.raises(ValidationError) as refusal:
        moderation_decide(item=item, moderator=moderator, decision="remove", reason="  ")
    assert refusal.value.code == "reason_required"
    with django_capture_on_commit_callbacks(execute=True):
        moderation_decide(item=item, moderator=moderator, decision="remove", reason="Publicité.")
    comment.refresh_from_db()
    assert comment.visibility == "removed" and Comment.objects.filter(pk=comment.pk).exists()
    assert thread(kit, moderator) == []  # never shown again, even to moderators
    event = AuditEvent.objects.get(action="moderation.remove")
    assert (event.actor, event.target_id, event.data["reason"]) == (moderator, str(comment.pk), "Publicité.")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["auteur@example.org"]
    assert "retiré" in mail.outbox[0].subject and "Publicité." in mail.outbox[0].body
    # A decided item is not decided twice, and nobody flags a removed content
    with pytest.raises(ValidationError) as refusal:
        moderation_decide(item=item, moderator=moderator, decision="restore")
    assert refusal.value.code == "already_decided"
    with pytest.raises(ValidationError) as refusal:
        flag_create(target=comment, user=UserFactory(), reason="spam")
    assert refusal.value.code == "already_removed"


def test_replies_under_a_removed_comment_stay_under_a_placeholder(kit, moderator, resident):
    top = make_comment(kit)
    reply = make_comment(kit, author=resident, body="Je ne suis pas d'accord", parent=top)
    flag_by(top, 3)
    moderation_decide(item=moderation_item_of(top), moderator=moderator, decision="remove", reason="Injures.")
    [entry] = thread(kit, resident)
    assert entry.placeholder and not entry.show_body
    assert [e.comment for e in entry.replies] == [reply]
