"""Open data: per territory, each public dataset as CSV, JSON (and GeoJSON when it has coordinates), a ZIP
of them all with a README, and a manifest — written into the default storage by the job
(`alleger opendata`, a periodic job), never on a request.

One source of truth: DATASETS says, for each file, its columns and what each one holds. The README is
built from it, the open-data page shows it, and a test checks that every file has exactly these columns.

No personal data: no e-mail, no person's name (not even holders' display names), no free text a person
typed about themselves; contributions only as a count and an amount per project and day.
"""

from __future__ import annotations

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
from django.utils import timezone, translation
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as __
from django.utils.translation import gettext_lazy as _

from alleger.assets.models import Asset
from alleger.core.text import spreadsheet_csv
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


def _indicator_keys() -> str:
    return " ; ".join(f"{d.key} = {d.explains}" for d in DEFINITIONS.values())


_COORDS = {"latitude": _("Latitude (WGS 84, degrés décimaux)."),
           "longitude": _("Longitude (WGS 84, degrés décimaux).")}
_HOOD = {"quartier": _("Identifiant (slug) du quartier, vide hors quartier.")}

#: Titles, descriptions and column descriptions are lazy: the page shows them in the visitor's language, the job
#: writes the README in French (LISEZMOI.md) and in English (README.md) — the column names stay French, as in
#: the files themselves.
DATASETS: dict[str, Dataset] = {d.name: d for d in [
    Dataset("projets", _("Projets financés par les habitants"),
            _("Les projets publiés (en campagne, financés ou non), sans le nom de leurs porteurs."), {
                "id": _("Identifiant du projet."), "titre": _("Titre du projet."),
                "resume": _("Résumé en une phrase."),
                "statut": _("published (en campagne), succeeded (financé), failed (non financé)."), **_HOOD,
                "organisation": _("Organisation qui porte le projet, vide pour un particulier."),
                "objectif_euros": _("Objectif minimal de la campagne, en euros."),
                "collecte_euros": _("Contributions des habitants, en euros."),
                "abondement_euros": _("Apports des fonds de doublement des mécènes, en euros."),
                "contributeurs": _("Nombre de contributeurs."),
                "date_publication": _("Début de la campagne (AAAA-MM-JJ)."),
                "date_fin": _("Fin de la campagne (AAAA-MM-JJ)."),
                **_COORDS, "url": _("Page du projet.")}, _projects, geo=True),
    Dataset("contributions", _("Contributions agrégées"),
            _("Par projet et par jour, le nombre et le montant des contributions encore valables ; jamais une "
              "contribution seule, jamais un contributeur."), {
                "projet_id": _("Identifiant du projet (voir projets)."),
                "jour": _("Jour (AAAA-MM-JJ, heure de Paris)."),
                "nombre": _("Nombre de contributions faites ce jour-là."),
                "montant_euros": _("Leur somme, en euros.")}, _contributions),
    Dataset("kits", _("Kits d'intervention urbaine"), _("Les kits publiés valables sur le territoire."), {
        "id": _("Identifiant du kit."), "slug": _("Identifiant lisible."), "titre": _("Titre."),
        "resume": _("Résumé."),
        "categorie": _("Catégorie (greening, street_safety, light_events, data_mapping, furniture_repair, "
                       "temporary_uses, parking_reuse, services_apps)."),
        "axe": _("Axe (dur, usage, soft, info)."), "niveau": _("Niveau d'expertise conseillé (1 à 3)."),
        "portee": _("territoire (propre au territoire) ou nationale (valable partout)."),
        "url": _("Page du kit.")}, _kits),
    Dataset("dispositifs", _("Dispositifs ouverts à l'intervention"),
            _("Espaces et objets publiés sur la carte (jamais le code d'une armoire à outils)."), {
                "id": _("Identifiant du dispositif."), "nom": _("Nom."), "type": _("Type (identifiant)."),
                "statut": _("open (ouvert), openable (pourrait l'être), closed (fermé)."), **_HOOD,
                "adresse": _("Adresse."),
                "places_max": _("Nombre maximal de participants à la fois, vide sans limite."),
                "acteurs_prives_admis": _("Les entreprises peuvent-elles y intervenir (true/false ; oui/non en "
                                          "CSV)."),
                **_COORDS, "url": _("Page du dispositif.")}, _assets, geo=True),
    Dataset("interventions", _("Interventions des habitants"),
            _("Les interventions déclarées, sans le nom de leurs organisateurs ni de leurs participants."), {
                "id": _("Identifiant."), "titre": _("Titre."), "kit": _("Kit utilisé (slug, voir kits)."),
                "dispositif_id": _("Dispositif concerné (voir dispositifs), vide pour un lieu libre."),
                "statut": _("planned (prévue), ongoing (en cours), done (réalisée), abandoned (abandonnée)."),
                **_HOOD, "debut": _("Début prévu (AAAA-MM-JJ)."),
                "fin": _("Fin prévue (AAAA-MM-JJ), vide si non précisée."),
                "participants": _("Nombre de participants, organisateur compris."),
                "projet_id": _("Projet qui la finance (voir projets), vide sinon."), **_COORDS,
                "url": _("Page de l'intervention.")}, _interventions, geo=True),
    Dataset("signalements", _("Signalements"),
            _("Les problèmes signalés (sans description ni auteur, position arrondie à environ 10 m ; les "
              "doublons sont exclus)."), {
                "id": _("Identifiant."), "categorie": _("Catégorie (code du service, comme dans l'API Open311)."),
                "statut": _("open (ouvert), in_progress (en cours de traitement), fixed (réparé), closed (clos)."),
                **_HOOD, "date": _("Jour du signalement (AAAA-MM-JJ)."), **_COORDS},
            _reports, geo=True),
    Dataset("propositions", _("Propositions des habitants"),
            _("Les propositions faites au territoire, sans leur auteur."), {
                "id": _("Identifiant."), "titre": _("Titre."), "nature": _("open_space, change_rule ou other."),
                "statut": _("submitted, under_review, accepted, rejected, implemented."),
                "soutiens": _("Nombre de soutiens."), "dispositif_id": _("Dispositif concerné, vide sinon."),
                "date": _("Jour du dépôt (AAAA-MM-JJ)."),
                "date_reponse": _("Jour de la réponse officielle, vide sinon."),
                "url": _("Page de la proposition.")}, _proposals),
    Dataset("lieux", _("Lieux partagés"),
            _("Les lieux partagés publiés (tiers-lieux, médiathèques, fab labs…)."), {
                "id": _("Identifiant."), "nom": _("Nom."), "type": _("Type de lieu (identifiant)."),
                "mediation": _("Lieu de médiation et d'accès (true/false)."),
                "travail": _("Lieu de travail (true/false)."),
                "creation": _("Lieu de création et de projets (true/false)."), **_HOOD, "adresse": _("Adresse."),
                "code_postal": _("Code postal."), "commune": _("Commune."), "site_web": _("Site web du lieu."),
                "acces_fauteuil": _("Accès en fauteuil roulant (yes, partial, no, unknown)."), **_COORDS},
            _places, geo=True),
    Dataset("services", _("Services des lieux"), _("Les services rendus dans les lieux partagés publiés."), {
        "id": _("Identifiant."), "lieu_id": _("Lieu (voir lieux)."), "nom": _("Nom du service."),
        "nature": _("Nature du service (identifiant)."),
        "horaires": _("Horaires au format opening_hours d'OpenStreetMap."),
        "sur_rendez_vous": _("Sur rendez-vous (true/false)."), "acces": _("Conditions d'accès (identifiant)."),
        "assure_par": _("Structure qui assure le service."), "type_prestataire": _("Type de cette structure.")},
            _services),
    Dataset("indicateurs", _("Indicateurs du jour"),
            _("Les chiffres quotidiens du tableau de bord (deux dernières années), par quartier."), {
                "jour": _("Jour (AAAA-MM-JJ)."), **_HOOD,
                "indicateur": format_lazy("{} {}", _("Clé de l'indicateur :"), lazy(_indicator_keys, str)()),
                "detail": _("Précision (catégorie de signalement, mécène, kit, lieu), vide sinon."),
                "valeur": _("Valeur (nombre, centimes, heures ou minutes selon l'indicateur).")}, _metrics),
    Dataset("defis", _("Défis urbains"), _("Les défis posés par la cellule d'innovation (hors brouillons)."), {
        "id": _("Identifiant."), "titre": _("Titre."), "statut": _("open (ouvert) ou closed (clos)."),
        "debut": _("Début (AAAA-MM-JJ)."), "fin": _("Fin (AAAA-MM-JJ)."),
        "quartiers": _("Quartiers concernés (slugs séparés par des espaces)."), "url": _("Page du défi.")},
            _challenges),
    Dataset("indicateurs_defis", _("Indicateurs des défis"),
            _("Les séries importées par la cellule pour ses défis."), {
                "defi_id": _("Défi (voir defis)."), "serie": _("Nom de la série."), "unite": _("Unité."),
                "jour": _("Jour (AAAA-MM-JJ)."), **_HOOD, "valeur": _("Valeur (au plus trois décimales).")},
            _challenge_indicators),
]}


# --- writers ----------------------------------------------------------------------------------------

def _json_value(value):
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, Decimal):
        return float(value)
    return value


def to_csv(dataset: Dataset, rows: list[dict]) -> bytes:
    """French spreadsheet CSV, as the other exports: a byte order mark, semicolons, decimal commas, and every
    cell through the formula guard (core.text.csv_cell)."""
    return spreadsheet_csv(dataset.columns, rows).encode()


def to_json(dataset: Dataset, rows: list[dict]) -> bytes:
    return json.dumps([{c: _json_value(row[c]) for c in dataset.columns} for row in rows], ensure_ascii=False,
                      indent=1).encode()


def to_geojson(dataset: Dataset, rows: list[dict]) -> bytes:
    features = [{"type": "Feature", "id": row.get("id"),
                 "geometry": {"type": "Point", "coordinates": [row["longitude"], row["latitude"]]},
                 "properties": {c: _json_value(row[c]) for c in dataset.columns if c not in ("latitude", "longitude")}}
                for row in rows if row.get("latitude") is not None and row.get("longitude") is not None]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False).encode()


#: The README in each language, by file name: French first (the reference, as on data.gouv.fr), English for
#: reusers abroad. Both are in the ZIP; the page links the one in the visitor's language.
READMES = {"fr": "LISEZMOI.md", "en": "README.md"}


def readme(territory, language: str = "fr") -> str:
    """The README in `language` (whatever the job's active language)."""
    with translation.override(language):
        return _readme(territory)


def _readme(territory) -> str:
    lic = licence()
    lines = [__("# Données ouvertes — %(name)s") % {"name": territory.name}, "",
             __("Publiées par la plateforme Alléger, recalculées régulièrement. Aucune donnée personnelle : ni "
                "adresse e-mail, ni nom de personne ; les contributions ne sont publiées qu'agrégées par projet et "
                "par jour."), "",
             __("Licence : %(licence)s (%(url)s). Mentionnez la source : « Alléger — %(name)s ».")
             % {"licence": lic["name"], "url": lic["url"], "name": territory.name}, "",
             __("Formats : CSV (séparateur point-virgule, virgule décimale, UTF-8 avec BOM, oui/non pour les "
                "booléens), JSON (une liste d'objets, mêmes colonnes, nombres avec un point), GeoJSON (RFC 7946, "
                "WGS 84, pour les fichiers qui ont une position ; mêmes colonnes en propriétés)."), ""]
    for d in DATASETS.values():
        formats = "csv, json, geojson" if d.geo else "csv, json"
        lines += [f"## {d.name} — {d.title}", "", str(d.description), "",
                  __("Fichiers : %(files)s") % {"files": f"{d.name}.{{{formats}}}"}, "",
                  __("| colonne | contenu |"), "|---|---|"]
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
    """Every file of the territory, by name (READMEs and ZIP included)."""
    return _build(territory)[0]


def _build(territory) -> tuple[dict[str, bytes], dict[str, int]]:
    """The files, and the number of rows of each data file (0: no data yet)."""
    files: dict[str, bytes] = {}
    counts: dict[str, int] = {}
    for d in DATASETS.values():
        rows = list(d.rows(territory))
        files[f"{d.name}.csv"] = to_csv(d, rows)
        files[f"{d.name}.json"] = to_json(d, rows)
        counts[f"{d.name}.csv"] = counts[f"{d.name}.json"] = len(rows)
        if d.geo:
            files[f"{d.name}.geojson"] = to_geojson(d, rows)
            counts[f"{d.name}.geojson"] = sum(1 for row in rows if row.get("latitude") is not None
                                              and row.get("longitude") is not None)
    for language, name in READMES.items():
        files[name] = readme(territory, language).encode()
    files[f"donnees-{territory.slug}.zip"] = _zip(files)
    return files, counts


def write(territory) -> dict:
    """Write the territory's files; only those whose content changed are rewritten (idempotent: a second run
    with the same data writes nothing). Returns the manifest."""
    before = {f["name"]: f for f in (manifest(territory) or {}).get("files", [])}
    now = timezone.now().isoformat(timespec="seconds")
    entries, changed = [], 0
    files, counts = _build(territory)
    for name, content in files.items():
        digest = hashlib.sha256(content).hexdigest()
        path = f"{folder(territory)}/{name}"
        old = before.get(name)
        if old is None or old["sha256"] != digest or not default_storage.exists(path):
            if default_storage.exists(path):
                default_storage.delete(path)
            default_storage.save(path, ContentFile(content))
            old, changed = None, changed + 1
        entry = {"name": name, "size": len(content), "sha256": digest, "updated_at": old["updated_at"] if old else now}
        if name in counts:
            entry["rows"] = counts[name]
        entries.append(entry)
    result = {"territory": territory.slug, "licence": licence(), "files": entries}
    for name in set(before) - {e["name"] for e in entries}:
        default_storage.delete(f"{folder(territory)}/{name}")
        changed += 1
    if changed or manifest(territory) != result:  # also a manifest written before it counted rows
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
