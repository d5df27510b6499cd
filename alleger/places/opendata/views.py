"""The open-data pages: the exports (anyone) and the import (a territory's moderators)."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alleger.core.forms import add_refusal
from alleger.territories.models import Territory

from . import SCHEMA_VERSION, ImportFileError, di_export, lmn_csv, lmn_json, lmn_rows, places_import
from .forms import PlacesImportForm

#: The permission the import asks for (a territory's moderators and the platform team).
IMPORT_PERMISSION = "places.import_places"


def _territory(request):
    slug = request.GET.get("territoire") or ""
    return get_object_or_404(Territory, slug=slug) if slug else None


def _filename(base: str, territory, ext: str) -> str:
    return f"{base}-{territory.slug}.{ext}" if territory else f"{base}.{ext}"


def index(request):
    territories = Territory.objects.filter(places__moderation="published").distinct().order_by("name")
    importable = [t for t in Territory.objects.order_by("name") if request.user.has_perm(IMPORT_PERMISSION, t)] \
        if request.user.is_authenticated else []
    return render(request, "places/opendata/index.html", {
        "territories": territories, "importable": importable, "schema_version": SCHEMA_VERSION})


def lmn_export_csv(request):
    territory = _territory(request)
    response = HttpResponse(lmn_csv(lmn_rows(territory)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename("lieux-mediation-numerique", territory, "csv")}"'
    return response


def lmn_export_json(request):
    territory = _territory(request)
    response = JsonResponse(lmn_json(lmn_rows(territory)), safe=False, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="{_filename("lieux-mediation-numerique", territory, "json")}"'
    return response


def di_export_json(request):
    territory = _territory(request)
    data = di_export(territory, base_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/json")
    response["Content-Disposition"] = f'inline; filename="{_filename("data-inclusion", territory, "json")}"'
    return response


@login_required
def import_places(request, slug):
    territory = get_object_or_404(Territory, slug=slug)
    if not request.user.has_perm(IMPORT_PERMISSION, territory):
        raise PermissionDenied
    form = PlacesImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = places_import(territory=territory, raw=upload.read(),
                                   file_format=form.cleaned_data["file_format"], actor=request.user)
        except ImportFileError as exc:
            add_refusal(form, exc, "file")
    status = 400 if form.errors else 200
    return render(request, "places/opendata/import.html", {
        "territory": territory, "form": form, "report": report}, status=status)


@login_required
@require_POST
def kit_place_types(request, slug):
    """The kit's editors say which types of place it applies to (alleger.places.links)."""
    from alleger.kits.models import Kit

    from ..forms_links import PlaceTypesForm
    from ..links import place_type_kits_set

    kit = get_object_or_404(Kit, slug=slug)
    if not request.user.has_perm("kits.change_kit", kit):
        raise PermissionDenied
    form = PlaceTypesForm(request.POST)
    if form.is_valid():
        place_type_kits_set(kit=kit, place_types=form.cleaned_data["place_types"], actor=request.user)
        messages.success(request, _("Les types de lieu du kit sont enregistrés."))
    else:
        messages.error(request, _("Type de lieu inconnu."))
    return redirect(kit)
