"""Factories for the assets of the kits track."""

import factory

from alleger.assets.models import Asset, AssetType

from .factories import TerritoryFactory


class AssetTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AssetType
        django_get_or_create = ("territory", "slug")

    territory = factory.SubFactory(TerritoryFactory)
    slug = "pied-d-arbre"
    name = "Pied d'arbre"


class AssetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Asset

    territory = factory.SubFactory(TerritoryFactory)
    asset_type = factory.LazyAttribute(lambda o: AssetTypeFactory(territory=o.territory))
    name = factory.Sequence(lambda n: f"Pied d'arbre n° {n}")
    lat = 45.44
    lon = 4.39
