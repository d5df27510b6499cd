"""What apps above add to the pages below them without being imported: page sections
(alleger.core.sections), the live overview (alleger.core.selectors), the menu's roles."""

import pytest
from django.urls import reverse

from alleger.core import sections
from alleger.core.selectors import live_overview
from alleger.testing.funding_factories import ProjectFactory

pytestmark = pytest.mark.django_db


def test_sections_come_in_their_order_and_one_may_stay_out(monkeypatch, rf):
    monkeypatch.setattr(sections, "_pages", {})
    sections.register("page", "second", template="b.html", context=lambda request, subject: {"n": subject},
                      order=20)
    sections.register("page", "first", template="a.html", context=lambda request, subject: {"n": subject},
                      order=10, stylesheet="a.css")
    sections.register("page", "absent", template="c.html", context=lambda request, subject: None, order=15)
    parts = sections.of("page", rf.get("/"), 7)
    assert [(p.template, p.context, p.stylesheet) for p in parts] == [
        ("a.html", {"n": 7}, "a.css"), ("b.html", {"n": 7}, "")]
    assert sections.of("another page", rf.get("/")) == []


def test_every_track_feeds_the_live_overview(territory):
    live = live_overview(territory)
    assert set(live) == {"ending_soon", "calls", "new_kits", "recent_interventions", "recent_interventions_map",
                         "figures"}
    assert set(live["figures"]) == {"raised_cents", "funded", "interventions_done"}


def test_the_home_page_lists_the_territories(client, territory):
    body = client.get("/").content.decode()
    assert 'id="territoires"' in body and f'href="{territory.get_absolute_url()}">Saint-Étienne</a>' in body


def test_a_territory_page_shows_its_projects_then_proposals_then_organisations(client, territory, organisation):
    ProjectFactory(live=True, territory=territory, title="Un jardin partagé")
    body = client.get(territory.get_absolute_url()).content.decode()
    assert '<link rel="stylesheet" href="/static/funding/funding.css">' in body  # the cards' styles
    positions = [body.index(mark) for mark in ('id="projets"', "Un jardin partagé", 'id="propositions"',
                                                "Organisations du territoire", organisation.get_absolute_url())]
    assert positions == sorted(positions)


def test_an_organisations_contributions_show_to_its_members_only(client, organisation, org_member, resident):
    client.force_login(resident)
    page = client.get(organisation.get_absolute_url())
    assert page.status_code == 200 and organisation.name in page.content.decode()
    assert "Aucune contribution pour" not in page.content.decode()
    client.force_login(org_member)
    assert "Aucune contribution pour" in client.get(organisation.get_absolute_url()).content.decode()


def test_ones_profile_lists_ones_organisations(client, organisation, org_member):
    client.force_login(org_member)
    body = client.get(reverse("accounts:profile")).content.decode()
    assert "Mes organisations" in body and f'href="{organisation.get_absolute_url()}"' in body
