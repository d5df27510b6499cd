"""Reports: routing, status updates and their notifications, duplicates, suggestions, refusals."""

import io

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from alleger.assets.models import Asset
from alleger.core.errors import Refused
from alleger.core.models import AuditEvent
from alleger.core.tests.test_translations import compiled_locale, translated  # noqa: F401 (fixtures)
from alleger.kits.models import Kit
from alleger.reports import selectors, services
from alleger.reports.geo import haversine_m
from alleger.reports.models import Report, ReportUpdate, Status
from alleger.testing.assets_factories import AssetFactory, AssetTypeFactory
from alleger.testing.factories import UserFactory
from alleger.testing.kits_factories import make_kit
from alleger.testing.reports_factories import BRAKES, make_category, make_report, north_of

pytestmark = pytest.mark.django_db

HERE = (45.44, 4.39)


@pytest.fixture
def category(territory):
    return make_category(territory=territory)


def png(size=(20, 20)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format="PNG")
    return SimpleUploadedFile("velo.png", buffer.getvalue(), content_type="image/png")


# --- routing -----------------------------------------------------------------------


def test_a_report_is_routed_to_the_service_of_its_category(territory, resident, category,
                                                           django_capture_on_commit_callbacks):
    category.service_notice = "Mise en sécurité sous 72 heures."
    category.save()
    with django_capture_on_commit_callbacks(execute=True):
        report = make_report(category=category, reporter=resident, address="Place de l'Hôtel de Ville")
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {"velos@ville.example", resident.email} and len(mail.outbox) == 2
    message = sent["velos@ville.example"]
    assert f"n° {report.pk}" in message.subject and "Vélo partagé en panne" in message.subject
    assert "Freins HS." in message.body and f"/signalements/{report.pk}/" in message.body
    # The service gets the reporter's contact, to follow up.
    assert resident.email in message.body
    assert report.updates.get().status == Status.OPEN
    assert AuditEvent.objects.filter(action="report.create", target_id=str(report.pk)).exists()
    # The reporter gets the report's number and the link to follow it, at once.
    receipt = sent[resident.email]
    assert receipt.subject == f"[Alléger] Signalement n° {report.pk} enregistré : Vélo partagé en panne"
    assert f"enregistré sous le n° {report.pk} et transmis au service en charge : {category.service_name}." \
        in receipt.body
    assert f"/signalements/{report.pk}/" in receipt.body and "Place de l'Hôtel de Ville" in receipt.body
    assert "Mise en sécurité sous 72 heures." in receipt.body  # what the service commits to


def test_the_receipt_goes_to_the_contact_address_given_and_to_nobody_without_one(
        territory, category, django_capture_on_commit_callbacks):
    from django.contrib.auth.models import AnonymousUser

    with django_capture_on_commit_callbacks(execute=True):
        make_report(category=category, reporter=AnonymousUser(), address="Rue de la Paix",
                    contact_email="Jo@Example.org")
    assert sorted(m.to[0] for m in mail.outbox) == ["jo@example.org", "velos@ville.example"]
    receipt = next(m for m in mail.outbox if m.to == ["jo@example.org"])
    # An address an application gave is not checked: it gets nothing its sender wrote, only the number
    assert "Freins HS." not in receipt.body and "Rue de la Paix" not in receipt.body
    assert "/signalements/" in receipt.body
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        make_report(category=category, reporter=AnonymousUser(), address="Rue de la Paix")
    assert [m.to[0] for m in mail.outbox] == ["velos@ville.example"]


def test_the_service_reads_the_place_in_plain_coordinates_and_the_answers_in_words(
        territory, resident, django_capture_on_commit_callbacks):
    bikes = make_category(territory=territory, attributes=[BRAKES])
    with django_capture_on_commit_callbacks(execute=True):
        make_report(category=bikes, reporter=resident, lat=45.4397, lon=4.3872, attributes={"panne": "freins"})
    body = mail.outbox[0].body
    # Dots, not the French decimal comma (« 45,439700, 4,387200 » reads as four numbers), and a map link.
    assert "Coordonnées (latitude, longitude) : 45.439700, 4.387200" in body
    assert "https://www.openstreetmap.org/?mlat=45.439700&mlon=4.387200" in body
    assert "Lieu :  " not in body
    assert "Qu'est-ce qui ne fonctionne pas ? Freins" in body and "panne :" not in body and "freins\n" not in body


def test_the_routing_note_is_stored_in_the_site_s_language_whatever_the_reporter_s(
        territory, resident, category, translated):  # noqa: F811 (the fixture)
    """Everyone reads the stored note (the timeline, Open311's status_notes): not in English because
    the reporter browsed in English."""
    with translation.override("en"):
        assert translation.gettext("Signalement transmis à %(service)s.").startswith("Report sent")
        report = make_report(category=category, reporter=resident)
    assert report.status_notes.startswith("Signalement transmis à ")
    assert report.updates.get().note == report.status_notes


def test_each_category_routes_to_its_own_service(territory, resident, django_capture_on_commit_callbacks):
    bikes = make_category(territory=territory)
    lights = make_category(territory=territory, service_code="eclairage", name="Éclairage public",
                           service_email="eclairage@ville.example")
    with django_capture_on_commit_callbacks(execute=True):
        make_report(category=lights, reporter=resident)
        make_report(category=bikes, reporter=resident)
    services_told = [m.to for m in mail.outbox if m.to != [resident.email]]
    assert services_told == [["eclairage@ville.example"], ["velos@ville.example"]]


def test_the_report_is_placed_in_its_neighbourhood(territory, neighbourhood, category):
    report = make_report(category=category, lat=45.43, lon=4.37)
    assert report.neighbourhood == neighbourhood


def test_a_photo_is_cleaned_and_kept(category):
    report = make_report(category=category, photo=png())
    assert report.photo.name.startswith("reports/") and report.photo.name.endswith(".png")


# --- refusals change nothing --------------------------------------------------------


@pytest.mark.parametrize(("arguments", "code"), [
    ({"lat": 48.85, "lon": 2.35}, "out_of_territory"),
    ({"lat": None, "lon": None}, "location_required"),
    ({"lat": 45.44, "lon": None}, "location_incomplete"),
    ({"description": "   "}, "description_required"),
    ({"description": "x" * 4001}, "description_too_long"),
    ({"attributes": {}}, "attribute_required"),
    ({"attributes": {"panne": "guidon"}}, "attribute_invalid"),
    ({"media_url": "javascript:alert(1)"}, "media_url_invalid"),
    ({"contact_email": "pas-un-email"}, "email_invalid"),
])
def test_bad_input_is_refused_in_french_and_writes_nothing(territory, resident, arguments, code,
                                                           django_capture_on_commit_callbacks):
    category = make_category(territory=territory, attributes=[BRAKES])
    values = {"lat": 45.44, "lon": 4.39, "description": "Freins HS.", "attributes": {"panne": "freins"}}
    values.update(arguments)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Refused) as refused:
        services.report_create(territory=territory, category=category, reporter=resident, **values)
    assert refused.value.code == code
    assert refused.value.messages[0][0].isupper() or refused.value.messages[0].startswith("«")
    assert (Report.objects.count(), ReportUpdate.objects.count(), len(mail.outbox)) == (0, 0, 0)


def test_a_category_of_another_territory_is_refused(territory, other_territory, resident):
    elsewhere = make_category(territory=other_territory)
    with pytest.raises(Refused) as refused:
        services.report_create(territory=territory, category=elsewhere, reporter=resident, description="x",
                               lat=45.44, lon=4.39)
    assert refused.value.code == "unknown_category"
    assert "n'existe pas" in refused.value.messages[0]
    assert not Report.objects.exists()


def test_a_huge_photo_is_refused_and_nothing_is_written(settings, category, resident):
    settings.UPLOAD_MAX_PIXELS = 10_000
    with pytest.raises(Refused) as refused:
        make_report(category=category, reporter=resident, photo=png((120, 120)))  # over the cap, under twice the cap
    assert refused.value.code == "too_large"
    assert "trop grande" in refused.value.messages[0]
    assert not Report.objects.exists()


def test_a_photo_too_heavy_is_refused(settings, category):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(Refused) as refused:
        make_report(category=category, photo=SimpleUploadedFile("big.png", b"x" * 5000, content_type="image/png"))
    assert refused.value.code == "too_large" and "trop lourde" in refused.value.messages[0]
    assert not Report.objects.exists()


def test_an_address_alone_is_a_location(category):
    report = make_report(category=category, lat=None, lon=None, address="12 rue de la République")
    assert (report.lat, report.address) == (None, "12 rue de la République")


# --- status updates notify the reporter ----------------------------------------------


def test_a_status_change_notifies_the_reporter_and_joins_the_timeline(category, resident, moderator,
                                                                      django_capture_on_commit_callbacks):
    report = make_report(category=category, reporter=resident)
    with django_capture_on_commit_callbacks(execute=True):
        services.report_set_status(report=report, actor=moderator, status=Status.IN_PROGRESS,
                                   note="Le service passe demain.")
        services.report_set_status(report=report, actor=moderator, status=Status.FIXED, note="Freins réglés.")
    assert [m.to for m in mail.outbox] == [[resident.email], [resident.email]]
    assert "En cours de traitement" in mail.outbox[0].subject and "Le service passe demain." in mail.outbox[0].body
    assert "Réparé" in mail.outbox[1].subject
    report.refresh_from_db()
    assert (report.status, report.status_notes, report.open311_status) == (Status.FIXED, "Freins réglés.", "closed")
    assert list(report.updates.values_list("status", flat=True)) == ["open", "in_progress", "fixed"]
    assert AuditEvent.objects.filter(action="report.status", target_id=str(report.pk)).count() == 2


def test_an_open311_contact_is_notified_instead_of_the_account(category, resident, moderator,
                                                               django_capture_on_commit_callbacks):
    report = make_report(category=category, reporter=resident, contact_email="Habitant@Example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.report_set_status(report=report, actor=moderator, status=Status.CLOSED, note="Vu.")
    assert mail.outbox[-1].to == ["habitant@example.org"]


def test_a_change_without_anything_new_is_refused(category, moderator):
    report = make_report(category=category)
    with pytest.raises(Refused) as refused:
        services.report_set_status(report=report, actor=moderator, status=Status.OPEN)
    assert refused.value.code == "no_change"
    assert report.updates.count() == 1


def test_a_duplicate_points_to_its_original_and_chains_collapse(category, moderator):
    first, second, third = (make_report(category=category) for _ in range(3))
    services.report_set_status(report=second, actor=moderator, status=Status.DUPLICATE, duplicate_of=first)
    # third is a duplicate of second, which is a duplicate of first: it points to first.
    services.report_set_status(report=third, actor=moderator, status=Status.DUPLICATE, duplicate_of=second)
    third.refresh_from_db()
    assert third.duplicate_of == first
    with pytest.raises(Refused) as refused:
        services.report_set_status(report=first, actor=moderator, status=Status.DUPLICATE, duplicate_of=third)
    assert refused.value.code == "original_is_itself"
    with pytest.raises(Refused) as refused:
        services.report_set_status(report=first, actor=moderator, status=Status.DUPLICATE)
    assert refused.value.code == "original_required"
    first.refresh_from_db()
    assert first.status == Status.OPEN


def test_reports_that_pointed_to_a_new_duplicate_follow_it_to_the_original(category, moderator):
    a, b, c = (make_report(category=category) for _ in range(3))
    services.report_set_status(report=b, actor=moderator, status=Status.DUPLICATE, duplicate_of=a)
    services.report_set_status(report=a, actor=moderator, status=Status.DUPLICATE, duplicate_of=c)
    b.refresh_from_db()
    assert b.duplicate_of == c


def test_a_duplicate_of_a_report_elsewhere_is_refused(category, other_territory, moderator):
    here = make_report(category=category)
    there = make_report(category=make_category(territory=other_territory), lat=45.75, lon=4.85)
    with pytest.raises(Refused) as refused:
        services.report_set_status(report=here, actor=moderator, status=Status.DUPLICATE, duplicate_of=there)
    assert refused.value.code == "original_elsewhere"


# --- possible duplicates within 50 m ---------------------------------------------------


def test_possible_duplicates_are_open_reports_of_the_category_within_50_m(territory, category):
    original = make_report(category=category, lat=HERE[0], lon=HERE[1])
    at_49 = north_of(*HERE, 49)
    at_51 = north_of(*HERE, 51)
    assert haversine_m(*HERE, *at_49) == pytest.approx(49, abs=0.01)
    assert [r for _, r in selectors.possible_duplicates(category=category, lat=at_49[0], lon=at_49[1])] == [original]
    assert selectors.possible_duplicates(category=category, lat=at_51[0], lon=at_51[1]) == []


def test_possible_duplicates_leave_out_other_categories_closed_reports_and_itself(territory, category, moderator):
    lights = make_category(territory=territory, service_code="eclairage", name="Éclairage")
    make_report(category=lights, lat=HERE[0], lon=HERE[1])
    closed = make_report(category=category, lat=HERE[0], lon=HERE[1])
    services.report_set_status(report=closed, actor=moderator, status=Status.CLOSED, note="Fait.")
    in_progress = make_report(category=category, lat=HERE[0], lon=HERE[1])
    services.report_set_status(report=in_progress, actor=moderator, status=Status.IN_PROGRESS)
    new = make_report(category=category, lat=HERE[0], lon=HERE[1])
    found = [r for _, r in selectors.possible_duplicates(category=category, lat=HERE[0], lon=HERE[1], exclude=new)]
    assert found == [in_progress]


# --- suggestions -------------------------------------------------------------------------


def test_the_report_suggests_the_categorys_published_kits(territory, resident):
    bikes_kit = make_kit(territory=territory, status=Kit.Status.PUBLISHED, title="Réparer les vélos partagés")
    draft = make_kit(territory=territory, title="Brouillon")
    category = make_category(territory=territory, kits=[bikes_kit, draft])
    report = make_report(category=category, reporter=resident)
    assert selectors.suggestions_for(report).kits == [bikes_kit]


def test_a_category_that_declares_nothing_offers_the_nearest_assets_within_500_m(territory, category):
    report = make_report(category=category, lat=HERE[0], lon=HERE[1])
    kind = AssetTypeFactory(territory=territory)
    bench = AssetFactory(territory=territory, asset_type=kind, name="Banc", lat=north_of(*HERE, 20)[0], lon=HERE[1])
    cabinet = AssetFactory(territory=territory, asset_type=kind, name="Armoire", is_tool_cabinet=True,
                           lat=north_of(*HERE, 300)[0], lon=HERE[1])
    AssetFactory(territory=territory, asset_type=kind, name="Trop loin", lat=north_of(*HERE, 520)[0], lon=HERE[1])
    AssetFactory(territory=territory, asset_type=kind, name="Proposé", lat=HERE[0], lon=HERE[1],
                 moderation=Asset.Moderation.PROPOSED)
    found = selectors.suggestions_for(report).assets
    assert [a for _, a in found] == [bench, cabinet]
    assert found[1][0] == pytest.approx(300, abs=0.5)


def test_nearby_assets_fit_the_category_declared_types_first_then_its_kits(territory):
    bikes_kit = make_kit(territory=territory, status=Kit.Status.PUBLISHED, title="Réparer les vélos partagés")
    cabinets, tobacconists, stations, benches = (AssetTypeFactory(territory=territory, slug=n.lower(), name=n)
                                                 for n in ("Armoire", "Tabac", "Station", "Banc"))
    stations.kits.add(bikes_kit)
    category = make_category(territory=territory, kits=[bikes_kit], asset_types=[cabinets, tobacconists])
    report = make_report(category=category, lat=HERE[0], lon=HERE[1])

    def at(kind, metres, **fields):
        return AssetFactory(territory=territory, asset_type=kind, lat=north_of(*HERE, metres)[0], lon=HERE[1],
                            **fields)

    at(benches, 5, name="Banc")
    station = at(stations, 10, name="Station")  # not declared, but its type carries the category's kit
    tobacconist = at(tobacconists, 100, name="Tabac")
    cabinet = at(cabinets, 250, name="Armoire", is_tool_cabinet=True)
    lending_bench = at(benches, 30, name="Banc prêteur")
    lending_bench.kits.add(bikes_kit)  # the asset itself carries the kit
    found = [a for _, a in selectors.suggestions_for(report).assets]
    assert found == [cabinet, tobacconist, station, lending_bench]


def test_a_category_cannot_declare_another_territorys_asset_type(territory, other_territory, category):
    foreign = AssetTypeFactory(territory=other_territory)
    actor = UserFactory(is_superuser=True)
    with pytest.raises(ValidationError) as refusal:
        services.category_save(territory=territory, actor=actor, category=category, asset_types=[foreign])
    assert refusal.value.code == "unknown_asset_type"
    assert list(category.asset_types.all()) == []


def test_a_report_without_a_point_has_no_nearby_suggestions(category):
    report = make_report(category=category, lat=None, lon=None, address="Rue Jacquard")
    suggestions = selectors.suggestions_for(report)
    assert (suggestions.assets, suggestions.duplicates) == ([], [])
