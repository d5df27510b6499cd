from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Slug(models.TextChoices):
    """The trust pages; the value is also the page's address (/<slug>/)."""

    LEGAL = "mentions-legales", _("Mentions légales")
    TERMS = "conditions-utilisation", _("Conditions d'utilisation")
    PRIVACY = "confidentialite", _("Politique de confidentialité")
    COOKIES = "cookies", _("Cookies")
    ACCESSIBILITY = "accessibilite", _("Déclaration d'accessibilité")
    CONTACT = "contact", _("Contact")


class Page(models.Model):
    """A trust page's content in one language, as edited by the platform team.

    Without a row, the default shipped in alleger/pages/content/<language>/<slug>.md
    is shown. Every edit is audited with the previous text (core.AuditEvent).
    """

    slug = models.CharField(_("page"), max_length=40, choices=Slug.choices)
    language = models.CharField(_("langue"), max_length=5, choices=settings.LANGUAGES)
    content = models.TextField(_("contenu (Markdown)"))
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("modifiée par"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("page de confiance")
        verbose_name_plural = _("pages de confiance")
        ordering = ["slug", "language"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "language"], name="page_one_per_slug_and_language"),
            models.CheckConstraint(condition=Q(slug__in=Slug.values), name="page_slug_known"),
            models.CheckConstraint(condition=Q(language__in=[code for code, _name in settings.LANGUAGES]),
                                   name="page_language_known"),
        ]

    def __str__(self):
        return f"{self.get_slug_display()} ({self.language})"
