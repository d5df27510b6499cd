"""Writes: upload a population grid, run a study (its figures computed by `analysis`), publish it."""

from __future__ import annotations

import csv
import datetime as dt
import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alleger.core.errors import Refused
from alleger.core.services import audit_record
from alleger.core.text import clean_text
from alleger.places.models import PlaceType, Profile, ServiceKind

from . import analysis
from .grid import GridError, read_csv
from .models import PopulationGrid, Study

MAX_GRID_BYTES = 40 * 1024 * 1024
MAX_PREMISES = 5000
#: Above this many cells a study is computed by the job queue (huey), not in the request.
BACKGROUND_CELLS = 20_000


def grid_upload(*, territory, user, name: str, data: bytes, source: str = "") -> PopulationGrid:
    """Read a Filosofi 200 m CSV and store its cells within the territory; refuse a file with none."""
    if len(data) > MAX_GRID_BYTES:
        raise Refused("grid_too_large", _("Le fichier dépasse %(mb)d Mo : découpez-le au territoire.")
                      % {"mb": MAX_GRID_BYTES // (1024 * 1024)})
    try:
        reading = read_csv(data, bbox=territory.bbox)
    except GridError as exc:
        raise Refused("grid_unreadable", str(exc)) from None
    if len(reading.cells) == 0:
        raise Refused("grid_empty", _("Aucun carreau lisible dans le territoire (%(rows)d lignes lues, "
                                      "%(rejected)d rejetées, %(outside)d hors du territoire).")
                      % {"rows": reading.rows, "rejected": reading.rejected_count, "outside": reading.outside})
    cells = reading.cells
    report = {
        "rows": reading.rows,
        "kept": len(cells),
        "outside": reading.outside,
        "rejected": reading.rejected,
        "rejected_count": reading.rejected_count,
        "examples": [{"line": line, "reason": reason, "value": value} for line, reason, value in reading.examples],
        "notes": reading.notes,
    }
    with transaction.atomic():
        grid = PopulationGrid.objects.create(
            territory=territory, name=clean_text(name)[:150], source=clean_text(source)[:200],
            variant=reading.variant, cell_count=len(cells), population=float(cells.ind.sum()),
            poor_households=float(cells.men_pauv.sum()), report=report, cells=cells.to_bytes(),
            uploaded_by=user)
        audit_record(actor=user, action="studies.grid_upload", target=grid, cells=len(cells),
                     rejected=reading.rejected_count)
    return grid


def read_premises(data: bytes) -> list[dict]:
    """A CSV of available premises: columns lat, lon, name (any order, ',' or ';'); refuses a bad row."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    first = text.splitlines()[0] if text.strip() else ""
    separator = ";" if first.count(";") > first.count(",") else ","
    reader = csv.DictReader(io.StringIO(text), delimiter=separator)
    fields = {(f or "").strip().lower(): f for f in reader.fieldnames or []}
    lat_key = fields.get("lat") or fields.get("latitude")
    lon_key = fields.get("lon") or fields.get("lng") or fields.get("longitude")
    name_key = fields.get("name") or fields.get("nom")
    if not (lat_key and lon_key):
        raise Refused("premises_columns", _("Le fichier des locaux doit avoir les colonnes lat, lon et name."))
    premises = []
    for number, row in enumerate(reader, start=2):
        try:
            lat = float((row.get(lat_key) or "").strip().replace(",", "."))
            lon = float((row.get(lon_key) or "").strip().replace(",", "."))
        except ValueError:
            raise Refused("premises_row", _("Ligne %(line)d : latitude ou longitude illisible.")
                          % {"line": number}) from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise Refused("premises_row", _("Ligne %(line)d : coordonnées hors limites.") % {"line": number})
        name = clean_text((row.get(name_key) or "") if name_key else "").strip()[:150]
        premises.append({"name": name or _("Local %(n)d") % {"n": len(premises) + 1}, "lat": lat, "lon": lon})
        if len(premises) > MAX_PREMISES:
            raise Refused("premises_too_many", _("Au plus %(max)d locaux.") % {"max": MAX_PREMISES})
    if not premises:
        raise Refused("premises_empty", _("Le fichier des locaux ne contient aucun local."))
    return premises


def study_create(*, territory, grid: PopulationGrid, user, title: str, radius_m: int,
                 service_kinds: list[str] | None = None, profile: str = "", place_type: str = "",
                 open_weekday: int | None = None, open_time: dt.time | None = None,
                 candidates: str = Study.Candidates.CELLS, premises: list[dict] | None = None,
                 suggestions: int = 5, weight_poor: bool = False, question: str = "",
                 published: bool = False) -> Study:
    """Record a study and compute it (in the request for a city-sized grid, by the job queue above)."""
    kinds = [k for k in (service_kinds or []) if k]
    if sum(bool(x) for x in (kinds, profile, place_type)) != 1:
        raise Refused("study_selection", _("Choisissez les lieux par nature de service, par profil ou par type "
                                           "(un seul des trois)."))
    if any(k not in ServiceKind.values for k in kinds) or (profile and profile not in Profile.values) or (
            place_type and place_type not in PlaceType.values):
        raise Refused("study_selection", _("Nature de service, profil ou type de lieu inconnu."))
    if grid.territory_id != territory.pk:
        raise Refused("study_grid", _("Ce carroyage appartient à un autre territoire."))
    if not 50 <= radius_m <= 20_000:
        raise Refused("study_radius", _("La distance de couverture est comprise entre 50 m et 20 km."))
    if not 0 <= suggestions <= 50:
        raise Refused("study_suggestions", _("Au plus 50 sites suggérés."))
    if (open_weekday is None) != (open_time is None):
        raise Refused("study_open_at", _("Indiquez le jour et l'heure d'ouverture, ou aucun des deux."))
    if candidates == Study.Candidates.PREMISES and not premises:
        raise Refused("premises_empty", _("Déposez la liste des locaux disponibles (CSV lat, lon, name)."))
    with transaction.atomic():
        study = Study.objects.create(
            territory=territory, grid=grid, title=clean_text(title)[:150], question=clean_text(question),
            service_kinds=",".join(sorted(set(kinds))), profile=profile, place_type=place_type,
            open_weekday=open_weekday, open_time=open_time, radius_m=radius_m, candidates=candidates,
            premises=premises or [] if candidates == Study.Candidates.PREMISES else [],
            suggestions=suggestions, weight_poor=weight_poor, published=published, created_by=user)
        audit_record(actor=user, action="studies.study_create", target=study)
    if grid.cell_count > BACKGROUND_CELLS:
        from .tasks import compute

        transaction.on_commit(lambda: compute(study.pk))
    else:
        study_compute(study=study)
    return study


def study_compute(*, study: Study, now: dt.datetime | None = None) -> Study:
    """Compute the study's figures and store them (a failure is stored too, with its reason)."""
    try:
        results, distances = analysis.run(study, now=now or timezone.now())
    except Exception as exc:  # stored and shown: the page says the computation failed, not a 500
        Study.objects.filter(pk=study.pk).update(status=Study.Status.FAILED, error=str(exc)[:2000],
                                                 computed_at=timezone.now())
        study.refresh_from_db()
        return study
    Study.objects.filter(pk=study.pk).update(status=Study.Status.DONE, results=results, distances=distances,
                                             error="", computed_at=timezone.now())
    study.refresh_from_db()
    return study


def study_set_published(*, study: Study, user, published: bool) -> Study:
    with transaction.atomic():
        Study.objects.filter(pk=study.pk).update(published=published)
        audit_record(actor=user, action="studies.study_publish" if published else "studies.study_unpublish",
                     target=study)
    study.refresh_from_db()
    return study
