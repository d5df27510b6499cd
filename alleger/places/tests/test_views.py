"""The places pages: the list and its filters without JavaScript, a place's page, the forms, 403/404."""

import datetime as dt
import json
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from alleger.places.models import Moderation, Place, PlaceChange
from alleger.testing.factories import NeighbourhoodFactory, box
from alleger.testing.places_factories import PlaceFactory, fab_lab, france_services

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def places(territory):
    NeighbourhoodFactory(territory=territory, slug="jacquard", name="Jacquard", boundary=box(4.365, 45.43, 4.38, 45.445))
    return {"fs": france_services(territory), "fab": fab_lab(territory)}


def names(response) -> list[str]:
    return [p.name for p in response.context["page"].object_list]


def test_the_list_filters_by_get_without_javascript(client, places):
    response = client.get("/lieux/")
    assert response.status_code == 200
    assert names(response) == ["Fab lab de Jacquard", "France Services du Crêt de Roch"]
    assert names(client.get("/lieux/", {"service": "family_benefits"})) == ["France Services du Crêt de Roch"]
    assert names(client.get("/lieux/", {"q": "fab lab"})) == ["Fab lab de Jacquard"]
    assert names(client.get("/lieux/", {"profil": "creation"})) == ["Fab lab de Jacquard"]
    # Thursday 3 pm: the CAF desk is open, the fab lab is not.
    thursday = {"ouvert": "le", "date": "2026-12-03", "heure": "15:00"}
    response = client.get("/lieux/", thursday)
    assert names(response) == ["France Services du Crêt de Roch"]
    assert "Ouvert jusqu&#x27;à 17 h" in response.content.decode()
    saturday = {"ouvert": "le", "date": "2026-12-05", "heure": "15:00", "pres": "jacquard"}
    assert names(client.get("/lieux/", saturday)) == ["Fab lab de Jacquard"]
    # Nearest first
    assert names(client.get("/lieux/", {"pres": "45.4372,4.4071"}))[0] == "France Services du Crêt de Roch"
    assert names(client.get("/lieux/", {"pres": "Jacquard"}))[0] == "Fab lab de Jacquard"


def test_the_list_map_has_the_same_places(client, places):
    body = client.get("/lieux/", {"service": "fabrication"}).content.decode()
    data = json.loads(body.split('id="places-map-data" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert [f["properties"]["name"] for f in data["features"]] == ["Fab lab de Jacquard"]


def test_unknown_filters_are_ignored_and_an_unknown_place_is_said(client, places):
    assert client.get("/lieux/", {"type": "piscine", "page": "x"}).status_code == 200
    response = client.get("/lieux/", {"pres": "Atlantide"})
    assert response.status_code == 200
    assert "Lieu inconnu" in response.content.decode()


def test_open_now_is_the_current_instant(client, places, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 3, 15, 0, tzinfo=PARIS))
    assert names(client.get("/lieux/", {"ouvert": "maintenant"})) == ["France Services du Crêt de Roch"]


def test_open_now_from_the_shared_fragments_follows_the_minute(client, places, monkeypatch):
    # A cookie: rendered anew (no page cache), the results coming from their shared fragment.
    client.cookies["bench"] = "uncached"
    now = [dt.datetime(2026, 12, 3, 16, 59, 30, tzinfo=PARIS)]  # the CAF desk closes at 17:00
    monkeypatch.setattr(timezone, "now", lambda: now[0])
    for _ in range(2):  # the second from the fragment
        assert "France Services du Crêt de Roch" in client.get("/lieux/", {"ouvert": "maintenant"}).content.decode()
    now[0] = dt.datetime(2026, 12, 3, 17, 0, 5, tzinfo=PARIS)
    body = client.get("/lieux/", {"ouvert": "maintenant"}).content.decode()
    assert "Aucun lieu ne correspond" in body and "France Services du Crêt de Roch" not in body.split(
        'id="resultats"', 1)[1]


def test_a_place_page_says_everything(client, places, organisation):
    place = places["fs"]
    Place.objects.filter(pk=place.pk).update(operator=organisation, origin="created", wheelchair="yes",
                                             shared_by=["administrations"], charter="**Respect**")
    body = client.get(f"/lieux/{place.pk}/").content.decode()
    for text in ("France Services du Crêt de Roch", "Permanence CAF", "Th 14:00-17:00", "CAF de la Loire",
                 "Le Café d&#x27;à Côté", "Lieu transformé ou créé de toutes pièces", "Des administrations",
                 "Accessible en fauteuil roulant", "<strong>Respect</strong>", 'id="place-map"',
                 "Médiation et accès"):
        assert text in body, text
    assert f"/lieux/{place.pk}/modifier/" not in body


def test_a_proposed_place_is_hidden_from_others_and_an_unknown_one_is_404(client, client_of, territory, resident):
    place = PlaceFactory(territory=territory, moderation=Moderation.PROPOSED, proposed_by=resident)
    assert client.get(f"/lieux/{place.pk}/").status_code == 404
    assert client.get("/lieux/999999/").status_code == 404
    assert client_of(resident).get(f"/lieux/{place.pk}/").status_code == 200


def test_propose_a_place_through_the_form(client_of, resident, territory):
    client = client_of(resident)
    assert client.get("/lieux/proposer/").status_code == 200
    data = {"territory": territory.pk, "name": "Laverie solidaire", "place_type": "conciergerie",
            "profiles": ["mediation"], "address": "7 rue de la République", "lat": "45.436", "lon": "4.372",
            "wheelchair": "unknown", "service_name": "Laverie", "service_kind": "other",
            "service_hours": "lundi 8h"}
    response = client.post("/lieux/proposer/", data)
    assert response.status_code == 400 and "Horaires illisibles" in response.content.decode()
    assert not Place.objects.exists()
    # Hours without the service they belong to are not dropped without a word.
    response = client.post("/lieux/proposer/", {**data, "service_name": "", "service_hours": "Mo-Sa 08:00-20:00"})
    assert response.status_code == 400 and "Nommez le service dont ce sont les horaires" in response.content.decode()
    assert not Place.objects.exists()
    response = client.post("/lieux/proposer/", {**data, "service_hours": "Mo-Sa 08:00-20:00"})
    place = Place.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/lieux/{place.pk}/"
    assert place.moderation == Moderation.PROPOSED and place.services.get().opening_hours == "Mo-Sa 08:00-20:00"


def test_a_visitor_is_sent_to_log_in_to_propose(client):
    assert client.get("/lieux/proposer/").status_code == 302


def test_the_manager_edits_the_place_and_its_services(client_of, territory, organisation, org_member):
    place = france_services(territory, operator=organisation)
    client = client_of(org_member)
    assert f"/lieux/{place.pk}/modifier/" in client.get(f"/lieux/{place.pk}/").content.decode()
    response = client.get(f"/lieux/{place.pk}/modifier/")
    assert response.status_code == 200 and 'name="operator"' not in response.content.decode()
    data = {"name": place.name, "place_type": "france_services", "profiles": ["mediation", "work"],
            "address": place.address, "lat": place.lat, "lon": place.lon, "wheelchair": "yes", "summary": "Démarches"}
    assert client.post(f"/lieux/{place.pk}/modifier/", data).status_code == 302
    place.refresh_from_db()
    assert (place.summary, place.profile_work, place.wheelchair) == ("Démarches", True, "yes")
    caf = place.services.get(name="Permanence CAF")
    service = {"name": "Permanence CAF", "kind": "family_benefits", "opening_hours": "jeudi 14h",
               "access": "free", "provider_kind": "public"}
    response = client.post(f"/lieux/{place.pk}/services/{caf.pk}/modifier/", service)
    assert response.status_code == 400 and "Horaires illisibles" in response.content.decode()
    caf.refresh_from_db()
    assert caf.opening_hours == "Th 14:00-17:00"
    service["opening_hours"] = "Th 14:00-17:30"
    assert client.post(f"/lieux/{place.pk}/services/{caf.pk}/modifier/", service).status_code == 302
    caf.refresh_from_db()
    assert caf.opening_hours == "Th 14:00-17:30"
    new = {f"nouveau-{k}": v for k, v in {**service, "name": "Impôts", "kind": "procedures"}.items()}
    assert client.post(f"/lieux/{place.pk}/services/ajouter/", new).status_code == 302
    assert client.post(f"/lieux/{place.pk}/services/{caf.pk}/retirer/").status_code == 302
    assert sorted(place.services.values_list("name", flat=True)) == ["Accueil France Services",
                                                                     "Conseiller France Travail", "Impôts"]
    assert PlaceChange.objects.filter(place=place, actor=org_member).count() == 4
    assert "Historique des modifications" in client.get(f"/lieux/{place.pk}/modifier/").content.decode()


def test_others_may_not_edit(client_of, territory, resident, organisation, places):
    client = client_of(resident)
    place = places["fs"]
    caf = place.services.get(name="Permanence CAF")
    assert client.get(f"/lieux/{place.pk}/modifier/").status_code == 403
    assert client.post(f"/lieux/{place.pk}/services/{caf.pk}/retirer/").status_code == 403
    assert client.post(f"/lieux/{place.pk}/services/ajouter/", {}).status_code == 403
    assert place.services.count() == 3


def test_a_moderator_reviews_from_the_queue(client_of, territory, resident, moderator):
    place = PlaceFactory(territory=territory, moderation=Moderation.PROPOSED, proposed_by=resident, name="Laverie")
    client = client_of(moderator)
    assert "Laverie" in client.get("/lieux/relecture/").content.decode()
    response = client.post(f"/lieux/{place.pk}/relire/", {"decision": "refuse", "message": ""})
    assert response.status_code == 400
    response = client.post(f"/lieux/{place.pk}/relire/", {"decision": "refuse", "message": "En double."})
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.moderation == Moderation.REFUSED
    body = client_of(resident).get(f"/lieux/{place.pk}/").content.decode()
    assert "En double." in body


def test_a_resident_may_not_review(client_of, territory, resident, other_resident):
    place = PlaceFactory(territory=territory, moderation=Moderation.PROPOSED, proposed_by=other_resident)
    client = client_of(resident)
    assert client.get("/lieux/relecture/").status_code == 403
    assert client.post(f"/lieux/{place.pk}/relire/", {"decision": "publish"}).status_code == 404


def test_the_territory_page_lists_places_open_now_and_the_moderators_queue(client_of, client, territory, moderator,
                                                                           places, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 3, 15, 0, tzinfo=PARIS))
    body = client.get(f"/t/{territory.slug}/").content.decode()
    section = body.split('id="lieux-ouverts"', 1)[1].split("</section>", 1)[0]
    assert "France Services du Crêt de Roch" in section and "Fab lab" not in section
    assert "/lieux/relecture/?territoire=saint-etienne" in client_of(moderator).get(
        f"/t/{territory.slug}/").content.decode()


def test_the_place_page_shows_sections_registered_for_place(client, places):
    from alleger.core import sections

    seen = []

    def context(request, place):
        seen.append(place)
        return {"places": []}

    sections.register("place", "test", template="places/_territory_section.html", context=context, order=1)
    try:
        body = client.get(f"/lieux/{places['fs'].pk}/").content.decode()
    finally:
        sections._pages["place"].pop("test")
    assert seen == [places["fs"]]
    assert "Lieux partagés ouverts maintenant" in body


def test_the_pages_speak_english_too(client, settings, places, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: dt.datetime(2026, 12, 4, 10, 0, tzinfo=PARIS))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    body = client.get(f"/lieux/{places['fs'].pk}/").content.decode()
    assert "Services and hours" in body and "Open until 12 pm" in body
    assert "Closed, opens Thursday at 2 pm" in body and "The next seven days:" in body
    listing = client.get("/lieux/", {"service": "family_benefits"}).content.decode()
    assert "Shared places" in listing and "Closed, opens Thursday at 2 pm" in listing
