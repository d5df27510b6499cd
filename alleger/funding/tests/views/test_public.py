"""funding.views.public: the list of projects, a project's page, following, offers of help, support;
and that these pages do not query per row."""

import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from alleger.funding.models import Offer, Project, ProjectUpdate, Support
from alleger.testing.factories import UserFactory
from alleger.testing.funding_factories import (
    CallFactory,
    NeedFactory,
    ProjectFactory,
    RewardFactory,
    StretchGoalFactory,
    ThemeFactory,
    pledge,
)

from .support import _body, _meta, _png

pytestmark = pytest.mark.django_db


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
    assert "<h3>Pourquoi</h3>" in body  # the story's Markdown, rendered, its headings under the section's <h2>
    assert "Un four pour la cuisine" in body and "pas encore atteint" in body
    assert "épuisé" in body and "restent 2 sur 2" in body
    assert "Des bras pour l&#x27;aménagement" in body
    assert "Connectez-vous pour proposer votre aide." in body
    assert f'href="/projets/cafe-d-a-cote/contribuer/?reward={reward.pk}"' in body
    assert f'?reward={sold_out.pk}"' not in body
    assert 'id="share-url"' in body and 'value="http://testserver/projets/cafe-d-a-cote/"' in body
    assert "mailto:?subject=Le%20Caf%C3%A9" in body


def test_the_project_page_says_how_much_of_its_total_is_promised_offline(client, project, resident,
                                                                         other_resident):
    pledge(project, resident, 2_500, provider="offline")
    pledge(project, other_resident, 1_000)
    body = _body(client.get(project.get_absolute_url())).replace("\u202f", " ").replace("\xa0", " ")
    assert "<strong>35 €</strong>" in body  # the promise counts…
    assert "dont 25 € promis par virement, chèque ou espèces, en attente de réception" in body  # …and says so


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
    from alleger.funding.services.projects import news_stop

    news_stop(project=project, user=sponsor)  # had stopped its news: supporting it follows it again
    response = client.post(url, {"organisation": sponsor_organisation.pk, "kind": "funding",
                                 "description": "Un complément pour le mobilier", "amount": "500"})
    assert response.status_code == 302
    support = Support.objects.get()
    assert (support.organisation, support.kind, support.amount_cents) == (sponsor_organisation, "funding", 50_000)
    assert "Un complément pour le mobilier" in _body(client.get(project.get_absolute_url()))
    assert project.followers.filter(pk=sponsor.pk).exists() and not project.news_stopped_by.exists()


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


def test_a_failed_campaign_s_page_names_its_backers_and_says_the_match_went_back(client, territory, moderator):
    from alleger.funding.services import settlement
    from alleger.testing.factories import UserFactory
    from alleger.testing.money import DAY, T0, contribute, published_project, sponsor_pool

    failed = published_project(territory=territory, moderator=moderator, goal_cents=100_000, now=T0,
                               rewards=[{"title": "Un pain", "min_amount_cents": 1_000}])
    NeedFactory(project=failed, title="Des bras pour le four")
    sponsor_pool(territory=territory, amount_cents=50_000, name="Fonds Nature en ville")
    contribute(failed, UserFactory(display_name="Bernard"), 3_000, now=T0 + DAY)
    settlement.settle_project(project_id=failed.pk, now=T0 + 31 * DAY)
    failed.refresh_from_db()
    assert failed.status == "failed"
    body = _body(client.get(failed.get_absolute_url())).replace("\u202f", " ").replace("\xa0", " ")
    assert "Bernard" in body and "soyez la première personne" not in body  # its backer did back it
    assert "Fonds Nature en ville" in body and "30 €" in body  # what the pool had pledged…
    assert "(rendu aux fonds : la campagne n'a pas atteint son objectif)" in body
    # Nothing invites to act for a campaign that is over: no help asked, no reward to come
    assert "Ils et elles ont soutenu le projet" in body and "aucune contrepartie ne sera livrée" in body
    client.force_login(UserFactory())
    body = _body(client.get(failed.get_absolute_url())).replace("&#x27;", "'")
    assert "Proposer mon aide" not in body and "ces besoins ne reçoivent plus de propositions" in body  # …and that it went back
