from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReputationGrant(models.Model):
    """A level granted by a moderator (of a territory) or the platform team.

    The person's latest grant is a floor: their level is never below it,
    whatever their points (see `reputation.selectors.level_for`). A later grant
    replaces an earlier one, so granting 0 withdraws a floor. Append-only.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("personne"), on_delete=models.CASCADE,
                             related_name="reputation_grants")
    level = models.PositiveSmallIntegerField(_("niveau accordé"))
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("accordé par"), null=True,
                                   on_delete=models.SET_NULL, related_name="reputation_grants_given")
    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="reputation_grants")
    reason = models.TextField(_("motif"))
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("niveau accordé")
        verbose_name_plural = _("niveaux accordés")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(level__lte=3), name="reputation_grant_level_0_to_3"),
        ]

    def __str__(self):
        return f"{self.user} → {self.level}"
