"""Challenge pages: thin, they check the permission, then call a selector or a service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from alleger.core.errors import Refused
from alleger.core.forms import add_refusal
from alleger.places.models import Place
from alleger.territories.models import Territory

from . import challenge_services as services
from . import challenges as selectors
from .challenge_forms import (
    ChallengeForm,
    DecideForm,
    IndicatorUploadForm,
    LinkForm,
    PlaceProposeForm,
    ProposeForm,
    WorkshopForm,
    WorkshopReportForm,
)
from .models import Challenge, ChallengeResponse


def _territory(slug) -> Territory:
    return get_object_or_404(Territory, slug=slug)


def _challenge(request, slug, pk, perm="cell.view_challenge") -> Challenge:
    challenge = get_object_or_404(Challenge.objects.select_related("territory"), pk=pk, territory__slug=slug)
    if not request.user.has_perm("cell.view_challenge", challenge):
        raise Http404
    if perm != "cell.view_challenge" and not request.user.has_perm(perm, challenge):
        raise PermissionDenied
    return challenge


def challenge_list(request, slug):
    territory = _territory(slug)
    return render(request, "cell/challenges/list.html", {
        "territory": territory,
        "challenges": selectors.challenge_list(territory, request.user),
        "can_add": request.user.has_perm("cell.add_challenge", territory),
    })


def challenge_detail(request, slug, pk, *, forms=None):
    challenge = _challenge(request, slug, pk)
    items = selectors.responses(challenge, user=request.user)
    found, summary = selectors.progress(challenge, items)
    for r in items:
        r.progress = found[r.pk]
    can_change = request.user.has_perm("cell.change_challenge", challenge)
    forms = forms or {}
    proposable = selectors.proposable(challenge, request.user) if request.user.has_perm(
        "cell.propose_response", challenge) else {}
    propose_form = forms.get("propose") or (ProposeForm(proposable=proposable) if any(proposable.values()) else None)
    for r in items:
        r.can_decide = r.status == "proposed" and request.user.has_perm("cell.decide_response", r)
        r.decide_form = forms.get(("decide", r.pk)) or (DecideForm(prefix=f"r{r.pk}") if r.can_decide else None)
    return render(request, "cell/challenges/detail.html", {
        "territory": challenge.territory,
        "challenge": challenge,
        "neighbourhoods": list(challenge.neighbourhoods.order_by("name")),
        "workshops": list(challenge.workshops.select_related("room__place", "booking")),
        "accepted": [r for r in items if r.status == "accepted"],
        "pending": [r for r in items if r.status == "proposed"],
        "declined": [r for r in items if r.status == "declined"],
        "summary": summary,
        "charts": selectors.indicator_charts(challenge),
        "can_change": can_change,
        "now": timezone.now(),
        "propose_form": propose_form,
        "can_propose": request.user.has_perm("cell.propose_response", challenge),
        "link_form": forms.get("link") or (LinkForm() if can_change else None),
    }, status=400 if forms else 200)


@login_required
def challenge_new(request, slug):
    territory = _territory(slug)
    if not request.user.has_perm("cell.add_challenge", territory):
        raise PermissionDenied
    form = ChallengeForm(request.POST or None, territory=territory)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        hoods = data.pop("neighbourhoods")
        try:
            challenge = services.challenge_create(actor=request.user, territory=territory, neighbourhoods=hoods,
                                                  **data)
        except Refused as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Défi créé."))
            return redirect(challenge.get_absolute_url())
    return render(request, "cell/challenges/form.html", {"territory": territory, "form": form, "challenge": None},
                  status=400 if form.is_bound and form.errors else 200)


@login_required
def challenge_edit(request, slug, pk):
    challenge = _challenge(request, slug, pk, "cell.change_challenge")
    form = ChallengeForm(request.POST or None, instance=Challenge.objects.get(pk=challenge.pk),
                         territory=challenge.territory)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        hoods = data.pop("neighbourhoods")
        try:
            services.challenge_update(challenge=challenge, actor=request.user, neighbourhoods=hoods, **data)
        except Refused as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Défi enregistré."))
            return redirect(challenge.get_absolute_url())
    return render(request, "cell/challenges/form.html", {"territory": challenge.territory, "form": form,
                                                         "challenge": challenge},
                  status=400 if form.is_bound and form.errors else 200)


@login_required
def workshop_new(request, slug, pk):
    challenge = _challenge(request, slug, pk, "cell.change_challenge")
    form = WorkshopForm(request.POST or None, territory=challenge.territory)
    if request.method == "POST" and form.is_valid():
        try:
            services.workshop_add(challenge=challenge, actor=request.user, **form.cleaned_data)
        except Refused as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Atelier ajouté."))
            return redirect(challenge.get_absolute_url() + "#ateliers")
    return render(request, "cell/challenges/workshop_form.html", {"territory": challenge.territory, "form": form,
                                                                  "challenge": challenge},
                  status=400 if form.is_bound and form.errors else 200)


@login_required
def workshop_report(request, slug, pk, workshop_pk):
    """The cell writes the workshop's minutes (and who came) once it is held, or corrects them."""
    challenge = _challenge(request, slug, pk, "cell.change_challenge")
    workshop = get_object_or_404(challenge.workshops.select_related("room__place"), pk=workshop_pk)
    if workshop.held_at > timezone.now() or workshop.cancelled_at is not None:
        messages.info(request, _("Le compte rendu s'écrit une fois l'atelier commencé, et pas pour un atelier "
                                 "annulé."))
        return redirect(challenge.get_absolute_url() + f"#atelier-{workshop.pk}")
    form = WorkshopReportForm(request.POST or None, instance=workshop)
    if request.method == "POST" and form.is_valid():
        try:
            services.workshop_report(workshop=workshop, actor=request.user, **form.cleaned_data)
        except Refused as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Compte rendu de l'atelier enregistré."))
            return redirect(challenge.get_absolute_url() + f"#atelier-{workshop.pk}")
    return render(request, "cell/challenges/workshop_report.html", {
        "territory": challenge.territory, "form": form, "challenge": challenge, "workshop": workshop},
        status=400 if form.is_bound and form.errors else 200)


@login_required
@require_POST
def workshop_cancel(request, slug, pk, workshop_pk):
    """The cell calls a workshop to come off: its room released, the people invited to it told."""
    challenge = _challenge(request, slug, pk, "cell.change_challenge")
    workshop = get_object_or_404(challenge.workshops.select_related("booking__user", "room__place"), pk=workshop_pk)
    try:
        room_kept, told = services.workshop_cancel(workshop=workshop, actor=request.user,
                                                   reason=request.POST.get("reason", ""))
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, ngettext("Atelier annulé ; la personne invitée en est prévenue.",
                                           "Atelier annulé ; les %(n)d personnes invitées en sont prévenues.", told)
                         % {"n": told} if told else _("Atelier annulé."))
        if room_kept:
            messages.warning(request, _("La salle reste réservée : il est trop tard pour l'annuler en ligne. "
                                        "Prévenez le lieu."))
    return redirect(challenge.get_absolute_url() + f"#atelier-{workshop.pk}")


@login_required
@require_POST
def response_unlink(request, slug, pk, response_pk):
    challenge = _challenge(request, slug, pk, "cell.change_challenge")
    response = get_object_or_404(challenge.responses.all(), pk=response_pk)
    title = str(response.target)
    services.response_unlink(response=response, actor=request.user)
    messages.success(request, _("« %(title)s » ne figure plus parmi les réponses du défi.") % {"title": title})
    return redirect(challenge.get_absolute_url() + "#reponses")


@login_required
@require_POST
def indicator_delete(request, slug, pk, series_pk):
    challenge = _challenge(request, slug, pk, "cell.change_challenge")
    series = get_object_or_404(challenge.series.all(), pk=series_pk)
    name = series.name
    points = services.indicator_series_delete(series=series, actor=request.user)
    messages.success(request, ngettext("Série « %(name)s » supprimée, avec sa valeur.",
                                       "Série « %(name)s » supprimée, avec ses %(n)d valeurs.", points)
                     % {"name": name, "n": points})
    return redirect(challenge.get_absolute_url() + "#indicateurs")


@login_required
def indicators_upload(request, slug, pk):
    challenge = _challenge(request, slug, pk, "cell.change_challenge")
    form = IndicatorUploadForm(request.POST or None, request.FILES or None)
    rejected = []
    if request.method == "POST" and form.is_valid():
        try:
            result = services.indicators_upload(challenge=challenge, actor=request.user,
                                                name=form.cleaned_data["name"],
                                                raw=form.cleaned_data["file"].read(services.MAX_UPLOAD_BYTES + 1))
        except services.UploadRefused as exc:
            rejected = exc.rejected
            add_refusal(form, exc, "file")
        except Refused as exc:
            add_refusal(form, exc, {"invalid": "name"})
        else:
            messages.success(request, _("Série « %(name)s » : %(created)d valeurs ajoutées, %(replaced)d "
                                        "remplacées.") % {"name": result.series.name, "created": result.created,
                                                           "replaced": result.replaced})
            return redirect(challenge.get_absolute_url() + "#indicateurs")
    return render(request, "cell/challenges/upload.html", {"territory": challenge.territory, "form": form,
                                                           "challenge": challenge, "rejected": rejected},
                  status=400 if form.is_bound and form.errors else 200)


@login_required
@require_POST
def response_propose(request, slug, pk):
    challenge = _challenge(request, slug, pk, "cell.propose_response")
    form = ProposeForm(request.POST, proposable=selectors.proposable(challenge, request.user))
    if form.is_valid():
        kind, target = form.cleaned_data["target"]
        try:
            services.response_propose(challenge=challenge, actor=request.user, kind=kind, target=target,
                                      note=form.cleaned_data["note"])
        except Refused as exc:
            add_refusal(form, exc, "target")
        else:
            messages.success(request, _("Merci : la cellule va examiner votre proposition."))
            return redirect(challenge.get_absolute_url() + "#reponses")
    return challenge_detail(request, slug, pk, forms={"propose": form})


@login_required
@require_POST
def response_link(request, slug, pk):
    challenge = _challenge(request, slug, pk, "cell.change_challenge")
    form = LinkForm(request.POST)
    if form.is_valid():
        kind = form.cleaned_data["kind"]
        target = selectors.resolve_target(kind, form.cleaned_data["ref"], challenge.territory)
        if target is None:
            form.add_error("ref", _("Aucun objet de cette nature ne porte ce numéro ou cet identifiant."))
        else:
            try:
                response = services.response_link(challenge=challenge, actor=request.user, kind=kind,
                                                  target=target, note=form.cleaned_data["note"])
            except Refused as exc:
                add_refusal(form, exc, "ref")
            else:
                if response.status == ChallengeResponse.Status.PROPOSED:  # what the member holds: four eyes
                    messages.success(request, _("Réponse proposée au défi : vous la portez, un autre membre de la "
                                                "cellule ou l'équipe de la plateforme décide de la retenir."))
                else:
                    messages.success(request, _("Réponse ajoutée au défi."))
                return redirect(challenge.get_absolute_url() + "#reponses")
    return challenge_detail(request, slug, pk, forms={"link": form})


@login_required
@require_POST
def response_decide(request, slug, pk, response_pk):
    challenge = _challenge(request, slug, pk)
    response = get_object_or_404(ChallengeResponse.objects.select_related("challenge__territory"),
                                 pk=response_pk, challenge=challenge)
    if not request.user.has_perm("cell.decide_response", response):
        raise PermissionDenied
    form = DecideForm(request.POST, prefix=f"r{response.pk}")
    if form.is_valid():
        try:
            services.response_decide(response=response, actor=request.user,
                                     accept=form.cleaned_data["decision"] == "accept",
                                     reason=form.cleaned_data["reason"])
        except Refused as exc:
            add_refusal(form, exc, "reason")
        else:
            messages.success(request, _("Décision enregistrée."))
            return redirect(challenge.get_absolute_url() + "#reponses")
    return challenge_detail(request, slug, pk, forms={("decide", response.pk): form})


@login_required
@require_POST
def place_propose(request, place_pk):
    """From a place's page: its manager proposes it as a response to an open challenge of its territory.
    Back to the place's page, with the outcome said at the top of it."""
    place = get_object_or_404(Place.objects.select_related("territory"), pk=place_pk)
    if not request.user.has_perm("cell.propose_as_response", place):
        raise PermissionDenied
    form = PlaceProposeForm(request.POST, place=place)
    if not form.is_valid():
        messages.error(request, _("Choisissez un défi ouvert du territoire du lieu."))
    else:
        challenge = form.cleaned_data["challenge"]
        try:
            if not request.user.has_perm("cell.propose_response", challenge):
                raise Refused("not_open", _("Ce défi n'est pas ouvert aux propositions."), status=409)
            services.response_propose(challenge=challenge, actor=request.user, kind="place", target=place,
                                      note=form.cleaned_data["note"])
        except Refused as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("Merci : la cellule va examiner votre proposition."))
    return redirect(place.get_absolute_url() + "#defis")
