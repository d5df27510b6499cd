"""Helpers for reports: categories and reports made through the services."""

from alleger.reports import services
from alleger.reports.geo import METRES_PER_DEGREE
from alleger.reports.models import ReportCategory, ServiceAttribute

from .factories import UserFactory


def make_category(*, territory, service_code: str = "velo-partage", name: str = "Vélo partagé en panne",
                  kits=(), attributes=(), **fields) -> ReportCategory:
    data = {"service_name": "Service des vélos", "service_email": "velos@ville.example",
            "service_notice": "Vérifié sous 48 heures.", "group": "Mobilité", "keywords": "vélo, freins",
            "description": "Un vélo en libre-service abîmé."}
    data.update(fields)
    actor = UserFactory(is_superuser=True, is_staff=True)
    category = services.category_save(territory=territory, actor=actor, service_code=service_code, name=name,
                                      kits=list(kits), **data)
    for attribute in attributes:
        attribute = dict(attribute)
        services.service_attribute_save(category=category, actor=actor, code=attribute.pop("code"), **attribute)
    return category


BRAKES = {"code": "panne", "datatype": ServiceAttribute.Datatype.SINGLE, "required": True, "order": 1,
          "description": "Qu'est-ce qui ne fonctionne pas ?",
          "values": [{"key": "freins", "name": "Freins"}, {"key": "pneu", "name": "Pneu crevé"}]}


def make_report(*, category, reporter=None, lat: float = 45.44, lon: float = 4.39, description: str = "Freins HS.",
                **fields):
    reporter = reporter or UserFactory()
    return services.report_create(territory=category.territory, category=category, reporter=reporter,
                                  description=description, lat=lat, lon=lon, **fields)


def north_of(lat: float, lon: float, metres: float) -> tuple[float, float]:
    """A point `metres` north of (lat, lon), on the same meridian (exact for the haversine)."""
    return lat + metres / METRES_PER_DEGREE, lon
