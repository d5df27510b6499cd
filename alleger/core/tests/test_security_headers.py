"""Content-Security-Policy and Permissions-Policy: on every HTML page (errors and the API docs included),
no 'unsafe-inline' or 'unsafe-eval', and a nonce that is new for every request and matches the page's."""

import re

import pytest

NONCE = re.compile(r"'nonce-([^']+)'")


def _directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def _assert_strict(response, path):
    assert response["Content-Type"].startswith("text/html"), path
    directives = _directives(response)
    for name in ("default-src", "script-src", "style-src"):
        assert "'self'" in directives[name], (path, name)
    for values in directives.values():
        assert "'unsafe-inline'" not in values and "'unsafe-eval'" not in values, (path, directives)
    assert directives["object-src"] == ["'none'"] and directives["frame-ancestors"] == ["'none'"]
    assert directives["base-uri"] == ["'none'"] and directives["form-action"] == ["'self'"]
    features = dict(item.split("=") for item in response["Permissions-Policy"].split(", "))
    for feature in ("camera", "microphone", "payment", "usb"):
        assert features[feature] == "()", (path, feature)
    assert features["geolocation"] == "(self)"  # the location picker's « use my position », never for a frame


@pytest.fixture
def pages(territory, resident):
    from alleger.kits.models import Kit
    from alleger.testing.assets_factories import AssetFactory
    from alleger.testing.funding_factories import ProjectFactory
    from alleger.testing.interventions_factories import make_intervention
    from alleger.testing.kits_factories import make_kit

    ProjectFactory(live=True, territory=territory, slug="cafe", lat=45.45, lon=4.40)
    kit = make_kit(status=Kit.Status.PUBLISHED, territory=territory, slug="fleurir")
    asset = AssetFactory(territory=territory, lat=45.45, lon=4.40)
    intervention = make_intervention(territory=territory, kit=kit, asset=asset)
    return [
        "/", f"/t/{territory.slug}/", "/projets/", "/projets/cafe/", "/kits/", "/kits/fleurir/",
        "/dispositifs/", f"/dispositifs/{asset.pk}/", "/interventions/", f"/interventions/{intervention.pk}/",
        "/signalements/", "/organisations/", "/accounts/login/", "/api/v1/docs",
    ]


@pytest.mark.django_db
def test_every_page_has_a_strict_csp_and_a_permissions_policy(client, pages):
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        _assert_strict(response, path)


@pytest.mark.django_db
def test_error_pages_have_the_headers_too(client, monkeypatch):
    response = client.get("/kits/nulle-part/")
    assert response.status_code == 404
    _assert_strict(response, "404")

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("alleger.core.views.live_overview", broken)
    client.raise_request_exception = False
    response = client.get("/")
    assert response.status_code == 500
    _assert_strict(response, "500")


@pytest.mark.django_db
def test_the_nonce_is_new_for_every_request_and_is_the_one_on_the_page(client, resident, pages):
    client.force_login(resident)  # a personal page is never served from the page cache
    seen = set()
    for path in ("/projets/", "/projets/", "/kits/fleurir/", "/kits/fleurir/"):
        response = client.get(path)
        script_nonces = NONCE.findall(response["Content-Security-Policy"])
        assert len(script_nonces) == 2, "script-src and style-src carry the nonce"
        nonce = script_nonces[0]
        assert script_nonces[1] == nonce and nonce not in seen
        assert len(nonce) >= 22  # 16 random bytes in base64
        seen.add(nonce)
        assert f'nonce="{nonce}"' in response.content.decode()


@pytest.mark.django_db
def test_a_cached_page_never_repeats_a_nonce_in_its_header(client, settings):
    settings.PAGE_CACHE_SECONDS = 60
    first, second = client.get("/"), client.get("/")
    assert second.content == first.content  # the same cached body, with its stale nonce attribute
    header_nonces = [NONCE.findall(r["Content-Security-Policy"]) for r in (first, second)]
    assert not set(header_nonces[0]) & set(header_nonces[1])
    _assert_strict(second, "cached /")



@pytest.mark.django_db
def test_the_apis_answer_a_web_page_of_another_origin_but_never_with_this_site_s_cookies(client):
    origin = {"HTTP_ORIGIN": "https://carte.ville.example"}
    for path in ("/api/v1/territories", "/open311/v2/services.json"):
        response = client.get(path, **origin)  # an answer or an error: the page elsewhere must read either
        assert response["Access-Control-Allow-Origin"] == "*", path
        assert "Access-Control-Allow-Credentials" not in response
    # A token write is preflighted: the browser may send Authorization and JSON.
    preflight = client.options("/api/v1/reports", HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
                               HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type", **origin)
    assert preflight.status_code == 200 and "authorization" in preflight["Access-Control-Allow-Headers"]
    # The map's shortcut answers with the header too; the pages never do.
    assert client.get("/api/v1/assets.geojson?bbox=4.38,45.43,4.39,45.44", **origin)["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Origin" not in client.get("/organisations/", **origin)
