import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, BaseUserManager, _user_has_perm
from django.db import models
from django.utils.translation import gettext_lazy as _

from alleger.core.rules import BINDING_FOR_SUPERUSERS


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email, password=None, **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email, password, **extra)


class User(AbstractUser):
    """A person. The e-mail address is the login; the display name is public."""

    username = None
    first_name = None
    last_name = None
    email = models.EmailField(_("adresse e-mail"), unique=True)
    display_name = models.CharField(_("nom affiché"), max_length=80, blank=True)
    bio = models.TextField(_("présentation courte"), max_length=500, blank=True)
    neighbourhood = models.ForeignKey(
        "territories.Neighbourhood", verbose_name=_("quartier"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="residents",
    )
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    preferred_language = models.CharField(_("langue"), max_length=8, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []
    objects = UserManager()

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")

    def __str__(self):
        return self.public_name

    def has_perm(self, perm, obj=None):
        # Django lets an active superuser do everything; a few rules bind the
        # platform team too (four eyes: nobody approves their own pledge,
        # project, kit or proposal), so for those the rule alone decides
        # (each app's rules.py marks them with core.rules.add_binding_perm).
        if perm in BINDING_FOR_SUPERUSERS:
            return self.is_active and _user_has_perm(self, perm, obj)
        return super().has_perm(perm, obj)

    @property
    def public_name(self) -> str:
        if self.deleted_at:
            return str(_("Compte supprimé"))
        return self.display_name or self.email.split("@")[0]


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored: it is shown once."""

    PREFIX = "alg_"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("nom"), max_length=80)
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12, help_text="first characters, to recognise a token")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True)

    class Meta:
        verbose_name = _("jeton d'API")
        verbose_name_plural = _("jetons d'API")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.hint}…)"

    @classmethod
    def generate_raw(cls) -> str:
        return cls.PREFIX + secrets.token_urlsafe(32)
