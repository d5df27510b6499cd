"""Places that lend tools near a point, and the links with the other tracks: reports' suggestions, an
intervention's page, a kit that applies to a type of place, a project that creates a place."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory

from alleger.core import sections
from alleger.core.models import AuditEvent
from alleger.funding.models import Project
from alleger.funding.services.places import project_set_place
from alleger.places import links, nearby
from alleger.places.models import Place, PlaceType
from alleger.testing.funding_factories import ProjectFactory
from alleger.testing.interventions_factories import make_intervention, published_kit
from alleger.testing.reports_factories import make_category, make_report, north_of

from .opendata_factories import make_place

PARIS = ZoneInfo("Europe/Paris")
HERE = (45.44, 4.39)
pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _places_sections():
    # What the places AppConfig.ready() does once the integrator adds the line (see docs/places-opendata.md).
    links.register_sections()


def _tool_places(territory):
    repair = make_place(territory=territory, name="Repair café de Montreynaud", place_type=PlaceType.REPAIR_CAFE,
                        lat=north_of(*HERE, 600)[0], lon=HERE[1], profile_mediation=False, profile_creation=True,
                        services=[{"name": "Réparation", "kind": "repair", "opening_hours": "Sa[1] 14:00-18:00"}])
    workshop = make_place(territory=territory, name="Atelier de quartier de Carnot", place_type=PlaceType.WORKSHOP,
                          lat=north_of(*HERE, 200)[0], lon=HERE[1], profile_mediation=False, profile_creation=True,
                          services=[{"name": "Prêt d'outils", "kind": "tool_lending",
                                     "opening_hours": "Tu,Th 17:00-20:00; Sa 10:00-12:00"},
                                    {"name": "Café", "kind": "food", "opening_hours": "Mo-Su 08:00-22:00"}])
    library = make_place(territory=territory, name="Médiathèque", lat=north_of(*HERE, 100)[0], lon=HERE[1],
                         services=[{"name": "Prêt de perceuses", "kind": "tool_lending", "by_appointment": True}])
    make_place(territory=territory, name="Salle des fêtes", place_type=PlaceType.HALL, lat=HERE[0], lon=HERE[1])
    make_place(territory=territory, name="Fab lab proposé", place_type=PlaceType.FABLAB, lat=HERE[0], lon=HERE[1],
               moderation=Place.Moderation.PROPOSED)
    far = make_place(territory=territory, name="Fab lab lointain", place_type=PlaceType.FABLAB,
                     lat=north_of(*HERE, 5000)[0], lon=HERE[1])
    return repair, workshop, library, far


def test_tool_places_nearest_first_with_their_hours(territory):
    repair, workshop, library, _far = _tool_places(territory)
    tuesday_evening = dt.datetime(2026, 2, 10, 18, 0, tzinfo=PARIS)
    found = nearby.tool_places(lat=HERE[0], lon=HERE[1], territory=territory, at=tuesday_evening)
    assert [item.place for item in found] == [library, workshop, repair]  # no hall, no proposal, not too far
    assert [round(item.distance) for item in found] == [100, 200, 600]
    by_place = {item.place: item for item in found}
    assert by_place[workshop].open_now is True
    assert [s.name for s in by_place[workshop].services] == ["Prêt d'outils"]  # not the café's hours
    assert by_place[workshop].next_opening == dt.datetime(2026, 2, 12, 17, 0, tzinfo=PARIS)
    assert by_place[repair].open_now is False
    assert by_place[repair].next_opening == dt.datetime(2026, 3, 7, 14, 0, tzinfo=PARIS)  # first Saturday
    assert by_place[library].by_appointment is True and by_place[library].next_opening is None
    # Their hours in words for the next seven days, never the OpenStreetMap code; none this week: nothing
    [(service, text)] = by_place[workshop].hours
    assert service == "Prêt d'outils" and text.startswith("mardi 10 février, 17 h – 20 h")
    assert "jeudi 12 février, 17 h – 20 h" in text and text.endswith("samedi 14 février, 10 h – 12 h")
    assert by_place[repair].hours == []  # the first Saturday of the month is in March
    assert nearby.tool_places(lat=None, lon=None) == []
    assert len(nearby.tool_places(lat=HERE[0], lon=HERE[1], radius_m=6000, limit=2)) == 2


def test_kit_place_types_are_added(territory):
    garden = make_place(territory=territory, name="Jardin partagé", place_type=PlaceType.GARDEN,
                        lat=HERE[0], lon=HERE[1], profile_mediation=False, profile_creation=True)
    assert nearby.tool_places(lat=HERE[0], lon=HERE[1]) == []
    found = nearby.tool_places(lat=HERE[0], lon=HERE[1], place_types=[PlaceType.GARDEN])
    assert [item.place for item in found] == [garden]


def test_report_page_suggests_the_tool_places(client, territory):
    _tool_places(territory)
    report = make_report(category=make_category(territory=territory), lat=HERE[0], lon=HERE[1])
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Lieux partagés à proximité" in page
    assert page.index("Médiathèque") < page.index("Atelier de quartier de Carnot") < page.index("Repair café")
    assert "Salle des fêtes" not in page
    assert "Sa[1]" not in page and "Tu,Th" not in page and "17 h – 20 h" in page  # in words, not in code


def test_intervention_page_shows_the_tool_places_and_the_kits_place_types(client_of, territory, resident):
    _tool_places(territory)
    kit = published_kit(territory)
    links.place_type_kit_link(kit=kit, place_type=PlaceType.HALL)
    intervention = make_intervention(territory=territory, kit=kit, asset=None, lat=HERE[0], lon=HERE[1])
    page = client_of(resident).get(intervention.get_absolute_url()).content.decode()
    assert "Atelier de quartier de Carnot" in page and "Salle des fêtes" in page  # the kit applies to halls
    assert "Fab lab lointain" not in page


def test_kit_page_says_which_places_it_applies_to(client, territory):
    kit = published_kit(territory, title="Créer et faire vivre un jardin partagé")
    make_place(territory=territory, name="Jardin partagé du Crêt de Roch", place_type=PlaceType.GARDEN,
               profile_mediation=False, profile_creation=True)
    assert "S'applique aussi aux lieux" not in client.get(kit.get_absolute_url()).content.decode()
    links.place_type_kit_link(kit=kit, place_type=PlaceType.GARDEN)
    links.place_type_kit_link(kit=kit, place_type=PlaceType.GARDEN)  # idempotent
    assert AuditEvent.objects.filter(action="places.kit_link").count() == 1
    page = client.get(kit.get_absolute_url()).content.decode()
    assert "S'applique aussi aux lieux : jardin partagé" in page
    assert "Jardin partagé du Crêt de Roch" in page
    links.place_type_kit_unlink(kit=kit, place_type=PlaceType.GARDEN)
    # Nothing to show (the section's values are read when its fragments are rendered).
    [part] = sections.of("kit", None, kit)
    assert part.context["place_types"] == [] and part.context["places"] == [] and not part.context["form"]
    page = client.get(kit.get_absolute_url()).content.decode()
    assert "S'applique aussi aux lieux" not in page and "Dans les lieux partagés" not in page


def test_demo_link_of_the_gardener_kit(territory):
    links.load_demo(None)  # no such kit: nothing
    kit = published_kit(territory, title="Le kit du jardinier urbain")
    kit.slug = "kit-du-jardinier-urbain"
    kit.save(update_fields=["slug"])
    links.load_demo(None)
    assert links.place_types_of(kit) == [PlaceType.GARDEN]


def test_a_project_creates_a_place(client_of, territory, other_territory, resident, other_resident):
    place = make_place(territory=territory, name="Le Café d'à Côté", place_type=PlaceType.THIRD_PLACE)
    elsewhere = make_place(territory=other_territory, name="Ailleurs", lat=45.75, lon=4.8)
    project = ProjectFactory(territory=territory, holder=resident, live=True)
    holder = client_of(resident)
    edit = holder.get(f"/projets/{project.slug}/modifier/").content.decode()
    assert "Le lieu que crée le projet" in edit and "Le Café d&#x27;à Côté" in edit and "Ailleurs" not in edit
    response = holder.post(f"/projets/{project.slug}/lieu/", {"place": place.pk})
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.place == place
    assert AuditEvent.objects.filter(action="project.place").count() == 1
    page = Client().get(project.get_absolute_url()).content.decode()  # anyone
    assert "Ce projet crée le lieu" in page and "Le Café d&#x27;à Côté" in page
    # The place page's part, registered by funding's AppConfig.ready().
    visit = RequestFactory().get(place.get_absolute_url())
    visit.user = AnonymousUser()
    parts = [p for p in sections.of("place", visit, place) if p.template == "funding/_place_section.html"]
    assert len(parts) == 1 and parts[0].context["projects"] == [project]
    # Someone else may not; a place of another territory is refused; none unsets it.
    assert client_of(other_resident).post(f"/projets/{project.slug}/lieu/", {"place": ""}).status_code == 403
    with pytest.raises(Exception, match="territoire"):
        project_set_place(project=project, actor=resident, place=elsewhere)
    client_of(resident).post(f"/projets/{project.slug}/lieu/", {"place": ""})
    assert Project.objects.get(pk=project.pk).place is None
    assert not [p for p in sections.of("place", visit, place) if p.template == "funding/_place_section.html"]


def test_kit_editors_choose_the_types_of_place(client_of, territory, moderator, resident):
    kit = published_kit(territory, title="Créer et faire vivre un jardin partagé")
    url = f"/lieux/donnees/kits/{kit.slug}/types-de-lieu/"
    assert client_of(resident).post(url, {"place_types": ["garden"]}).status_code == 403
    assert "Choisir les types de lieu" not in client_of(resident).get(kit.get_absolute_url()).content.decode()
    client = client_of(moderator)
    assert "Choisir les types de lieu" in client.get(kit.get_absolute_url()).content.decode()
    assert client.post(url, {"place_types": ["garden", "workshop"]}).status_code == 302
    assert links.place_types_of(kit) == ["garden", "workshop"]
    client.post(url, {"place_types": ["garden"]})
    assert links.place_types_of(kit) == ["garden"]
    assert AuditEvent.objects.filter(action="places.kit_unlink").count() == 1
    client.post(url, {"place_types": ["nowhere"]})
    assert links.place_types_of(kit) == ["garden"]
