"""The watch's pages: who reads it, its filters, its items of every kind, acting from it, saved watches and
their secret Atom feeds."""

import datetime
import re
from types import SimpleNamespace

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from alleger.cell.models import CellAction, SavedWatch
from alleger.cell.watch_views import atom_id
from alleger.funding.models import Support
from alleger.organisations.models import Membership, Organisation
from alleger.testing.discussions_factories import make_comment, make_proposal
from alleger.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from alleger.testing.funding_factories import ProjectFactory, pledge
from alleger.testing.interventions_factories import published_kit
from alleger.testing.reports_factories import make_category, make_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def news(territory, neighbourhood):
    """One item of each kind the branch knows."""
    project = ProjectFactory(territory=territory, live=True, title="Le café associatif", neighbourhood=neighbourhood)
    backer = UserFactory(display_name="Bernadette Généreuse")
    pledge(project, backer, 1_000)
    pledge(project, UserFactory(), 2_000)
    kit = published_kit(territory, title="Kit du jardinier")
    report = make_report(category=make_category(territory=territory, name="Nid-de-poule"))
    proposal = make_proposal(territory=territory, title="Ouvrir la cour de l'école")
    make_comment(proposal, body="Bonne idée !")
    return {"project": project, "kit": kit, "report": report, "proposal": proposal}


def url(territory, name="cell:watch", **query):
    path = reverse(name, args=[territory.slug])
    return path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_it_is_for_the_cell_and_the_moderators(client_of, territory, resident, moderator, cell_member, visitor):
    assert client_of(visitor).get(url(territory)).status_code == 302  # to the log-in
    assert client_of(resident).get(url(territory)).status_code == 403
    assert client_of(moderator).get(url(territory)).status_code == 200


def test_it_shows_every_kind_and_contributions_only_in_aggregate(client_of, territory, cell_member, news):
    page = client_of(cell_member).get(url(territory)).content.decode()
    for title in ("Le café associatif", "Kit du jardinier", "Nid-de-poule", "Ouvrir la cour de l&#x27;école",
                  "un commentaire sur « Ouvrir la cour"):
        assert title in page
    assert "2 contributions, 30\u00a0€" in page
    assert "Bernadette" not in page  # never the backers' names


def test_moderators_read_but_do_not_act(client_of, territory, moderator, cell_member, news):
    assert "/veille/element/" not in client_of(moderator).get(url(territory)).content.decode()
    target = f"funding.project:{news['project'].pk}"
    item = reverse("cell:watch_item", args=[territory.slug, target])
    response = client_of(moderator).post(item, {"kind": "follow"})
    assert response.status_code == 403
    assert not CellAction.objects.exists()


def test_the_filters_narrow_the_feed(client_of, territory, cell_member, news, neighbourhood):
    client = client_of(cell_member)
    page = client.get(url(territory, kind="report")).content.decode()
    assert "Nid-de-poule" in page and "Kit du jardinier" not in page
    page = client.get(url(territory, neighbourhood=neighbourhood.slug)).content.decode()
    assert "Le café associatif" in page and "Nid-de-poule" not in page
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert "Rien de nouveau" in client.get(url(territory, since=tomorrow)).content.decode()


def test_bad_filters_are_explained_never_a_500(client_of, territory, cell_member, news):
    client = client_of(cell_member)
    response = client.get(url(territory, since="2026-12-09", until="2026-12-01", page="x", kind="nope"))
    assert response.status_code == 200
    assert "La fin de la période précède son début." in response.content.decode()
    assert client.get(url(territory, page="99999")).status_code == 200
    # The calendar's ends (a window would step past them): the form says so
    for dates in ({"since": "0001-01-01"}, {"until": "9999-12-31"}):
        response = client.get(url(territory, **dates))
        assert response.status_code == 200
        assert "entre les années 1900 et 2999" in response.content.decode()


def test_the_rising_view_explains_each_signal(client_of, territory, cell_member):
    category = make_category(territory=territory, name="Nid-de-poule")
    for i in range(5):
        make_report(category=category, lat=45.44 + i * 0.0005, lon=4.39)
    page = client_of(cell_member).get(url(territory, "cell:watch_rising")).content.decode()
    assert "5 signalements « Nid-de-poule » ces 30 derniers jours à moins de 300 m" in page
    assert "Comment c'est calculé" in page


@pytest.fixture
def challenge(territory, cell_member):
    from alleger.cell.challenge_services import challenge_create, workshop_add

    today = timezone.localdate()
    challenge = challenge_create(actor=cell_member, territory=territory, title="Des rez-de-chaussée vivants",
                                 problem="Des vitrines vides.", starts_on=today, ends_on=today + datetime.timedelta(days=90),
                                 status="open")
    workshop_add(challenge=challenge, actor=cell_member, place_name="Maison des associations",
                 held_at=timezone.now() + datetime.timedelta(days=9))
    return challenge


def test_the_cell_follows_tags_invites_and_orients(client_of, territory, cell_member, news, challenge,
                                                   django_capture_on_commit_callbacks):
    from alleger.cell.models import ChallengeResponse

    city = OrganisationFactory(name="Ville", kind=Organisation.Kind.PUBLIC_BODY, territory=territory)
    MembershipFactory(organisation=city, user=cell_member, role=Membership.Role.ADMIN)
    project = news["project"]
    project.holder.preferred_language = "en"
    project.holder.save(update_fields=["preferred_language"])
    workshop = challenge.workshops.get()
    item = reverse("cell:watch_item", args=[territory.slug, f"funding.project:{project.pk}"])
    client = client_of(cell_member)
    page = client.get(item).content.decode()
    assert f'<option value="{challenge.pk}">Des rez-de-chaussée vivants</option>' in page
    # The note goes public with the response: its label says so
    assert "Note publique (facultative), affichée avec la réponse sur la page du défi" in page
    assert "<label for=\"orient-note\">Dispositif d&#x27;accompagnement</label>" in page.replace("d'", "d&#x27;")
    assert "Maison des associations · Des rez-de-chaussée vivants" in page

    assert client.post(item, {"kind": "follow"}).status_code == 302
    assert project.followers.filter(pk=cell_member.pk).exists()
    first = client.post(item, {"kind": "tag", "challenge": challenge.pk, "note": "Il y répond"}, follow=True)
    assert "C&#x27;est noté." in first.content.decode()
    again = client.post(item, {"kind": "tag", "challenge": challenge.pk}, follow=True)  # twice: one tag, one response
    assert "Déjà rattaché à ce défi" in again.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(item, {"kind": "invite", "workshop": workshop.pk, "note": "Venez nous en parler !"})
        client.post(item, {"kind": "orient", "note": "Incubateur de l'ESS", "organisation": city.pk})

    assert list(CellAction.objects.order_by("pk").values_list("kind", flat=True)) == [
        "follow", "tag", "invite", "orient"]
    tag = CellAction.objects.get(kind="tag")
    assert (tag.challenge, tag.note) == (challenge, "Il y répond")
    assert CellAction.objects.get(kind="invite").workshop == workshop
    # The cell linked it itself: accepted at once, as from the challenge's page.
    response = ChallengeResponse.objects.get(challenge=challenge)
    assert (response.project, response.status, response.proposed_by) == (project, "accepted", cell_member)
    support = Support.objects.get(project=project)
    assert (support.kind, support.description, support.organisation) == ("orientation", "Incubateur de l'ESS", city)
    assert [m.to for m in mail.outbox] == [[project.holder.email], [project.holder.email]]
    invitation = mail.outbox[0]
    # In the holder's language, naming the workshop, its challenge and where it is.
    assert "invites you to a workshop" in invitation.subject
    assert "Des rez-de-chaussée vivants" in invitation.body and "Maison des associations" in invitation.body
    assert "Venez nous en parler !" in invitation.body and challenge.get_absolute_url() in invitation.body
    assert "Incubateur de l'ESS" in mail.outbox[1].body
    page = client.get(item).content.decode()
    assert f'<a href="{challenge.get_absolute_url()}">Des rez-de-chaussée vivants</a>' in page


def test_tagging_what_does_not_answer_challenges_links_no_response(client_of, territory, cell_member, news,
                                                                    challenge):
    from alleger.cell.models import ChallengeResponse

    item = reverse("cell:watch_item", args=[territory.slug, f"reports.report:{news['report'].pk}"])
    assert client_of(cell_member).post(item, {"kind": "tag", "challenge": challenge.pk}).status_code == 302
    assert CellAction.objects.get().challenge == challenge and not ChallengeResponse.objects.exists()


def test_a_member_tagging_what_they_hold_only_proposes_it(territory, cell_member, challenge):
    """Four eyes: the tag links the member's own project as proposed; another member decides."""
    from alleger.cell.models import ChallengeResponse
    from alleger.cell.watch_services import cell_act

    own = ProjectFactory(territory=territory, live=True, holder=cell_member)
    cell_act(actor=cell_member, territory=territory, target=own, kind="tag", challenge=challenge)
    assert ChallengeResponse.objects.get().status == "proposed"


def test_an_author_is_invited_once_to_a_workshop(client_of, territory, cell_member, news, challenge,
                                                django_capture_on_commit_callbacks):
    """A second « Inviter » for the same workshop sends no second e-mail and records nothing; the database
    refuses a second row too (two clicks at once)."""
    from django.db import IntegrityError, transaction

    workshop = challenge.workshops.get()
    item = reverse("cell:watch_item", args=[territory.slug, f"funding.project:{news['project'].pk}"])
    client = client_of(cell_member)
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(item, {"kind": "invite", "workshop": workshop.pk}).status_code == 302
        again = client.post(item, {"kind": "invite", "workshop": workshop.pk})
    assert again.status_code == 400
    assert "Son auteur est déjà invité à cet atelier" in again.content.decode()
    assert len(mail.outbox) == 1 and CellAction.objects.filter(kind="invite").count() == 1
    first = CellAction.objects.get(kind="invite")
    with pytest.raises(IntegrityError), transaction.atomic():
        CellAction.objects.create(kind="invite", territory=territory, actor=cell_member, workshop=workshop,
                                  target_type=first.target_type, target_id=first.target_id)


def test_tags_and_invitations_name_a_real_challenge_or_workshop(client_of, territory, other_territory,
                                                                 cell_member, news, challenge):
    from alleger.cell.challenge_services import workshop_add
    from alleger.cell.models import Challenge
    from alleger.cell.watch_services import cell_act
    from alleger.core.errors import Refused

    today = timezone.localdate()
    draft = Challenge.objects.create(territory=territory, title="Brouillon", problem="P", starts_on=today,
                                     ends_on=today, status="draft")
    elsewhere = Challenge.objects.create(territory=other_territory, title="Lyon", problem="P", starts_on=today,
                                         ends_on=today, status="open")
    past = workshop_add(challenge=challenge, actor=cell_member, place_name="Ici",
                        held_at=timezone.now() - datetime.timedelta(days=1))
    project = news["project"]
    item = reverse("cell:watch_item", args=[territory.slug, f"funding.project:{project.pk}"])
    client = client_of(cell_member)
    for data in ({"kind": "tag"}, {"kind": "tag", "challenge": draft.pk}, {"kind": "tag", "challenge": elsewhere.pk},
                 {"kind": "tag", "note": "Des rez-de-chaussée vivants"}, {"kind": "invite"},
                 {"kind": "invite", "workshop": past.pk}):
        response = client.post(item, data)
        assert response.status_code == 400, data
        assert "Le formulaire contient des erreurs" in response.content.decode()
    for kwargs in ({"kind": "tag", "challenge": draft}, {"kind": "invite", "workshop": past}):
        with pytest.raises(Refused):
            cell_act(actor=cell_member, territory=territory, target=project, **kwargs)
    assert not CellAction.objects.exists()


def test_a_refused_action_changes_nothing(client_of, territory, cell_member, news):
    client = client_of(cell_member)
    kit_item = reverse("cell:watch_item", args=[territory.slug, f"kits.kit:{news['kit'].pk}"])
    response = client.post(kit_item, {"kind": "follow"})
    assert response.status_code == 400 and "Seuls les projets et les interventions se suivent" in response.content.decode()
    project_item = reverse("cell:watch_item", args=[territory.slug, f"funding.project:{news['project'].pk}"])
    response = client.post(project_item, {"kind": "orient", "note": "Incubateur"})  # in no organisation's name
    assert response.status_code == 400
    assert not CellAction.objects.exists() and not Support.objects.exists()
    assert client.get(reverse("cell:watch_item", args=[territory.slug, "funding.project:999999"])).status_code == 404
    assert client.get(reverse("cell:watch_item", args=[territory.slug, "accounts.user:1"])).status_code == 404
    huge = "funding.project:" + "9" * 30  # beyond any database integer: still a 404, never a 500
    assert client.get(reverse("cell:watch_item", args=[territory.slug, huge])).status_code == 404


def test_save_a_watch_read_its_secret_feed_and_revoke_it(client_of, territory, cell_member, news, client):
    response = client_of(cell_member).post(reverse("cell:watch_save", args=[territory.slug]) + "?kind=report",
                                           {"name": "Les signalements", "frequency": "daily"})
    assert response.status_code == 302
    saved = SavedWatch.objects.get()
    assert (saved.name, saved.filters, saved.frequency) == ("Les signalements", {"kind": ["report"]}, "daily")

    client.logout()  # the feed's secret is its only credential
    feed = client.get(reverse("cell:watch_atom", args=[saved.token]))
    assert feed.status_code == 200 and feed["Content-Type"].startswith("application/atom+xml")
    body = feed.content.decode()
    assert "Nid-de-poule" in body and "Kit du jardinier" not in body
    ids = re.findall(r"<id>([^<]*)</id>", body)
    assert len(ids) > 1 and not [i for i in ids if " " in i]  # IRIs: the event's words percent-encoded
    day = SimpleNamespace(kind="place", event="Réservations de la journée", date=timezone.now())
    assert " " not in atom_id("https://alleger.example/lieux/9/", day)
    assert body.count("<updated>") == len(ids)  # the feed's and each entry's (RFC 4287 §4.1.2)
    # A day's contributions to a project: one entry all day long, whatever the time of its latest one.
    morning = timezone.make_aware(datetime.datetime(2026, 12, 5, 9, 0))
    first, later = (SimpleNamespace(kind="contributions", event="de la journée", date=when)
                    for when in (morning, morning + datetime.timedelta(hours=5)))
    assert atom_id("https://alleger.example/projets/x/", first) == atom_id("https://alleger.example/projets/x/", later)
    tomorrow = SimpleNamespace(kind="contributions", event="de la journée", date=morning + datetime.timedelta(days=1))
    assert atom_id("https://alleger.example/projets/x/", tomorrow) != atom_id("https://alleger.example/projets/x/", first)

    old = saved.token
    client.force_login(cell_member)
    client.post(reverse("cell:watch_change", args=[saved.pk]), {"action": "token"})
    saved.refresh_from_db()
    assert saved.token != old
    assert client.get(reverse("cell:watch_atom", args=[old])).status_code == 404
    assert client.get(reverse("cell:watch_atom", args=[saved.token])).status_code == 200


def test_a_saved_watch_is_its_owners_alone(client_of, territory, cell_member, other_resident):
    saved = SavedWatch.objects.create(user=cell_member, territory=territory, name="À moi", token="secret-token")
    response = client_of(other_resident).post(reverse("cell:watch_change", args=[saved.pk]), {"action": "delete"})
    assert response.status_code == 404
    assert SavedWatch.objects.filter(pk=saved.pk).exists()


def test_the_menu_links_the_cell_and_the_moderators_to_their_watch(client_of, territory, cell_member, moderator,
                                                                   resident):
    for reader in (cell_member, moderator):  # both read it (cell.view_watch)
        assert reverse("cell:watch_home") in client_of(reader).get("/").content.decode()
        assert client_of(reader).get(reverse("cell:watch_home")).url == url(territory)
    assert reverse("cell:watch_home") not in client_of(resident).get("/").content.decode()


def test_the_watch_demo_loads_once(demo):
    from alleger.cell import watch_demo
    from alleger.core.demo_support import DemoContext
    from alleger.territories.models import Territory
    from alleger.testing.demo import demo_people

    context = DemoContext(people=demo_people(), territories={"city": Territory.objects.get(slug="saint-etienne")})
    watch_demo.load(context)
    watch_demo.load(context)
    saved = SavedWatch.objects.get(user=context.people["remi"])
    assert (saved.name, saved.frequency, saved.territory.slug) == (watch_demo.WATCH_NAME, "weekly", "saint-etienne")
    tag = CellAction.objects.get(kind="tag")
    assert tag.challenge.title.startswith("Quartier des Prés") and tag.target_id


def test_the_rising_view_shows_an_object_once_with_all_its_signals(client_of, territory, cell_member):
    """A project rising by its contributions and by its followers is one card with both signals, ranked by its
    strongest; another object comes after it."""
    from unittest import mock

    from alleger.cell import traction

    def signal(key, target, title, strength, explanation):
        return traction.Signal(key, target, title, f"/{title}/", "", strength, True, explanation)

    found = [signal("velocity", ("funding.project", 1), "Le café", 3.0, "Trois fois plus de dons"),
             signal("report_cluster", ("reports.report", 9), "Regroupement", 2.0, "Cinq signalements"),
             signal("followers", ("funding.project", 1), "Le café", 1.6, "Deux fois plus de suivis")]
    with mock.patch.object(traction, "rising", return_value=found):
        page = client_of(cell_member).get(url(territory, "cell:watch_rising")).content.decode()
    assert page.count('<a href="/Le café/">Le café</a>') == 1
    card = page[page.index("Le café"):page.index("Regroupement")]
    assert "Trois fois plus de dons" in card and "Deux fois plus de suivis" in card
    assert page.count("Agir<span") == 2


def test_the_feed_links_each_saved_watch_to_its_filters(client_of, territory, cell_member):
    SavedWatch.objects.create(user=cell_member, territory=territory, name="Les signalements",
                              filters={"kind": ["report"]}, frequency="weekly")
    page = client_of(cell_member).get(url(territory)).content.decode()
    assert '<a href="?kind=report">Les signalements</a> · chaque semaine' in page
    assert reverse("cell:watches") in page


def test_a_draft_is_its_holder_s_alone_but_a_submitted_project_is_the_cell_s_to_read(
        client_of, territory, cell_member, resident):
    from alleger.funding.models import Project

    draft = ProjectFactory(territory=territory, holder=resident, title="Mon brouillon secret")
    submitted = ProjectFactory(territory=territory, holder=resident, title="Déposé pour relecture",
                               status=Project.Status.SUBMITTED, submitted_at=timezone.now())
    client = client_of(cell_member)
    draft_item = reverse("cell:watch_item", args=[territory.slug, f"funding.project:{draft.pk}"])
    assert client.get(draft_item).status_code == 404
    assert client.post(draft_item, {"kind": "follow"}).status_code == 404
    assert not CellAction.objects.exists()
    # What the feed lists (« déposé pour relecture ») the cell can open, there and on the project's own page.
    feed = client.get(url(territory, kind="project")).content.decode()
    assert "Déposé pour relecture" in feed and "Mon brouillon secret" not in feed
    assert client.get(submitted.get_absolute_url()).status_code == 200
    item = reverse("cell:watch_item", args=[territory.slug, f"funding.project:{submitted.pk}"])
    assert client.get(item).status_code == 200
