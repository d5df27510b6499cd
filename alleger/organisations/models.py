from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alleger.core.collation import NATURAL


class Organisation(models.Model):
    """An association, company, public body or informal collective.

    Organisations carry projects, run places, author kits and sponsor.
    """

    class Kind(models.TextChoices):
        ASSOCIATION = "association", _("Association")
        COMPANY = "company", _("Entreprise")
        PUBLIC_BODY = "public_body", _("Organisme public")
        COLLECTIVE = "collective", _("Collectif informel")

    name = models.CharField(_("nom"), max_length=150, db_collation=NATURAL)
    slug = models.SlugField(_("identifiant"), max_length=80, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    description = models.TextField(_("présentation (Markdown)"), blank=True)
    website = models.URLField(_("site web"), blank=True)
    territory = models.ForeignKey(
        "territories.Territory", verbose_name=_("territoire"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="organisations",
    )
    is_sponsor = models.BooleanField(
        _("mécène"), default=False,
        help_text=_("Peut abonder des fonds de doublement et soutenir des projets."),
    )
    #: Checked by a moderator of its territory or the platform team (its registration, its public contact):
    #: until then anyone may have created it, and every page that names it says so.
    verified_at = models.DateTimeField(_("identité vérifiée le"), null=True, blank=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("vérifiée par"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("Administration")
        MEMBER = "member", _("Membre")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("rôle"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("adhésion")
        verbose_name_plural = _("adhésions")
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organisation} ({self.role})"


class Invitation(models.Model):
    """An organisation's admin asks someone to join it; they become a member only when they accept.

    Addressed to an e-mail address, whether an account uses it or not: the admin learns nothing about who
    has an account, and nobody is shown as a member of an organisation they never agreed to join.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Déclinée")
        CANCELLED = "cancelled", _("Annulée")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("adresse e-mail"))
    role = models.CharField(_("rôle"), max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    token = models.CharField(max_length=64, unique=True)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "email"], condition=models.Q(status="pending"),
                                    name="invitation_one_pending_per_address"),
            models.CheckConstraint(condition=models.Q(status__in=["pending", "accepted", "declined", "cancelled"]),
                                   name="invitation_status_known"),
        ]

    def __str__(self):
        return f"{self.email} → {self.organisation} ({self.status})"

    def get_absolute_url(self):
        return reverse("organisations:invitation", kwargs={"token": self.token})


class SponsorshipRequest(models.Model):
    """An organisation asks to become a sponsor (mécène) of a territory; its moderators decide."""

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente")
        ACCEPTED = "accepted", _("Acceptée")
        REFUSED = "refused", _("Refusée")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sponsorship_requests")
    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), on_delete=models.CASCADE,
                                  related_name="sponsorship_requests")
    message = models.TextField(_("ce que l'organisation propose"), max_length=2000)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "territory"], condition=models.Q(status="pending"),
                                    name="sponsorship_request_one_pending"),
        ]

    def __str__(self):
        return f"{self.organisation_id} → {self.territory_id} ({self.status})"
