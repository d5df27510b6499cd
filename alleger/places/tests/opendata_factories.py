"""Small helpers for the open-data, nearby and links tests (the places app's own factories may come later)."""

from alleger.places.models import Place, Service
from alleger.testing.factories import TerritoryFactory


def make_place(*, territory=None, name="Médiathèque de test", place_type=Place.PlaceType.MEDIATHEQUE,
               lat=45.44, lon=4.39, services=(), **fields) -> Place:
    territory = territory or TerritoryFactory()
    defaults = {"address": "1 rue de la Paix", "postcode": "42000", "city": "Saint-Étienne",
                "profile_mediation": True}
    defaults.update(fields)
    place = Place.objects.create(territory=territory, name=name, place_type=place_type, lat=lat, lon=lon,
                                 **defaults)
    for service in services:
        Service.objects.create(place=place, **service)
    return place
