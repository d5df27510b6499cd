"""Factories for the shared places (track 3)."""

import factory

from alleger.places.models import Place, Service

from .factories import TerritoryFactory


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Tiers-lieu n° {n}")
    place_type = Place.PlaceType.THIRD_PLACE
    profile_mediation = True
    address = "1 rue Jacquard, Saint-Étienne"
    lat = 45.437
    lon = 4.372


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    place = factory.SubFactory(PlaceFactory)
    name = factory.Sequence(lambda n: f"Service n° {n}")
    kind = Service.Kind.OTHER
    opening_hours = "Mo-Fr 09:00-17:00"


def france_services(territory, **fields) -> Place:
    """The seed's France Services desk: a general desk on weekdays, the CAF on Thursday afternoons and
    France Travail on Tuesday mornings."""
    place = PlaceFactory(territory=territory, name="France Services du Crêt de Roch",
                         place_type=Place.PlaceType.FRANCE_SERVICES, lat=45.4372, lon=4.4071,
                         address="5 rue Élise Gervais, Saint-Étienne", **fields)
    ServiceFactory(place=place, name="Accueil France Services", kind=Service.Kind.PROCEDURES,
                   opening_hours="Mo-Fr 09:00-12:00,13:30-17:00; PH off")
    ServiceFactory(place=place, name="Permanence CAF", kind=Service.Kind.FAMILY_BENEFITS,
                   opening_hours="Th 14:00-17:00", provider_name="CAF de la Loire",
                   provider_kind=Service.ProviderKind.PUBLIC)
    ServiceFactory(place=place, name="Conseiller France Travail", kind=Service.Kind.EMPLOYMENT,
                   opening_hours="Tu 09:00-12:00")
    return place


def fab_lab(territory, **fields) -> Place:
    place = PlaceFactory(territory=territory, name="Fab lab de Jacquard", place_type=Place.PlaceType.FABLAB,
                         profile_mediation=False, profile_creation=True, lat=45.4368, lon=4.3722, **fields)
    ServiceFactory(place=place, name="Ouverture au public", kind=Service.Kind.FABRICATION,
                   opening_hours="We,Sa 14:00-19:00")
    return place
