"""Proposal pages, without JavaScript: list and filters, detail, support buttons, new proposal, answer form."""

import pytest
from django.contrib.messages import get_messages

from alleger.core.tests.test_translations import compiled_locale, translated  # noqa: F401 (fixtures)
from alleger.proposals.forms import MARKDOWN_HELP
from alleger.proposals.models import Proposal, Support
from alleger.proposals.services import proposal_answer, proposal_support
from alleger.testing.assets_factories import AssetFactory
from alleger.testing.discussions_factories import flag_by, make_comment, make_proposal
from alleger.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def proposal(territory, other_resident):
    return make_proposal(territory=territory, author=other_resident,
                         body="Retirer des carrés d'**enrobé** <script>alert(1)</script>")


def test_the_list_filters_and_sorts_without_javascript(client, territory, other_territory):
    popular = make_proposal(territory=territory, title="Populaire")
    make_proposal(territory=territory, title="Récente", kind=Proposal.Kind.OPEN_SPACE)
    make_proposal(territory=other_territory, title="À Lyon")
    for _ in range(2):
        proposal_support(proposal=popular, user=UserFactory())
    response = client.get("/propositions/", {"territoire": territory.slug})
    assert [p.title for p in response.context["page"].object_list] == ["Récente", "Populaire"]
    response = client.get("/propositions/", {"territoire": territory.slug, "tri": "soutiens"})
    assert [p.title for p in response.context["page"].object_list] == ["Populaire", "Récente"]
    response = client.get("/propositions/", {"type": "open_space"})
    assert [p.title for p in response.context["page"].object_list] == ["Récente"]
    assert list(client.get("/propositions/", {"statut": "accepted"}).context["page"]) == []
    # An invalid filter is ignored, never a 500
    assert client.get("/propositions/", {"statut": "nimporte", "territoire": "nulle-part"}).status_code == 200


def test_the_list_pages_every_proposal_and_keeps_its_filters(client, territory, other_territory):
    from alleger.proposals.views import PAGE_SIZE

    for n in range(PAGE_SIZE + 1):
        make_proposal(territory=territory, title=f"Proposition {n}")
    make_proposal(territory=other_territory, title="Ailleurs")

    first = client.get("/propositions/", {"territoire": territory.slug})
    html = first.content.decode()
    assert len(first.context["page"].object_list) == PAGE_SIZE
    assert f"{PAGE_SIZE + 1} propositions" in html
    assert f'href="?territoire={territory.slug}&amp;page=2"' in html  # the filter survives the page change
    second = client.get("/propositions/", {"territoire": territory.slug, "page": 2})
    assert [p.title for p in second.context["page"]] == ["Proposition 0"]  # the oldest, last
    assert 'page=1"' in second.content.decode()
    assert client.get("/propositions/", {"page": "nimporte"}).status_code == 200


def test_the_detail_renders_markdown_safely_and_offers_login_to_visitors(client, proposal):
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "<strong>enrobé</strong>" in html and "<script>alert(1)" not in html
    assert "Connectez-vous pour soutenir cette proposition." in html
    assert 'id="commentaires"' in html


def test_supporting_twice_gets_a_french_message_and_counts_once(client, proposal, resident):
    client.force_login(resident)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert f'action="/propositions/{proposal.pk}/soutenir/"' in html
    response = client.post(f"/propositions/{proposal.pk}/soutenir/")
    assert response.status_code == 302 and _messages(response) == ["Merci : votre soutien est compté."]
    response = client.post(f"/propositions/{proposal.pk}/soutenir/")
    assert _messages(response)[-1] == "Vous soutenez déjà cette proposition."
    proposal.refresh_from_db()
    assert proposal.supports_count == 1 and Support.objects.count() == 1
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Vous soutenez cette proposition." in html and "Retirer mon soutien" in html


def test_withdrawing_a_support_from_the_page(client, proposal, resident):
    proposal_support(proposal=proposal, user=resident)
    client.force_login(resident)
    response = client.post(f"/propositions/{proposal.pk}/retirer-mon-soutien/")
    assert _messages(response) == ["Votre soutien est retiré."]
    proposal.refresh_from_db()
    assert proposal.supports_count == 0
    response = client.post(f"/propositions/{proposal.pk}/retirer-mon-soutien/")
    assert _messages(response)[-1] == "Vous ne soutenez pas cette proposition."


def test_a_visitor_cannot_support(client, proposal):
    response = client.post(f"/propositions/{proposal.pk}/soutenir/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Support.objects.exists()


def test_a_resident_makes_a_proposal_about_an_asset(client, resident, territory):
    asset = AssetFactory(territory=territory, name="Cour de l'école Jules-Ferry")
    client.force_login(resident)
    response = client.get("/propositions/nouvelle/", {"dispositif": asset.pk})
    assert response.status_code == 200 and "Cour de l" in response.content.decode()
    response = client.post(f"/propositions/nouvelle/?dispositif={asset.pk}", {
        "territory": territory.pk, "kind": "open_space", "title": "Ouvrir la cour le samedi",
        "body": "Les enfants n'ont pas de jardin.", "asset": asset.pk})
    proposal = Proposal.objects.get()
    assert response.status_code == 302 and response["Location"] == proposal.get_absolute_url()
    assert (proposal.author, proposal.asset, proposal.kind) == (resident, asset, "open_space")


def test_a_bad_proposal_gets_french_errors_and_writes_nothing(client, resident, territory, other_territory):
    client.force_login(resident)
    response = client.post("/propositions/nouvelle/", {"territory": territory.pk, "kind": "nonsense",
                                                       "title": "", "body": ""})
    assert response.status_code == 400 and "Le formulaire contient des erreurs" in response.content.decode()
    elsewhere = AssetFactory(territory=other_territory)
    response = client.post("/propositions/nouvelle/", {"territory": territory.pk, "kind": "open_space",
                                                       "title": "Ouvrir", "body": "x", "asset": elsewhere.pk})
    assert response.status_code == 400 and "pas sur le territoire choisi" in response.content.decode()
    assert not Proposal.objects.exists()


def test_the_moderator_answers_and_others_cannot(client, proposal, moderator, resident):
    client.force_login(resident)
    assert "Répondre au nom du territoire" not in client.get(proposal.get_absolute_url()).content.decode()
    assert client.post(f"/propositions/{proposal.pk}/repondre/",
                       {"status": "accepted", "answer": "Oui"}).status_code == 403
    client.force_login(moderator)
    assert "Répondre au nom du territoire" in client.get(proposal.get_absolute_url()).content.decode()
    response = client.post(f"/propositions/{proposal.pk}/repondre/", {"status": "rejected", "answer": ""})
    assert response.status_code == 400 and "Rédigez la réponse officielle" in response.content.decode()
    proposal.refresh_from_db()
    assert proposal.status == "submitted"
    response = client.post(f"/propositions/{proposal.pk}/repondre/",
                           {"status": "accepted", "answer": "La Ville **expérimente** rue Michelet."})
    assert response.status_code == 302
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Réponse officielle" in html and "<strong>expérimente</strong>" in html and "Acceptée" in html


def test_an_answered_proposal_shows_no_support_button(client, proposal, moderator, resident):
    proposal_answer(proposal=proposal, moderator=moderator, status="rejected", answer="Non.")
    client.force_login(resident)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Je soutiens cette proposition" not in html and "ne recueille plus de soutiens" in html
    response = client.post(f"/propositions/{proposal.pk}/soutenir/")
    assert "ne recueille plus de soutiens" in _messages(response)[0]
    assert not Support.objects.exists()


def test_comments_on_a_proposal(client, proposal, resident):
    make_comment(proposal, body="Je peux prêter une pioche.")
    client.force_login(resident)
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "Je peux prêter une pioche." in html and f'value="proposal:{proposal.pk}"' in html


def test_a_proposal_hidden_by_flags_leaves_the_list_and_is_masked(client, proposal, moderator):
    flag_by(proposal, 3)
    assert list(client.get("/propositions/").context["page"]) == []
    html = client.get(proposal.get_absolute_url()).content.decode()
    assert "masquée en attente de modération" in html and "enrobé" not in html
    client.force_login(moderator)
    assert "enrobé" in client.get(proposal.get_absolute_url()).content.decode()


def test_the_proposal_forms_speak_the_visitor_s_language_and_offer_no_blank_kind(translated):  # noqa: F811
    # The help texts are joined lazily: each request gets its own language, not the one of the module's import
    from django.utils import translation

    from alleger.proposals.forms import AnswerForm, ProposalForm

    with translation.override("en"):
        assert str(AnswerForm().fields["answer"].help_text).startswith("Required")
        assert str(ProposalForm().fields["body"].help_text).endswith(str(MARKDOWN_HELP))
    with translation.override("fr"):
        assert str(AnswerForm().fields["answer"].help_text).startswith("Obligatoire")
    # Radio buttons for a required kind: no « --------- » choice
    assert "" not in [value for value, _label in ProposalForm().fields["kind"].choices]
