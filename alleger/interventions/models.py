"""Interventions on assets (or at free locations) with a kit, their participants and their journal.

The asset's limit on simultaneous participants is enforced by the services
under a lock of the asset row, with a database backstop: every participation
in an active intervention on a limited asset holds a numbered *seat*, between
1 and the asset's limit, unique per asset. Two transactions that forgot the
lock still could not seat more people than the limit.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alleger.core.collation import NATURAL


class Status(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    ONGOING = "ongoing", _("En cours")
    DONE = "done", _("Réalisée")
    ABANDONED = "abandoned", _("Abandonnée")


class Intervention(models.Model):
    Status = Status
    #: Statuses in which the intervention holds places on its asset and may be joined.
    ACTIVE = (Status.PLANNED, Status.ONGOING)
    #: Allowed moves of the status, by the organiser (or a moderator).
    TRANSITIONS = {
        Status.PLANNED: (Status.ONGOING, Status.ABANDONED),
        Status.ONGOING: (Status.DONE, Status.ABANDONED),
        Status.DONE: (),
        Status.ABANDONED: (),
    }

    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), on_delete=models.PROTECT,
                                  related_name="interventions")
    kit = models.ForeignKey("kits.Kit", verbose_name=_("kit"), on_delete=models.PROTECT,
                            related_name="interventions")
    asset = models.ForeignKey("assets.Asset", verbose_name=_("dispositif"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="interventions")
    organiser = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("organisateur"), on_delete=models.PROTECT,
                                  related_name="organised_interventions")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("au nom de l'organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="interventions")
    project = models.ForeignKey(
        "funding.Project", verbose_name=_("financée par le projet"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="interventions")
    title = models.CharField(_("titre"), max_length=150, db_collation=NATURAL)
    description = models.TextField(_("description (Markdown)"))
    lat = models.FloatField(_("latitude"))
    lon = models.FloatField(_("longitude"))
    neighbourhood = models.ForeignKey("territories.Neighbourhood", verbose_name=_("quartier"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="interventions")
    starts_on = models.DateField(_("début prévu"))
    ends_on = models.DateField(_("fin prévue"), null=True, blank=True)
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    followers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="followed_interventions",
                                       through="InterventionFollower")

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=Status.values), name="intervention_status_known"),
            models.CheckConstraint(condition=Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                                   name="intervention_coordinates_valid"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="intervention_dates_ordered"),
            models.CheckConstraint(condition=Q(status__in=("done", "abandoned")) | Q(finished_at__isnull=True),
                                   name="intervention_finished_only_when_over"),
        ]
        indexes = [
            models.Index(fields=["territory", "status"], name="intervention_territory_status"),
            models.Index(fields=["lat", "lon"], name="intervention_lat_lon"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("interventions:detail", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE


class InterventionFollower(models.Model):
    """Who follows an intervention, since when (the table of the former plain many-to-many, kept with its
    rows). `created_at` is null for the follows recorded before it existed (their date is unknown)."""

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(_("depuis le"), null=True, blank=True, default=timezone.now)

    class Meta:
        db_table = "interventions_intervention_followers"
        unique_together = [("intervention", "user")]
        verbose_name = _("abonné à l'intervention")
        verbose_name_plural = _("abonnés à l'intervention")

    def __str__(self):
        return f"{self.user_id} → {self.intervention_id}"


class Participation(models.Model):
    """A person in an intervention: its organiser, or someone who joined. Both accepted the kit's charter."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Organisateur")
        PARTICIPANT = "participant", _("Participant")

    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="participations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="participations")
    organisation = models.ForeignKey(
        "organisations.Organisation", verbose_name=_("au nom de l'organisation"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="participations")
    role = models.CharField(_("rôle"), max_length=12, choices=Role.choices, default=Role.PARTICIPANT)
    charter_accepted_at = models.DateTimeField(_("charte acceptée le"))
    charter_version = models.PositiveIntegerField(_("version du kit acceptée"), null=True, blank=True)
    joined_at = models.DateTimeField(auto_now_add=True)

    # The database backstop of the asset's limit: a seat number on the asset while the intervention is
    # active and the asset limited, else NULL. seat_limit is the asset's limit when the seat was taken.
    asset = models.ForeignKey("assets.Asset", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="seats")
    seat = models.PositiveSmallIntegerField(null=True, blank=True)
    seat_limit = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["joined_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["intervention", "user"], name="participation_once_per_person"),
            models.UniqueConstraint(fields=["intervention"], condition=Q(role="organiser"),
                                    name="participation_one_organiser"),
            models.UniqueConstraint(fields=["asset", "seat"], condition=Q(seat__isnull=False),
                                    name="participation_seat_unique_per_asset"),
            models.CheckConstraint(
                condition=Q(seat__isnull=True) | Q(asset__isnull=False, seat__gte=1, seat_limit__isnull=False,
                                                   seat__lte=F("seat_limit")),
                name="participation_seat_within_limit"),
            models.CheckConstraint(condition=Q(role__in=("organiser", "participant")),
                                   name="participation_role_known"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.intervention}"


class JournalEntry(models.Model):
    intervention = models.ForeignKey(Intervention, on_delete=models.CASCADE, related_name="journal")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("auteur"), null=True,
                               on_delete=models.SET_NULL, related_name="journal_entries")
    text = models.TextField(_("texte (Markdown)"))
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("entrées du journal")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.intervention} — {self.created_at:%Y-%m-%d}"


class JournalPhoto(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("photo"), upload_to="interventions/")
    alt = models.CharField(_("description de la photo"), max_length=200)
    position = models.PositiveSmallIntegerField(default=1)

    class Meta:
        verbose_name = _("photo du journal")
        verbose_name_plural = _("photos du journal")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.alt
