"""alleger import_assets <territory> <file> --type <slug> [--format csv|geojson] [--dry-run]

Imports a city's asset dataset, idempotently on the source id. See
alleger/assets/imports.py and docs/assets-import.md for the column mapping.
All or nothing: if any row is wrong, nothing is written and every error is
listed with its line; the exit status is then 1.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alleger.assets.imports import ImportFileError, assets_import, guess_format
from alleger.assets.models import AssetType
from alleger.territories.models import Territory


class Command(BaseCommand):
    help = "Import assets (trees, benches, tree pits…) from a CSV or GeoJSON file, idempotent on the source id."

    def add_arguments(self, parser):
        parser.add_argument("territory", help="territory slug, e.g. saint-etienne")
        parser.add_argument("file", help="path of the CSV or GeoJSON file")
        parser.add_argument("--type", required=True, dest="asset_type",
                            help="slug of the asset type given to rows without a `type` column")
        parser.add_argument("--format", choices=["csv", "geojson"], dest="file_format",
                            help="file format (default: from the file name)")
        parser.add_argument("--id-field", help="column holding the source id (default: id, identifiant, gid…)")
        parser.add_argument("--name-field", help="column holding the name (default: nom, name, libelle)")
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args, territory, file, asset_type, file_format=None, id_field=None, name_field=None,
               dry_run=False, **options):
        place = Territory.objects.filter(slug=territory).first()
        if place is None:
            raise CommandError(f"Territoire inconnu : {territory}")
        kind = AssetType.objects.filter(territory=place, slug=asset_type).first()
        if kind is None:
            known = ", ".join(place.asset_types.values_list("slug", flat=True)) or "aucun"
            raise CommandError(f"Type de dispositif inconnu à {place.name} : {asset_type} (connus : {known})")
        path = Path(file)
        file_format = file_format or guess_format(path.name)
        if file_format is None:
            raise CommandError("Format introuvable d'après le nom du fichier : précisez --format csv ou geojson.")
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"Fichier illisible : {exc}") from exc
        try:
            report = assets_import(territory=place, asset_type=kind, raw=raw, file_format=file_format,
                                   filename=path.name, dry_run=dry_run, id_field=id_field, name_field=name_field)
        except ImportFileError as exc:
            raise CommandError(str(exc)) from exc
        verb = "seraient" if (dry_run or report.errors) else "sont"
        self.stdout.write(f"{report.created} créés, {report.updated} mis à jour, {report.unchanged} inchangés "
                          f"({verb}), {report.error_count} erreurs.")
        for message in report.errors:
            self.stderr.write(f"  {message}")
        if report.errors:
            raise CommandError("Import annulé : corrigez les lignes ci-dessus puis relancez (rien n'a été écrit).")
        if dry_run:
            self.stdout.write("Essai à blanc : rien n'a été écrit.")
        else:
            self.stdout.write(self.style.SUCCESS("Import terminé."))
