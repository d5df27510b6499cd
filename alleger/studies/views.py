import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alleger.core.errors import Refused
from alleger.core.forms import add_refusal
from alleger.core.text import spreadsheet_csv
from alleger.places.models import PlaceType, Profile, ServiceKind
from alleger.territories.geometry import polygon_from_geojson
from alleger.territories.models import Territory

from . import analysis, selectors, services
from .forms import GridForm, StudyForm
from .models import Study

TABLES = ("resume", "quartiers", "zones", "suggestions", "lieux", "carreaux")
PLACES_TABLE = 50
PLACES_SELECT = 500


def territory_section(request, territory):
    """The territory page's section: its published studies, and the way in for the cell and moderators."""
    studies = list(selectors.published_studies_of(territory)[:5])
    can_run = request.user.has_perm("studies.run_study", territory)
    if not studies and not can_run:
        return None
    return {"territory": territory, "studies": studies, "can_run": can_run}


def _territory_for(request, slug, perm) -> Territory:
    territory = get_object_or_404(Territory, slug=slug)
    if not request.user.has_perm(perm, territory):
        raise PermissionDenied
    return territory


def _study_for(request, pk) -> Study:
    study = selectors.study_get(pk)
    if study is None or not request.user.has_perm("studies.view_study", study):
        raise Http404
    return study


def study_list(request):
    studies = list(selectors.visible_studies(request.user).defer("distances", "results", "grid__cells"))
    return render(request, "studies/list.html", {
        "studies": studies,
        "managed": list(selectors.managed_territories(request.user)),
    })


@login_required
def grid_upload(request, slug):
    territory = _territory_for(request, slug, "studies.upload_grid")
    form = GridForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            grid = services.grid_upload(territory=territory, user=request.user, name=form.cleaned_data["name"],
                                        source=form.cleaned_data["source"], data=form.cleaned_data["file"].read())
        except Refused as exc:
            add_refusal(form, exc, "file")
        else:
            messages.success(request, _("Carroyage enregistré : %(n)d carreaux.") % {"n": grid.cell_count})
            return redirect("studies:grid", pk=grid.pk)
    return render(request, "studies/grid_upload.html", {
        "territory": territory, "form": form, "grids": selectors.grids_of(territory)})


@login_required
def grid_detail(request, pk):
    grid = selectors.grid_get(pk)
    if grid is None or not request.user.has_perm("studies.upload_grid", grid.territory):
        raise Http404
    return render(request, "studies/grid.html", {"grid": grid, "report": grid.report})


@login_required
def study_create(request, slug):
    territory = _territory_for(request, slug, "studies.run_study")
    grids = selectors.grids_of(territory)
    if not grids.exists():
        messages.info(request, _("Déposez d'abord un carroyage de population pour ce territoire."))
        return redirect("studies:grid_upload", slug=territory.slug)
    form = StudyForm(request.POST or None, request.FILES or None, grids=grids)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            premises = None
            if data["candidates"] == Study.Candidates.PREMISES and data.get("premises_file"):
                premises = services.read_premises(data["premises_file"].read())
            study = services.study_create(
                territory=territory, grid=data["grid"], user=request.user, title=data["title"],
                question=data["question"], radius_m=data["radius_m"], service_kinds=data["service_kinds"],
                profile=data["profile"], place_type=data["place_type"], open_weekday=data["open_weekday"],
                open_time=data["open_time"], candidates=data["candidates"], premises=premises,
                suggestions=data["suggestions"], weight_poor=data["weight_poor"], published=data["published"])
        except Refused as exc:
            add_refusal(form, exc)
        else:
            return redirect(study)
    return render(request, "studies/form.html", {"territory": territory, "form": form})


def _selection_label(study: Study) -> str:
    if study.service_kinds:
        labels = dict(ServiceKind.choices)
        return _("service : %(kinds)s") % {"kinds": ", ".join(str(labels.get(k, k))
                                                               for k in study.service_kinds.split(","))}
    if study.profile:
        return _("profil : %(p)s") % {"p": dict(Profile.choices).get(study.profile, study.profile)}
    return _("type : %(t)s") % {"t": dict(PlaceType.choices).get(study.place_type, study.place_type)}


def study_detail(request, pk):
    study = _study_for(request, pk)
    results = study.results or {}
    places = results.get("places", [])
    closed = None
    if request.GET.get("ferme"):
        closed = next((p for p in places if str(p["id"]) == request.GET["ferme"]), None)
    distances = analysis.load_distances(study) if study.status == Study.Status.DONE else None
    # A metropolis counts thousands of places: the page shows those whose closing costs most (all are in
    # the « lieux » export); the select keeps every place up to PLACES_SELECT, then the costliest.
    costliest = sorted(places, key=lambda p: (-(p["lost_population"] or 0), p["name"]))
    return render(request, "studies/detail.html", {
        "study": study, "results": results, "summary": results.get("summary", {}),
        "selection": _selection_label(study), "places": places, "closed": closed,
        "places_table": costliest[:PLACES_TABLE],
        "places_select": places if len(places) <= PLACES_SELECT else costliest[:PLACES_SELECT],
        "map_geojson": selectors.map_layer(study, distances) if distances is not None else None,
        "classes": selectors.distance_classes(study.radius_m),
        "can_publish": request.user.has_perm("studies.publish_study", study),
        "tables": TABLES,
    })


@login_required
@require_POST
def study_publish(request, pk):
    study = _study_for(request, pk)
    if not request.user.has_perm("studies.publish_study", study):
        raise PermissionDenied
    services.study_set_published(study=study, user=request.user, published=request.POST.get("published") == "1")
    return redirect(study)


def _rows(study: Study, table: str) -> list[dict]:
    results = study.results or {}
    if table == "resume":
        return [{"territory": study.territory.name, "radius": study.radius_m, "open_at": results.get("open_at"),
                 "places": len(results.get("places", [])), **results.get("summary", {})}]
    if table == "quartiers":
        return results.get("neighbourhoods", [])
    if table == "zones":
        return results.get("worst", [])
    if table == "suggestions":
        return results.get("suggestions", [])
    if table == "lieux":
        return results.get("places", [])
    distances = analysis.load_distances(study)
    return selectors.cell_rows(study, distances) if distances is not None else []


def _geometry(study: Study, table: str, row: dict):
    if "lat" in row and "lon" in row:
        return {"type": "Point", "coordinates": [row["lon"], row["lat"]]}
    boundary = None
    if table == "quartiers" and row.get("slug"):
        boundary = study.territory.neighbourhoods.filter(slug=row["slug"]).values_list("boundary", flat=True).first()
    elif table == "resume":
        boundary = study.territory.boundary
    if boundary:
        try:
            polygon_from_geojson(boundary)
        except Exception:
            return None
        return boundary.get("geometry", boundary) if boundary.get("type") == "Feature" else boundary
    return None


def study_export(request, pk, table, fmt):
    study = _study_for(request, pk)
    if table not in TABLES or fmt not in ("csv", "geojson") or study.status != Study.Status.DONE:
        raise Http404
    rows = _rows(study, table)
    filename = f"etude-{study.pk}-{table}.{fmt}"
    if fmt == "geojson":
        collection = {"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": _geometry(study, table, row), "properties": row} for row in rows]}
        response = HttpResponse(json.dumps(collection, ensure_ascii=False), content_type="application/geo+json")
    else:
        # As every export: the CSV a French spreadsheet opens as is (semicolons, decimal commas, UTF-8 marked).
        response = HttpResponse(spreadsheet_csv(list(rows[0]) if rows else [], rows),
                                content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
