"""The `euros` and `percent` filters: integer cents and basis points, French style."""

import pytest
from django.template import Context, Template

from alleger.core.templatetags.alleger import euros, percent

NNBSP = "\u202f"  # narrow no-break space, the French thousands separator
NBSP = "\u00a0"  # no-break space before the unit


@pytest.mark.parametrize(
    ("cents", "expected"),
    [
        (0, f"0{NBSP}€"),
        (1, f"0,01{NBSP}€"),
        (50, f"0,50{NBSP}€"),
        (1250, f"12,50{NBSP}€"),
        (600_000, f"6{NNBSP}000{NBSP}€"),
        (1_500_000, f"15{NNBSP}000{NBSP}€"),
        (123_456_789, f"1{NNBSP}234{NNBSP}567,89{NBSP}€"),
        ("1250", f"12,50{NBSP}€"),
        (-150, f"-1,50{NBSP}€"),
        (-600_000, f"-6{NNBSP}000{NBSP}€"),
        (None, ""),
    ],
)
def test_euros_formats_integer_cents(cents, expected):
    assert euros(cents) == expected


@pytest.mark.parametrize(
    ("basis_points", "expected"),
    [
        (0, f"0{NBSP}%"),
        (5, f"0,05{NBSP}%"),
        (10, f"0,1{NBSP}%"),
        (500, f"5{NBSP}%"),
        (550, f"5,5{NBSP}%"),
        (1234, f"12,34{NBSP}%"),
        (20_000, f"200{NBSP}%"),
        (None, ""),
    ],
)
def test_percent_formats_basis_points(basis_points, expected):
    assert percent(basis_points) == expected


def test_the_filters_work_in_templates():
    rendered = Template("{% load alleger %}{{ goal|euros }} / {{ fee|percent }}").render(
        Context({"goal": 250_075, "fee": 750})
    )
    assert rendered == f"2{NNBSP}500,75{NBSP}€ / 7,5{NBSP}%"


def test_the_filters_follow_the_active_language():
    from django.utils import translation

    with translation.override("en"):
        assert euros(600_000) == "€6,000"
        assert euros(1250) == "€12.50"
        assert percent(550) == "5.5%"
