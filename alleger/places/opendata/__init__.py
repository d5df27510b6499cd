"""Open data of the shared places: the « lieux de médiation numérique » schema v1.0.2 and data·inclusion.

Two directions (docs/places-opendata.md has the whole mapping, and what each loses):

- export: the published places as rows of the national schema of digital
  mediation places (CSV or JSON; multi-values joined by `|`; `horaires` in
  OpenStreetMap opening_hours), and as data·inclusion structures and services;
- import: rows of that schema into a territory, idempotent on the schema's
  `id` (kept as the place's `source_id`): the same row twice changes nothing,
  a changed row updates the place and records a PlaceChange(source=import),
  a bad row is rejected with its line and the reason, in the user's language.

Only the assembly's views, the management command and the tests call this
module; it writes through `places_import`, in one transaction (one savepoint
per row).
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from alleger.core.errors import Refused
from alleger.core.services import audit_record
from alleger.core.text import clean_text, csv_cell

from .. import hours
from ..models import Access, Place, PlaceChange, PlaceType, Service, ServiceKind

SCHEMA_VERSION = "1.0.2"
#: Our `Place.source` for rows imported from the national schema.
SOURCE_LMN = "lieux-mediation-numerique"
#: data·inclusion's `source` for what Alléger publishes.
SOURCE_DI = "alleger"
SEP = "|"
#: The schema requires `pivot` (SIRET, RNA or RIDET); places carry none, and the national
#: cartography writes fourteen zeros for "unknown".
UNKNOWN_PIVOT = "00000000000000"
MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024

#: The columns of the schema, in its order.
LMN_FIELDS = [
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse", "complement_adresse",
    "latitude", "longitude", "typologie", "telephone", "courriels", "site_web", "horaires",
    "presentation_resume", "presentation_detail", "source", "itinerance", "structure_parente", "date_maj",
    "services", "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
    "dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels", "modalites_acces",
    "modalites_accompagnement", "fiche_acces_libre", "prise_rdv",
]

# --- vocabularies -----------------------------------------------------------------------------

#: The schema's nine services, in its order.
LMN_SERVICES = [
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension du monde numérique",
    "Accès internet et matériel informatique",
    "Acquisition de matériel informatique à prix solidaire",
]
#: Our kinds of service → the schema's service (kinds absent here are not digital mediation).
KIND_TO_LMN = {
    ServiceKind.PROCEDURES: "Aide aux démarches administratives",
    ServiceKind.FAMILY_BENEFITS: "Aide aux démarches administratives",
    ServiceKind.DIGITAL_HELP: "Maîtrise des outils numériques du quotidien",
    ServiceKind.EMPLOYMENT: "Insertion professionnelle via le numérique",
    ServiceKind.FABRICATION: "Loisirs et créations numériques",
    ServiceKind.INTERNET: "Accès internet et matériel informatique",
    ServiceKind.PRINTING: "Accès internet et matériel informatique",
}
#: The schema's service → our kind of service, for the import.
LMN_TO_KIND = {
    "Aide aux démarches administratives": ServiceKind.PROCEDURES,
    "Maîtrise des outils numériques du quotidien": ServiceKind.DIGITAL_HELP,
    "Insertion professionnelle via le numérique": ServiceKind.EMPLOYMENT,
    "Utilisation sécurisée du numérique": ServiceKind.DIGITAL_HELP,
    "Parentalité et éducation avec le numérique": ServiceKind.DIGITAL_HELP,
    "Loisirs et créations numériques": ServiceKind.FABRICATION,
    "Compréhension du monde numérique": ServiceKind.WORKSHOPS,
    "Accès internet et matériel informatique": ServiceKind.INTERNET,
    "Acquisition de matériel informatique à prix solidaire": ServiceKind.OTHER,
}
#: Our place types → data·inclusion's structure typologies (the vocabulary the schema's `typologie` names).
TYPOLOGIE = {
    PlaceType.EPN: "EPN",
    PlaceType.MEDIATHEQUE: "BIB",
    PlaceType.MJC: "MJC",
    PlaceType.FRANCE_SERVICES: "MSAP",
    PlaceType.FABLAB: "TIERS_LIEUX",
    PlaceType.HACKERSPACE: "TIERS_LIEUX",
    PlaceType.THIRD_PLACE: "TIERS_LIEUX",
    PlaceType.COWORKING: "TIERS_LIEUX",
    PlaceType.TELECENTRE: "TIERS_LIEUX",
    PlaceType.REPAIR_CAFE: "TIERS_LIEUX",
    PlaceType.WORKSHOP: "TIERS_LIEUX",
    PlaceType.CANTINE: "TIERS_LIEUX",
    PlaceType.CONCIERGERIE: "TIERS_LIEUX",
    PlaceType.GARDEN: "TIERS_LIEUX",
}
#: Typologies → our place type, for the import (the first known code of a row wins; else EPN).
TYPOLOGIE_TO_TYPE = {
    "EPN": PlaceType.EPN, "BIB": PlaceType.MEDIATHEQUE, "MJC": PlaceType.MJC, "MSAP": PlaceType.FRANCE_SERVICES,
    "FS": PlaceType.FRANCE_SERVICES, "TIERS_LIEUX": PlaceType.THIRD_PLACE, "FABLAB": PlaceType.FABLAB,
    "RESSOURCERIE": PlaceType.REPAIR_CAFE, "MQ": PlaceType.CULTURAL_CENTRE, "CS": PlaceType.CULTURAL_CENTRE,
}
ACCESS_TO_FRAIS = {Access.FREE: "Gratuit", Access.MEMBERS: "Gratuit sous condition", Access.PAID: "Payant"}
FRAIS_TO_ACCESS = {"Gratuit": Access.FREE, "Gratuit sous condition": Access.MEMBERS, "Payant": Access.PAID}

#: The closed lists of the schema's other multi-valued columns (checked on import).
LMN_CLOSED = {
    "itinerance": ["Itinérant", "Fixe"],
    "publics_specifiquement_adresses": ["Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes"],
    "prise_en_charge_specifique": ["Surdité", "Handicaps moteurs", "Handicaps mentaux", "Illettrisme",
                                   "Langues étrangères (anglais)", "Langues étrangères (autres)",
                                   "Déficience visuelle"],
    "frais_a_charge": list(FRAIS_TO_ACCESS),
    "modalites_acces": ["Se présenter", "Téléphoner", "Contacter par mail", "Prendre un RDV en ligne",
                        "Ce lieu n'accueille pas de public", "Envoyer un mail avec une fiche de prescription"],
    "modalites_accompagnement": ["En autonomie", "Accompagnement individuel", "Dans un atelier collectif",
                                 "À distance"],
    "services": LMN_SERVICES,
}

# data·inclusion (schema v1): services' types and thematics by our kind.
DI_TYPE = {
    ServiceKind.DIGITAL_HELP: "accompagnement", ServiceKind.PROCEDURES: "accompagnement",
    ServiceKind.FAMILY_BENEFITS: "information", ServiceKind.EMPLOYMENT: "accompagnement",
    ServiceKind.TOOL_LENDING: "aide-materielle", ServiceKind.INTERNET: "aide-materielle",
    ServiceKind.PRINTING: "aide-materielle", ServiceKind.WORKSHOPS: "atelier", ServiceKind.FABRICATION: "atelier",
    ServiceKind.REPAIR: "atelier", ServiceKind.GARDENING: "atelier", ServiceKind.FOOD: "aide-materielle",
}
DI_THEMATIQUES = {
    ServiceKind.INTERNET: ["numerique--acceder-a-une-connexion-internet"],
    ServiceKind.PRINTING: ["numerique--acceder-a-une-connexion-internet"],
    ServiceKind.DIGITAL_HELP: ["numerique--maitriser-les-fondamentaux-du-numerique"],
    ServiceKind.PROCEDURES: ["numerique--acceder-a-des-services-en-ligne"],
    ServiceKind.FAMILY_BENEFITS: ["numerique--acceder-a-des-services-en-ligne"],
    ServiceKind.EMPLOYMENT: ["trouver-un-emploi"],
    ServiceKind.FOOD: ["equipement-et-alimentation--alimentation"],
}
DI_RESEAUX = {PlaceType.FRANCE_SERVICES: ["france-service"], PlaceType.EPN: ["espaces-publics-numeriques"]}

_PHONE = re.compile(r"^(\+33|\+590|\+594|\+262|\+596|\+269|\+687|\+689|\+508|\+681)(\d){6,9}$")
_POSTCODE = re.compile(r"^\d{5}$")
_NUMBER = re.compile(r"^[+-]?\d+(\.\d+)?$")


def _split(value: str) -> list[str]:
    return [part.strip() for part in (value or "").split(SEP) if part.strip()]


def _join(values) -> str:
    seen = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return SEP.join(seen)


def international_phone(phone: str) -> str:
    """« 04 77 12 34 56 » → « +33477123456 » (the schema's format), or "" when it cannot say."""
    digits = re.sub(r"[\s.\-()]", "", phone or "")
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if re.fullmatch(r"0\d{9}", digits):
        digits = "+33" + digits[1:]
    return digits if _PHONE.match(digits) else ""


def national_phone(phone: str) -> str:
    """« +33477123456 » → « 04 77 12 34 56 » (how the place form shows French numbers)."""
    if re.fullmatch(r"\+33\d{9}", phone or ""):
        rest = "0" + phone[3:]
        return " ".join(rest[i:i + 2] for i in range(0, 10, 2))
    return phone


# --- export -----------------------------------------------------------------------------------

def exportable_places(territory=None):
    """The published places with their services (no personal data: a place's contacts are public)."""
    qs = Place.objects.filter(moderation=Place.Moderation.PUBLISHED).select_related(
        "territory", "operator").prefetch_related(
        Prefetch("services", queryset=Service.objects.order_by("name", "pk")), "links")
    if territory is not None:
        qs = qs.filter(territory=territory)
    return qs.order_by("territory_id", "name", "pk")


def lmn_places(territory=None):
    """The places the national schema is about: a mediation profile, or a digital mediation service."""
    return exportable_places(territory).filter(
        Q(profile_mediation=True) | Q(services__kind__in=list(KIND_TO_LMN))).distinct()


def place_hours(place) -> tuple[str, list[tuple[str, str]]]:
    """(the place's hours, [(service, hours)] of its services that keep other hours).

    The schema has one `horaires` per place; ours are per service. When every
    service keeps the same hours (or only one has hours), those are the place's;
    otherwise the first service in name order gives them and the others are
    listed in words."""
    with_hours = [(s.name, s.opening_hours) for s in place.services.all() if s.opening_hours]
    if not with_hours:
        return "", []
    main = with_hours[0][1]
    return main, [(name, expr) for name, expr in with_hours[1:] if expr != main]


def _lmn_id(place) -> str:
    if place.source == SOURCE_LMN and place.source_id:
        return place.source_id
    return f"alleger-{place.territory.slug}-{place.pk}"


def lmn_row(place) -> dict:
    """One place as a row of the schema (every value a string; empty when unknown)."""
    services = list(place.services.all())
    main_hours, other_hours = place_hours(place)
    detail = place.description.strip()
    if other_hours:
        lines = "\n".join(f"- {name} : {expr}" for name, expr in other_hours)
        detail = (detail + "\n\n" if detail else "") + "Autres horaires :" + "\n" + lines
    lmn_services = [KIND_TO_LMN[s.kind] for s in services if s.kind in KIND_TO_LMN]
    access = [ACCESS_TO_FRAIS[s.access] for s in services if s.access in ACCESS_TO_FRAIS]
    modalities = []
    if any(s.opening_hours and not s.by_appointment for s in services):
        modalities.append("Se présenter")
    phone = international_phone(place.phone)
    if phone:
        modalities.append("Téléphoner")
    if place.email:
        modalities.append("Contacter par mail")
    accompaniment = []
    for service in services:
        if service.kind in (ServiceKind.INTERNET, ServiceKind.PRINTING):
            accompaniment.append("En autonomie")
        elif service.kind in (ServiceKind.DIGITAL_HELP, ServiceKind.PROCEDURES, ServiceKind.FAMILY_BENEFITS,
                              ServiceKind.EMPLOYMENT):
            accompaniment.append("Accompagnement individuel")
        elif service.kind in (ServiceKind.WORKSHOPS, ServiceKind.FABRICATION):
            accompaniment.append("Dans un atelier collectif")
    programmes = ["France Services"] if place.place_type == PlaceType.FRANCE_SERVICES else []
    websites = [place.website] + [link.url for link in place.links.all()]
    row = {
        "id": _lmn_id(place),
        "pivot": UNKNOWN_PIVOT,
        "nom": place.name,
        "commune": place.city or place.territory.name,
        "code_postal": place.postcode,
        "code_insee": "",
        "adresse": place.address,
        "complement_adresse": "",
        "latitude": f"{place.lat:.6f}",
        "longitude": f"{place.lon:.6f}",
        "typologie": TYPOLOGIE.get(place.place_type, ""),
        "telephone": phone,
        "courriels": place.email,
        "site_web": _join(websites),
        "horaires": main_hours,
        "presentation_resume": place.summary,
        "presentation_detail": detail,
        "source": "Alléger",
        "itinerance": "Fixe",
        "structure_parente": place.operator.name if place.operator_id else "",
        "date_maj": place.updated_at.date().isoformat(),
        "services": _join(sorted(lmn_services, key=LMN_SERVICES.index)),
        "publics_specifiquement_adresses": "",
        "prise_en_charge_specifique": "",
        "frais_a_charge": _join(access),
        "dispositif_programmes_nationaux": _join(programmes),
        "formations_labels": "",
        "autres_formations_labels": "",
        "modalites_acces": _join(modalities),
        "modalites_accompagnement": _join(accompaniment),
        "fiche_acces_libre": "",
        "prise_rdv": "",
    }
    return {key: clean_text(value) for key, value in row.items()}


def lmn_rows(territory=None) -> list[dict]:
    """The rows of the export; a place without a five-digit postcode is left out (the schema requires one)."""
    return [lmn_row(place) for place in lmn_places(territory) if _POSTCODE.match(place.postcode or "")]


def _cell(value: str) -> str:
    # A plain number (a latitude, a +33… phone number) is no formula: written as is so that it keeps the
    # schema's format; every other cell goes through the formula guard.
    return value if _NUMBER.match(value) else csv_cell(value)


def lmn_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(LMN_FIELDS)
    for row in rows:
        writer.writerow([_cell(row[name]) for name in LMN_FIELDS])
    return out.getvalue()


def lmn_json(rows: list[dict]) -> list[dict]:
    """The same rows as JSON objects, without the empty values (multi-values still joined by `|`;
    the coordinates as numbers)."""
    numbers = {"latitude", "longitude"}
    return [{name: float(row[name]) if name in numbers else row[name] for name in LMN_FIELDS if row[name] != ""}
            for row in rows]


def _place_url(place, base_url: str) -> str | None:
    try:
        return base_url.rstrip("/") + place.get_absolute_url() if base_url else None
    except NoReverseMatch:  # the places pages are not wired (a partial deployment): no link rather than a 500
        return None


def _di_text(text: str, minimum: int = 5) -> str | None:
    text = (text or "").strip()
    return text[:10000] if len(text) >= minimum else None


def _di_name(name: str) -> str:
    name = name.strip()[:150]
    return name.rstrip(".") if not name.endswith("etc.") else name


def di_structure(place, *, base_url: str = "") -> dict:
    """One place as a data·inclusion structure (schema v1)."""
    main_hours, _other = place_hours(place)
    phone = international_phone(place.phone)
    structure = {
        "source": SOURCE_DI,
        "id": f"{SOURCE_DI}--{place.pk}",
        "nom": _di_name(place.name),
        "date_maj": place.updated_at.date().isoformat(),
        "description": _di_text(place.description or place.summary),
        "lien_source": _place_url(place, base_url),
        "siret": None,
        "commune": place.city or place.territory.name,
        "code_postal": place.postcode if _POSTCODE.match(place.postcode or "") else None,
        "code_insee": None,
        "adresse": place.address or None,
        "complement_adresse": None,
        "longitude": place.lon,
        "latitude": place.lat,
        "telephone": phone or None,
        "courriel": place.email or None,
        "site_web": place.website or None,
        "horaires_accueil": main_hours or None,
        "accessibilite_lieu": None,
        "reseaux_porteurs": DI_RESEAUX.get(place.place_type),
    }
    return structure


def di_service(service, place) -> dict:
    """One service as a data·inclusion service (schema v1)."""
    kind_label = ServiceKind(service.kind).label
    description = _di_text(service.description) or f"{kind_label} — {place.name}"
    if service.by_appointment:
        modes = ["telephoner"] if place.phone else (["envoyer-un-courriel"] if place.email else ["se-presenter"])
    else:
        modes = ["se-presenter"]
    # Open data is in French, whatever the visitor's language.
    conditions = {Access.MEMBERS: "Réservé aux membres"}.get(service.access)
    return {
        "source": SOURCE_DI,
        "structure_id": f"{SOURCE_DI}--{place.pk}",
        "id": f"{SOURCE_DI}--service-{service.pk}",
        "nom": _di_name(service.name if len(service.name.strip()) >= 3 else f"{service.name} ({kind_label})"),
        "description": str(description),
        "lien_source": None,
        "date_maj": service.updated_at.date().isoformat(),
        "type": DI_TYPE.get(service.kind),
        "thematiques": DI_THEMATIQUES.get(service.kind),
        "frais": {Access.FREE: "gratuit", Access.PAID: "payant"}.get(service.access),
        "frais_precisions": service.price_note or None,
        "publics": ["tous-publics"],
        "publics_precisions": None,
        "conditions_acces": str(conditions) if conditions else None,
        "commune": place.city or place.territory.name,
        "code_postal": place.postcode if _POSTCODE.match(place.postcode or "") else None,
        "code_insee": None,
        "adresse": place.address or None,
        "complement_adresse": None,
        "longitude": place.lon,
        "latitude": place.lat,
        "telephone": international_phone(place.phone) or None,
        "courriel": place.email or None,
        "modes_accueil": ["en-presentiel"],
        "zone_eligibilite": None,
        "contact_nom_prenom": None,
        "lien_mobilisation": None,
        "modes_mobilisation": modes,
        "mobilisable_par": ["usagers"],
        "mobilisation_precisions": service.hours_note or None,
        "volume_horaire_hebdomadaire": None,
        "nombre_semaines": None,
        "horaires_accueil": service.opening_hours or None,
    }


def di_export(territory=None, *, base_url: str = "") -> dict:
    """{"structures": [...], "services": [...]} of the published places and their services."""
    structures, services = [], []
    for place in exportable_places(territory):
        structures.append(di_structure(place, base_url=base_url))
        services.extend(di_service(service, place) for service in place.services.all())
    return {"structures": structures, "services": services}


# --- import -----------------------------------------------------------------------------------

class ImportFileError(Refused):
    """The file as a whole cannot be read (not CSV/JSON, no `id` column, too large): about the form's file."""

    def __init__(self, message):
        super().__init__("unreadable_file", message)


@dataclass
class Rejection:
    line: int
    source_id: str
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)
    places: list = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged + len(self.rejected)


def guess_format(filename: str) -> str | None:
    name = (filename or "").lower()
    if name.endswith(".csv"):
        return "csv"
    if name.endswith(".json"):
        return "json"
    return None


def read_rows(raw: bytes, file_format: str) -> list[tuple[int, dict]]:
    """[(line, row)] of a CSV (line numbers as a spreadsheet shows them) or JSON file (item numbers)."""
    if len(raw) > MAX_BYTES:
        raise ImportFileError(_("Le fichier dépasse 5 Mo."))
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(_("Le fichier n'est pas en UTF-8.")) from None
    text = clean_text(text)
    if file_format == "json":
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise ImportFileError(_("JSON illisible : %(detail)s") % {"detail": exc}) from None
        if isinstance(data, dict):
            data = data.get("data", data.get("lieux"))
        if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
            raise ImportFileError(_("Le JSON doit être une liste d'objets (un par lieu)."))
        rows = [(number, {str(k): "" if v is None else str(v) for k, v in item.items()})
                for number, item in enumerate(data, start=1)]
    elif file_format == "csv":
        sample = text[:4096]
        delimiter = ";" if sample.split("\n", 1)[0].count(";") > sample.split("\n", 1)[0].count(",") else ","
        reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
        if not reader.fieldnames or "id" not in [name.strip() for name in reader.fieldnames]:
            raise ImportFileError(_("La colonne « id » du schéma manque : est-ce bien un fichier de lieux de "
                                    "médiation numérique ?"))
        rows = []
        for item in reader:
            rows.append((reader.line_num, {(k or "").strip(): (v or "").strip() if isinstance(v, str) else ""
                                           for k, v in item.items()}))
    else:
        raise ImportFileError(_("Format inconnu : choisissez un fichier .csv ou .json."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("Le fichier compte plus de %(max)d lieux.") % {"max": MAX_ROWS})
    return rows


def _float(value: str, label: str) -> float:
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        raise ValidationError(_("%(label)s n'est pas un nombre : « %(value)s ».") % {
            "label": label, "value": value}) from None
    if number != number or number in (float("inf"), float("-inf")):
        raise ValidationError(_("%(label)s n'est pas un nombre : « %(value)s ».") % {"label": label, "value": value})
    return number


def _closed(row: dict, name: str) -> list[str]:
    values = _split(row.get(name, ""))
    unknown = [v for v in values if v not in LMN_CLOSED[name]]
    if unknown:
        raise ValidationError(_("Valeur inconnue dans « %(column)s » : %(values)s.") % {
            "column": name, "values": ", ".join(f"« {v} »" for v in unknown)})
    return values


def _row_to_place(row: dict, territory) -> tuple[dict, list[dict]]:
    """(the place's fields, [the services' fields]) of a row, or ValidationError with the reason."""
    for name in ("id", "nom", "adresse"):
        if not row.get(name):
            raise ValidationError(_("La colonne « %(column)s » est vide.") % {"column": name})
    if len(row["id"]) > 100:
        raise ValidationError(_("L'identifiant fait plus de 100 caractères."))
    if not row.get("latitude") or not row.get("longitude"):
        raise ValidationError(_("Coordonnées manquantes : il faut une latitude et une longitude."))
    lat = _float(row["latitude"], _("La latitude"))
    lon = _float(row["longitude"], _("La longitude"))
    bbox = territory.bbox
    if bbox is not None:
        min_lon, min_lat, max_lon, max_lat = bbox
        if not (min_lat <= lat <= max_lat and min_lon <= lon <= max_lon):
            raise ValidationError(_("Coordonnées hors du territoire %(territory)s : %(lat)s, %(lon)s.") % {
                "territory": territory.name, "lat": lat, "lon": lon})
    elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ValidationError(_("Coordonnées impossibles : %(lat)s, %(lon)s.") % {"lat": lat, "lon": lon})
    horaires = row.get("horaires", "")
    if horaires:
        try:
            hours.validate(horaires)
        except ValidationError as exc:
            raise ValidationError(exc.messages[0]) from None
    postcode = row.get("code_postal", "")
    if postcode and not _POSTCODE.match(postcode):
        raise ValidationError(_("Code postal invalide : « %(value)s » (cinq chiffres).") % {"value": postcode})
    emails = _split(row.get("courriels", ""))
    for email in emails[:1]:
        try:
            EmailValidator()(email)
        except ValidationError:
            raise ValidationError(_("Courriel invalide : « %(value)s ».") % {"value": email}) from None
    websites = _split(row.get("site_web", ""))
    for url in websites[:1]:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            raise ValidationError(_("Site web invalide : « %(value)s ».") % {"value": url}) from None
    if len(row.get("presentation_resume", "")) > 280:
        raise ValidationError(_("« presentation_resume » dépasse 280 caractères."))
    lmn_services = _closed(row, "services")
    frais = _closed(row, "frais_a_charge")
    modalites = _closed(row, "modalites_acces")
    for name in ("itinerance", "publics_specifiquement_adresses", "prise_en_charge_specifique",
                 "modalites_accompagnement"):
        _closed(row, name)
    place_type = next((TYPOLOGIE_TO_TYPE[code] for code in _split(row.get("typologie", ""))
                       if code in TYPOLOGIE_TO_TYPE), PlaceType.EPN)
    phones = _split(row.get("telephone", ""))
    address = row.get("adresse", "")
    if row.get("complement_adresse"):
        address = f"{address}, {row['complement_adresse']}" if address else row["complement_adresse"]
    care = _split(row.get("prise_en_charge_specifique", ""))
    place = {
        "name": row["nom"][:150],
        "summary": row.get("presentation_resume", ""),
        "description": row.get("presentation_detail", ""),
        "place_type": place_type,
        "profile_mediation": True,
        "address": address[:200],
        "postcode": postcode,
        "city": row.get("commune", "")[:100],
        "lat": lat,
        "lon": lon,
        "website": websites[0] if websites else "",
        "email": emails[0] if emails else "",
        "phone": national_phone(phones[0])[:30] if phones else "",
        "accessibility": (_("Prise en charge spécifique : %(list)s.") % {"list": ", ".join(care)}) if care else "",
    }
    access = FRAIS_TO_ACCESS[frais[0]] if frais else Access.FREE
    by_appointment = "Prendre un RDV en ligne" in modalites and "Se présenter" not in modalites
    services = [{
        "name": label[:150],
        "kind": LMN_TO_KIND[label],
        "opening_hours": horaires,
        "access": access,
        "by_appointment": by_appointment,
    } for label in lmn_services]
    if not services and horaires:
        # Hours without a listed service: the place's reception.
        services = [{"name": "Accueil", "kind": ServiceKind.DIGITAL_HELP, "opening_hours": horaires,
                     "access": access, "by_appointment": by_appointment}]
    return place, services


_SERVICE_FIELDS = ("kind", "opening_hours", "access", "by_appointment")


def _apply(place: Place | None, fields: dict, services: list[dict], *, territory, source_id: str, actor):
    """Create or update one place; returns ("created"|"updated"|"unchanged", place)."""
    wanted = {s["name"]: {k: s[k] for k in _SERVICE_FIELDS} for s in services}
    if place is None:
        place = Place(territory=territory, source=SOURCE_LMN, source_id=source_id, proposed_by=None,
                      moderation=Place.Moderation.PUBLISHED, **fields)
        place.full_clean(exclude=["neighbourhood", "operator", "proposed_by"])
        place.save()
        for name, values in wanted.items():
            Service.objects.create(place=place, name=name, **values)
        changes = {k: [None, v] for k, v in fields.items() if v not in ("", None)}
        changes["services"] = [None, sorted(wanted)]
        PlaceChange.objects.create(place=place, source=PlaceChange.Source.IMPORT, actor=actor, fields=changes)
        return "created", place
    changes = {}
    for key, value in fields.items():
        old = getattr(place, key)
        if old != value:
            changes[key] = [old, value]
            setattr(place, key, value)
    # The services the schema names are the import's: created, updated, or removed when the row drops them;
    # services added by hand under other names are left alone.
    current = {s.name: s for s in place.services.all()}
    imported_names = set(LMN_SERVICES) | {"Accueil"}
    for name, values in wanted.items():
        service = current.get(name)
        if service is None:
            service = Service.objects.create(place=place, name=name, **values)
            changes[f"service:{service.pk}:name"] = [None, name]
            continue
        for key, value in values.items():
            if getattr(service, key) != value:
                changes[f"service:{service.pk}:{key}"] = [getattr(service, key), value]
                setattr(service, key, value)
        if any(k.startswith(f"service:{service.pk}:") for k in changes):
            service.full_clean(exclude=["place"])
            service.save()
    for name, service in current.items():
        if name in imported_names and name not in wanted:
            changes[f"service:{service.pk}:name"] = [name, None]
            service.delete()
    if not changes:
        return "unchanged", place
    place.full_clean(exclude=["neighbourhood", "operator", "proposed_by"])
    place.save()
    PlaceChange.objects.create(place=place, source=PlaceChange.Source.IMPORT, actor=actor,
                               fields={k: [_jsonable(a), _jsonable(b)] for k, (a, b) in changes.items()})
    return "updated", place


def _jsonable(value):
    return value if isinstance(value, (str, int, float, bool, type(None), list)) else str(value)


def _label(name: str) -> str:
    try:
        return str(Place._meta.get_field(name).verbose_name)
    except Exception:  # a constraint's error (NON_FIELD_ERRORS) or a service's field
        return name


def _error_text(exc: ValidationError) -> str:
    if hasattr(exc, "message_dict"):
        return " ; ".join(f"{_label(name)} : {' '.join(messages)}" for name, messages in exc.message_dict.items())
    return " ".join(str(m) for m in exc.messages)


def places_import(*, territory, raw: bytes, file_format: str, actor=None) -> ImportReport:
    """Import the rows of a « lieux de médiation numérique » file into the territory.

    Idempotent on the schema's `id`; each bad row is rejected with its line and
    reason, the good ones are written (one savepoint each). Raises ImportFileError
    when the file itself cannot be read."""
    rows = read_rows(raw, file_format)
    report = ImportReport()
    seen: dict[str, int] = {}
    with transaction.atomic():
        existing = {p.source_id: p for p in Place.objects.filter(territory=territory, source=SOURCE_LMN)
                    .prefetch_related("services")}
        for line, row in rows:
            source_id = row.get("id", "")
            if source_id and source_id in seen:
                report.rejected.append(Rejection(line, source_id, _(
                    "Identifiant « %(id)s » déjà présent ligne %(line)d du fichier.") % {
                    "id": source_id, "line": seen[source_id]}))
                continue
            try:
                fields, services = _row_to_place(row, territory)
                with transaction.atomic():
                    outcome, place = _apply(existing.get(source_id), fields, services, territory=territory,
                                            source_id=source_id, actor=actor)
            except ValidationError as exc:
                report.rejected.append(Rejection(line, source_id, _error_text(exc)))
                continue
            except IntegrityError:
                report.rejected.append(Rejection(line, source_id, _("Ligne refusée par la base de données.")))
                continue
            seen[source_id] = line
            setattr(report, outcome, getattr(report, outcome) + 1)
            report.places.append(place)
        audit_record(actor=actor, action="places.import", target=territory, created=report.created,
                     updated=report.updated, unchanged=report.unchanged, rejected=len(report.rejected))
    return report
