"""funding.views.moderation: the review queue and the moderator's decisions."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from alleger.funding.models import Project

from .support import _body

pytestmark = pytest.mark.django_db


# --- moderation --------------------------------------------------------------------------------


def test_the_review_queue_is_for_moderators(client, draft, resident, moderator):
    draft.status = Project.Status.SUBMITTED
    draft.submitted_at = timezone.now()
    draft.save()
    url = reverse("funding:review_queue", args=["saint-etienne"])
    assert client.get(url).status_code == 302
    client.force_login(resident)
    assert client.get(url).status_code == 403
    client.force_login(moderator)
    body = _body(client.get(url))
    assert "Tables de pique-nique" in body and 'href="/projets/tables/"' in body
    assert 'action="/projets/tables/relecture/"' in body


def test_a_moderator_accepts_a_project(client, draft, moderator, resident):
    draft.status = Project.Status.SUBMITTED
    draft.save()
    url = reverse("funding:review", args=[draft.slug])
    client.force_login(resident)
    assert client.post(url, {f"review-{draft.pk}-decision": "accept"}).status_code == 404
    client.force_login(moderator)
    response = client.post(url, {f"review-{draft.pk}-decision": "accept"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Project.Status.PUBLISHED
    assert draft.deadline - draft.published_at == timedelta(days=60)


def test_asking_for_changes_needs_a_message(client, draft, moderator, mailoutbox, django_capture_on_commit_callbacks):
    draft.status = Project.Status.SUBMITTED
    draft.save()
    client.force_login(moderator)
    url = reverse("funding:review", args=[draft.slug])
    response = client.post(url, {f"review-{draft.pk}-decision": "request_changes",
                                 f"review-{draft.pk}-message": ""})
    assert response.status_code == 400  # refused: the queue again, with the explanation
    assert "Expliquez votre décision" in _body(response)
    draft.refresh_from_db()
    assert draft.status == Project.Status.SUBMITTED
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {f"review-{draft.pk}-decision": "request_changes",
                          f"review-{draft.pk}-message": "Précisez le budget."})
    draft.refresh_from_db()
    assert (draft.status, draft.review_message) == (Project.Status.CHANGES_REQUESTED, "Précisez le budget.")
    # The e-mail leads where the changes are made
    assert f"Modifier le projet : {settings.SITE_URL}/projets/{draft.slug}/modifier/" in mailoutbox[-1].body


def test_the_holder_reads_why_her_project_was_refused_on_its_page(client, draft, holder, moderator):
    draft.status = Project.Status.SUBMITTED
    draft.save()
    client.force_login(moderator)
    client.post(reverse("funding:review", args=[draft.slug]), {f"review-{draft.pk}-decision": "refuse",
                                                              f"review-{draft.pk}-message": "Hors du territoire."})
    draft.refresh_from_db()
    assert draft.status == Project.Status.REFUSED
    client.force_login(holder)
    body = _body(client.get(draft.get_absolute_url()))
    assert "Message de la modération" in body and "Hors du territoire." in body
