"""Benchmark: building and rendering one chart (SVG and its table) against rendering a trivial template.

    uv run python bench/charts.py [--periods 92] [--rounds 200]

No database: the chart of `--periods` days (the most `charts.period_unit` keeps
in days) is built by `alleger.core.charts.over_time` and rendered through
`components/chart.html` in French, `--rounds` times, interleaved with the
floor (a one-line template through the same loader). Prints milliseconds per
chart, per floor, and the size of the HTML.
"""

import argparse
import datetime
import itertools
import os
import secrets
import time


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--periods", type=int, default=92)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alleger.settings")
    import django

    django.setup()
    from django.template import engines
    from django.template.loader import render_to_string
    from django.utils import translation

    from alleger.core import charts

    translation.activate("fr")
    start = datetime.date(2026, 1, 1)
    periods = charts.periods(start, start + datetime.timedelta(days=args.periods - 1), charts.DAY)
    amount = [i * 137 % 5_000 for i in range(len(periods))]
    data = {"unit": charts.DAY, "periods": periods, "count": [1] * len(periods), "amount": amount,
            "cumulative": list(itertools.accumulate(amount))}
    floor_template = engines["django"].from_string("{{ x }}")

    def chart():
        return render_to_string("components/chart.html", {
            "chart": charts.over_time(data, title="Bench", desc="Bench."), "id": "c"})

    html = chart()
    spent = {"chart": 0.0, "floor": 0.0}
    for _ in range(args.rounds):
        t = time.perf_counter()
        chart()
        spent["chart"] += time.perf_counter() - t
        t = time.perf_counter()
        floor_template.render({"x": "floor"})
        spent["floor"] += time.perf_counter() - t
    print(f"chart of {len(periods)} periods: {spent['chart'] / args.rounds * 1000:.2f} ms, "
          f"floor {spent['floor'] / args.rounds * 1000:.3f} ms, {len(html)} bytes of HTML")


if __name__ == "__main__":
    main()
