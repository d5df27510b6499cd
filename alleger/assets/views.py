from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from alleger.core import qr
from alleger.core.cache import public_page
from alleger.core.forms import PhotoForm, add_refusal
from alleger.core.fragments import deferred, deferred_context
from alleger.core.ratelimit import limit
from alleger.discussions.views import hidden_page
from alleger.territories.models import Territory
from alleger.territories.selectors import queue_url

from . import imports, selectors, services
from .forms import (
    AssetFilterForm,
    CabinetCodeForm,
    ImportForm,
    OpeningForm,
    ProposeForm,
    RevealForm,
    ReviewForm,
)
from .models import Asset, AssetProposal

PAGE_SIZE = 50


def _asset_for(request, pk, perm="assets.view_asset") -> Asset:
    asset = selectors.asset_get(pk)
    if asset is None or not request.user.has_perm("assets.view_asset", asset):
        raise Http404
    if perm != "assets.view_asset" and not request.user.has_perm(perm, asset):
        raise PermissionDenied
    return asset


@public_page
def asset_list(request):
    def listing():
        territories = list(selectors.territories_for_filter())
        territory = next((t for t in territories if t.slug == request.GET.get("territoire")), None)
        types = list({t.slug: (t.slug, t.name if territory else f"{t.name} ({t.territory.name})")
                      for t in selectors.types_of(territory)}.values())
        kits = [(k.slug, k.title) for k in selectors.kits_for_filter(territory)]
        neighbourhoods = list({n.slug: (n.slug, n.name if territory else f"{n.name} ({n.territory.name})")
                               for n in selectors.neighbourhoods_for_filter(territory)}.values())
        form = AssetFilterForm(request.GET, territories=territories, types=types, kits=kits,
                               neighbourhoods=neighbourhoods)
        filters = form.values()
        assets = selectors.asset_search(territory=territory, status=filters.get("statut", ""),
                                        type_slug=filters.get("type", ""), kit_slug=filters.get("kit", ""),
                                        neighbourhood_slug=filters.get("quartier", ""), text=filters.get("q", ""))
        page = Paginator(assets.prefetch_related("photos"), PAGE_SIZE).get_page(request.GET.get("page"))
        bounds = territory.bbox if territory is not None and territory.bbox else selectors.extent(assets)
        api_filters = {"status": filters.get("statut"), "type": filters.get("type"), "kit": filters.get("kit"),
                       "territory": territory.slug if territory else ""}
        return {
            "form": form,
            "page": page,
            "territory": territory,
            "filtered": any(filters.values()),
            "querystring": urlencode({k: v for k, v in filters.items() if v}),
            "map_bounds": bounds,
            "map_query": urlencode({k: v for k, v in api_filters.items() if v}),
        }

    # The listing depends on the query string only: shared fragments keyed by it show it, computed only
    # when they are rendered (alleger/core/fragments.py); the actions and proposals are the person's.
    user = request.user
    return render(request, "assets/list.html", {
        **deferred_context(listing, ["form", "page", "territory", "filtered", "querystring", "map_bounds",
                                     "map_query"]),
        "can_review": deferred(user.has_perm, "assets.view_review_queue"),
        "can_import": deferred(lambda: selectors.moderated_territories(user).exists()),
        "my_proposals": deferred(lambda: list(selectors.proposals_of(user)[:20])),
    })


def _detail_context(request, asset: Asset, **extra) -> dict:
    user = request.user
    can_manage_cabinet = user.has_perm("assets.change_cabinet_code", asset)
    return {
        "asset": asset,
        "kits": selectors.applicable_kits(asset),
        "photos": list(asset.photos.all()),
        "geojson": {"type": "FeatureCollection", "features": [{
            "type": "Feature", "geometry": {"type": "Point", "coordinates": [asset.lon, asset.lat]},
            "properties": {"name": asset.name}}]},
        "can_add_photo": user.has_perm("assets.add_photo", asset),
        "can_propose_opening": (user.has_perm("assets.propose_opening", asset)
                                and asset.status != Asset.Status.OPEN),
        "can_view_code": user.has_perm("assets.view_cabinet_code", asset),
        "can_manage_cabinet": can_manage_cabinet,
        "can_review": user.has_perm("assets.review_proposals", asset.territory),
        "pending": selectors.pending_proposals(asset),
        "history": selectors.asset_history(asset, limit=20) if can_manage_cabinet or user.has_perm(
            "assets.review_proposals", asset.territory) else [],
        "reveal_form": RevealForm(),
        "photo_form": PhotoForm(),
        **extra,
    }


@public_page
def asset_detail(request, pk: int):
    asset = _asset_for(request, pk)
    if page := hidden_page(request, asset):
        return page
    return render(request, "assets/detail.html", _detail_context(request, asset))


@public_page
def asset_sign(request, pk: int):
    """The A4 sign to put up on site: what may be done, the conditions, a QR code to the page."""
    asset = _asset_for(request, pk)
    if asset.moderation != Asset.Moderation.PUBLISHED:
        raise Http404
    url = qr.absolute(request, asset.get_absolute_url())
    return render(request, "assets/sign.html", {
        "asset": asset, "kits": selectors.applicable_kits(asset), "url": url,
        "qr_svg": qr.qr_svg(url, svgclass="sign-qr-code"),
        "hide_site_name": False,
    })


# --- tool cabinets --------------------------------------------------------------


@never_cache
@login_required
@require_POST
def cabinet_reveal(request, pk: int):
    """Show the code once the charter is accepted. The response is never cached (never_cache, POST)."""
    asset = _asset_for(request, pk, "assets.view_cabinet_code")
    form = RevealForm(request.POST)
    code = None
    if form.is_valid():
        try:
            code = services.cabinet_code_reveal(asset=asset, user=request.user, charter_accepted=True)
        except ValidationError as exc:
            add_refusal(form, exc)
    status = 200 if code else 400
    return render(request, "assets/detail.html", _detail_context(request, asset, code=code, reveal_form=form),
                  status=status)


@never_cache
@login_required
def cabinet_manage(request, pk: int):
    asset = _asset_for(request, pk)
    if not request.user.has_perm("assets.view_reveal_log", asset):
        raise PermissionDenied
    form = CabinetCodeForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("assets.change_cabinet_code", asset):
            raise PermissionDenied
        if form.is_valid():
            try:
                services.cabinet_code_change(asset=asset, actor=request.user, code=form.cleaned_data["code"])
            except ValidationError as exc:
                add_refusal(form, exc, "code")
            else:
                messages.success(request, _("Le nouveau code est enregistré."))
                return redirect("assets:cabinet", pk=asset.pk)
    return render(request, "assets/cabinet.html", {
        "asset": asset, "form": form, "reveals": selectors.reveal_log(asset),
        "changes": selectors.cabinet_history(asset),
    }, status=400 if form.errors else 200)


# --- photos -------------------------------------------------------------------------


@login_required
@require_POST
def photo_add(request, pk: int):
    asset = _asset_for(request, pk, "assets.add_photo")
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.photo_add(asset=asset, user=request.user, image=form.cleaned_data["image"],
                               alt=form.cleaned_data["alt"])
        except ValidationError as exc:
            add_refusal(form, exc, "image")
        else:
            messages.success(request, _("Merci, la photo est ajoutée."))
            return redirect(asset)
    return render(request, "assets/detail.html", _detail_context(request, asset, photo_form=form), status=400)


# --- proposals ------------------------------------------------------------------------


@login_required
@limit("proposal")
def asset_propose(request):
    if not request.user.has_perm("assets.propose_asset"):
        raise PermissionDenied
    initial = {}
    territory = selectors.territory_of_slug(request.GET.get("territoire"))
    if territory is not None:
        initial["territory"] = territory
    form = ProposeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = services.asset_propose(user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc, {"outside_territory": "lat"})
        else:
            messages.success(request, _("Merci ! Votre proposition sera relue par l'équipe de modération."))
            return redirect(proposal.asset)
    return render(request, "assets/propose.html", {"form": form}, status=400 if form.errors else 200)


@login_required
@limit("proposal")
def asset_propose_opening(request, pk: int):
    asset = _asset_for(request, pk, "assets.propose_opening")
    form = OpeningForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.asset_propose_opening(user=request.user, asset=asset, message=form.cleaned_data["message"])
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Votre demande d'ouverture est transmise à l'équipe de modération."))
            return redirect(asset)
    return render(request, "assets/propose_opening.html", {"asset": asset, "form": form},
                  status=400 if form.errors else 200)


@login_required
def review_queue(request):
    if not request.user.has_perm("assets.view_review_queue"):
        raise PermissionDenied
    proposals, slug = selectors.review_queue(request.user), request.GET.get("territoire")
    territory = get_object_or_404(Territory, slug=slug) if slug else None
    if territory is not None:  # from the territory's page: its queue only
        proposals = proposals.filter(asset__territory=territory)
    return render(request, "assets/review_queue.html", {
        "proposals": proposals, "form": ReviewForm(), "territory": territory,
    })


@login_required
@require_POST
def proposal_review(request, proposal_id: int):
    proposal = get_object_or_404(AssetProposal.objects.select_related("asset__territory"), pk=proposal_id)
    if not request.user.has_perm("assets.review_proposal", proposal):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_review(proposal=proposal, moderator=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc, {"message_required": "message"})
        else:
            messages.success(request, _("Décision enregistrée."))
            return redirect(queue_url("assets:review_queue", request))
    return render(request, "assets/review.html", {"proposal": proposal, "form": form}, status=400)


# --- imports --------------------------------------------------------------------------


@login_required
def asset_import(request):
    territories = selectors.moderated_territories(request.user)
    if not territories.exists():
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, territories=territories)
    report = None
    if request.method == "POST" and form.is_valid():
        territory = form.cleaned_data["territory"]
        if not request.user.has_perm("assets.import_assets", territory):
            raise PermissionDenied
        upload = form.cleaned_data["file"]
        try:
            report = imports.assets_import(territory=territory, asset_type=form.cleaned_data["asset_type"],
                                           raw=upload.read(), file_format=form.cleaned_data["file_format"],
                                           filename=upload.name, actor=request.user,
                                           dry_run=form.cleaned_data["dry_run"])
        except imports.ImportFileError as exc:
            add_refusal(form, exc, "file")
    recent = selectors.recent_imports(territories)
    status = 400 if form.errors or (report and report.errors) else 200
    return render(request, "assets/import.html", {"form": form, "report": report, "recent": recent},
                  status=status)
