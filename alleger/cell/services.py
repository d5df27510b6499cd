"""The metrics job: compute a territory's days from the tracks' events and replace their rows at once."""

from __future__ import annotations

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from alleger.territories.models import Territory

from .metrics import DEFINITIONS, batch
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
    start, _ = day_bounds(since)
    _, end = day_bounds(until)
    rows = []
    with batch():
        for definition in DEFINITIONS.values():
            values = defaultdict(int)  # a definition may give a (day, neighbourhood, dimension) in two parts
            for day, neighbourhood_id, dimension, value in definition.compute(territory, start, end):
                if since <= day <= until:
                    values[(day, neighbourhood_id, dimension[:60])] += value
            rows += [(day, neighbourhood_id, definition.key, dimension, value)
                     for (day, neighbourhood_id, dimension), value in values.items() if value]
    return rows


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
                "computed_at) FROM STDIN") as copy:
            for day, neighbourhood_id, key, dimension, value in rows:
                copy.write_row((day, territory.pk, neighbourhood_id, key, dimension, value, now))
        return
    Metric.objects.bulk_create([Metric(day=day, territory=territory, neighbourhood_id=neighbourhood_id, key=key,
                                       dimension=dimension, value=value, computed_at=now)
                                for day, neighbourhood_id, key, dimension, value in rows], batch_size=BATCH_SIZE)


def _replace(territory: Territory, since: datetime.date, until: datetime.date, rows: list[tuple]) -> None:
    """Make the territory's rows of the range exactly `rows`: the rows that are gone or whose value changed
    are deleted, the new and changed ones inserted, the others left as they are (a rebuild of days where
    nothing happened since writes nothing: no index churn, no bloat for the dashboards to read through)."""
    existing = {(day, hood, key, dimension): (pk, value) for pk, day, hood, key, dimension, value in
                Metric.objects.filter(territory=territory, day__gte=since, day__lte=until)
                .values_list("pk", "day", "neighbourhood_id", "key", "dimension", "value").order_by()}
    stale, fresh = [], []
    for day, hood, key, dimension, value in rows:
        found = existing.pop((day, hood, key, dimension), None)
        if found is None or found[1] != value:
            fresh.append((day, hood, key, dimension, value))
            if found is not None:
                stale.append(found[0])
    stale += [pk for pk, _value in existing.values()]
    for i in range(0, len(stale), BATCH_SIZE):
        Metric.objects.filter(pk__in=stale[i:i + BATCH_SIZE]).delete()
    _insert(territory, fresh)


def rebuild(*, since: datetime.date, until: datetime.date, territories=None) -> int:
    """Recompute the metrics of every day from `since` to `until` (included), for the territories (all by
    default). Returns how many rows they hold.

    Idempotent: in one transaction, each territory's rows are computed, then its rows of the range are made
    exactly those (`_replace`), so a reader sees the old days or the new ones, and two runs give the same
    rows. On PostgreSQL two rebuilds of one territory wait for each other (an advisory lock).
    """
    total = 0
    with transaction.atomic():
        job_settings()
        for territory in territories if territories is not None else Territory.objects.all():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, territory.pk])
            rows = compute(territory, since, until)
            _replace(territory, since, until, rows)
            total += len(rows)
    return total


def rebuild_day(territory: Territory, day: datetime.date) -> int:
    """Rebuild one day of one territory (a range of one day)."""
    return rebuild(since=day, until=day, territories=[territory])
