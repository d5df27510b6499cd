"""The map's cache and fast path: snapping, the data version, invalidation, HTTP caching, and
MapMiddleware answering before the stack while errors still reach the ninja view.

Other processes keep their memo of the data version up to VERSION_TTL (1 s): the `clock` fixture
moves time past it. Inside a test's transaction the on-commit hook that refreshes the writer's own
process does not run, so until the clock moves the map answers as another process would: stale.
"""

import math
import shutil

import pytest
from django.core.cache import caches
from django.db import connection, transaction
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import assume, example, given
from hypothesis import strategies as st

import alleger.cli
from alleger.assets import geo, mapcache
from alleger.assets.imports import assets_import
from alleger.assets.middleware import PATH
from alleger.assets.models import Asset, AssetProposal, MapVersion
from alleger.assets.services import Decision, asset_propose, proposal_review
from alleger.testing.assets_factories import AssetFactory, AssetTypeFactory
from alleger.testing.factories import UserFactory
from alleger.testing.kits_factories import make_kit

URL = "/api/v1/assets.geojson"
CITY = "4.36,45.41,4.42,45.46"
STREET = "4.3890,45.4390,4.3897,45.4396"
MAP_MIDDLEWARE = "alleger.assets.middleware.MapMiddleware"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now

    def advance(self, seconds: float = mapcache.VERSION_TTL + 0.01):
        self.now += seconds


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    monkeypatch.setattr(mapcache, "clock", fake)
    return fake


def _get(client, bbox=CITY, **params):
    response = client.get(URL, {"bbox": bbox, **params})
    assert response.status_code == 200, response.content
    return response


def _ids(client, bbox=CITY, **params) -> set[int]:
    return {f["properties"]["id"] for f in _get(client, bbox, **params).json()["features"]}


def _selects(queries) -> list[str]:
    """The map's own SQL among captured queries (not the version's)."""
    return [q["sql"] for q in queries if "FROM assets_asset a" in q["sql"]]


# --- snapping -------------------------------------------------------------------

lons = st.floats(-180, 180, allow_subnormal=False)
lats = st.floats(-90, 90, allow_subnormal=False)
spans = st.floats(0, 50, allow_subnormal=False)


def _box(lon, lat, width, height):
    return lon, lat, min(180.0, lon + width), min(90.0, lat + height)


@given(lons, lats, spans, spans)
@example(4.3890, 45.4390, 0.0007, 0.0006)
@example(0.0, 0.0, 0.0, 0.0)
@example(-180.0, -90.0, 50.0, 50.0)
@example(179.9, 89.9, 1.0, 1.0)
def test_the_snapped_box_contains_the_request_on_a_power_of_two_grid(lon, lat, width, height):
    box = _box(lon, lat, width, height)
    (west, south, east, north), cell = mapcache.snap(box)
    assert west <= box[0] and south <= box[1] and east >= box[2] and north >= box[3]
    assert -180 <= west and east <= 180 and -90 <= south and north <= 90
    assert math.log2(cell).is_integer()
    span = max(box[2] - box[0], box[3] - box[1])
    if span >= 4 * mapcache.MIN_CELL:
        assert span / 8 < cell <= span / 4
        # at most one cell added on each side: never more than 1.5 times the request's larger side
        assert max(east - west, north - south) < 1.5 * span + 1e-12
    else:
        assert cell == mapcache.MIN_CELL
    for value, limit in ((west, -180), (south, -90), (east, 180), (north, 90)):
        assert value == limit or (value / cell).is_integer()


@given(lons, lats, spans, spans, st.floats(-0.9, 0.9), st.floats(-0.9, 0.9))
@example(4.3890, 45.4390, 0.0007, 0.0006, 0.5, -0.5)
@example(64.99999999999999, 0.0, 0.0, 0.0, 0.5, 0.0)  # rounding carried the box onto a grid line
def test_a_small_pan_keeps_the_same_snapped_box(lon, lat, width, height, fx, fy):
    box = _box(lon, lat, width, height)
    (west, south, east, north), cell = snapped, cell = mapcache.snap(box)
    assume(-180 < west and east < 180 and -90 < south and north < 90)  # clamped at the edges of the globe
    # Pan by a fraction of the room before an edge crosses a grid line: the leading edge must stay
    # inside the snapped box, the trailing one inside its first cell.
    dx = fx * (min(east - box[2], west + cell - box[0]) if fx > 0 else min(box[0] - west, box[2] - (east - cell)))
    dy = fy * (min(north - box[3], south + cell - box[1]) if fy > 0 else min(box[1] - south, box[3] - (north - cell)))
    panned = (box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy)
    # A pan keeps the box's size; floating point may change it by one unit in the last place.
    assume(panned[2] - panned[0] == box[2] - box[0] and panned[3] - panned[1] == box[3] - box[1])
    # Nor may rounding carry an edge onto the grid line it was to stop short of (half a unit in the last
    # place past 64.99999999999999 is 65.0, a line of the grid): the premise, said exactly.
    assume(west <= panned[0] < west + cell and south <= panned[1] < south + cell
           and east - cell < panned[2] <= east and north - cell < panned[3] <= north)
    assert mapcache.snap(panned) == (snapped, cell)


def test_a_street_box_panned_by_a_few_metres_shares_its_cache_entry(client, territory, clock):
    # Given a street-level answer already computed (its grid: cells of 2^-13 degree, about 10 m)
    AssetFactory(territory=territory, lat=45.4393, lon=4.3893)
    first = _get(client, STREET).json()
    # When the map pans by about 9 m north and 3 m west
    with CaptureQueriesContext(connection) as queries:
        panned = _get(client, "4.38896,45.43908,4.38966,45.43968").json()
    # Then the same snapped box answers, from the cache
    assert panned["bbox"] == first["bbox"] and panned == first
    assert len(queries) == 0


def test_the_answer_says_which_snapped_box_it_covers(client, territory):
    inside = AssetFactory(territory=territory, lat=45.4393, lon=4.3893)
    data = _get(client, STREET).json()
    west, south, east, north = data["bbox"]
    assert west <= 4.3890 and south <= 45.4390 and east >= 4.3897 and north >= 45.4396
    assert data["bbox"] == list(mapcache.snap((4.3890, 45.4390, 4.3897, 45.4396))[0])
    # The features are those of the snapped box: a superset of the request
    beyond = AssetFactory(territory=territory, lat=45.4393, lon=(4.3897 + east) / 2)
    mapcache.forget()
    assert _ids(client, STREET) == {inside.pk, beyond.pk}


# --- hits and misses --------------------------------------------------------------


def test_a_second_request_is_answered_without_sql(client, territory, clock):
    AssetFactory(territory=territory)
    with CaptureQueriesContext(connection) as first:
        one = _get(client)
    assert len(_selects(first)) == 1
    with CaptureQueriesContext(connection) as second:
        two = _get(client)
    assert len(second) == 0
    assert two.content == one.content


def test_the_version_is_read_at_most_once_per_second(client, territory, clock):
    AssetFactory(territory=territory)
    _get(client)
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            _get(client)
        clock.advance()
        for _ in range(5):
            _get(client)
    assert [q["sql"] for q in queries if "assets_mapversion" in q["sql"]] and len(queries) == 1


def test_another_process_finds_the_answer_in_the_shared_cache(client, territory, clock):
    AssetFactory(territory=territory)
    one = _get(client)
    mapcache.forget()  # a fresh process: no memo, empty LRU, the same Django cache
    with CaptureQueriesContext(connection) as queries:
        two = _get(client)
    assert len(queries) == 1 and not _selects(queries)  # the version only
    assert two.content == one.content and two["ETag"] == one["ETag"]


@override_settings(MAP_CACHE_SECONDS=0)
def test_map_cache_seconds_0_runs_the_sql_every_time(client, territory):
    AssetFactory(territory=territory)
    one = _get(client)
    with CaptureQueriesContext(connection) as queries:
        two = _get(client)
    assert len(_selects(queries)) == 1 and not [q for q in queries if "assets_mapversion" in q["sql"]]
    assert two.content == one.content and two["ETag"] == one["ETag"]


def test_without_its_version_row_the_map_caches_nothing_until_a_write_restores_it(client, territory, clock):
    asset = AssetFactory(territory=territory)
    MapVersion.objects.all().delete()
    mapcache.forget()
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert _ids(client) == {asset.pk}
        assert len(_selects(queries)) == 1
        clock.advance()
    mapcache.data_changed()
    assert MapVersion.objects.count() == 1
    _get(client)
    with CaptureQueriesContext(connection) as queries:
        _get(client)
    assert len(queries) == 0


def test_the_lru_keeps_the_most_recently_used_answers_within_its_size():
    lru = mapcache._LRU(max_bytes=100)
    a, b, c, d, e = (mapcache.Answer(bytes(25), f'"{n}"') for n in "abcde")
    for key, answer in zip("abcd", (a, b, c, d), strict=True):
        lru.put(key, answer)
    assert lru.get("a") is a  # a is now the most recent
    lru.put("e", e)  # 125 bytes: the least recently used (b) goes
    assert lru.get("b") is None and [lru.get(k) for k in "acde"] == [a, c, d, e]
    assert lru.size == 100
    lru.put("huge", mapcache.Answer(bytes(26), '"h"'))  # over a quarter of the budget: not kept
    assert lru.get("huge") is None and len(lru) == 4


# --- invalidation -----------------------------------------------------------------


def test_creating_an_asset_shows_within_the_version_memo(client, territory, clock):
    old = AssetFactory(territory=territory)
    assert _ids(client) == {old.pk}
    new = AssetFactory(territory=territory, lat=45.42)
    assert _ids(client) == {old.pk}  # another process: its memo of the version still holds
    clock.advance()
    assert _ids(client) == {old.pk, new.pk}


def test_the_writing_process_sees_its_change_at_once(client, territory, clock, django_capture_on_commit_callbacks):
    old = AssetFactory(territory=territory)
    assert _ids(client) == {old.pk}
    with django_capture_on_commit_callbacks(execute=True):
        new = AssetFactory(territory=territory, lat=45.42)
    assert _ids(client) == {old.pk, new.pk}


def test_updating_an_asset_changes_the_answer(client, territory, clock):
    asset = AssetFactory(territory=territory, name="Banc")
    assert _get(client).json()["features"][0]["properties"]["name"] == "Banc"
    asset.name = "Banc repeint"
    asset.save()
    clock.advance()
    assert _get(client).json()["features"][0]["properties"]["name"] == "Banc repeint"
    asset.lat = 45.30  # moved out of the box
    asset.save()
    clock.advance()
    assert _ids(client) == set()


def test_deleting_an_asset_removes_it(client, territory, clock):
    keep, gone = AssetFactory(territory=territory), AssetFactory(territory=territory)
    assert _ids(client) == {keep.pk, gone.pk}
    gone.delete()
    clock.advance()
    assert _ids(client) == {keep.pk}


def test_renaming_a_type_changes_the_answer(client, territory, clock):
    asset = AssetFactory(territory=territory)
    assert _get(client).json()["features"][0]["properties"]["type_name"] == "Pied d'arbre"
    asset.asset_type.name = "Fosse d'arbre"
    asset.asset_type.save()
    clock.advance()
    assert _get(client).json()["features"][0]["properties"]["type_name"] == "Fosse d'arbre"
    assert _ids(client, type="pied-d-arbre") == {asset.pk}


@pytest.mark.parametrize("link", ["asset", "type"])
def test_linking_a_kit_changes_the_kit_filter(client, territory, clock, link):
    kit = make_kit(territory=territory, status="published", slug="jardiner")
    asset = AssetFactory(territory=territory)
    assert _ids(client, kit="jardiner") == set()
    target = asset if link == "asset" else asset.asset_type
    target.kits.add(kit)
    clock.advance()
    assert _ids(client, kit="jardiner") == {asset.pk}
    target.kits.remove(kit)
    clock.advance()
    assert _ids(client, kit="jardiner") == set()


def test_renaming_a_kit_or_a_territory_changes_the_filters(client, territory, clock):
    kit = make_kit(territory=territory, status="published", slug="jardiner")
    asset = AssetFactory(territory=territory)
    asset.kits.add(kit)
    assert _ids(client, kit="fleurir") == set() and _ids(client, territory="sainte") == set()
    kit.slug = "fleurir"
    kit.save()
    territory.slug = "sainte"
    territory.save()
    clock.advance()
    assert _ids(client, kit="fleurir") == {asset.pk} and _ids(client, territory="sainte") == {asset.pk}


def test_an_import_changes_the_answer(client, territory, clock):
    trees = AssetTypeFactory(territory=territory, slug="arbre", name="Arbre")
    assert _ids(client) == set()
    csv = "id;nom;latitude;longitude\nARB-1;Tilleul;45.43;4.37\n"
    assets_import(territory=territory, asset_type=trees, raw=csv.encode(), file_format="csv", filename="a.csv")
    clock.advance()
    [feature] = _get(client).json()["features"]
    assert feature["properties"]["name"] == "Tilleul"
    assets_import(territory=territory, asset_type=trees, raw=csv.replace("Tilleul", "Platane").encode(),
                  file_format="csv", filename="a.csv")
    clock.advance()
    [feature] = _get(client).json()["features"]
    assert feature["properties"]["name"] == "Platane"


def test_a_rolled_back_write_keeps_the_version(territory):
    before = MapVersion.objects.get().version
    with pytest.raises(RuntimeError), transaction.atomic():
        AssetFactory(territory=territory)
        assert MapVersion.objects.get().version != before  # bumped inside the writer's transaction
        raise RuntimeError
    assert MapVersion.objects.get().version == before


# --- unpublished assets -----------------------------------------------------------


def test_the_cache_never_serves_unpublished_assets(client, territory, clock):
    resident, moderator = UserFactory(), UserFactory(is_superuser=True, is_staff=True)
    published = AssetFactory(territory=territory)
    proposal = asset_propose(user=resident, territory=territory, asset_type=published.asset_type,
                             name="Pied d'arbre nu", lat=45.43, lon=4.38)
    assert _ids(client) == {published.pk}
    assert _ids(client) == {published.pk}  # and from the cache
    # Publishing shows it
    proposal_review(proposal=proposal, moderator=moderator, decision=Decision.PUBLISH)
    clock.advance()
    assert _ids(client) == {published.pk, proposal.asset_id}
    # Taking it off the map hides it again
    asset = Asset.objects.get(pk=proposal.asset_id)
    asset.moderation = Asset.Moderation.REFUSED
    asset.save()
    clock.advance()
    assert _ids(client) == {published.pk}
    assert AssetProposal.objects.count() == 1


# --- filters and clusters ---------------------------------------------------------


def test_each_filter_has_its_own_answer(client, territory, other_territory, clock):
    kit = make_kit(territory=territory, status="published", slug="jardiner")
    benches = AssetTypeFactory(territory=territory, slug="banc", name="Banc")
    tree = AssetFactory(territory=territory, status="closed")
    bench = AssetFactory(territory=territory, asset_type=benches)
    with_kit = AssetFactory(territory=territory)
    with_kit.kits.add(kit)
    elsewhere = AssetFactory(territory=other_territory)
    everything = {tree.pk, bench.pk, with_kit.pk, elsewhere.pk}
    clock.advance()
    for _ in range(2):  # computed, then from the cache: the same answers
        assert _ids(client) == everything
        assert _ids(client, status="closed") == {tree.pk}
        assert _ids(client, type="banc") == {bench.pk}
        assert _ids(client, kit="jardiner") == {with_kit.pk}
        assert _ids(client, territory="saint-etienne") == {tree.pk, bench.pk, with_kit.pk}
        assert _ids(client, territory="lyon") == {elsewhere.pk}
    # An empty filter is no filter
    assert _get(client, status="", type="")["ETag"] == _get(client)["ETag"]


def test_clustered_answers_never_exceed_2000_features(client, territory, clock):
    asset_type = AssetTypeFactory(territory=territory)
    Asset.objects.bulk_create([
        Asset(territory=territory, asset_type=asset_type, name=f"Arbre {i}", lat=45.41 + (i % 50) * 0.001,
              lon=4.36 + (i // 50) * 0.0012) for i in range(2500)])
    mapcache.data_changed()
    clock.advance()
    for bbox in ("4.36,45.41,4.42,45.46", "4.30,45.40,4.50,45.50", "0,40,10,50", "-180,-90,180,90"):
        for _ in range(2):  # computed, then cached
            data = _get(client, bbox).json()
            assert data["clustered"] is True and data["total"] == 2500
            assert len(data["features"]) <= geo.MAX_FEATURES


# --- HTTP caching -----------------------------------------------------------------


def test_answers_carry_cache_control_and_a_strong_etag(client, territory):
    AssetFactory(territory=territory)
    response = _get(client)
    assert response["Cache-Control"] == "public, max-age=60"
    etag = response["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and not etag.startswith("W/")


@pytest.mark.parametrize("condition", ["{etag}", "W/{etag}", '"other", {etag}', "*"])
def test_if_none_match_answers_304(client, territory, condition):
    AssetFactory(territory=territory)
    etag = _get(client)["ETag"]
    response = client.get(URL, {"bbox": CITY}, HTTP_IF_NONE_MATCH=condition.format(etag=etag))
    assert response.status_code == 304 and response.content == b""
    assert response["ETag"] == etag and response["Cache-Control"] == "public, max-age=60"


def test_another_etag_gets_the_body(client, territory):
    AssetFactory(territory=territory)
    response = client.get(URL, {"bbox": CITY}, HTTP_IF_NONE_MATCH='"stale"')
    assert response.status_code == 200 and response.json()["features"]


def test_the_etag_changes_with_the_body_only(client, territory, clock):
    asset = AssetFactory(territory=territory, lat=45.4393, lon=4.3893)
    etag = _get(client, STREET)["ETag"]
    # A write elsewhere in the city changes the version, not this box's answer
    AssetFactory(territory=territory, lat=45.45, lon=4.41)
    clock.advance()
    response = client.get(URL, {"bbox": STREET}, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    # A change in the box does change it
    asset.name = "Autre nom"
    asset.save()
    clock.advance()
    response = client.get(URL, {"bbox": STREET}, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200 and response["ETag"] != etag


# --- the middleware and the view --------------------------------------------------


def test_the_middleware_path_is_the_ninja_route():
    assert reverse("api:assets_geojson") == PATH


def test_the_middleware_answers_before_the_session_and_language_stack(client, territory):
    # Even for a logged-in person (a session cookie), the answer is the public one
    AssetFactory(territory=territory)
    user = UserFactory()
    client.force_login(user)
    response = _get(client)
    assert response["X-Content-Type-Options"] == "nosniff"  # SecurityMiddleware, before it, still applies
    # Nothing from the middleware after it: no language, no Vary on the cookie, no frame options (CORS, before
    # it, varies on the Origin only)
    assert "Content-Language" not in response and "X-Frame-Options" not in response
    assert response.get("Vary", "origin").lower() == "origin"
    assert not response.cookies


def test_the_view_gives_the_same_answers_without_the_middleware(settings, territory, clock):
    AssetFactory(territory=territory)
    fast = _get(Client())
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != MAP_MIDDLEWARE]
    mapcache.forget()
    caches["pages"].clear()
    slow = Client()
    with CaptureQueriesContext(connection) as queries:
        plain = _get(slow)
    assert _selects(queries)  # computed by the view this time
    assert plain.content == fast.content and plain["ETag"] == fast["ETag"]
    assert plain["Cache-Control"] == "public, max-age=60"
    assert slow.get(URL, {"bbox": CITY}, HTTP_IF_NONE_MATCH=plain["ETag"]).status_code == 304
    new = AssetFactory(territory=territory, lat=45.42)
    clock.advance()
    assert new.pk in {f["properties"]["id"] for f in _get(slow).json()["features"]}


@pytest.mark.django_db
def test_a_disallowed_host_is_refused_as_elsewhere(client):
    assert client.get(URL, {"bbox": CITY}, HTTP_HOST="evil.example").status_code == 400


BAD = [{"bbox": ""}, {"bbox": "1,2,3"}, {"bbox": "a,b,c,d"}, {"bbox": "4,46,5,45"}, {"bbox": "-200,45,5,46"},
       {"bbox": "nan,45,5,46"}, {}, {"bbox": CITY, "status": "ajar"}]
#: Repeated parameters: the middleware leaves them to the view (ninja picks one).
AMBIGUOUS = [{"bbox": [CITY, STREET]}, {"bbox": CITY, "status": ["open", "ajar"]}]


def _both_ways(settings, params, **headers):
    """The answer with MapMiddleware, then without it (the ninja view alone)."""
    with_it = Client().get(URL, params, **headers)
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != MAP_MIDDLEWARE]
    without = Client().get(URL, params, **headers)
    settings.MIDDLEWARE = [settings.MIDDLEWARE[0], MAP_MIDDLEWARE, *settings.MIDDLEWARE[1:]]
    return with_it, without


@pytest.mark.django_db
@pytest.mark.parametrize("params", BAD)
def test_errors_fall_through_to_the_view_unchanged(settings, params):
    with_it, without = _both_ways(settings, params)
    assert with_it.status_code == without.status_code
    assert with_it.content == without.content
    assert with_it["Content-Language"] == "fr" and "Cookie" in with_it["Vary"]  # the full stack answered
    assert "ETag" not in with_it and "Cache-Control" not in with_it


@pytest.mark.parametrize("params", AMBIGUOUS)
def test_repeated_parameters_are_left_to_the_view(settings, territory, params):
    AssetFactory(territory=territory)
    with_it, without = _both_ways(settings, params)
    assert (with_it.status_code, with_it.content) == (without.status_code, without.content)
    assert with_it["Content-Language"] == "fr"  # the full stack answered


@pytest.mark.django_db
def test_a_bad_box_is_explained_in_french(client):
    response = client.get(URL, {"bbox": "1,2,3"})
    assert response.status_code == 400
    assert response.json() == {"code": "invalid_bbox", "message": "bbox attend quatre nombres séparés par des "
                                                                  "virgules : minlon,minlat,maxlon,maxlat."}
    assert client.get(URL, {"bbox": CITY, "status": "ajar"}).json() == {
        "code": "invalid", "message": "Statut inconnu : utilisez open, openable ou closed."}


@pytest.fixture(scope="module")
def compiled_locale(tmp_path_factory):
    """The catalogues compiled into a copy of alleger/locale (the working tree is left alone)."""
    copy = tmp_path_factory.mktemp("compiled") / "locale"
    shutil.copytree(alleger.cli.LOCALE_DIR, copy, ignore=shutil.ignore_patterns("*.mo"))
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(alleger.cli, "LOCALE_DIR", copy)
        alleger.cli.compile_translations()
    return copy


@pytest.mark.django_db
def test_errors_follow_the_language_as_the_rest_of_the_api_does(settings, compiled_locale):
    settings.LOCALE_PATHS = [compiled_locale]
    english = {"HTTP_COOKIE": f"{settings.LANGUAGE_COOKIE_NAME}=en"}
    # The language cookie switches to English, with or without the middleware
    with_it, without = _both_ways(settings, {"bbox": "1,2,3"}, **english)
    assert with_it.status_code == 400 and with_it.content == without.content
    assert with_it.json()["message"] == "bbox expects four comma-separated numbers: minlon,minlat,maxlon,maxlat."
    assert with_it["Content-Language"] == "en"
    # A browser's Accept-Language does not (alleger.core.middleware.LanguageMiddleware): French, as elsewhere
    with_it, without = _both_ways(settings, {"bbox": "1,2,3"}, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert with_it.content == without.content
    assert with_it.json()["message"].startswith("bbox attend quatre nombres")
