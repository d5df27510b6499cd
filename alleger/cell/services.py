"""The metrics job: compute a territory's days from the tracks' events and replace their rows at once."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from functools import partial
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from alleger.territories.models import Territory

from .metrics import DEFINITIONS, as_date, batch, prefetch
from .models import Metric

#: Rows written per INSERT statement (SQLite; PostgreSQL COPYs them).
BATCH_SIZE = 2_000
#: PostgreSQL settings of the job's own statements: a year's aggregates over millions of rows are few and
#: short, so compiling them (JIT) costs more than it saves, and their hash tables are larger than the 4 MB
#: an ordinary request gets.
POSTGRES_SETTINGS = {"jit": "off", "work_mem": "256MB"}
#: The advisory lock's first key (« METR »); the second is the territory's id.
LOCK_CLASS = 0x4D455452


def local_zone() -> ZoneInfo:
    """The zone whose midnights bound the days (the settings' zone, Europe/Paris by default)."""
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The day from local midnight to the next (23 or 25 hours when the clocks change)."""
    zone = local_zone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def compute(territory: Territory, since: datetime.date, until: datetime.date) -> list[tuple]:
    """The territory's metric rows from `since` to `until` (included) as (day, neighbourhood id, key,
    dimension, value): each definition runs once over the whole range, grouped by local day. Zeros are
    not kept (readers take a missing row as 0)."""
    return [row for rows in _computed(territory, since, until) for row in rows]


def _computed(territory: Territory, since: datetime.date, until: datetime.date) -> Iterator[list[tuple]]:
    """`compute`'s rows, definition by definition. Those reading a long shared query come last, so that when
    it was started ahead (`rebuild`) the others are computed, and written, meanwhile."""
    start, _ = day_bounds(since)
    _, end = day_bounds(until)
    with batch():
        for definition in sorted(DEFINITIONS.values(), key=lambda d: d.reads is not None):  # stable
            values = defaultdict(int)  # a definition may give a (day, neighbourhood, dimension) in two parts
            for day, neighbourhood_id, dimension, value in definition.compute(territory, start, end):
                if since <= day <= until:
                    values[(day, neighbourhood_id, dimension[:60])] += value
            yield [(day, neighbourhood_id, definition.key, dimension, value)
                   for (day, neighbourhood_id, dimension), value in values.items() if value]


def _on_own_connection(query, *args):
    """Run `query` in this thread's own connection and transaction, with the job's settings; close it after."""
    try:
        with transaction.atomic():
            job_settings()
            return query(*args)
    finally:
        connection.close()


def job_settings() -> None:
    """On PostgreSQL, the job's settings for the rest of the transaction (SET LOCAL)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for name, value in POSTGRES_SETTINGS.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])


def _insert(territory: Territory, rows: list[tuple]) -> None:
    now = timezone.now()
    if connection.vendor == "postgresql":  # COPY: a year of a big city is some 100 000 rows
        with connection.cursor() as cursor, cursor.cursor.copy(
                f"COPY {Metric._meta.db_table} (day, territory_id, neighbourhood_id, key, dimension, value, "
                "computed_at) FROM STDIN (FORMAT BINARY)") as copy:
            copy.set_types(["date", "int8", "int8", "varchar", "varchar", "int8", "timestamptz"])  # no parsing
            for day, neighbourhood_id, key, dimension, value in rows:
                copy.write_row((day, territory.pk, neighbourhood_id, key, dimension, value, now))
        return
    Metric.objects.bulk_create([Metric(day=day, territory=territory, neighbourhood_id=neighbourhood_id, key=key,
                                       dimension=dimension, value=value, computed_at=now)
                                for day, neighbourhood_id, key, dimension, value in rows], batch_size=BATCH_SIZE)


def _rows(territory: Territory, since: datetime.date, until: datetime.date) -> list[tuple]:
    """The territory's rows of the range as (pk, day, neighbourhood id, key, dimension, value): a plain cursor,
    as a year of a big city is some 100 000 rows that need no model instances (nor the ORM's row making)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, day, neighbourhood_id, key, dimension, value FROM {Metric._meta.db_table} "  # noqa: S608
                       "WHERE territory_id = %s AND day >= %s AND day <= %s", [territory.pk, since, until])
        return cursor.fetchall()


def _stored(territory: Territory, since: datetime.date, until: datetime.date) -> dict[tuple, tuple[int, int]]:
    """The territory's rows of the range: {(day, neighbourhood id, key, dimension): (pk, value)}."""
    return {(as_date(day), hood, key, dimension): (pk, value) for pk, day, hood, key, dimension, value in
            _rows(territory, since, until)}


def _delete(pks: list[int]) -> None:
    for i in range(0, len(pks), BATCH_SIZE):
        Metric.objects.filter(pk__in=pks[i:i + BATCH_SIZE]).delete()


def _write(territory: Territory, rows: list[tuple], existing: dict[tuple, tuple[int, int]]) -> None:
    """Store `rows` (some of the range's), `existing` being what the range holds (`_stored`), from which the
    rows met are taken out: those whose value changed are replaced, the new ones inserted, the others left as
    they are (a rebuild of days where nothing happened since writes nothing: no index churn, no bloat for the
    dashboards to read through). What is left in `existing` at the end is gone (`_delete`)."""
    stale, fresh = [], []
    for day, hood, key, dimension, value in rows:
        found = existing.pop((day, hood, key, dimension), None)
        if found is None or found[1] != value:
            fresh.append((day, hood, key, dimension, value))
            if found is not None:
                stale.append(found[0])
    _delete(stale)
    _insert(territory, fresh)


def rebuild(*, since: datetime.date, until: datetime.date, territories=None) -> int:
    """Recompute the metrics of every day from `since` to `until` (included), for the territories (all by
    default). Returns how many rows they hold.

    Idempotent: in one transaction, each territory's rows of the range are made exactly the computed ones
    (`_write`, definition by definition, then `_delete` of the rows gone), so a reader sees the old days or
    the new ones, and two runs give the same rows. On PostgreSQL two rebuilds of one territory wait for each
    other (an advisory lock).

    On PostgreSQL, when this is the outermost transaction (the job's own), the long shared queries (the
    contributions') run on a second connection while this one reads the stored rows, computes and writes
    the other definitions, and the foreign keys are checked as each statement ends, meanwhile too, rather
    than all at the commit. That connection reads only the tracks' tables, never the metrics; each statement
    reads the rows committed when it starts either way. In a caller's transaction (whose uncommitted rows
    another connection could not see, and whose deferred checks are its own) all is done on one connection.
    """
    total = 0
    concurrent = connection.vendor == "postgresql" and not connection.in_atomic_block
    with transaction.atomic():
        job_settings()
        if concurrent:
            with connection.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for territory in territories if territories is not None else Territory.objects.all():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, territory.pk])
            with batch(), ThreadPoolExecutor(max_workers=1) if concurrent else nullcontext() as pool:
                if pool is not None:
                    start, _ = day_bounds(since)
                    _, end = day_bounds(until)
                    for query in {d.reads for d in DEFINITIONS.values() if d.reads}:
                        prefetch(query, territory, start, end, partial(pool.submit, _on_own_connection))
                existing = _stored(territory, since, until)
                for rows in _computed(territory, since, until):
                    _write(territory, rows, existing)
                    total += len(rows)
            _delete([pk for pk, _value in existing.values()])
    return total


def rebuild_day(territory: Territory, day: datetime.date) -> int:
    """Rebuild one day of one territory (a range of one day)."""
    return rebuild(since=day, until=day, territories=[territory])
