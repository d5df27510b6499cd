"""Open data: per territory, each public dataset as CSV, JSON (and GeoJSON when it has coordinates), a ZIP
of them all with a README, and a manifest — written into the default storage by the job
(`alleger opendata`, a periodic job), never on a request.

One source of truth: DATASETS says, for each file, its columns and what each one holds. The README is
built from it, the open-data page shows it, and a test checks that every file has exactly these columns.

No personal data: no e-mail, no person's name (not even holders' display names), no free text a person
typed about themselves; contributions only as a count and an amount per project and day.
"""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from alleger.assets.models import Asset
from alleger.core.text import csv_cell
from alleger.discussions.selectors import without_hidden
from alleger.funding.models import Contribution, Project
from alleger.interventions.models import Intervention
from alleger.kits.models import Kit
from alleger.places.models import Place, Service
from alleger.proposals.models import Proposal
from alleger.reports.models import Report

from .metrics import DEFINITIONS
from .models import Challenge, IndicatorPoint, Metric

PUBLIC_PROJECT = ("published", "succeeded", "failed")
WITHDRAWN = ("cancelled", "voided", "refunded", "dropped")
#: Days of metrics published (the metrics table grows a row per figure and day).
METRIC_DAYS = 366 * 2


def licence() -> dict:
    return getattr(settings, "OPENDATA_LICENCE", None) or {
        "name": "Licence Ouverte / Etalab 2.0",
        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"}


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    description: str
    columns: dict[str, str]
    rows: Callable[[object], Iterable[dict]]
    geo: bool = False


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _euros(cents) -> Decimal:
    return (Decimal(int(cents or 0)) / 100).quantize(Decimal("0.01"))


def _day(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date()
    return value.isoformat()


def _hood(obj) -> str:
    return obj.neighbourhood.slug if obj.neighbourhood_id else ""


# --- the datasets -----------------------------------------------------------------------------------

def _projects(territory):
    qs = without_hidden(Project.objects.filter(territory=territory, status__in=PUBLIC_PROJECT)
                        .select_related("neighbourhood", "organisation").order_by("pk"))
    for p in qs:
        yield {"id": p.pk, "titre": p.title, "resume": p.summary, "statut": p.status, "quartier": _hood(p),
               "organisation": p.organisation.name if p.organisation_id else "",
               "objectif_euros": _euros(p.goal_cents), "collecte_euros": _euros(p.pledged_cents),
               "abondement_euros": _euros(p.matched_cents), "contributeurs": p.contributors_count,
               "date_publication": _day(p.published_at), "date_fin": _day(p.deadline),
               "latitude": p.lat, "longitude": p.lon, "url": _url(p.get_absolute_url())}


def _contributions(territory):
    qs = (Contribution.objects.filter(project__territory=territory, project__status__in=PUBLIC_PROJECT)
          .exclude(status__in=WITHDRAWN)
          .annotate(jour=TruncDate("created_at", tzinfo=timezone.get_current_timezone()))
          .order_by().values("project", "jour").annotate(n=Count("pk"), total=Sum("amount_cents"))
          .order_by("project", "jour"))
    for row in qs:
        yield {"projet_id": row["project"], "jour": _day(row["jour"]), "nombre": row["n"],
               "montant_euros": _euros(row["total"])}


def _kits(territory):
    from django.db.models import Q

    for k in Kit.objects.filter(Q(territory=territory) | Q(territory=None), status="published").order_by("pk"):
        yield {"id": k.pk, "slug": k.slug, "titre": k.title, "resume": k.summary, "categorie": k.category,
               "axe": k.axis, "niveau": k.level, "portee": "territoire" if k.territory_id else "nationale",
               "url": _url(k.get_absolute_url())}


def _assets(territory):
    qs = (Asset.objects.filter(territory=territory, moderation=Asset.Moderation.PUBLISHED)
          .select_related("asset_type", "neighbourhood").order_by("pk"))
    for a in qs:
        yield {"id": a.pk, "nom": a.name, "type": a.asset_type.slug, "statut": a.status, "quartier": _hood(a),
               "adresse": a.address, "places_max": a.max_participants,
               "acteurs_prives_admis": a.private_actors_allowed, "latitude": a.lat, "longitude": a.lon,
               "url": _url(a.get_absolute_url())}


def _interventions(territory):
    qs = without_hidden(Intervention.objects.filter(territory=territory)
                        .select_related("kit", "neighbourhood").annotate(n=Count("participations"))
                        .order_by("pk"))
    for i in qs:
        yield {"id": i.pk, "titre": i.title, "kit": i.kit.slug, "dispositif_id": i.asset_id, "statut": i.status,
               "quartier": _hood(i), "debut": _day(i.starts_on), "fin": _day(i.ends_on), "participants": i.n,
               "projet_id": i.project_id, "latitude": i.lat, "longitude": i.lon, "url": _url(i.get_absolute_url())}


def _reports(territory):
    qs = without_hidden(Report.objects.filter(territory=territory, duplicate_of=None)
                        .select_related("category", "neighbourhood").order_by("pk"))
    for r in qs:
        yield {"id": r.pk, "categorie": r.category.service_code, "statut": r.status, "quartier": _hood(r),
               "date": _day(r.created_at), "latitude": round(r.lat, 4) if r.lat is not None else None,
               "longitude": round(r.lon, 4) if r.lon is not None else None}


def _proposals(territory):
    for p in without_hidden(Proposal.objects.filter(territory=territory).order_by("pk")):
        yield {"id": p.pk, "titre": p.title, "nature": p.kind, "statut": p.status, "soutiens": p.supports_count,
               "dispositif_id": p.asset_id, "date": _day(p.created_at), "date_reponse": _day(p.answered_at),
               "url": _url(p.get_absolute_url())}


def _places(territory):
    qs = (Place.objects.filter(territory=territory, moderation="published").select_related("neighbourhood")
          .order_by("pk"))
    for p in qs:
        yield {"id": p.pk, "nom": p.name, "type": p.place_type, "mediation": p.profile_mediation,
               "travail": p.profile_work, "creation": p.profile_creation, "quartier": _hood(p),
               "adresse": p.address, "code_postal": p.postcode, "commune": p.city, "site_web": p.website,
               "acces_fauteuil": p.wheelchair, "latitude": p.lat, "longitude": p.lon}


def _services(territory):
    qs = (Service.objects.filter(place__territory=territory, place__moderation="published").order_by("pk"))
    for s in qs:
        yield {"id": s.pk, "lieu_id": s.place_id, "nom": s.name, "nature": s.kind, "horaires": s.opening_hours,
               "sur_rendez_vous": s.by_appointment, "acces": s.access, "assure_par": s.provider_name,
               "type_prestataire": s.provider_kind}


def _metrics(territory):
    since = timezone.localdate() - datetime.timedelta(days=METRIC_DAYS)
    qs = (Metric.objects.filter(territory=territory, day__gte=since).select_related("neighbourhood")
          .order_by("day", "key", "dimension", "neighbourhood__slug"))
    for m in qs:
        yield {"jour": _day(m.day), "quartier": _hood(m), "indicateur": m.key, "detail": m.dimension,
               "valeur": m.value}


def _challenges(territory):
    qs = (Challenge.objects.filter(territory=territory).exclude(status="draft").prefetch_related("neighbourhoods")
          .annotate(n=Count("responses", distinct=True)).order_by("pk"))
    for c in qs:
        yield {"id": c.pk, "titre": c.title, "statut": c.status, "debut": _day(c.starts_on), "fin": _day(c.ends_on),
               "quartiers": " ".join(sorted(n.slug for n in c.neighbourhoods.all())),
               "url": _url(c.get_absolute_url())}


def _challenge_indicators(territory):
    qs = (IndicatorPoint.objects.filter(series__challenge__territory=territory)
          .exclude(series__challenge__status="draft").select_related("series", "neighbourhood")
          .order_by("series__challenge", "series__name", "day", "neighbourhood__slug"))
    for p in qs:
        yield {"defi_id": p.series.challenge_id, "serie": p.series.name, "unite": p.series.unit, "jour": _day(p.day),
               "quartier": _hood(p), "valeur": (Decimal(p.value_milli) / 1000).quantize(Decimal("0.001"))}


_COORDS = {"latitude": "Latitude (WGS 84, degrés décimaux).", "longitude": "Longitude (WGS 84, degrés décimaux)."}
_HOOD = {"quartier": "Identifiant (slug) du quartier, vide hors quartier."}

DATASETS: dict[str, Dataset] = {d.name: d for d in [
    Dataset("projets", "Projets financés par les habitants",
            "Les projets publiés (en campagne, financés ou non), sans le nom de leurs porteurs.", {
                "id": "Identifiant du projet.", "titre": "Titre du projet.", "resume": "Résumé en une phrase.",
                "statut": "published (en campagne), succeeded (financé), failed (non financé).", **_HOOD,
                "organisation": "Organisation qui porte le projet, vide pour un particulier.",
                "objectif_euros": "Objectif minimal de la campagne, en euros.",
                "collecte_euros": "Contributions des habitants, en euros.",
                "abondement_euros": "Apports des fonds de doublement des mécènes, en euros.",
                "contributeurs": "Nombre de contributeurs.",
                "date_publication": "Début de la campagne (AAAA-MM-JJ).", "date_fin": "Fin de la campagne (AAAA-MM-JJ).",
                **_COORDS, "url": "Page du projet."}, _projects, geo=True),
    Dataset("contributions", "Contributions agrégées",
            "Par projet et par jour, le nombre et le montant des contributions encore valables ; jamais une "
            "contribution seule, jamais un contributeur.", {
                "projet_id": "Identifiant du projet (voir projets).", "jour": "Jour (AAAA-MM-JJ, heure de Paris).",
                "nombre": "Nombre de contributions faites ce jour-là.",
                "montant_euros": "Leur somme, en euros."}, _contributions),
    Dataset("kits", "Kits d'intervention urbaine", "Les kits publiés valables sur le territoire.", {
        "id": "Identifiant du kit.", "slug": "Identifiant lisible.", "titre": "Titre.", "resume": "Résumé.",
        "categorie": "Catégorie (greening, street_safety, light_events, data_mapping, furniture_repair, "
                     "temporary_uses, parking_reuse, services_apps).",
        "axe": "Axe (dur, usage, soft, info).", "niveau": "Niveau d'expertise conseillé (1 à 3).",
        "portee": "territoire (propre au territoire) ou nationale (valable partout).", "url": "Page du kit."},
            _kits),
    Dataset("dispositifs", "Dispositifs ouverts à l'intervention",
            "Espaces et objets publiés sur la carte (jamais le code d'une armoire à outils).", {
                "id": "Identifiant du dispositif.", "nom": "Nom.", "type": "Type (identifiant).",
                "statut": "open (ouvert), openable (pourrait l'être), closed (fermé).", **_HOOD,
                "adresse": "Adresse.", "places_max": "Nombre maximal de participants à la fois, vide sans limite.",
                "acteurs_prives_admis": "Les entreprises peuvent-elles y intervenir (true/false ; oui/non en CSV).",
                **_COORDS, "url": "Page du dispositif."}, _assets, geo=True),
    Dataset("interventions", "Interventions des habitants",
            "Les interventions déclarées, sans le nom de leurs organisateurs ni de leurs participants.", {
                "id": "Identifiant.", "titre": "Titre.", "kit": "Kit utilisé (slug, voir kits).",
                "dispositif_id": "Dispositif concerné (voir dispositifs), vide pour un lieu libre.",
                "statut": "planned (prévue), ongoing (en cours), done (réalisée), abandoned (abandonnée).", **_HOOD,
                "debut": "Début prévu (AAAA-MM-JJ).", "fin": "Fin prévue (AAAA-MM-JJ), vide si non précisée.",
                "participants": "Nombre de participants, organisateur compris.",
                "projet_id": "Projet qui la finance (voir projets), vide sinon.", **_COORDS,
                "url": "Page de l'intervention."}, _interventions, geo=True),
    Dataset("signalements", "Signalements", "Les problèmes signalés (sans description ni auteur, position "
            "arrondie à environ 10 m ; les doublons sont exclus).", {
                "id": "Identifiant.", "categorie": "Catégorie (code du service, comme dans l'API Open311).",
                "statut": "open (ouvert), in_progress (en cours de traitement), fixed (réparé), closed (clos).", **_HOOD, "date": "Jour du signalement (AAAA-MM-JJ).", **_COORDS},
            _reports, geo=True),
    Dataset("propositions", "Propositions des habitants", "Les propositions faites au territoire, sans leur "
            "auteur.", {
                "id": "Identifiant.", "titre": "Titre.", "nature": "open_space, change_rule ou other.",
                "statut": "submitted, under_review, accepted, rejected, implemented.",
                "soutiens": "Nombre de soutiens.", "dispositif_id": "Dispositif concerné, vide sinon.",
                "date": "Jour du dépôt (AAAA-MM-JJ).", "date_reponse": "Jour de la réponse officielle, vide sinon.",
                "url": "Page de la proposition."}, _proposals),
    Dataset("lieux", "Lieux partagés", "Les lieux partagés publiés (tiers-lieux, médiathèques, fab labs…).", {
        "id": "Identifiant.", "nom": "Nom.", "type": "Type de lieu (identifiant).",
        "mediation": "Lieu de médiation et d'accès (true/false).", "travail": "Lieu de travail (true/false).",
        "creation": "Lieu de création et de projets (true/false).", **_HOOD, "adresse": "Adresse.",
        "code_postal": "Code postal.", "commune": "Commune.", "site_web": "Site web du lieu.",
        "acces_fauteuil": "Accès en fauteuil roulant (yes, partial, no, unknown).", **_COORDS},
            _places, geo=True),
    Dataset("services", "Services des lieux", "Les services rendus dans les lieux partagés publiés.", {
        "id": "Identifiant.", "lieu_id": "Lieu (voir lieux).", "nom": "Nom du service.",
        "nature": "Nature du service (identifiant).", "horaires": "Horaires au format opening_hours d'OpenStreetMap.",
        "sur_rendez_vous": "Sur rendez-vous (true/false).", "acces": "Conditions d'accès (identifiant).",
        "assure_par": "Structure qui assure le service.", "type_prestataire": "Type de cette structure."},
            _services),
    Dataset("indicateurs", "Indicateurs du jour",
            "Les chiffres quotidiens du tableau de bord (deux dernières années), par quartier.", {
                "jour": "Jour (AAAA-MM-JJ).", **_HOOD, "indicateur": "Clé de l'indicateur : "
                + " ; ".join(f"{d.key} = {d.explains}" for d in DEFINITIONS.values()),
                "detail": "Précision (catégorie de signalement, mécène, kit, lieu), vide sinon.",
                "valeur": "Valeur (nombre, centimes, heures ou minutes selon l'indicateur)."}, _metrics),
    Dataset("defis", "Défis urbains", "Les défis posés par la cellule d'innovation (hors brouillons).", {
        "id": "Identifiant.", "titre": "Titre.", "statut": "open (ouvert) ou closed (clos).",
        "debut": "Début (AAAA-MM-JJ).", "fin": "Fin (AAAA-MM-JJ).",
        "quartiers": "Quartiers concernés (slugs séparés par des espaces).", "url": "Page du défi."}, _challenges),
    Dataset("indicateurs_defis", "Indicateurs des défis", "Les séries importées par la cellule pour ses défis.", {
        "defi_id": "Défi (voir defis).", "serie": "Nom de la série.", "unite": "Unité.", "jour": "Jour (AAAA-MM-JJ).",
        **_HOOD, "valeur": "Valeur (au plus trois décimales)."}, _challenge_indicators),
]}


# --- writers ----------------------------------------------------------------------------------------

def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float | Decimal):
        return _number(value).replace(".", ",")
    return str(value)


def _number(value) -> str:
    """A decimal number without noise: 6 decimals at most for coordinates, no trailing zeros but for money."""
    if isinstance(value, float):
        value = Decimal(repr(round(value, 6)))
    if value.as_tuple().exponent == -2:  # euros keep their cents
        return f"{value:f}"
    return f"{value.normalize():f}"


def _json_value(value):
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, Decimal):
        return float(value)
    return value


def to_csv(dataset: Dataset, rows: list[dict]) -> bytes:
    """French spreadsheet CSV, as the other exports: a byte order mark, semicolons, decimal commas, and every
    cell through the formula guard (core.text.csv_cell)."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(list(dataset.columns))
    for row in rows:
        writer.writerow([csv_cell(_csv_value(row[c])) for c in dataset.columns])
    return out.getvalue().encode()


def to_json(dataset: Dataset, rows: list[dict]) -> bytes:
    return json.dumps([{c: _json_value(row[c]) for c in dataset.columns} for row in rows], ensure_ascii=False,
                      indent=1).encode()


def to_geojson(dataset: Dataset, rows: list[dict]) -> bytes:
    features = [{"type": "Feature", "id": row.get("id"),
                 "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
                 "properties": {c: _json_value(row[c]) for c in dataset.columns if c not in ("latitude", "longitude")}}
                for row in rows if row.get("latitude") is not None and row.get("longitude") is not None]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


def readme(territory) -> str:
    lic = licence()
    lines = [f"# Données ouvertes — {territory.name}", "",
             "Publiées par la plateforme Alléger, recalculées régulièrement. Aucune donnée personnelle : ni "
             "adresse e-mail, ni nom de personne ; les contributions ne sont publiées qu'agrégées par projet et "
             "par jour.", "",
             f"Licence : {lic['name']} ({lic['url']}). Mentionnez la source : « Alléger — {territory.name} ».", "",
             "Formats : CSV (séparateur point-virgule, virgule décimale, UTF-8 avec BOM, oui/non pour les "
             "booléens), JSON (une liste d'objets, mêmes colonnes, nombres avec un point), GeoJSON (RFC 7946, "
             "WGS 84, pour les fichiers qui ont une position ; mêmes colonnes en propriétés).", ""]
    for d in DATASETS.values():
        formats = "csv, json, geojson" if d.geo else "csv, json"
        lines += [f"## {d.name} — {d.title}", "", d.description, "", f"Fichiers : {d.name}.{{{formats}}}", "",
                  "| colonne | contenu |", "|---|---|"]
        lines += [f"| {name} | {text} |" for name, text in d.columns.items()]
        lines.append("")
    return "\n".join(lines)


# --- the job ----------------------------------------------------------------------------------------

def folder(territory) -> str:
    return f"opendata/{territory.slug}"


def manifest(territory) -> dict | None:
    path = f"{folder(territory)}/manifest.json"
    if not default_storage.exists(path):
        return None
    with default_storage.open(path, "rb") as f:
        return json.loads(f.read().decode())


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))  # the same bytes for the same data
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, files[name])
    return out.getvalue()


def build(territory) -> dict[str, bytes]:
    """Every file of the territory, by name (README and ZIP included)."""
    files: dict[str, bytes] = {}
    for d in DATASETS.values():
        rows = list(d.rows(territory))
        files[f"{d.name}.csv"] = to_csv(d, rows)
        files[f"{d.name}.json"] = to_json(d, rows)
        if d.geo:
            files[f"{d.name}.geojson"] = to_geojson(d, rows)
    files["LISEZMOI.md"] = readme(territory).encode()
    files[f"donnees-{territory.slug}.zip"] = _zip(files)
    return files


def write(territory) -> dict:
    """Write the territory's files; only those whose content changed are rewritten (idempotent: a second run
    with the same data writes nothing). Returns the manifest."""
    before = {f["name"]: f for f in (manifest(territory) or {}).get("files", [])}
    now = timezone.now().isoformat(timespec="seconds")
    entries, changed = [], 0
    for name, content in build(territory).items():
        digest = hashlib.sha256(content).hexdigest()
        path = f"{folder(territory)}/{name}"
        old = before.get(name)
        if old is None or old["sha256"] != digest or not default_storage.exists(path):
            if default_storage.exists(path):
                default_storage.delete(path)
            default_storage.save(path, ContentFile(content))
            old, changed = None, changed + 1
        entries.append({"name": name, "size": len(content), "sha256": digest,
                        "updated_at": old["updated_at"] if old else now})
    result = {"territory": territory.slug, "licence": licence(), "files": entries}
    for name in set(before) - {e["name"] for e in entries}:
        default_storage.delete(f"{folder(territory)}/{name}")
        changed += 1
    if changed or manifest(territory) is None:
        path = f"{folder(territory)}/manifest.json"
        if default_storage.exists(path):
            default_storage.delete(path)
        default_storage.save(path, ContentFile(json.dumps(result, ensure_ascii=False, indent=1).encode()))
    return result


def write_all(territories=None) -> int:
    from alleger.territories.models import Territory

    count = 0
    for territory in territories if territories is not None else Territory.objects.all():
        write(territory)
        count += 1
    return count
