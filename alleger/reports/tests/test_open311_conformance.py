"""Every Open311 answer against the GeoReport v2 JSON Schemas, and every XML answer well-formed.

The schemas are in open311_schemas/ (SOURCE.md says which are official and which are ours, for the
answers the official set leaves out). Formats are checked too (`date-time`, `uri`): an empty string
is not a URI, so an empty optional field must be null.
"""

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from jsonschema import Draft4Validator
from PIL import Image
from referencing import Registry
from referencing.jsonschema import DRAFT4

from alleger.accounts.services import api_token_create
from alleger.reports import services
from alleger.reports.models import Report, Status
from alleger.testing.factories import UserFactory
from alleger.testing.reports_factories import BRAKES, make_category, make_report

from .test_open311 import BASE

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).parent / "open311_schemas"
REGISTRY = Registry().with_resources(
    (path.name, DRAFT4.create_resource(json.loads(path.read_text()))) for path in SCHEMAS.glob("*.json"))

#: Markup, entities and a CDATA end in a description must come back as text.
HOSTILE = "Freins <b>cassés</b> & \"pneu\" 'crevé' ]]> <![CDATA[x]]> &amp; </description> é"
#: Characters XML 1.0 cannot carry at all.
CONTROL = "Bip\x01\x08\x0b\x0c\x1b fin"


def png(name="velo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def assert_conforms(response, schema: str, status: int = 200):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == "application/json; charset=utf-8"
    body = json.loads(response.content)
    validator = Draft4Validator(REGISTRY.contents(schema), registry=REGISTRY,
                                format_checker=Draft4Validator.FORMAT_CHECKER)
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(body)]
    assert errors == []
    return body


@pytest.fixture
def world(client, territory, resident, other_territory):
    """A territory with the shapes an answer can take: a bare category, a hostile description, photos,
    links, a duplicate, a status with a note and media."""
    bikes = make_category(territory=territory, attributes=[BRAKES, {
        "code": "numero", "datatype": "string", "required": False, "order": 2, "description": "Numéro"}])
    make_category(territory=territory, service_code="eclairage", name="Éclairage", description="", group="",
                  keywords="", service_notice="")
    make_category(territory=other_territory, service_code="nid-de-poule", name="Nid-de-poule")
    agent = UserFactory()
    bikes.agents.add(agent)
    key = api_token_create(user=resident, name="Appli")[1]
    agent_key = api_token_create(user=agent, name="Back-office")[1]
    bare = make_report(category=bikes, attributes={"panne": "pneu"}, lat=None, lon=None, address="",
                       address_id="B-12", description="",
                       description_required=False)
    dup = make_report(category=bikes, attributes={"panne": "pneu"})
    services.report_set_status(report=dup, actor=agent, status=Status.DUPLICATE, duplicate_of=bare)
    return {"client": client, "key": key, "agent_key": agent_key, "bare": bare, "dup": dup, "bikes": bikes}


def create(world, description: str, fmt: str = "json"):
    """A report with a description, two photos and two links; then the service's note, same text."""
    client = world["client"]
    response = client.post(f"{BASE}/requests.{fmt}", {
        "api_key": world["key"], "jurisdiction_id": "saint-etienne", "service_code": "velo-partage",
        "lat": "45.44", "long": "4.39", "description": description, "attribute[panne]": "freins",
        "media_url": ["https://photos.example/a.jpg", "https://photos.example/b.jpg"],
        "media": png(), "photo1": png("deux.png")})
    report = Report.objects.order_by("-pk").first()
    update = client.post(f"{BASE}/servicerequestupdates.{fmt}", {
        "api_key": world["agent_key"], "service_request_id": str(report.pk), "update_id": "fms-1",
        "status": "open", "external_status_code": "in_progress", "description": description,
        "media_url": "https://photos.example/c.jpg"})
    return response, update, report


def answers(world, report, fmt: str):
    """Every GET the API serves (successes), for one format."""
    def get(path, **params):
        return world["client"].get(f"{BASE}/{path}.{fmt}", params)

    ids = f"{report.pk},{world['bare'].pk},{world['dup'].pk}"
    j = {"jurisdiction_id": "saint-etienne"}
    return {
        "discovery": get("discovery"),
        "services": get("services", **j),
        "service": get("services/velo-partage", **j),
        "bare_service": get("services/eclairage", **j),
        "requests": get("requests", **j),
        "request": get(f"requests/{report.pk}"),
        "bare_request": get(f"requests/{world['bare'].pk}"),
        "by_ids": get("requests", service_request_id=ids),
        "token": get(f"tokens/{report.token}"),
        "updates": get("servicerequestupdates", **j),
    }


ERRORS = [
    ("get", "services", {}),  # jurisdiction_id required: two territories
    ("get", "services", {"jurisdiction_id": "<&]]>"}),  # unknown, echoed back
    ("get", "services/licorne", {"jurisdiction_id": "saint-etienne"}),
    ("get", "requests", {"jurisdiction_id": "saint-etienne", "start_date": "hier"}),
    ("get", "requests", {"service_request_id": ",".join(map(str, range(1, 1100)))}),  # 414
    ("get", "requests/999999", {}),
    ("get", "tokens/inconnu", {}),
    ("post", "services", {}),  # 405
    ("post", "requests", {"api_key": "faux"}),
    ("post", "requests", {"api_key": "KEY", "jurisdiction_id": "saint-etienne", "service_code": "velo-partage"}),
    ("post", "servicerequestupdates", {"api_key": "KEY", "service_request_id": "1", "status": "open"}),  # 403
    ("get", "servicerequestupdates", {"jurisdiction_id": "saint-etienne", "end_date": "2024-01-01T00:00:00"}),
]


def errors(world, fmt: str):
    client = world["client"]
    for method, path, params in ERRORS:
        params = {k: world["key"] if v == "KEY" else v for k, v in params.items()}
        yield getattr(client, method)(f"{BASE}/{path}.{fmt}", params)
    yield client.get(f"{BASE}/licornes.{fmt}")


# --- JSON ------------------------------------------------------------------------------------


def test_every_json_answer_conforms_to_the_schemas(world):
    created, update, report = create(world, HOSTILE)
    assert_conforms(created, "alleger-post-answer.json")
    assert_conforms(update, "alleger-update-answer.json")
    got = answers(world, report, "json")
    assert_conforms(got["discovery"], "alleger-discovery.json")
    assert len(assert_conforms(got["services"], "services.json")) == 2
    assert assert_conforms(got["service"], "service-definition.json")["attributes"]
    assert assert_conforms(got["bare_service"], "service-definition.json")["attributes"] == []
    assert len(assert_conforms(got["requests"], "requests.json")) == 3
    [item] = assert_conforms(got["request"], "requests.json")
    assert item["description"] == HOSTILE
    [bare] = assert_conforms(got["bare_request"], "requests.json")
    assert (bare["description"], bare["media_url"], bare["lat"], bare["address"]) == (None, None, None, None)
    assert len(assert_conforms(got["by_ids"], "requests.json")) == 3
    assert_conforms(got["token"], "alleger-tokens.json")
    listed = assert_conforms(got["updates"], "alleger-request-updates.json")
    assert [u["description"] for u in listed] == [None, HOSTILE]  # the duplicate's step, the service's note


def test_every_json_error_conforms_to_the_schema(world):
    for response in errors(world, "json"):
        [error] = assert_conforms(response, "alleger-errors.json", response.status_code)
        assert error["code"] == response.status_code


# --- XML ---------------------------------------------------------------------------------------


def well_formed(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(response.content)  # raises on any XML that is not well-formed


@pytest.mark.parametrize("description", [
    HOSTILE,
    CONTROL,
])
def test_every_xml_answer_is_well_formed_with_a_hostile_description(world, description):
    created, update, report = create(world, description, "xml")
    assert created.status_code == update.status_code == 200
    well_formed(created)
    well_formed(update)
    got = answers(world, report, "xml")
    for name, response in got.items():
        assert response.status_code == 200, name
        root = well_formed(response)
        if name in ("request", "by_ids", "requests"):
            texts = [r.findtext("description") for r in root]
            assert Report.objects.get(pk=report.pk).description in texts, name
    update_notes = [u.findtext("description") for u in well_formed(got["updates"])]
    assert Report.objects.get(pk=report.pk).status_notes in update_notes


def test_every_xml_error_is_well_formed(world):
    for response in errors(world, "xml"):
        root = well_formed(response)
        assert root.tag == "errors" and root.findtext("error/code") == str(response.status_code)
