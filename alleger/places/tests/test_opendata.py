"""Open data: the « lieux de médiation numérique » schema v1.0.2 (import, export) and data·inclusion (export)."""

import json
from pathlib import Path

import frictionless
import pytest
from data_inclusion import schema as data_inclusion
from django.core.management import CommandError, call_command
from django.utils import translation

from alleger.core.models import AuditEvent
from alleger.places import opendata
from alleger.places.models import Place, PlaceChange, Service

from .opendata_factories import make_place

DATA = Path(__file__).parent / "data"
SCHEMA = DATA / "schema-lieux-mediation-numerique-1.0.2.json"
SAMPLE = DATA / "lieux-saint-etienne.csv"

pytestmark = pytest.mark.django_db


def _import(territory, raw=None, file_format="csv", actor=None):
    return opendata.places_import(territory=territory, raw=raw if raw is not None else SAMPLE.read_bytes(),
                                  file_format=file_format, actor=actor)


def test_import_creates_good_rows_and_rejects_bad_ones_with_line_and_reason(territory, moderator):
    report = _import(territory, actor=moderator)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    reasons = {r.line: (r.source_id, r.reason) for r in report.rejected}
    assert sorted(reasons) == [4, 5, 6, 7, 8]
    assert "hors du territoire" in reasons[4][1]
    assert "Horaires illisibles" in reasons[5][1]
    assert "Coordonnées manquantes" in reasons[6][1]
    assert reasons[7] == ("se-1", "Identifiant « se-1 » déjà présent ligne 2 du fichier.")
    assert "Réparation de vélos" in reasons[8][1]
    mediatheque = Place.objects.get(territory=territory, source=opendata.SOURCE_LMN, source_id="se-1")
    assert mediatheque.place_type == Place.PlaceType.MEDIATHEQUE
    assert mediatheque.phone == "04 77 48 77 00"
    assert sorted(mediatheque.services.values_list("name", "kind", "opening_hours")) == [
        ("Accès internet et matériel informatique", "internet", "Tu-Sa 10:00-18:00; PH off"),
        ("Maîtrise des outils numériques du quotidien", "digital_help", "Tu-Sa 10:00-18:00; PH off"),
    ]
    caf = Place.objects.get(source_id="se-2")
    assert caf.services.get().by_appointment is True
    assert PlaceChange.objects.filter(place=mediatheque, source=PlaceChange.Source.IMPORT).count() == 1
    event = AuditEvent.objects.get(action="places.import")
    assert event.data == {"created": 2, "updated": 0, "unchanged": 0, "rejected": 5}


def test_import_is_idempotent_and_a_changed_row_is_updated_with_its_change(territory, moderator):
    _import(territory, actor=moderator)
    again = _import(territory, actor=moderator)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert Place.objects.filter(territory=territory).count() == 2
    assert PlaceChange.objects.count() == 2  # the two creations, nothing more

    changed = SAMPLE.read_text().replace("Tu-Sa 10:00-18:00; PH off", "Tu-Sa 09:00-18:00; PH off").replace(
        "Accès internet et matériel informatique|Maîtrise", "Maîtrise")
    report = _import(territory, raw=changed.encode(), actor=moderator)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    place = Place.objects.get(source_id="se-1")
    assert list(place.services.values_list("name", "opening_hours")) == [
        ("Maîtrise des outils numériques du quotidien", "Tu-Sa 09:00-18:00; PH off")]
    change = place.changes.filter(source=PlaceChange.Source.IMPORT).order_by("-pk").first()
    assert change.actor == moderator
    hours_changes = [v for k, v in change.fields.items() if k.endswith(":opening_hours")]
    assert hours_changes == [["Tu-Sa 10:00-18:00; PH off", "Tu-Sa 09:00-18:00; PH off"]]
    assert any(v == ["Accès internet et matériel informatique", None] for v in change.fields.values())


def test_import_keeps_services_added_by_hand(territory):
    _import(territory)
    place = Place.objects.get(source_id="se-1")
    Service.objects.create(place=place, name="Atelier tablette", kind="workshops")
    report = _import(territory)
    assert report.unchanged == 2
    assert place.services.filter(name="Atelier tablette").exists()


def test_import_same_id_in_another_territory_is_another_place(territory, other_territory):
    _import(territory)
    raw = SAMPLE.read_text().replace("45.4398", "45.75").replace("4.3821", "4.80").encode()
    report = _import(other_territory, raw=raw)
    assert report.created == 2  # se-1 moved inside Lyon's box, and the row that was in Lyon all along
    assert Place.objects.filter(source_id="se-1").count() == 2


def test_rejections_speak_the_users_language(territory):
    with translation.override("en"):
        report = _import(territory)
    reasons = " ".join(r.reason for r in report.rejected)
    assert "outside the territory" in reasons
    assert "Missing coordinates" in reasons


def test_import_json_and_unreadable_files(territory):
    rows = [{"id": "j-1", "nom": "EPN de la Cotonne", "latitude": 45.43, "longitude": 4.41, "adresse": "Rue de la Cotonne",
             "services": "Accès internet et matériel informatique", "horaires": "Mo-Fr 14:00-18:00"}]
    report = _import(territory, raw=json.dumps(rows).encode(), file_format="json")
    assert report.created == 1
    assert Place.objects.get(source_id="j-1").place_type == Place.PlaceType.EPN
    with pytest.raises(opendata.ImportFileError):
        _import(territory, raw=b"nom;adresse\nx;y\n")
    with pytest.raises(opendata.ImportFileError):
        _import(territory, raw=b"{not json", file_format="json")
    with pytest.raises(opendata.ImportFileError):
        _import(territory, raw=b"\xff\xfe", file_format="csv")


def test_the_public_sample_reads_and_is_rejected_outside_the_territory(territory):
    report = _import(territory, raw=(DATA / "exemple-valide.csv").read_bytes())
    assert report.created == 0
    assert [r.line for r in report.rejected] == [2]
    assert "hors du territoire" in report.rejected[0].reason


def test_management_command(territory, capsys):
    with pytest.raises(CommandError):
        call_command("import_places", territory.slug, str(SAMPLE))  # rejected rows: exit status 1
    out = capsys.readouterr()
    assert "2 créés" in out.out and "ligne 4" in out.err
    with pytest.raises(CommandError):
        call_command("import_places", "nowhere", str(SAMPLE))
    call_command("import_places", territory.slug, str(SAMPLE), "--allow-rejections")
    assert "0 créés, 0 mis à jour, 2 inchangés" in capsys.readouterr().out


# --- export ------------------------------------------------------------------------------------

def _places(territory):
    make_place(territory=territory, name="Médiathèque de Carnot", phone="04 77 00 00 00", email="m@example.org",
               description="Un espace public numérique.", services=[
                   {"name": "Espace public numérique", "kind": "internet", "opening_hours": "Tu-Sa 10:00-18:00; PH off"},
                   {"name": "Permanence CAF", "kind": "family_benefits", "opening_hours": "Th 14:00-17:00",
                    "provider_name": "CAF"},
               ])
    make_place(territory=territory, name="=Fab lab", place_type=Place.PlaceType.FABLAB, profile_mediation=False,
               profile_creation=True, services=[
                   {"name": "Ouverture au public", "kind": "fabrication", "opening_hours": "We,Sa 14:00-19:00",
                    "access": "members"}])
    make_place(territory=territory, name="Jardin partagé", place_type=Place.PlaceType.GARDEN,
               profile_mediation=False, profile_creation=True)
    make_place(territory=territory, name="Proposée", moderation=Place.Moderation.PROPOSED)


def test_lmn_export_validates_against_the_schema_with_frictionless(territory, tmp_path):
    _places(territory)
    rows = opendata.lmn_rows(territory)
    assert [row["nom"] for row in rows] == ["=Fab lab", "Médiathèque de Carnot"]  # no garden, no proposal
    path = tmp_path / "lieux.csv"
    path.write_text(opendata.lmn_csv(rows), encoding="utf-8")
    schema = frictionless.Schema.from_descriptor(json.loads(SCHEMA.read_text()))
    report = frictionless.validate(frictionless.Resource(path=path.name, basepath=str(tmp_path), schema=schema))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    text = path.read_text()
    assert "'=Fab lab" in text  # the formula guard
    assert "+33477000000" in text  # a number in the schema's format, not guarded
    carnot = next(row for row in rows if row["nom"] == "Médiathèque de Carnot")
    assert carnot["horaires"] == "Tu-Sa 10:00-18:00; PH off"
    assert "Th 14:00-17:00" in carnot["presentation_detail"]
    assert carnot["services"] == "Aide aux démarches administratives|Accès internet et matériel informatique"


def test_lmn_json_export_validates_too_and_the_public_sample_is_valid(territory):
    _places(territory)
    schema = frictionless.Schema.from_descriptor(json.loads(SCHEMA.read_text()))
    records = opendata.lmn_json(opendata.lmn_rows(territory))
    data = [opendata.LMN_FIELDS] + [[record.get(name) for name in opendata.LMN_FIELDS] for record in records]
    assert frictionless.validate(frictionless.Resource(data=data, schema=schema)).valid
    sample = frictionless.validate(frictionless.Resource(path="exemple-valide.csv", basepath=str(DATA), schema=schema))
    assert sample.valid


def test_export_then_import_round_trip(territory, other_territory):
    _places(territory)
    csv_text = opendata.lmn_csv(opendata.lmn_rows(territory)).replace("'=Fab lab", "Fab lab")
    # Saint-Étienne's places moved into Lyon's box, imported there.
    csv_text = csv_text.replace("45.440000", "45.750000").replace("4.390000", "4.800000")
    report = _import(other_territory, raw=csv_text.encode())
    assert report.rejected == [] and report.created == 2
    again = _import(other_territory, raw=csv_text.encode())
    assert again.unchanged == 2


def test_data_inclusion_export_validates_with_the_package(territory):
    _places(territory)
    exported = opendata.di_export(territory, base_url="https://alleger.example")
    assert len(exported["structures"]) == 3 and len(exported["services"]) == 3
    for structure in exported["structures"]:
        data_inclusion.v1.Structure.model_validate(structure, context={"ignore_warnings": False})
    for service in exported["services"]:
        data_inclusion.v1.Service.model_validate(service, context={"ignore_warnings": False})
    fablab = next(s for s in exported["services"] if s["nom"] == "Ouverture au public")
    assert fablab["conditions_acces"] == "Réservé aux membres" and fablab["type"] == "atelier"
    assert json.dumps(exported)  # plain JSON
    assert "proposed_by" not in json.dumps(exported)
