"""Territories and neighbourhoods: GeoJSON checked on the way in, rules backed by the database."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from alleger.core.models import AuditEvent
from alleger.territories.models import Neighbourhood, Territory
from alleger.territories.selectors import neighbourhood_at
from alleger.territories.services import neighbourhood_create, territory_create
from alleger.testing.factories import NeighbourhoodFactory, TerritoryFactory, box

pytestmark = pytest.mark.django_db

BOWTIE = {"type": "Polygon", "coordinates": [[[4.30, 45.40], [4.40, 45.50], [4.40, 45.40], [4.30, 45.50],
                                              [4.30, 45.40]]]}
# Saint-Étienne in Lambert-93 metres, not longitude/latitude
LAMBERT = box(808_000, 6_480_000, 812_000, 6_484_000)

INVALID_BOUNDARIES = {
    "self-intersecting": BOWTIE,
    "point": {"type": "Point", "coordinates": [4.39, 45.43]},
    "line": {"type": "LineString", "coordinates": [[4.3, 45.4], [4.4, 45.5]]},
    "feature of a point": {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [4, 45]}},
    "feature collection": {"type": "FeatureCollection", "features": []},
    "not a dict": "POLYGON((4.3 45.4, 4.4 45.4, 4.4 45.5, 4.3 45.4))",
    "list": [[4.3, 45.4], [4.4, 45.4]],
    "no coordinates": {"type": "Polygon"},
    "empty polygon": {"type": "Polygon", "coordinates": []},
    "too few points": {"type": "Polygon", "coordinates": [[[4.3, 45.4], [4.4, 45.4], [4.3, 45.4]]]},
    "garbage coordinates": {"type": "Polygon", "coordinates": [["a", "b"]]},
    "null point": {"type": "Polygon", "coordinates": [[None]]},
    "NaN coordinate": {"type": "Polygon", "coordinates": [[[float("nan"), 45.4], [4.4, 45.5], [4.4, 45.4],
                                                            [4.3, 45.4]]]},
    "mixed dimensions": {"type": "Polygon", "coordinates": [[[4.3, 45.4, 0, 0], [4.4, 45.5], [4.4, 45.4],
                                                              [4.3, 45.4]]]},
    "non-WGS84 (projected metres)": LAMBERT,
    "latitude beyond 90": box(4.3, 85.0, 4.4, 95.0),
}


@pytest.mark.parametrize("boundary", INVALID_BOUNDARIES.values(), ids=INVALID_BOUNDARIES.keys())
def test_territory_create_refuses_an_invalid_boundary(boundary):
    with pytest.raises(ValidationError):
        territory_create(name="Saint-Étienne", slug="saint-etienne", boundary=boundary)
    assert not Territory.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("boundary", INVALID_BOUNDARIES.values(), ids=INVALID_BOUNDARIES.keys())
def test_neighbourhood_create_refuses_an_invalid_boundary(territory, boundary):
    with pytest.raises(ValidationError):
        neighbourhood_create(territory=territory, name="Jacquard", slug="jacquard", boundary=boundary)
    assert not Neighbourhood.objects.exists()


def test_territory_create_stores_the_boundary_and_its_bounding_box(platform_admin):
    territory = territory_create(name="Saint-Étienne", slug="saint-etienne", boundary=box(4.365, 45.415, 4.415, 45.46),
                                 actor=platform_admin, max_goal_cents=1_500_000)
    territory.refresh_from_db()
    assert territory.bbox == (4.365, 45.415, 4.415, 45.46)
    assert territory.max_goal_cents == 1_500_000
    assert AuditEvent.objects.get(action="territory.create").actor == platform_admin


def test_it_accepts_a_multipolygon_and_a_feature(territory):
    multipolygon = {"type": "MultiPolygon", "coordinates": [box(4.36, 45.42, 4.37, 45.43)["coordinates"],
                                                            box(4.38, 45.42, 4.39, 45.43)["coordinates"]]}
    two_parts = neighbourhood_create(territory=territory, name="Deux rives", slug="deux-rives", boundary=multipolygon)
    feature = {"type": "Feature", "properties": {"name": "x"}, "geometry": box(4.40, 45.44, 4.41, 45.45)}
    one = neighbourhood_create(territory=territory, name="Une", slug="une", boundary=feature)
    assert (two_parts.min_lon, two_parts.max_lon) == (4.36, 4.39)
    assert (one.min_lat, one.max_lat) == (45.44, 45.45)


def test_territory_create_refuses_rules_the_model_forbids():
    with pytest.raises(ValidationError):
        territory_create(name="X", slug="x", campaign_min_days=30, campaign_max_days=10)
    assert not Territory.objects.exists()


@pytest.mark.parametrize(
    "rules",
    [
        {"overfunding_cap_bp": 9_999},
        {"commission_bp": 2_001},
        {"campaign_min_days": 0},
        {"campaign_min_days": 91, "campaign_max_days": 90},
        {"max_goal_cents": 0},
    ],
    ids=["overfunding-below-100pc", "commission-over-20pc", "zero-day-campaign", "min-after-max", "zero-goal"],
)
def test_the_database_refuses_impossible_rules(rules):
    # Even bypassing the services and full_clean, the database says no
    with pytest.raises(IntegrityError), transaction.atomic():
        Territory.objects.create(name="X", slug="x", **rules)
    assert not Territory.objects.exists()


def test_the_database_refuses_an_update_to_impossible_rules(territory):
    with pytest.raises(IntegrityError), transaction.atomic():
        Territory.objects.filter(pk=territory.pk).update(overfunding_cap_bp=5_000)
    territory.refresh_from_db()
    assert territory.overfunding_cap_bp == 20_000


def test_the_limits_themselves_are_allowed():
    Territory.objects.create(name="X", slug="x", overfunding_cap_bp=10_000, commission_bp=2_000,
                             campaign_min_days=30, campaign_max_days=30, max_goal_cents=1)


def test_neighbourhood_slugs_are_unique_within_a_territory(territory, other_territory, neighbourhood):
    NeighbourhoodFactory(territory=other_territory, slug=neighbourhood.slug)
    with pytest.raises(ValidationError):
        neighbourhood_create(territory=territory, name="Bis", slug=neighbourhood.slug, boundary=box(4, 45, 4.1, 45.1))


# --- point lookup ---------------------------------------------------------------


@pytest.fixture
def west_and_east(territory):
    # Two neighbourhoods sharing the meridian 4.38 as their border
    west = neighbourhood_create(territory=territory, name="Ouest", slug="ouest", boundary=box(4.36, 45.42, 4.38, 45.44))
    east = neighbourhood_create(territory=territory, name="Est", slug="est", boundary=box(4.38, 45.42, 4.40, 45.44))
    return west, east


def test_neighbourhood_at_finds_the_neighbourhood_of_a_point(territory, west_and_east):
    west, east = west_and_east
    assert neighbourhood_at(territory=territory, lat=45.43, lon=4.37) == west
    assert neighbourhood_at(territory=territory, lat=45.43, lon=4.39) == east


@pytest.mark.parametrize(("lat", "lon"), [(45.43, 4.35), (45.45, 4.37), (45.0, 4.0), (-45.43, -4.37)])
def test_neighbourhood_at_returns_none_outside(territory, west_and_east, lat, lon):
    assert neighbourhood_at(territory=territory, lat=lat, lon=lon) is None


def test_a_point_on_the_outer_edge_belongs_to_its_neighbourhood(territory, west_and_east):
    west, _ = west_and_east
    assert neighbourhood_at(territory=territory, lat=45.42, lon=4.37) == west
    assert neighbourhood_at(territory=territory, lat=45.43, lon=4.36) == west


def test_a_point_on_a_shared_border_always_gets_the_same_answer(territory, west_and_east):
    # Given a point exactly on the border of two neighbourhoods
    west, _ = west_and_east
    # Then the oldest one wins, every time
    answers = {neighbourhood_at(territory=territory, lat=45.43, lon=4.38) for _ in range(5)}
    assert answers == {west}


def test_neighbourhood_at_ignores_other_territories(territory, other_territory):
    NeighbourhoodFactory(territory=other_territory, boundary=box(4.36, 45.42, 4.38, 45.44))
    assert neighbourhood_at(territory=territory, lat=45.43, lon=4.37) is None


def test_neighbourhood_at_follows_the_polygon_not_its_bounding_box(territory):
    # An L-shaped neighbourhood: its bounding box covers a corner it does not
    l_shape = {"type": "Polygon", "coordinates": [[[4.36, 45.42], [4.40, 45.42], [4.40, 45.43], [4.38, 45.43],
                                                    [4.38, 45.44], [4.36, 45.44], [4.36, 45.42]]]}
    hood = neighbourhood_create(territory=territory, name="L", slug="l", boundary=l_shape)
    assert neighbourhood_at(territory=territory, lat=45.425, lon=4.39) == hood
    assert neighbourhood_at(territory=territory, lat=45.435, lon=4.39) is None


def test_factory_boundaries_match_their_bounding_box():
    hood = NeighbourhoodFactory(boundary=box(1, 2, 3, 4))
    assert (hood.min_lon, hood.min_lat, hood.max_lon, hood.max_lat) == (1, 2, 3, 4)
    assert TerritoryFactory(boundary=None).bbox is None
