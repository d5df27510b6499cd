from datetime import timedelta

from allauth.account.adapter import get_adapter
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alleger.core import ratelimit
from alleger.core.errors import Refused
from alleger.core.images import image_clean
from alleger.core.mail import send_later
from alleger.core.services import audit_record

from . import personal_data
from .models import ApiToken, User, token_hash


@transaction.atomic
def profile_update(*, user: User, display_name: str, bio: str, neighbourhood=None,
                   avatar=None, remove_avatar: bool = False, preferred_language: str = "") -> User:
    # A fresh row: the caller's instance may carry unsaved form changes.
    user = User.objects.select_for_update().get(pk=user.pk)
    user.display_name = display_name
    user.bio = bio
    user.neighbourhood = neighbourhood
    user.preferred_language = preferred_language
    if remove_avatar and user.avatar:
        user.avatar.delete(save=False)
        user.avatar = ""
    if avatar is not None:
        cleaned = image_clean(avatar, max_side=512)
        if user.avatar:
            user.avatar.delete(save=False)
        user.avatar.save(cleaned.name, cleaned, save=False)
    user.save()
    return user


#: ApiToken.name's column.
TOKEN_NAME_MAX = 80


@transaction.atomic
def api_token_create(*, user: User, name: str, expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """Create a token and return it with its raw value, which is never stored."""
    if expires_in_days is not None and not 1 <= expires_in_days <= 365:
        raise Refused("invalid_expiry", _("Un jeton expire au plus tôt dans 1 jour et au plus tard dans 365 jours."))
    name = (name or "").strip()
    if len(name) > TOKEN_NAME_MAX:
        # Refused, not cut: the name is how its owner tells a token from another.
        raise Refused("invalid", _("Le nom d'un jeton fait au plus %(max)s caractères.") % {"max": TOKEN_NAME_MAX})
    raw = ApiToken.generate_raw()
    expires_at = timezone.now() + timedelta(days=expires_in_days) if expires_in_days else None
    token = ApiToken.objects.create(user=user, name=name or "API", key_hash=token_hash(raw),
                                    hint=raw[: len(ApiToken.PREFIX) + 4], expires_at=expires_at)
    audit_record(actor=user, action="account.token_create", target=token,
                 expires_at=expires_at.isoformat() if expires_at else None)
    return token, raw


def api_token_issue(*, request, email: str, password: str, name: str = "API",
                    expires_in_days: int | None = None) -> tuple[ApiToken, str]:
    """A token for whoever proves an e-mail address and its password: the API's log-in.

    The log-in form's rules: its rate limits with the same counters (per IP address and per e-mail
    address; RateLimited past them), and a verified address (ACCOUNT_EMAIL_VERIFICATION = "mandatory").
    Not one transaction: the attempts it counts must stay counted when it refuses; the write is
    api_token_create's.
    """
    email = email.strip().lower()
    # Counted before the password is hashed, so that refused attempts cost nothing.
    ratelimit.consume(request, app="allauth.account", action="login")
    attempt = ratelimit.consume(request, app="allauth.account", action="login_failed",
                                key=get_adapter()._get_login_attempts_cache_key(request, email=email))
    user = authenticate(request, email=email, password=password)
    if user is not None:
        attempt.rollback()  # like allauth: a success does not count as a failure
    if user is None or not user.is_active:
        raise Refused("invalid_credentials", _("E-mail ou mot de passe incorrect."), status=401)
    if not EmailAddress.objects.filter(user=user, verified=True).exists():
        raise Refused("unverified", _("Confirmez d'abord votre adresse e-mail."), status=401)
    return api_token_create(user=user, name=name, expires_in_days=expires_in_days)


@transaction.atomic
def api_token_revoke(*, user: User, token_id: int) -> bool:
    deleted, _ = ApiToken.objects.filter(user=user, pk=token_id).delete()
    if deleted:
        audit_record(actor=user, action="account.token_revoke", target=user, token=token_id)
    return bool(deleted)


@transaction.atomic
def account_password_set(*, user: User, password: str | None) -> int:
    """Set a new password (change, reset, or first password; None: unusable) and revoke every API token.

    A token is a standing key to the account: whoever changes the password
    because it leaked must not leave a token made with it alive. The person
    is told by e-mail (and on the page, by the caller). Returns the number of
    tokens revoked.
    """
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    revoked, _n = ApiToken.objects.filter(user=user).delete()
    audit_record(actor=user, action="account.password_set", target=user, tokens_revoked=revoked)
    if revoked:
        send_later("accounts/email/tokens_revoked.txt", [user], {"count": revoked})
    return revoked


def api_token_authenticate(raw: str) -> User | None:
    """The active user an unexpired raw token belongs to, or None. Updates last use at most once a minute."""
    if not raw or not raw.startswith(ApiToken.PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=token_hash(raw)).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


@transaction.atomic
def account_delete(*, user: User) -> None:
    """Delete a person's account by anonymising it.

    Rows other people rely on (memberships' history, audit trail, and later
    contributions and interventions) keep pointing to the same account, which
    no longer says who it was nor lets anyone log in.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.deleted_at:
        return
    now = timezone.now()
    # What goes on in the person's name stops first: pledges withdrawn, bookings released (personal_data).
    personal_data.before_delete(user, now)
    audit_record(actor=user, action="account.delete", target=user)
    if user.avatar:
        user.avatar.delete(save=False)
    user.avatar = ""
    user.email = f"deleted-{user.pk}@deleted.invalid"
    user.display_name = ""
    user.bio = ""
    user.neighbourhood = None
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.deleted_at = now
    user.set_unusable_password()
    user.save()
    user.api_tokens.all().delete()
    user.emailaddress_set.all().delete()
    user.territory_roles.all().delete()
    # Memberships go; an organisation left without an admin is still
    # managed by the platform admins (organisations.manage_members).
    user.memberships.all().delete()


#: What the platform team changes on an account from the admin beyond the profile: its rights.
RIGHTS = ("is_active", "is_staff", "is_superuser")


@transaction.atomic
def account_admin_save(*, user: User, actor: User, changed: list[str]) -> User:
    """An account as the platform team edited it in the admin: saved, and audited with the fields changed
    (rights with their old and new values). Nobody changes their own rights: another admin does."""
    before = User.objects.filter(pk=user.pk).values(*RIGHTS).first()
    rights = {field: [before[field], getattr(user, field)] for field in RIGHTS
              if before is not None and before[field] != getattr(user, field)}
    if rights and actor.pk == user.pk:
        raise Refused("conflict_of_interest",
                      _("Vous ne modifiez pas vos propres droits : un autre administrateur doit le faire."),
                      status=403)
    user.save()
    audit_record(actor=actor, action="account.admin_change" if before else "account.admin_create", target=user,
                 fields=sorted(changed), rights=rights)
    return user
