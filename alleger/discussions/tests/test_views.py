"""Comment, flag and moderation pages, through the kit page where the thread is wired; all without JavaScript."""

import pytest
from django.contrib.messages import get_messages

from alleger.discussions.models import Comment, Flag, ModerationItem
from alleger.discussions.selectors import moderation_item_of
from alleger.kits.models import Kit
from alleger.testing.discussions_factories import flag_by, make_comment
from alleger.testing.kits_factories import make_kit

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(territory, other_resident):
    return make_kit(author=other_resident, territory=territory, status=Kit.Status.PUBLISHED)


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def _state():
    return (list(Comment.objects.order_by("pk").values()), Flag.objects.count(), ModerationItem.objects.count())


# --- the thread on the kit page ---------------------------------------------------------


def test_a_visitor_reads_the_thread_and_gets_a_login_link(client, kit):
    make_comment(kit, body="Les **outils** sont-ils fournis ? <script>alert(1)</script>", is_question=True)
    response = client.get(kit.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="commentaires"' in html and "<strong>outils</strong>" in html and "<script>alert" not in html
    assert "Question" in html
    assert f'/accounts/login/?next={kit.get_absolute_url()}%23commentaires' in html
    assert 'name="body"' not in html  # no form for visitors


def test_a_resident_posts_a_comment_without_javascript(client, kit, resident):
    client.force_login(resident)
    html = client.get(kit.get_absolute_url()).content.decode()
    assert 'action="/commentaires/nouveau/"' in html and f'value="kit:{kit.pk}"' in html
    response = client.post("/commentaires/nouveau/", {"target": f"kit:{kit.pk}", "body": "Je viens samedi.",
                                                      "next": kit.get_absolute_url()})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{kit.get_absolute_url()}#commentaire-{comment.pk}"
    assert (comment.author, comment.target, comment.is_question) == (resident, kit, False)
    assert "Je viens samedi." in client.get(kit.get_absolute_url()).content.decode()


def test_an_empty_comment_gets_a_french_error_and_writes_nothing(client, kit, resident):
    client.force_login(resident)
    before = _state()
    response = client.post("/commentaires/nouveau/", {"target": f"kit:{kit.pk}", "body": "   "})
    assert response.status_code == 400
    assert "Le commentaire est vide" in response.content.decode()
    assert _state() == before


@pytest.mark.parametrize("target", ["kit:999999", "user:1", "n'importe quoi", ""])
def test_an_unknown_target_is_a_404_not_a_500(client, resident, target):
    client.force_login(resident)
    assert client.post("/commentaires/nouveau/", {"target": target, "body": "Salut"}).status_code == 404
    assert not Comment.objects.exists()


def test_nobody_comments_on_what_they_cannot_see(client, resident, territory, other_resident):
    draft = make_kit(author=other_resident, territory=territory)
    client.force_login(resident)
    assert client.post("/commentaires/nouveau/", {"target": f"kit:{draft.pk}", "body": "Salut"}).status_code == 404
    assert not Comment.objects.exists()


def test_posting_needs_an_account(client, kit):
    response = client.post("/commentaires/nouveau/", {"target": f"kit:{kit.pk}", "body": "Salut"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Comment.objects.exists()


def test_an_offsite_next_is_ignored(client, kit, resident):
    client.force_login(resident)
    response = client.post("/commentaires/nouveau/", {"target": f"kit:{kit.pk}", "body": "Salut",
                                                      "next": "https://evil.example/"})
    assert response["Location"].startswith(kit.get_absolute_url())


def test_a_reply_and_a_question_marked_answered_by_the_kit_author(client, kit, resident, other_resident):
    question = make_comment(kit, author=resident, body="Faut-il un permis ?", is_question=True)
    client.force_login(other_resident)  # the kit's author
    html = client.get(kit.get_absolute_url()).content.decode()
    assert f'action="/commentaires/{question.pk}/repondue/"' in html
    client.post("/commentaires/nouveau/", {"target": f"kit:{kit.pk}", "parent": question.pk,
                                           "body": "Oui, le permis de végétaliser."})
    client.post(f"/commentaires/{question.pk}/repondue/")
    question.refresh_from_db()
    assert question.answered_at is not None
    assert question.replies.get().body == "Oui, le permis de végétaliser."
    assert "Question répondue" in client.get(kit.get_absolute_url()).content.decode()


def test_only_the_content_author_or_a_moderator_marks_answered(client, kit, resident, org_member):
    question = make_comment(kit, author=resident, is_question=True)
    client.force_login(org_member)
    assert client.post(f"/commentaires/{question.pk}/repondue/").status_code == 403
    question.refresh_from_db()
    assert question.answered_at is None


def test_the_author_edits_their_comment_and_others_cannot(client, kit, resident, org_member):
    comment = make_comment(kit, author=resident)
    client.force_login(org_member)
    assert client.get(f"/commentaires/{comment.pk}/modifier/").status_code == 403
    client.force_login(resident)
    assert client.post(f"/commentaires/{comment.pk}/modifier/", {"body": " "}).status_code == 400
    response = client.post(f"/commentaires/{comment.pk}/modifier/", {"body": "Nouvelle version"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Nouvelle version" and comment.edited_at


# --- flags ------------------------------------------------------------------------------------


def test_flagging_a_comment_and_flagging_twice(client, kit, resident):
    comment = make_comment(kit)
    client.force_login(resident)
    html = client.get(kit.get_absolute_url()).content.decode()
    assert 'action="/moderation/signaler/"' in html and f'value="comment:{comment.pk}"' in html
    response = client.post("/moderation/signaler/", {"target": f"comment:{comment.pk}", "reason": "spam",
                                                     "next": kit.get_absolute_url()})
    assert response.status_code == 302
    assert "transmis à la modération" in _messages(response)[0]
    before = _state()
    response = client.post("/moderation/signaler/", {"target": f"comment:{comment.pk}", "reason": "abusive"})
    assert response.status_code == 400
    assert "Vous avez déjà signalé ce contenu" in response.content.decode()
    assert _state() == before


def test_other_needs_a_text(client, kit, resident):
    comment = make_comment(kit)
    client.force_login(resident)
    response = client.post("/moderation/signaler/", {"target": f"comment:{comment.pk}", "reason": "other"})
    assert response.status_code == 400 and "Précisez la raison" in response.content.decode()
    response = client.post("/moderation/signaler/", {"target": f"comment:{comment.pk}"})
    assert response.status_code == 400 and "Choisissez la raison" in response.content.decode()
    assert not Flag.objects.exists()


def test_a_hidden_comment_is_masked_for_the_public_and_shown_to_moderators(client, kit, moderator, resident):
    make_comment(kit, body="Propos déplacés ici")
    flag_by(Comment.objects.get(), 3)
    html = client.get(kit.get_absolute_url()).content.decode()
    assert "masqué en attente de modération" in html and "Propos déplacés ici" not in html
    client.force_login(moderator)
    html = client.get(kit.get_absolute_url()).content.decode()
    assert "Propos déplacés ici" in html and "Masqué en attente de modération" in html


def test_a_kit_hidden_by_flags_is_masked_for_the_public(client, kit, moderator):
    flag_by(kit, 3)
    html = client.get(kit.get_absolute_url()).content.decode()
    assert "Ce kit est masqué en attente de modération." in html and kit.summary not in html
    client.force_login(moderator)
    assert kit.summary in client.get(kit.get_absolute_url()).content.decode()


# --- the moderation queue ----------------------------------------------------------------------


def test_the_queue_lists_the_territory_items_for_its_moderators_only(client, kit, moderator, resident,
                                                                     other_territory):
    comment = make_comment(kit, body="Commentaire signalé")
    flag_by(comment, 1, reason="personal_data")
    elsewhere = make_kit(territory=other_territory, status=Kit.Status.PUBLISHED, title="Ailleurs")
    flag_by(make_comment(elsewhere, body="Commentaire de Lyon"), 1)
    client.force_login(resident)
    assert client.get("/moderation/").status_code == 403
    client.force_login(moderator)
    response = client.get("/moderation/")
    html = response.content.decode()
    assert response.status_code == 200
    assert [i.content for i in response.context["items"]] == [comment]
    assert "Commentaire signalé" in html and "Données personnelles" in html and "Commentaire de Lyon" not in html


def test_a_moderator_removes_with_a_reason_and_restores(client, kit, moderator, mailoutbox,
                                                        django_capture_on_commit_callbacks):
    removed, restored = make_comment(kit, body="À retirer"), make_comment(kit, body="À rétablir")
    for comment in (removed, restored):
        flag_by(comment, 3)
    client.force_login(moderator)
    item = moderation_item_of(removed)
    response = client.post(f"/moderation/{item.pk}/", {"decision": "remove", "reason": ""})
    assert response.status_code == 400 and "Indiquez le motif du retrait" in response.content.decode()
    item.refresh_from_db()
    assert item.status == "hidden"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/moderation/{item.pk}/", {"decision": "remove", "reason": "Hors charte."})
        assert response.status_code == 302
        client.post(f"/moderation/{moderation_item_of(restored).pk}/", {"decision": "restore"})
    html = client.get(kit.get_absolute_url()).content.decode()
    assert "À rétablir" in html and "À retirer" not in html
    assert len(mailoutbox) == 2


def test_a_moderator_of_another_territory_cannot_decide(client, kit, other_territory):
    from alleger.territories.models import TerritoryRole
    from alleger.testing.factories import TerritoryRoleFactory, UserFactory

    outsider = TerritoryRoleFactory(territory=other_territory, role=TerritoryRole.Role.MODERATOR,
                                    user=UserFactory()).user
    comment = make_comment(kit)
    flag_by(comment, 3)
    client.force_login(outsider)
    assert client.get("/moderation/").context["items"] == []
    assert client.post(f"/moderation/{moderation_item_of(comment).pk}/",
                       {"decision": "restore"}).status_code == 403
    comment.refresh_from_db()
    assert comment.visibility == "hidden"
