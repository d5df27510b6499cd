"""Intervention pages without JavaScript: list and filters, declare, detail, join/leave/follow, journal, status."""

import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from PIL import Image

from alleger.core.models import AuditEvent
from alleger.interventions.models import Intervention, JournalEntry, JournalPhoto, Participation
from alleger.testing.assets_factories import AssetFactory
from alleger.testing.factories import UserFactory
from alleger.testing.interventions_factories import make_intervention, published_kit

pytestmark = pytest.mark.django_db


def _state():
    return {"interventions": list(Intervention.objects.order_by("pk").values()),
            "participations": Participation.objects.count(), "journal": JournalEntry.objects.count(),
            "photos": JournalPhoto.objects.count(), "audit": AuditEvent.objects.count()}


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (30, 20), "red").save(buffer, format="PNG")
    return SimpleUploadedFile("chantier.png", buffer.getvalue(), content_type="image/png")


@pytest.fixture
def kit(territory):
    return published_kit(territory, rules="Pas de **pesticides**.")


@pytest.fixture
def asset(territory):
    return AssetFactory(territory=territory, max_participants=2, name="Pied d'arbre rue Désirée")


FORM = {"title": "Capucines rue Désirée", "description": "Semis de capucines.", "starts_on": "2026-05-02",
        "ends_on": "2026-05-03", "charter": "on"}


# --- declare ------------------------------------------------------------------------


def test_the_declare_form_is_prefilled_from_the_asset_and_the_kit(client, resident, kit, asset):
    client.force_login(resident)
    page = client.get(f"/interventions/nouvelle/?dispositif={asset.pk}&kit={kit.slug}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Pied d&#x27;arbre rue Désirée" in html and "<strong>pesticides</strong>" in html  # the kit's charter
    assert page.context["form"].initial == {"dispositif": asset.pk, "kit": kit.slug}
    assert "location" not in page.context["form"].fields  # the asset gives the place


@pytest.mark.parametrize("status", ["closed", "openable"])
def test_the_declare_form_on_an_asset_not_open_says_so_first_and_offers_to_ask_for_its_opening(
        client, resident, kit, asset, status):
    asset.status = status
    asset.save()
    client.force_login(resident)
    page = client.get(f"/interventions/nouvelle/?dispositif={asset.pk}").content.decode().replace("&#x27;", "'")
    assert "n'est pas ouvert aux interventions" in page and f"/dispositifs/{asset.pk}/demander-ouverture/" in page
    assert 'name="title"' not in page  # no form to fill in for nothing


def test_declaring_on_an_asset(client, resident, kit, asset):
    client.force_login(resident)
    response = client.post(f"/interventions/nouvelle/?dispositif={asset.pk}",
                           {**FORM, "kit": kit.slug, "dispositif": asset.pk})
    intervention = Intervention.objects.get()
    assert response.status_code == 302 and response["Location"] == intervention.get_absolute_url()
    assert intervention.asset == asset and intervention.participations.get().user == resident


@pytest.mark.parametrize("place", [
    {"location": "45.430000, 4.370000", "location_lat": "45.43", "location_lon": "4.37"},  # the map picker
    {"location": "45.43, 4.37"},  # without JavaScript, the text field alone
    {"location": " 45,43 4,37 "},  # decimal commas, as typed in French
])
def test_declaring_at_a_free_location(client, resident, kit, territory, neighbourhood, place):
    client.force_login(resident)
    response = client.post("/interventions/nouvelle/", {**FORM, "kit": kit.slug, "territory": territory.slug,
                                                        **place})
    intervention = Intervention.objects.get()
    assert response.status_code == 302 and intervention.asset is None
    assert (intervention.lat, intervention.lon, intervention.neighbourhood) == (45.43, 4.37, neighbourhood)


def test_a_free_location_is_shown_on_a_small_map(client, kit, territory, neighbourhood):
    intervention = make_intervention(territory=territory, kit=kit, asset=None, lat=45.43, lon=4.37)
    page = client.get(intervention.get_absolute_url()).content.decode()
    assert 'data-map data-geojson="place-map-data"' in page and "45.43000" not in page
    assert "Jacquard · <a href=\"https://www.openstreetmap.org/?mlat=45.43&amp;mlon=4.37" in page
    on_asset = make_intervention(territory=territory, kit=kit)
    assert "place-map" not in client.get(on_asset.get_absolute_url()).content.decode()


def test_the_free_location_form_has_the_map_picker(client, resident, territory):
    client.force_login(resident)
    html = client.get("/interventions/nouvelle/?territoire=saint-etienne").content.decode()
    assert 'data-pick-map' in html and 'data-bbox="4.3,45.4,4.45,45.5"' in html
    assert 'type="hidden" name="location_lat"' in html and '<label for="id_location_0">' in html


@pytest.mark.parametrize(("changes", "message"), [
    ({"charter": ""}, "Vous devez accepter la charte du kit"),
    ({"starts_on": "pas une date"}, "Saisissez une date valide"),
    ({"ends_on": "2026-05-01"}, "La fin prévue ne peut pas précéder le début"),
    ({"location": "48.85, 2.35"}, "en dehors du territoire"),
    ({"location": ""}, "Indiquez la position du lieu"),
    ({"location": "12 rue de la République"}, "Seules des coordonnées sont comprises ici"),
    ({"location": "45.43"}, "Seules des coordonnées sont comprises ici"),
    ({"location": "95, 4.37"}, "hors limites"),
    ({"location_lat": "45.4x", "location_lon": "4.37"}, "n&#x27;est pas valide"),
    ({"location_lat": "１２", "location_lon": "4.37"}, "n&#x27;est pas valide"),
    ({"kit": "inconnu"}, "Sélectionnez un choix valide"),
    ({"title": ""}, "Ce champ est obligatoire"),
])
def test_bad_declarations_say_why_in_french_and_write_nothing(client, resident, kit, territory, changes, message):
    client.force_login(resident)
    before = _state()
    data = {**FORM, "kit": kit.slug, "territory": territory.slug, "location": "45.43, 4.37", **changes}
    response = client.post("/interventions/nouvelle/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert _state() == before


def test_a_full_asset_refuses_the_declaration_with_a_french_message(client, resident, kit, territory, asset):
    make_intervention(territory=territory, asset=asset, participants=[UserFactory()])
    client.force_login(resident)
    before = _state()
    response = client.post(f"/interventions/nouvelle/?dispositif={asset.pk}",
                           {**FORM, "kit": kit.slug, "dispositif": asset.pk})
    assert response.status_code == 400 and "le maximum" in response.content.decode()
    assert _state() == before


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/interventions/nouvelle/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- list ---------------------------------------------------------------------------


def test_the_list_filters_by_territory_status_and_kit_without_javascript(client, territory, other_territory, kit):
    done = make_intervention(territory=territory, kit=kit, status="done", title="Fait")
    planned = make_intervention(territory=territory, title="Prévu")
    far = make_intervention(territory=other_territory, asset=None, lat=45.75, lon=4.85, title="Loin")
    everything = client.get("/interventions/")
    assert set(everything.context["interventions"]) == {done, planned, far}
    assert {f["properties"]["name"] for f in everything.context["geojson"]["features"]} == {"Fait", "Prévu", "Loin"}
    assert list(client.get("/interventions/", {"territoire": territory.slug, "statut": "done"})
                .context["interventions"]) == [done]
    assert list(client.get("/interventions/", {"kit": kit.slug}).context["interventions"]) == [done]
    bad = client.get("/interventions/", {"statut": "nimporte"})
    assert bad.status_code == 400 and "Sélectionnez un choix valide" in bad.content.decode()


# --- detail, join, leave, follow ----------------------------------------------------------


def test_the_page_shows_kit_asset_status_and_places(client, territory, asset, kit):
    intervention = make_intervention(territory=territory, asset=asset, kit=kit)
    html = client.get(intervention.get_absolute_url()).content.decode()
    assert escape(kit.title) in html and "Pied d&#x27;arbre rue Désirée" in html and "Prévue" in html
    assert "1 dans cette intervention ; 1 sur 2 places occupées sur le dispositif" in html
    assert "Connectez-vous pour rejoindre" in html


def test_joining_then_leaving_through_the_page(client, territory, asset, resident):
    intervention = make_intervention(territory=territory, asset=asset)
    client.force_login(resident)
    assert "Rejoindre l'intervention" in client.get(intervention.get_absolute_url()).content.decode()
    response = client.post(f"/interventions/{intervention.pk}/rejoindre/", {"charter": "on"})
    assert response.status_code == 302 and intervention.participations.filter(user=resident).exists()
    assert "Vous participez à cette intervention" in client.get(intervention.get_absolute_url()).content.decode()
    client.post(f"/interventions/{intervention.pk}/quitter/")
    assert not intervention.participations.filter(user=resident).exists()


def test_joining_without_the_charter_or_when_full_is_refused_in_french(client, territory, asset, resident):
    intervention = make_intervention(territory=territory, asset=asset)
    client.force_login(resident)
    before = _state()
    response = client.post(f"/interventions/{intervention.pk}/rejoindre/", {})
    assert response.status_code == 400 and "Vous devez accepter la charte du kit" in response.content.decode()
    from alleger.interventions.services import intervention_join

    intervention_join(intervention=intervention, user=UserFactory(), charter_accepted=True)
    before = _state()
    response = client.post(f"/interventions/{intervention.pk}/rejoindre/", {"charter": "on"})
    assert response.status_code == 400 and "le maximum" in response.content.decode()
    assert _state() == before


def test_following_and_unfollowing(client, territory, resident):
    intervention = make_intervention(territory=territory)
    client.force_login(resident)
    client.post(f"/interventions/{intervention.pk}/suivre/", {"follow": "1"})
    assert intervention.followers.filter(pk=resident.pk).exists()
    client.post(f"/interventions/{intervention.pk}/suivre/", {"follow": "0"})
    assert not intervention.followers.filter(pk=resident.pk).exists()


# --- journal and status ------------------------------------------------------------------


def test_a_participant_adds_a_journal_entry_with_photos(client, territory, resident):
    intervention = make_intervention(territory=territory, organiser=resident)
    client.force_login(resident)
    response = client.post(f"/interventions/{intervention.pk}/journal/",
                           {"text": "Les **capucines** lèvent.", "photos": [png(), png()],
                            "photo_alt": "Les pousses"})
    assert response.status_code == 302
    entry = JournalEntry.objects.get()
    assert entry.photos.count() == 2
    html = client.get(intervention.get_absolute_url()).content.decode()
    assert "<strong>capucines</strong>" in html and 'alt="Les pousses (1/2)"' in html


@pytest.mark.parametrize(("data", "message"), [
    ({"text": ""}, "Ce champ est obligatoire"),
    ({"text": "Photo", "photos": "PNG"}, "Décrivez les photos"),
    ({"text": "Photo", "photo_alt": "x", "photos": "BAD"}, "pas une image lisible"),
])
def test_bad_journal_entries_say_why_and_write_nothing(client, territory, resident, data, message):
    intervention = make_intervention(territory=territory, organiser=resident)
    client.force_login(resident)
    data = dict(data)
    if data.get("photos") == "PNG":
        data["photos"] = png()
    elif data.get("photos") == "BAD":
        data["photos"] = SimpleUploadedFile("x.png", b"GIF89a nope", content_type="image/png")
    before = _state()
    response = client.post(f"/interventions/{intervention.pk}/journal/", data)
    assert response.status_code == 400 and message in response.content.decode()
    assert _state() == before


def test_outsiders_cannot_write_in_the_journal(client, territory, other_resident):
    intervention = make_intervention(territory=territory)
    client.force_login(other_resident)
    assert client.post(f"/interventions/{intervention.pk}/journal/", {"text": "Coucou"}).status_code == 403
    assert not JournalEntry.objects.exists()


def test_the_organiser_moves_the_status_and_bad_moves_are_refused(client, territory, resident, other_resident):
    intervention = make_intervention(territory=territory, organiser=resident)
    client.force_login(other_resident)
    assert client.post(f"/interventions/{intervention.pk}/statut/", {"status": "ongoing"}).status_code == 403
    client.force_login(resident)
    bad = client.post(f"/interventions/{intervention.pk}/statut/", {"status": "done"})
    assert bad.status_code == 400 and "Sélectionnez un choix valide" in bad.content.decode()
    assert client.post(f"/interventions/{intervention.pk}/statut/", {"status": "ongoing"}).status_code == 302
    assert client.post(f"/interventions/{intervention.pk}/statut/", {"status": "done"}).status_code == 302
    intervention.refresh_from_db()
    assert intervention.status == "done"
    html = client.get(intervention.get_absolute_url()).content.decode()
    assert "Réalisée" in html and "Changer le statut" not in html


# --- includes on other pages ---------------------------------------------------------------


def test_the_kit_page_lists_its_interventions(client, territory, kit):
    done = make_intervention(territory=territory, kit=kit, status="done", title="Pied d'arbre fleuri")
    make_intervention(territory=territory, kit=kit, status="abandoned", title="Tentative ratée")
    html = client.get(kit.get_absolute_url()).content.decode()
    assert "Interventions réalisées avec ce kit" in html and done.get_absolute_url() in html
    assert "Tentative ratée" not in html
    assert f"/interventions/nouvelle/?kit={kit.slug}" in html


def test_the_asset_history_include(territory, asset):
    from django.template import Context, Template

    done = make_intervention(territory=territory, asset=asset, status="done", title="Déjà fait")
    html = Template("{% load interventions %}{% asset_history asset %}").render(Context({"asset": asset}))
    assert "Déjà fait" in html and done.get_absolute_url() in html
    assert f"/interventions/nouvelle/?dispositif={asset.pk}" in html


def test_the_project_page_shows_the_interventions_it_finances(client, territory, resident):
    from alleger.testing.money import published_project

    project = published_project(territory=territory, holder=resident)
    intervention = make_intervention(territory=territory, organiser=resident, project=project)
    assert intervention.get_absolute_url() in client.get(project.get_absolute_url()).content.decode()
    assert project.get_absolute_url() in client.get(intervention.get_absolute_url()).content.decode()


def test_the_organiser_links_a_project_they_carry_and_nothing_else(client, territory, resident):
    from alleger.testing.money import published_project

    mine = published_project(territory=territory, holder=resident, title="Des bacs pour la rue")
    theirs = published_project(territory=territory, title="Le projet d'un autre")
    intervention = make_intervention(territory=territory, organiser=resident)
    client.force_login(resident)
    assert "Des bacs pour la rue" in client.get(intervention.get_absolute_url()).content.decode()
    bad = client.post(f"/interventions/{intervention.pk}/financement/", {"project": theirs.pk})
    assert bad.status_code == 400 and "Sélectionnez un choix valide" in bad.content.decode()
    assert client.post(f"/interventions/{intervention.pk}/financement/", {"project": mine.pk}).status_code == 302
    intervention.refresh_from_db()
    assert intervention.project == mine
    client.post(f"/interventions/{intervention.pk}/financement/", {"project": ""})
    intervention.refresh_from_db()
    assert intervention.project is None
