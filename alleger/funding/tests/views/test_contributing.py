"""funding.views.contributing: money typed by people, backing a project, one's contributions."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from alleger.core.grammar import date_format
from alleger.core.numbers import cents_from_euros
from alleger.funding.models import Contribution, Project
from alleger.funding.providers import CARD_DECLINED
from alleger.testing.funding_factories import ProjectFactory, RewardFactory, pledge

from .support import _body, _contribute, _key, _messages

pytestmark = pytest.mark.django_db


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

    # Withdrawn, the money received is owed back: listed to be returned, then confirmed returned, once.
    from alleger.funding.services.contributions import contribution_cancel

    contribution_cancel(contribution=contribution, actor=resident)
    returned = reverse("funding:confirm_returned", args=["saint-etienne", contribution.pk])
    page = _body(client.get(payments))
    assert "Paiements à rendre" in page and f'action="{returned}"' in page and resident.email in page
    assert "Annulé : à rendre au contributeur" in page
    client.force_login(resident)
    assert "À vous rendre : 30\u00a0€" in _body(client.get(reverse("funding:my_contributions")))
    client.force_login(other_resident)
    assert client.post(returned).status_code == 403
    client.force_login(resident)  # the contributor cannot say it reached them: a moderator does
    assert client.post(returned).status_code == 403
    contribution.refresh_from_db()
    assert contribution.returned_at is None
    client.force_login(moderator)
    response = client.post(returned, follow=True)
    assert "30\u00a0€ rendus à" in " ".join(_messages(response))
    page = _body(response)
    assert f'action="{returned}"' not in page and "rendu le" in page
    contribution.refresh_from_db()
    assert contribution.returned_by == moderator
    response = client.post(returned, follow=True)  # a second tab: who did it, and when
    assert f"Déjà confirmé comme rendu le {date_format(timezone.localtime(contribution.returned_at), 'j F Y')} " \
           f"par {moderator.public_name}." in " ".join(_messages(response))
    client.force_login(resident)
    assert "Rendu le " in _body(client.get(reverse("funding:my_contributions")))


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


@pytest.mark.parametrize("provider, says", [
    ("simulated_card", "Votre contribution de 25 € est annulée : votre carte ne sera pas débitée."),
    ("offline", "Votre contribution de 25 € est annulée : n'envoyez pas le paiement annoncé."),
])
def test_cancelling_says_what_becomes_of_the_money(client, project, resident, provider, says):
    contribution = pledge(project, resident, 2_500, provider=provider)
    client.force_login(resident)
    response = client.post(reverse("funding:cancel", args=[contribution.pk]), follow=True)
    assert [m.replace("\u202f", " ").replace("\xa0", " ") for m in _messages(response)] == [says]
    assert Contribution.objects.get(pk=contribution.pk).status == Contribution.Status.CANCELLED


def test_the_contribution_form_says_before_paying_how_a_pool_adds_to_the_gift(client, territory, moderator,
                                                                               resident):
    from alleger.testing.money import published_project, sponsor_pool

    project = published_project(territory=territory, moderator=moderator)
    sponsor_pool(territory=territory, amount_cents=50_000, name="Fonds Nature en ville",
                 cap_per_contribution_cents=2_000)
    client.force_login(resident)
    body = _body(client.get(reverse("funding:contribute", args=[project.slug]))).replace(
        "\u202f", " ").replace("\xa0", " ")
    assert "Votre don doublé" in body and "(« Fonds Nature en ville ») ajoute 100 % de votre don" in body
    assert "jusqu&#x27;à 20 € par don" in body or "jusqu'à 20 € par don" in body
    client.force_login(project.holder)  # her own project: no pool would add to it, and the page says so
    body = _body(client.get(reverse("funding:contribute", args=[project.slug]))).replace("&#x27;", "'")
    assert "n'abondent pas les dons à son propre projet" in body and "ajoute 100 %" not in body
