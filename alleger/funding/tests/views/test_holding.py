"""funding.views.holding: proposing, editing and submitting a project; the holder's dashboard."""

import csv
import io
import re
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils.html import escape

from alleger.funding.models import (
    Contribution,
    LoanRepayment,
    Need,
    Offer,
    Project,
    ProjectUpdate,
    Reward,
    StretchGoal,
)
from alleger.funding.services import settlement
from alleger.testing.funding_factories import NeedFactory, ProjectFactory, ThemeFactory, pledge

from .support import _body, _messages, _png

pytestmark = pytest.mark.django_db


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


def test_a_theme_of_another_territory_is_refused_in_words(client, territory, other_territory, resident):
    elsewhere = ThemeFactory(territory=other_territory, name="Tiers-lieux", slug="tiers-lieux")
    client.force_login(resident)
    response = client.post(reverse("funding:create"), {**_project_data(territory), "themes": [elsewhere.pk]})
    errors = " ".join(response.context["form"].errors["themes"])
    assert "n'est pas celui du territoire choisi" in errors and str(elsewhere.pk) not in errors
    assert not Project.objects.exists()


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
    news = next(m for m in mailoutbox if resident.email in m.to)
    assert "Samedi, peinture." in news.body and "**" not in news.body  # the words, not the Markdown
    # The holder is told how many people it went to
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Nouvelle publiée et envoyée par courriel à 1 personne qui contribue au projet ou le suit."]
    assert "<strong>peinture</strong>" in _body(client.get(project.get_absolute_url()))


def test_a_reader_stops_a_project_s_news_from_the_e_mail_s_link_without_logging_in(
        client, project, holder, resident, other_resident, mailoutbox, django_capture_on_commit_callbacks):
    from django.test import Client

    from alleger.funding.services import projects as project_services

    pledge(project, resident, 2_000)  # a contributor gets the news without following
    project_services.project_follow(project=project, user=other_resident)

    def post_update(title):
        mailoutbox.clear()
        client.force_login(holder)
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("funding:post_update", args=[project.slug]),
                        {"update-title": title, "update-body": "Bienvenue."})
        return {m.to[0]: m for m in mailoutbox}

    news = post_update("Les travaux commencent")
    assert set(news) == {resident.email, other_resident.email}
    message = news[resident.email]
    link = re.search(r"^http://\S+/nouvelles/arreter/\S+/$", message.body, re.M).group(0)
    # Mail programs offer « unsubscribe » and may post the link themselves (RFC 2369, RFC 8058)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = link.removeprefix("http://127.0.0.1:8000")
    assert path != link

    browser = Client(enforce_csrf_checks=True)  # no session, no CSRF cookie: as a mail program posts
    page = _body(browser.get(path))
    assert "Ne plus recevoir ses nouvelles" in page and "robots" in page
    assert not project.news_stopped_by.exists()  # opening the link (a mail scanner does) stops nothing
    response = browser.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and "vous ne recevrez plus les nouvelles" in _body(response)
    again = _body(browser.get(path))  # opened again: it says it is done, not « vous recevez »
    assert "vous ne recevrez plus les nouvelles" in again and "Ne plus recevoir ses nouvelles" not in again
    # Another project's link, or a link cut when copied, stops nothing and says so
    other = ProjectFactory(live=True, territory=project.territory)
    token = path.rstrip("/").rsplit("/", 1)[1]
    for wrong in (path[:-6] + "/", reverse("funding:news_stop", args=[other.slug, token])):
        refused = browser.post(wrong)
        assert refused.status_code == 404 and "pas valide" in _body(refused)
    assert not other.news_stopped_by.exists()
    # A project the link does not open (a draft) is not even named
    draft = ProjectFactory(territory=project.territory, status="draft", title="Projet secret")
    hidden = browser.get(reverse("funding:news_stop", args=[draft.slug, token]))
    assert hidden.status_code == 404 and "Projet secret" not in _body(hidden)

    # The follower stops too, from theirs: neither gets the next news, nor the last 48 hours'
    Client().post(news[other_resident.email].extra_headers["List-Unsubscribe"].strip("<>")
                  .removeprefix("http://127.0.0.1:8000"))
    assert set(project.news_stopped_by.all()) == {resident, other_resident}
    assert not project.followers.filter(pk=other_resident.pk).exists()
    assert post_update("Deuxième nouvelle") == {}
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        from alleger.funding import notifications
        notifications.last_48_hours(project)
    assert mailoutbox == []
    # Following again brings the news back; no longer following stops them, for a contributor too
    project_services.project_follow(project=project, user=other_resident)
    project_services.project_follow(project=project, user=resident)
    assert set(post_update("Troisième nouvelle")) == {other_resident.email, resident.email}
    project_services.project_follow(project=project, user=resident, follow=False)
    assert set(post_update("Quatrième nouvelle")) == {other_resident.email}


def test_a_project_s_holder_gets_no_link_to_stop_their_own_news(project, holder, mailoutbox,
                                                                 django_capture_on_commit_callbacks):
    from alleger.funding import notifications

    with django_capture_on_commit_callbacks(execute=True):
        notifications.goal_reached(project)
    [message] = mailoutbox
    assert message.to == [holder.email]
    assert "List-Unsubscribe" not in message.extra_headers and "/nouvelles/arreter/" not in message.body
    # Nor do they stop them by no longer following it: a co-member's news still reaches them
    from alleger.funding.services import projects as project_services

    project_services.project_follow(project=project, user=holder, follow=False)
    project_services.news_stop(project=project, user=holder)
    assert not project.news_stopped_by.exists()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        notifications.goal_reached(project)
    assert [m.to for m in mailoutbox] == [[holder.email]]


def test_an_update_nobody_receives_says_so(client, project, holder):
    client.force_login(holder)
    response = client.post(reverse("funding:post_update", args=[project.slug]),
                           {"update-title": "Premier mot", "update-body": "Bienvenue."})
    assert response.status_code == 302 and ProjectUpdate.objects.get().title == "Premier mot"
    [message] = get_messages(response.wsgi_request)
    assert "aucun courriel envoyé" in str(message)


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


def test_the_holder_answers_offers(client, project, holder, resident, mailoutbox,
                                   django_capture_on_commit_callbacks):
    need = NeedFactory(project=project)
    offer = Offer.objects.create(need=need, author=resident, message="J'ai une camionnette.")
    client.force_login(holder)
    url = reverse("funding:offer_status", args=[project.slug, offer.pk])
    assert "J&#x27;ai une camionnette." in _body(client.get(reverse("funding:manage", args=[project.slug])))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"status": "accepted", "answer": "Merci !"})
    # The e-mail names the help and the project it answers
    assert f"Votre proposition d'aide (« {need.title} ») pour « {project.title} » est acceptée" in mailoutbox[-1].body
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
