"""Bookable resources of shared places and their bookings (track 3).

A place's resources (rooms, desks, machines, tools) each have a capacity,
slot rules (slot length, their own opening hours, a buffer between
bookings), a booking window, a cancellation deadline, a price (recorded,
never charged here) and maybe a training to have been validated on.

No double booking, ever. Every rule is checked by `services` under the
resource's row lock (SQLite: the whole transaction is BEGIN IMMEDIATE). On
PostgreSQL the exclusion constraint `booking_no_overlap` (migration 0002)
is the backstop for resources of capacity 1: a conditional exclusion
constraint cannot read the resource, so each booking carries `exclusive`,
copied from the resource, and `blocked_end` (its end plus the buffer).
"""

import hashlib
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alleger.core.collation import NATURAL
from alleger.places import hours


class ResourceKind(models.TextChoices):
    ROOM = "room", _("Salle")
    DESK = "desk", _("Poste de travail")
    MACHINE = "machine", _("Machine")
    TOOL = "tool", _("Outil")
    SEAT = "seat", _("Place dans un atelier")


class Pricing(models.TextChoices):
    FREE = "free", _("Gratuit")
    MEMBERS = "members", _("Réservé aux membres du lieu")
    PAID = "paid", _("Payant")


class Training(models.Model):
    """A training a person attends before using a machine; the place's manager validates it."""

    place = models.ForeignKey("places.Place", verbose_name=_("lieu"), on_delete=models.CASCADE,
                              related_name="trainings")
    name = models.CharField(_("formation"), max_length=150, db_collation=NATURAL)
    description = models.TextField(_("description"), blank=True)
    validity_days = models.PositiveIntegerField(
        _("validité (jours)"), null=True, blank=True,
        help_text=_("Au-delà, la formation doit être renouvelée. Vide : sans limite."))

    class Meta:
        verbose_name = _("formation")
        verbose_name_plural = _("formations")
        ordering = ["place", "name", "pk"]

    def __str__(self):
        return self.name


#: A resource's times are bounded by what a place can mean (a slot of a day at most, a year or two ahead):
#: a typo of extra zeros is a form error, not a resource nobody can book.
DAY_MINUTES = 24 * 60


class Resource(models.Model):
    Kind = ResourceKind
    Pricing = Pricing

    place = models.ForeignKey("places.Place", verbose_name=_("lieu"), on_delete=models.CASCADE,
                              related_name="resources")
    name = models.CharField(_("nom"), max_length=150, db_collation=NATURAL)
    kind = models.CharField(_("type"), max_length=10, choices=ResourceKind.choices)
    description = models.TextField(_("description"), blank=True)
    capacity = models.PositiveIntegerField(_("capacité"), default=1,
                                           validators=[MinValueValidator(1), MaxValueValidator(10_000)],
                                           help_text=_("1 : une seule réservation à la fois."))
    opening_hours = models.CharField(
        _("créneaux réservables (syntaxe OpenStreetMap)"), max_length=hours.MAX_LENGTH,
        validators=[hours.validate], help_text=_("Par exemple « Mo-Fr 09:00-18:00 »."))
    slot_minutes = models.PositiveIntegerField(_("durée d'un créneau (minutes)"), default=60,
                                               validators=[MinValueValidator(15), MaxValueValidator(DAY_MINUTES)])
    max_slots = models.PositiveIntegerField(_("créneaux consécutifs au plus"), default=4,
                                            validators=[MinValueValidator(1), MaxValueValidator(96)])
    buffer_minutes = models.PositiveIntegerField(_("battement entre deux réservations (minutes)"), default=0,
                                                 validators=[MaxValueValidator(DAY_MINUTES)])
    book_ahead_days = models.PositiveIntegerField(_("réservable jusqu'à (jours à l'avance)"), default=60,
                                                  validators=[MaxValueValidator(730)])
    min_notice_minutes = models.PositiveIntegerField(_("délai minimum avant le début (minutes)"), default=0,
                                                     validators=[MaxValueValidator(30 * DAY_MINUTES)])
    cancel_hours = models.PositiveIntegerField(_("annulation au plus tard (heures avant le début)"), default=0,
                                               validators=[MaxValueValidator(30 * 24)])
    max_future_bookings = models.PositiveIntegerField(
        _("réservations à venir par personne au plus"), default=0, help_text=_("0 : sans limite."),
        validators=[MaxValueValidator(1_000)])
    pricing = models.CharField(_("tarif"), max_length=10, choices=Pricing.choices, default=Pricing.FREE)
    price_cents = models.PositiveIntegerField(_("prix par créneau (centimes)"), default=0,
                                              validators=[MaxValueValidator(1_000_000)])
    training = models.ForeignKey(Training, verbose_name=_("formation requise"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="resources")
    active = models.BooleanField(_("réservable"), default=True)
    notify_email = models.EmailField(
        _("prévenir à cette adresse"), blank=True,
        help_text=_("Chaque réservation et chaque annulation faite par la personne y est signalée par courriel "
                    "(l'adresse du lieu, la vôtre…). Vide : personne n'est prévenu."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ressource réservable")
        verbose_name_plural = _("ressources réservables")
        ordering = ["place", "name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="resource_capacity_positive"),
            models.CheckConstraint(condition=Q(slot_minutes__gte=15), name="resource_slot_at_least_15"),
            models.CheckConstraint(condition=Q(max_slots__gte=1), name="resource_max_slots_positive"),
            models.CheckConstraint(condition=Q(kind__in=ResourceKind.values), name="resource_kind_known"),
            models.CheckConstraint(condition=Q(pricing__in=Pricing.values), name="resource_pricing_known"),
        ]

    def __str__(self):
        return f"{self.name} ({self.place})"

    def get_absolute_url(self):
        return reverse("bookings:resource", kwargs={"pk": self.pk})

    @property
    def exclusive(self) -> bool:
        return self.capacity == 1


class Series(models.Model):
    """A recurring booking for a group: the same slot every week."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="series")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="booking_series")
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="booking_series")
    title = models.CharField(_("intitulé"), max_length=150)
    #: [{"date": "2026-12-08", "code": "slot_taken", "message": "…"}]: the dates not booked, and why.
    conflicts = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("réservation récurrente")
        verbose_name_plural = _("réservations récurrentes")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("bookings:series_detail", args=[self.pk])


class Status(models.TextChoices):
    HELD = "held", _("Proposée (liste d'attente)")
    CONFIRMED = "confirmed", _("Confirmée")
    CHECKED_IN = "checked_in", _("Présence constatée")
    NO_SHOW = "no_show", _("Absence")
    CANCELLED = "cancelled", _("Annulée")
    EXPIRED = "expired", _("Non réclamée")


#: The statuses that hold a place on the resource.
ACTIVE = (Status.HELD, Status.CONFIRMED, Status.CHECKED_IN)


class Booking(models.Model):
    Status = Status

    resource = models.ForeignKey(Resource, verbose_name=_("ressource"), on_delete=models.CASCADE,
                                 related_name="bookings")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("réservé par"), on_delete=models.CASCADE,
                             related_name="bookings")
    organisation = models.ForeignKey("organisations.Organisation", verbose_name=_("pour le groupe"), null=True,
                                     blank=True, on_delete=models.SET_NULL, related_name="bookings")
    series = models.ForeignKey(Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="bookings")
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    #: The end plus the resource's buffer: what the exclusion constraint compares.
    blocked_end = models.DateTimeField()
    #: Copied from the resource (capacity 1) for the conditional exclusion constraint.
    exclusive = models.BooleanField(default=True)
    seats = models.PositiveIntegerField(_("places"), default=1)
    status = models.CharField(_("état"), max_length=12, choices=Status.choices, default=Status.CONFIRMED)
    hold_until = models.DateTimeField(_("à confirmer avant"), null=True, blank=True)
    price_cents = models.PositiveIntegerField(_("prix (centimes)"), default=0)
    purpose = models.CharField(_("objet"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("réservation")
        verbose_name_plural = _("réservations")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="booking_ends_after_start"),
            models.CheckConstraint(condition=Q(blocked_end__gte=F("end")), name="booking_blocked_covers_end"),
            models.CheckConstraint(condition=Q(seats__gte=1), name="booking_seats_positive"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="booking_status_known"),
            models.CheckConstraint(condition=~Q(exclusive=True) | Q(seats=1), name="booking_exclusive_one_seat"),
            models.CheckConstraint(condition=~Q(status=Status.HELD) | Q(hold_until__isnull=False),
                                   name="booking_held_has_deadline"),
        ]
        indexes = [models.Index(fields=["resource", "start"], name="booking_resource_start"),
                   models.Index(fields=["user", "status"], name="booking_user_status")]

    def __str__(self):
        return f"{self.resource_id} · {self.start:%Y-%m-%d %H:%M} · {self.status}"

    def get_absolute_url(self):
        return reverse("bookings:booking", kwargs={"pk": self.pk})

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE


class WaitlistEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("En attente")
        OFFERED = "offered", _("Créneau proposé")
        CLAIMED = "claimed", _("Réservé")
        PASSED = "passed", _("Passé au suivant")
        LEFT = "left", _("Quittée")

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="waitlist")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="waitlist_entries")
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    seats = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    booking = models.ForeignKey(Booking, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("place en liste d'attente")
        verbose_name_plural = _("listes d'attente")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "user", "start"], condition=Q(status__in=["waiting", "offered"]),
                                    name="waitlist_once_per_slot"),
        ]

    def __str__(self):
        return f"{self.user_id} · {self.resource_id} · {self.start:%Y-%m-%d %H:%M}"


class Qualification(models.Model):
    """A person's training: asked for, then validated by the place's manager (maybe until a date)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Inscrit, à valider")
        VALIDATED = "validated", _("Validée")
        REVOKED = "revoked", _("Retirée")

    training = models.ForeignKey(Training, on_delete=models.CASCADE, related_name="qualifications")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="qualifications")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.REQUESTED)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    validated_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(_("valable jusqu'au"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("formation suivie")
        verbose_name_plural = _("formations suivies")
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["training", "user"], name="qualification_once")]

    def __str__(self):
        return f"{self.user_id} · {self.training_id} · {self.status}"


class CalendarToken(models.Model):
    """The secret of a person's calendar feed. Only its SHA-256 is stored; deleting it revokes the feed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_tokens")
    key_hash = models.CharField(max_length=64, unique=True)
    hint = models.CharField(max_length=12)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lien d'agenda")
        verbose_name_plural = _("liens d'agenda")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user_id} ({self.hint}…)"

    @staticmethod
    def generate_raw() -> str:
        return "cal_" + secrets.token_urlsafe(32)

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()
