"""Report pages: the territory's list and map, the report form, a report, "my reports", categories."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alleger.core.errors import Refused
from alleger.core.forms import add_refusal
from alleger.core.fragments import deferred, deferred_context, remembered
from alleger.core.ratelimit import limit
from alleger.discussions.views import hidden_page
from alleger.territories.models import Territory

from . import selectors, services
from .forms import CategoryForm, FilterForm, ReportForm, StatusForm
from .models import Report, ReportCategory, Status

PAGE_SIZE = 20
MAP_LIMIT = 500

#: Where a refusal of the service belongs on the report form.
FIELD_OF_REFUSAL = {
    "out_of_territory": "lat", "location_invalid": "lat", "location_incomplete": "lon",
    "location_required": "address", "description_required": "description", "description_too_long": "description",
    "too_large": "photo", "not_an_image": "photo", "bad_format": "photo", "bad_photo": "photo",
}
#: The refusals about the original of a duplicate, shown on its field of the status form.
ORIGINAL_REFUSALS = dict.fromkeys(("original_required", "original_is_itself", "original_elsewhere",
                                   "original_without_duplicate", "unknown_original"), "duplicate_of")


def _territory(slug) -> Territory:
    return get_object_or_404(Territory, slug=slug)


def _report_for(request, pk, perm="reports.view_report") -> Report:
    report = get_object_or_404(Report.objects.select_related(
        "territory", "category", "neighbourhood", "reporter", "duplicate_of", "duplicate_of__category"), pk=pk)
    if not request.user.has_perm(perm, report):
        raise PermissionDenied
    return report


def report_index(request):
    territories = Territory.objects.annotate(
        categories=Count("report_categories", filter=Q(report_categories__active=True), distinct=True),
        open_reports=Count("reports", filter=Q(reports__status__in=[Status.OPEN, Status.IN_PROGRESS]),
                           distinct=True),
    ).filter(categories__gt=0).order_by("name")
    return render(request, "reports/index.html", {"territories": territories})


def territory_reports(request, slug):
    # Remembered by this process for the data version (a GET's; alleger/core/fragments.py).
    territory = remembered(request, "territory", (slug,), lambda: _territory(slug))

    def listing():
        categories = list(selectors.categories_of(territory, active_only=False))
        form = FilterForm(request.GET or None, categories=categories)
        filters = form.values()
        reports = selectors.report_list(territory=territory, status=filters.get("statut") or None,
                                        category=filters.get("categorie") or None, q=filters.get("q") or "")
        page = Paginator(reports, PAGE_SIZE).get_page(request.GET.get("page"))
        located = list(reports.filter(lat__isnull=False)[:MAP_LIMIT])
        return {
            "form": form,
            "page": page,
            "querystring": urlencode({k: v for k, v in filters.items() if v}),
            "located": located,
            "geojson": selectors.map_features(located),
        }

    # The list depends on the query string only: a shared fragment keyed by it shows it, computed only
    # when it is rendered (alleger/core/fragments.py); the links of the person are theirs.
    return render(request, "reports/list.html", {
        "territory": territory,
        **deferred_context(listing, ["form", "page", "querystring", "located", "geojson"]),
        "can_configure": deferred(request.user.has_perm, "reports.configure_categories", territory),
    })


@login_required
@limit("report")
def report_new(request, slug):
    territory = _territory(slug)
    if not request.user.has_perm("reports.add_report"):
        raise PermissionDenied
    categories = selectors.categories_grouped(territory)
    code = request.POST.get("categorie") or request.GET.get("categorie")
    category = next((c for c in categories if c.service_code == code), None)
    if category is None:
        # Step one: choose the kind of problem (plain links, so it works without JavaScript).
        keep = {k: request.GET[k] for k in ("lat", "lon") if request.GET.get(k)}
        return render(request, "reports/choose_category.html", {
            "territory": territory, "categories": categories, "keep": urlencode(keep),
            "unknown": bool(code),
        }, status=404 if code else 200)
    initial = {k: request.GET.get(k) for k in ("lat", "lon") if request.GET.get(k)}
    form = ReportForm(request.POST or None, request.FILES or None, category=category, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            report = services.report_create(territory=territory, category=category, reporter=request.user,
                                            **form.service_arguments())
        except ValidationError as exc:
            add_refusal(form, exc, FIELD_OF_REFUSAL)
        else:
            messages.success(request, _("Merci ! Votre signalement est transmis à %(service)s.")
                             % {"service": category.service_name})
            if category.service_notice:
                messages.info(request, category.service_notice)
            if selectors.possible_duplicates(category=category, lat=report.lat, lon=report.lon, exclude=report):
                messages.warning(request, _("Des signalements semblables existent tout près : "
                                            "s'agit-il du même problème ? Voyez ci-dessous."))
            return redirect(report)
    return render(request, "reports/form.html", {
        "territory": territory, "category": category, "form": form,
        "bbox": territory.bbox,
    }, status=400 if request.method == "POST" else 200)


def report_detail(request, pk):
    report = _report_for(request, pk)
    if page := hidden_page(request, report):
        return page
    user = request.user
    suggestions = selectors.suggestions_for(report)
    can_change = user.has_perm("reports.change_status", report)
    return render(request, "reports/detail.html", {
        "report": report,
        "timeline": selectors.report_timeline(report),
        "extra_media": selectors.report_extra_media(report),
        "answers": selectors.attribute_answers(report),
        "suggestions": suggestions,
        "duplicates_of_this": report.duplicates.select_related("category").order_by("created_at"),
        "can_change": can_change,
        "status_form": StatusForm(initial={"status": report.status}) if can_change else None,
        "can_mark_duplicate": user.has_perm("reports.mark_own_duplicate", report),
        "can_view_reporter": user.has_perm("reports.view_reporter", report),
        "public_name": report.public_reporter_name(),
        "is_reporter": user.is_authenticated and report.reporter_id == user.pk,
    })


def _original_from(form_or_value, report):
    original = Report.objects.filter(pk=form_or_value).first() if form_or_value else None
    if form_or_value and original is None:
        raise Refused("unknown_original", _("Le signalement n° %(id)s n'existe pas.") % {"id": form_or_value})
    return original


@login_required
@require_POST
def report_status(request, pk):
    report = _report_for(request, pk, "reports.change_status")
    form = StatusForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.report_set_status(report=report, actor=request.user, status=data["status"], note=data["note"],
                                       duplicate_of=_original_from(data.get("duplicate_of"), report))
        except ValidationError as exc:
            add_refusal(form, exc, ORIGINAL_REFUSALS)
        else:
            messages.success(request, _("Statut mis à jour ; la personne qui a signalé est prévenue."))
            return redirect(report)
    return render(request, "reports/status.html", {"report": report, "form": form}, status=400)


@login_required
@require_POST
def report_mark_duplicate(request, pk):
    """The reporter says their report describes the same problem as a nearby one."""
    report = _report_for(request, pk, "reports.mark_own_duplicate")
    try:
        original = _original_from(request.POST.get("original"), report)
        candidates = {r.pk for _, r in selectors.possible_duplicates(category=report.category, lat=report.lat,
                                                                     lon=report.lon, exclude=report)}
        if original is None or original.pk not in candidates:
            raise Refused("not_a_candidate", _("Choisissez l'un des signalements semblables proposés."))
        services.report_set_status(report=report, actor=request.user, status=Status.DUPLICATE, duplicate_of=original,
                                   note=_("La personne qui a signalé indique qu'il s'agit du même problème."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(report)
    messages.success(request, _("C'est noté : suivez désormais le signalement d'origine."))
    return redirect(original)


@login_required
def my_reports(request):
    return render(request, "reports/mine.html", {"reports": selectors.reports_of(request.user)})


@login_required
def categories_manage(request, slug, code=None):
    territory = _territory(slug)
    if not request.user.has_perm("reports.configure_categories", territory):
        raise PermissionDenied
    category = get_object_or_404(ReportCategory, territory=territory, service_code=code) if code else None
    form = CategoryForm(request.POST or None, instance=category, territory=territory)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        kits, asset_types = data.pop("kits"), data.pop("asset_types")
        try:
            saved = services.category_save(territory=territory, actor=request.user, category=category, kits=kits,
                                           asset_types=asset_types, **data)
        except ValidationError as exc:
            add_refusal(form, exc, {"code_taken": "service_code"})
        else:
            messages.success(request, _("Catégorie « %(name)s » enregistrée.") % {"name": saved.name})
            return redirect("reports:categories", slug=territory.slug)
    return render(request, "reports/categories.html", {
        "territory": territory, "categories": selectors.categories_of(territory, active_only=False)
        .prefetch_related("kits", "attributes"),
        "form": form, "category": category,
    }, status=400 if request.method == "POST" else 200)
