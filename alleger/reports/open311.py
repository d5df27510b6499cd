"""Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2), JSON and XML.

Decisions (see docs/open311.md):
- api_key is a personal API token of the platform (alleger/accounts, created on the profile page);
  the token's account is the report's author; `email`, `first_name`, `last_name`, `phone` are the
  private contact of the person the application reports for (never returned by GET).
- jurisdiction_id is a territory's slug. Without it, the one territory that has report categories
  is used; with several, the request is refused (400, "jurisdiction_id required"), as the spec allows.
- Internal statuses map to Open311 ones: open and in_progress are "open"; fixed, closed and
  duplicate are "closed" (status_notes says which).
- Every POST is processed at once: the answer carries the service_request_id (the spec: an id or a
  token, not both); tokens/{token} still resolves a report's token.
- Empty optional fields are null in JSON (empty elements in XML), as the official JSON Schemas want.
- FixMyStreet's servicerequestupdates extension: GET lists the reports' timelines, POST adds a step
  (the service in charge only: reports.change_status).
"""

import json
import re
import uuid
import xml.etree.ElementTree as ET
from datetime import timedelta
from functools import wraps

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from alleger.accounts.services import api_token_authenticate
from alleger.core import ratelimit
from alleger.core.numbers import is_digits
from alleger.core.text import clean_text
from alleger.territories.models import Territory

from . import selectors, services
from .models import OPEN311_OPEN, Report, ReportCategory, ReportMedia, ReportUpdate, Status

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
DEFAULT_WINDOW = timedelta(days=90)
MAX_RESULTS = 1000
#: service_request_id lists longer than this are a 414 (a poll of 1 000 ids of 7 digits fits
#: gunicorn's request line, see alleger/cli.py).
MAX_IDS = 1000
#: The longest URI (path and query) taken: gunicorn's request line limit in alleger/cli.py. Behind a
#: server that lets longer ones through, they get the same 414, in the Open311 format.
MAX_URI = 8190
#: XML element names of the items of a list, by the list's name.
SINGULAR = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}


class Open311Error(Exception):
    def __init__(self, status: int, description):
        super().__init__(str(description))
        self.status = status
        self.description = str(description)


# --- output ------------------------------------------------------------------------


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    # Cleaned on the way out too: one report stored with a control character would make the
    # whole list malformed XML, and clients skip a batch they cannot parse.
    return "" if value is None else clean_text(str(value))


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        for child in value:
            _fill(ET.SubElement(element, SINGULAR.get(element.tag, "item")), child)
    else:
        element.text = _text(value)


def render(fmt: str, data, *, root: str, item: str | None = None, status: int = 200) -> HttpResponse:
    """A list of `item` elements in `root` (XML), or the data itself (JSON)."""
    if fmt == "json":
        body = json.dumps(data, ensure_ascii=False).encode()
    else:
        element = ET.Element(root)
        if isinstance(data, list):
            for entry in data:
                _fill(ET.SubElement(element, item), entry)
        else:
            _fill(element, data)
        body = b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(element, encoding="unicode").encode()
    return HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])


def error_response(fmt: str, status: int, description: str) -> HttpResponse:
    return render(fmt if fmt in CONTENT_TYPES else "xml", [{"code": status, "description": description}],
                  root="errors", item="error", status=status)


def error_for_handler(request, status: int, code: str, message: str) -> HttpResponse:
    """The site's error handlers (404, 500…) under /open311/: the spec's error list, XML for a .xml path."""
    return error_response("xml" if request.path.endswith(".xml") else "json", status, message)


def open311_view(*methods):
    """Check the format and the method; turn Open311Error (and any refusal) into the spec's error list."""

    def decorate(view):
        @csrf_exempt  # authenticated by api_key, never by a browser session
        @wraps(view)
        def wrapper(request, *args, fmt: str, **kwargs):
            if fmt not in CONTENT_TYPES:
                return error_response("xml", 404, _("Format inconnu : utilisez .xml ou .json."))
            if len(request.get_full_path()) > MAX_URI:
                return error_response(fmt, 414, _("Adresse trop longue (%(max)s caractères au maximum) : découpez "
                                                  "la requête.") % {"max": MAX_URI})
            if request.method not in methods:
                response = error_response(fmt, 405, _("Méthode HTTP non acceptée ici."))
                response["Allow"] = ", ".join(methods)
                return response
            try:
                return view(request, fmt, *args, **kwargs)
            except Open311Error as exc:
                return error_response(fmt, exc.status, exc.description)
            except ratelimit.RateLimited as exc:
                response = error_response(fmt, 429, exc.messages[0])
                response["Retry-After"] = str(exc.retry_after)
                return response

        return wrapper

    return decorate


def _datetime(value) -> str | None:
    return value.replace(microsecond=0).isoformat() if value else None


def _opt(value):
    """An optional field: null (JSON) or an empty element (XML) rather than an empty string."""
    return None if value in ("", None) else value


# --- inputs ------------------------------------------------------------------------


def _params(request):
    params = request.GET.copy()
    if request.method == "POST":
        for key, values in request.POST.lists():
            params.setlist(key, values)
    return params


def _jurisdiction(params, *, required: bool = True) -> Territory | None:
    slug = (params.get("jurisdiction_id") or "").strip()
    if slug:
        territory = selectors.jurisdiction(slug)
        if territory is None:
            raise Open311Error(404, _("jurisdiction_id inconnu : %(id)s.") % {"id": slug[:80]})
        return territory
    if not required:
        return None
    candidates = list(selectors.territories_taking_reports()[:2])
    if len(candidates) == 1:
        return candidates[0]
    raise Open311Error(400, _("jurisdiction_id est obligatoire : plusieurs territoires reçoivent des "
                              "signalements (indiquez l'identifiant du territoire)."))


def _api_user(params):
    user = api_token_authenticate((params.get("api_key") or "").strip())
    if user is None or not user.has_perm("reports.add_report"):
        raise Open311Error(403, _("api_key absente ou invalide : créez un jeton d'API sur votre page de profil."))
    return user


def _uploads(request) -> list:
    """Uploaded photos: `media`, then `photo`, `photo1`, `photo2`… (FixMyStreet's names), in that order."""
    names = [name for name in request.FILES if name == "media" or re.fullmatch(r"photo\d*", name)]
    names.sort(key=lambda name: (name != "media", len(name), name))
    return [upload for name in names for upload in request.FILES.getlist(name)]


def _category(territory, code: str) -> ReportCategory:
    category = selectors.category_of(territory, code)
    if category is None:
        raise Open311Error(404, _("service_code inconnu : %(code)s.") % {"code": code[:80]})
    return category


def _float(params, name: str) -> float | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Open311Error(400, _("%(name)s doit être un nombre décimal.") % {"name": name}) from None
    if value != value or value in (float("inf"), float("-inf")):
        raise Open311Error(400, _("%(name)s doit être un nombre décimal.") % {"name": name})
    return value


def _attributes(params) -> dict:
    """attribute[code]=value and attribute[code][]=value (multi-value lists)."""
    found = {}
    for key, values in params.lists():
        if not (key.startswith("attribute[") and key.endswith("]")):
            continue
        inner = key[len("attribute["):-1]
        if inner.endswith("]["):  # attribute[code][]
            found.setdefault(inner[:-2], []).extend(values)
        else:
            found[inner] = values if len(values) > 1 else values[0]
    return found


# --- outputs of resources -------------------------------------------------------------


def _media_url(request, item: Report | ReportMedia) -> str | None:
    """The absolute URL of the (first) photo, else the link the client sent, else None."""
    if item.photo:
        return request.build_absolute_uri(item.photo.url)
    return _opt(item.media_url if isinstance(item, Report) else item.url)


def _status_notes(report: Report) -> str:
    """The note on the current status (the routing note for a new report), else the status's name."""
    if report.status == Status.DUPLICATE and report.duplicate_of_id:
        prefix = _("Doublon du signalement n° %(id)s.") % {"id": report.duplicate_of_id}
        return f"{prefix} {report.status_notes}".strip()
    return report.status_notes or str(report.get_status_display())


def request_out(request, report: Report) -> dict:
    """A service request as the spec lists it. Nothing about the reporter: no name, no e-mail."""
    category = report.category
    return {
        "service_request_id": str(report.pk),
        "status": report.open311_status,
        "status_notes": _status_notes(report),
        "service_name": category.name,
        "service_code": category.service_code,
        "description": _opt(report.description),
        "agency_responsible": _opt(category.service_name),
        "service_notice": _opt(category.service_notice),
        "requested_datetime": _datetime(report.created_at),
        "updated_datetime": _datetime(report.updated_at),
        "expected_datetime": _datetime(report.expected_at),
        "address": _opt(report.address),
        "address_id": _opt(report.address_id),
        "zipcode": None,
        "lat": report.lat,
        "long": report.lon,
        "media_url": _media_url(request, report),
    }


# --- endpoints ------------------------------------------------------------------------


@open311_view("GET")
def discovery(request, fmt):
    changed = selectors.categories_changed_at() or timezone.now()
    url = request.build_absolute_uri(reverse("open311:root"))
    return render(fmt, {
        "changeset": _datetime(changed),
        "contact": _("Équipe Alléger, page de contact : %(url)s")
        % {"url": request.build_absolute_uri(reverse("pages:contact"))},
        "key_service": _("api_key : créez un jeton d'API personnel sur votre page de profil (%(url)s).")
        % {"url": request.build_absolute_uri(reverse("accounts:profile"))},
        "endpoints": [{
            "specification": SPECIFICATION,
            "url": url,
            "changeset": _datetime(changed),
            "type": "production",
            "formats": ["text/xml", "application/json"],
        }],
    }, root="discovery")


@open311_view("GET")
def service_list(request, fmt):
    territory = _jurisdiction(_params(request))
    categories = selectors.categories_of(territory).prefetch_related("attributes")
    return render(fmt, [{
        "service_code": c.service_code,
        "service_name": c.name,
        "description": _opt(c.description),
        "metadata": bool(c.attributes.all()),
        "type": "realtime",
        "keywords": _opt(", ".join(c.keyword_list())),
        "group": _opt(c.group),
    } for c in categories], root="services", item="service")


@open311_view("GET")
def service_definition(request, fmt, service_code):
    category = _category(_jurisdiction(_params(request)), service_code)
    return render(fmt, {
        "service_code": category.service_code,
        "attributes": [{
            "variable": True,
            "code": a.code,
            "datatype": a.datatype,
            "required": a.required,
            "datatype_description": _opt(a.datatype_description),
            "order": a.order,
            "description": _opt(a.description),
            "values": [{"key": str(v.get("key")), "name": str(v.get("name") or v.get("key"))}
                       for v in a.values if isinstance(v, dict)] if a.datatype in a.LISTS else [],
        } for a in selectors.questions_of(category)],
    }, root="service_definition")


@open311_view("GET", "POST")
def requests_(request, fmt):
    if request.method == "POST":
        return _request_create(request, fmt)
    return _request_list(request, fmt)


def _request_create(request, fmt):
    params = _params(request)
    user = _api_user(params)
    usage = ratelimit.consume(request, action="report", user=user)
    try:
        return _request_create_counted(request, fmt, params, user)
    except (Open311Error, ValidationError):
        usage.rollback()  # a refused request creates nothing: it does not use up the allowance
        raise


def _request_create_counted(request, fmt, params, user):
    territory = _jurisdiction(params)
    code = (params.get("service_code") or "").strip()
    if not code:
        raise Open311Error(400, _("service_code est obligatoire."))
    category = _category(territory, code)
    lat, lon = _float(params, "lat"), _float(params, "long")
    address, address_id = (params.get("address_string") or "").strip(), (params.get("address_id") or "").strip()
    if (lat is None or lon is None) and not address and not address_id:
        raise Open311Error(400, _("Indiquez le lieu : lat et long, ou address_string, ou address_id."))
    if lat is None or lon is None:
        lat = lon = None
    try:
        report = services.report_create(
            territory=territory, category=category, reporter=user, source=Report.Source.OPEN311,
            description=params.get("description") or "", description_required=False, lat=lat, lon=lon,
            address=address, address_id=address_id, photos=_uploads(request), media_urls=params.getlist("media_url"),
            attributes=_attributes(params),
            contact_email=(params.get("email") or "").strip(), contact_first_name=params.get("first_name") or "",
            contact_last_name=params.get("last_name") or "", contact_phone=params.get("phone") or "",
        )
    except ValidationError as exc:
        raise Open311Error(400, " ".join(exc.messages)) from None
    return render(fmt, [{
        "service_request_id": str(report.pk),
        "service_notice": _opt(category.service_notice),
        "account_id": str(user.pk),
    }], root="service_requests", item="request")


def _ids(raw: str) -> list[int]:
    ids = []
    for part in raw.split(","):
        part = part.strip()
        if not part:
            continue
        if not is_digits(part) or len(part) > 18:
            raise Open311Error(400, _("service_request_id doit être une liste d'identifiants séparés par des virgules."))
        ids.append(int(part))
    if len(ids) > MAX_IDS:
        raise Open311Error(414, _("Trop d'identifiants dans service_request_id : %(max)s au maximum par requête, "
                                  "découpez la liste.") % {"max": MAX_IDS})
    return ids


#: The years a date parameter may name: far enough for any filter, short of the calendar's ends.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def _date_param(params, name):
    raw = (params.get(name) or "").strip()
    if not raw:
        return None
    value = services.parse_datetime_w3c(raw)
    if value is None:
        raise Open311Error(400, _("%(name)s doit être une date W3C avec son fuseau, par exemple "
                                  "2024-05-01T00:00:00Z.") % {"name": name})
    # Read as a year, before any arithmetic: 9999-12-31 plus a window (or minus a time zone) is past
    # what a date can hold.
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise Open311Error(400, _("%(name)s doit être une date entre les années %(first)s et %(last)s.")
                           % {"name": name, "first": FIRST_YEAR, "last": LAST_YEAR})
    return value


def _window(params):
    """start_date and end_date: 90 days at most, the last 90 days when neither is given."""
    start, end = _date_param(params, "start_date"), _date_param(params, "end_date")
    if start is None and end is None:
        end = timezone.now()
        start = end - DEFAULT_WINDOW
    elif start is None:
        start = end - DEFAULT_WINDOW
    elif end is None:
        end = start + DEFAULT_WINDOW
    if start > end:
        raise Open311Error(400, _("start_date doit précéder end_date."))
    if end - start > DEFAULT_WINDOW:
        raise Open311Error(400, _("L'intervalle entre start_date et end_date ne peut dépasser 90 jours."))
    return start, end


def _request_list(request, fmt):
    params = _params(request)
    raw_ids = (params.get("service_request_id") or "").strip()
    if raw_ids:
        # The spec: when service_request_id is given, the other filters are ignored.
        reports = selectors.open311_requests(territory=_jurisdiction(params, required=False), ids=_ids(raw_ids),
                                             limit=MAX_RESULTS)
    else:
        territory = _jurisdiction(params)
        codes = [c.strip() for c in (params.get("service_code") or "").split(",") if c.strip()]
        statuses = {s.strip() for s in (params.get("status") or "").split(",") if s.strip()}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, _("status doit valoir open, closed, ou les deux séparés par une virgule."))
        start, end = _window(params)
        reports = selectors.open311_requests(territory=territory, service_codes=codes,
                                             open311_status=statuses.pop() if len(statuses) == 1 else "",
                                             start=start, end=end, limit=MAX_RESULTS)
    return render(fmt, [request_out(request, r) for r in reports], root="service_requests", item="request")


@open311_view("GET")
def request_detail(request, fmt, service_request_id):
    params = _params(request)
    report = selectors.report_in(service_request_id, territory=_jurisdiction(params, required=False))
    if report is None:
        raise Open311Error(404, _("Aucune demande n° %(id)s.") % {"id": service_request_id})
    return render(fmt, [request_out(request, report)], root="service_requests", item="request")


@open311_view("GET")
def token_detail(request, fmt, token):
    try:
        value = uuid.UUID(token)
    except ValueError:
        value = None
    report = selectors.report_of_token(value) if value else None
    if report is None:
        raise Open311Error(404, _("Jeton inconnu."))
    return render(fmt, [{"service_request_id": str(report.pk), "token": str(report.token)}],
                  root="service_requests", item="request")


# --- FixMyStreet's servicerequestupdates -------------------------------------------------


#: Statuses a client may send, and FixMyStreet's extended ones that are also ours.
UPDATE_STATUSES = {"open": Status.OPEN, "closed": Status.CLOSED, "in_progress": Status.IN_PROGRESS,
                   "fixed": Status.FIXED}


def _open311_status(status: str) -> str:
    return "open" if status in OPEN311_OPEN else "closed"


def update_out(request, update: ReportUpdate) -> dict:
    media = next(iter(update.media.all()), None)
    return {
        "update_id": str(update.pk),
        "service_request_id": str(update.report_id),
        "status": _open311_status(update.status),
        "updated_datetime": _datetime(update.created_at),
        "description": _opt(update.note),
        "media_url": _media_url(request, media) if media else None,
        "external_status_code": update.status,
    }


@open311_view("GET", "POST")
def service_request_updates(request, fmt):
    if request.method == "POST":
        return _update_create(request, fmt)
    params = _params(request)
    start, end = _window(params)
    updates = selectors.report_updates(territory=_jurisdiction(params), start=start, end=end, limit=MAX_RESULTS)
    return render(fmt, [update_out(request, u) for u in updates], root="service_request_updates",
                  item="request_update")


def _update_status(report: Report, params) -> str:
    """The internal status an update asks for: `status` (open, closed, or FixMyStreet's IN_PROGRESS, FIXED),
    made precise by `external_status_code`; a bare open/closed keeps the report's own detail."""
    raw = (params.get("status") or "").strip().lower()
    code = (params.get("external_status_code") or "").strip().lower()
    if raw not in UPDATE_STATUSES:
        raise Open311Error(400, _("status doit valoir open ou closed."))
    status = UPDATE_STATUSES[raw]
    if code:
        if code not in UPDATE_STATUSES or _open311_status(code) != _open311_status(status):
            raise Open311Error(400, _("external_status_code doit valoir open ou in_progress (status open), fixed ou "
                                      "closed (status closed)."))
        return UPDATE_STATUSES[code]
    if report.open311_status == raw:
        return report.status
    return status


def _update_create(request, fmt):
    params = _params(request)
    user = _api_user(params)
    raw_id = (params.get("service_request_id") or "").strip()
    if not raw_id:
        raise Open311Error(400, _("service_request_id est obligatoire."))
    if not is_digits(raw_id) or len(raw_id) > 18:
        raise Open311Error(400, _("service_request_id doit être un identifiant numérique."))
    report = selectors.report_in(int(raw_id), territory=_jurisdiction(params, required=False))
    if report is None:
        raise Open311Error(404, _("Aucune demande n° %(id)s.") % {"id": raw_id})
    if not user.has_perm("reports.change_status", report):
        raise Open311Error(403, _("Seul le service en charge de cette catégorie (ou la modération du territoire) "
                                  "peut mettre à jour ce signalement."))
    status = _update_status(report, params)
    _date_param(params, "updated_datetime")  # checked, not kept: the timeline records when the update arrives
    try:
        update = services.report_set_status(
            report=report, actor=user, status=status, note=params.get("description") or "",
            duplicate_of=report.duplicate_of if status == Status.DUPLICATE else None,
            photos=_uploads(request), media_urls=params.getlist("media_url"), external_id=params.get("update_id") or "")
    except ValidationError as exc:
        raise Open311Error(400, " ".join(exc.messages)) from None
    return render(fmt, [{"update_id": str(update.pk)}], root="service_request_updates", item="request_update")


@csrf_exempt
def not_found(request, path=""):
    fmt = "json" if path.endswith(".json") else "xml"
    return error_response(fmt, 404, _("Ressource Open311 inconnue."))
