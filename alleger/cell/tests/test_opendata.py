"""Open data: every column documented, the French CSV format, idempotent files, and no personal data."""

import csv
import io
import json
import re
import zipfile

import pytest
from django.conf import settings
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape

from alleger.accounts.models import User
from alleger.cell import opendata
from alleger.funding.models import Contribution
from alleger.territories.models import Territory

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(demo):
    territory = Territory.objects.get(slug="saint-etienne")
    call_command("opendata", territory="saint-etienne")
    return territory, {entry["name"]: default_storage.open(f"opendata/saint-etienne/{entry['name']}").read()
                       for entry in opendata.manifest(territory)["files"]}


def test_every_file_has_exactly_its_documented_columns(files):
    territory, found = files
    for dataset in opendata.DATASETS.values():
        columns = list(dataset.columns)
        assert all(dataset.columns.values()), f"{dataset.name}: a column without its description"
        header = next(csv.reader(io.StringIO(found[f"{dataset.name}.csv"].decode("utf-8-sig")), delimiter=";"))
        assert header == columns, dataset.name
        rows = json.loads(found[f"{dataset.name}.json"])
        assert all(list(row) == columns for row in rows), dataset.name
        if dataset.geo:
            geo = json.loads(found[f"{dataset.name}.geojson"])
            assert geo["type"] == "FeatureCollection"
            assert all(set(f["properties"]) == set(columns) - {"latitude", "longitude"} for f in geo["features"])
    for language, filename in opendata.READMES.items():
        readme = found[filename].decode()
        with translation.override(language):
            for dataset in opendata.DATASETS.values():
                assert f"## {dataset.name} — {dataset.title}" in readme
                for name, description in dataset.columns.items():
                    assert f"| {name} | {description} |" in readme
        assert "Licence Ouverte / Etalab 2.0" in readme


def test_the_demo_has_rows_in_the_main_files(files):
    territory, found = files
    for name in ("projets", "contributions", "kits", "dispositifs", "interventions", "propositions", "defis",
                 "indicateurs_defis"):
        assert len(json.loads(found[f"{name}.json"])) > 0, name
    challenge_rows = json.loads(found["indicateurs_defis.json"])
    assert {row["serie"] for row in challenge_rows} == {"Biodéchets compostés (kg)"}


def test_csv_is_the_french_spreadsheet_format(files):
    territory, found = files
    raw = found["projets.csv"]
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    dechets = next(r for r in rows if r["titre"] == "Déchets à partager !")
    assert dechets["objectif_euros"] == "1500,00" and "," in dechets["latitude"]


def test_contributions_are_aggregated_per_project_and_day(files):
    territory, found = files
    rows = json.loads(found["contributions.json"])
    assert set(rows[0]) == {"projet_id", "jour", "nombre", "montant_euros"}
    standing = Contribution.objects.filter(project__territory=territory).exclude(status__in=opendata.WITHDRAWN)
    standing = standing.filter(project__status__in=opendata.PUBLIC_PROJECT)
    assert sum(r["nombre"] for r in rows) == standing.count()


def test_no_personal_data_in_any_file(files):
    """Every account's e-mail, and the names of the people who gave anonymously, appear nowhere."""
    territory, found = files
    blobs = [content.decode("utf-8-sig") for name, content in found.items() if not name.endswith(".zip")]
    with zipfile.ZipFile(io.BytesIO(found["donnees-saint-etienne.zip"])) as archive:
        blobs += [archive.read(name).decode("utf-8-sig") for name in archive.namelist()]
    everything = "\n".join(blobs).casefold()
    emails = list(User.objects.values_list("email", flat=True))
    assert len(emails) > 10
    for email in emails:
        assert email.casefold() not in everything, email
    anonymous = {c.contributor for c in Contribution.objects.filter(anonymous=True).select_related("contributor")}
    assert anonymous, "the demo has anonymous backers"
    for person in anonymous:
        for name in {person.display_name, person.public_name, person.get_full_name()} - {""}:
            assert name.casefold() not in everything, name
    assert "@" not in everything


def test_the_zip_holds_every_file_and_the_readme(files):
    territory, found = files
    with zipfile.ZipFile(io.BytesIO(found["donnees-saint-etienne.zip"])) as archive:
        names = set(archive.namelist())
    assert names == set(found) - {"donnees-saint-etienne.zip"}


def test_the_job_is_idempotent_and_periodic(files):
    territory, found = files
    before = opendata.manifest(territory)
    call_command("opendata")
    assert opendata.manifest(territory) == before
    assert "opendata" in dict(settings.PERIODIC_JOBS)


def test_the_page_lists_the_files_and_serves_them(client, files):
    territory, found = files
    page = client.get(reverse("cell:opendata", args=["saint-etienne"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "projets.csv" in html and "donnees-saint-etienne.zip" in html and "Licence Ouverte" in html
    response = client.get(reverse("cell:opendata_file", args=["saint-etienne", "projets.csv"]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == found["projets.csv"]
    assert client.get(reverse("cell:opendata_file", args=["saint-etienne", "manifest.json"])).status_code == 404
    assert client.get(reverse("cell:opendata_file", args=["saint-etienne", "..%2Fsecret"])).status_code == 404


def test_the_page_says_when_nothing_was_generated_yet(client, territory):
    page = client.get(reverse("cell:opendata", args=[territory.slug]))
    assert page.status_code == 200 and "pas encore été générés" in page.content.decode()


def _texts(language):
    """Every title, description and column description of the open data, in `language`."""
    with translation.override(language):
        return {str(text) for d in opendata.DATASETS.values()
                for text in (d.title, d.description, *d.columns.values())}


def test_the_page_describes_the_files_in_the_visitors_language(client, files):
    french, english = _texts("fr"), _texts("en")
    assert "Projets financés par les habitants" in french and "Projects funded by residents" in english
    url = reverse("cell:opendata", args=["saint-etienne"])

    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    for text in english:
        assert escape(text) in html, text
    for text in french - english:  # codes like "submitted, under_review, …" read the same in both
        assert escape(text) not in html, text
    for text in ("Projets financés par les habitants", "Contributions agrégées", "Identifiant du projet.",
                 "degrés décimaux", "Clé de l&#x27;indicateur"):
        assert text not in html
    assert "Aggregated contributions" in html and "Indicator key: " in html and "decimal degrees" in html
    assert ">The description (README.md)</a>" in html

    client.cookies["django_language"] = "fr"
    html = client.get(url).content.decode()
    for text in french:
        assert escape(text) in html, text
    for text in english - french:
        assert escape(text) not in html, text
    assert "Contributions agrégées" in html and "Clé de l&#x27;indicateur : " in html
    assert ">Le descriptif (LISEZMOI.md)</a>" in html


def test_the_readmes_are_french_and_english_whatever_the_jobs_language(files):
    territory, found = files
    with translation.override("en"):
        french = opendata.readme(territory, "fr")
    with translation.override("fr"):
        english = opendata.readme(territory, "en")
    assert french == found["LISEZMOI.md"].decode() and english == found["README.md"].decode()
    assert "Projets financés par les habitants" in french and "| colonne | contenu |" in french
    assert "Projects funded by residents" in english and "| column | description |" in english
    assert "Projets financés par les habitants" not in english and "Identifiant du projet." not in english
    with zipfile.ZipFile(io.BytesIO(found["donnees-saint-etienne.zip"])) as archive:
        assert {"LISEZMOI.md", "README.md"} <= set(archive.namelist())


def _empty_note(html, filename, note):
    return re.search(rf"{re.escape(filename)}</a> \([^)]*{re.escape(note)}", html) is not None


def test_an_empty_dataset_says_no_data_yet(client, territory):
    call_command("opendata", territory=territory.slug)
    entries = {e["name"]: e for e in opendata.manifest(territory)["files"]}
    assert entries["kits.json"]["size"] == 2 and entries["kits.json"]["rows"] == 0
    assert "rows" not in entries["LISEZMOI.md"]
    url = reverse("cell:opendata", args=[territory.slug])
    html = client.get(url).content.decode()
    assert _empty_note(html, "kits.json", "aucune donnée pour l'instant")
    assert _empty_note(html, "projets.geojson", "aucune donnée pour l'instant")
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    assert _empty_note(html, "kits.json", "no data yet") and "aucune donnée" not in html


def test_a_dataset_with_rows_does_not_say_no_data_yet(client, files):
    territory, found = files
    html = client.get(reverse("cell:opendata", args=["saint-etienne"])).content.decode()
    assert not _empty_note(html, "projets.csv", "aucune donnée") and not _empty_note(html, "kits.json", "aucune")
    assert all(e["rows"] > 0 for e in opendata.manifest(territory)["files"] if e["name"].startswith("projets."))


def test_a_manifest_written_before_row_counts_gets_them_on_the_next_run(files):
    territory, found = files
    old = opendata.manifest(territory)
    for entry in old["files"]:
        entry.pop("rows", None)
    path = f"{opendata.folder(territory)}/manifest.json"
    default_storage.delete(path)
    default_storage.save(path, io.BytesIO(json.dumps(old).encode()))
    opendata.write(territory)
    assert opendata.manifest(territory)["files"][0]["rows"] >= 0
