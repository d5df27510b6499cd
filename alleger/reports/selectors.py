"""Report reads: lists, the report page's suggestions (kits, nearby help, possible duplicates)."""

from dataclasses import dataclass, field

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery

from alleger.assets.models import Asset
from alleger.core import search
from alleger.kits.models import Kit
from alleger.places import nearby
from alleger.territories.models import Territory

from .geo import within
from .models import OPEN311_OPEN, Report, ReportCategory, ReportUpdate

#: Two open reports of the same category closer than this may be the same problem.
DUPLICATE_RADIUS_M = 50
#: Assets and resources suggested around a report.
NEARBY_RADIUS_M = 500
NEARBY_LIMIT = 8


def categories_of(territory, *, active_only: bool = True) -> QuerySet[ReportCategory]:
    qs = ReportCategory.objects.filter(territory=territory)
    if active_only:
        qs = qs.filter(active=True)
    return qs.order_by("order", "name")


def categories_grouped(territory) -> list[ReportCategory]:
    """Active categories grouped for `{% regroup %}` (which only joins neighbours): groups in the order of
    their first category, categories in their order within each group, ungrouped ones last."""
    categories = list(categories_of(territory))
    rank = {}
    for position, category in enumerate(categories):
        rank.setdefault(category.group, position)
    return sorted(categories, key=lambda c: (c.group == "", rank[c.group]))


def report_list(*, territory=None, status: str | None = None, category: str | None = None,
                q: str = "") -> QuerySet[Report]:
    """Reports, newest first; `status` is an internal status, `category` a service code."""
    qs = Report.objects.select_related("territory", "category", "neighbourhood")
    if territory is not None:
        qs = qs.filter(territory=territory)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category__service_code=category)
    qs = search.matching(qs, q, ("description", "address", "category__name"))
    return qs.order_by("-created_at", "-pk")


def reports_of(user) -> QuerySet[Report]:
    if not user.is_authenticated:
        return Report.objects.none()
    return Report.objects.filter(reporter=user).select_related("territory", "category").order_by("-created_at")


def report_timeline(report: Report):
    return report.updates.select_related("author").prefetch_related("media").order_by("created_at", "pk")


def report_extra_media(report: Report):
    """The report's photos and links beyond its first ones (Open311 clients send several)."""
    return report.media.filter(update__isnull=True).order_by("pk")


def possible_duplicates(*, category: ReportCategory, lat: float | None, lon: float | None,
                        exclude: Report | None = None, radius_m: float = DUPLICATE_RADIUS_M) -> list:
    """[(distance, report)] of open reports of the same category within `radius_m`, nearest first."""
    if lat is None or lon is None:
        return []
    qs = Report.objects.filter(category=category, status__in=OPEN311_OPEN).select_related("category")
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return within(qs, lat=lat, lon=lon, radius_m=radius_m)


def nearby_assets(*, territory, lat: float | None, lon: float | None, category: ReportCategory | None = None,
                  radius_m: float = NEARBY_RADIUS_M, limit: int = NEARBY_LIMIT) -> list:
    """[(distance, asset)] of published assets near a point that help with the category's problem.

    A category declares what helps (its asset types, its kits): only assets of a
    declared type or carrying one of its kits are offered, the declared types
    first, tool cabinets first among equals, then the nearest. A category that
    declares nothing (or no category) offers every asset around, nearest first."""
    if lat is None or lon is None:
        return []
    qs = Asset.objects.filter(territory=territory, moderation=Asset.Moderation.PUBLISHED).select_related(
        "asset_type")
    type_ids = set(category.asset_types.values_list("pk", flat=True)) if category is not None else set()
    kit_ids = set(category.kits.values_list("pk", flat=True)) if category is not None else set()
    declared = bool(type_ids or kit_ids)
    if declared:
        qs = qs.filter(Q(asset_type__in=type_ids) | Q(kits__in=kit_ids) | Q(asset_type__kits__in=kit_ids)).distinct()
    found = within(qs, lat=lat, lon=lon, radius_m=radius_m)  # nearest first
    if declared:
        found.sort(key=lambda pair: (pair[1].asset_type_id not in type_ids, not pair[1].is_tool_cabinet, pair[0],
                                     pair[1].pk))
    return found[:limit]


def suggested_kits(category: ReportCategory) -> QuerySet[Kit]:
    """The published kits that let a resident fix this kind of problem."""
    return category.kits.filter(status=Kit.Status.PUBLISHED).filter(
        Q(territory=category.territory) | Q(territory__isnull=True)).order_by("title")


@dataclass
class Suggestions:
    kits: list
    assets: list  # (distance, asset)
    duplicates: list  # (distance, report)
    places: list = field(default_factory=list)  # alleger.places.nearby.NearbyPlace: places that lend tools


def suggestions_for(report: Report) -> Suggestions:
    duplicates = [] if not report.is_open else possible_duplicates(
        category=report.category, lat=report.lat, lon=report.lon, exclude=report)
    return Suggestions(
        kits=list(suggested_kits(report.category)),
        assets=nearby_assets(territory=report.territory, lat=report.lat, lon=report.lon, category=report.category),
        duplicates=duplicates,
        places=nearby.tool_places(lat=report.lat, lon=report.lon, territory=report.territory),
    )


def map_features(reports) -> dict:
    """GeoJSON of the located reports, for the map (the page lists the same reports)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]},
         "properties": {"name": f"{r.category.name} — {r.get_status_display()}", "url": r.get_absolute_url()}}
        for r in reports if r.located
    ]}


def attribute_answers(report: Report) -> list[tuple[str, str]]:
    """(question, answer) of the report's answers, in the order of the questions; list keys shown by name."""
    answers = []
    for attribute in report.category.attributes.order_by("order", "code"):
        value = report.attributes.get(attribute.code)
        if value in (None, "", []):
            continue
        names = {str(v.get("key")): v.get("name") or v.get("key") for v in attribute.values if isinstance(v, dict)}
        values = value if isinstance(value, list) else [value]
        answers.append((attribute.description, ", ".join(str(names.get(str(v), v)) for v in values)))
    return answers


def feed_items(territory, limit: int):
    """The territory's newest reports, for its news feed; the reporter is named only if they chose to be."""
    from django.utils.translation import gettext as _

    from alleger.discussions.selectors import without_hidden
    from alleger.territories.feeds import FeedItem

    reports = without_hidden(Report.objects.filter(territory=territory))
    for report in reports.select_related("category", "reporter", "neighbourhood").order_by("-created_at")[:limit]:
        yield FeedItem(title=f"{report.category.name} — {report.place_label()}", url=report.get_absolute_url(),
                       published_at=report.created_at, kind=_("Signalement"), summary=report.get_status_display(),
                       author=report.reporter.public_name if report.show_name and report.reporter_id else "")


def report_updates(*, territory, start, end, limit: int):
    """The steps of the territory's report timelines between two times, oldest first (Open311's
    servicerequestupdates). A report's first step is its creation, listed as the request itself."""
    first_step = ReportUpdate.objects.filter(report=OuterRef("report")).order_by("created_at", "pk").values("pk")[:1]
    return (ReportUpdate.objects.filter(report__territory=territory, created_at__gte=start, created_at__lte=end)
            .exclude(pk=Subquery(first_step)).prefetch_related("media").order_by("created_at", "pk")[:limit])


# --- Open311 ------------------------------------------------------------------------------


def jurisdiction(slug: str) -> Territory | None:
    return Territory.objects.filter(slug=slug).first()


def territories_taking_reports() -> QuerySet[Territory]:
    """The territories with at least one active category, oldest first."""
    return Territory.objects.filter(report_categories__active=True).distinct().order_by("pk")


def category_of(territory, service_code: str) -> ReportCategory | None:
    return categories_of(territory).filter(service_code=service_code).first()


def categories_changed_at():
    return ReportCategory.objects.aggregate(last=Max("updated_at"))["last"]


def questions_of(category: ReportCategory):
    return category.attributes.order_by("order", "code")


def report_in(pk: int, *, territory=None) -> Report | None:
    """A report by its number, within a territory if one is given."""
    reports = Report.objects.select_related("category").filter(pk=pk)
    return (reports.filter(territory=territory) if territory is not None else reports).first()


def report_of_token(token) -> Report | None:
    return Report.objects.filter(token=token).only("pk", "token").first()


def open311_requests(*, territory=None, ids: list[int] | None = None, service_codes=(), open311_status: str = "",
                     start=None, end=None, limit: int) -> list[Report]:
    """Open311's service request list, newest first: by numbers (within a territory if one is given), or a
    territory's reports filtered by service codes, Open311 status ("open" or "closed") and creation window."""
    reports = Report.objects.select_related("category")
    if territory is not None:
        reports = reports.filter(territory=territory)
    if ids is not None:
        reports = reports.filter(pk__in=ids)
    if service_codes:
        reports = reports.filter(category__service_code__in=service_codes)
    if open311_status == "open":
        reports = reports.filter(status__in=OPEN311_OPEN)
    elif open311_status == "closed":
        reports = reports.exclude(status__in=OPEN311_OPEN)
    if start is not None:
        reports = reports.filter(created_at__gte=start, created_at__lte=end)
    return list(reports.order_by("-created_at", "-pk")[:limit])


def personal_reports(user) -> list[dict]:
    """The person's reports, for their data export (accounts.personal_data)."""
    return [{"description": r.description, "category": r.category.name, "address": r.address, "lat": r.lat,
             "lon": r.lon, "status": r.status, "created_at": r.created_at.isoformat(), "url": r.get_absolute_url()}
            for r in Report.objects.filter(reporter=user).select_related("category").order_by("created_at", "pk")]
