"""Public pages: the listing, a project, following, offering help, sponsors' support, calls."""

from urllib.parse import quote, urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from alleger.bookings import selectors as booking_selectors
from alleger.core.cache import public_page
from alleger.core.forms import add_refusal
from alleger.core.fragments import deferred, deferred_context, remembered
from alleger.discussions.selectors import is_hidden
from alleger.organisations.selectors import organisations_of
from alleger.territories.models import Neighbourhood, Territory

from .. import place_sections, selectors
from ..forms import (
    OfferForm,
    ProjectFilterForm,
    ResourceOfferForm,
    SupportForm,
)
from ..models import Call, Need, Offer, Project
from ..services import contributions as contribution_services
from ..services import needs as need_services
from ..services import projects as project_services
from ..services import sponsors as sponsor_services
from ._shared import (
    MAP_LIMIT,
    PAGE_SIZE,
    _open_for_contributions,
    _project_for,
    _territory_for,
)


@public_page
def project_list(request):
    def listing():
        territories = list(Territory.objects.order_by("name"))
        territory = next((t for t in territories if t.slug == request.GET.get("territoire")), None)
        themes = selectors.themes_of(territory)
        theme_choices = list({t.slug: (t.slug, t.name if territory else f"{t.name} ({t.territory.name})")
                              for t in themes}.values())
        neighbourhoods = Neighbourhood.objects.select_related("territory").order_by("territory__name", "name")
        if territory is not None:
            neighbourhoods = neighbourhoods.filter(territory=territory)
        neighbourhood_choices = list({n.slug: (n.slug, n.name if territory else f"{n.name} ({n.territory.name})")
                                      for n in neighbourhoods}.values())
        statuses = [(s.value, s.label) for s in Project.Status if s in selectors.PUBLIC_STATUSES]
        form = ProjectFilterForm(request.GET, territories=territories, themes=theme_choices,
                                 neighbourhoods=neighbourhood_choices, statuses=statuses)
        filters = form.values()
        projects = selectors.project_list(territory=territory, status=filters.get("statut") or None,
                                          theme=filters.get("theme") or None,
                                          neighbourhood=filters.get("quartier") or None, q=filters.get("q"))
        page = Paginator(projects, PAGE_SIZE).get_page(request.GET.get("page"))
        located = list(projects.filter(lat__isnull=False, lon__isnull=False)[:MAP_LIMIT])
        return {
            "form": form,
            "page": page,
            "filtered": any(filters.values()),
            "querystring": urlencode({k: v for k, v in filters.items() if v}),
            "territory": territory,
            "located": located,
            "geojson": selectors.map_features(located),
        }

    # The listing depends on the query string only: it goes into shared fragments (keyed by it), and is
    # computed only when they are rendered (alleger/core/fragments.py). The holder's own projects are theirs.
    return render(request, "funding/list.html", {
        **deferred_context(listing, ["form", "page", "filtered", "querystring", "territory", "located", "geojson"]),
        "my_projects": deferred(lambda: list(selectors.projects_held_by(request.user)[:20])),
    })


def _support_organisations(user):
    return [o for o in selectors.support_organisations_of(user) if user.has_perm("funding.support_project", o)]


def _attach_resource_offers(project, needs, user, bound_forms):
    """On each room or equipment need: the bookable resources offered for it (shown to all), and for a
    place's manager the form to offer one (`need.resource_form`)."""
    offers = {}
    for o in (Offer.objects.filter(need__project=project, resource__isnull=False)
              .exclude(status__in=(Offer.Status.DECLINED, Offer.Status.WITHDRAWN))
              .select_related("resource__place", "booking").order_by("slot_start")):
        offers.setdefault(o.need_id, []).append(o)
    resources = None
    for need in needs:
        need.resource_offers = offers.get(need.pk, [])
        need.resource_form = None
        if need.kind in need_services.RESOURCE_NEEDS and not need.fulfilled and project.status in (
                Project.Status.PUBLISHED, Project.Status.SUCCEEDED):
            if resources is None:
                resources = booking_selectors.managed_resources(user)
            if need.pk in bound_forms:
                need.resource_form = bound_forms[need.pk]
            elif resources.exists():
                need.resource_form = ResourceOfferForm(resources=resources, prefix=f"resource-{need.pk}")


def _mailto(project, url) -> str:
    """The « share by e-mail » link: the project's title, summary and address, for any mail program."""
    body = f"{project.summary}\n\n{url()}"
    return f"mailto:?subject={quote(project.title)}&body={quote(body)}"


def _render_project(request, project, *, offer_forms=None, support_form=None, resource_forms=None):
    user = request.user
    page = deferred(selectors.project_page, project)

    def needs():
        can_offer = (user.is_authenticated and user.has_perm("funding.offer_help")
                     and project.status in (Project.Status.PUBLISHED, Project.Status.SUCCEEDED))
        organisations = list(organisations_of(user)) if can_offer else []
        rows = [(need, (offer_forms or {}).get(need.pk) or (
                    OfferForm(organisations=organisations, prefix=f"offer-{need.pk}")
                    if can_offer and not need.fulfilled else None))
                for need in page()["needs"]]
        _attach_resource_offers(project, [need for need, _form in rows], user, resource_forms or {})
        return rows

    def support():
        if not _support_organisations(user):
            return None
        return support_form or SupportForm(organisations=selectors.support_organisations_of(user))

    url = deferred(lambda: request.build_absolute_uri(project.get_absolute_url()))
    hidden = remembered(request, "project-hidden", (project.pk,), lambda: is_hidden(project))
    # The parts that are the same for everyone go into shared fragments, the person's own (actions,
    # offers, support, following, flags, comments) into personal ones (alleger/core/fragments.py); what
    # either shows is deferred: read only when it is rendered, not when it comes from the cache.
    return render(request, "funding/detail.html", {
        "project": project,
        # Flags hide a project from the public until a moderator decides; its moderators still see it.
        "hidden": hidden and not user.has_perm("discussions.moderate", project),
        "moderator_sees_hidden": hidden,
        "commentable": project.status in selectors.PUBLIC_STATUSES,
        **{key: deferred(lambda key: page()[key], key) for key in (
            "rewards", "stretch_goals", "updates", "supports", "backers", "more_backers", "anonymous_count", "pools", "days_left",
            "promised_cents",
            "percent_bar")},
        "following": deferred(selectors.is_following, project, user),
        "needs": deferred(needs),
        "signed_in": user.is_authenticated,
        "themes": deferred(lambda: list(project.themes.all())),
        "absolute_url": url,
        "mailto": deferred(_mailto, project, url),
        "support_form": deferred(support),
        "can_manage": deferred(user.has_perm, "funding.manage_project", project),
        "can_edit": deferred(lambda: user.has_perm("funding.change_project", project)
                             and project.status in project_services.EDITABLE),
        "can_review": deferred(lambda: user.has_perm("funding.review_project", project)
                               and project.status == Project.Status.SUBMITTED),
        "can_contribute": deferred(_open_for_contributions, project),
        "cancellable_until": deferred(contribution_services.cancellable_until, project),
        "created_place": deferred(place_sections.created_place, project),
    })


@public_page
def project_detail(request, slug):
    return _render_project(request, _project_for(request, slug))


@csrf_exempt  # RFC 8058: a mail program posts the link itself, without cookies; the signed link is the proof
@require_http_methods(["GET", "HEAD", "POST"])
def news_stop(request, slug, token):
    """The link at the foot of a project's news: a page that asks (a link opened by a mail scanner stops
    nothing), then a POST — from that page, or from the mail program's « unsubscribe » — that stops them."""
    project = get_object_or_404(Project, slug=slug)
    reader = project_services.news_stop_reader(project, token)
    if reader is None or not reader.has_perm("funding.view_project", project):
        if project.status not in selectors.PUBLIC_STATUSES:
            raise Http404  # a project this link does not open stays unnamed
        # Cut when copied, or made for another project: said on the page, as a 404
        return render(request, "funding/news_stop.html", {"project": project, "invalid": True}, status=404)
    if request.method == "POST":
        project_services.news_stop(project=project, user=reader)
    done = project.news_stopped_by.filter(pk=reader.pk).exists()  # opened again: it says so
    return render(request, "funding/news_stop.html", {"project": project, "done": done})


@login_required
@require_POST
def follow(request, slug):
    project = _project_for(request, slug)
    following = request.POST.get("follow", "1") == "1"
    project_services.project_follow(project=project, user=request.user, follow=following)
    messages.success(request, _("Vous suivez ce projet : vous recevrez ses nouvelles.") if following
                     else _("Vous ne suivez plus ce projet : vous ne recevrez plus ses nouvelles."))
    return redirect(project)


@login_required
@require_POST
def offer(request, slug, need_id):
    project = _project_for(request, slug)
    if not request.user.has_perm("funding.offer_help"):
        raise PermissionDenied
    need = get_object_or_404(Need, pk=need_id, project=project)
    form = OfferForm(request.POST, organisations=organisations_of(request.user), prefix=f"offer-{need.pk}")
    if form.is_valid():
        try:
            need_services.offer_make(need=need, author=request.user, message=form.cleaned_data["message"],
                                     organisation=form.cleaned_data.get("organisation"))
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Merci ! Votre proposition est transmise au porteur du projet."))
            return redirect(project.get_absolute_url() + "#besoins")
    return _render_project(request, project, offer_forms={need.pk: form})


@login_required
@require_POST
def offer_resource(request, slug, need_id):
    """A place's manager offers a bookable resource for a slot; the holder's acceptance books it."""
    project = _project_for(request, slug)
    need = get_object_or_404(Need, pk=need_id, project=project)
    resources = booking_selectors.managed_resources(request.user)
    if not resources.exists():
        raise PermissionDenied
    form = ResourceOfferForm(request.POST, resources=resources, prefix=f"resource-{need.pk}")
    if form.is_valid():
        start, end = form.range()
        try:
            need_services.offer_resource(need=need, author=request.user, resource=form.cleaned_data["resource"],
                                         start=start, end=end, message=form.cleaned_data["message"])
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Merci ! Votre proposition est transmise au porteur du projet : s'il "
                                        "l'accepte, le créneau lui est réservé."))
            return redirect(project.get_absolute_url() + "#besoins")
    return _render_project(request, project, resource_forms={need.pk: form})


@login_required
@require_POST
def support(request, slug):
    project = _project_for(request, slug)
    organisations = selectors.support_organisations_of(request.user)
    if not _support_organisations(request.user):
        raise PermissionDenied
    form = SupportForm(request.POST, organisations=organisations)
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        if not request.user.has_perm("funding.support_project", organisation):
            raise PermissionDenied
        try:
            sponsor_services.support_attach(project=project, organisation=organisation, actor=request.user,
                                            kind=form.cleaned_data["kind"],
                                            description=form.cleaned_data["description"],
                                            amount_cents=form.cleaned_data["amount"])
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Votre soutien apparaît sur la page du projet."))
            return redirect(project.get_absolute_url() + "#soutiens")
    return _render_project(request, project, support_form=form)


def call_detail(request, territory, call):
    territory = _territory_for(request, territory)
    try:
        call = selectors.call_get(territory, call)
    except Call.DoesNotExist:
        raise Http404 from None
    now = timezone.now()
    return render(request, "funding/call.html", {
        "territory": territory,
        "call": call,
        "is_open": call.opens_at <= now < call.closes_at,
        "upcoming": now < call.opens_at,
        "projects": selectors.project_list(territory=territory, call=call),
    })
