"""Place reads for the pages, the API and the other apps (bookings, studies, open data).

The question residents ask is « where can I go, now or on Thursday at 3 pm? »: a place is open at an
instant when one of its services (of the kind asked, if any) is open then, by its OpenStreetMap hours
(alleger.places.hours, whose parse is cached). The hours live in the services, so the open filter runs
in Python over the places the database filters returned, their services prefetched: two queries
whatever the number of places.

For other apps: `places_open_at(at, …)` gives the published places open at an instant,
`place_timing(place, at)` whether one is open and its next opening, `timing_text` the same in words.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from alleger.core import grammar, search
from alleger.core.templatetags.alleger import semicolon
from alleger.territories.models import Neighbourhood, Territory, TerritoryRole

from . import hours
from .models import Moderation, Place, PlaceChange, Service, Wheelchair

PUBLISHED = Moderation.PUBLISHED
#: How many places a map or an open-data answer holds at most.
MAX_FEATURES = 2000


# --- one place ------------------------------------------------------------------


def _with_services(qs: QuerySet[Place]) -> QuerySet[Place]:
    return qs.select_related("territory", "neighbourhood", "operator").prefetch_related(
        Prefetch("services", queryset=Service.objects.order_by("name", "pk")))


def place_get(pk: int) -> Place | None:
    """Any place (published or not): the caller checks `places.view_place`."""
    return _with_services(Place.objects.filter(pk=pk)).select_related("proposed_by").first()


def place_public(pk: int) -> Place | None:
    return _with_services(Place.objects.filter(pk=pk, moderation=PUBLISHED)).first()


def place_history(place: Place, limit: int = 50) -> QuerySet[PlaceChange]:
    return place.changes.select_related("actor").order_by("-created_at", "-pk")[:limit]


def last_review(place: Place) -> PlaceChange | None:
    """The moderators' answer to a proposed place (its reason is in `fields["review_message"]`)."""
    return place.changes.filter(source=PlaceChange.Source.REVIEW).order_by("-created_at", "-pk").first()


# --- search ---------------------------------------------------------------------------


def place_search(*, territory: Territory | None = None, profile: str = "", place_type: str = "",
                 service_kind: str = "", neighbourhood_slug: str = "", text: str = "",
                 wheelchair: bool = False) -> QuerySet[Place]:
    """Published places by the database's filters, by name, their services prefetched."""
    places = _with_services(Place.objects.filter(moderation=PUBLISHED)).order_by("name", "pk")
    if territory is not None:
        places = places.filter(territory=territory)
    if profile in Place.Profile.values:
        places = places.filter(**{f"profile_{profile}": True})
    if place_type:
        places = places.filter(place_type=place_type)
    if service_kind:
        places = places.filter(pk__in=Service.objects.filter(kind=service_kind).values("place_id"))
    if neighbourhood_slug:
        places = places.filter(neighbourhood__slug=neighbourhood_slug)
    if wheelchair:
        places = places.filter(wheelchair=Wheelchair.YES)
    for word in search.words(text, max_words=5):
        in_place = search.matching(Place.objects.all(), word, PLACE_TEXT)
        in_services = search.matching(Service.objects.all(), word, ("name", "provider_name"))
        found = Q(pk__in=in_place.values("pk")) | Q(pk__in=in_services.values("place_id"))
        kinds, types = _offered(word)
        if kinds:
            found |= Q(pk__in=Service.objects.filter(kind__in=kinds).values("place_id"))
        if types:
            found |= Q(place_type__in=types)
        places = places.filter(found)
    return places


#: The text of a place that a search reads (its services' names and providers too, and what they offer).
PLACE_TEXT = ("name", "summary", "address", "city", "neighbourhood__name", "shared_what")

#: What people type for what a service offers or what a place is, beyond the names of the kinds (French and
#: English, folded; a word matches the start of one of these).
OFFER_WORDS = {
    Service.Kind.PRINTING: "imprimer imprimante impression photocopie photocopieuse scanner scan print copy",
    Service.Kind.INTERNET: "ordinateur wifi internet computer",
    Service.Kind.DIGITAL_HELP: "numerique informatique aide digital help",
    Service.Kind.PROCEDURES: "demarche papiers administratif formulaire paperwork forms",
    Service.Kind.TOOL_LENDING: "outil perceuse emprunter pret tool drill borrow lend",
    Service.Kind.REPAIR: "reparer reparation repair fix",
    Service.Kind.WORKSPACE: "bureau poste travail coworking desk office work",
    Service.Kind.MEETING_ROOM: "salle reunion room meeting",
    Service.Kind.FABRICATION: "imprimante 3d laser decoupe fablab maker",
    Service.Kind.EVENTS: "salle fete evenement hall party event",
    Service.Kind.WORKSHOPS: "atelier formation cours workshop training class",
    Service.Kind.PARCELS: "colis relais parcel",
    Service.Kind.GARDENING: "jardin potager garden",
    Service.Kind.FOOD: "manger repas cuisine food meal",
}


def _offered(word: str) -> tuple[list[str], list[str]]:
    """The service kinds and place types `word` (folded) names: by the start of a word of their name, in
    French or in English, or of the words people use for them (OFFER_WORDS)."""

    def names(value, label) -> set[str]:
        with translation.override("en"):
            english = str(label)
        with translation.override("fr"):
            french = str(label)
        return set(search.fold(f"{french} {english} {OFFER_WORDS.get(value, '')}").replace("'", " ").split())

    def starts(words) -> bool:
        return len(word) >= 3 and any(w.startswith(word) for w in words)

    kinds = [value for value, label in Service.Kind.choices if starts(names(value, label))]
    types = [value for value, label in Place.PlaceType.choices if starts(names(value, label))]
    return kinds, types


def _services(place: Place, kind: str = "") -> list[Service]:
    """The services (of `kind`) that say when the place is open: those open to all, or, when it has none,
    its members-only ones. A fab lab's members-only session on Saturday morning does not make it « open »
    to a visitor who would find the door closed to them until the afternoon."""
    found = [s for s in place.services.all() if not kind or s.kind == kind]
    return [s for s in found if s.access != Service.Access.MEMBERS] or found


def place_is_open(place: Place, at: dt.datetime, *, kind: str = "") -> bool:
    """One of its services (of `kind`, if given) is open at `at`."""
    return any(hours.is_open(s.opening_hours, at) for s in _services(place, kind) if s.opening_hours)


def open_at(places, at: dt.datetime, *, kind: str = "") -> list[Place]:
    return [p for p in places if place_is_open(p, at, kind=kind)]


def places_open_at(at: dt.datetime, *, territory: Territory | None = None, service_kind: str = "",
                   qs: QuerySet[Place] | None = None) -> list[Place]:
    """The published places open at `at` (one of their services of `service_kind`, if given, is open)."""
    places = qs if qs is not None else place_search(territory=territory, service_kind=service_kind)
    return open_at(places, at, kind=service_kind)


# --- open now, next opening ------------------------------------------------------------


@dataclass(frozen=True)
class Timing:
    """Whether a place or a service is open at an instant, until when, and when it opens next."""

    at: dt.datetime
    is_open: bool
    until: dt.datetime | None = None
    next_opening: dt.datetime | None = None
    has_hours: bool = True
    by_appointment: bool = False

    @property
    def text(self) -> str:
        return timing_text(self)


def service_timing(service: Service, at: dt.datetime) -> Timing:
    expression = service.opening_hours
    if not expression:
        return Timing(at=at, is_open=False, has_hours=False, by_appointment=service.by_appointment)
    if hours.is_open(expression, at):
        return Timing(at=at, is_open=True, until=hours.closes_at(expression, at),
                      next_opening=hours.next_opening(expression, at))
    return Timing(at=at, is_open=False, next_opening=hours.next_opening(expression, at))


def place_timing(place: Place, at: dt.datetime, *, kind: str = "") -> Timing:
    """Open when one of its (matching) services is open, until the latest of their closings; else the
    soonest of their next openings."""
    timings = [service_timing(s, at) for s in _services(place, kind)]
    with_hours = [t for t in timings if t.has_hours]
    if not with_hours:
        return Timing(at=at, is_open=False, has_hours=False, by_appointment=any(t.by_appointment for t in timings))
    opened = [t for t in with_hours if t.is_open]
    nexts = [t.next_opening for t in with_hours if t.next_opening is not None]
    if opened:
        untils = [t.until for t in opened]
        until = None if any(u is None for u in untils) else max(untils)
        return Timing(at=at, is_open=True, until=until, next_opening=min(nexts) if nexts else None)
    return Timing(at=at, is_open=False, next_opening=min(nexts) if nexts else None)


def with_timings(places, at: dt.datetime, *, kind: str = "") -> list[Place]:
    """The places, each with `.timing` (its Timing at `at`)."""
    places = list(places)
    for place in places:
        place.timing = place_timing(place, at, kind=kind)
    return places


def _french() -> bool:
    return (translation.get_language() or "fr").startswith("fr")


def clock(moment: dt.datetime) -> str:
    """« 14 h », « 13 h 30 » in French; "2 pm", "1:30 pm" in English."""
    if _french():
        return f"{moment.hour} h" + (f" {moment.minute:02d}" if moment.minute else "")
    hour = moment.hour % 12 or 12
    suffix = "am" if moment.hour < 12 else "pm"
    return f"{hour}:{moment.minute:02d} {suffix}" if moment.minute else f"{hour} {suffix}"


def day_name(moment: dt.datetime) -> str:
    return formats.date_format(moment, "l")


def day_and_month(moment: dt.datetime) -> str:
    return grammar.date_format(moment, "j F" if _french() else "F j")


def timing_text(timing: Timing) -> str:
    """« Ouvert jusqu'à 17 h », « Ouvre jeudi à 14 h », « Sur rendez-vous »… in the active language."""
    now = timing.at.astimezone(hours.local_zone())
    if timing.is_open:
        if timing.until is None:
            return _("Ouvert")
        until = timing.until.astimezone(hours.local_zone())
        if until.date() == now.date():
            return _("Ouvert jusqu'à %(time)s") % {"time": clock(until)}
        return _("Ouvert jusqu'à %(day)s %(time)s") % {"day": day_name(until), "time": clock(until)}
    if not timing.has_hours:
        return _("Sur rendez-vous") if timing.by_appointment else _("Horaires non renseignés")
    if timing.next_opening is None:
        return _("Fermé")
    start = timing.next_opening.astimezone(hours.local_zone())
    days = (start.date() - now.date()).days
    if days == 0:
        return _("Fermé, ouvre aujourd'hui à %(time)s") % {"time": clock(start)}
    if days == 1:
        return _("Fermé, ouvre demain à %(time)s") % {"time": clock(start)}
    if days < 7:
        return _("Fermé, ouvre %(day)s à %(time)s") % {"day": day_name(start), "time": clock(start)}
    return _("Fermé, ouvre le %(date)s à %(time)s") % {"date": day_and_month(start), "time": clock(start)}


def _open_days(expression: str, start: dt.datetime, days: int) -> list[tuple[dt.date, str]]:
    """(day, « 9 h – 12 h, 14 h – 18 h ») for each of the `days` days from `start` (local midnight) on which the
    expression opens, in order; works for any expression the library reads (public holidays, « Sa[1] »,
    exceptions)."""
    if not expression:
        return []
    zone = hours.local_zone()
    by_day: dict[dt.date, list[str]] = {}
    for begin, finish, state, _comment in hours.parse(expression).intervals(start, start + dt.timedelta(days=days)):
        if not str(state).lower().endswith("open"):
            continue
        begin = begin if begin.tzinfo else begin.replace(tzinfo=zone)
        finish = finish if finish.tzinfo else finish.replace(tzinfo=zone)
        by_day.setdefault(begin.date(), []).append(f"{clock(begin)} – {clock(finish)}")
    return [(day, ", ".join(ranges)) for day, ranges in sorted(by_day.items())]


def _day_label(day: dt.date) -> str:
    noon = dt.datetime.combine(day, dt.time(12), hours.local_zone())
    return f"{day_name(noon)} {day_and_month(noon)}"


def week_schedule(expression: str, at: dt.datetime) -> list[tuple[str, str]]:
    """The hours of the seven days from `at`'s day, in words: [(« jeudi 3 décembre », « 14 h – 17 h »)].

    Days without an opening are left out."""
    start = at.astimezone(hours.local_zone()).replace(hour=0, minute=0, second=0, microsecond=0)
    return [(_day_label(day), ranges) for day, ranges in _open_days(expression, start, 7)]


def week_in_words(expression: str, day: dt.date) -> str:
    """The hours of the week (Monday to Sunday) holding `day`, in one line, the following days with the same
    hours together: « du lundi 7 décembre au vendredi 11 décembre, 9 h – 19 h ; samedi 12 décembre, 10 h – 12 h ».
    Empty when the expression does not open that week."""
    monday = day - dt.timedelta(days=day.weekday())
    return _days_in_words(expression, dt.datetime.combine(monday, dt.time(0), hours.local_zone()))


def next_days_in_words(expression: str, at: dt.datetime) -> str:
    """The hours of the seven days from `at`'s day, in one line, as `week_in_words` gives them. Empty when
    the expression does not open in those days."""
    return _days_in_words(expression, at.astimezone(hours.local_zone()).replace(hour=0, minute=0, second=0,
                                                                                microsecond=0))


def _days_in_words(expression: str, start: dt.datetime) -> str:
    runs: list[list] = []  # [first day, last day, hours]
    for open_day, ranges in _open_days(expression, start, 7):
        if runs and runs[-1][2] == ranges and runs[-1][1] + dt.timedelta(days=1) == open_day:
            runs[-1][1] = open_day
        else:
            runs.append([open_day, open_day, ranges])
    parts = []
    for first, last, ranges in runs:
        days = _day_label(first) if first == last else (
            _("du %(first)s au %(last)s") % {"first": _day_label(first), "last": _day_label(last)})
        parts.append(f"{days}, {ranges}")
    return f"{semicolon()} ".join(parts)


# --- near a point -------------------------------------------------------------------------

_LAT_LON = re.compile(r"^\s*(-?\d{1,2}(?:\.\d+)?)\s*[,; ]\s*(-?\d{1,3}(?:\.\d+)?)\s*$")


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float
    label: str


def locate(value: str, territory: Territory | None = None) -> Point | None:
    """Where « près de » means: "45.43,4.39" (latitude, longitude), or the name or slug of a neighbourhood
    (accents and case ignored; the centre of its box). No geocoding service: nothing leaves the server."""
    value = (value or "").strip()
    if not value:
        return None
    if match := _LAT_LON.match(value):
        lat, lon = float(match.group(1)), float(match.group(2))
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            return Point(lat, lon, f"{lat:.5f}, {lon:.5f}")
        return None
    hoods = Neighbourhood.objects.order_by("name", "pk")
    if territory is not None:
        hoods = hoods.filter(territory=territory)
    wanted = search.fold(value)
    for hood in hoods:
        if wanted in (search.fold(hood.name), search.fold(hood.slug)):
            return Point((hood.min_lat + hood.max_lat) / 2, (hood.min_lon + hood.max_lon) / 2, hood.name)
    return None


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (haversine, mean Earth radius)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(math.sqrt(a))


def by_distance(places, point: Point) -> list[Place]:
    """Nearest first, each with `.distance` in metres."""
    places = list(places)
    for place in places:
        place.distance = distance_m(point.lat, point.lon, place.lat, place.lon)
        place.distance_km = place.distance / 1000
    return sorted(places, key=lambda p: (p.distance, p.name, p.pk))


def find(*, at: dt.datetime | None = None, open_at_instant: dt.datetime | None = None, near: Point | None = None,
         **filters) -> list[Place]:
    """The search of the list page and the API: `place_search(**filters)`, then only those open at
    `open_at_instant` (when given), nearest to `near` first (when given)."""
    places = place_search(**filters)
    if open_at_instant is not None:
        places = open_at(places, open_at_instant, kind=filters.get("service_kind", ""))
    if near is not None:
        return by_distance(places, near)
    return list(places)


def geojson(places, *, at: dt.datetime, build_url=lambda path: path, kind: str = "") -> dict:
    """An RFC 7946 FeatureCollection: [lon, lat] points, no `crs`; properties id, name, type, type_name,
    profiles, url, open_now, next_opening (ISO 8601, local time), when (in words)."""
    features = []
    for place in list(places)[:MAX_FEATURES]:
        timing = getattr(place, "timing", None) or place_timing(place, at, kind=kind)
        features.append({
            "type": "Feature",
            "id": place.pk,
            "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
            "properties": {
                "id": place.pk, "name": place.name, "type": place.place_type,
                "type_name": str(place.get_place_type_display()), "profiles": [str(p) for p in place.profiles],
                "url": build_url(place.get_absolute_url()), "open_now": timing.is_open,
                "next_opening": timing.next_opening.isoformat() if timing.next_opening else None,
                "when": timing.text,
            },
        })
    return {"type": "FeatureCollection", "features": features}


# --- filters' choices, moderation ---------------------------------------------------------


def territories_for_filter() -> QuerySet[Territory]:
    return Territory.objects.filter(places__moderation=PUBLISHED).distinct().order_by("name")


def territory_of_slug(slug: str | None) -> Territory | None:
    return Territory.objects.filter(slug=slug or "").first()


def neighbourhoods_for_filter(territory: Territory | None) -> QuerySet[Neighbourhood]:
    hoods = Neighbourhood.objects.select_related("territory").order_by("territory__name", "name")
    if territory is not None:
        return hoods.filter(territory=territory)
    return hoods.filter(places__moderation=PUBLISHED).distinct()


def moderated_territories(user) -> QuerySet[Territory]:
    if not user.is_authenticated:
        return Territory.objects.none()
    if user.is_superuser:
        return Territory.objects.order_by("name")
    return Territory.objects.filter(roles__user=user, roles__role=TerritoryRole.Role.MODERATOR).distinct() \
        .order_by("name")


def review_queue(user, territory: Territory | None = None) -> QuerySet[Place]:
    """Proposed places in the territories the person moderates (or in `territory`), oldest first."""
    places = Place.objects.filter(moderation=Moderation.PROPOSED, territory__in=moderated_territories(user))
    if territory is not None:
        places = places.filter(territory=territory)
    return _with_services(places).select_related("proposed_by").order_by("created_at", "pk")


def proposals_of(user) -> QuerySet[Place]:
    if not user.is_authenticated:
        return Place.objects.none()
    return Place.objects.filter(proposed_by=user).exclude(moderation=PUBLISHED).order_by("-created_at", "-pk")


def managed_places(user) -> QuerySet[Place]:
    """The places whose operator organisation the person belongs to."""
    if not user.is_authenticated:
        return Place.objects.none()
    return Place.objects.filter(operator__memberships__user=user).distinct().order_by("name", "pk")


def open_now_in(territory: Territory, *, limit: int = 5, at: dt.datetime | None = None) -> list[Place]:
    """A few published places of the territory open now (the territory page's section)."""
    at = at or timezone.now()
    return with_timings(places_open_at(at, territory=territory)[:limit], at)
