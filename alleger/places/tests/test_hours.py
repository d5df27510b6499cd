"""alleger.places.hours: what the forms accept, and the answers the pages give."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from alleger.places import hours

PARIS = ZoneInfo("Europe/Paris")
THURSDAY_3PM = dt.datetime(2026, 12, 3, 15, 0, tzinfo=PARIS)


@pytest.mark.parametrize("expression", ['"sur rendez-vous"', '  "fermé pour travaux" '])
def test_a_lone_comment_is_refused_it_would_read_as_always_open(expression):
    assert hours.is_open(expression.strip(), THURSDAY_3PM)  # what the library says, hence the refusal
    with pytest.raises(ValidationError) as refused:
        hours.validate(expression)
    assert refused.value.code == "opening_hours_comment_only"
    assert "sur rendez-vous" in refused.value.messages[0]


def test_a_comment_on_a_rule_is_accepted():
    hours.validate('Th 14:00-17:00 "sur rendez-vous"')
    assert hours.is_open('Th 14:00-17:00 "sur rendez-vous"', THURSDAY_3PM)


def test_school_holidays_are_refused_the_library_would_ignore_them():
    during_christmas_holidays = dt.datetime(2026, 12, 22, 10, 0, tzinfo=PARIS)
    assert hours.is_open("Mo-Fr 09:00-18:00; SH off", during_christmas_holidays)  # « SH off » is ignored
    for expression in ("Mo-Fr 09:00-18:00; SH off", "SH Mo-Fr 10:00-12:00"):
        with pytest.raises(ValidationError) as refused:
            hours.validate(expression)
        assert refused.value.code == "opening_hours_school_holidays"
        assert "Dec 19-Jan 03 off" in refused.value.messages[0]
    hours.validate('Mo-Fr 09:00-18:00 "SH : voir le site"')  # in a comment, only words
    hours.validate("Mo-Fr 09:00-18:00; PH off")  # France's public holidays are known
    assert not hours.is_open("Mo-Fr 09:00-18:00; PH off", dt.datetime(2026, 12, 25, 10, 0, tzinfo=PARIS))


@pytest.mark.parametrize("expression", ["Moo 25:00", "Th 14:00-", "x" * 300])
def test_unreadable_or_too_long_hours_are_refused_with_why(expression):
    with pytest.raises(ValidationError) as refused:
        hours.validate(expression)
    assert refused.value.code in {"opening_hours_invalid", "opening_hours_too_long"}


def test_next_opening_and_closing():
    friday = THURSDAY_3PM + dt.timedelta(days=1)
    assert hours.next_opening("Th 14:00-17:00", friday) == dt.datetime(2026, 12, 10, 14, 0, tzinfo=PARIS)
    assert hours.closes_at("Th 14:00-17:00", THURSDAY_3PM) == dt.datetime(2026, 12, 3, 17, 0, tzinfo=PARIS)
    assert hours.closes_at("Th 14:00-17:00", friday) is None
