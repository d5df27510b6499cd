import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alleger.core import sections

from . import personal_data, services
from .forms import DeleteAccountForm, ProfileForm, TokenForm
from .selectors import personal_data_export


@login_required
def profile(request):
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=user)
        if form.is_valid():
            data = form.cleaned_data
            services.profile_update(
                user=user, display_name=data["display_name"], bio=data["bio"],
                neighbourhood=data["neighbourhood"], avatar=data.get("avatar"),
                remove_avatar=data["remove_avatar"], preferred_language=data["preferred_language"],
            )
            messages.success(request, _("Votre profil est enregistré."))
            response = redirect("accounts:profile")
            if data["preferred_language"]:
                response.set_cookie(settings.LANGUAGE_COOKIE_NAME, data["preferred_language"],
                                    max_age=365 * 24 * 3600, samesite="Lax")
            return response
        user.refresh_from_db()
    else:
        form = ProfileForm(instance=user)
    return render(request, "accounts/profile.html", {
        "form": form,
        "sections": sections.of("profile", request, user),
        "tokens": user.api_tokens.all(),
        "now": timezone.now(),
        "token_form": TokenForm(),
    })


@login_required
@require_POST
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Donnez un nom à votre jeton et choisissez une expiration proposée."))
        return redirect("accounts:profile")
    token, raw = services.api_token_create(user=request.user, name=form.cleaned_data["name"],
                                           expires_in_days=form.cleaned_data["expires_in_days"])
    # The raw value is shown once, on this response only.
    return render(request, "accounts/token_created.html", {"token": token, "raw": raw})


@login_required
@require_POST
def token_revoke(request, token_id):
    if services.api_token_revoke(user=request.user, token_id=token_id):
        messages.success(request, _("Le jeton est révoqué."))
    return redirect("accounts:profile")


@login_required
def export(request):
    data = personal_data_export(request.user)
    response = HttpResponse(json.dumps(data, ensure_ascii=False, indent=2), content_type="application/json")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="alleger-mes-donnees-{stamp}.json"'
    return response


@login_required
def delete(request):
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, user=request.user)
        if form.is_valid():
            services.account_delete(user=request.user)
            logout(request)
            messages.success(request, _("Votre compte est supprimé. Merci d'avoir participé."))
            return redirect("core:home")
    else:
        form = DeleteAccountForm(user=request.user)
    return render(request, "accounts/delete.html", {
        "form": form, "consequences": personal_data.deletion_warnings(request.user)})
