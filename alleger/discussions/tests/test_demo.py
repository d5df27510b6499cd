"""The demo discussions and proposals, loaded with the whole demo (slow: one test)."""

import pytest

from alleger.discussions.models import Comment, ModerationItem
from alleger.discussions.selectors import moderation_queue
from alleger.proposals.models import Proposal
from alleger.testing.demo import demo_person


@pytest.mark.django_db
def test_the_demo_has_proposals_comments_and_a_hidden_comment_in_the_queue(demo, client):
    sidewalks = Proposal.objects.get(title="Dégrapper les trottoirs pour y planter des fleurs")
    assert (sidewalks.status, sidewalks.supports_count, sidewalks.kind) == ("accepted", 5, "change_rule")
    assert "vingt fosses" in sidewalks.answer
    school = Proposal.objects.get(kind="open_space")
    assert school.status == "under_review" and school.supports_count == 2

    questions = Comment.objects.filter(is_question=True)
    assert questions.count() == 2 and questions.filter(answered_at__isnull=False).count() == 1
    assert Comment.objects.filter(parent__isnull=False).count() == 3

    martha = demo_person("martha")
    [item] = moderation_queue(martha)
    assert (item.status, item.flags_count) == (ModerationItem.Status.HIDDEN, 3)
    assert "Graines miracles" in item.content.body

    client.force_login(martha)
    assert "Graines miracles" in client.get("/moderation/").content.decode()
    client.logout()
    html = client.get("/kits/entretenir-et-customiser-les-velos-en-libre-service/").content.decode()
    assert "Commentaire masqué en attente de modération." in html and "Graines miracles" not in html
    html = client.get("/kits/kit-du-jardinier-urbain/").content.decode()
    assert "rue privée" in html and "Question répondue" in html
