"""The map's response cache: GeoJSON answers keyed by (data version, snapped box, filters).

A map pans and zooms over the same few boxes, and assets change a few times a
day, so the bbox endpoint (`geo.geojson`) is answered from a cache:

* **Snapping.** The requested box is widened to a grid of cells aligned on
  powers of two of a degree, the cell being 1/8 to 1/4 of the box's larger side
  (never under MIN_CELL). Boxes that differ by a small pan share an entry. The
  answer is for the snapped box — a superset of the request — and says so in
  its RFC 7946 `bbox` member.
* **Data version.** `MapVersion` holds one number that `data_changed()` replaces
  inside every transaction that may change the map (signals on assets, types,
  kits, their links and territories; imports and the demo loader call it
  directly). It becomes visible to readers when the data does. Each process
  reads it at most once per VERSION_TTL (1 s), so a change shows on every
  process within a second (at once in the process that made it). The number is
  random rather than a counter: after a restored backup or a flushed table a
  counter would come back to values whose cached answers hold other data.
* **Two levels.** A bounded in-process LRU (LRU_BYTES) in front of Django's
  cache (Redis in production, shared by the processes; locmem by default).
  Entries of a former version are never read again: the LRU is emptied when a
  process sees a new version, and the shared cache lets them expire after
  MAP_CACHE_SECONDS. `MAP_CACHE_SECONDS=0` turns the server-side cache off
  (every request runs the SQL; the benchmark uses it for its uncached figure).
  For MapMiddleware, each process also remembers which LRU entry answered an
  exact query string (`cached_answer`), so a repeated request is not even parsed.
* **HTTP.** `Cache-Control: public, max-age=60` and a strong ETag that is a
  digest of the body (so it changes exactly when the bytes do: a write
  elsewhere in the city does not invalidate a client's copy of this box);
  `If-None-Match` answers 304.

Unpublished assets never enter an answer: the SQL selects published ones only,
and publishing or unpublishing one is a write that changes the version.
"""

import hashlib
import math
import secrets
import threading
import time
from collections import OrderedDict
from typing import NamedTuple

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.http import parse_etags

from . import geo
from .models import MapVersion

#: Browsers and proxies may keep an answer this long (then revalidate with the ETag).
MAX_AGE = 60
#: A process trusts its memo of the data version this long (seconds).
VERSION_TTL = 1.0
#: Smallest snapping cell (about 1.7 m of latitude): a point or a tiny box still gets a real box.
MIN_CELL = 2.0**-16
#: Memory for one process's LRU; a street answer is ~10 KiB, a clustered city ~100 KiB.
LRU_BYTES = 32 * 1024 * 1024
CONTENT_TYPE = "application/geo+json"
CACHE_CONTROL = f"public, max-age={MAX_AGE}"

#: The clock of the version memo; tests may replace it.
clock = time.monotonic


class Answer(NamedTuple):
    body: bytes
    etag: str


# --- snapping -------------------------------------------------------------------


def snap(bbox) -> tuple[tuple[float, float, float, float], float]:
    """The box widened to whole cells of a power-of-two grid, and the cell side (degrees).

    The cell is 1/8 to 1/4 of the box's larger side, so the snapped box is at most
    1.5 times as wide as the request (plus one cell for a box under 4 × MIN_CELL).
    Multiples of a power of two are exact in binary floating point: the same
    cell always gives the same numbers, hence the same cache key.
    """
    minlon, minlat, maxlon, maxlat = bbox
    span = max(maxlon - minlon, maxlat - minlat)
    # The largest power of two <= span / 4, exactly (frexp, where log2 may round up).
    cell = MIN_CELL if span < 4 * MIN_CELL else math.ldexp(1.0, math.frexp(span / 4)[1] - 1)
    snapped = (
        max(-180.0, _down(minlon, cell)),
        max(-90.0, _down(minlat, cell)),
        min(180.0, _up(maxlon, cell)),
        min(90.0, _up(maxlat, cell)),
    )
    return snapped, cell


def _down(value: float, cell: float) -> float:
    edge = math.floor(value / cell) * cell
    return edge - cell if edge > value else edge  # a subnormal value / cell may round to zero


def _up(value: float, cell: float) -> float:
    edge = math.ceil(value / cell) * cell
    return edge + cell if edge < value else edge


# --- data version ---------------------------------------------------------------

_memo: tuple[float, int | None] = (-math.inf, None)


def data_changed() -> None:
    """Call inside the transaction that changes what the map may show (assets, types, kits, links…).

    The new version commits (or rolls back) with the change. One upsert, so it also
    works when the row is missing.
    """
    MapVersion.objects.bulk_create([MapVersion(pk=1, version=secrets.randbits(62))], update_conflicts=True,
                                   unique_fields=["id"], update_fields=["version"])
    # This process need not wait for its memo to expire to see its own change.
    transaction.on_commit(forget)


def current_version() -> int | None:
    """The data version, read at most once per VERSION_TTL; None (no caching) if the row is missing."""
    global _memo
    expires, version = _memo
    now = clock()
    if now < expires:
        return version
    fresh = MapVersion.objects.filter(pk=1).values_list("version", flat=True).first()
    if fresh != version:
        _lru.clear()  # entries of the former version would never be read again
        _aliases.clear()
        geo.forget_types()  # a renamed type must not go into the new version's answers
    _memo = (now + VERSION_TTL, fresh)
    return fresh


def forget() -> None:
    """Read the version again on the next request, and drop this process's LRU."""
    global _memo
    _memo = (-math.inf, None)
    _lru.clear()
    _aliases.clear()
    geo.forget_types()


# --- the two levels -------------------------------------------------------------


class _LRU:
    """A thread-safe least-recently-used map from keys to Answers, bounded by the bodies' total size."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key) -> Answer | None:
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
            return found

    def put(self, key, answer: Answer) -> None:
        if len(answer.body) > self.max_bytes // 4:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.size -= len(old.body)
            self.entries[key] = answer
            self.size += len(answer.body)
            while self.size > self.max_bytes:
                _key, evicted = self.entries.popitem(last=False)
                self.size -= len(evicted.body)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0

    def __len__(self) -> int:
        return len(self.entries)


_lru = _LRU(LRU_BYTES)

#: (version, raw query string) -> LRU key, for the middleware: a query string seen before skips the
#: parsing and the snapping. Aliases point into the LRU (whose size bound thus holds) and cost a key each.
_aliases: dict[tuple[int, str], tuple] = {}
MAX_ALIASES = 10_000


def _compute(box, filters: tuple) -> Answer:
    status, type_slug, kit_slug, territory_slug = filters
    body = geo.geojson(box, status=status, type_slug=type_slug, kit_slug=kit_slug, territory_slug=territory_slug)
    return Answer(body, '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"')


def cached_answer(query: str) -> Answer | None:
    """The answer already given, under the current version, to exactly this query string (else None)."""
    version = current_version() if settings.MAP_CACHE_SECONDS else None
    key = None if version is None else _aliases.get((version, query))
    return None if key is None else _lru.get(key)


def answer(bbox, *, status: str | None = None, type_slug: str | None = None, kit_slug: str | None = None,
           territory_slug: str | None = None, query: str | None = None) -> Answer:
    """The encoded FeatureCollection for a parsed box and filters (empty filters are no filters).

    `query`: the raw query string these were read from; `cached_answer(query)` then finds the answer
    without parsing. Raises Refused for an unknown status (before any cache is read).
    """
    geo.check_status(status)
    box, _cell = snap(bbox)
    filters = (status or None, type_slug or None, kit_slug or None, territory_slug or None)
    seconds = settings.MAP_CACHE_SECONDS
    version = current_version() if seconds else None
    if version is None:
        return _compute(box, filters)
    key = (version, box, filters)
    found = _lru.get(key)
    if found is None:
        found = _shared(key, box, filters, seconds)
        _lru.put(key, found)
    if query is not None:
        if len(_aliases) >= MAX_ALIASES:
            _aliases.clear()  # cheaper than an LRU here: the next requests fall back on the LRU
        # Keyed by the version the answer was made for: a late write after a version change is harmless.
        _aliases[(version, query)] = key
    return found


def _shared(key, box, filters, seconds: int) -> Answer:
    shared_key = "alleger:map:" + hashlib.blake2b(repr(key).encode(), digest_size=20).hexdigest()
    stored = caches["pages"].get(shared_key)
    if stored is not None:
        found = Answer(*stored)
    else:
        found = _compute(box, filters)
        # Plain tuples, not Answer: a pickle of a class would break when it moves.
        caches["pages"].set(shared_key, tuple(found), seconds)
    return found


# --- HTTP -----------------------------------------------------------------------


def respond(request, found: Answer) -> HttpResponse:
    """200 with the body, or 304 when If-None-Match holds its ETag; always cacheable by anyone."""
    condition = request.META.get("HTTP_IF_NONE_MATCH")
    if condition and _matches(condition, found.etag):
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(found.body, content_type=CONTENT_TYPE)
    response.headers["ETag"] = found.etag
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def _matches(condition: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison (RFC 9110 §13.1.2): W/"x" matches "x"."""
    tags = parse_etags(condition)
    return "*" in tags or etag in (tag.removeprefix("W/") for tag in tags)
