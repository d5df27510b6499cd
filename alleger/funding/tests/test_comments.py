"""Comments and questions on a project page: the thread, the holder's answers marked and mailed to her,
flags that hide the project, the moderation queue, the rate limit."""

import pytest
from django.core import mail

from alleger.discussions.models import Comment, Flag, ModerationItem
from alleger.funding.models import Project
from alleger.testing.discussions_factories import flag_by, make_comment
from alleger.testing.factories import UserFactory
from alleger.testing.funding_factories import ProjectFactory

pytestmark = pytest.mark.django_db

NEW = "/commentaires/nouveau/"


@pytest.fixture
def holder(db):
    return UserFactory(email="porteur@example.org", display_name="Clément")


@pytest.fixture
def project(territory, holder):
    return ProjectFactory(live=True, territory=territory, holder=holder, title="Le café-ressourcerie")


def _state():
    return list(Comment.objects.order_by("pk").values()), Flag.objects.count(), ModerationItem.objects.count()


def test_a_resident_asks_a_question_and_the_holder_is_told(client, project, resident, holder,
                                                            django_capture_on_commit_callbacks):
    client.force_login(resident)
    page = client.get(project.get_absolute_url()).content.decode()
    assert 'id="commentaires"' in page and f'value="project:{project.pk}"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(NEW, {"target": f"project:{project.pk}", "body": "Ouvrez-vous le dimanche ?",
                                     "is_question": "on", "next": project.get_absolute_url()})
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{project.get_absolute_url()}#commentaire-{comment.pk}"
    assert (comment.target, comment.author, comment.is_question) == (project, resident, True)
    assert [m.to for m in mail.outbox] == [[holder.email]]
    assert "question" in mail.outbox[0].subject.lower()
    assert "Ouvrez-vous le dimanche ?" in mail.outbox[0].body
    assert f"{project.get_absolute_url()}#commentaire-{comment.pk}" in mail.outbox[0].body


def test_the_holders_own_comments_mail_nobody(project, holder, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_comment(project, author=holder, body="Bienvenue à toutes et tous.")
    assert mail.outbox == []


def test_the_holders_answer_is_marked_as_hers_and_she_marks_the_question_answered(client, project, resident,
                                                                                   holder):
    question = make_comment(project, author=resident, body="Ouvrez-vous le dimanche ?", is_question=True)
    make_comment(project, author=holder, body="Oui, de 10 h à 13 h.", parent=question)
    make_comment(project, author=UserFactory(display_name="Sophie"), body="Super idée.", parent=question)
    client.force_login(holder)
    page = client.get(project.get_absolute_url()).content.decode()
    assert page.count('class="badge badge-author">Porteur du projet<') == 1
    assert page.index("Porteur du projet</span>") < page.index("Oui, de 10 h à 13 h.")
    assert "Marquer comme répondue" in page
    assert client.post(f"/commentaires/{question.pk}/repondue/").status_code == 302
    question.refresh_from_db()
    assert question.answered_by == holder


def test_the_badge_is_in_english_too(client, project, holder, settings):
    make_comment(project, author=holder, body="Bienvenue.")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Project holder" in page


def test_a_draft_project_has_no_thread_and_refuses_comments(client, territory, holder, resident):
    draft = ProjectFactory(territory=territory, holder=holder, status=Project.Status.DRAFT)
    client.force_login(holder)
    assert 'id="commentaires"' not in client.get(draft.get_absolute_url()).content.decode()
    client.force_login(resident)
    before = _state()
    response = client.post(NEW, {"target": f"project:{draft.pk}", "body": "Je vois un brouillon ?"})
    assert response.status_code in (403, 404)
    assert _state() == before


def test_the_holder_cannot_flag_her_project_but_others_can(client, project, holder, resident):
    client.force_login(holder)
    assert 'id="signaler-contenu' not in client.get(project.get_absolute_url()).content.decode()
    before = _state()
    response = client.post("/moderation/signaler/", {"target": f"project:{project.pk}", "reason": "spam"})
    assert response.status_code == 403
    assert _state() == before
    client.force_login(resident)
    assert 'id="signaler-contenu' in client.get(project.get_absolute_url()).content.decode()


def test_three_flags_hide_the_project_until_a_moderator_decides(client, project, moderator, resident):
    flag_by(project, 3)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "Projet masqué" in page and "Le café-ressourcerie" not in page
    assert "Le café-ressourcerie" not in client.get("/projets/").content.decode()
    client.force_login(moderator)
    assert "visible ici parce que vous modérez ce contenu" in client.get(project.get_absolute_url()).content.decode()
    queue = client.get("/moderation/")
    assert [item.content for item in queue.context["items"]] == [project]
    assert "Le café-ressourcerie" in queue.content.decode()


def test_comments_on_projects_are_rate_limited(client, project, resident, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "comment": "2/h"}
    client.force_login(resident)
    for n in range(2):
        assert client.post(NEW, {"target": f"project:{project.pk}", "body": f"n{n}"}).status_code == 302
    before = _state()
    response = client.post(NEW, {"target": f"project:{project.pk}", "body": "encore"})
    assert response.status_code == 429 and "Retry-After" in response
    assert _state() == before
