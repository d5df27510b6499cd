"""The metrics job: compute a territory's day from the tracks' events and replace its rows at once."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction

from alleger.territories.models import Territory

from .metrics import DEFINITIONS
from .models import Metric


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The day from local midnight to the next (23 or 25 hours when the clocks change)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def rebuild_day(territory: Territory, day: datetime.date) -> int:
    """Replace the territory's metrics of `day` by a fresh computation. Returns how many rows it holds.

    Idempotent: the rows are computed first, then swapped in one transaction,
    so a reader sees the old day or the new one, and two runs give the same rows.
    """
    start, end = day_bounds(day)
    rows = []
    for definition in DEFINITIONS.values():
        for neighbourhood_id, dimension, value in definition.compute(territory, start, end):
            if value:
                rows.append(Metric(day=day, territory=territory, neighbourhood_id=neighbourhood_id,
                                   key=definition.key, dimension=dimension[:60], value=value))
    with transaction.atomic():
        Metric.objects.filter(territory=territory, day=day).delete()
        Metric.objects.bulk_create(rows)
    return len(rows)


def rebuild(*, since: datetime.date, until: datetime.date, territories=None) -> int:
    """Rebuild every day from `since` to `until` (included) for the territories (all by default)."""
    total = 0
    for territory in territories if territories is not None else Territory.objects.all():
        day = since
        while day <= until:
            total += rebuild_day(territory, day)
            day += datetime.timedelta(days=1)
    return total
