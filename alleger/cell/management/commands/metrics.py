import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from alleger.cell.services import rebuild
from alleger.territories.models import Territory


class Command(BaseCommand):
    help = ("Compute the dashboards' daily metrics (idempotent). By default the last two days, so that "
            "yesterday's late events land; --since rebuilds any range.")

    def add_arguments(self, parser):
        parser.add_argument("--since", type=datetime.date.fromisoformat, help="first day (YYYY-MM-DD)")
        parser.add_argument("--until", type=datetime.date.fromisoformat, help="last day (default: today)")
        parser.add_argument("--territory", help="a territory's slug (default: all)")

    def handle(self, *args, since=None, until=None, territory=None, **options):
        today = timezone.localdate()
        until = until or today
        since = since or until - datetime.timedelta(days=1)
        if since > until:
            raise CommandError("--since must not be after --until")
        territories = None
        if territory:
            territories = list(Territory.objects.filter(slug=territory))
            if not territories:
                raise CommandError(f"no territory {territory!r}")
        rows = rebuild(since=since, until=until, territories=territories)
        self.stdout.write(f"metrics: {since} → {until}, {rows} rows")
