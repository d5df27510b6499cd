"""The open-data page of a territory: the files the job wrote, with their sizes, dates and README."""

import datetime

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language

from alleger.territories.models import Territory

from . import opendata

TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json", "geojson": "application/geo+json",
         "zip": "application/zip", "md": "text/markdown; charset=utf-8"}


def opendata_page(request, slug):
    territory = get_object_or_404(Territory, slug=slug)
    found = opendata.manifest(territory)
    files = {}
    for entry in (found or {}).get("files", []):
        entry = dict(entry, updated=datetime.datetime.fromisoformat(entry["updated_at"]))
        files[entry["name"]] = entry
    datasets = [{"dataset": d, "files": [files[f"{d.name}.{ext}"] for ext in ("csv", "json", "geojson")
                                         if f"{d.name}.{ext}" in files]}
                for d in opendata.DATASETS.values()]
    # The README in the visitor's language, else the French one (a manifest written before the English one).
    language = (get_language() or "fr").split("-")[0]
    readme = files.get(opendata.READMES.get(language, "")) or files.get(opendata.READMES["fr"])
    return render(request, "cell/opendata/page.html", {
        "territory": territory, "manifest": found, "datasets": datasets,
        "archive": files.get(f"donnees-{territory.slug}.zip"), "readme": readme,
        "licence": (found or {}).get("licence") or opendata.licence(),
    })


def opendata_file(request, slug, filename):
    territory = get_object_or_404(Territory, slug=slug)
    names = {entry["name"] for entry in (opendata.manifest(territory) or {}).get("files", [])}
    if filename not in names:  # only what the manifest lists: never another path of the storage
        raise Http404
    path = f"{opendata.folder(territory)}/{filename}"
    if not default_storage.exists(path):
        raise Http404
    response = FileResponse(default_storage.open(path, "rb"), as_attachment=not filename.endswith(".md"),
                            filename=filename, content_type=TYPES.get(filename.rsplit(".", 1)[-1],
                                                                       "application/octet-stream"))
    response["Access-Control-Allow-Origin"] = "*"
    return response
