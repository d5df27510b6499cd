"""The API's shape: OpenAPI document, browsable docs, JSON errors."""

import pytest


@pytest.mark.django_db
def test_the_openapi_document_lists_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    paths = set(document["paths"])
    assert {
        "/api/v1/territories",
        "/api/v1/territories/{slug}",
        "/api/v1/organisations",
        "/api/v1/organisations/{slug}",
        "/api/v1/auth/token",
        "/api/v1/me",
        "/api/v1/me/export",
    } <= paths
    assert "post" in document["paths"]["/api/v1/auth/token"]
    assert "get" in document["paths"]["/api/v1/territories/{slug}"]


@pytest.mark.django_db
def test_the_docs_are_browsable(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"openapi.json" in response.content


@pytest.mark.django_db
def test_an_authenticated_endpoint_answers_401_json_to_a_visitor(client):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "unauthenticated"
    assert response.json()["message"]


def test_the_api_s_root_says_where_its_documentation_is(client, db):
    response = client.get("/api/v1/")
    assert response.status_code == 200
    assert response.json()["documentation"] == "/api/v1/docs" and response.json()["openapi"] == "/api/v1/openapi.json"


@pytest.mark.parametrize("path", ["/api/v1/projects?territory=nulle-part", "/api/v1/reports?territory=nulle-part",
                                  "/api/v1/territories/nulle-part"])
def test_an_unknown_territory_is_a_404_that_names_it(client, db, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"  # the documented code; the message names it
    assert "Territoire inconnu : « nulle-part »" in response.json()["message"]
