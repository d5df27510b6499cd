from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alleger.core import qr, sections
from alleger.core.errors import Forbidden, Refused
from alleger.core.forms import add_refusal
from alleger.core.fragments import deferred, remembered
from alleger.core.ratelimit import limit
from alleger.discussions.selectors import is_hidden
from alleger.territories.models import Territory

from . import selectors, services
from .forms import DiffForm, KitForm, KitImageForm, ReviewForm, SearchForm
from .models import Kit, KitImage


def _kit_for(request, slug, perm):
    # Remembered by this process for the data version (a GET's; alleger/core/fragments.py).
    kit = remembered(request, "kit", (slug,), lambda: get_object_or_404(
        Kit.objects.select_related("territory", "author", "organisation", "forked_from"), slug=slug))
    if not request.user.has_perm(perm, kit):
        if perm == "kits.change_kit" and kit.author_id == request.user.pk and kit.status == Kit.Status.SUBMITTED:
            raise Forbidden(_("Ce kit est en relecture : il ne se modifie plus jusqu'à la décision de la modération, "
                              "que vous verrez sur sa page."))
        raise PermissionDenied
    return kit


def _refusal(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def kit_list(request):
    form = SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return render(request, "kits/list.html", {
        "form": form,
        "kits": selectors.kit_search(**{k: v for k, v in filters.items() if v not in ("", None)}),
        "my_kits": selectors.kits_of(request.user),
        "can_review": request.user.has_perm("kits.view_review_queue"),
    })


def kit_detail(request, slug):
    kit = _kit_for(request, slug, "kits.view_kit")
    user = request.user
    hidden = remembered(request, "kit-hidden", (kit.pk,), lambda: is_hidden(kit))
    return render(request, "kits/detail.html", {
        "kit": kit,
        # Flags hide a kit from the public until a moderator decides; moderators still see it.
        "hidden": hidden and not user.has_perm("discussions.moderate", kit),
        "moderator_sees_hidden": hidden,
        # Read only when the shared fragments that show them are rendered (core/fragments.py): not even
        # the querysets are built when they come from the cache.
        "forks": deferred(lambda: list(kit.forks.filter(status=Kit.Status.PUBLISHED).order_by("title"))),
        "asset_types": deferred(lambda: list(kit.asset_types.select_related("territory").order_by("name"))),
        # The person's, shown in a personal fragment: asked only when it is rendered.
        "can_change": deferred(user.has_perm, "kits.change_kit", kit),
        "can_submit": deferred(user.has_perm, "kits.submit_kit", kit),
        "can_review": deferred(lambda: user.has_perm("kits.review_kit", kit) and kit.status == Kit.Status.SUBMITTED),
        "can_fork": deferred(user.has_perm, "kits.fork_kit", kit),
        "review_form": deferred(ReviewForm),
        # What higher apps add (places: « s'applique aussi aux lieux »), through core.sections.
        "sections": sections.of("kit", request, kit),
        # On paper, where the kit is online: its address and a QR code (printed only).
        "print_url": deferred(lambda: qr.absolute(request, kit.get_absolute_url())),
        "print_qr": deferred(lambda: qr.qr_svg(qr.absolute(request, kit.get_absolute_url()), svgclass="print-qr")),
    })


@login_required
@limit("kit")
def kit_create(request):
    if not request.user.has_perm("kits.add_kit"):
        raise PermissionDenied
    form = KitForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            kit = services.kit_create(author=request.user, **form.cleaned_data)
        except Refused as exc:
            add_refusal(form, exc, {"asset_type_elsewhere": "asset_types"})
        else:
            messages.success(request, _("Le kit est enregistré en brouillon. Soumettez-le quand il est prêt."))
            return redirect(kit)
    return render(request, "kits/form.html", {"form": form, "kit": None})


@login_required
def kit_edit(request, slug):
    kit = _kit_for(request, slug, "kits.change_kit")
    form = KitForm(request.POST or None, instance=Kit.objects.get(pk=kit.pk), user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.kit_update(kit=kit, actor=request.user, **form.cleaned_data)
        except Refused as exc:
            add_refusal(form, exc, {"asset_type_elsewhere": "asset_types"})
        else:
            messages.success(request, _("Modifications enregistrées."))
            return redirect(kit)
    return render(request, "kits/form.html", {"form": form, "kit": kit})


@login_required
@require_POST
def kit_submit(request, slug):
    kit = _kit_for(request, slug, "kits.submit_kit")
    try:
        services.kit_submit(kit=kit, actor=request.user)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Le kit est soumis : l'équipe de modération va le relire."))
    return redirect(kit)


@login_required
def review_queue(request):
    if not request.user.has_perm("kits.view_review_queue"):
        raise PermissionDenied
    kits, territory = selectors.review_queue(request.user), _queue_territory(request)
    if territory is not None:  # from the territory's page: its queue only
        kits = kits.filter(territory=territory)
    return render(request, "kits/review_queue.html", {"kits": kits, "territory": territory})


def _queue_territory(request) -> Territory | None:
    slug = request.GET.get("territoire")
    return get_object_or_404(Territory, slug=slug) if slug else None


@login_required
@require_POST
def kit_review(request, slug):
    kit = _kit_for(request, slug, "kits.review_kit")
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.kit_review(kit=kit, moderator=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc, {"message_required": "message"})
        else:
            messages.success(request, _("Décision enregistrée."))
            return redirect("kits:review_queue")
    return render(request, "kits/review.html", {"kit": kit, "form": form}, status=400)


@login_required
@require_POST
def kit_fork(request, slug):
    kit = _kit_for(request, slug, "kits.fork_kit")
    try:
        fork = services.kit_fork(kit=kit, actor=request.user)
    except ValidationError as exc:
        _refusal(request, exc)
        return redirect(kit)
    messages.success(request, _("Votre variante est créée en brouillon : améliorez-la puis soumettez-la."))
    return redirect(fork)


def kit_history(request, slug):
    kit = _kit_for(request, slug, "kits.view_kit")
    versions = list(selectors.kit_versions(kit))
    numbers = [v.number for v in versions]
    initial = {"de": numbers[1] if len(numbers) > 1 else numbers[0], "a": numbers[0]} if numbers else {}
    return render(request, "kits/history.html", {
        "kit": kit,
        "versions": versions,
        "form": DiffForm(initial=initial, numbers=numbers),
        "can_change": request.user.has_perm("kits.change_kit", kit),
    })


def kit_diff(request, slug):
    kit = _kit_for(request, slug, "kits.view_kit")
    versions = {v.number: v for v in selectors.kit_versions(kit)}
    numbers = sorted(versions, reverse=True)
    # Without a choice, the page compares the two latest versions: what changed last.
    data = request.GET or ({"de": numbers[1], "a": numbers[0]} if len(numbers) > 1 else None)
    form = DiffForm(data, numbers=numbers)
    if data is None:
        return render(request, "kits/diff.html", {"kit": kit, "form": form, "diffs": None, "single": True})
    if not form.is_valid():
        return render(request, "kits/diff.html", {"kit": kit, "form": form, "diffs": None}, status=400)
    old, new = versions[form.cleaned_data["de"]], versions[form.cleaned_data["a"]]
    return render(request, "kits/diff.html", {
        "kit": kit, "form": form, "old": old, "new": new, "diffs": selectors.version_diff(old, new),
    })


@login_required
@require_POST
def kit_revert(request, slug, number):
    kit = _kit_for(request, slug, "kits.change_kit")
    try:
        version = services.kit_revert(kit=kit, actor=request.user, number=number)
    except ValidationError as exc:
        _refusal(request, exc)
    else:
        messages.success(request, _("Le contenu de la version %(old)d est rétabli (version %(new)d).")
                         % {"old": number, "new": version.number})
    return redirect("kits:history", slug=kit.slug)


@login_required
def kit_images(request, slug):
    """The kit's pictures, and the form to add one to a step."""
    kit = _kit_for(request, slug, "kits.change_kit")
    form = KitImageForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.kit_image_add(kit=kit, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc, {"not_an_image": "image", "bad_format": "image", "too_large": "image"})
        else:
            messages.success(request, _("Image ajoutée."))
            return redirect("kits:images", slug=kit.slug)
    return render(request, "kits/images.html", {"kit": kit, "form": form, "images": kit.images.all()})


@login_required
@require_POST
def kit_image_remove(request, slug, pk):
    kit = _kit_for(request, slug, "kits.change_kit")
    picture = get_object_or_404(KitImage, pk=pk, kit=kit)
    services.kit_image_remove(picture=picture, actor=request.user)
    messages.success(request, _("Image retirée."))
    return redirect("kits:images", slug=kit.slug)
