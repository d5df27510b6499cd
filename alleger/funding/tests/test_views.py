"""The crowdfunding pages: status, redirects, permissions, database state after each POST.

The cast comes from the root conftest (resident, moderator, sponsor…); a
project held by `holder` is live in Saint-Étienne unless a test says
otherwise. A refused action asserts that nothing changed.
"""

import csv
import io
import json
import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from alleger.core.numbers import cents_from_euros
from alleger.funding.models import (
    Contribution,
    LoanRepayment,
    MatchingPool,
    Need,
    Offer,
    Project,
    ProjectUpdate,
    Reward,
    StretchGoal,
    Support,
)
from alleger.funding.providers import CARD_DECLINED
from alleger.funding.services import settlement
from alleger.testing.factories import UserFactory
from alleger.testing.funding_factories import (
    CallFactory,
    NeedFactory,
    ProjectFactory,
    RewardFactory,
    StretchGoalFactory,
    ThemeFactory,
    funded_pool,
    pledge,
)

pytestmark = pytest.mark.django_db


# --- fixtures -------------------------------------------------------------------


@pytest.fixture
def holder(db):
    return UserFactory(email="alexis.porteur@example.org", display_name="Alexis Porteur")


@pytest.fixture
def project(territory, holder, neighbourhood):
    return ProjectFactory(live=True, territory=territory, holder=holder, title="Le Café d'à Côté",
                          slug="cafe-d-a-cote", goal_cents=600_000, lat=45.43, lon=4.37,
                          neighbourhood=neighbourhood)


@pytest.fixture
def reward(project):
    return RewardFactory(project=project, title="Un repas à la soirée de lancement", min_amount_cents=1_000,
                         quantity=2)


@pytest.fixture
def draft(territory, holder):
    return ProjectFactory(territory=territory, holder=holder, title="Tables de pique-nique", slug="tables")


def _body(response) -> str:
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _key(response) -> str:
    return re.search(r'name="idempotency_key" value="([0-9a-f]+)"', _body(response))[1]


class _Meta(HTMLParser):
    def __init__(self):
        super().__init__()
        self.meta = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs.get("name")] = attrs.get("content")


def _meta(response) -> dict:
    parser = _Meta()
    parser.feed(_body(response))
    return parser.meta


def _contribute(client, project, *, amount="20", reward="", key="cle-1", provider="simulated_card",
                card="4242 4242 4242 4242", **extra):
    data = {"amount": amount, "kind": "donation", "reward": reward, "provider": provider, "card_number": card,
            "idempotency_key": key, "message": "", **extra}
    return client.post(reverse("funding:contribute", args=[project.slug]), data)


def _png() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (31, 95, 74)).save(buffer, "PNG")
    return SimpleUploadedFile("cafe.png", buffer.getvalue(), content_type="image/png")


# --- money typed by people ----------------------------------------------------------


@pytest.mark.parametrize("typed, cents", [
    ("12", 1200), ("12,50", 1250), ("12.50", 1250), ("12,5", 1250), ("0,01", 1), ("1 234,56", 123456),
    ("1\u202f234,56\u00a0€", 123456), ("6000", 600000), ("12,", 1200),
])
def test_it_converts_euros_to_cents_exactly(typed, cents):
    assert cents_from_euros(typed) == cents


@pytest.mark.parametrize("typed, message", [
    ("-5", "négatif"), ("12,505", "deux chiffres"), ("1.234", "deux chiffres"), ("douze", "par exemple"),
    ("1e3", "par exemple"), ("", "Indiquez"), ("12,50,1", "par exemple"), ("NaN", "par exemple"),
])
def test_it_refuses_amounts_that_are_not_euros(typed, message):
    with pytest.raises(ValueError, match=message):
        cents_from_euros(typed)


def test_reward_and_project_numbers_refuse_unicode_digits():
    from alleger.funding.forms import PoolForm, RewardForm

    reward = RewardForm(data={"title": "Un café", "min_amount": "１０", "quantity": "５"})
    assert not reward.is_valid()
    assert {"min_amount", "quantity"} <= set(reward.errors)
    pool = PoolForm(data={"factor_percent": "１００", "initial": "５０"}, sponsors=Project.objects.none())
    assert not pool.is_valid()
    assert {"factor_percent", "initial"} <= set(pool.errors)
    assert RewardForm(data={"title": "Un café", "min_amount": "10", "quantity": "5"}).is_valid()


@pytest.mark.parametrize("amount, card", [("１００", "4242 4242 4242 4242"), ("100", "4242 4242 4242 424x")])
def test_the_contribution_form_refuses_unicode_digits_and_letters_in_a_card(client, resident, project, amount,
                                                                             card):
    # Given a live campaign
    client.force_login(resident)
    # When "１００" is typed as the amount, or a card number has a letter
    response = _contribute(client, project, amount=amount, card=card)
    # Then the form says what is wrong, and nothing is pledged
    assert response.status_code == 200
    assert not Contribution.objects.exists()
    assert "par exemple 12" in _body(response) or "12 à 19 chiffres" in _body(response)


# --- listing --------------------------------------------------------------------------


def test_the_list_shows_public_projects_with_their_progress(client, project, draft, resident):
    pledge(project, resident, 150_000)
    response = client.get(reverse("funding:list"))
    assert response.status_code == 200
    body = _body(response)
    assert "Le Café d&#x27;à Côté" in body
    assert "Tables de pique-nique" not in body  # a draft is not public
    # The bar repeats a visible text: amount, percentage, contributors, days left.
    assert '<progress max="100" value="25"' in body
    assert "1\u202f500\u00a0€" in body and "(25&nbsp;%)" in body
    assert "1 contributeur" in body and "jours restants" in body


def test_the_list_filters_by_territory_theme_status_and_neighbourhood(client, project, territory, other_territory,
                                                                      holder):
    theme = ThemeFactory(territory=territory, name="Alimentation", slug="alimentation")
    project.themes.add(theme)
    elsewhere = ProjectFactory(live=True, territory=other_territory, holder=holder, title="Jardin de Lyon")
    failed = ProjectFactory(territory=territory, holder=holder, title="Projet non financé",
                            status=Project.Status.FAILED)
    url = reverse("funding:list")

    def titles(**params):
        body = _body(client.get(url, params))
        return {t for t in ("Le Café d'à Côté", "Jardin de Lyon", "Projet non financé") if escape(t) in body}

    assert titles() == {"Le Café d'à Côté", "Jardin de Lyon", "Projet non financé"}
    assert titles(territoire="saint-etienne") == {"Le Café d'à Côté", "Projet non financé"}
    assert titles(territoire="saint-etienne", theme="alimentation") == {"Le Café d'à Côté"}
    assert titles(statut="failed") == {"Projet non financé"}
    assert titles(territoire="saint-etienne", quartier="jacquard") == {"Le Café d'à Côté"}
    # A stale or made-up value is ignored, never an error page.
    assert titles(statut="draft", theme="n-existe-plus") == {"Le Café d'à Côté", "Jardin de Lyon",
                                                             "Projet non financé"}
    assert elsewhere.pk and failed.pk


def test_the_map_has_a_list_alternative_that_needs_no_javascript(client, project, holder, territory):
    ProjectFactory(live=True, territory=territory, holder=holder, title="Sans adresse")
    response = client.get(reverse("funding:list"))
    body = _body(response)
    data = json.loads(re.search(r'<script id="projects-map-data" type="application/json">(.*?)</script>',
                                body, re.S)[1])
    assert data["features"] == [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [4.37, 45.43]},
                                 "properties": {"name": "Le Café d'à Côté", "url": "/projets/cafe-d-a-cote/"}}]
    # The same projects, as plain links in the HTML.
    alternative = body.split('class="map-list"', 1)[1].split("</ul>", 1)[0]
    assert '<a href="/projets/cafe-d-a-cote/">Le Café d&#x27;à Côté</a>' in alternative
    assert "Jacquard" in alternative and "Sans adresse" not in alternative


def test_the_main_navigation_links_to_the_projects(client, db):
    assert 'href="/projets/"' in _body(client.get("/"))


def test_the_territory_front_page_has_a_projects_section(client, project, territory, moderator, draft):
    ThemeFactory(territory=territory, name="Réemploi", slug="reemploi", featured=True)
    ThemeFactory(territory=territory, name="Thème discret", slug="discret", featured=False)
    CallFactory(territory=territory, title="Quartiers d'hiver", slug="hiver")
    CallFactory(territory=territory, title="Appel clos", slug="clos",
                opens_at=timezone.now() - timedelta(days=60), closes_at=timezone.now() - timedelta(days=1))
    body = _body(client.get(territory.get_absolute_url()))
    assert 'id="projets"' in body
    assert "/projets/?territoire=saint-etienne&amp;theme=reemploi" in body and "Thème discret" not in body
    assert "/t/saint-etienne/appels/hiver/" in body and "Appel clos" not in body
    assert "Le Café d&#x27;à Côté" in body and "Tables de pique-nique" not in body
    assert "/projets/?territoire=saint-etienne" in body
    assert "/moderation/projets/" not in body
    client.force_login(moderator)
    body = _body(client.get(territory.get_absolute_url()))
    assert "/t/saint-etienne/moderation/projets/" in body and "/t/saint-etienne/moderation/paiements/" in body


# --- the project page ----------------------------------------------------------------------


def test_the_project_page_shows_the_campaign(client, project, reward, resident):
    StretchGoalFactory(project=project, amount_cents=900_000, title="Un four pour la cuisine")
    NeedFactory(project=project, title="Des bras pour l'aménagement")
    sold_out = RewardFactory(project=project, title="Panier de légumes", min_amount_cents=2_000, quantity=1)
    pledge(project, resident, 2_000, reward=sold_out)
    response = client.get(project.get_absolute_url())
    assert response.status_code == 200
    body = _body(response)
    assert "<h1" in body and "Le Café d&#x27;à Côté" in body
    assert "<h2>Pourquoi</h2>" in body  # the story's Markdown, rendered
    assert "Un four pour la cuisine" in body and "pas encore atteint" in body
    assert "épuisé" in body and "restent 2 sur 2" in body
    assert "Des bras pour l&#x27;aménagement" in body
    assert "Connectez-vous pour proposer votre aide." in body
    assert f'href="/projets/cafe-d-a-cote/contribuer/?reward={reward.pk}"' in body
    assert f'?reward={sold_out.pk}"' not in body
    assert 'id="share-url"' in body and 'value="http://testserver/projets/cafe-d-a-cote/"' in body
    assert "mailto:?subject=Le%20Caf%C3%A9" in body


def test_the_project_page_has_opengraph_metadata(client, project):
    meta = _meta(client.get(project.get_absolute_url()))
    assert meta["og:title"] == "Le Café d'à Côté"
    assert meta["og:description"] == project.summary
    assert meta["og:url"] == "http://testserver/projets/cafe-d-a-cote/"
    assert meta["twitter:card"] == "summary"
    assert "og:image" not in meta


def test_the_opengraph_image_is_an_absolute_url(client, project):
    project.image.save("cafe.png", _png(), save=False)
    project.image_alt = "La devanture du café"
    project.save()
    meta = _meta(client.get(project.get_absolute_url()))
    assert meta["og:image"].startswith("http://testserver/media/projects/cafe")
    assert meta["og:image:alt"] == "La devanture du café"
    assert meta["twitter:card"] == "summary_large_image"


def test_anonymous_backers_are_counted_not_named(client, project, resident, other_resident):
    pledge(project, resident, 2_000)
    pledge(project, other_resident, 3_000, anonymous=True)
    body = _body(client.get(project.get_absolute_url()))
    assert "Clémence" in body
    assert "Quelqu&#x27;un d&#x27;autre" not in body
    assert "et 1 contribution anonyme" in body
    assert "2 contributeurs" in body


@pytest.mark.parametrize("who, status", [("visitor", 404), ("resident", 404), ("holder", 200),
                                         ("moderator", 200), ("platform_admin", 200)])
def test_a_draft_is_visible_only_to_its_holder_and_moderation(client_of, request, draft, who, status):
    user = request.getfixturevalue(who)
    assert client_of(user).get(draft.get_absolute_url()).status_code == status


def test_the_holder_and_moderators_see_their_actions(client, project, draft, holder, moderator, resident):
    client.force_login(holder)
    body = _body(client.get(project.get_absolute_url()))
    assert "/projets/cafe-d-a-cote/gerer/" in body
    assert "/projets/tables/modifier/" in _body(client.get(draft.get_absolute_url()))
    client.force_login(resident)
    assert "/gerer/" not in _body(client.get(project.get_absolute_url()))
    draft.status = Project.Status.SUBMITTED
    draft.save()
    client.force_login(moderator)
    assert "/t/saint-etienne/moderation/projets/#relecture-" in _body(client.get(draft.get_absolute_url()))


def test_it_follows_and_unfollows(client, project, resident):
    url = reverse("funding:follow", args=[project.slug])
    assert client.post(url).status_code == 302 and not project.followers.exists()  # to the login page
    client.force_login(resident)
    response = client.post(url, {"follow": "1"})
    assert response.status_code == 302 and response["Location"] == project.get_absolute_url()
    assert list(project.followers.all()) == [resident]
    assert "Ne plus suivre" in _body(client.get(project.get_absolute_url()))
    client.post(url, {"follow": "0"})
    assert not project.followers.exists()
    assert client.get(url).status_code == 405


def test_it_offers_help_on_a_need(client, project, resident, mailoutbox, django_capture_on_commit_callbacks):
    need = NeedFactory(project=project)
    url = reverse("funding:offer", args=[project.slug, need.pk])
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {f"offer-{need.pk}-message": "J'ai une perceuse et deux samedis."})
    assert response.status_code == 302
    offer = Offer.objects.get()
    assert (offer.author, offer.need, offer.status) == (resident, need, Offer.Status.PROPOSED)
    assert [m.to for m in mailoutbox] == [[project.holder.email]]


def test_a_member_offers_help_on_behalf_of_an_organisation(client, project, org_member, organisation):
    need = NeedFactory(project=project)
    client.force_login(org_member)
    assert f'<option value="{organisation.pk}">' in _body(client.get(project.get_absolute_url()))
    client.post(reverse("funding:offer", args=[project.slug, need.pk]),
                {f"offer-{need.pk}-message": "Notre salle, le mardi.", f"offer-{need.pk}-organisation": organisation.pk})
    assert Offer.objects.get().organisation == organisation


def test_an_empty_offer_is_refused_and_nothing_is_created(client, project, resident):
    need = NeedFactory(project=project)
    client.force_login(resident)
    response = client.post(reverse("funding:offer", args=[project.slug, need.pk]),
                           {f"offer-{need.pk}-message": ""})
    assert response.status_code == 200
    assert 'class="error-summary"' in _body(response)
    assert not Offer.objects.exists()


def test_an_offer_on_a_fulfilled_need_shows_the_refusal(client, project, resident):
    need = NeedFactory(project=project, fulfilled=True)
    client.force_login(resident)
    response = client.post(reverse("funding:offer", args=[project.slug, need.pk]),
                           {f"offer-{need.pk}-message": "Je peux aider"})
    # The form is not even offered on the page, and a forged POST is refused with the service's message.
    assert response.status_code == 200
    assert "Ce besoin est déjà comblé" in _body(response)
    assert not Offer.objects.exists()


def test_a_sponsor_attaches_support(client, project, sponsor, sponsor_organisation, resident):
    url = reverse("funding:support", args=[project.slug])
    client.force_login(resident)
    assert client.post(url, {"organisation": sponsor_organisation.pk, "kind": "label",
                             "description": "Label"}).status_code == 403
    client.force_login(sponsor)
    assert "Apporter un soutien" in _body(client.get(project.get_absolute_url()))
    response = client.post(url, {"organisation": sponsor_organisation.pk, "kind": "funding",
                                 "description": "Un complément pour le mobilier", "amount": "500"})
    assert response.status_code == 302
    support = Support.objects.get()
    assert (support.organisation, support.kind, support.amount_cents) == (sponsor_organisation, "funding", 50_000)
    assert "Un complément pour le mobilier" in _body(client.get(project.get_absolute_url()))


# --- contributing --------------------------------------------------------------------------


def test_contributing_requires_an_account(client, project):
    response = client.get(reverse("funding:contribute", args=[project.slug]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_contribution_form_preselects_a_reward(client, project, reward, resident):
    client.force_login(resident)
    response = client.get(reverse("funding:contribute", args=[project.slug]), {"reward": reward.pk})
    assert response.status_code == 200
    body = _body(response)
    assert re.search(rf'<input type="radio" name="reward" value="{reward.pk}"[^>]*checked', body)
    assert 'name="amount" value="10"' in body
    assert 'value="4242 4242 4242 4242"' in body and "4000 0000 0000 0002" in body
    assert len(_key(response)) == 32
    # Each rendering gets a fresh key.
    assert _key(client.get(reverse("funding:contribute", args=[project.slug]))) != _key(response)


def test_it_backs_a_project_with_a_reward(client, project, reward, resident, mailoutbox,
                                          django_capture_on_commit_callbacks):
    client.force_login(resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = _contribute(client, project, amount="12,50", reward=str(reward.pk), message="Bravo !")
    contribution = Contribution.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/contributions/#contribution-{contribution.pk}"
    assert (contribution.amount_cents, contribution.reward, contribution.status, contribution.message) == (
        1250, reward, Contribution.Status.AUTHORISED, "Bravo !")
    project.refresh_from_db()
    reward.refresh_from_db()
    assert (project.pledged_cents, project.contributors_count, reward.claimed) == (1250, 1, 1)
    assert len(mailoutbox) == 1
    page = client.get(response["Location"])
    assert "Merci ! Votre contribution" in " ".join(_messages(page))
    body = _body(page)
    assert "Un repas à la soirée de lancement" in body and "12,50\u00a0€" in body
    assert contribution.provider_reference in body


def test_a_double_submit_creates_one_contribution(client, project, resident):
    client.force_login(resident)
    first = _contribute(client, project, amount="20", key="meme-cle")
    second = _contribute(client, project, amount="20", key="meme-cle")
    assert first.status_code == second.status_code == 302
    assert Contribution.objects.count() == 1
    project.refresh_from_db()
    assert project.pledged_cents == 2_000
    assert "déjà enregistrée" in " ".join(_messages(client.get(second["Location"])))


def test_a_form_sent_again_with_another_amount_keeps_the_first_and_offers_a_new_key(client, project, resident):
    # Given a contribution sent with the form's key
    client.force_login(resident)
    assert _contribute(client, project, amount="20", key="meme-cle").status_code == 302
    # When the same form comes back with another amount (back button)
    again = _contribute(client, project, amount="30", key="meme-cle")
    # Then nothing more is pledged, the page says why, and its new key makes the next submit a new contribution
    assert again.status_code == 200
    assert "déjà servi" in _body(again)
    assert Contribution.objects.get().amount_cents == 2_000
    new_key = _key(again)
    assert new_key != "meme-cle"
    assert _contribute(client, project, amount="30", key=new_key).status_code == 302
    assert sorted(Contribution.objects.values_list("amount_cents", flat=True)) == [2_000, 3_000]


def test_over_the_cap_it_names_the_room_left_and_changes_nothing(client, project, resident, other_resident):
    pledge(project, other_resident, 1_199_000)  # cap: 200 % of 6 000 € = 12 000 €
    client.force_login(resident)
    response = _contribute(client, project, amount="20")
    assert response.status_code == 200
    body = _body(response)
    assert 'class="error-summary"' in body and "il reste 10\u00a0€ à collecter" in body
    assert 'aria-invalid="true"' in body  # on the amount field
    project.refresh_from_db()
    assert project.pledged_cents == 1_199_000
    assert Contribution.objects.filter(contributor=resident).count() == 0
    # The same key is kept: a corrected submission is still one contribution.
    assert 'value="cle-1"' in body


@pytest.mark.parametrize("amount, message", [("-5", "négatif"), ("12,345", "deux chiffres"), ("abc", "par exemple"),
                                             ("0", "au moins"), ("0,50", "montant minimal")])
def test_bad_amounts_are_refused_with_a_clear_message(client, project, resident, amount, message):
    client.force_login(resident)
    response = _contribute(client, project, amount=amount)
    assert response.status_code == 200
    assert message in _body(response)
    assert not Contribution.objects.exists()


def test_a_reward_below_its_minimum_is_refused(client, project, reward, resident):
    client.force_login(resident)
    response = _contribute(client, project, amount="5", reward=str(reward.pk))
    assert "Cette contrepartie demande au moins 10\u00a0€" in _body(response)
    reward.refresh_from_db()
    assert reward.claimed == 0 and not Contribution.objects.exists()


def test_a_sold_out_reward_is_disabled_and_refused(client, project, resident, other_resident):
    reward = RewardFactory(project=project, min_amount_cents=500, quantity=1)
    pledge(project, other_resident, 500, reward=reward)
    client.force_login(resident)
    page = _body(client.get(reverse("funding:contribute", args=[project.slug])))
    assert re.search(rf'value="{reward.pk}"[^>]*disabled', page)
    response = _contribute(client, project, amount="5", reward=str(reward.pk))
    assert "Cette contrepartie est épuisée." in _body(response)
    assert Contribution.objects.filter(contributor=resident).count() == 0


def test_a_declined_card_creates_nothing(client, project, resident):
    client.force_login(resident)
    response = _contribute(client, project, card=CARD_DECLINED)
    assert response.status_code == 200
    assert "Le paiement a été refusé" in _body(response)
    assert not Contribution.objects.exists()
    project.refresh_from_db()
    assert project.pledged_cents == 0


def test_a_closed_campaign_sends_back_to_the_project(client, draft, holder, resident):
    client.force_login(holder)
    response = client.get(reverse("funding:contribute", args=[draft.slug]))
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    client.force_login(resident)
    assert client.get(reverse("funding:contribute", args=[draft.slug])).status_code == 404


def test_an_offline_payment_waits_for_a_moderator(client, project, resident, moderator, other_resident):
    client.force_login(resident)
    _contribute(client, project, amount="30", provider="offline", card="")
    contribution = Contribution.objects.get()
    assert contribution.status == Contribution.Status.PENDING
    assert contribution.provider_reference in _body(client.get(reverse("funding:my_contributions")))
    payments = reverse("funding:offline_payments", args=["saint-etienne"])
    confirm = reverse("funding:confirm_receipt", args=["saint-etienne", contribution.pk])
    # Someone who does not moderate sees nothing and confirms nothing.
    client.force_login(other_resident)
    assert client.get(payments).status_code == 403
    assert client.post(confirm).status_code == 403
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.PENDING
    client.force_login(moderator)
    page = _body(client.get(payments))
    assert contribution.provider_reference in page and "30\u00a0€" in page
    response = client.post(confirm)
    assert response.status_code == 302 and response["Location"] == payments
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.CAPTURED
    # A second confirmation is refused with a message and changes nothing.
    response = client.post(confirm, follow=True)
    assert "n'est pas en attente" in " ".join(_messages(response))
    assert contribution.transfers.count() == 1


def test_a_loan_shows_its_repayment_schedule(client, territory, holder, resident):
    territory.allow_loan = True
    territory.save()
    project = ProjectFactory(live=True, territory=territory, holder=holder, accepts_loan=True, loan_term_months=4)
    client.force_login(resident)
    url = reverse("funding:contribute", args=[project.slug])
    body = _body(client.get(url))
    assert "Échéancier pour un prêt de 100\u00a0€" in body and body.count("25\u00a0€</td>") == 4
    # The preview button recomputes the schedule for the amount typed, and creates nothing.
    response = client.post(url, {"amount": "100,01", "kind": "loan", "reward": "", "provider": "simulated_card",
                                 "card_number": "4242424242424242", "idempotency_key": "k", "preview": "1"})
    body = _body(response)
    assert "Échéancier pour un prêt de 100,01\u00a0€" in body
    assert body.count("25\u00a0€</td>") == 3 and "25,01\u00a0€</td>" in body  # the last takes the remainder
    assert not Contribution.objects.exists()
    response = client.post(url, {"amount": "100", "kind": "loan", "reward": "", "provider": "simulated_card",
                                 "card_number": "4242424242424242", "idempotency_key": "k"})
    assert response.status_code == 302
    assert Contribution.objects.get().kind == Contribution.Kind.LOAN
    page = _body(client.get(reverse("funding:my_contributions")))
    assert "Échéancier de remboursement" in page and "reste dû : 100\u00a0€" in page


# --- my contributions ------------------------------------------------------------------------


def test_my_contributions_requires_an_account(client, db):
    assert client.get(reverse("funding:my_contributions")).status_code == 302


def test_it_cancels_a_contribution(client, project, reward, resident):
    contribution = pledge(project, resident, 1_000, reward=reward)
    client.force_login(resident)
    assert "Annuler cette contribution" in _body(client.get(reverse("funding:my_contributions")))
    response = client.post(reverse("funding:cancel", args=[contribution.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("funding:my_contributions")
    contribution.refresh_from_db()
    project.refresh_from_db()
    reward.refresh_from_db()
    assert contribution.status == Contribution.Status.CANCELLED
    assert (project.pledged_cents, project.contributors_count, reward.claimed) == (0, 0, 0)


def test_nobody_cancels_someone_else_s_contribution(client, project, resident, other_resident):
    contribution = pledge(project, resident, 1_000)
    client.force_login(other_resident)
    assert client.post(reverse("funding:cancel", args=[contribution.pk])).status_code == 404
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.AUTHORISED


def test_it_is_too_late_to_cancel_in_the_last_24_hours(client, project, resident):
    contribution = pledge(project, resident, 1_000)
    Project.objects.filter(pk=project.pk).update(deadline=timezone.now() + timedelta(hours=10))
    client.force_login(resident)
    assert "Annuler cette contribution" not in _body(client.get(reverse("funding:my_contributions")))
    response = client.post(reverse("funding:cancel", args=[contribution.pk]), follow=True)
    assert "jusqu'à 24 heures avant la fin" in " ".join(_messages(response))
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.AUTHORISED


# --- proposing, editing, submitting ----------------------------------------------------------------


def _project_data(territory, **overrides):
    return {"territory": territory.pk, "organisation": "", "title": "Une imprimante 3D à la médiathèque",
            "summary": "Fabriquer des pièces de rechange.", "story": "Une **imprimante**.", "image_alt": "",
            "location": "45.43, 4.37", "call": "", "goal": "1 234,56", "duration_days": "30",
            "accepts_donation": "on", "loan_term_months": "", **overrides}


def test_proposing_requires_an_account(client, db):
    response = client.get(reverse("funding:create"))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_it_creates_a_draft(client, territory, resident, neighbourhood):
    theme = ThemeFactory(territory=territory, name="Culture", slug="culture")
    client.force_login(resident)
    page = client.get(reverse("funding:create"), {"territoire": "saint-etienne"})
    assert page.status_code == 200 and "de 7 à 90 jours" in _body(page)
    response = client.post(reverse("funding:create"), {**_project_data(territory), "themes": [theme.pk]})
    project = Project.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("funding:edit", args=[project.slug])
    assert (project.holder, project.status, project.goal_cents, project.duration_days) == (
        resident, Project.Status.DRAFT, 123_456, 30)
    assert project.neighbourhood == neighbourhood and list(project.themes.all()) == [theme]


@pytest.mark.parametrize("place", [
    {"location": "45.430000, 4.370000", "location_lat": "45.43", "location_lon": "4.37"},  # the map picker
    {"location": "45,43 4,37"},  # without JavaScript, decimal commas
])
def test_the_place_comes_from_the_picker_or_the_text_field(client, territory, resident, neighbourhood, place):
    client.force_login(resident)
    assert client.post(reverse("funding:create"), {**_project_data(territory), **place}).status_code == 302
    project = Project.objects.get()
    assert (project.lat, project.lon, project.neighbourhood) == (45.43, 4.37, neighbourhood)


def test_the_place_is_optional_and_shown_back_in_the_picker(client, territory, resident):
    client.force_login(resident)
    client.post(reverse("funding:create"), _project_data(territory, location=""))
    project = Project.objects.get()
    assert (project.lat, project.lon, project.neighbourhood) == (None, None, None)
    project.lat, project.lon = 45.43, 4.37
    project.save()
    html = _body(client.get(reverse("funding:edit", args=[project.slug])))
    assert 'name="location_lat" value="45.430000"' in html and 'value="45.430000, 4.370000"' in html
    assert "data-pick-map" in html


def test_it_creates_a_draft_with_an_image(client, territory, resident):
    client.force_login(resident)
    response = client.post(reverse("funding:create"),
                           {**_project_data(territory, image_alt="Une imprimante"), "image": _png()})
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.image.name.startswith("projects/") and project.image_alt == "Une imprimante"


@pytest.mark.parametrize("overrides, field, message", [
    ({"goal": "25 000"}, "goal", "petits projets seulement"),
    ({"duration_days": "120"}, "duration_days", "de 7 à 90 jours"),
    ({"goal": "-10"}, "goal", "négatif"),
    ({"accepts_loan": "on", "loan_term_months": "6"}, None, "n'accepte pas les prêts"),
    ({"location": "12 rue de la République"}, "location_0", "Seules des coordonnées sont comprises ici"),
    ({"location": "45.43, 200"}, "location_0", "hors limites"),
    ({"location_lat": "45.43", "location_lon": ""}, "location_0", "n'est pas valide"),
])
def test_territory_rules_are_shown_and_nothing_is_created(client, territory, resident, overrides, field, message):
    client.force_login(resident)
    response = client.post(reverse("funding:create"), _project_data(territory, **overrides))
    assert response.status_code == 200
    body = _body(response)
    assert 'class="error-summary"' in body and escape(message) in body
    if field:
        assert f'href="#id_{field}"' in body
    assert not Project.objects.exists()


def test_only_the_owner_edits(client, draft, resident, holder, org_admin, organisation):
    url = reverse("funding:edit", args=[draft.slug])
    client.force_login(resident)
    assert client.get(url).status_code == 404  # a draft: not even visible
    draft.status = Project.Status.PUBLISHED
    draft.save()
    assert client.get(url).status_code == 403
    draft.status = Project.Status.DRAFT
    draft.organisation = organisation
    draft.save()
    client.force_login(org_admin)
    assert client.get(url).status_code == 200
    client.force_login(holder)
    assert client.get(url).status_code == 200


def test_it_edits_a_draft(client, draft, holder, territory):
    client.force_login(holder)
    response = client.post(reverse("funding:edit", args=[draft.slug]),
                           _project_data(territory, title="Des tables pour le parc", goal="2500"))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title, draft.goal_cents) == ("Des tables pour le parc", 250_000)


def test_a_refused_edit_changes_nothing(client, draft, holder, territory):
    client.force_login(holder)
    response = client.post(reverse("funding:edit", args=[draft.slug]),
                           _project_data(territory, title="Nouveau titre", goal="50000"))
    assert response.status_code == 200 and "petits projets seulement" in _body(response)
    draft.refresh_from_db()
    assert (draft.title, draft.goal_cents) == ("Tables de pique-nique", 600_000)


def test_it_manages_rewards_stretch_goals_and_needs(client, draft, holder):
    client.force_login(holder)
    edit = reverse("funding:edit", args=[draft.slug])
    response = client.post(reverse("funding:reward_add", args=[draft.slug]), {
        "reward-new-title": "Un café équitable", "reward-new-min_amount": "5", "reward-new-quantity": "50"})
    assert response.status_code == 302 and response["Location"] == edit + "#contreparties"
    reward = Reward.objects.get()
    assert (reward.min_amount_cents, reward.quantity) == (500, 50)
    response = client.post(reverse("funding:reward_edit", args=[draft.slug, reward.pk]), {
        f"reward-{reward.pk}-title": "Deux cafés", f"reward-{reward.pk}-min_amount": "7,50"})
    reward.refresh_from_db()
    assert (reward.title, reward.min_amount_cents, reward.quantity) == ("Deux cafés", 750, None)
    client.post(reverse("funding:stretch_goal_add", args=[draft.slug]),
                {"stretch-amount": "9000", "stretch-title": "Un four"})
    assert StretchGoal.objects.get().amount_cents == 900_000
    client.post(reverse("funding:need_add", args=[draft.slug]),
                {"need-kind": "advice", "need-title": "Monter l'association"})
    assert Need.objects.get().kind == "advice"
    body = _body(client.get(edit))
    assert "Deux cafés" in body and "Un four" in body and "Monter l&#x27;association" in body
    client.post(reverse("funding:reward_remove", args=[draft.slug, reward.pk]))
    assert not Reward.objects.exists()


def test_a_stretch_goal_below_the_goal_is_refused(client, draft, holder):
    client.force_login(holder)
    response = client.post(reverse("funding:stretch_goal_add", args=[draft.slug]),
                           {"stretch-amount": "100", "stretch-title": "Trop bas"})
    assert response.status_code == 200 and "dépasse l&#x27;objectif minimal" in _body(response)
    assert not StretchGoal.objects.exists()


def test_a_chosen_reward_cannot_be_removed(client, project, reward, holder, resident):
    pledge(project, resident, 1_000, reward=reward)
    client.force_login(holder)
    response = client.post(reverse("funding:reward_remove", args=[project.slug, reward.pk]), follow=True)
    assert "ne peut plus être retirée" in " ".join(_messages(response))
    assert Reward.objects.filter(pk=reward.pk).exists()


def test_someone_else_cannot_add_a_reward(client, project, resident):
    client.force_login(resident)
    response = client.post(reverse("funding:reward_add", args=[project.slug]),
                           {"reward-new-title": "Pirate", "reward-new-min_amount": "5"})
    assert response.status_code == 403 and not Reward.objects.exists()


def test_it_submits_for_review(client, draft, holder, moderator, mailoutbox, django_capture_on_commit_callbacks):
    client.force_login(holder)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("funding:submit", args=[draft.slug]))
    assert response.status_code == 302 and response["Location"] == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.status == Project.Status.SUBMITTED
    assert [m.to for m in mailoutbox] == [[moderator.email]]
    # Submitting twice is refused with a message.
    response = client.post(reverse("funding:submit", args=[draft.slug]), follow=True)
    assert "déjà été soumis" in " ".join(_messages(response))


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


def test_asking_for_changes_needs_a_message(client, draft, moderator):
    draft.status = Project.Status.SUBMITTED
    draft.save()
    client.force_login(moderator)
    url = reverse("funding:review", args=[draft.slug])
    response = client.post(url, {f"review-{draft.pk}-decision": "request_changes",
                                 f"review-{draft.pk}-message": ""})
    assert response.status_code == 200
    assert "Expliquez votre décision" in _body(response)
    draft.refresh_from_db()
    assert draft.status == Project.Status.SUBMITTED
    client.post(url, {f"review-{draft.pk}-decision": "request_changes",
                      f"review-{draft.pk}-message": "Précisez le budget."})
    draft.refresh_from_db()
    assert (draft.status, draft.review_message) == (Project.Status.CHANGES_REQUESTED, "Précisez le budget.")


# --- the holder's dashboard ------------------------------------------------------------------------


@pytest.mark.parametrize("who, status", [("visitor", 302), ("resident", 403), ("moderator", 403),
                                         ("holder", 200), ("platform_admin", 200)])
def test_the_dashboard_is_for_the_holder(client_of, request, project, who, status):
    user = request.getfixturevalue(who)
    assert client_of(user).get(reverse("funding:manage", args=[project.slug])).status_code == status


def test_the_holder_sees_anonymous_contributors_as_anonymous(client, project, holder, resident, other_resident):
    pledge(project, resident, 2_000, message="Courage !")
    pledge(project, other_resident, 3_000, anonymous=True)
    client.force_login(holder)
    body = _body(client.get(reverse("funding:manage", args=[project.slug])))
    assert "Clémence" in body and "Courage !" in body
    assert "Anonyme" in body and "Quelqu&#x27;un d&#x27;autre" not in body


def test_the_holder_posts_an_update(client, project, holder, resident, mailoutbox,
                                   django_capture_on_commit_callbacks):
    pledge(project, resident, 2_000)
    client.force_login(holder)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("funding:post_update", args=[project.slug]),
                               {"update-title": "Les travaux commencent", "update-body": "Samedi, **peinture**."})
    assert response.status_code == 302
    assert ProjectUpdate.objects.get().title == "Les travaux commencent"
    assert resident.email in [to for m in mailoutbox for to in m.to]
    assert "<strong>peinture</strong>" in _body(client.get(project.get_absolute_url()))


def test_an_empty_update_is_refused(client, project, holder, resident):
    client.force_login(holder)
    response = client.post(reverse("funding:post_update", args=[project.slug]), {"update-title": "Titre"})
    assert response.status_code == 200 and 'class="error-summary"' in _body(response)
    assert not ProjectUpdate.objects.exists()
    client.force_login(resident)
    response = client.post(reverse("funding:post_update", args=[project.slug]),
                           {"update-title": "Pirate", "update-body": "Pirate"})
    assert response.status_code == 403 and not ProjectUpdate.objects.exists()


def test_the_csv_export(client, project, reward, holder, resident, other_resident):
    pledge(project, resident, 1_250, reward=reward, message="=HYPERLINK(\"http://x\")")
    pledge(project, other_resident, 3_000, anonymous=True)
    url = reverse("funding:contributors_csv", args=[project.slug])
    client.force_login(resident)
    assert client.get(url).status_code == 403
    client.force_login(holder)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="contributeurs-cafe-d-a-cote.csv"' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Date", "Nom", "Montant (€)", "Type", "Contrepartie", "Statut", "Message"]
    assert [r[1:] for r in rows[1:]] == [
        ["Clémence", "12,50", "Don", reward.title, "Autorisé", "'=HYPERLINK(\"http://x\")"],
        ["Anonyme", "30,00", "Don", "", "Autorisé", ""],
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", rows[1][0])


@pytest.mark.parametrize("hostile", [" =1+1", "\u00a0=1+1", "\t=1+1", "\n+1", "\r\n@SUM(A1)", " -2+3", "\t", "\rx"])
def test_the_csv_export_defuses_formulas_behind_blanks(client, project, holder, resident, hostile):
    resident.display_name = hostile
    resident.save()
    pledge(project, resident, 1_000, message=hostile)
    client.force_login(holder)
    response = client.get(reverse("funding:contributors_csv", args=[project.slug]))
    row = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))[1]
    assert row[1] == row[6] == "'" + hostile


def test_the_holder_tracks_reward_fulfilment(client, project, reward, holder, resident):
    contribution = pledge(project, resident, 1_000, reward=reward)
    client.force_login(holder)
    url = reverse("funding:rewards_fulfilled", args=[project.slug])
    client.post(url, {"shown": [contribution.pk], "fulfilled": [contribution.pk]})
    contribution.refresh_from_db()
    assert contribution.reward_fulfilled
    assert "checked" in _body(client.get(reverse("funding:manage", args=[project.slug]))).split(
        f'id="fulfilled-{contribution.pk}"', 1)[1][:20]
    client.post(url, {"shown": [contribution.pk]})
    contribution.refresh_from_db()
    assert not contribution.reward_fulfilled


def test_the_holder_answers_offers(client, project, holder, resident):
    need = NeedFactory(project=project)
    offer = Offer.objects.create(need=need, author=resident, message="J'ai une camionnette.")
    client.force_login(holder)
    url = reverse("funding:offer_status", args=[project.slug, offer.pk])
    assert "J&#x27;ai une camionnette." in _body(client.get(reverse("funding:manage", args=[project.slug])))
    client.post(url, {"status": "accepted", "answer": "Merci !"})
    offer.refresh_from_db()
    assert (offer.status, offer.answer) == (Offer.Status.ACCEPTED, "Merci !")
    client.post(url, {"status": "done"})
    offer.refresh_from_db()
    need.refresh_from_db()
    assert offer.status == Offer.Status.DONE and need.fulfilled
    # A done offer cannot be declined any more.
    response = client.post(url, {"status": "declined"}, follow=True)
    assert "ne peut pas passer à cet état" in " ".join(_messages(response))
    offer.refresh_from_db()
    assert offer.status == Offer.Status.DONE


def test_the_holder_records_loan_repayments(client, territory, holder, resident):
    territory.allow_loan = True
    territory.save()
    project = ProjectFactory(live=True, territory=territory, holder=holder, goal_cents=10_000,
                             accepts_loan=True, loan_term_months=2)
    loan = pledge(project, resident, 10_000, kind=Contribution.Kind.LOAN)
    settlement.settle_project(project_id=project.pk, now=project.deadline + timedelta(minutes=1))
    project.refresh_from_db()
    assert project.status == Project.Status.SUCCEEDED and project.paid_out_at
    client.force_login(holder)
    manage = reverse("funding:manage", args=[project.slug])
    body = _body(client.get(manage))
    assert "reste dû : 100\u00a0€" in body and body.count("50\u00a0€</td>") == 2
    url = reverse("funding:loan_repayment", args=[project.slug, loan.pk])
    response = client.post(url, {f"loan-{loan.pk}-amount": "50", f"loan-{loan.pk}-idempotency_key": "r1"})
    assert response.status_code == 302
    # The same submission again records nothing more; too much is refused.
    client.post(url, {f"loan-{loan.pk}-amount": "50", f"loan-{loan.pk}-idempotency_key": "r1"})
    response = client.post(url, {f"loan-{loan.pk}-amount": "60", f"loan-{loan.pk}-idempotency_key": "r2"})
    assert response.status_code == 200 and "ne pas dépasser ce qui reste dû" in _body(response)
    assert [r.amount_cents for r in LoanRepayment.objects.all()] == [5_000]
    client.force_login(resident)
    assert "reste dû : 50\u00a0€" in _body(client.get(reverse("funding:my_contributions")))


# --- calls for projects and sponsors ------------------------------------------------------------------


def test_a_call_for_projects(client, territory, project, sponsor_organisation, sponsor):
    pool = funded_pool(sponsor=sponsor_organisation, actor=sponsor, territory=territory, name="Fonds d'hiver")
    call = CallFactory(territory=territory, title="Quartiers d'hiver", slug="hiver", pool=pool)
    project.call = call
    project.save()
    response = client.get(reverse("funding:call", args=["saint-etienne", "hiver"]))
    assert response.status_code == 200
    body = _body(response)
    assert "Appel ouvert" in body and "<strong>de quartier</strong>" in body
    assert "Fonds d&#x27;hiver" in body and "1\u202f000\u00a0€" in body
    assert "Le Café d&#x27;à Côté" in body
    assert client.get(reverse("funding:call", args=["saint-etienne", "inconnu"])).status_code == 404
    assert client.get(reverse("funding:call", args=["lyon-inconnu", "hiver"])).status_code == 404


def test_the_sponsor_dashboard_is_for_sponsors(client, resident, sponsor):
    url = reverse("funding:sponsor")
    assert client.get(url).status_code == 302
    client.force_login(resident)
    assert client.get(url).status_code == 403
    client.force_login(sponsor)
    assert client.get(url).status_code == 200


def test_a_sponsor_opens_and_tops_up_a_pool(client, territory, sponsor, sponsor_organisation):
    client.force_login(sponsor)
    response = client.post(reverse("funding:pool_create"), {
        "pool-sponsor": sponsor_organisation.pk, "pool-name": "Fonds Nouveau Monde", "pool-territory": territory.pk,
        "pool-initial": "2 000", "pool-trigger": "first_euro", "pool-factor_percent": "100",
        "pool-cap_per_contribution": "50", "pool-max_matches_per_contributor": "1", "pool-idempotency_key": "p1"})
    assert response.status_code == 302
    pool = MatchingPool.objects.get()
    assert (pool.balance_cents, pool.factor_bp, pool.cap_per_contribution_cents, pool.max_matches_per_contributor) \
        == (200_000, 10_000, 5_000, 1)
    top_up = reverse("funding:pool_top_up", args=[pool.pk])
    client.post(top_up, {f"pool-{pool.pk}-amount": "500", f"pool-{pool.pk}-idempotency_key": "t1"})
    client.post(top_up, {f"pool-{pool.pk}-amount": "500", f"pool-{pool.pk}-idempotency_key": "t1"})  # repeat
    pool.refresh_from_db()
    assert pool.balance_cents == 250_000
    assert "2\u202f500\u00a0€" in _body(client.get(reverse("funding:sponsor")))


def test_a_lump_sum_pool_needs_a_threshold(client, territory, sponsor, sponsor_organisation):
    client.force_login(sponsor)
    response = client.post(reverse("funding:pool_create"), {
        "pool-sponsor": sponsor_organisation.pk, "pool-name": "Forfait", "pool-territory": territory.pk,
        "pool-trigger": "lump_sum", "pool-factor_percent": "100", "pool-lump_sum": "300",
        "pool-idempotency_key": "p2"})
    assert response.status_code == 200 and "Indiquez un seuil" in _body(response)
    assert not MatchingPool.objects.exists()


def test_someone_else_cannot_top_up_a_pool(client, territory, sponsor, sponsor_organisation, resident):
    pool = funded_pool(sponsor=sponsor_organisation, actor=sponsor, territory=territory)
    client.force_login(resident)
    response = client.post(reverse("funding:pool_top_up", args=[pool.pk]),
                           {f"pool-{pool.pk}-amount": "500", f"pool-{pool.pk}-idempotency_key": "t"})
    assert response.status_code == 403
    pool.refresh_from_db()
    assert pool.balance_cents == 100_000


def test_matches_show_on_the_project_and_the_sponsor_dashboard(client, territory, project, sponsor,
                                                               sponsor_organisation, resident):
    funded_pool(sponsor=sponsor_organisation, actor=sponsor, territory=territory, name="Fonds Nouveau Monde")
    contribution = pledge(project, resident, 2_000)
    assert contribution.matched_cents == 2_000
    body = _body(client.get(project.get_absolute_url()))
    assert "Fonds Nouveau Monde (Fondation Nouveau Monde) : 20\u00a0€" in body
    assert "<strong>40\u00a0€</strong> sur un objectif de 6\u202f000\u00a0€" in body  # pledged + matched
    client.force_login(resident)
    mine = _body(client.get(reverse("funding:my_contributions")))
    assert "<dt>Abondement d'un mécène</dt><dd>20\u00a0€</dd>" in mine
    client.force_login(sponsor)
    body = _body(client.get(reverse("funding:sponsor")))
    assert "Le Café d&#x27;à Côté" in body and "<td class=\"num\">20\u00a0€</td>" in body


# --- no query per row -----------------------------------------------------------------------------


def _grow(project, territory, holder, n):
    for i in range(n):
        RewardFactory(project=project, quantity=10)
        NeedFactory(project=project)
        pledge(project, UserFactory(), 1_000, anonymous=bool(i % 2))
        ProjectUpdate.objects.create(project=project, author=holder, title=f"Nouvelle {i}", body="Texte")
        ProjectFactory(live=True, territory=territory, holder=holder, lat=45.43, lon=4.37)


def test_the_pages_do_not_query_per_row(client, project, territory, holder):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    urls = [project.get_absolute_url(), reverse("funding:list"), reverse("funding:manage", args=[project.slug])]
    client.force_login(holder)
    _grow(project, territory, holder, 2)
    before = [count(url) for url in urls]
    _grow(project, territory, holder, 6)
    assert [count(url) for url in urls] == before


def test_the_openstreetmap_link_uses_decimal_points_in_french(client, project):
    text = client.get(project.get_absolute_url()).text
    assert "?mlat=45.43&amp;mlon=4.37#map=17/45.43/4.37" in text


def test_the_project_page_shows_a_small_map_with_a_text_alternative(client, project):
    page = client.get(project.get_absolute_url())
    text = page.text
    assert 'class="map-canvas map-small" data-map data-geojson="place-map-data"' in text
    assert '<script id="place-map-data" type="application/json">' in text
    assert "Quartier Jacquard, Saint-Étienne · <a href" in text and "latitude" not in text
    geojson = page.context["geojson"]
    assert geojson["features"][0]["geometry"] == {"type": "Point", "coordinates": [4.37, 45.43]}
