"""A resource's bookable time: its open windows (its own opening hours) cut into slots.

Pure functions over aware datetimes; the expression is read in local time (alleger.places.hours).
"""

from __future__ import annotations

import datetime as dt

from alleger.places import hours


def windows(expression: str, since: dt.datetime, until: dt.datetime) -> list[tuple[dt.datetime, dt.datetime]]:
    """The open intervals of the expression between since and until (clipped), in local time."""
    if not expression or until <= since:
        return []
    zone = hours.local_zone()
    out = []
    for start, end, state, _comment in hours.parse(expression).intervals(since.astimezone(zone),
                                                                         until.astimezone(zone)):
        if str(state).lower().endswith("open"):
            start = start if start.tzinfo else start.replace(tzinfo=zone)
            end = end if end.tzinfo else end.replace(tzinfo=zone)
            if out and out[-1][1] == start:  # an interval cut at midnight by the library: one window
                out[-1] = (out[-1][0], end)
            else:
                out.append((start, end))
    return out


def window_of(expression: str, start: dt.datetime, end: dt.datetime):
    """The open window holding all of [start, end), or None. Looked for from a day before: a window's
    beginning is where its slots are counted from."""
    for w_start, w_end in windows(expression, start - dt.timedelta(days=1), end + dt.timedelta(minutes=1)):
        if w_start <= start and end <= w_end:
            return w_start, w_end
    return None


def aligned(expression: str, start: dt.datetime, end: dt.datetime, slot_minutes: int) -> bool:
    """Whether [start, end) is made of whole slots of its window, counted from the window's beginning."""
    window = window_of(expression, start, end)
    if window is None:
        return False
    slot = dt.timedelta(minutes=slot_minutes)
    return (start - window[0]) % slot == dt.timedelta(0) and (end - start) % slot == dt.timedelta(0)


def slots(expression: str, slot_minutes: int, since: dt.datetime, until: dt.datetime):
    """Every whole slot of the windows between since and until, as (start, end)."""
    slot = dt.timedelta(minutes=slot_minutes)
    out = []
    # Windows are counted from their true beginning, so look a day back and drop what ends before `since`.
    for w_start, w_end in windows(expression, since - dt.timedelta(days=1), until):
        start = w_start
        while start + slot <= w_end:
            if start >= since and start + slot <= until:
                out.append((start, start + slot))
            start += slot
    return out


def peak(ranges, start: dt.datetime, end: dt.datetime) -> int:
    """The largest number of seats held at one instant of [start, end) by ranges of (start, end, seats)."""
    events = []
    for r_start, r_end, seats in ranges:
        lo, hi = max(r_start, start), min(r_end, end)
        if lo < hi:
            events.append((lo, seats))
            events.append((hi, -seats))
    events.sort(key=lambda e: (e[0], e[1]))  # a release before a take at the same instant
    current = best = 0
    for _at, delta in events:
        current += delta
        best = max(best, current)
    return best
