"""Opening hours in OpenStreetMap's `opening_hours` syntax, read by opening-hours-py.

One place for every question the product asks of an expression: is it valid
(with a message in the user's language), is it open at an instant, when does it
next open. Instants are aware datetimes; the expression is read in the
territory's local time (settings.TIME_ZONE), French public holidays included
(`PH`).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from zoneinfo import ZoneInfo

import opening_hours
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: Long enough for « Th 14:00-17:00 », « Mo-Fr 09:00-12:00,14:00-18:00; PH off » and their comments.
MAX_LENGTH = 255


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


@lru_cache(maxsize=4096)
def parse(expression: str) -> opening_hours.OpeningHours:
    """The parsed expression (cached: the same few hundred expressions are read on every search).

    Raises ValueError (opening-hours-py's SyntaxError) when it is not valid."""
    return opening_hours.OpeningHours(expression, timezone=local_zone(), country="FR")


def validate(expression: str) -> None:
    """A Django validator: refuses an expression the library cannot read, saying where and why."""
    if not expression:
        return
    if len(expression) > MAX_LENGTH:
        raise ValidationError(_("Les horaires font au plus %(max)d caractères.") % {"max": MAX_LENGTH},
                              code="opening_hours_too_long")
    if re.fullmatch(r'\s*"[^"]*"\s*', expression):
        # The library reads a lone comment as "open at every instant": « sur rendez-vous » has its own box.
        raise ValidationError(
            _("« %(expr)s » ne dit pas quand c'est ouvert. Pour un service seulement sur rendez-vous, laissez les "
              "horaires vides et cochez « sur rendez-vous » ; sinon donnez les jours et les heures, par exemple "
              "« Th 14:00-17:00 \"sur rendez-vous\" ».") % {"expr": expression},
            code="opening_hours_comment_only")
    if re.search(r"\bSH\b", re.sub(r'"[^"]*"', "", expression)):
        # The library reads « SH » but knows no school holidays (France's differ by zone): it would be ignored.
        raise ValidationError(
            _("Les vacances scolaires (« SH ») ne sont pas connues ici : elles changent selon la zone. Donnez les "
              "dates de fermeture elles-mêmes, par exemple « Mo-Fr 09:00-18:00; Dec 19-Jan 03 off »."),
            code="opening_hours_school_holidays")
    try:
        parse(expression)
    except Exception as exc:  # opening-hours-py raises its own SyntaxError subclass
        # Not the library's own words (« Failed to parse expression: --> 1:1 »): English, and for its authors.
        raise ValidationError(
            _("Horaires illisibles : « %(expr)s ». Utilisez la syntaxe OpenStreetMap, par exemple "
              "« Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00 » ou « Th 14:00-17:00 ».") % {"expr": expression},
            code="opening_hours_invalid") from exc


def _local(at: dt.datetime) -> dt.datetime:
    if at.tzinfo is None:
        raise ValueError("an aware datetime is needed")
    return at.astimezone(local_zone())


def is_open(expression: str, at: dt.datetime) -> bool:
    """True when the expression says open at `at` (unknown and closed are not open)."""
    if not expression:
        return False
    return parse(expression).is_open(_local(at))


def next_opening(expression: str, at: dt.datetime, *, within: dt.timedelta = dt.timedelta(days=366)):
    """The next instant (aware, local time) the expression opens after `at`, or None.

    When it is open at `at`, that is the next opening after the current period."""
    if not expression:
        return None
    oh = parse(expression)
    local = _local(at)
    horizon = local + within
    for start, _end, state, _comments in oh.intervals(local, horizon):
        if str(state).lower().endswith("open") and start > local:
            return start if start.tzinfo else start.replace(tzinfo=local_zone())
    return None


def closes_at(expression: str, at: dt.datetime, *, within: dt.timedelta = dt.timedelta(days=8)):
    """When the current open period ends (aware, local time), or None when closed at `at` or open for
    longer than `within` (the library's own next_change may search for years when a place never closes)."""
    if not is_open(expression, at):
        return None
    local = _local(at)
    horizon = local + within
    end = None
    for _start, finish, state, _comments in parse(expression).intervals(local, horizon):
        if not str(state).lower().endswith("open"):
            break
        end = finish
    if end is None:
        return None
    end = end if end.tzinfo else end.replace(tzinfo=local_zone())
    return None if end >= horizon else end
