"""Indicator upload: French CSV, every rejected line reported with its reason, all or nothing."""

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alleger.cell import challenge_services as services
from alleger.cell.challenges import indicator_charts
from alleger.cell.models import Challenge, IndicatorPoint, IndicatorSeries
from alleger.core.errors import Refused

pytestmark = pytest.mark.django_db


@pytest.fixture
def challenge(territory, cell_member, neighbourhood):
    return services.challenge_create(actor=cell_member, territory=territory, title="Biodéchets", problem="P",
                                     starts_on=datetime.date(2026, 1, 1), ends_on=datetime.date(2026, 12, 31),
                                     status=Challenge.Status.OPEN)


GOOD = "date;quartier;valeur;unité\n2026-03-02;jacquard;12,5;kg\n2026-03-09;Jacquard;1 234,75;kg\n09/03/2026;;3;kg\n"


def test_semicolons_and_decimal_commas(challenge, cell_member):
    result = services.indicators_upload(challenge=challenge, actor=cell_member, name="Compost", raw=GOOD.encode())
    assert (result.created, result.replaced) == (3, 0)
    assert result.series.unit == "kg"
    values = sorted(IndicatorPoint.objects.values_list("value_milli", flat=True))
    assert values == [3_000, 12_500, 1_234_750]


def test_commas_between_cells_with_quoted_decimals(challenge, cell_member):
    raw = 'date,quartier,valeur,unité\n2026-03-02,jacquard,"12,5",emplois\n2026-03-03,,7.25,emplois\n'
    result = services.indicators_upload(challenge=challenge, actor=cell_member, name="Emplois", raw=raw)
    assert result.created == 2
    assert set(IndicatorPoint.objects.values_list("value_milli", flat=True)) == {12_500, 7_250}


def test_every_bad_line_is_reported_and_nothing_is_written(challenge, cell_member):
    services.indicators_upload(challenge=challenge, actor=cell_member, name="Compost", raw=GOOD)
    before = list(IndicatorPoint.objects.order_by("pk").values_list("pk", "value_milli"))
    raw = ("date;quartier;valeur;unité\n"
           "2026-03-02;jacquard;99;kg\n"        # fine, but the file is refused as a whole
           "2026-02-30;jacquard;1;kg\n"         # 3: no such day
           "2026-03-03;atlantide;1;kg\n"        # 4: unknown neighbourhood
           "2026-03-04;jacquard;douze;kg\n"     # 5: not a number
           "2026-03-05;jacquard;1,2345;kg\n"    # 6: too precise
           "2026-03-06;jacquard;1\n"            # 7: three cells
           "2026-03-07;jacquard;1;\n"           # 8: no unit
           "2026-03-02;jacquard;5;kg\n")        # 9: same day and neighbourhood as line 2
    with pytest.raises(services.UploadRefused) as refusal:
        services.indicators_upload(challenge=challenge, actor=cell_member, name="Compost", raw=raw)
    assert [r.line for r in refusal.value.rejected] == [3, 4, 5, 6, 7, 8, 9]
    reasons = " | ".join(r.reason for r in refusal.value.rejected)
    assert "Date illisible" in reasons and "Quartier inconnu « atlantide »" in reasons
    assert "trois décimales" in reasons and "4 colonnes attendues" in reasons and "ligne 2" in reasons
    assert list(IndicatorPoint.objects.order_by("pk").values_list("pk", "value_milli")) == before


@pytest.mark.parametrize("raw", [
    bytes(range(256)) * 4,  # an image or any binary file, picked by mistake
    b"PK\x03\x04" + b"\x14\x00" * 40,  # a spreadsheet saved as .xlsx
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
])
def test_a_file_that_is_not_text_is_refused_as_such_not_a_500(challenge, cell_member, raw):
    with pytest.raises(services.UploadRefused) as refusal:
        services.indicators_upload(challenge=challenge, actor=cell_member, name="Compost", raw=raw)
    [rejected] = refusal.value.rejected
    assert "n'est pas un tableau CSV" in rejected.reason
    assert not IndicatorPoint.objects.exists()


def test_excel_s_unicode_text_and_impossible_years(challenge, cell_member):
    utf16 = "date\tquartier\tvaleur\tunité\n2026-03-02\tjacquard\t12,5\tkg\n".encode("utf-16")
    result = services.indicators_upload(challenge=challenge, actor=cell_member, name="Compost", raw=utf16)
    assert result.created == 1
    with pytest.raises(services.UploadRefused) as refusal:
        services.indicators_upload(challenge=challenge, actor=cell_member, name="Compost",
                                   raw=b"0001-01-01;;1;kg\n")
    assert "Date illisible" in refusal.value.rejected[0].reason


def test_a_second_unit_in_one_file_is_refused(challenge, cell_member):
    with pytest.raises(services.UploadRefused) as refusal:
        services.indicators_upload(challenge=challenge, actor=cell_member, name="X",
                                   raw="2026-03-02;;1;kg\n2026-03-03;;1;t\n")
    assert [r.line for r in refusal.value.rejected] == [2]
    assert not IndicatorSeries.objects.exists()


def test_uploading_the_same_file_twice_changes_nothing_and_a_new_value_replaces(challenge, cell_member):
    services.indicators_upload(challenge=challenge, actor=cell_member, name="Compost", raw=GOOD)
    again = services.indicators_upload(challenge=challenge, actor=cell_member, name="Compost", raw=GOOD)
    assert (again.created, again.replaced) == (0, 0)
    changed = services.indicators_upload(challenge=challenge, actor=cell_member, name="Compost",
                                         raw="2026-03-02;jacquard;13;kg\n")
    assert (changed.created, changed.replaced) == (0, 1)
    assert IndicatorPoint.objects.count() == 3


def test_only_the_cell_uploads(challenge, resident):
    with pytest.raises(Refused) as refusal:
        services.indicators_upload(challenge=challenge, actor=resident, name="Compost", raw=GOOD)
    assert refusal.value.code == "forbidden"


def test_the_chart_sums_the_neighbourhoods_and_its_table_details_them(challenge, cell_member):
    services.indicators_upload(challenge=challenge, actor=cell_member, name="Compost", raw=GOOD)
    (item,) = indicator_charts(challenge)
    chart = item["chart"]
    assert chart.title == "Compost (kg)"
    assert [c.heading for c in chart.columns] == ["Total (kg)", "Jacquard", "Sans quartier"]
    assert item["total"] == Decimal("1250.25")
    assert chart.rows[0]["cells"][0] == "12,5"


@given(st.decimals(min_value=-10**9, max_value=10**9, places=3, allow_nan=False, allow_infinity=False))
def test_a_value_written_the_french_way_reads_back_exactly(value):
    text = f"{value:f}".replace(".", ",")
    assert services.parse_value(text) == int(value * 1000)
