"""FixMyStreet's servicerequestupdates extension, several media, status_notes and long id polls.

FixMyStreet (perllib/Open311.pm) reads GET servicerequestupdates.xml?api_key&start_date&end_date
as <service_request_updates><request_update>…, and posts a resident's update with service_request_id,
update_id (its own id), status (OPEN/CLOSED), description, media_url (repeated) or photo1, photo2…,
reading <request_update><update_id> from the answer.
"""

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone
from PIL import Image

from alleger.accounts.services import api_token_create
from alleger.reports import services
from alleger.reports.models import Report, ReportMedia, ReportUpdate, Status
from alleger.testing.factories import UserFactory
from alleger.testing.reports_factories import make_category, make_report

from .test_open311 import BASE, assert_error, data, xml

pytestmark = pytest.mark.django_db

UPDATE_FIELDS = ["update_id", "service_request_id", "status", "updated_datetime", "description", "media_url",
                 "external_status_code"]


def png(name="velo.png", size=(20, 20)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


@pytest.fixture
def category(territory):
    return make_category(territory=territory)


@pytest.fixture
def agent(category):
    user = UserFactory(email="agent@ville.example", display_name="Service des vélos")
    category.agents.add(user)
    return user


@pytest.fixture
def agent_key(agent):
    return api_token_create(user=agent, name="Back-office")[1]


@pytest.fixture
def resident_key(resident):
    return api_token_create(user=resident, name="Appli")[1]


@pytest.fixture
def report(category, resident):
    return make_report(category=category, reporter=resident)


def post_update(client, fmt="json", **params):
    return client.post(f"{BASE}/servicerequestupdates.{fmt}", params)


def state(report):
    report.refresh_from_db()
    return (report.status, report.status_notes, ReportUpdate.objects.count(), ReportMedia.objects.count())


# --- GET servicerequestupdates -----------------------------------------------------------


def test_get_lists_the_timeline_after_the_creation_oldest_first(client, report, moderator):
    services.report_set_status(report=report, actor=moderator, status=Status.IN_PROGRESS, note="Équipe prévenue.")
    fixed = services.report_set_status(report=report, actor=moderator, status=Status.FIXED, note="Freins réglés.",
                                       media_urls=["https://photos.example/apres.jpg"])
    updates = data(client.get(f"{BASE}/servicerequestupdates.json"))
    assert [list(u) for u in updates] == [UPDATE_FIELDS, UPDATE_FIELDS]
    first, second = updates
    assert (first["service_request_id"], first["status"], first["external_status_code"], first["description"],
            first["media_url"]) == (str(report.pk), "open", "in_progress", "Équipe prévenue.", None)
    assert (second["update_id"], second["status"], second["external_status_code"], second["media_url"]) == (
        str(fixed.pk), "closed", "fixed", "https://photos.example/apres.jpg")
    assert second["updated_datetime"].endswith("+00:00")


def test_get_xml_is_what_fixmystreet_reads(client, report, moderator):
    services.report_set_status(report=report, actor=moderator, status=Status.CLOSED, note="")
    root = xml(client.get(f"{BASE}/servicerequestupdates.xml", {"api_key": "ignored"}))
    assert root.tag == "service_request_updates"
    [update] = root
    assert update.tag == "request_update" and [c.tag for c in update] == UPDATE_FIELDS
    assert (update.findtext("status"), update.findtext("description")) == ("closed", "")


def test_get_filters_on_the_time_of_the_update(client, report, moderator):
    update = services.report_set_status(report=report, actor=moderator, status=Status.IN_PROGRESS, note="Vu.")
    ReportUpdate.objects.update(created_at=F("created_at") - timedelta(days=100))  # the whole timeline
    assert data(client.get(f"{BASE}/servicerequestupdates.json")) == []  # outside the last 90 days
    day = timezone.now() - timedelta(days=100)
    window = {"start_date": (day - timedelta(hours=1)).isoformat(), "end_date": (day + timedelta(hours=1)).isoformat()}
    assert [u["update_id"] for u in data(client.get(f"{BASE}/servicerequestupdates.json", window))] == [
        str(update.pk)]


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("params", "contains"), [
    ({"start_date": "hier"}, "start_date"),
    ({"start_date": "2024-05-01T10:00:00"}, "start_date"),
    ({"start_date": "2024-01-01T00:00:00Z", "end_date": "2024-06-01T00:00:00Z"}, "90 jours"),
    ({"start_date": "9999-12-31"}, "années"),
    ({"end_date": "0001-01-01"}, "années"),
])
def test_get_with_bad_dates_is_400(client, category, fmt, params, contains):
    assert_error(client.get(f"{BASE}/servicerequestupdates.{fmt}", params), 400, fmt, contains=contains)


def test_get_lists_one_jurisdiction(client, report, moderator, other_territory):
    lyon = make_report(category=make_category(territory=other_territory, service_code="nid-de-poule",
                                              name="Nid-de-poule"), lat=45.75, lon=4.85)
    services.report_set_status(report=report, actor=moderator, status=Status.CLOSED, note="ok")
    services.report_set_status(report=lyon, actor=UserFactory(is_superuser=True), status=Status.CLOSED, note="ok")
    assert_error(client.get(f"{BASE}/servicerequestupdates.json"), 400, contains="jurisdiction_id")
    listed = data(client.get(f"{BASE}/servicerequestupdates.json", {"jurisdiction_id": "lyon"}))
    assert [u["service_request_id"] for u in listed] == [str(lyon.pk)]


# --- POST servicerequestupdates ------------------------------------------------------------


def test_the_service_posts_an_update_the_way_fixmystreet_does(client, report, agent, agent_key):
    response = post_update(client, "xml", api_key=agent_key, service_request_id=str(report.pk), update_id="c123",
                           status="CLOSED", description="Freins changés.", first_name="Léa", last_name="-",
                           updated_datetime="2026-05-01T10:00:00+02:00")
    assert response.status_code == 200
    root = xml(response)
    assert root.tag == "service_request_updates" and [c.tag for c in root] == ["request_update"]
    update = ReportUpdate.objects.get(pk=root.findtext("request_update/update_id"))
    assert (update.report, update.author, update.status, update.note, update.external_id) == (
        report, agent, Status.CLOSED, "Freins changés.", "c123")
    report.refresh_from_db()
    assert (report.status, report.status_notes) == (Status.CLOSED, "Freins changés.")
    [listed] = data(client.get(f"{BASE}/servicerequestupdates.json"))
    assert (listed["update_id"], listed["status"]) == (str(update.pk), "closed")


def test_a_retry_with_the_same_update_id_returns_the_first_update(client, report, agent_key):
    first = data(post_update(client, api_key=agent_key, service_request_id=str(report.pk), update_id="c1",
                             status="closed", description="Réparé."))
    before = state(report)
    again = data(post_update(client, api_key=agent_key, service_request_id=str(report.pk), update_id="c1",
                             status="closed", description="Réparé."))
    assert again == first and state(report) == before


def test_open_keeps_in_progress_and_external_status_code_is_precise(client, report, agent_key, moderator):
    services.report_set_status(report=report, actor=moderator, status=Status.IN_PROGRESS, note="Commandé.")
    post_update(client, api_key=agent_key, service_request_id=str(report.pk), status="open", description="Livré.")
    report.refresh_from_db()
    assert (report.status, report.status_notes) == (Status.IN_PROGRESS, "Livré.")
    post_update(client, api_key=agent_key, service_request_id=str(report.pk), status="closed",
                external_status_code="fixed")
    report.refresh_from_db()
    assert report.status == Status.FIXED
    post_update(client, api_key=agent_key, service_request_id=str(report.pk), status="IN_PROGRESS")
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS


def test_an_update_keeps_every_photo_and_link(client, report, agent_key):
    response = client.post(f"{BASE}/servicerequestupdates.json", {
        "api_key": agent_key, "service_request_id": str(report.pk), "status": "closed",
        "media_url": ["https://photos.example/1.jpg", "https://photos.example/2.jpg"],
        "photo2": png("deux.png", size=(22, 22)), "photo1": png("un.png", size=(21, 21))})
    [answer] = data(response)
    update = ReportUpdate.objects.get(pk=answer["update_id"])
    media = list(update.media.order_by("pk"))
    # In the order of their numbers, told apart by their sizes (the stored names are random)
    assert [(m.photo.name.startswith("reports/"), m.photo.width) for m in media[:2]] == [(True, 21), (True, 22)]
    assert [m.url for m in media[2:]] == ["https://photos.example/1.jpg", "https://photos.example/2.jpg"]
    [listed] = data(client.get(f"{BASE}/servicerequestupdates.json"))
    assert listed["media_url"] == f"http://testserver{media[0].photo.url}"


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(("changes", "status", "contains"), [
    ({"api_key": None}, 403, "api_key"),
    ({"api_key": "alg_nimportequoi"}, 403, "api_key"),
    ({"api_key": "resident"}, 403, "service en charge"),
    ({"service_request_id": None}, 400, "service_request_id"),
    ({"service_request_id": "abc"}, 400, "service_request_id"),
    ({"service_request_id": "999999"}, 404, "999999"),
    ({"jurisdiction_id": "lyon"}, 404, "Aucune demande"),
    ({"status": None}, 400, "status"),
    ({"status": "pending"}, 400, "status"),
    ({"external_status_code": "fixed"}, 400, "external_status_code"),  # fixed is not an open status
    ({"status": "open", "description": None}, 400, "Rien n'a changé"),
    ({"updated_datetime": "hier"}, 400, "updated_datetime"),
    ({"media_url": "javascript:alert(1)"}, 400, "lien"),
    ({"description": "x" * 4001}, 400, "4 000"),
    ({"update_id": "x" * 101}, 400, "100"),
])
def test_refused_updates_change_nothing(client, report, agent_key, resident_key, other_territory, fmt, changes,
                                        status, contains):
    params = {"api_key": agent_key, "service_request_id": str(report.pk), "status": "open",
              "description": "Vu sur place."}
    params.update(changes)
    if params["api_key"] == "resident":
        params["api_key"] = resident_key
    before = state(report)
    response = post_update(client, fmt, **{k: v for k, v in params.items() if v is not None})
    assert_error(response, status, fmt, contains=contains)
    assert state(report) == before


def test_an_update_with_a_file_that_is_not_an_image_changes_nothing(client, report, agent_key):
    before = state(report)
    response = client.post(f"{BASE}/servicerequestupdates.json", {
        "api_key": agent_key, "service_request_id": str(report.pk), "status": "closed",
        "photo1": SimpleUploadedFile("x.png", b"not an image", content_type="image/png")})
    assert_error(response, 400, contains="image")
    assert state(report) == before


def test_a_duplicate_stays_a_duplicate_when_the_service_adds_a_note(client, category, report, agent_key, moderator):
    original = make_report(category=category)
    services.report_set_status(report=report, actor=moderator, status=Status.DUPLICATE, duplicate_of=original)
    post_update(client, api_key=agent_key, service_request_id=str(report.pk), status="closed", description="Vu.")
    report.refresh_from_db()
    assert (report.status, report.duplicate_of, report.status_notes) == (Status.DUPLICATE, original, "Vu.")


# --- POST requests: every media -------------------------------------------------------------


def test_a_request_keeps_every_link_and_uploaded_photo(client, category, resident_key):
    response = client.post(f"{BASE}/requests.json", {
        "api_key": resident_key, "service_code": "velo-partage", "lat": "45.44", "long": "4.39",
        "media_url": ["https://photos.example/a.jpg", "https://photos.example/b.jpg"],
        "media": png("face.png", size=(23, 23)), "photo1": png("profil.png", size=(24, 24))})
    [answer] = data(response)
    report = Report.objects.get(pk=answer["service_request_id"])
    assert report.photo.width == 23 and report.media_url == "https://photos.example/a.jpg"
    extra = list(report.media.order_by("pk"))
    assert [m.photo.width if m.photo else None for m in extra] == [24, None]
    assert extra[1].url == "https://photos.example/b.jpg"
    with report.photo.open("rb") as stored, Image.open(stored) as image:
        assert image.format == "PNG" and not image.info.get("exif")  # the report form's pipeline


def test_a_request_with_too_many_media_is_refused(client, category, resident_key):
    urls = [f"https://photos.example/{i}.jpg" for i in range(11)]
    response = client.post(f"{BASE}/requests.json", {"api_key": resident_key, "service_code": "velo-partage",
                                                     "lat": "45.44", "long": "4.39", "media_url": urls})
    assert_error(response, 400, contains="10")
    assert not Report.objects.exists() and not ReportMedia.objects.exists()


# --- status_notes -----------------------------------------------------------------------------


def test_status_notes_is_the_last_public_note_also_for_open_requests(client, report, moderator):
    def notes():
        return data(client.get(f"{BASE}/requests/{report.pk}.json"))[0]["status_notes"]

    assert notes() == "Signalement transmis à Service des vélos."
    services.report_set_status(report=report, actor=moderator, status=Status.OPEN, note="Nous passerons lundi.")
    assert notes() == "Nous passerons lundi."
    services.report_set_status(report=report, actor=moderator, status=Status.IN_PROGRESS)
    assert notes() == "En cours de traitement"  # a new status without a note: not the old note


# --- polls of many ids -------------------------------------------------------------------------


def test_a_poll_of_800_ids_works(client, category):
    reports = [make_report(category=category) for _ in range(3)]
    ids = [r.pk for r in reports] + list(range(9_000_000, 9_000_797))
    query = "service_request_id=" + ",".join(map(str, ids))
    assert len(ids) == 800 and len(query) > 6000
    listed = data(client.get(f"{BASE}/requests.json?{query}"))
    assert sorted(int(i["service_request_id"]) for i in listed) == sorted(r.pk for r in reports)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_poll_of_too_many_ids_is_414(client, category, fmt):
    query = "service_request_id=" + ",".join(str(i) for i in range(1, 1002))
    assert_error(client.get(f"{BASE}/requests.{fmt}?{query}"), 414, fmt, contains="1000 au maximum")


def test_the_report_page_shows_every_photo_and_link(client, category, resident_key, agent_key):
    [answer] = data(client.post(f"{BASE}/requests.json", {
        "api_key": resident_key, "service_code": "velo-partage", "lat": "45.44", "long": "4.39",
        "media_url": ["https://photos.example/a.jpg", "https://photos.example/b.jpg"],
        "media": png("face.png", size=(23, 23)), "photo1": png("profil.png", size=(24, 24))}))
    report = Report.objects.get(pk=answer["service_request_id"])
    post_update(client, api_key=agent_key, service_request_id=str(report.pk), status="closed",
                media_url="https://photos.example/apres.jpg")
    html = client.get(report.get_absolute_url()).content.decode()
    for url in ("https://photos.example/a.jpg", "https://photos.example/b.jpg", "https://photos.example/apres.jpg",
                report.photo.url, report.media.get(update=None, url="").photo.url):
        assert f'"{url}"' in html


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_uri_longer_than_gunicorns_request_line_is_414_in_the_open311_format(client, category, fmt):
    """Behind a server that lets it through, the same limit as alleger serve's gunicorn."""
    assert_error(client.get(f"{BASE}/requests.{fmt}", {"service_code": "x" * 8200}), 414, fmt, contains="8190")


def test_the_admin_lists_a_reports_media_and_the_clients_update_ids(client, report, agent_key, platform_admin):
    post_update(client, api_key=agent_key, service_request_id=str(report.pk), status="closed", update_id="fms-7",
                media_url="https://photos.example/apres.jpg")
    client.force_login(platform_admin)
    html = client.get(f"/admin/reports/report/{report.pk}/change/").content.decode()
    assert "https://photos.example/apres.jpg" in html and "fms-7" in html
