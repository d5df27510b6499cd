"""Import of a city's asset dataset (CSV or GeoJSON), idempotent on the source id.

Used by `alleger import_assets` and by the moderators' upload page. The full
column mapping is in docs/assets-import.md. In short, for each row (CSV line or
GeoJSON feature):

* the source id (`id`, `identifiant`, `source_id`, `gid`, `objectid`, or the
  column named by `id_field`; for GeoJSON also the feature's `id`) is required
  and unique in the file; it is the key across imports;
* the position: `lat`/`latitude` and `lon`/`lng`/`longitude` columns, or a
  `geo_point_2d` column "lat, lon" (Opendatasoft exports); for GeoJSON the
  geometry (a Point, or the centroid of a line or polygon);
* optional: `nom`/`name`, `description`, `adresse`/`address`, `statut`/`status`,
  `participants_max`/`max_participants`, `niveau`/`required_level`,
  `acteurs_prives`/`private_actors_allowed`, `conditions`, `type` (an asset type
  slug of the territory, instead of the default type).

A re-import updates only the fields that the file carries and that changed,
creates the new source ids, leaves alone the assets absent from the file, and
writes one AssetChange per changed asset ({field: [old, new]}).

All or nothing: every row is checked first; if any row is wrong, nothing is
written to the assets and the report lists every error with its line. Fix the
file and import it again (re-importing is safe).
"""

import csv
import io
import json
import math
import unicodedata
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.errors import ShapelyError
from shapely.geometry import Point, shape

from alleger.core.errors import Refused
from alleger.core.services import audit_record
from alleger.core.text import clean_text

from . import mapcache
from .models import Asset, AssetChange, AssetImport, AssetType

MAX_ROWS = 250_000
MAX_BYTES = 30 * 1024 * 1024  # the upload page's limit; the command has none
MAX_ERRORS_KEPT = 200
BATCH = 500

#: Accepted column names (lower case, without accents) for each asset field.
COLUMNS = {
    "source_id": ("id", "identifiant", "source_id", "gid", "objectid", "ref"),
    "lat": ("lat", "latitude", "y"),
    "lon": ("lon", "lng", "long", "longitude", "x"),
    "point": ("geo_point_2d", "geo_point"),
    "name": ("nom", "name", "libelle"),
    "description": ("description",),
    "address": ("adresse", "address"),
    "status": ("statut", "status"),
    "max_participants": ("participants_max", "max_participants"),
    "required_level": ("niveau", "required_level"),
    "private_actors_allowed": ("acteurs_prives", "private_actors_allowed"),
    "conditions": ("conditions",),
    "asset_type": ("type",),
}
#: The asset fields an import may set; compared on re-import.
FIELDS = ("name", "description", "lat", "lon", "address", "status", "max_participants", "required_level",
          "private_actors_allowed", "conditions", "asset_type_id")
STATUS_WORDS = {
    "open": "open", "ouvert": "open", "ouverte": "open",
    "openable": "openable", "ouvrable": "openable", "pourrait etre ouvert": "openable", "a ouvrir": "openable",
    "closed": "closed", "ferme": "closed", "fermee": "closed",
}
TRUE_WORDS = {"1", "oui", "true", "vrai", "yes", "o", "x"}
FALSE_WORDS = {"0", "non", "false", "faux", "no", "n", ""}


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", str(text)).encode("ascii", "ignore").decode()
    return " ".join(text.strip().lower().replace("_", " ").split()).replace(" ", "_")


class ImportFileError(Refused):
    """The file itself cannot be read (not a row's fault): a refusal about the form's file field."""

    def __init__(self, message):
        super().__init__("unreadable_file", message)

    def __str__(self):
        return str(self.message)


@dataclass
class ImportReport:
    """What an import of assets did, or would do on a dry run: counts, row errors, its record."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)
    applied: bool = False
    record: AssetImport | None = None

    @property
    def error_count(self) -> int:
        return len(self.errors)


# --- reading --------------------------------------------------------------------


def _decode(raw: bytes) -> str:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ImportFileError(_("Le fichier n'est ni en UTF-8 ni en Windows-1252."))


def read_csv(raw: bytes) -> list[tuple[str, dict]]:
    """(label, {column: value}) per data line; the label names the line for error messages."""
    text = _decode(raw)
    if not text.strip():
        raise ImportFileError(_("Le fichier est vide."))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError(_("Le fichier est vide.")) from None
    names = [_plain(h) for h in header]
    if len(set(names)) != len(names):
        raise ImportFileError(_("L'en-tête du fichier a deux colonnes du même nom."))
    rows = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise ImportFileError(_("Le fichier dépasse %(max)s lignes : découpez-le.") % {"max": MAX_ROWS})
            label = _("ligne %(n)d") % {"n": reader.line_num}
            if len(values) != len(names):
                rows.append((label, {"__error__": _("%(found)d colonnes au lieu de %(expected)d.")
                                     % {"found": len(values), "expected": len(names)}}))
                continue
            rows.append((label, dict(zip(names, values, strict=True))))
    except csv.Error as exc:
        raise ImportFileError(_("Le CSV est mal formé vers la ligne %(n)d.") % {"n": reader.line_num}) from exc
    return rows


def read_geojson(raw: bytes) -> list[tuple[str, dict]]:
    try:
        data = json.loads(_decode(raw))
    except (json.JSONDecodeError, RecursionError):
        raise ImportFileError(_("Ce fichier n'est pas du JSON valide.")) from None
    if isinstance(data, dict) and data.get("type") == "Feature":
        data = {"type": "FeatureCollection", "features": [data]}
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection" or not isinstance(
            data.get("features"), list):
        raise ImportFileError(_("Le GeoJSON doit être une FeatureCollection."))
    if len(data["features"]) > MAX_ROWS:
        raise ImportFileError(_("Le fichier dépasse %(max)s objets : découpez-le.") % {"max": MAX_ROWS})
    rows = []
    for n, feature in enumerate(data["features"], start=1):
        label = _("objet n° %(n)d") % {"n": n}
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            rows.append((label, {"__error__": _("ce n'est pas un objet GeoJSON de type Feature.")}))
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            rows.append((label, {"__error__": _("ses propriétés ne sont pas un objet.")}))
            continue
        row = {_plain(k): "" if v is None else str(v) for k, v in properties.items()}
        if feature.get("id") is not None and not any(row.get(c) for c in COLUMNS["source_id"]):
            row["id"] = str(feature["id"])
        row["__geometry__"] = feature.get("geometry")
        rows.append((label, row))
    return rows


def read_file(raw: bytes, file_format: str) -> list[tuple[str, dict]]:
    if file_format == "csv":
        return read_csv(raw)
    if file_format == "geojson":
        return read_geojson(raw)
    raise ImportFileError(_("Format inconnu : csv ou geojson."))


def guess_format(filename: str) -> str | None:
    name = filename.lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith((".geojson", ".json")):
        return "geojson"
    return None


# --- checking -------------------------------------------------------------------


def _pick(row: dict, key: str, override: str | None = None):
    names = (_plain(override),) if override else COLUMNS[key]
    for name in names:
        if name in row:
            return True, clean_text(row[name]).strip()
    return False, ""


def _number(text: str) -> float:
    value = float(text.replace(",", ".").replace(" ", ""))
    if not math.isfinite(value):
        raise ValueError
    return value


def _position(row: dict) -> tuple[float, float]:
    geometry = row.get("__geometry__")
    if geometry is not None:
        try:
            shp = shape(geometry)
        except (ValueError, TypeError, AttributeError, IndexError, KeyError, ShapelyError):
            raise ValueError(_("géométrie GeoJSON illisible.")) from None
        if shp.is_empty:
            raise ValueError(_("géométrie vide."))
        point = shp if isinstance(shp, Point) else shp.centroid
        return point.y, point.x
    has_lat, lat = _pick(row, "lat")
    has_lon, lon = _pick(row, "lon")
    if not (lat and lon):
        has_point, point = _pick(row, "point")
        if has_point and point:
            parts = point.split(",")
            if len(parts) != 2:
                raise ValueError(_("geo_point_2d attend « latitude, longitude »."))
            lat, lon = parts
        elif not (has_lat or has_point):
            raise ValueError(_("position manquante (colonnes lat et lon, ou geo_point_2d)."))
        else:
            raise ValueError(_("latitude ou longitude vide."))
    try:
        lat_value, lon_value = _number(lat), _number(lon)
    except ValueError:
        raise ValueError(_("latitude ou longitude illisible (« %(lat)s », « %(lon)s »).")
                         % {"lat": lat[:30], "lon": lon[:30]}) from None
    return lat_value, lon_value


def _check_row(row: dict, *, territory, default_type: AssetType, types: dict, id_field, name_field):
    """(source_id, {field: value}) or raise ValueError with a French message."""
    if "__error__" in row:
        raise ValueError(row["__error__"])
    _has, source_id = _pick(row, "source_id", id_field)
    if not source_id:
        raise ValueError(_("identifiant manquant (colonne id)."))
    if len(source_id) > 100:
        raise ValueError(_("identifiant trop long (100 caractères au maximum)."))
    values: dict = {}
    lat, lon = _position(row)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValueError(_("coordonnées hors du globe : avez-vous inversé latitude et longitude ?"))
    box = territory.bbox
    if box is not None and not (box[0] <= lon <= box[2] and box[1] <= lat <= box[3]):
        raise ValueError(_("point (%(lat).5f, %(lon).5f) en dehors du territoire %(territory)s.")
                         % {"lat": lat, "lon": lon, "territory": territory.name})
    values["lat"], values["lon"] = lat, lon
    asset_type = default_type
    has_type, type_slug = _pick(row, "asset_type")
    if has_type and type_slug:
        asset_type = types.get(type_slug)
        if asset_type is None:
            raise ValueError(_("type « %(type)s » inconnu dans ce territoire.") % {"type": type_slug[:60]})
    values["asset_type_id"] = asset_type.pk
    has_name, name = _pick(row, "name", name_field)
    if has_name and name:
        if len(name) > 150:
            raise ValueError(_("nom trop long (150 caractères au maximum)."))
        values["name"] = name
    for key, limit in (("description", None), ("address", 200), ("conditions", None)):
        present, text = _pick(row, key)
        if present:
            if limit and len(text) > limit:
                raise ValueError(_("adresse trop longue (200 caractères au maximum)."))
            values[key] = text
    present, status = _pick(row, "status")
    if present and status:
        word = STATUS_WORDS.get(_plain(status).replace("_", " "))
        if word is None:
            raise ValueError(_("statut « %(status)s » inconnu (ouvert, ouvrable ou fermé).") % {"status": status[:30]})
        values["status"] = word
    present, text = _pick(row, "max_participants")
    if present:
        if text:
            try:
                number = int(text)
            except ValueError:
                number = 0
            if not 1 <= number <= 10_000:
                raise ValueError(_("participants_max doit être un nombre entier positif (ou vide)."))
            values["max_participants"] = number
        else:
            values["max_participants"] = None
    present, text = _pick(row, "required_level")
    if present:
        if text not in ("", "0", "1", "2", "3"):
            raise ValueError(_("niveau doit valoir 0, 1, 2 ou 3."))
        values["required_level"] = int(text or 0)
    present, text = _pick(row, "private_actors_allowed")
    if present:
        word = _plain(text)
        if word not in TRUE_WORDS | FALSE_WORDS:
            raise ValueError(_("acteurs_prives doit valoir oui ou non."))
        values["private_actors_allowed"] = word in TRUE_WORDS
    return source_id, values


def _same(field_name: str, old, new) -> bool:
    if field_name in ("lat", "lon"):
        return round(old, 7) == round(new, 7)
    return old == new


class _Neighbourhoods:
    """The territory's neighbourhoods, loaded once: bounding boxes first, shapely decides."""

    def __init__(self, territory):
        self.items = [(n.pk, (n.min_lon, n.min_lat, n.max_lon, n.max_lat), shape(n.boundary))
                      for n in territory.neighbourhoods.order_by("pk")]

    def at(self, lat: float, lon: float) -> int | None:
        for pk, (x1, y1, x2, y2), polygon in self.items:
            if x1 <= lon <= x2 and y1 <= lat <= y2 and polygon.covers(Point(lon, lat)):
                return pk
        return None


# --- applying -------------------------------------------------------------------


def assets_import(*, territory, asset_type: AssetType, raw: bytes, file_format: str, filename: str,
                  actor=None, dry_run: bool = False, id_field: str | None = None,
                  name_field: str | None = None) -> ImportReport:
    """Check every row, then (if none is wrong and not dry_run) apply them in one transaction.

    Raises ImportFileError when the file cannot be read at all.
    """
    if asset_type.territory_id != territory.pk:
        raise ImportFileError(_("Ce type de dispositif n'appartient pas à ce territoire."))
    rows = read_file(raw, file_format)
    if not rows:
        raise ImportFileError(_("Le fichier ne contient aucune ligne de données."))
    types = {t.slug: t for t in territory.asset_types.all()}
    report = ImportReport()
    checked: dict[str, dict] = {}
    seen: dict[str, str] = {}
    for label, row in rows:
        try:
            source_id, values = _check_row(row, territory=territory, default_type=asset_type, types=types,
                                           id_field=id_field, name_field=name_field)
        except ValueError as exc:
            report.errors.append(f"{label[:1].upper()}{label[1:]} : {exc}")
            continue
        if source_id in seen:
            report.errors.append(_("%(label)s : identifiant « %(id)s » déjà utilisé (%(first)s).")
                                 % {"label": label[:1].upper() + label[1:], "id": source_id[:40],
                                    "first": seen[source_id]})
            continue
        seen[source_id] = label
        checked[source_id] = values

    existing = _existing(territory, list(checked))
    creates, updates = [], []
    for source_id, values in checked.items():
        current = existing.get(source_id)
        if current is None:
            creates.append((source_id, values))
            continue
        diff = {name: [current[name], value] for name, value in values.items()
                if not _same(name, current[name], value)}
        if diff:
            updates.append((current["pk"], diff))
        else:
            report.unchanged += 1
    report.created, report.updated = len(creates), len(updates)
    if report.errors or dry_run:
        # Nothing is written; the counts say what the file would have done.
        report.record = _record(territory, asset_type, actor, filename, file_format, report, dry_run)
        return report
    with transaction.atomic():
        report.applied = True
        record = _record(territory, asset_type, actor, filename, file_format, report, False)
        report.record = record
        _apply(territory, asset_type, record, actor, creates, updates)
        audit_record(actor=actor, action="asset.import", target=record, created=report.created,
                     updated=report.updated, unchanged=report.unchanged)
    return report


def _existing(territory, source_ids: list[str]) -> dict[str, dict]:
    found = {}
    for start in range(0, len(source_ids), BATCH):
        chunk = source_ids[start:start + BATCH]
        for values in Asset.objects.filter(territory=territory, source_id__in=chunk).values("pk", "source_id",
                                                                                             *FIELDS):
            found[values["source_id"]] = values
    return found


def _record(territory, asset_type, actor, filename, file_format, report: ImportReport, dry_run: bool) -> AssetImport | None:
    if dry_run:
        return None
    return AssetImport.objects.create(
        territory=territory, asset_type=asset_type, actor=actor if actor and actor.is_authenticated else None,
        filename=filename[:200], file_format=file_format, applied=report.applied and not report.errors,
        created=report.created, updated=report.updated, unchanged=report.unchanged,
        errors=report.errors[:MAX_ERRORS_KEPT])


def _apply(territory, asset_type, record, actor, creates, updates) -> None:
    hoods = _Neighbourhoods(territory)
    actor = actor if actor is not None and actor.is_authenticated else None
    new_assets = []
    for source_id, values in creates:
        values = dict(values)
        values.setdefault("name", f"{asset_type.name} {source_id}"[:150])
        new_assets.append(Asset(territory=territory, source_id=source_id, moderation=Asset.Moderation.PUBLISHED,
                                neighbourhood_id=hoods.at(values["lat"], values["lon"]), **values))
    Asset.objects.bulk_create(new_assets, batch_size=BATCH)
    changes = [AssetChange(asset_id=asset.pk, source=AssetChange.Source.IMPORT, asset_import=record, actor=actor,
                           fields={name: [None, value] for name, value in values.items()})
               for asset, (_source_id, values) in zip(new_assets, creates, strict=True)]
    if updates:
        by_pk = {pk: diff for pk, diff in updates}
        assets = []
        touched = set()
        for start in range(0, len(updates), BATCH):
            for asset in Asset.objects.filter(pk__in=[pk for pk, _ in updates[start:start + BATCH]]):
                for name, (_old, new) in by_pk[asset.pk].items():
                    setattr(asset, name, new)
                    touched.add(name)
                if "lat" in by_pk[asset.pk] or "lon" in by_pk[asset.pk]:
                    asset.neighbourhood_id = hoods.at(asset.lat, asset.lon)
                    touched.add("neighbourhood_id")
                assets.append(asset)
                changes.append(AssetChange(asset_id=asset.pk, source=AssetChange.Source.IMPORT, asset_import=record,
                                           actor=actor, fields=by_pk[asset.pk]))
        now = timezone.now()
        for asset in assets:
            asset.updated_at = now
        Asset.objects.bulk_update(assets, [*sorted(touched), "updated_at"], batch_size=BATCH)
    AssetChange.objects.bulk_create(changes, batch_size=BATCH)
    if creates or updates:  # bulk writes send no signals
        mapcache.data_changed()
