"""The watch's pages: the feed with its filters (a GET form), the rising view, acting on an item, the saved
watches and their secret Atom feeds."""

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import feedgenerator, timezone
from django.utils.html import escape
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alleger.core.errors import Refused
from alleger.core.forms import add_refusal
from alleger.core.grammar import of_name
from alleger.core.text import clean_text
from alleger.funding.selectors import support_organisations_of
from alleger.territories.models import Territory, TerritoryRole

from . import traction, watch, watch_services
from .models import CellAction, SavedWatch
from .watch_forms import (
    ActionForm,
    FrequencyForm,
    SaveWatchForm,
    WatchFilterForm,
    filters_from_saved,
    query_of,
)


def _territory_for(request, slug):
    territory = get_object_or_404(Territory, slug=slug)
    if not request.user.has_perm("cell.view_watch", territory):
        raise PermissionDenied
    return territory


def atom_id(url: str, item) -> str:
    """An Atom entry's id is an IRI: the event's words (« de la journée ») percent-encoded, never a space.
    A day's aggregate (a project's contributions of the day) keeps one id all day, its <updated> moving with
    its latest event, so that a reader updates the entry instead of adding one per contribution."""
    when = timezone.localdate(item.date).isoformat() if item.kind in watch.DAY_AGGREGATES else item.date.isoformat()
    return f"{url}#" + quote(f"{item.kind}-{item.event}-{when}", safe="-:.+")


@login_required
def watch_home(request):
    """The menu's link: the one territory whose watch the person reads, or the list of them."""
    if request.user.is_superuser:
        territories = Territory.objects.order_by("name")
    else:
        ids = TerritoryRole.objects.filter(user=request.user, role__in=[TerritoryRole.Role.CELL,
                                                                        TerritoryRole.Role.MODERATOR])
        territories = Territory.objects.filter(pk__in=ids.values("territory_id")).order_by("name")
    territories = [t for t in territories if request.user.has_perm("cell.view_watch", t)]
    if not territories:
        raise PermissionDenied
    if len(territories) == 1:
        return redirect("cell:watch", slug=territories[0].slug)
    return render(request, "cell/watch/home.html", {"territories": territories})


def _page_number(request) -> int:
    raw = request.GET.get("page", "1")
    number = int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 4 else 1
    return max(1, min(number, watch.MAX_OFFSET // watch.PAGE_SIZE + 1))


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@login_required
def watch_feed(request, slug):
    territory = _territory_for(request, slug)
    form = WatchFilterForm(request.GET or None, territory=territory)
    filters = form.filters()
    number = _page_number(request)
    items = watch.feed(filters, offset=(number - 1) * watch.PAGE_SIZE)
    has_next = len(items) > watch.PAGE_SIZE
    items = items[:watch.PAGE_SIZE]
    found = traction.by_target(traction.signals(territory, filters.neighbourhood))
    rows = [(item, found.get(item.target_key, []) if item.target else []) for item in items]
    return render(request, "cell/watch/feed.html", {
        "territory": territory, "form": form, "rows": rows, "page": number, "has_next": has_next,
        "query": _query_without_page(request),
        "save_form": SaveWatchForm() if form.is_valid() or not form.is_bound else None,
        "saved": [(s, query_of(s.filters if isinstance(s.filters, dict) else {}).urlencode())
                  for s in SavedWatch.objects.filter(user=request.user, territory=territory)],
        "can_act": request.user.has_perm("cell.act_on_watch", territory),
    })


@login_required
def watch_rising(request, slug):
    territory = _territory_for(request, slug)
    form = WatchFilterForm(request.GET or None, territory=territory)
    filters = form.filters()
    found = traction.rising(territory, filters.neighbourhood)
    # One card per object with all its signals, the object of the strongest first.
    groups = list(traction.by_target(found).values())
    return render(request, "cell/watch/rising.html", {
        "territory": territory, "form": form, "groups": groups, "methods": traction.METHODS,
        "can_act": request.user.has_perm("cell.act_on_watch", territory),
    })


@login_required
def watch_item(request, slug, target):
    """One item of the watch: its signals, what the cell did about it, and the forms to act."""
    territory = _territory_for(request, slug)
    try:
        obj = watch_services.target_of(target)
    except Refused:
        raise Http404 from None
    if not watch_services.target_territory_ok(obj, territory) or not watch_services.target_visible(obj, request.user):
        raise Http404
    can_act = request.user.has_perm("cell.act_on_watch", territory)
    organisations = list(o for o in support_organisations_of(request.user)
                         if request.user.has_perm("funding.support_project", o))
    challenges = watch_services.taggable_challenges(territory)
    workshops = watch_services.invitable_workshops(territory)
    form = None
    if request.method == "POST":
        if not can_act:
            raise PermissionDenied
        form = ActionForm(request.POST, organisations=organisations, challenges=challenges, workshops=workshops)
        if form.is_valid():
            challenge = form.cleaned_data["challenge"]
            tagged_before = (form.cleaned_data["kind"] == CellAction.Kind.TAG and challenge is not None
                             and watch_services.actions_on(obj).filter(kind=CellAction.Kind.TAG,
                                                                       challenge=challenge).exists())
            try:
                watch_services.cell_act(actor=request.user, territory=territory, target=obj,
                                        kind=form.cleaned_data["kind"], note=form.cleaned_data["note"],
                                        organisation=form.chosen_organisation(),
                                        challenge=form.cleaned_data["challenge"],
                                        workshop=form.cleaned_data["workshop"])
            except Refused as exc:
                add_refusal(form, exc, {})
            else:
                messages.success(request, _("Déjà rattaché à ce défi : rien n'a changé.") if tagged_before
                                 else _("C'est noté."))
                return redirect(request.path)
    is_project = obj._meta.label_lower == "funding.project"
    followable = obj._meta.label_lower in ("funding.project", "interventions.intervention")
    signals = traction.by_target(traction.signals(territory)).get(f"{obj._meta.label_lower}:{obj.pk}", [])
    return render(request, "cell/watch/item.html", {
        "territory": territory, "obj": obj, "target": target, "signals": signals, "can_act": can_act,
        "actions": watch_services.actions_on(obj), "form": form, "is_project": is_project, "followable": followable,
        "organisations": organisations, "kinds": CellAction.Kind, "invitable": bool(
            watch_services.TARGETS[obj._meta.label_lower][1]),
        "challenges": list(challenges) if can_act else [], "workshops": list(workshops) if can_act else [],
        "answers_challenges": obj._meta.label_lower in watch_services.RESPONSE_KINDS,
        "can_add_challenge": request.user.has_perm("cell.add_challenge", territory),
    }, status=400 if form is not None and form.errors else 200)


@login_required
@require_POST
def watch_save(request, slug):
    territory = _territory_for(request, slug)
    filters = WatchFilterForm(request.GET or None, territory=territory)
    form = SaveWatchForm(request.POST)
    if form.is_valid() and (filters.is_valid() or not filters.is_bound):
        try:
            saved = watch_services.saved_watch_create(
                user=request.user, territory=territory, name=form.cleaned_data["name"],
                filters=filters.saved_filters() if filters.is_bound else {},
                frequency=form.cleaned_data["frequency"])
        except Refused as exc:
            add_refusal(form, exc, ["name", "frequency"])
        else:
            messages.success(request, _("Veille « %(name)s » enregistrée.") % {"name": saved.name})
            return redirect("cell:watches")
    return render(request, "cell/watch/save_failed.html", {"territory": territory, "form": form}, status=400)


@login_required
def watches(request):
    """The person's saved watches: frequency, the secret feed address, a new secret, deletion."""
    saved = SavedWatch.objects.filter(user=request.user).select_related("territory")
    rows = [(s, FrequencyForm(initial={"frequency": s.frequency}, prefix=f"w{s.pk}"), query_of(s.filters).urlencode(),
             request.build_absolute_uri(reverse("cell:watch_atom", args=[s.token]))) for s in saved]
    return render(request, "cell/watch/saved.html", {"rows": rows})


@login_required
@require_POST
def watch_change(request, pk):
    saved = get_object_or_404(SavedWatch, pk=pk, user=request.user)
    action = request.POST.get("action")
    try:
        if action == "frequency":
            form = FrequencyForm(request.POST, prefix=f"w{saved.pk}")
            if not form.is_valid():
                raise Refused("invalid", _("Fréquence inconnue."))
            watch_services.saved_watch_update(user=request.user, saved=saved, frequency=form.cleaned_data["frequency"])
            messages.success(request, _("Fréquence changée."))
        elif action == "token":
            watch_services.saved_watch_new_token(user=request.user, saved=saved)
            messages.success(request, _("Nouvelle adresse du flux : l'ancienne ne répond plus."))
        elif action == "delete":
            watch_services.saved_watch_delete(user=request.user, saved=saved)
            messages.success(request, _("Veille supprimée."))
        else:
            raise Refused("invalid", _("Action inconnue."))
    except Refused as exc:
        if exc.status == 403:
            raise PermissionDenied from None
        messages.error(request, exc.messages[0])
    return redirect("cell:watches")


def watch_atom(request, token):
    """A saved watch as an Atom feed, at an address whose secret is the only credential (revocable)."""
    saved = SavedWatch.objects.select_related("territory", "user").filter(token=token).first()
    if saved is None or not saved.user.has_perm("cell.view_watch", saved.territory):
        raise Http404
    filters = filters_from_saved(saved)
    name = clean_text(saved.name)
    feed = feedgenerator.Atom1Feed(
        title=_("Alléger · veille « %(name)s »") % {"name": name},
        link=request.build_absolute_uri(reverse("cell:watch", args=[saved.territory.slug])),
        description=_("La veille de la cellule d'innovation %(of_name)s.") % {
            "of_name": of_name(clean_text(saved.territory.name))},
        language=get_language(), feed_url=request.build_absolute_uri())
    for item in watch.feed(filters, limit=50)[:50]:
        url = request.build_absolute_uri(item.url)
        kind = clean_text(item.kind_label)
        title = clean_text(f"{kind} · {item.title}" + (f" ({item.event})" if item.event else ""))
        feed.add_item(title=title, link=url, unique_id=atom_id(url, item),
                      description=escape(Truncator(clean_text(item.summary)).chars(400)), pubdate=item.date,
                      updateddate=item.date, categories=[kind])
    response = HttpResponse(content_type=feed.content_type)
    response["Cache-Control"] = "private, no-store"
    feed.write(response, "utf-8")
    return response
