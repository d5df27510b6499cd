from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alleger.assets.models import Asset
from alleger.core.forms import add_refusal
from alleger.core.numbers import is_digits
from alleger.core.ratelimit import limit
from alleger.discussions.views import hidden_page
from alleger.kits.models import Kit
from alleger.organisations.selectors import organisations_of
from alleger.places import links, nearby
from alleger.territories.selectors import territory_list

from . import selectors, services
from .forms import DeclareForm, JoinForm, JournalForm, ProjectLinkForm, SearchForm, StatusForm
from .models import Intervention


def _intervention_for(request, pk, perm="interventions.view_intervention") -> Intervention:
    try:
        intervention = selectors.intervention_get(pk)
    except Intervention.DoesNotExist:
        raise Http404 from None
    if not request.user.has_perm(perm, intervention):
        raise PermissionDenied
    return intervention


#: Where a refusal of the services belongs on the intervention and journal forms.
REFUSAL_FIELDS = {
    "charter_not_accepted": "charter", "dates_invalid": "ends_on", "out_of_territory": "location",
    "location_required": "location", "kit_not_applicable": "kit", "kit_not_here": "kit",
    "kit_not_published": "kit", "not_a_member": "organisation", "private_not_allowed": "organisation",
    "project_not_yours": "project", "project_elsewhere": "project", "alt_required": "photo_alt",
    "too_many_photos": "photos", "text_required": "text", "not_an_image": "photos",
    "too_large": "photos", "bad_format": "photos",
}


def intervention_list(request):
    form = SearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    interventions = selectors.intervention_search(territory=filters.get("territoire"),
                                                  status=filters.get("statut") or None, kit=filters.get("kit"),
                                                  q=filters.get("q") or "")
    return render(request, "interventions/list.html", {
        "form": form,
        "interventions": interventions[:200],
        "geojson": selectors.geojson(interventions, limit=500),
        "map_label": _("Carte des interventions"),
        "can_declare": request.user.has_perm("interventions.declare_intervention"),
    }, status=200 if not form.errors else 400)


def _declare_form(request, data=None):
    user = request.user
    kits = Kit.objects.filter(status=Kit.Status.PUBLISHED).order_by("title")
    assets = Asset.objects.filter(moderation=Asset.Moderation.PUBLISHED)
    initial = {}
    asset = None
    asset_id = str((data or request.GET).get("dispositif", ""))
    if is_digits(asset_id):
        asset = assets.select_related("territory", "asset_type").filter(pk=int(asset_id)).first()
        if asset is not None:
            initial["dispositif"] = asset.pk
    kit_slug = request.GET.get("kit", "")
    if kit_slug and kits.filter(slug=kit_slug).exists():
        initial["kit"] = kit_slug
    territory_slug = request.GET.get("territoire", "")
    if territory_slug:
        initial["territory"] = territory_slug
    form = DeclareForm(data, initial=initial, kits=kits, assets=assets, organisations=organisations_of(user),
                       projects=selectors.linkable_projects(user))
    if asset is not None:
        # On an asset, the place is the asset's: no territory nor coordinates to give.
        for name in ("territory", "location"):
            del form.fields[name]
    else:
        territory = territory_list().filter(slug=str((data or {}).get("territory") or territory_slug)).first()
        form.fields["location"].widget.bbox = territory.bbox if territory else None
    return form, asset


@login_required
@limit("intervention")
def intervention_declare(request):
    if not request.user.has_perm("interventions.declare_intervention"):
        raise PermissionDenied
    form, asset = _declare_form(request, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                intervention = services.intervention_declare(
                    organiser=request.user, kit=data["kit"], asset=data.get("dispositif"),
                    territory=data.get("territory"), lat=data["location"].lat if data.get("location") else None,
                    lon=data["location"].lon if data.get("location") else None,
                    title=data["title"], description=data["description"], starts_on=data["starts_on"],
                    ends_on=data.get("ends_on"), organisation=data.get("organisation"),
                    project=data.get("project"), charter_accepted=data["charter"])
            except ValidationError as exc:
                add_refusal(form, exc, REFUSAL_FIELDS)
            else:
                messages.success(request, _("Votre intervention est déclarée. Racontez-la dans son journal !"))
                return redirect(intervention)
        status = 400
    kit = None
    kit_slug = (form.data.get("kit") if form.is_bound else form.initial.get("kit")) or ""
    if kit_slug:
        kit = Kit.objects.filter(slug=kit_slug, status=Kit.Status.PUBLISHED).first()
    return render(request, "interventions/declare.html", {"form": form, "asset": asset, "kit": kit},
                  status=status)


def intervention_detail(request, pk, *, join_form=None, journal_form=None, status_form=None, project_form=None,
                        status=200):
    intervention = _intervention_for(request, pk)
    if page := hidden_page(request, intervention):
        return page
    user = request.user
    asset = intervention.asset
    can_link = user.has_perm("interventions.link_project", intervention)
    if can_link and project_form is None:
        projects = selectors.linkable_projects(user)
        project_form = ProjectLinkForm(projects=projects, initial={"project": intervention.project_id}) \
            if projects.exists() else None
    return render(request, "interventions/detail.html", {
        "intervention": intervention,
        "participants": selectors.participants(intervention),
        "journal": selectors.journal_of(intervention),
        "participation": selectors.participation_of(intervention, user),
        "following": selectors.is_following(intervention, user),
        "asset_occupancy": selectors.active_participants_on_asset(asset) if asset else None,
        "can_join": user.has_perm("interventions.join_intervention", intervention),
        "can_leave": user.has_perm("interventions.leave_intervention", intervention),
        "can_follow": user.has_perm("interventions.follow_intervention", intervention),
        "can_write": user.has_perm("interventions.add_journal_entry", intervention),
        "can_change_status": user.has_perm("interventions.change_status", intervention),
        "join_form": join_form or JoinForm(organisations=organisations_of(user)),
        "journal_form": journal_form or JournalForm(),
        "status_form": status_form or StatusForm(intervention=intervention),
        "project_form": project_form if can_link else None,
        # The places around that lend tools, and those of the types the kit applies to (alleger.places).
        "nearby_places": nearby.tool_places(lat=intervention.lat, lon=intervention.lon,
                                            territory=intervention.territory,
                                            place_types=links.place_types_of(intervention.kit)),
    }, status=status)


@login_required
@require_POST
def intervention_join(request, pk):
    intervention = _intervention_for(request, pk)
    if not request.user.has_perm("interventions.join_intervention", intervention):
        messages.error(request, _("Vous ne pouvez pas rejoindre cette intervention."))
        return redirect(intervention)
    form = JoinForm(request.POST, organisations=organisations_of(request.user))
    if form.is_valid():
        try:
            services.intervention_join(intervention=intervention, user=request.user,
                                       organisation=form.cleaned_data.get("organisation"),
                                       charter_accepted=form.cleaned_data["charter"])
        except ValidationError as exc:
            add_refusal(form, exc, REFUSAL_FIELDS)
        else:
            messages.success(request, _("Vous participez à l'intervention. Vous recevrez son journal par e-mail."))
            return redirect(intervention)
    return intervention_detail(request, pk, join_form=form, status=400)


@login_required
@require_POST
def intervention_leave(request, pk):
    intervention = _intervention_for(request, pk)
    try:
        services.intervention_leave(intervention=intervention, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Vous avez quitté l'intervention : votre place est libérée."))
    return redirect(intervention)


@login_required
@require_POST
def intervention_follow(request, pk):
    intervention = _intervention_for(request, pk, "interventions.follow_intervention")
    following = request.POST.get("follow", "1") == "1"
    services.intervention_follow(intervention=intervention, user=request.user, follow=following)
    messages.success(request, _("Vous suivez cette intervention : son journal vous sera envoyé par e-mail.")
                     if following else _("Vous ne suivez plus cette intervention."))
    return redirect(intervention)


@login_required
@require_POST
@limit("journal")
def journal_add(request, pk):
    intervention = _intervention_for(request, pk, "interventions.add_journal_entry")
    form = JournalForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.journal_add(intervention=intervention, author=request.user, text=form.cleaned_data["text"],
                                 photos=form.cleaned_data["photos"], photo_alt=form.cleaned_data["photo_alt"])
        except ValidationError as exc:
            add_refusal(form, exc, REFUSAL_FIELDS)
        else:
            messages.success(request, _("L'entrée est ajoutée au journal."))
            return redirect(intervention.get_absolute_url() + "#journal")
    return intervention_detail(request, pk, journal_form=form, status=400)


@login_required
@require_POST
def intervention_status(request, pk):
    intervention = _intervention_for(request, pk, "interventions.change_status")
    form = StatusForm(request.POST, intervention=intervention)
    if form.is_valid():
        try:
            services.intervention_set_status(intervention=intervention, actor=request.user,
                                             status=form.cleaned_data["status"])
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Le statut de l'intervention est mis à jour."))
            return redirect(intervention)
    return intervention_detail(request, pk, status_form=form, status=400)


@login_required
@require_POST
def intervention_project(request, pk):
    intervention = _intervention_for(request, pk, "interventions.link_project")
    form = ProjectLinkForm(request.POST, projects=selectors.linkable_projects(request.user))
    if form.is_valid():
        try:
            services.intervention_link_project(intervention=intervention, actor=request.user,
                                               project=form.cleaned_data["project"])
        except ValidationError as exc:
            add_refusal(form, exc, "project")
        else:
            messages.success(request, _("Le financement de l'intervention est mis à jour."))
            return redirect(intervention)
    return intervention_detail(request, pk, project_form=form, status=400)
