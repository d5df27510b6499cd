"""funding.views.sponsoring (and a call's page): calls for projects, sponsors' pools and dashboard."""

import pytest
from django.urls import reverse

from alleger.funding.models import MatchingPool
from alleger.testing.funding_factories import CallFactory, funded_pool, pledge

from .support import _body

pytestmark = pytest.mark.django_db


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


def test_a_second_open_pool_of_the_same_name_is_refused(client, territory, sponsor, sponsor_organisation):
    client.force_login(sponsor)
    form = {"pool-sponsor": sponsor_organisation.pk, "pool-name": "Fonds Nature en ville", "pool-territory": territory.pk,
            "pool-initial": "200", "pool-trigger": "first_euro", "pool-factor_percent": "100"}
    assert client.post(reverse("funding:pool_create"), {**form, "pool-idempotency_key": "a"}).status_code == 302
    response = client.post(reverse("funding:pool_create"), {**form, "pool-name": "fonds nature en ville ",
                                                            "pool-idempotency_key": "b"})
    assert "déjà un fonds ouvert de ce nom" in _body(response).replace("&#x27;", "'")
    assert MatchingPool.objects.count() == 1


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


def test_a_followed_project_s_progress_is_written_as_the_language_writes_percentages(client, sponsor, project,
                                                                                     resident):
    pledge(project, resident, project.goal_cents * 23 // 100)
    project.followers.add(sponsor)
    client.force_login(sponsor)
    assert "(23\u00a0%)" in _body(client.get(reverse("funding:sponsor")))
    client.cookies["django_language"] = "en"
    assert "(23%)" in _body(client.get(reverse("funding:sponsor")))
