"""Challenge pages: the demo challenge as a visitor, the cell's forms, holders' proposals."""

import re

import pytest
from django.urls import reverse

from alleger.cell.models import Challenge, ChallengeResponse, IndicatorPoint
from alleger.testing.demo import demo_person

pytestmark = pytest.mark.django_db


def text(response) -> str:
    page = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", page.replace("\xa0", " ").replace("\u202f", " "))


@pytest.fixture
def challenge(demo):
    return Challenge.objects.get(title__startswith="Quartier des Prés")


def test_the_demo_challenge_shows_its_responses_progress_indicator_and_workshop(client, challenge,
                                                                               django_assert_max_num_queries):
    with django_assert_max_num_queries(30):
        response = client.get(challenge.get_absolute_url())
    assert response.status_code == 200
    page = text(response)
    for expected in ("Déchets à partager !", "Installer un composteur collectif de quartier",
                     "Installer les deux composteurs des Prés", "Un composteur collectif à Jacquard",
                     "Salle des fêtes de Jacquard", "23 participants", "Biodéchets compostés (kg)"):
        assert expected in page
    # The proposal still waiting for the cell is not public.
    assert "Retourner le compost et le distribuer" not in page
    html = response.content.decode()
    assert re.search(r'<svg[^>]+role="img"', html) and "<desc id=" in html and "<table>" in html
    # Progress: the project's money and the kit's uses.
    assert "1 590 € collectés sur 1 500 €, 21 contributeurs" in page
    assert "600 € d'abondements engagés" in page
    assert "2 interventions réalisées avec ce kit, 1 prévue sur le territoire depuis le début du défi" in page


def test_the_page_s_queries_do_not_grow_with_its_responses(client, challenge, django_assert_max_num_queries):
    from alleger.testing.interventions_factories import make_intervention
    for i in range(8):
        intervention = make_intervention(territory=challenge.territory, asset=None, title=f"Bac {i}",
                                         kit=challenge.responses.get(kind="kit").kit)
        ChallengeResponse.objects.create(challenge=challenge, kind="intervention", intervention=intervention,
                                         status="accepted")
    with django_assert_max_num_queries(30):
        assert client.get(challenge.get_absolute_url()).status_code == 200


def test_the_list_and_the_territory_page_link_to_the_challenge(client, challenge):
    response = client.get(reverse("cell:challenges", args=["saint-etienne"]))
    assert response.status_code == 200 and challenge.title in text(response)
    territory_page = client.get(challenge.territory.get_absolute_url())
    html = territory_page.content.decode()
    assert reverse("cell:challenges", args=["saint-etienne"]) in html
    assert reverse("cell:opendata", args=["saint-etienne"]) in html


def test_a_draft_is_for_the_cell_only(client, challenge):
    Challenge.objects.filter(pk=challenge.pk).update(status="draft")
    assert client.get(challenge.get_absolute_url()).status_code == 404
    assert challenge.title not in text(client.get(reverse("cell:challenges", args=["saint-etienne"])))
    client.force_login(demo_person("remi"))
    assert client.get(challenge.get_absolute_url()).status_code == 200


def test_the_cell_decides_the_waiting_proposal_from_the_page(client, challenge):
    client.force_login(demo_person("remi"))
    waiting = challenge.responses.get(status="proposed")
    page = client.get(challenge.get_absolute_url())
    assert "Retourner le compost et le distribuer" in text(page)
    url = reverse("cell:response_decide", args=["saint-etienne", challenge.pk, waiting.pk])
    refused = client.post(url, {f"r{waiting.pk}-decision": "decline", f"r{waiting.pk}-reason": ""})
    assert refused.status_code == 400 and "Dites pourquoi" in text(refused)
    done = client.post(url, {f"r{waiting.pk}-decision": "accept"})
    assert done.status_code == 302
    waiting.refresh_from_db()
    assert waiting.status == "accepted" and waiting.decided_by == demo_person("remi")


def test_a_resident_may_not_decide(client, challenge):
    client.force_login(demo_person("clemence"))
    waiting = challenge.responses.get(status="proposed")
    url = reverse("cell:response_decide", args=["saint-etienne", challenge.pk, waiting.pk])
    assert client.post(url, {f"r{waiting.pk}-decision": "accept"}).status_code == 403


def test_a_holder_proposes_their_own_object_from_the_page(client, challenge):
    clemence = demo_person("clemence")
    from alleger.interventions.models import Intervention
    mine = Intervention.objects.filter(organiser=clemence, territory=challenge.territory).exclude(
        status="abandoned").first()
    client.force_login(clemence)
    page = client.get(challenge.get_absolute_url())
    assert "Proposer ce que vous portez" in text(page) and mine.title in text(page)
    response = client.post(reverse("cell:response_propose", args=["saint-etienne", challenge.pk]),
                           {"target": f"intervention:{mine.pk}", "note": "Des fleurs nourries au compost"})
    assert response.status_code == 302
    assert challenge.responses.get(intervention=mine).status == "proposed"
    # Someone else's object is not a choice.
    other = Intervention.objects.exclude(organiser=clemence).first()
    response = client.post(reverse("cell:response_propose", args=["saint-etienne", challenge.pk]),
                           {"target": f"intervention:{other.pk}"})
    assert response.status_code == 400
    assert not challenge.responses.filter(intervention=other, proposed_by=clemence).exists()


def test_the_cell_creates_a_challenge_and_uploads_indicators(client, demo):
    client.force_login(demo_person("remi"))
    assert client.get(reverse("cell:challenge_new", args=["saint-etienne"])).status_code == 200
    response = client.post(reverse("cell:challenge_new", args=["saint-etienne"]), {
        "title": "Des emplois locaux", "problem": "Peu d'emplois dans le quartier.", "indicators": "emplois",
        "starts_on": "2026-01-01", "ends_on": "2026-12-31", "status": "open"})
    assert response.status_code == 302
    challenge = Challenge.objects.get(title="Des emplois locaux")
    upload = reverse("cell:indicators_upload", args=["saint-etienne", challenge.pk])
    from django.core.files.uploadedfile import SimpleUploadedFile
    bad = client.post(upload, {"name": "Emplois", "file": SimpleUploadedFile(
        "e.csv", b"2026-01-05;montreynaud;3;emplois\n2026-01-12;nulle-part;4;emplois\n")})
    assert bad.status_code == 400
    assert "Ligne 2 : Quartier inconnu « nulle-part »" in text(bad)
    assert not IndicatorPoint.objects.filter(series__challenge=challenge).exists()
    good = client.post(upload, {"name": "Emplois", "file": SimpleUploadedFile(
        "e.csv", b"2026-01-05;montreynaud;3;emplois\n2026-01-12;;4;emplois\n")})
    assert good.status_code == 302
    assert IndicatorPoint.objects.filter(series__challenge=challenge).count() == 2
    # A series imported under a wrong name is deleted with its values, by the cell only
    from alleger.core.models import AuditEvent

    series = challenge.series.get()
    delete = reverse("cell:indicator_delete", args=["saint-etienne", challenge.pk, series.pk])
    assert f'action="{delete}"' in client.get(challenge.get_absolute_url()).content.decode()
    client.force_login(demo_person("clemence"))
    assert client.post(delete).status_code == 403
    assert challenge.series.exists()
    client.force_login(demo_person("remi"))
    response = client.post(delete, follow=True)
    assert "Série « Emplois » supprimée, avec ses 2 valeurs." in text(response)
    assert not challenge.series.exists() and not IndicatorPoint.objects.filter(series__challenge=challenge).exists()
    assert AuditEvent.objects.get(action="challenge.indicator_delete").data["points"] == 2


def test_the_cell_takes_a_response_off_a_challenge_and_only_the_cell(client, challenge):
    from alleger.core.models import AuditEvent

    response = challenge.responses.filter(status="accepted").first()
    title = str(response.target)
    unlink = reverse("cell:response_unlink", args=["saint-etienne", challenge.pk, response.pk])
    client.force_login(demo_person("clemence"))
    assert client.post(unlink).status_code == 403
    assert challenge.responses.filter(pk=response.pk).exists()
    client.force_login(demo_person("remi"))
    assert f'action="{unlink}"' in client.get(challenge.get_absolute_url()).content.decode()
    page = client.post(unlink, follow=True)
    assert f"« {title} » ne figure plus parmi les réponses du défi." in text(page).replace("&#x27;", "'")
    assert not challenge.responses.filter(pk=response.pk).exists()
    assert AuditEvent.objects.filter(action="challenge.response_unlink").count() == 1


def test_a_resident_cannot_reach_the_cell_s_forms(client, challenge):
    client.force_login(demo_person("clemence"))
    for name in ("challenge_edit", "workshop_new", "indicators_upload"):
        assert client.get(reverse(f"cell:{name}", args=["saint-etienne", challenge.pk])).status_code == 403
    assert client.get(reverse("cell:challenge_new", args=["saint-etienne"])).status_code == 403


def test_a_reversed_period_is_refused_in_words(client, demo):
    client.force_login(demo_person("remi"))
    response = client.post(reverse("cell:challenge_new", args=["saint-etienne"]), {
        "title": "À l'envers", "problem": "P", "starts_on": "2026-05-01", "ends_on": "2026-04-01",
        "status": "draft"})
    assert response.status_code == 400
    assert "La date de début doit précéder la date de fin." in text(response)
    assert not Challenge.objects.filter(title="À l'envers").exists()


def test_a_workshop_s_participants_without_a_count_have_no_stray_dash(client, challenge):
    from alleger.cell.models import Workshop

    workshop = Workshop.objects.filter(challenge=challenge).first()
    Workshop.objects.filter(pk=workshop.pk).update(participants_count=None, participants="ouvert à tous")
    page = text(client.get(challenge.get_absolute_url()))
    assert "ouvert à tous" in page and "— ouvert à tous" not in page


def test_a_kit_s_uses_in_english_with_their_plurals(client, challenge):
    client.cookies["django_language"] = "en"
    page = text(client.get(challenge.get_absolute_url()))
    assert "2 interventions done with this kit, 1 planned in the territory since the challenge began" in page
    assert "(s)" not in page


def test_linking_what_one_holds_says_it_is_only_proposed(client, challenge):
    """Four eyes: Rémi links his own kit, it is proposed, and the page says so rather than « ajoutée »."""
    from alleger.kits.models import Kit

    remi = demo_person("remi")
    kit = Kit.objects.filter(author=remi, status="published").exclude(challenge_responses__challenge=challenge).first()
    client.force_login(remi)
    response = client.post(reverse("cell:response_link", args=["saint-etienne", challenge.pk]),
                           {"kind": "kit", "ref": kit.slug, "note": ""}, follow=True)
    assert challenge.responses.get(kit=kit).status == "proposed"
    page = text(response)
    assert "Réponse proposée au défi : vous la portez" in page and "Réponse ajoutée au défi" not in page
