"""The cell's last step of the demo (core's demo_data runs the `demo_links` modules after every app's `demo`,
so every event is made by then, the discussions' comments and the funding links' booking included):
realistic dates for the events (demo_dates), then the dashboards' metrics over every day the demo covers,
as the nightly jobs would have left them, then the open-data files."""

import datetime

from django.utils import timezone

from . import demo_dates, opendata
from . import services as metrics
from .models import Metric


def load(context) -> None:
    demo_dates.backdate()
    city = context.territories.get("city")
    if city is not None and not Metric.objects.filter(territory=city).exists():  # loading again changes nothing
        today = timezone.localdate()
        since = min(demo_dates.earliest_day() or today, today - datetime.timedelta(days=60))
        metrics.rebuild(since=since, until=today)
    opendata.write_all()
