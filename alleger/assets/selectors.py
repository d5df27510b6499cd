"""Asset reads for the pages and the API."""

from django.db.models import Max, Min, Q, QuerySet

from alleger.core import search
from alleger.kits.models import Kit
from alleger.territories.models import Neighbourhood, Territory, TerritoryRole

from .models import Asset, AssetChange, AssetImport, AssetProposal, AssetType

PUBLISHED = Asset.Moderation.PUBLISHED


def asset_public(pk: int) -> Asset | None:
    return (Asset.objects.select_related("asset_type", "territory", "neighbourhood")
            .filter(pk=pk, moderation=PUBLISHED).first())


def asset_get(pk: int) -> Asset | None:
    return Asset.objects.select_related("asset_type", "territory", "neighbourhood", "manager").filter(pk=pk).first()


def applicable_kits(asset: Asset) -> list[Kit]:
    """Published kits that apply: the asset's own and those of its type, once each, by title."""
    return list(Kit.objects.filter(status=Kit.Status.PUBLISHED)
                .filter(Q(assets=asset) | Q(asset_types=asset.asset_type_id)).distinct().order_by("title"))


def asset_data(asset: Asset, *, build_url) -> dict:
    """The public fields of an asset, as the API gives them (never the cabinet code)."""
    return {
        "id": asset.pk, "name": asset.name, "url": build_url(asset.get_absolute_url()),
        "territory": asset.territory.slug, "type": asset.asset_type.slug, "type_name": asset.asset_type.name,
        "status": asset.status, "status_label": str(asset.get_status_display()),
        "description": asset.description, "lat": asset.lat, "lon": asset.lon, "address": asset.address,
        "neighbourhood": asset.neighbourhood.name if asset.neighbourhood_id else None,
        "kits": [{"slug": k.slug, "title": k.title, "url": build_url(k.get_absolute_url())}
                 for k in applicable_kits(asset)],
        "max_participants": asset.max_participants, "private_actors_allowed": asset.private_actors_allowed,
        "required_level": asset.required_level, "conditions": asset.conditions,
        "is_tool_cabinet": asset.is_tool_cabinet,
        "photos": [build_url(p.image.url) for p in asset.photos.all()],
    }


def asset_search(*, territory: Territory | None = None, status: str = "", type_slug: str = "",
                 kit_slug: str = "", neighbourhood_slug: str = "", text: str = "") -> QuerySet[Asset]:
    assets = (Asset.objects.filter(moderation=PUBLISHED)
              .select_related("asset_type", "neighbourhood", "territory").order_by("name", "pk"))
    if territory is not None:
        assets = assets.filter(territory=territory)
    if status:
        assets = assets.filter(status=status)
    if type_slug:
        assets = assets.filter(asset_type__slug=type_slug)
    if kit_slug:
        assets = assets.filter(Q(pk__in=Asset.kits.through.objects.filter(kit__slug=kit_slug).values("asset_id"))
                               | Q(asset_type__in=AssetType.objects.filter(kits__slug=kit_slug)))
    if neighbourhood_slug:
        assets = assets.filter(neighbourhood__slug=neighbourhood_slug)
    return search.matching(assets, text, ("name", "address", "description", "asset_type__name"), max_words=5)


def territories_for_filter() -> QuerySet[Territory]:
    return Territory.objects.order_by("name")


def territory_of_slug(slug: str | None) -> Territory | None:
    return Territory.objects.filter(slug=slug or "").first()


def neighbourhoods_for_filter(territory: Territory | None) -> QuerySet[Neighbourhood]:
    hoods = Neighbourhood.objects.select_related("territory").order_by("territory__name", "name")
    return hoods.filter(territory=territory) if territory is not None else hoods


def extent(assets: QuerySet[Asset]) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of the assets, to frame their map; None without any."""
    box = assets.aggregate(west=Min("lon"), south=Min("lat"), east=Max("lon"), north=Max("lat"))
    return tuple(box.values()) if box["west"] is not None else None


def types_of(territory: Territory | None) -> QuerySet[AssetType]:
    types = AssetType.objects.select_related("territory").order_by("name")
    return types.filter(territory=territory) if territory is not None else types


def kits_for_filter(territory: Territory | None) -> QuerySet[Kit]:
    kits = Kit.objects.filter(status=Kit.Status.PUBLISHED).order_by("title")
    if territory is not None:
        kits = kits.filter(Q(territory=territory) | Q(territory__isnull=True))
    return kits


def moderated_territories(user) -> QuerySet[Territory]:
    if not user.is_authenticated:
        return Territory.objects.none()
    if user.is_superuser:
        return Territory.objects.order_by("name")
    return Territory.objects.filter(roles__user=user, roles__role=TerritoryRole.Role.MODERATOR).distinct() \
        .order_by("name")


def proposals_waiting_count(territory) -> int:
    """Proposals about the territory's assets waiting for a moderator's review."""
    return AssetProposal.objects.filter(status=Asset.Moderation.PROPOSED, asset__territory=territory).count()


def review_queue(user) -> QuerySet[AssetProposal]:
    """Pending proposals in the territories the person moderates, oldest first."""
    return (AssetProposal.objects.filter(status=Asset.Moderation.PROPOSED,
                                         asset__territory__in=moderated_territories(user))
            .select_related("asset", "asset__asset_type", "asset__territory", "proposed_by")
            .order_by("created_at", "pk"))


def proposals_of(user) -> QuerySet[AssetProposal]:
    if not user.is_authenticated:
        return AssetProposal.objects.none()
    return AssetProposal.objects.filter(proposed_by=user).select_related("asset").order_by("-created_at")


def pending_proposals(asset: Asset) -> QuerySet[AssetProposal]:
    return asset.proposals.filter(status=Asset.Moderation.PROPOSED).select_related("proposed_by")


def recent_imports(territories: QuerySet[Territory], limit: int = 20) -> QuerySet[AssetImport]:
    return (AssetImport.objects.filter(territory__in=territories)
            .select_related("actor", "asset_type", "territory")[:limit])


def cabinet_history(asset: Asset, limit: int = 50):
    """The code changes of a tool cabinet: when and who, never the code."""
    return asset.changes.filter(source=AssetChange.Source.CABINET).select_related("actor")[:limit]


def reveal_log(asset: Asset, limit: int = 200):
    return asset.code_reveals.select_related("user").order_by("-created_at", "-pk")[:limit]


def asset_history(asset: Asset, limit: int = 50):
    return asset.changes.select_related("actor", "asset_import").order_by("-created_at", "-pk")[:limit]
