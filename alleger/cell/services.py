"""The metrics job: compute a territory's days from the tracks' events and replace their rows at once."""

from __future__ import annotations

import datetime
from collections import defaultdict
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from alleger.territories.models import Territory

from .metrics import DEFINITIONS, batch
from .models import Metric

#: Rows written per INSERT statement.
BATCH_SIZE = 5_000


def local_zone() -> ZoneInfo:
    """The zone whose midnights bound the days (the settings' zone, Europe/Paris by default)."""
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The day from local midnight to the next (23 or 25 hours when the clocks change)."""
    zone = local_zone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def compute(territory: Territory, since: datetime.date, until: datetime.date) -> list[Metric]:
    """The territory's metric rows from `since` to `until` (included), unsaved: each definition runs once
    over the whole range, grouped by local day. Zeros are not kept (readers take a missing row as 0)."""
    start, _ = day_bounds(since)
    _, end = day_bounds(until)
    rows = []
    with batch():
        for definition in DEFINITIONS.values():
            values = defaultdict(int)  # a definition may give a (day, neighbourhood, dimension) in two parts
            for day, neighbourhood_id, dimension, value in definition.compute(territory, start, end):
                if since <= day <= until:
                    values[(day, neighbourhood_id, dimension[:60])] += value
            rows += [Metric(day=day, territory=territory, neighbourhood_id=neighbourhood_id, key=definition.key,
                            dimension=dimension, value=value)
                     for (day, neighbourhood_id, dimension), value in values.items() if value]
    return rows


def rebuild(*, since: datetime.date, until: datetime.date, territories=None) -> int:
    """Replace the metrics of every day from `since` to `until` (included) by a fresh computation, for the
    territories (all by default). Returns how many rows they hold.

    Idempotent: a territory's rows are computed first, then swapped in one transaction (the range deleted,
    the new rows inserted), so a reader sees the old days or the new ones, and two runs give the same rows.
    """
    total = 0
    for territory in territories if territories is not None else Territory.objects.all():
        rows = compute(territory, since, until)
        with transaction.atomic():
            Metric.objects.filter(territory=territory, day__gte=since, day__lte=until).delete()
            Metric.objects.bulk_create(rows, batch_size=BATCH_SIZE)
        total += len(rows)
    return total


def rebuild_day(territory: Territory, day: datetime.date) -> int:
    """Rebuild one day of one territory (a range of one day)."""
    return rebuild(since=day, until=day, territories=[territory])
