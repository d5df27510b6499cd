"""The sponsor space and the holder's page: totals and charts read from the database, equal to the ledger."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from alleger.core.templatetags.alleger import euros
from alleger.funding.models import Contribution, Match, Transfer
from alleger.funding.services.contributions import contribution_cancel
from alleger.testing.factories import UserFactory
from alleger.testing.funding_factories import ProjectFactory, funded_pool, pledge

pytestmark = pytest.mark.django_db


@pytest.fixture
def holder(db):
    return UserFactory(display_name="Alexis Porteur")


@pytest.fixture
def project(territory, holder):
    return ProjectFactory(live=True, territory=territory, holder=holder, title="Le Café d'à Côté",
                          slug="cafe-d-a-cote", goal_cents=600_000)


def _tables(body: str) -> dict[str, list[list[str]]]:
    """Every table of the page by its caption: rows of cell texts."""
    found = {}
    for html in re.findall(r"<table>.*?</table>", body, re.S):
        table = ET.fromstring(html)
        found["".join(table.find("caption").itertext())] = [
            ["".join(cell.itertext()).strip() for cell in row] for row in table.iter("tr")]
    return found


def _svgs(body: str) -> list[ET.Element]:
    return [ET.fromstring(svg) for svg in re.findall(r"<svg.*?</svg>", body, re.S)]


def _days_ago(obj, days):
    type(obj).objects.filter(pk=obj.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_the_holder_sees_contributions_per_day_equal_to_the_project_totals(client, project, holder):
    people = UserFactory.create_batch(4)
    two_days_ago = pledge(project, people[0], 1_050)
    _days_ago(two_days_ago, 2)
    pledge(project, people[1], 30_000)
    pledge(project, people[2], 2_000)
    cancelled = pledge(project, people[3], 5_000)
    contribution_cancel(contribution=cancelled, actor=people[3])
    type(project).objects.filter(pk=project.pk).update(published_at=timezone.now() - timedelta(days=3))
    project.refresh_from_db()

    client.force_login(holder)
    body = client.get(reverse("funding:manage", args=[project.slug])).content.decode()
    rows = _tables(body)["Contributions au fil du temps"]
    assert rows[0] == ["Jour", "Nombre", "Montant", "Cumul"]
    assert [r[1:] for r in rows[1:]] == [  # from the publication on, the empty days too
        ["0", "0\u00a0€", "0\u00a0€"],
        ["1", "10,50\u00a0€", "10,50\u00a0€"],
        ["0", "0\u00a0€", "10,50\u00a0€"],
        ["2", "320\u00a0€", "330,50\u00a0€"],
    ]
    standing = Contribution.objects.filter(project=project, status__in=Contribution.ACTIVE)
    assert rows[-1][3] == euros(project.pledged_cents) == euros(standing.aggregate(s=Sum("amount_cents"))["s"])
    (svg,) = _svgs(body)
    assert svg.get("role") == "img" and svg.find("{http://www.w3.org/2000/svg}title").text == \
        "Contributions au fil du temps"
    assert "330,50\u00a0€" in svg.find("{http://www.w3.org/2000/svg}desc").text


def test_a_project_without_contributions_shows_an_empty_chart(client, project, holder):
    client.force_login(holder)
    body = client.get(reverse("funding:manage", args=[project.slug])).content.decode()
    (svg,) = _svgs(body)
    assert svg.find("{http://www.w3.org/2000/svg}desc").text.endswith("Aucune donnée pour l’instant.")
    assert "Contributions au fil du temps" not in _tables(body)


def _ledger_matched(pool, project) -> int:
    """What the ledger moved from the pool to the project's escrow, less what came back."""
    key, escrow = f"pool:{pool.pk}", f"escrow:{project.pk}"
    out = Transfer.objects.filter(kind=Transfer.Kind.MATCH_COMMIT, source__key=key, destination__key=escrow)
    back = Transfer.objects.filter(kind=Transfer.Kind.MATCH_RETURN, source__key=escrow, destination__key=key)
    return (out.aggregate(s=Sum("amount_cents"))["s"] or 0) - (back.aggregate(s=Sum("amount_cents"))["s"] or 0)


def test_the_sponsor_sees_totals_per_project_and_pool_equal_to_the_ledger(client, territory, project, sponsor,
                                                                           sponsor_organisation):
    pool = funded_pool(sponsor=sponsor_organisation, actor=sponsor, territory=territory, name="Fonds Nouveau Monde",
                       initial_cents=1_000_000)
    other = ProjectFactory(live=True, territory=territory, title="Jardin partagé", goal_cents=600_000)
    people = UserFactory.create_batch(4)
    old = pledge(project, people[0], 1_050)
    _days_ago(old, 1)  # the match is charted on the day of its pledge
    pledge(project, people[1], 2_000)
    pledge(other, people[2], 12_345)
    returned = pledge(other, people[3], 4_000)
    contribution_cancel(contribution=returned, actor=people[3])  # its match goes back to the pool

    client.force_login(sponsor)
    body = client.get(reverse("funding:sponsor")).content.decode()
    tables = _tables(body)
    rows = tables["Ce que « Fonds Nouveau Monde » a abondé, par projet"]
    assert rows == [
        ["Projet", "Engagé", "Versé", "Total", "Abondements"],
        ["Jardin partagé", euros(_ledger_matched(pool, other)), "0\u00a0€", "123,45\u00a0€", "1"],
        ["Le Café d'à Côté", euros(_ledger_matched(pool, project)), "0\u00a0€", "30,50\u00a0€", "2"],
    ]
    assert _ledger_matched(pool, other) == 12_345 and _ledger_matched(pool, project) == 3_050
    over_time = tables["Abondements de vos fonds au fil du temps"]
    assert [r[1:] for r in over_time[1:]] == [["1", "10,50\u00a0€", "10,50\u00a0€"],
                                              ["2", "143,45\u00a0€", "153,95\u00a0€"]]
    (svg,) = _svgs(body)
    assert svg.get("role") == "img" and len(svg.findall(".//{http://www.w3.org/2000/svg}rect")) == 2


def test_the_sponsor_space_reads_in_a_fixed_number_of_queries(client, territory, sponsor, sponsor_organisation):
    pools = [funded_pool(sponsor=sponsor_organisation, actor=sponsor, territory=territory, name=f"Fonds {i}",
                         initial_cents=10_000_000) for i in range(2)]
    client.force_login(sponsor)

    def queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("funding:sponsor")).status_code == 200
        return len(captured)

    pledge(ProjectFactory(live=True, territory=territory, goal_cents=10_000_000), UserFactory(), 1_000)
    few = queries()
    for day in range(12):
        project = ProjectFactory(live=True, territory=territory, goal_cents=10_000_000)
        for person in UserFactory.create_batch(2):
            _days_ago(pledge(project, person, 1_000 + day).match, day)
    assert Match.objects.filter(pool__in=pools).count() == 25
    assert queries() == few


def test_the_full_rows_are_in_a_csv_for_the_pool_s_members_only(client, territory, project, sponsor,
                                                                 sponsor_organisation, resident):
    pool = funded_pool(sponsor=sponsor_organisation, actor=sponsor, territory=territory)
    pledge(project, UserFactory(), 1_050)
    url = reverse("funding:pool_matches_csv", args=[pool.pk])
    client.force_login(resident)
    assert client.get(url).status_code == 403
    client.force_login(sponsor)
    response = client.get(url)
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode().lstrip("\ufeff")),
                           delimiter=";"))
    assert rows[0] == ["Date", "Projet", "Montant (€)", "Nature", "État"]
    assert rows[1][1:] == ["Le Café d'à Côté", "10,50", "doublement d'une contribution", "Engagé"]
    assert len(rows) == 2


def test_the_selectors_aggregate_in_the_database(territory, project, sponsor, sponsor_organisation,
                                                 django_assert_num_queries):
    from alleger.funding import selectors

    pool = funded_pool(sponsor=sponsor_organisation, actor=sponsor, territory=territory, initial_cents=1_000_000)
    for day, person in enumerate(UserFactory.create_batch(6)):
        contribution = pledge(project, person, 1_000)
        _days_ago(contribution, day)
        _days_ago(contribution.match, day)
    with django_assert_num_queries(2):
        over_time = selectors.sponsor_matches_over_time([pool])
    with django_assert_num_queries(1):
        (by_project,) = selectors.sponsor_matches_by_project([pool])
    with django_assert_num_queries(2):
        contributions = selectors.contributions_over_time(project)
    assert over_time["amount"] == [1_000] * 6 and over_time["cumulative"][-1] == by_project["total"] == 6_000
    assert contributions["count"][-6:] == [1] * 6 and contributions["cumulative"][-1] == 6_000


def test_the_charts_speak_english_too(client, project, holder):
    pledge(project, UserFactory(), 1_050)
    client.force_login(holder)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("funding:manage", args=[project.slug]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    (svg,) = _svgs(body)
    assert svg.find("{http://www.w3.org/2000/svg}title").text == "Contributions over time"
    assert "Highest value: €10.50" in svg.find("{http://www.w3.org/2000/svg}desc").text
    assert _tables(body)["Contributions over time"][0] == ["Day", "Number", "Amount", "Running total"]


def test_the_pool_form_is_folded_until_it_has_something_to_say(client, territory, sponsor, sponsor_organisation):
    client.force_login(sponsor)
    folded = '<details class="disclosure">\n    <summary>Le formulaire d\'ouverture</summary>'
    assert folded in client.get(reverse("funding:sponsor")).content.decode()
    response = client.post(reverse("funding:pool_create"), {
        "pool-sponsor": sponsor_organisation.pk, "pool-name": "Forfait", "pool-territory": territory.pk,
        "pool-trigger": "lump_sum", "pool-factor_percent": "100", "pool-lump_sum": "300",
        "pool-idempotency_key": "p2"})
    body = response.content.decode()
    assert '<details class="disclosure" open>' in body and "Indiquez un seuil" in body


def test_a_match_is_charted_on_the_day_of_the_pledge_it_doubles(territory, project, sponsor, sponsor_organisation):
    from alleger.funding import selectors

    pool = funded_pool(sponsor=sponsor_organisation, actor=sponsor, territory=territory, initial_cents=1_000_000)
    early, _ = pledge(project, UserFactory(), 1_000), pledge(project, UserFactory(), 3_000)
    _days_ago(early, 4)  # pledged four days ago; its match row was written today (an offline receipt, say)
    over_time = selectors.sponsor_matches_over_time([pool])
    assert over_time["periods"][0] == timezone.localdate() - timedelta(days=4)
    assert over_time["amount"] == [1_000, 0, 0, 0, 3_000]
