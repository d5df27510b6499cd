from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Metric(models.Model):
    """One figure of one day, for a territory and one neighbourhood (or none), of one kind.

    Written only by the metrics job (alleger.cell.services.rebuild_day), which
    replaces a whole (territory, day) at once: rebuilding a day twice gives the
    same rows. Dashboards sum these rows; they never count the live tables.
    `dimension` splits a kind further (a report category, a sponsor, an
    intervention's kit), "" when it does not.
    """

    day = models.DateField(_("jour"))
    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), on_delete=models.CASCADE,
                                  related_name="metrics")
    neighbourhood = models.ForeignKey("territories.Neighbourhood", verbose_name=_("quartier"), null=True,
                                      blank=True, on_delete=models.CASCADE, related_name="metrics")
    key = models.CharField(_("indicateur"), max_length=40)
    dimension = models.CharField(_("détail"), max_length=60, blank=True, default="")
    value = models.BigIntegerField(_("valeur"))
    computed_at = models.DateTimeField(_("calculé le"), auto_now=True)

    class Meta:
        verbose_name = _("indicateur du jour")
        verbose_name_plural = _("indicateurs du jour")
        ordering = ["day", "key", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "day", "key", "dimension"],
                                    condition=Q(neighbourhood__isnull=True), name="metric_unique_no_neighbourhood"),
            models.UniqueConstraint(fields=["territory", "day", "neighbourhood", "key", "dimension"],
                                    condition=Q(neighbourhood__isnull=False), name="metric_unique_per_neighbourhood"),
        ]
        indexes = [models.Index(fields=["territory", "key", "day"], name="metric_series")]

    def __str__(self):
        return f"{self.day} {self.key}{'/' + self.dimension if self.dimension else ''} = {self.value}"
