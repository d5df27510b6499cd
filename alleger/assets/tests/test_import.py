"""Importing a city's dataset: idempotent on the source id, history kept, all or nothing."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from alleger.assets.imports import assets_import
from alleger.assets.models import Asset, AssetChange, AssetImport
from alleger.core.models import AuditEvent
from alleger.testing.assets_factories import AssetTypeFactory

pytestmark = pytest.mark.django_db

CSV = """id;nom;latitude;longitude;statut;participants_max;niveau
ARB-1;Tilleul de la place;45,4300;4,3700;ouvert;4;0
ARB-2;Platane du cours;45.4410;4.3910;fermé;;1
"""


@pytest.fixture
def trees(territory):
    return AssetTypeFactory(territory=territory, slug="arbre", name="Arbre")


def _import(territory, trees, text, file_format="csv", **kwargs):
    return assets_import(territory=territory, asset_type=trees, raw=text.encode(), file_format=file_format,
                         filename=f"arbres.{file_format}", **kwargs)


def test_a_first_import_creates_then_a_second_changes_nothing(territory, trees, neighbourhood):
    report = _import(territory, trees, CSV)
    assert (report.created, report.updated, report.unchanged, report.errors) == (2, 0, 0, [])
    tilleul = Asset.objects.get(source_id="ARB-1")
    assert (tilleul.name, tilleul.lat, tilleul.lon, tilleul.status, tilleul.max_participants) == (
        "Tilleul de la place", 45.43, 4.37, "open", 4)
    assert tilleul.neighbourhood == neighbourhood  # inside Jacquard's box
    assert Asset.objects.get(source_id="ARB-2").status == "closed"
    again = _import(territory, trees, CSV)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Asset.objects.count() == 2


def test_control_characters_in_a_file_are_dropped(territory, trees):
    # A NUL would fail on PostgreSQL, the others would break the XML outputs; GeoJSON escapes them all.
    _import(territory, trees, CSV.replace("Tilleul de la place", "Tilleul\x1b de\x0b la place\ufffe"))
    feature = {"type": "Feature", "id": "ARB-3", "geometry": {"type": "Point", "coordinates": [4.38, 45.44]},
               "properties": {"nom": "Chêne\u0000 du\u0008 parc\ud800", "description": "Vieux\u001f"}}
    _import(territory, trees, json.dumps({"type": "FeatureCollection", "features": [feature]}), "geojson")
    assert Asset.objects.get(source_id="ARB-1").name == "Tilleul de la place"
    assert Asset.objects.values_list("name", "description").get(source_id="ARB-3") == ("Chêne du parc", "Vieux")


def test_a_reimport_updates_what_changed_and_keeps_the_history(territory, trees):
    _import(territory, trees, CSV)
    tilleul = Asset.objects.get(source_id="ARB-1")
    changed = CSV.replace("Tilleul de la place", "Tilleul de la place Jacquard").replace("ARB-2;Platane", "ARB-2;Platane")
    changed += "ARB-3;Chêne;45.445;4.395;ouvrable;;\n"
    report = _import(territory, trees, changed)
    assert (report.created, report.updated, report.unchanged) == (1, 1, 1)
    tilleul.refresh_from_db()
    assert tilleul.name == "Tilleul de la place Jacquard"
    assert Asset.objects.filter(source_id="ARB-1").count() == 1  # updated in place: same row, same id
    last = tilleul.changes.filter(source="import").order_by("-pk").first()
    assert last.fields == {"name": ["Tilleul de la place", "Tilleul de la place Jacquard"]}
    assert last.asset_import == report.record and report.record.applied
    assert AuditEvent.objects.filter(action="asset.import").count() == 2


def test_fields_absent_from_the_file_are_left_alone(territory, trees):
    _import(territory, trees, CSV)
    Asset.objects.filter(source_id="ARB-1").update(conditions="Arrosage le soir.")
    _import(territory, trees, CSV)
    assert Asset.objects.get(source_id="ARB-1").conditions == "Arrosage le soir."


def test_one_bad_row_writes_nothing_and_names_every_line(territory, trees):
    bad = CSV + "ARB-3;Sans position;;;ouvert;;\nARB-1;Doublon;45.44;4.39;;;\nARB-5;Loin;48.85;2.35;;;\n" \
                "ARB-6;Statut;45.44;4.39;entrouvert;;\nARB-7;Niveau;45.44;4.39;;;7\n"
    report = _import(territory, trees, bad)
    assert not report.applied and Asset.objects.count() == 0
    assert report.errors == [
        "Ligne 4 : latitude ou longitude vide.",
        "Ligne 5 : identifiant « ARB-1 » déjà utilisé (ligne 2).",
        "Ligne 6 : point (48.85000, 2.35000) en dehors du territoire Saint-Étienne.",
        "Ligne 7 : statut « entrouvert » inconnu (ouvert, ouvrable ou fermé).",
        "Ligne 8 : niveau doit valoir 0, 1, 2 ou 3.",
    ]
    record = AssetImport.objects.get()
    assert not record.applied and len(record.errors) == 5


def test_geojson_points_and_polygons(territory, trees):
    data = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": "M-1", "properties": {"nom": "Mur de l'école"},
         "geometry": {"type": "Point", "coordinates": [4.39, 45.44]}},
        {"type": "Feature", "properties": {"gid": 7, "nom": "Fosse"},
         "geometry": {"type": "Polygon", "coordinates": [[[4.38, 45.43], [4.40, 45.43], [4.40, 45.45],
                                                         [4.38, 45.45], [4.38, 45.43]]]}},
        {"type": "Feature", "properties": {"id": "X"}, "geometry": None},
    ]}
    report = _import(territory, trees, json.dumps(data), "geojson")
    assert report.errors == ["Objet n° 3 : position manquante (colonnes lat et lon, ou geo_point_2d)."]
    del data["features"][2]
    report = _import(territory, trees, json.dumps(data), "geojson")
    assert report.created == 2
    fosse = Asset.objects.get(source_id="7")
    assert (round(fosse.lat, 6), round(fosse.lon, 6)) == (45.44, 4.39)  # the polygon's centroid


@pytest.mark.parametrize("raw, message", [
    (b"", "Le fichier est vide."),
    (b"\xff\xfe\x00garbage", None),
    (b"{not json", "Ce fichier n'est pas du JSON valide."),
])
def test_unreadable_files_are_refused_clearly(territory, trees, raw, message):
    from alleger.assets.imports import ImportFileError

    file_format = "geojson" if raw.startswith(b"{") else "csv"
    try:
        report = assets_import(territory=territory, asset_type=trees, raw=raw, file_format=file_format,
                               filename="f")
    except ImportFileError as exc:
        assert message is None or str(exc) == message
    else:
        assert report.errors and not report.applied
    assert Asset.objects.count() == 0


def test_the_command_reports_counts_and_fails_on_errors(territory, trees, tmp_path):
    path = tmp_path / "arbres.csv"
    path.write_text(CSV, encoding="utf-8")
    out = io.StringIO()
    call_command("import_assets", "saint-etienne", str(path), "--type", "arbre", stdout=out)
    assert "2 créés, 0 mis à jour, 0 inchangés" in out.getvalue()
    path.write_text(CSV + "ARB-9;;;;;;\n", encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été écrit"):
        call_command("import_assets", "saint-etienne", str(path), "--type", "arbre", stdout=io.StringIO(),
                     stderr=err)
    assert "Ligne 4" in err.getvalue()
    with pytest.raises(CommandError, match="Type de dispositif inconnu"):
        call_command("import_assets", "saint-etienne", str(path), "--type", "lampadaire")


def test_the_dry_run_writes_nothing(territory, trees):
    report = _import(territory, trees, CSV, dry_run=True)
    assert report.created == 2 and not report.applied
    assert Asset.objects.count() == 0 and AssetImport.objects.count() == 0


def test_the_upload_page_is_for_moderators(client_of, moderator, resident, territory, trees):
    assert client_of(resident).get("/dispositifs/importer/").status_code == 403
    client = client_of(moderator)
    assert client.get("/dispositifs/importer/").status_code == 200
    upload = SimpleUploadedFile("arbres.csv", CSV.encode(), content_type="text/csv")
    response = client.post("/dispositifs/importer/", {"territory": territory.pk, "asset_type": trees.pk,
                                                      "file": upload})
    assert response.status_code == 200
    assert "Import terminé" in response.text and "2 dispositifs créés" in response.text
    assert AssetImport.objects.get().actor == moderator
    assert AssetChange.objects.filter(source="import", actor=moderator).count() == 2
    bad = SimpleUploadedFile("arbres.csv", (CSV + "ARB-3;x;1;1;;;\n").encode(), content_type="text/csv")
    response = client.post("/dispositifs/importer/", {"territory": territory.pk, "asset_type": trees.pk,
                                                      "file": bad})
    assert response.status_code == 400 and "Import annulé" in response.text and "Ligne 4" in response.text


def test_a_moderator_cannot_import_into_another_territory(client_of, moderator, other_territory):
    other_type = AssetTypeFactory(territory=other_territory)
    upload = SimpleUploadedFile("a.csv", CSV.encode())
    response = client_of(moderator).post("/dispositifs/importer/", {
        "territory": other_territory.pk, "asset_type": other_type.pk, "file": upload})
    assert response.status_code == 400  # not among the territories offered
    assert Asset.objects.count() == 0
