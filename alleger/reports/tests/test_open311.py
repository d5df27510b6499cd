"""Open311 GeoReport v2 conformance (http://wiki.open311.org/GeoReport_v2), both formats.

Each test names the part of the spec it checks. XML answers are parsed with
ElementTree and their element names checked; errors are a list of
{code, description} (XML: <errors><error><code/><description/></error></errors>).
"""

import json
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from alleger.accounts.services import api_token_create
from alleger.reports import services
from alleger.reports.models import Report, ServiceAttribute, Status
from alleger.testing.factories import UserFactory
from alleger.testing.reports_factories import BRAKES, make_category
from alleger.testing.reports_factories import make_report as _make_report

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"
REQUEST_FIELDS = ["service_request_id", "status", "status_notes", "service_name", "service_code", "description",
                  "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
                  "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url"]


@pytest.fixture
def category(territory):
    return make_category(territory=territory, attributes=[BRAKES, {
        "code": "numero_velo", "datatype": ServiceAttribute.Datatype.STRING, "required": False, "order": 2,
        "description": "Numéro du vélo", "datatype_description": "Sur le garde-boue."}])


@pytest.fixture
def api_key(resident):
    return api_token_create(user=resident, name="Appli de signalement")[1]


def make_report(**fields):
    fields.setdefault("attributes", {"panne": "freins"} if fields["category"].service_code == "velo-partage" else {})
    return _make_report(**fields)


def xml(response) -> ET.Element:
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


def data(response):
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(response.content)


def assert_error(response, status: int, fmt: str = "json", contains: str = ""):
    assert response.status_code == status
    if fmt == "json":
        body = data(response)
        assert isinstance(body, list) and len(body) == 1 and set(body[0]) == {"code", "description"}
        assert body[0]["code"] == status and contains in body[0]["description"]
    else:
        root = xml(response)
        assert root.tag == "errors"
        [error] = list(root)
        assert error.tag == "error" and [child.tag for child in error] == ["code", "description"]
        assert error.findtext("code") == str(status) and contains in error.findtext("description")


def post(client, fmt="json", **params):
    return client.post(f"{BASE}/requests.{fmt}", params)


def valid(api_key, **extra):
    params = {"api_key": api_key, "service_code": "velo-partage", "lat": "45.44", "long": "4.39",
              "description": "Freins HS", "attribute[panne]": "freins"}
    params.update(extra)
    return {k: v for k, v in params.items() if v is not None}


# --- Service discovery ----------------------------------------------------------------


def test_discovery_json(client, category):
    body = data(client.get(f"{BASE}/discovery.json"))
    [endpoint] = body["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"] == "http://testserver/open311/v2/"
    assert endpoint["type"] == "production" and endpoint["formats"] == ["text/xml", "application/json"]
    assert {"changeset", "contact", "key_service"} <= set(body)


def test_discovery_xml(client, category):
    root = xml(client.get(f"{BASE}/discovery.xml"))
    assert root.tag == "discovery"
    assert [c.tag for c in root] == ["changeset", "contact", "key_service", "endpoints"]
    endpoint = root.find("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


# --- GET Service List -------------------------------------------------------------------


def test_services_json(client, category):
    [service] = data(client.get(f"{BASE}/services.json"))
    assert service == {"service_code": "velo-partage", "service_name": "Vélo partagé en panne",
                       "description": "Un vélo en libre-service abîmé.", "metadata": True, "type": "realtime",
                       "keywords": "vélo, freins", "group": "Mobilité"}


def test_services_xml(client, category, territory):
    make_category(territory=territory, service_code="eclairage", name="Éclairage", order=9)
    root = xml(client.get(f"{BASE}/services.xml"))
    assert root.tag == "services" and [s.tag for s in root] == ["service", "service"]
    first, second = root
    assert [c.tag for c in first] == ["service_code", "service_name", "description", "metadata", "type",
                                      "keywords", "group"]
    assert (first.findtext("metadata"), second.findtext("metadata")) == ("true", "false")
    assert first.findtext("type") == "realtime"


def test_inactive_categories_are_not_services(client, category, territory):
    make_category(territory=territory, service_code="ancienne", name="Ancienne", active=False)
    assert [s["service_code"] for s in data(client.get(f"{BASE}/services.json"))] == ["velo-partage"]


# --- jurisdiction_id ----------------------------------------------------------------------


def test_jurisdiction_is_optional_with_one_territory(client, category):
    assert client.get(f"{BASE}/services.json").status_code == 200


def test_jurisdiction_is_required_with_several_territories(client, category, other_territory):
    make_category(territory=other_territory, service_code="nid-de-poule", name="Nid-de-poule")
    assert_error(client.get(f"{BASE}/services.json"), 400, contains="jurisdiction_id")
    assert_error(client.get(f"{BASE}/services.xml"), 400, "xml", contains="jurisdiction_id")
    [service] = data(client.get(f"{BASE}/services.json", {"jurisdiction_id": "lyon"}))
    assert service["service_code"] == "nid-de-poule"


def test_an_unknown_jurisdiction_is_404(client, category):
    assert_error(client.get(f"{BASE}/services.json", {"jurisdiction_id": "atlantide"}), 404,
                 contains="jurisdiction_id")
    assert_error(client.get(f"{BASE}/services.xml", {"jurisdiction_id": "atlantide"}), 404, "xml")


# --- GET Service Definition ------------------------------------------------------------------


def test_service_definition_json(client, category):
    body = data(client.get(f"{BASE}/services/velo-partage.json"))
    assert body["service_code"] == "velo-partage"
    first, second = body["attributes"]
    assert first == {"variable": True, "code": "panne", "datatype": "singlevaluelist", "required": True,
                     "datatype_description": None, "order": 1, "description": "Qu'est-ce qui ne fonctionne pas ?",
                     "values": [{"key": "freins", "name": "Freins"}, {"key": "pneu", "name": "Pneu crevé"}]}
    assert (second["code"], second["required"], second["values"]) == ("numero_velo", False, [])


def test_service_definition_xml(client, category):
    root = xml(client.get(f"{BASE}/services/velo-partage.xml"))
    assert root.tag == "service_definition"
    assert [c.tag for c in root] == ["service_code", "attributes"]
    attribute = root.find("attributes/attribute")
    assert [c.tag for c in attribute] == ["variable", "code", "datatype", "required", "datatype_description",
                                          "order", "description", "values"]
    assert attribute.findtext("variable") == "true" and attribute.findtext("required") == "true"
    values = attribute.findall("values/value")
    assert [(v.findtext("key"), v.findtext("name")) for v in values] == [("freins", "Freins"), ("pneu", "Pneu crevé")]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_path_and_a_crash_answer_open311_s_own_error_list(client, category, fmt, monkeypatch):
    """The site's 404 and 500 handlers speak Open311 under /open311/, in the path's format."""
    assert_error(client.get(f"{BASE}/nowhere.{fmt}"), 404, fmt)

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("alleger.reports.selectors.open311_requests", broken)
    client.raise_request_exception = False
    assert_error(client.get(f"{BASE}/requests.{fmt}"), 500, fmt, contains="erreur")


def test_an_unknown_service_is_404(client, category):
    assert_error(client.get(f"{BASE}/services/licorne.json"), 404, contains="service_code")
    assert_error(client.get(f"{BASE}/services/licorne.xml"), 404, "xml", contains="service_code")


# --- POST Service Request --------------------------------------------------------------------


def test_post_json_creates_a_routed_report_and_answers_its_id_not_a_token(client, category, api_key, resident,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(client, **valid(api_key, email="Lea@Example.org", first_name="Léa", last_name="Martin",
                                        phone="0600000000", **{"attribute[numero_velo]": "2417"},
                                        media_url="https://photos.example/velo.jpg"))
    assert response.status_code == 200
    [answer] = data(response)
    report = Report.objects.get(pk=answer["service_request_id"])
    # The spec: the answer carries a service_request_id or a token, never both.
    assert answer == {"service_request_id": str(report.pk), "service_notice": "Vérifié sous 48 heures.",
                      "account_id": str(resident.pk)}
    assert (report.reporter, report.source, report.attributes) == (
        resident, "open311", {"panne": "freins", "numero_velo": "2417"})
    assert (report.contact_email, report.contact_first_name, report.media_url) == (
        "lea@example.org", "Léa", "https://photos.example/velo.jpg")
    assert mail.outbox[0].to == ["velos@ville.example"]


def test_post_xml(client, category, api_key):
    root = xml(post(client, "xml", **valid(api_key)))
    assert root.tag == "service_requests"
    [request] = root
    assert request.tag == "request"
    assert [c.tag for c in request] == ["service_request_id", "service_notice", "account_id"]
    assert Report.objects.filter(pk=request.findtext("service_request_id")).exists()


def test_post_with_an_address_string_alone(client, category, api_key):
    response = post(client, **valid(api_key, lat=None, long=None, address_string="8 rue Jacquard"))
    assert response.status_code == 200
    assert Report.objects.get().address == "8 rue Jacquard"


def test_post_multi_value_attributes(client, territory, api_key):
    make_category(territory=territory, service_code="banc", name="Banc", attributes=[{
        "code": "pieces", "datatype": "multivaluelist", "required": True, "description": "Pièces",
        "values": [{"key": "latte", "name": "Latte"}, {"key": "pied", "name": "Pied"}]}])
    response = client.post(f"{BASE}/requests.json", {"api_key": api_key, "service_code": "banc", "lat": "45.44",
                                                     "long": "4.39", "description": "Banc",
                                                     "attribute[pieces][]": ["latte", "pied"]})
    assert response.status_code == 200
    assert Report.objects.get().attributes == {"pieces": ["latte", "pied"]}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("key", [None, "", "alg_nimportequoi", "pas-un-jeton"])
def test_post_without_a_valid_api_key_is_403(client, category, fmt, key):
    assert_error(post(client, fmt, **valid(key)), 403, fmt, contains="api_key")
    assert not Report.objects.exists()


def test_post_with_the_key_of_a_deactivated_account_is_403(client, category, api_key, resident):
    resident.is_active = False
    resident.save()
    assert_error(post(client, **valid(api_key)), 403)


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("changes", "status", "contains"), [
    ({"service_code": None}, 400, "service_code"),
    ({"service_code": "licorne"}, 404, "service_code"),
    ({"lat": None, "long": None}, 400, "lat"),
    ({"long": None}, 400, "lat"),
    ({"lat": "quarante-cinq"}, 400, "lat"),
    ({"lat": "48.85", "long": "2.35"}, 400, "en dehors du territoire"),
    ({"attribute[panne]": None}, 400, "panne"),
    ({"attribute[panne]": "guidon"}, 400, "panne"),
    ({"description": "x" * 4001}, 400, "4 000"),
    ({"email": "pas-un-email"}, 400, "e-mail"),
    ({"media_url": "ftp://photos.example/a.jpg"}, 400, "photo"),
    ({"media_url": "https://photos.example/" + "a" * 480}, 400, "500"),  # the column's size: no 500 on PostgreSQL
    ({"jurisdiction_id": "atlantide"}, 404, "jurisdiction_id"),
    # Over a column's size: refused (never cut, never a 500 on PostgreSQL)
    ({"email": "d" * 300 + "@x.fr"}, 400, "254"),
    ({"address_string": "rue " * 70}, 400, "250"),
    ({"address_id": "x" * 101}, 400, "100"),
    ({"first_name": "É" * 81}, 400, "80"),
    ({"last_name": "Z" * 81}, 400, "80"),
    ({"phone": "0" * 41}, 400, "40"),
])
def test_post_errors(client, category, api_key, fmt, changes, status, contains):
    assert_error(post(client, fmt, **valid(api_key, **changes)), status, fmt, contains=contains)
    assert not Report.objects.exists()


def test_post_without_a_description_is_accepted(client, category, api_key):
    """The spec makes description optional (the category and the answers may say it all)."""
    [answer] = data(post(client, **valid(api_key, description=None)))
    report = Report.objects.get(pk=answer["service_request_id"])
    assert report.description == ""
    [item] = data(client.get(f"{BASE}/requests/{report.pk}.json"))
    assert item["description"] is None
    assert client.get(report.get_absolute_url()).status_code == 200


def test_post_without_jurisdiction_among_several_territories_is_400(client, category, other_territory, api_key):
    make_category(territory=other_territory, service_code="nid-de-poule", name="Nid-de-poule")
    assert_error(post(client, **valid(api_key)), 400, contains="jurisdiction_id")
    assert post(client, **valid(api_key, jurisdiction_id="saint-etienne")).status_code == 200


def test_post_needs_no_csrf_token(category, api_key):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(f"{BASE}/requests.json", valid(api_key))
    assert response.status_code == 200


# --- GET service_request_id from a token ---------------------------------------------------


def test_token_json_and_xml(client, category, api_key):
    [answer] = data(post(client, **valid(api_key)))
    token = str(Report.objects.get(pk=answer["service_request_id"]).token)
    assert data(client.get(f"{BASE}/tokens/{token}.json")) == [
        {"service_request_id": answer["service_request_id"], "token": token}]
    root = xml(client.get(f"{BASE}/tokens/{token}.xml"))
    assert root.tag == "service_requests" and [c.tag for c in root.find("request")] == ["service_request_id", "token"]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_token_is_404(client, category, fmt):
    assert_error(client.get(f"{BASE}/tokens/00000000-0000-0000-0000-000000000000.{fmt}"), 404, fmt)
    assert_error(client.get(f"{BASE}/tokens/pas-un-jeton.{fmt}"), 404, fmt)


# --- GET Service Requests ----------------------------------------------------------------------


def _aged(report, days: float):
    Report.objects.filter(pk=report.pk).update(created_at=timezone.now() - timedelta(days=days))
    report.refresh_from_db()
    return report


def test_requests_json_lists_the_fields_of_the_spec_and_nothing_personal(client, category, resident):
    report = make_report(category=category, reporter=resident, address="Place de l'Hôtel de Ville",
                         attributes={"panne": "freins"}, contact_email="lea@example.org",
                         contact_first_name="Léa", contact_last_name="Martin", contact_phone="0600000000")
    [item] = data(client.get(f"{BASE}/requests.json"))
    assert list(item) == REQUEST_FIELDS
    assert (item["service_request_id"], item["status"], item["service_code"], item["agency_responsible"]) == (
        str(report.pk), "open", "velo-partage", "Service des vélos")
    assert (item["lat"], item["long"], item["address"]) == (45.44, 4.39, "Place de l'Hôtel de Ville")
    assert item["requested_datetime"].endswith("+00:00") and "T" in item["requested_datetime"]
    text = json.dumps(item)
    for private in (resident.email, resident.display_name, "lea@example.org", "Léa", "Martin", "0600000000"):
        assert private not in text


def test_requests_xml(client, category):
    make_report(category=category)
    root = xml(client.get(f"{BASE}/requests.xml"))
    assert root.tag == "service_requests"
    [request] = root
    assert request.tag == "request" and [c.tag for c in request] == REQUEST_FIELDS


def test_statuses_map_to_open_and_closed(client, category, moderator):
    reports = {status: make_report(category=category, description=status) for status in Status.values}
    for status, report in reports.items():
        if status == Status.DUPLICATE:
            services.report_set_status(report=report, actor=moderator, status=status, duplicate_of=reports["open"],
                                       note="Déjà signalé.")
        elif status != Status.OPEN:
            services.report_set_status(report=report, actor=moderator, status=status, note=f"note {status}")
    listed = {item["description"]: item for item in data(client.get(f"{BASE}/requests.json"))}
    assert {d: item["status"] for d, item in listed.items()} == {
        "open": "open", "in_progress": "open", "fixed": "closed", "closed": "closed", "duplicate": "closed"}
    assert listed["duplicate"]["status_notes"] == f"Doublon du signalement n° {reports['open'].pk}. Déjà signalé."
    open_only = {i["description"] for i in data(client.get(f"{BASE}/requests.json", {"status": "open"}))}
    closed_only = {i["description"] for i in data(client.get(f"{BASE}/requests.json", {"status": "closed"}))}
    both = data(client.get(f"{BASE}/requests.json", {"status": "open,closed"}))
    assert (open_only, closed_only, len(both)) == ({"open", "in_progress"}, {"fixed", "closed", "duplicate"}, 5)


def test_requests_filter_by_service_code(client, category, territory):
    lights = make_category(territory=territory, service_code="eclairage", name="Éclairage")
    make_report(category=category)
    make_report(category=lights)
    assert [i["service_code"] for i in data(client.get(f"{BASE}/requests.json", {"service_code": "eclairage"}))] == [
        "eclairage"]
    assert len(data(client.get(f"{BASE}/requests.json", {"service_code": "eclairage,velo-partage"}))) == 2


def test_service_request_id_lists_those_requests_and_ignores_the_other_filters(client, category, moderator):
    a, b, c = (make_report(category=category) for _ in range(3))
    _aged(a, 200)  # outside the default window…
    services.report_set_status(report=b, actor=moderator, status=Status.CLOSED, note="ok")
    listed = data(client.get(f"{BASE}/requests.json", {"service_request_id": f"{a.pk},{b.pk}", "status": "open",
                                                        "service_code": "autre"}))
    assert sorted(int(i["service_request_id"]) for i in listed) == [a.pk, b.pk]  # …yet listed


def test_the_default_window_is_the_last_90_days(client, category):
    recent, old = make_report(category=category), make_report(category=category)
    _aged(recent, 89)
    _aged(old, 91)
    assert [i["service_request_id"] for i in data(client.get(f"{BASE}/requests.json"))] == [str(recent.pk)]


def test_start_and_end_dates_choose_the_window(client, category):
    report = _aged(make_report(category=category), 120)
    day = report.created_at
    inside = {"start_date": (day - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
              "end_date": (day + timedelta(days=1)).isoformat()}
    assert len(data(client.get(f"{BASE}/requests.json", inside))) == 1
    only_start = {"start_date": (day - timedelta(days=2)).isoformat()}
    assert len(data(client.get(f"{BASE}/requests.json", only_start))) == 1
    after = {"start_date": (day + timedelta(hours=1)).isoformat()}
    assert data(client.get(f"{BASE}/requests.json", after)) == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("params", "contains"), [
    ({"start_date": "hier"}, "start_date"),
    ({"end_date": "2024-13-45T00:00:00Z"}, "end_date"),
    ({"start_date": "2024-05-01T10:00:00"}, "start_date"),  # no time zone: ambiguous
    ({"start_date": "2024-05-10T00:00:00Z", "end_date": "2024-05-01T00:00:00Z"}, "précéder"),
    ({"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-06-01T00:00:00Z"}, "90 jours"),
    ({"status": "pending"}, "status"),
    ({"service_request_id": "12,abc"}, "service_request_id"),
    # At the calendar's ends, a window or a time zone would step past what a date holds: 400, not 500
    ({"start_date": "9999-12-31T23:59:59Z"}, "années"),
    ({"end_date": "0001-01-01T00:00:00Z"}, "années"),
    ({"start_date": "0001-01-01T00:30:00+01:00", "end_date": "0001-01-02T00:00:00Z"}, "années"),
    ({"start_date": "9999-12-30T00:00:00Z", "end_date": "9999-12-31T23:59:00-01:00"}, "années"),
])
def test_bad_filters_are_400(client, category, fmt, params, contains):
    assert_error(client.get(f"{BASE}/requests.{fmt}", params), 400, fmt, contains=contains)


def test_at_most_1000_requests_are_returned(client, category):
    reporter = UserFactory()
    now = timezone.now()
    Report.objects.bulk_create([
        Report(territory=category.territory, category=category, reporter=reporter, description=f"n° {i}",
               lat=45.44, lon=4.39) for i in range(1005)])
    Report.objects.update(created_at=now - timedelta(days=1))
    listed = data(client.get(f"{BASE}/requests.json"))
    assert len(listed) == 1000
    root = xml(client.get(f"{BASE}/requests.xml"))
    assert len(root.findall("request")) == 1000


# --- GET Service Request ---------------------------------------------------------------------------


def test_one_request_is_a_list_of_one(client, category, moderator):
    report = make_report(category=category)
    services.report_set_status(report=report, actor=moderator, status=Status.IN_PROGRESS, note="Demain.")
    [item] = data(client.get(f"{BASE}/requests/{report.pk}.json"))
    assert (item["service_request_id"], item["status"], item["status_notes"]) == (str(report.pk), "open", "Demain.")
    root = xml(client.get(f"{BASE}/requests/{report.pk}.xml"))
    assert root.tag == "service_requests" and [r.tag for r in root] == ["request"]
    assert root.findtext("request/service_request_id") == str(report.pk)


def test_an_old_request_is_still_reachable_by_its_id(client, category):
    report = _aged(make_report(category=category), 400)
    assert len(data(client.get(f"{BASE}/requests/{report.pk}.json"))) == 1


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_request_is_404(client, category, fmt):
    assert_error(client.get(f"{BASE}/requests/999999.{fmt}"), 404, fmt)


def test_a_request_of_another_jurisdiction_is_404(client, category, other_territory):
    report = make_report(category=category)
    assert_error(client.get(f"{BASE}/requests/{report.pk}.json", {"jurisdiction_id": "lyon"}), 404)


def test_the_photo_is_the_media_url(client, category, api_key):
    report = make_report(category=category, media_url="https://photos.example/a.jpg")
    [item] = data(client.get(f"{BASE}/requests/{report.pk}.json"))
    assert item["media_url"] == "https://photos.example/a.jpg"


# --- formats and unknown resources ------------------------------------------------------------------


@pytest.mark.parametrize("path", ["discovery.html", "services.yaml", "services/velo-partage.csv",
                                  "requests.txt", "requests/1.pdf", "tokens/abc.rss"])
def test_an_unknown_format_is_404_in_xml(client, category, path):
    assert_error(client.get(f"{BASE}/{path}"), 404, "xml", contains="Format")


def test_an_unknown_resource_is_404(client, category):
    assert_error(client.get(f"{BASE}/licornes.json"), 404, "json")
    assert_error(client.get(f"{BASE}/licornes.xml"), 404, "xml")


def test_get_only_resources_refuse_post(client, category):
    response = client.post(f"{BASE}/services.json")
    assert response.status_code == 405 and response["Allow"] == "GET"
    assert data(response)[0]["code"] == 405
