from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alleger.core import sections
from alleger.core.cache import public_page
from alleger.core.forms import PhotoForm, add_refusal
from alleger.core.fragments import deferred_context, remembered
from alleger.core.ratelimit import limit

from . import selectors, services
from .forms import (
    LinkForm,
    PlaceEditForm,
    PlaceFilterForm,
    ProposeForm,
    ReviewForm,
    ServiceForm,
)
from .models import Place, PlaceLink, Service

PAGE_SIZE = 30


def _place_for(request, pk: int, perm: str = "places.view_place") -> Place:
    place = selectors.place_get(pk)
    if place is None or not request.user.has_perm("places.view_place", place):
        raise Http404
    if perm != "places.view_place" and not request.user.has_perm(perm, place):
        raise PermissionDenied
    return place


@public_page
def place_list(request):
    # To the minute, as opening hours are: the results (open or not, the next opening in words) are the
    # same all minute long, so a shared fragment keyed by the minute holds them (alleger/core/fragments.py).
    now = timezone.now().replace(second=0, microsecond=0)
    # The filters' choices, remembered by this process for the data version (a GET's).
    territories = remembered(request, "places-territories", (), lambda: list(selectors.territories_for_filter()))
    territory = next((t for t in territories if t.slug == request.GET.get("territoire")), None)
    neighbourhoods = remembered(request, "places-neighbourhoods", (territory and territory.pk,), lambda: list({
        n.slug: (n.slug, n.name if territory else f"{n.name} ({n.territory.name})")
        for n in selectors.neighbourhoods_for_filter(territory)}.values()))
    form = PlaceFilterForm(request.GET, territories=territories, neighbourhoods=neighbourhoods)
    filters = form.values()
    instant = form.instant(now)
    near = selectors.locate(filters.get("pres", ""), territory)
    if filters.get("pres") and near is None:
        form.add_error("pres", _("Lieu inconnu : donnez un quartier ou « latitude, longitude » (par exemple "
                                 "« 45.436, 4.372 »)."))
    kind = filters.get("service", "")
    at = instant or now

    def results() -> dict:
        places = selectors.find(territory=territory, profile=filters.get("profil", ""),
                                place_type=filters.get("type", ""), service_kind=kind,
                                neighbourhood_slug=filters.get("quartier", ""), text=filters.get("q", ""),
                                wheelchair=bool(filters.get("fauteuil")), open_at_instant=instant, near=near)
        page = Paginator(places, PAGE_SIZE).get_page(request.GET.get("page"))
        selectors.with_timings(page.object_list, at, kind=kind)
        return {"page": page, "geojson": selectors.geojson(places, at=at, kind=kind)}

    shown = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(request, "places/list.html", {
        "form": form,
        # Read only when the results' shared fragment is rendered, not when it comes from the cache.
        **deferred_context(results, ["page", "geojson"]),
        "minute": at.isoformat(),
        "territory": territory,
        "instant": instant,
        "near": near,
        "filtered": bool(shown),
        "querystring": urlencode(shown),
        "can_review": request.user.has_perm("places.view_review_queue"),
        "my_proposals": selectors.proposals_of(request.user)[:20],
        "my_places": selectors.managed_places(request.user)[:20],
    })


def _detail_context(request, place: Place, **extra) -> dict:
    user = request.user
    now = timezone.now()
    services_shown = [(s, selectors.service_timing(s, now), selectors.week_schedule(s.opening_hours, now))
                      for s in place.services.all()]
    can_change = user.has_perm("places.change_place", place)
    return {
        "place": place,
        "timing": selectors.place_timing(place, now),
        "services": services_shown,
        "photos": list(place.photos.all()),
        "links": list(place.links.all()),
        "geojson": {"type": "FeatureCollection", "features": [{
            "type": "Feature", "geometry": {"type": "Point", "coordinates": [place.lon, place.lat]},
            "properties": {"name": place.name}}]},
        "can_change": can_change,
        "can_review": user.has_perm("places.review_place", place),
        "review": selectors.last_review(place) if place.moderation != Place.Moderation.PUBLISHED else None,
        "history": selectors.place_history(place, limit=20) if user.has_perm("places.view_place_history", place)
        else [],
        "photo_form": PhotoForm(),
        "link_form": LinkForm(),
        "review_form": ReviewForm(),
        "sections": sections.of("place", request, place),
        **extra,
    }


@public_page
def place_detail(request, pk: int):
    place = _place_for(request, pk)
    return render(request, "places/detail.html", _detail_context(request, place))


@login_required
@limit("proposal")
def place_propose(request):
    if not request.user.has_perm("places.propose_place"):
        raise PermissionDenied
    initial = {}
    territory = selectors.territory_of_slug(request.GET.get("territoire"))
    if territory is not None:
        initial["territory"] = territory
    form = ProposeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            place = services.place_propose(user=request.user, territory=data["territory"],
                                           profiles=data["profiles"], service=form.service(), **form.place_fields())
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Merci ! Votre proposition sera relue par l'équipe de modération du "
                                        "territoire."))
            return redirect(place)
    return render(request, "places/propose.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def place_edit(request, pk: int):
    place = _place_for(request, pk, "places.change_place")
    can_set_operator = request.user.has_perm("places.review_places", place.territory)
    form = PlaceEditForm(request.POST or None, instance=place, can_set_operator=can_set_operator)
    if request.method == "POST" and form.is_valid():
        extra = {"operator": form.cleaned_data["operator"]} if can_set_operator else {}
        try:
            services.place_update(place=place, actor=request.user, profiles=form.cleaned_data["profiles"],
                                  **form.place_fields(), **extra)
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Les modifications du lieu sont enregistrées."))
            return redirect(place)
    return render(request, "places/edit.html", {
        "place": place, "form": form, "history": selectors.place_history(place),
        "service_form": ServiceForm(prefix="nouveau"),
    }, status=400 if form.errors else 200)


def _service_of(place: Place, service_id: int) -> Service:
    return get_object_or_404(Service, pk=service_id, place=place)


@login_required
def service_add(request, pk: int):
    place = _place_for(request, pk, "places.change_place")
    form = ServiceForm(request.POST or None, prefix="nouveau")
    if request.method == "POST" and form.is_valid():
        try:
            services.service_add(place=place, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Le service est ajouté."))
            return redirect(place)
    return render(request, "places/service_form.html", {"place": place, "form": form, "service": None},
                  status=400 if form.errors else 200)


@login_required
def service_edit(request, pk: int, service_id: int):
    place = _place_for(request, pk, "places.change_place")
    service = _service_of(place, service_id)
    form = ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        try:
            services.service_update(service=service, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Le service est modifié."))
            return redirect(place)
    return render(request, "places/service_form.html", {"place": place, "form": form, "service": service},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def service_remove(request, pk: int, service_id: int):
    place = _place_for(request, pk, "places.change_place")
    services.service_remove(service=_service_of(place, service_id), actor=request.user)
    messages.success(request, _("Le service est retiré."))
    return redirect(place)


@login_required
@require_POST
def photo_add(request, pk: int):
    place = _place_for(request, pk, "places.change_place")
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.photo_add(place=place, user=request.user, image=form.cleaned_data["image"],
                               alt=form.cleaned_data["alt"])
        except ValidationError as exc:
            add_refusal(form, exc, "image")
        else:
            messages.success(request, _("Merci, la photo est ajoutée."))
            return redirect(place)
    return render(request, "places/detail.html", _detail_context(request, place, photo_form=form), status=400)


@login_required
@require_POST
def link_add(request, pk: int):
    place = _place_for(request, pk, "places.change_place")
    form = LinkForm(request.POST)
    if form.is_valid():
        try:
            services.link_add(place=place, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc, "url")
        else:
            messages.success(request, _("Le lien est ajouté."))
            return redirect(place)
    return render(request, "places/detail.html", _detail_context(request, place, link_form=form), status=400)


@login_required
@require_POST
def link_remove(request, pk: int, link_id: int):
    place = _place_for(request, pk, "places.change_place")
    services.link_remove(link=get_object_or_404(PlaceLink, pk=link_id, place=place), actor=request.user)
    messages.success(request, _("Le lien est retiré."))
    return redirect(place)


@login_required
def review_queue(request):
    if not request.user.has_perm("places.view_review_queue"):
        raise PermissionDenied
    territory = selectors.territory_of_slug(request.GET.get("territoire"))
    return render(request, "places/review_queue.html", {
        "places": selectors.review_queue(request.user, territory), "territory": territory,
    })


@login_required
@require_POST
def place_review(request, pk: int):
    place = _place_for(request, pk)
    if not request.user.has_perm("places.review_place", place):
        raise PermissionDenied
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.place_review(place=place, moderator=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc, {"message_required": "message"})
        else:
            messages.success(request, _("Décision enregistrée."))
            return redirect("places:review_queue")
    return render(request, "places/detail.html", _detail_context(request, place, review_form=form), status=400)
