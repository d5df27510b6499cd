from django.core.management.base import BaseCommand, CommandError

from alleger.cell.opendata import write_all
from alleger.territories.models import Territory


class Command(BaseCommand):
    help = ("Write each territory's open-data files (CSV, JSON, GeoJSON, a ZIP with its README, a manifest) into "
            "the media storage under opendata/<territory>/. Idempotent: unchanged files are left as they are.")

    def add_arguments(self, parser):
        parser.add_argument("--territory", help="a territory's slug (default: all)")

    def handle(self, *args, territory=None, **options):
        territories = None
        if territory:
            territories = list(Territory.objects.filter(slug=territory))
            if not territories:
                raise CommandError(f"no territory {territory!r}")
        count = write_all(territories)
        self.stdout.write(f"opendata: {count} territories")
