"""alleger import_places <territory> <file> [--format csv|json] [--allow-rejections]

Imports a « lieux de médiation numérique » file (schema v1.0.2), idempotently
on the schema's `id`. Good rows are written; each rejected row is listed with
its line and reason, and then the exit status is 1 unless --allow-rejections.
See docs/places-opendata.md.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alleger.places.opendata import ImportFileError, guess_format, places_import
from alleger.territories.models import Territory


class Command(BaseCommand):
    help = "Import places in the « lieux de médiation numérique » schema (CSV or JSON), idempotent on `id`."

    def add_arguments(self, parser):
        parser.add_argument("territory", help="territory slug, e.g. saint-etienne")
        parser.add_argument("file", help="path of the CSV or JSON file")
        parser.add_argument("--format", choices=["csv", "json"], dest="file_format",
                            help="file format (default: from the file name)")
        parser.add_argument("--allow-rejections", action="store_true",
                            help="exit with status 0 even when some rows were rejected")

    def handle(self, *args, territory, file, file_format=None, allow_rejections=False, **options):
        place = Territory.objects.filter(slug=territory).first()
        if place is None:
            raise CommandError(f"Territoire inconnu : {territory}")
        path = Path(file)
        file_format = file_format or guess_format(path.name)
        if file_format is None:
            raise CommandError("Format introuvable d'après le nom du fichier : précisez --format csv ou json.")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Fichier illisible : {exc}") from exc
        try:
            report = places_import(territory=place, raw=raw, file_format=file_format)
        except ImportFileError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(f"{report.created} créés, {report.updated} mis à jour, {report.unchanged} inchangés, "
                          f"{len(report.rejected)} rejetés.")
        for rejection in report.rejected:
            self.stderr.write(f"  ligne {rejection.line} ({rejection.source_id or '?'}) : {rejection.reason}")
        if report.rejected and not allow_rejections:
            raise CommandError("Des lignes ont été rejetées (les autres sont importées) : corrigez-les puis "
                               "relancez, l'import est idempotent.")
        self.stdout.write(self.style.SUCCESS("Import terminé."))
