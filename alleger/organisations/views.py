from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alleger.core import sections
from alleger.core.forms import add_refusal
from alleger.core.grammar import of_name
from alleger.territories.models import Territory, TerritoryRole
from alleger.territories.selectors import queue_url

from . import selectors, services
from .forms import (
    MemberAddForm,
    MemberRoleForm,
    OrganisationForm,
    SponsorshipDecisionForm,
    SponsorshipRequestForm,
)
from .models import Invitation, Membership, Organisation, SponsorshipRequest


def _organisation_for(request, slug, perm):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.user.has_perm(perm, organisation):
        raise PermissionDenied
    return organisation


def organisation_list(request):
    kind = request.GET.get("type") or None
    if kind not in Organisation.Kind.values:
        kind = None
    q = request.GET.get("q", "")
    if len(q) > 100:  # like the other lists' forms: an invalid filter is ignored
        q = ""
    return render(request, "organisations/list.html", {
        "organisations": selectors.organisation_list(kind=kind, q=q),
        "kinds": Organisation.Kind.choices,
        "kind": kind, "q": q,
    })


def organisation_detail(request, slug):
    organisation = get_object_or_404(selectors.organisation_list(), slug=slug)
    return render(request, "organisations/detail.html", {
        "organisation": organisation,
        "members": selectors.organisation_members(organisation),
        "can_manage": request.user.has_perm("organisations.manage_members", organisation),
        "can_verify": request.user.has_perm("organisations.verify", organisation),
        "is_member": request.user.is_authenticated and organisation.memberships.filter(user=request.user).exists(),
        "can_request_sponsorship": request.user.has_perm("organisations.request_sponsorship", organisation),
        "sections": sections.of("organisation", request, organisation),
    })


@login_required
def organisation_create(request):
    if not request.user.has_perm("organisations.add_organisation"):
        raise PermissionDenied
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            organisation = services.organisation_create(creator=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc, "name")
        else:
            messages.success(request, _("L'organisation est créée ; vous en êtes l'administrateur."))
            return redirect(organisation)
    return render(request, "organisations/form.html", {"form": form, "organisation": None},
                  status=400 if form.errors else 200)


@login_required
def organisation_edit(request, slug):
    organisation = _organisation_for(request, slug, "organisations.change_organisation")
    was_verified = organisation.verified_at is not None
    form = OrganisationForm(request.POST or None, instance=organisation)
    if was_verified:
        form.fields["name"].help_text = _("L'identité de l'organisation est vérifiée sous ce nom et ce type : en "
                                          "changer retire la vérification, jusqu'à ce que la modération la refasse.")
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.organisation_update(organisation=Organisation.objects.get(pk=organisation.pk),
                                                 actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc, "name")
        else:
            messages.success(request, _("Modifications enregistrées."))
            if was_verified and saved.verified_at is None:
                messages.warning(request, _("Le nom ou le type a changé : l'organisation n'est plus marquée comme "
                                            "vérifiée, jusqu'à ce que la modération de son territoire la vérifie "
                                            "à nouveau."))
            return redirect(organisation)
    return render(request, "organisations/form.html", {"form": form, "organisation": organisation},
                  status=400 if form.errors else 200)


@login_required
def members(request, slug):
    organisation = _organisation_for(request, slug, "organisations.manage_members")
    form = MemberAddForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.invitation_create(organisation=organisation, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc, "email")
        else:
            messages.success(request, _("Invitation envoyée à %(email)s : la personne devient membre quand elle "
                                        "l'accepte.") % {"email": form.cleaned_data["email"].strip().lower()})
            return redirect("organisations:members", slug=slug)
    return render(request, "organisations/members.html", {
        "organisation": organisation,
        "members": selectors.organisation_members(organisation),
        "invitations": organisation.invitations.filter(status=Invitation.Status.PENDING),
        "form": form,
        "roles": Membership.Role.choices,
    })


@login_required
@require_POST
def member_role(request, slug, membership_id):
    organisation = _organisation_for(request, slug, "organisations.manage_members")
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_set_role(membership=membership, role=form.cleaned_data["role"], actor=request.user)
            messages.success(request, _("Rôle modifié."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return redirect("organisations:members", slug=slug)


@login_required
@require_POST
def member_remove(request, slug, membership_id):
    organisation = _organisation_for(request, slug, "organisations.manage_members")
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    try:
        services.membership_remove(membership=membership, actor=request.user)
        messages.success(request, _("Membre retiré."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("organisations:members", slug=slug)


@login_required
def sponsorship_request(request, slug):
    organisation = _organisation_for(request, slug, "organisations.request_sponsorship")
    form = SponsorshipRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sponsorship_request(organisation=organisation, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc)
        else:
            messages.success(request, _("Demande envoyée à la modération du territoire."))
            return redirect(organisation)
    return render(request, "organisations/sponsorship_request.html", {
        "organisation": organisation, "form": form,
        "requests": selectors.sponsorship_requests_of(organisation),
    })


@login_required
def sponsorship_queue(request):
    pending = selectors.sponsorship_requests_to_decide(request.user)
    if not request.user.is_superuser and not request.user.territory_roles.filter(
            role=TerritoryRole.Role.MODERATOR).exists():
        raise PermissionDenied
    slug = request.GET.get("territoire")
    territory = get_object_or_404(Territory, slug=slug) if slug else None
    if territory is not None:  # from the territory's page: its queue only
        pending = pending.filter(territory=territory)
    return render(request, "organisations/sponsorship_queue.html", {
        "pending": [(r, SponsorshipDecisionForm(prefix=f"r{r.pk}")) for r in pending], "territory": territory,
    })


@login_required
@require_POST
def sponsorship_decide(request, request_id):
    sponsorship = get_object_or_404(SponsorshipRequest, pk=request_id)
    form = SponsorshipDecisionForm(request.POST, prefix=f"r{sponsorship.pk}")
    if not form.is_valid():
        messages.error(request, _("Choisissez « Accepter » ou « Refuser »."))
        return redirect(queue_url("organisations:sponsorship_queue", request))
    try:
        services.sponsorship_decide(request=sponsorship, actor=request.user, **form.cleaned_data)
    except ValidationError as exc:
        if exc.code == "forbidden":
            raise PermissionDenied from None
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Décision enregistrée ; l'organisation est prévenue par e-mail."))
    return redirect(queue_url("organisations:sponsorship_queue", request))


@login_required
@require_POST
def invitation_cancel(request, slug, invitation_id):
    organisation = _organisation_for(request, slug, "organisations.manage_members")
    invitation = get_object_or_404(Invitation, pk=invitation_id, organisation=organisation)
    services.invitation_cancel(invitation=invitation, actor=request.user)
    messages.success(request, _("Invitation annulée."))
    return redirect("organisations:members", slug=slug)


@login_required
def invitation(request, token):
    """The invited person's page: who invites them where, accept or decline (the link of the e-mail)."""
    invitation = get_object_or_404(Invitation.objects.select_related("organisation", "invited_by"), token=token)
    if request.method == "POST":
        accept = request.POST.get("decision") == "accept"
        try:
            services.invitation_answer(invitation=invitation, user=request.user, accept=accept)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect(invitation)
        if accept:
            messages.success(request, _("Vous êtes membre %(of_name)s.") % {"of_name": of_name(invitation.organisation.name)})
            return redirect(invitation.organisation)
        messages.success(request, _("Invitation déclinée."))
        return redirect("core:home")
    return render(request, "organisations/invitation.html", {
        "invitation": invitation, "yours": services.invitation_addressed_to(invitation, request.user),
        "pending": invitation.status == Invitation.Status.PENDING,
    })


@login_required
@require_POST
def leave(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    try:
        services.membership_leave(organisation=organisation, user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Vous avez quitté %(name)s.") % {"name": organisation.name})
    return redirect(organisation)


@login_required
@require_POST
def verify(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    verified = request.POST.get("verified") == "yes"
    try:
        services.organisation_verify(organisation=organisation, actor=request.user, verified=verified)
    except ValidationError as exc:
        raise PermissionDenied(" ".join(exc.messages)) from None
    messages.success(request, _("L'identité de l'organisation est marquée comme vérifiée.") if verified
                     else _("La vérification de l'organisation est retirée."))
    return redirect(organisation)
