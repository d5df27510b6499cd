"""Report pages: without JavaScript, plain GET and POST forms do everything."""

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from alleger.kits.models import Kit
from alleger.reports import services
from alleger.reports.models import Report, ReportCategory, Status
from alleger.testing.assets_factories import AssetFactory, AssetTypeFactory
from alleger.testing.factories import UserFactory
from alleger.testing.kits_factories import make_kit
from alleger.testing.reports_factories import BRAKES, make_category, make_report, north_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def kit(territory):
    return make_kit(territory=territory, status=Kit.Status.PUBLISHED, title="Entretenir les vélos partagés")


@pytest.fixture
def category(territory, kit):
    return make_category(territory=territory, kits=[kit], attributes=[BRAKES])


def form_data(**changes):
    values = {"categorie": "velo-partage", "description": "Les freins ne serrent plus.", "lat": "45.44",
              "lon": "4.39", "address": "", "attr_panne": "freins"}
    values.update(changes)
    return {k: v for k, v in values.items() if v is not None}


def png(size=(20, 20)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, format="PNG")
    return SimpleUploadedFile("velo.png", buffer.getvalue(), content_type="image/png")


# --- the form ------------------------------------------------------------------------------


def test_reporting_asks_to_log_in(client, category):
    response = client.get("/signalements/t/saint-etienne/nouveau/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_step_one_lists_the_categories_as_links(client_of, resident, category):
    response = client_of(resident).get("/signalements/t/saint-etienne/nouveau/", {"lat": "45.44", "lon": "4.39"})
    assert response.status_code == 200
    assert 'href="?categorie=velo-partage&amp;lat=45.44&amp;lon=4.39"' in response.content.decode()


def test_step_one_shows_each_group_once_in_the_order_of_its_first_category(client_of, resident, territory):
    # Voirie's categories are not neighbours in the territory's order: Propreté comes between them.
    for order, (code, group) in enumerate([("mobilier", "Voirie"), ("velo", "Mobilité"), ("dechets", "Propreté"),
                                           ("trou", "Voirie"), ("divers", ""), ("lampe", "Voirie")]):
        make_category(territory=territory, service_code=code, name=f"Catégorie {code}", group=group, order=order)
    page = client_of(resident).get("/signalements/t/saint-etienne/nouveau/").content.decode()
    headings = re.findall(r"<h2>([^<]+)</h2>", page)
    assert headings == ["Voirie", "Mobilité", "Propreté"]
    voirie = page[page.index("<h2>Voirie</h2>"):page.index("<h2>Mobilité</h2>")]
    assert [code for code in ("mobilier", "trou", "lampe") if f"?categorie={code}" in voirie] == [
        "mobilier", "trou", "lampe"]
    assert page.index("?categorie=mobilier") < page.index("?categorie=trou") < page.index("?categorie=lampe")
    assert page.index("?categorie=divers") > page.index("?categorie=dechets")


def test_the_category_form_declares_the_helpful_asset_types_of_its_territory(client_of, territory,
                                                                              other_territory, category):
    cabinets = AssetTypeFactory(territory=territory, name="Armoire de bricolage")
    foreign = AssetTypeFactory(territory=other_territory, name="Armoire lyonnaise")
    client = client_of(UserFactory(is_superuser=True, is_staff=True))
    page = client.get(f"/signalements/t/saint-etienne/categories/{category.service_code}/").content.decode()
    assert "Armoire de bricolage" in page and "Armoire lyonnaise" not in page
    data = {"name": category.name, "service_code": category.service_code, "service_name": category.service_name,
            "service_email": category.service_email, "active": "on", "order": "0", "asset_types": [cabinets.pk]}
    assert client.post(f"/signalements/t/saint-etienne/categories/{category.service_code}/", data).status_code == 302
    assert list(category.asset_types.all()) == [cabinets]
    data["asset_types"] = [foreign.pk]
    assert client.post(f"/signalements/t/saint-etienne/categories/{category.service_code}/", data).status_code == 400
    assert list(category.asset_types.all()) == [cabinets]


def test_an_unknown_category_is_refused_in_french(client_of, resident, category):
    client = client_of(resident)
    response = client.get("/signalements/t/saint-etienne/nouveau/", {"categorie": "licorne"})
    assert response.status_code == 404
    assert "Cette catégorie de signalement n'existe pas sur ce territoire" in response.content.decode()
    response = client.post("/signalements/t/saint-etienne/nouveau/", form_data(categorie="licorne"))
    assert response.status_code == 404 and not Report.objects.exists()


def test_step_two_works_without_javascript(client_of, resident, category):
    response = client_of(resident).get("/signalements/t/saint-etienne/nouveau/", {"categorie": "velo-partage",
                                                                                 "lat": "45.44", "lon": "4.39"})
    page = response.content.decode()
    assert response.status_code == 200
    # Plain inputs for the place and the category's question: the map only fills them in.
    for name in ('name="lat"', 'name="lon"', 'name="address"', 'name="attr_panne"', 'name="photo"',
                 'enctype="multipart/form-data"'):
        assert name in page
    assert 'value="45.44"' in page
    # The picker opens on the territory, whatever the language (no decimal commas in data attributes).
    assert 'data-bbox="4.3,45.4,4.45,45.5"' in page


def test_a_report_is_sent_and_routed(client_of, resident, category, django_capture_on_commit_callbacks):
    client = client_of(resident)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/signalements/t/saint-etienne/nouveau/", form_data(photo=png(), show_name="on"))
    report = Report.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/signalements/{report.pk}/"
    assert (report.reporter, report.attributes, report.show_name, report.source) == (
        resident, {"panne": "freins"}, True, "web")
    assert report.photo
    assert mail.outbox[0].to == ["velos@ville.example"]
    page = client.get(response["Location"]).content.decode()
    assert "transmis à Service des vélos" in page and "Vérifié sous 48 heures." in page
    # The photo's text alternative says what and where, not just "a photo".
    assert 'alt="Photo du problème signalé : Vélo partagé en panne, latitude 45,44, longitude 4,39"' in page


def test_the_place_in_words(category, neighbourhood):
    answers = {"attributes": {"panne": "freins"}}
    assert make_report(category=category, lat=45.43, lon=4.37, **answers).place_label() == "quartier Jacquard"
    assert make_report(category=category, lat=45.43, lon=4.37, address="Place Jacquard",
                       **answers).place_label() == "Place Jacquard (Jacquard)"
    assert make_report(category=category, lat=None, lon=None, address="Gare", **answers).photo_alt() == (
        "Photo du problème signalé : Vélo partagé en panne, Gare")


def test_an_address_is_enough(client_of, resident, category):
    response = client_of(resident).post("/signalements/t/saint-etienne/nouveau/",
                                        form_data(lat="", lon="", address="8 rue Jacquard"))
    assert response.status_code == 302 and Report.objects.get().address == "8 rue Jacquard"


@pytest.mark.parametrize(("changes", "message"), [
    ({"lat": "48.85", "lon": "2.35"}, "Ce point est en dehors du territoire Saint-Étienne."),
    ({"lat": "", "lon": ""}, "Indiquez où se trouve le problème"),
    ({"lon": ""}, "Indiquez la latitude et la longitude ensemble."),
    ({"lat": "nord"}, "Saisissez un nombre."),
    ({"description": ""}, "Ce champ est obligatoire."),
    ({"attr_panne": "guidon"}, "Sélectionnez un choix valide"),
])
def test_bad_input_gets_a_french_error_and_writes_nothing(client_of, resident, category, changes, message,
                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_of(resident).post("/signalements/t/saint-etienne/nouveau/", form_data(**changes))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Le formulaire contient des erreurs" in page and message in page
    assert (Report.objects.count(), len(mail.outbox)) == (0, 0)


def test_a_huge_photo_gets_a_french_error_and_writes_nothing(settings, client_of, resident, category):
    settings.UPLOAD_MAX_BYTES = 2048
    big = SimpleUploadedFile("enorme.png", b"\x89PNG" + b"x" * 10_000, content_type="image/png")
    response = client_of(resident).post("/signalements/t/saint-etienne/nouveau/", form_data(photo=big))
    assert response.status_code == 400
    assert "L&#x27;image est trop lourde" in response.content.decode()
    assert not Report.objects.exists()


def test_a_form_sent_back_with_an_error_asks_for_the_photo_again(client_of, resident, category):
    """A browser never refills a file input: the person is told to attach the photo again."""
    response = client_of(resident).post("/signalements/t/saint-etienne/nouveau/",
                                        form_data(photo=png(), description=""))
    assert response.status_code == 400
    page = response.content.decode().replace("&#x27;", "'")
    assert "Le fichier joint n'a pas été gardé avec le formulaire renvoyé : joignez-le de nouveau." in page
    # Without a photo sent, nothing to say
    page = client_of(resident).post("/signalements/t/saint-etienne/nouveau/", form_data(description="")).content
    assert "joignez-le de nouveau" not in page.decode()


def test_a_report_next_to_an_open_one_asks_whether_it_is_the_same(client_of, resident, category):
    make_report(category=category, attributes={"panne": "freins"})
    lat, lon = north_of(45.44, 4.39, 30)
    response = client_of(resident).post("/signalements/t/saint-etienne/nouveau/",
                                        form_data(lat=f"{lat:.7f}", lon=f"{lon:.7f}"), follow=True)
    page = response.content.decode()
    assert "s&#x27;agit-il du même problème ?" in page
    assert "C'est le même problème que le n°" in page


# --- the report page ---------------------------------------------------------------------------


def test_the_page_suggests_the_kit_the_cabinet_and_duplicates(client, territory, category, kit):
    original = make_report(category=category, attributes={"panne": "freins"})
    lat, lon = north_of(45.44, 4.39, 49)
    report = make_report(category=category, lat=lat, lon=lon, attributes={"panne": "freins"})
    kind = AssetTypeFactory(territory=territory, slug="armoire", name="Armoire de bricolage")
    services.category_save(territory=territory, actor=UserFactory(is_superuser=True), category=category,
                           asset_types=[kind])
    AssetFactory(territory=territory, asset_type=kind, name="Armoire de bricolage du square",
                 is_tool_cabinet=True, lat=north_of(lat, lon, 200)[0], lon=lon)
    page = client.get(f"/signalements/{report.pk}/").content.decode()
    assert kit.get_absolute_url() in page
    assert "Armoire de bricolage du square" in page and "armoire de bricolage" in page and "à 200 m" in page
    assert f'href="/signalements/{original.pk}/"' in page and "à 49 m" in page
    # A visitor gets no "same problem" button: only the reporter does.
    assert "/meme-probleme/" not in page


def test_the_public_page_hides_the_reporters_identity(client_of, resident, moderator, category):
    report = make_report(category=category, reporter=resident, attributes={"panne": "freins"},
                         contact_phone="0600000000")
    public = client_of(None).get(f"/signalements/{report.pk}/").content.decode()
    assert resident.email not in public and "Clémence" not in public and "0600000000" not in public
    assert "nom non affiché" in public
    staff = client_of(moderator).get(f"/signalements/{report.pk}/").content.decode()
    assert resident.email in staff and "0600000000" in staff


def test_the_report_page_shows_a_small_map_with_a_text_alternative(client, category):
    report = make_report(category=category, address="Place Jacquard", attributes={"panne": "freins"})
    page = client.get(f"/signalements/{report.pk}/").content.decode()
    assert 'data-map data-geojson="place-map-data"' in page and "latitude" not in page
    assert "Place Jacquard · <a href=\"https://www.openstreetmap.org/?mlat=45.44&amp;mlon=4.39#map=17/45.44/4.39\"" in page
    unlocated = make_report(category=category, lat=None, lon=None, address="Gare", attributes={"panne": "freins"})
    assert "data-map" not in client.get(f"/signalements/{unlocated.pk}/").content.decode()
    # Without an address, the place in words says where the point is (the map needs JavaScript).
    pinned = make_report(category=category, lat=45.43971, lon=4.38725, attributes={"panne": "freins"})
    assert "un point sur la carte (45.43971, 4.38725)" in client.get(f"/signalements/{pinned.pk}/").content.decode()


def test_a_reporter_may_show_their_name(client, resident, category):
    report = make_report(category=category, reporter=resident, attributes={"panne": "freins"}, show_name=True)
    page = client.get(f"/signalements/{report.pk}/").content.decode()
    assert "Clémence" in page and resident.email not in page


def test_a_moderator_updates_the_status_and_the_reporter_hears_of_it(client_of, resident, moderator, category,
                                                                       django_capture_on_commit_callbacks):
    report = make_report(category=category, reporter=resident, attributes={"panne": "freins"})
    client = client_of(moderator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/signalements/{report.pk}/statut/",
                               {"status": "in_progress", "note": "Un agent passe jeudi."})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == Status.IN_PROGRESS
    assert mail.outbox[-1].to == [resident.email]
    page = client.get(f"/signalements/{report.pk}/").content.decode()
    assert "Un agent passe jeudi." in page and "En cours de traitement" in page


def test_marking_a_duplicate_needs_an_existing_original(client_of, moderator, category):
    report = make_report(category=category, attributes={"panne": "freins"})
    response = client_of(moderator).post(f"/signalements/{report.pk}/statut/",
                                         {"status": "duplicate", "duplicate_of": "999999"})
    assert response.status_code == 400 and "Le signalement n° 999999 n&#x27;existe pas." in response.content.decode()
    response = client_of(moderator).post(f"/signalements/{report.pk}/statut/", {"status": "duplicate"})
    assert response.status_code == 400
    report.refresh_from_db()
    assert report.status == Status.OPEN


def test_a_duplicate_page_points_to_its_original(client, moderator, category):
    original = make_report(category=category, attributes={"panne": "freins"})
    duplicate = make_report(category=category, attributes={"panne": "freins"})
    services.report_set_status(report=duplicate, actor=moderator, status=Status.DUPLICATE, duplicate_of=original)
    page = client.get(f"/signalements/{duplicate.pk}/").content.decode()
    assert "Ce signalement est un doublon" in page and f'href="/signalements/{original.pk}/"' in page
    assert f'href="/signalements/{duplicate.pk}/"' in client.get(f"/signalements/{original.pk}/").content.decode()


def test_residents_cannot_change_a_status(client_of, resident, other_resident, category):
    report = make_report(category=category, reporter=resident, attributes={"panne": "freins"})
    for person in (resident, other_resident):
        response = client_of(person).post(f"/signalements/{report.pk}/statut/", {"status": "fixed"})
        assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == Status.OPEN


def test_the_reporter_says_it_is_the_same_problem(client_of, resident, category):
    original = make_report(category=category, attributes={"panne": "freins"})
    mine = make_report(category=category, reporter=resident, attributes={"panne": "freins"})
    far = make_report(category=category, lat=north_of(45.44, 4.39, 80)[0], attributes={"panne": "freins"})
    client = client_of(resident)
    response = client.post(f"/signalements/{mine.pk}/meme-probleme/", {"original": far.pk})
    mine.refresh_from_db()
    assert response.status_code == 302 and mine.status == Status.OPEN  # not a nearby candidate
    response = client.post(f"/signalements/{mine.pk}/meme-probleme/", {"original": original.pk})
    mine.refresh_from_db()
    assert response["Location"] == f"/signalements/{original.pk}/"
    assert (mine.status, mine.duplicate_of) == (Status.DUPLICATE, original)


# --- lists ---------------------------------------------------------------------------------------


def test_the_territory_list_filters_paginates_and_has_a_map_list(client, territory, category, moderator):
    for i in range(23):
        make_report(category=category, description=f"Vélo n° {i}", attributes={"panne": "freins"})
    lights = make_category(territory=territory, service_code="eclairage", name="Éclairage public")
    fixed = make_report(category=lights, description="Lampadaire")
    services.report_set_status(report=fixed, actor=moderator, status=Status.FIXED, note="ok")
    response = client.get("/signalements/t/saint-etienne/")
    assert response.status_code == 200 and response.context["page"].paginator.count == 24
    assert len(response.context["page"]) == 20 and "Page 1 sur 2" in response.content.decode()
    assert "Les mêmes signalements, en liste" in response.content.decode()
    response = client.get("/signalements/t/saint-etienne/", {"statut": "fixed"})
    assert [r.pk for r in response.context["page"]] == [fixed.pk]
    response = client.get("/signalements/t/saint-etienne/", {"categorie": "eclairage", "page": 1})
    assert [r.pk for r in response.context["page"]] == [fixed.pk]
    response = client.get("/signalements/t/saint-etienne/", {"statut": "n-importe-quoi"})
    assert response.status_code == 200 and response.context["page"].paginator.count == 24


def test_my_reports_lists_only_mine(client_of, resident, category):
    mine = make_report(category=category, reporter=resident, attributes={"panne": "freins"})
    make_report(category=category, attributes={"panne": "freins"})
    response = client_of(resident).get("/signalements/mes-signalements/")
    assert [r.pk for r in response.context["reports"]] == [mine.pk]


def test_the_index_lists_territories_that_take_reports(client, category):
    assert "/signalements/t/saint-etienne/" in client.get("/signalements/").content.decode()


# --- categories ----------------------------------------------------------------------------------


def test_a_moderator_configures_a_category(client_of, moderator, territory, kit):
    client = client_of(moderator)
    response = client.post("/signalements/t/saint-etienne/categories/", {
        "name": "Nid-de-poule", "service_code": "nid-de-poule", "service_name": "Voirie",
        "service_email": "voirie@ville.example", "kits": [kit.pk], "active": "on", "order": 1})
    assert response.status_code == 302
    category = ReportCategory.objects.get(service_code="nid-de-poule")
    assert (category.territory, list(category.kits.all())) == (territory, [kit])
    response = client.post("/signalements/t/saint-etienne/categories/", {
        "name": "Autre", "service_code": "nid-de-poule", "service_name": "Voirie",
        "service_email": "voirie@ville.example", "order": 1})
    assert response.status_code == 400 and "déjà utilisé" in response.content.decode()
    assert ReportCategory.objects.count() == 1


def test_residents_cannot_configure_categories(client_of, resident, other_territory):
    assert client_of(resident).get("/signalements/t/saint-etienne/categories/").status_code in (403, 404)
