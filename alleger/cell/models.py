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


# --- The watch


class SavedWatch(models.Model):
    """A person's named filter of the watch, sent as an e-mail digest and read as an Atom feed.

    `filters` holds the watch form's GET parameters (neighbourhood, theme, kind, since…), validated again
    each time they are used: a neighbourhood deleted since then simply drops out. `token` is the secret of
    the Atom feed's address; a new one revokes the old address.
    """

    class Frequency(models.TextChoices):
        DAILY = "daily", _("Chaque jour")
        WEEKLY = "weekly", _("Chaque semaine")
        NONE = "none", _("Jamais (flux Atom seulement)")

    user = models.ForeignKey("accounts.User", verbose_name=_("personne"), on_delete=models.CASCADE,
                             related_name="saved_watches")
    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), on_delete=models.CASCADE,
                                  related_name="saved_watches")
    name = models.CharField(_("nom"), max_length=80)
    filters = models.JSONField(_("filtres"), default=dict, blank=True)
    frequency = models.CharField(_("résumé par e-mail"), max_length=8, choices=Frequency.choices,
                                 default=Frequency.WEEKLY)
    token = models.CharField(max_length=64, unique=True)
    #: The last period whose digest was handled ("2026-12-03" or "2026-W49"), sent or empty.
    last_sent_period = models.CharField(max_length=10, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("veille enregistrée")
        verbose_name_plural = _("veilles enregistrées")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(frequency__in=["daily", "weekly", "none"]),
                                   name="savedwatch_frequency_known"),
        ]

    def __str__(self):
        return self.name


class WatchDigest(models.Model):
    """One period's digest of one saved watch: the row is the proof it was handled (sent, or empty and so not
    sent). Unique per (watch, period): two workers running the job at once send it once."""

    watch = models.ForeignKey(SavedWatch, on_delete=models.CASCADE, related_name="digests")
    period = models.CharField(max_length=10)
    items = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("résumé de veille")
        verbose_name_plural = _("résumés de veille")
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["watch", "period"], name="watchdigest_once_per_period")]

    def __str__(self):
        return f"{self.watch_id} {self.period}"


class CellAction(models.Model):
    """What the cell did from the watch on one item: follow it, tag it with a challenge, orient its holder to
    a support scheme, invite its author to a workshop. Every action is one row (the cell's journal)."""

    class Kind(models.TextChoices):
        FOLLOW = "follow", _("Suivi")
        TAG = "tag", _("Rattaché à un défi")
        ORIENT = "orient", _("Orienté vers un dispositif d'accompagnement")
        INVITE = "invite", _("Invité à un atelier")

    kind = models.CharField(_("action"), max_length=8, choices=Kind.choices)
    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), on_delete=models.CASCADE,
                                  related_name="cell_actions")
    target_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    actor = models.ForeignKey("accounts.User", verbose_name=_("par"), on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("action de la cellule")
        verbose_name_plural = _("actions de la cellule")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(kind__in=["follow", "tag", "orient", "invite"]),
                                              name="cellaction_kind_known")]
        indexes = [models.Index(fields=["target_type", "target_id"], name="cellaction_target")]

    def __str__(self):
        return f"{self.kind} {self.target_type_id}:{self.target_id}"
