"""The API's error contract, checked over every path of the OpenAPI document (docs/api.md).

Every error is JSON `{code, message}` with a 4xx status, never an HTML page nor a 500: unknown paths,
wrong methods, bad pages, huge integers, malformed JSON, invalid input, invalid tokens. HEAD answers
as GET without a body. The document itself is checked: one schema per name, enum values that the
endpoints accept, optional authentication documented as optional.
"""

import datetime
import json
import re

import pytest
from django.test import Client

from alleger.accounts.services import api_token_create
from alleger.api import api
from alleger.cell.models import Challenge, Metric
from alleger.core.api import MAX_LIMIT, MAX_OFFSET
from alleger.core.errors import Refused
from alleger.funding.models import Contribution
from alleger.interventions.models import Intervention
from alleger.kits.models import Kit
from alleger.proposals.models import Proposal
from alleger.reports.models import Report
from alleger.testing.bookings_factories import ResourceFactory
from alleger.testing.discussions_factories import make_proposal
from alleger.testing.factories import OrganisationFactory
from alleger.testing.interventions_factories import make_intervention, published_kit
from alleger.testing.money import published_project
from alleger.testing.places_factories import france_services
from alleger.testing.reports_factories import make_category, make_report

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"  # beyond any 64-bit integer
METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture
def document(client):
    return client.get("/api/v1/openapi.json").json()


@pytest.fixture
def content(territory, resident, moderator):
    """One of each thing the API shows, so that detail paths answer 200."""
    kit = published_kit(territory=territory)
    intervention = make_intervention(territory=territory, organiser=resident, kit=kit)
    report = make_report(category=make_category(territory=territory), reporter=resident)
    project = published_project(territory=territory)
    proposal = make_proposal(territory=territory, author=resident)
    day = datetime.date(2026, 3, 1)
    challenge = Challenge.objects.create(territory=territory, title="Défi", problem="P", starts_on=day,
                                         ends_on=day, status="open")
    Metric.objects.create(territory=territory, day=day, key="contributions", value=1)
    place = france_services(territory)
    organisation = OrganisationFactory(territory=territory)
    resource = ResourceFactory(place=place)
    return {"organisation_slug": organisation.slug, "resource_id": resource.pk, "place_id": place.pk, "slug": territory.slug, "kit_slug": kit.slug, "intervention_id": intervention.pk,
            "report_id": report.pk, "project_id": project.pk, "proposal_id": proposal.pk,
            "asset_id": intervention.asset_id, "challenge_id": challenge.pk}


#: Required query parameters, filled with sensible values.
REQUIRED_QUERY = {"bbox": "4.30,45.40,4.45,45.50", "target": "kit:1"}


def fill(path: str, values: dict | None = None, *, default: str = "1") -> str:
    """The path with its parameters filled from `values` (by name), or `default`."""
    values = values or {}

    def value(match):
        name = match.group(1)
        if name == "slug" and "/kits/" in path:
            name = "kit_slug"
        if name == "slug" and "/organisations/" in path:
            name = "organisation_slug"
        return str(values.get(name, default))

    return re.sub(r"\{(\w+)\}", value, path)


def operations(document, method: str | None = None):
    for path, ops in document["paths"].items():
        for verb, op in ops.items():
            if method is None or verb == method:
                yield path, verb, op


def required_query(op) -> str:
    names = [p["name"] for p in op.get("parameters", []) if p["in"] == "query" and p.get("required")]
    return "&".join(f"{name}={REQUIRED_QUERY[name]}" for name in names)


def assert_json_error(response, status: int, code: str | None = None) -> dict:
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    body = response.json()
    assert isinstance(body["code"], str) and body["code"]
    assert isinstance(body["message"], str) and body["message"]
    if code is not None:
        assert body["code"] == code, body
    return body


@pytest.fixture
def token(resident):
    return api_token_create(user=resident, name="tests")[1]


def nothing_written() -> tuple:
    return (Report.objects.count(), Kit.objects.count(), Intervention.objects.count(),
            Contribution.objects.count(), Proposal.objects.count())


# --- pagination --------------------------------------------------------------


def list_paths(document) -> list[str]:
    return [path for path, _, op in operations(document, "get")
            if {"limit", "offset"} <= {p["name"] for p in op.get("parameters", [])}]


def test_every_list_endpoint_is_paginated_with_the_same_bounds(document):
    paths = list_paths(document)
    assert {"/api/v1/projects", "/api/v1/reports", "/api/v1/interventions", "/api/v1/proposals",
            "/api/v1/kits"} <= set(paths)
    for path in paths:
        params = {p["name"]: p["schema"] for p in document["paths"][path]["get"]["parameters"]}
        assert (params["limit"]["minimum"], params["limit"]["maximum"]) == (1, MAX_LIMIT), path
        assert (params["offset"]["minimum"], params["offset"]["maximum"]) == (0, MAX_OFFSET), path


@pytest.mark.parametrize("query", [
    f"offset={HUGE}", "offset=-1", f"offset={MAX_OFFSET + 1}", "offset=9223372036854775807", "offset=abc",
    f"limit={HUGE}", "limit=-5", "limit=0", f"limit={MAX_LIMIT + 1}", "limit=abc", "limit=1.5",
])
def test_every_list_endpoint_refuses_a_page_out_of_bounds_with_json(client, document, content, query):
    field = query.split("=")[0]
    for path in list_paths(document):
        body = assert_json_error(client.get(f"{path}?{query}"), 422, "invalid")
        assert field in body["message"], (path, body)
        assert [d["field"] for d in body["detail"]] == [field]


def test_every_list_endpoint_answers_the_last_pages_it_allows(client, document, content):
    for path in list_paths(document):
        for query in (f"offset={MAX_OFFSET}&limit={MAX_LIMIT}", "offset=1&limit=1", "offset=0&limit=1"):
            response = client.get(f"{path}?{query}")
            assert response.status_code == 200, (path, query, response.content[:300])
        if path.endswith("/kits"):
            assert client.get(f"{path}?offset={MAX_OFFSET}").json()["items"] == []
        else:
            assert client.get(f"{path}?offset={MAX_OFFSET}").json() == []
            assert len(client.get(f"{path}?limit=1").json()) == 1


def test_integers_too_large_for_the_database_are_json_errors(client, document, content):
    for path, _, op in operations(document, "get"):
        params = op.get("parameters", [])
        if any(p["in"] == "path" and p["schema"].get("type") == "integer" for p in params):
            assert_json_error(client.get(fill(path, default=HUGE)), 404, "not_found")
        for p in params:
            if p["in"] == "query" and "integer" in json.dumps(p["schema"]):
                extra = required_query(op)
                response = client.get(f"{fill(path, content)}?{p['name']}={HUGE}&{extra}")
                assert 400 <= response.status_code < 500, (path, p["name"], response.content[:300])
                assert_json_error(response, response.status_code)


def test_every_coordinate_sent_in_a_body_is_bounded(client, document, content, token):
    components = document["components"]["schemas"]
    bodies = {op["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]: (path, verb)
              for path, verb, op in operations(document) if "requestBody" in op}
    checked = []
    for name, (path, verb) in bodies.items():
        for field, bound in (("lat", 90), ("lon", 180)):
            if field in components[name]["properties"]:
                text = json.dumps(components[name]["properties"][field])
                assert f'"minimum": -{bound}' in text and f'"maximum": {bound}' in text, (name, field)
                checked.append(name)
                for value in ("NaN", "Infinity", str(bound + 1)):
                    response = getattr(client, verb)(fill(path, content), f'{{"{field}": {value}}}',
                                                     content_type="application/json",
                                                     HTTP_AUTHORIZATION=f"Bearer {token}")
                    body = assert_json_error(response, 422, "invalid")
                    assert field in {d["field"] for d in body["detail"]}
    assert {"ReportIn", "DeclareIn"} <= set(checked)


# --- unknown paths, wrong methods, HEAD ----------------------------------------


def test_an_unknown_path_is_a_json_404_for_any_method(client, document):
    paths = ["/api/v1/nope", "/api/v1/territories/", "/api/v1/kits/a/b/c", "/api/v1/me/nope"]
    paths += [fill(path) + "/inconnu/encore" for path in document["paths"]]
    for path in paths:
        for method in ("get", "post", "put", "patch", "delete", "head", "options"):
            response = getattr(client, method)(path)
            assert response.status_code == 404, (method, path)
            assert response["Content-Type"].startswith("application/json")
            if method != "head":
                assert_json_error(response, 404, "not_found")


def test_a_wrong_method_is_a_json_405_that_says_what_is_allowed(client, document):
    for path, ops in document["paths"].items():
        allowed = {verb.upper() for verb in ops} | ({"HEAD"} if "get" in ops else set())
        for method in sorted(METHODS - set(ops)) + ["options"]:
            response = getattr(client, method)(fill(path))
            body = assert_json_error(response, 405, "method_not_allowed")
            assert {m.strip() for m in response["Allow"].split(",")} == allowed, path
            assert method.upper() in body["message"]


def test_head_answers_as_get_without_a_body_on_every_get_endpoint(client, document, content, token):
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    checked = 0
    for path, _, op in operations(document, "get"):
        for headers in ({}, auth):
            url = f"{fill(path, content)}?{required_query(op)}"
            get, head = client.get(url, **headers), client.head(url, **headers)
            assert head.status_code == get.status_code, (url, head.status_code, get.status_code)
            assert dict(head.headers) == dict(get.headers), url
            assert head.content == b""
            checked += get.status_code == 200
    assert checked >= 30  # most of them with something to show


def test_head_of_the_map_takes_the_fast_path_like_get(client):
    url = "/api/v1/assets.geojson?bbox=4.30,45.40,4.45,45.50"
    get, head = client.get(url), client.head(url)
    assert (head.status_code, head.content) == (200, b"")
    assert dict(head.headers) == dict(get.headers)
    assert "Content-Language" not in head  # answered by MapMiddleware, before the language middleware


# --- request bodies ------------------------------------------------------------


def test_malformed_json_is_a_json_400_and_writes_nothing(client, document, content, token):
    before = nothing_written()
    for path, verb, op in operations(document):
        if "requestBody" not in op:
            continue
        response = getattr(client, verb)(fill(path, content), "{pas du json", content_type="application/json",
                                         HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_IDEMPOTENCY_KEY="k1")
        body = assert_json_error(response, 400, "malformed_json")
        assert "JSON" in body["message"]
    assert nothing_written() == before


def test_a_422_names_each_invalid_field_in_words_in_the_visitors_language(client, token, settings):
    body = {"title": "x" * 151, "category": "inconnue", "axis": "loisirs"}
    post = {"path": "/api/v1/kits", "data": json.dumps(body), "content_type": "application/json",
            "HTTP_AUTHORIZATION": f"Bearer {token}"}
    before = nothing_written()

    french = assert_json_error(client.post(**post), 422, "invalid")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = assert_json_error(client.post(**post), 422, "invalid")

    assert nothing_written() == before
    assert french["message"].startswith("Données invalides : ")
    assert "title doit faire au plus 150 caractères" in french["message"]
    assert "summary est obligatoire" in french["message"]
    assert "category doit être l'une des valeurs" in french["message"]
    assert english["message"].startswith("Invalid data: ")
    assert "title must be at most 150 characters" in english["message"]
    assert "summary is required" in english["message"]
    assert {(d["field"], d["type"]) for d in english["detail"]} >= {
        ("title", "string_too_long"), ("summary", "missing"), ("category", "enum")}
    assert all(set(d) == {"loc", "field", "message", "type"} for d in english["detail"])


def test_other_errors_are_in_the_visitors_language_too(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert assert_json_error(client.get("/api/v1/nope"), 404)["message"] == "Not found."
    assert "not allowed" in assert_json_error(client.post("/api/v1/territories"), 405)["message"]
    assert "valid JSON" in assert_json_error(
        client.post("/api/v1/auth/token", "{", content_type="application/json"), 400)["message"]
    assert assert_json_error(client.get("/api/v1/me"), 401)["message"] == "Authentication required."


def test_csrf_is_checked_for_the_session_only_and_refused_in_json(content, resident, token):
    client = Client(enforce_csrf_checks=True)
    body = {"path": "/api/v1/comments", "data": json.dumps({"target": f"report:{content['report_id']}",
                                                            "body": "Vu aussi ce matin."}),
            "content_type": "application/json"}
    client.force_login(resident)
    assert_json_error(client.post(**body), 403, "csrf_failed")
    assert_json_error(client.post("/api/v1/inconnu"), 404, "not_found")  # even without a CSRF token

    client.logout()
    assert client.post(**body, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 201
    # No session cookie and no token: not a CSRF refusal but the API's 401, naming the scheme to use.
    anonymous = Client(enforce_csrf_checks=True)
    response = anonymous.post(**body)
    assert_json_error(response, 401, "unauthenticated")
    assert response["WWW-Authenticate"] == "Bearer"


def test_a_fault_of_ours_is_a_json_500_and_is_reported(content, monkeypatch, caplog):
    from django.urls import get_resolver

    from alleger.territories import selectors

    # Load the URLconf first: were this the process's first request, the views importing territory_list
    # (interventions) would bind the broken one for every later test of the process.
    assert get_resolver().url_patterns

    def broken():
        raise RuntimeError("bug")

    monkeypatch.setattr(selectors, "territory_list", broken)
    response = Client(raise_request_exception=False).get("/api/v1/territories")
    assert_json_error(response, 500, "server_error")
    assert "bug" not in response.content.decode()
    assert any(r.levelname == "ERROR" and r.exc_info and r.exc_info[0] is RuntimeError for r in caplog.records)


@pytest.mark.parametrize(("refusal", "status"), [(Refused("closed_for_works", "En travaux.", status=423), 423),
                                                 (Refused("closed_for_works", "En travaux."), 400)])
def test_a_refusal_answers_the_status_it_carries(monkeypatch, refusal, status):
    from alleger.territories import selectors

    def refused():
        raise refusal

    monkeypatch.setattr(selectors, "territory_list", refused)
    body = assert_json_error(Client().get("/api/v1/territories"), status, "closed_for_works")
    assert body == {"code": "closed_for_works", "message": "En travaux."}


@pytest.mark.parametrize("bbox", ["1,2,3", "a,b,c,d", "4.5,45,4.3,46", "4,45,5,95", "nan,45,5,46"])
def test_both_maps_refuse_a_bad_box_with_the_same_code_and_message(client, bbox):
    assets = assert_json_error(client.get("/api/v1/assets.geojson", {"bbox": bbox}), 400, "invalid_bbox")
    interventions = assert_json_error(client.get("/api/v1/interventions.geojson", {"bbox": bbox}), 400)
    assert interventions == assets


# --- authentication -------------------------------------------------------------


def security(op) -> list:
    return op.get("security") or []


def test_optional_authentication_is_documented_as_optional(document):
    kit = document["paths"]["/api/v1/kits/{slug}"]["get"]
    assert security(kit) == [{"BearerToken": []}, {"SessionAuth": []}, {}]
    assert {} not in security(document["paths"]["/api/v1/me"]["get"])
    # Public: no credentials needed, but a token presented is checked (401 when invalid).
    assert security(document["paths"]["/api/v1/territories"]["get"]) == [{"BearerToken": []}, {}]
    assert security(document["paths"]["/api/v1/reports"]["get"]) == [{"BearerToken": []}, {}]
    assert set(document["components"]["securitySchemes"]) == {"BearerToken", "SessionAuth"}


def test_the_documented_security_is_what_each_endpoint_does(client, document, content):
    """Documented as required: 401 without credentials. Documented as optional or absent: not a 401."""
    for path, verb, op in operations(document):
        url = f"{fill(path, content)}?{required_query(op)}"
        response = client.get(url) if verb == "get" else getattr(client, verb)(url, "{}",
                                                                                content_type="application/json")
        if security(op) and {} not in security(op):
            assert_json_error(response, 401, "unauthenticated")
        else:
            assert response.status_code != 401, (verb, path)


@pytest.mark.parametrize("header", ["Bearer alg_nope", "Bearer ", "Bearer not-even-prefixed"])
def test_an_invalid_token_is_refused_even_where_authentication_is_optional(client, document, content, token,
                                                                            header):
    optional = {(path, verb): op for path, verb, op in operations(document) if {} in security(op)}
    assert ("/api/v1/kits/{slug}", "get") in optional
    assert ("/api/v1/reports", "get") in optional and ("/api/v1/territories", "get") in optional  # public ones
    kit = Kit.objects.get(slug=content["kit_slug"])  # its id differs from one database to the other
    for (path, verb), op in optional.items():
        url = f"{fill(path, content)}?{required_query(op).replace('target=kit:1', f'target=kit:{kit.pk}')}"
        assert getattr(client, verb)(url).status_code == 200  # anonymous, no header
        assert getattr(client, verb)(url, HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 200
        response = getattr(client, verb)(url, HTTP_AUTHORIZATION=header)
        assert_json_error(response, 401, "unauthenticated")
        assert response["WWW-Authenticate"] == 'Bearer error="invalid_token"'


def test_a_revoked_token_is_refused_where_authentication_is_optional(client, content, resident):
    api_token, raw = api_token_create(user=resident, name="old")
    url = f"/api/v1/kits/{content['kit_slug']}"
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200
    api_token.delete()
    assert_json_error(client.get(url, HTTP_AUTHORIZATION=f"Bearer {raw}"), 401, "unauthenticated")


def test_a_401_names_the_scheme_to_use(client):
    assert client.get("/api/v1/me")["WWW-Authenticate"] == "Bearer"


# --- the document's enums ----------------------------------------------------------


def test_no_two_different_schemas_share_a_name():
    schema = api.get_openapi_schema(path_prefix="/api/v1/")
    assert schema.conflicts == []
    schemas = schema["components"]["schemas"]
    assert schemas["ReportStatus"]["enum"] == Report.Status.values
    assert schemas["InterventionStatus"]["enum"] == Intervention.Status.values


def enum_values(schema: dict, components: dict) -> list:
    if "$ref" in schema:
        return enum_values(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    values = list(schema.get("enum", []))
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            values += enum_values(sub, components)
    return values


def test_every_documented_enum_value_of_a_query_parameter_is_accepted(client, document, content):
    components = document["components"]["schemas"]
    checked = set()
    for path, _, op in operations(document, "get"):
        for p in op.get("parameters", []):
            values = enum_values(p["schema"], components) if p["in"] == "query" else []
            for value in values:
                extra = "&".join(f"{k}={v}" for k, v in REQUIRED_QUERY.items() if k != p["name"]
                                 and any(q["name"] == k and q.get("required") for q in op["parameters"]))
                response = client.get(f"{path}?{p['name']}={value}&{extra}")
                assert response.status_code not in (422, 500), (path, p["name"], value, response.content[:300])
                checked.add((path, p["name"]))
    assert {("/api/v1/reports", "status"), ("/api/v1/interventions", "status"),
            ("/api/v1/interventions.geojson", "status"), ("/api/v1/kits", "category"),
            ("/api/v1/organisations", "kind"), ("/api/v1/proposals", "status")} <= checked
