from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alleger.core.collation import NATURAL


class Metric(models.Model):
    """One figure of one day, for a territory and one neighbourhood (or none), of one kind.

    Written only by the metrics job (alleger.cell.services.rebuild), which
    replaces a territory's whole range of days at once: rebuilding a day twice
    gives the same rows. Dashboards sum these rows; they never count the live tables.
    `dimension` splits a kind further (a report category, a sponsor, an
    intervention's kit), "" when it does not.
    """

    day = models.DateField(_("jour"))
    # No index of its own: the series index and the unique constraints begin with it.
    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), on_delete=models.CASCADE,
                                  related_name="metrics", db_index=False)
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
    name = models.CharField(_("nom"), max_length=80, db_collation=NATURAL)
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
    """What the cell did from the watch on one item: follow it, tag it with a challenge (`challenge`), orient
    its holder to a support scheme, invite its author to a workshop (`workshop`). Every action is one row
    (the cell's journal); a tag or an invitation always names its challenge or workshop (check constraints)."""

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
    #: tag: the challenge the item answers; invite: the workshop its author is invited to.
    challenge = models.ForeignKey("Challenge", verbose_name=_("défi"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="cell_actions")
    workshop = models.ForeignKey("Workshop", verbose_name=_("atelier"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="cell_actions")
    created_at = models.DateTimeField(_("date"), auto_now_add=True)

    class Meta:
        verbose_name = _("action de la cellule")
        verbose_name_plural = _("actions de la cellule")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["follow", "tag", "orient", "invite"]),
                                   name="cellaction_kind_known"),
            models.CheckConstraint(condition=~Q(kind="tag") | Q(challenge__isnull=False),
                                   name="cellaction_tag_has_challenge"),
            models.CheckConstraint(condition=~Q(kind="invite") | Q(workshop__isnull=False),
                                   name="cellaction_invite_has_workshop"),
            # One invitation of an item's author to a workshop: a second click sends no second e-mail.
            models.UniqueConstraint(fields=["workshop", "target_type", "target_id"], condition=Q(kind="invite"),
                                    name="cellaction_invite_once"),
        ]
        indexes = [models.Index(fields=["target_type", "target_id"], name="cellaction_target")]

    def __str__(self):
        return f"{self.kind} {self.target_type_id}:{self.target_id}"


# --- Challenges ----------------------------------------------------------------------------------
# A challenge (« défi urbain ») the cell states, its workshops, the objects that answer it and the
# indicators it follows. Writes: alleger.cell.challenge_services; reads: alleger.cell.challenges.


def _one_target() -> Q:
    """Exactly the foreign key its kind names is set (the others are null)."""
    kinds = ["project", "call", "pool", "kit", "intervention", "proposal", "place"]
    condition = None
    for kind in kinds:
        one = Q(kind=kind, **{f"{kind}__isnull": False},
                **{f"{other}__isnull": True for other in kinds if other != kind})
        condition = one if condition is None else condition | one
    return condition


class Challenge(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        OPEN = "open", _("Ouvert")
        CLOSED = "closed", _("Clos")

    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), on_delete=models.PROTECT,
                                  related_name="challenges")
    neighbourhoods = models.ManyToManyField("territories.Neighbourhood", verbose_name=_("quartiers"), blank=True,
                                            related_name="challenges")
    title = models.CharField(_("titre"), max_length=150, db_collation=NATURAL)
    problem = models.TextField(_("le problème (Markdown)"), max_length=10_000)
    indicators = models.TextField(_("les indicateurs à faire bouger"), max_length=3_000, blank=True)
    starts_on = models.DateField(_("début"))
    ends_on = models.DateField(_("fin"))
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("créé par"), null=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("défi")
        verbose_name_plural = _("défis")
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="challenge_dates_ordered",
                                   violation_error_message=_("La date de début doit précéder la date de fin.")),
            models.CheckConstraint(condition=Q(status__in=("draft", "open", "closed")), name="challenge_status_known"),
        ]
        indexes = [models.Index(fields=["territory", "status"], name="challenge_territory_status")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("cell:challenge", kwargs={"slug": self.territory.slug, "pk": self.pk})


class Workshop(models.Model):
    """A workshop held for a challenge, in one of two places, exactly one (a check constraint):

    - a bookable room of a shared place of the territory (`room`): the workshop books it through the
      bookings service, under its rules (`booking`, from `held_at` to `ends_at`);
    - or a place that is not on the platform, in words (`place_name`, maybe `place_url`).
    """

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="workshops")
    held_at = models.DateTimeField(_("date et heure"))
    ends_at = models.DateTimeField(_("fin"), null=True, blank=True)
    room = models.ForeignKey("bookings.Resource", verbose_name=_("salle d'un lieu partagé"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="workshops")
    booking = models.OneToOneField("bookings.Booking", verbose_name=_("réservation"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="workshop")
    place_name = models.CharField(_("lieu"), max_length=200, blank=True)
    place_url = models.URLField(_("lien vers le lieu"), blank=True)
    participants_count = models.PositiveIntegerField(_("nombre de participants"), null=True, blank=True)
    participants = models.CharField(_("qui était là"), max_length=300, blank=True,
                                    help_text=_("Par exemple : « 14 habitants, 2 agents de la Ville »."))
    minutes = models.TextField(_("compte rendu (Markdown)"), max_length=20_000, blank=True)
    #: Called off by the cell before it was held (its room released, its invited people told); kept, not
    #: deleted: the watch's invitations name it.
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True)
    cancel_reason = models.CharField(_("motif de l'annulation"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("atelier")
        verbose_name_plural = _("ateliers")
        ordering = ["held_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(room__isnull=True) & ~Q(place_name="")) | (Q(room__isnull=False) & Q(place_name="")),
                name="workshop_room_or_place_name",
                violation_error_message=_("Choisissez une salle d'un lieu partagé ou nommez le lieu, pas les deux.")),
            models.CheckConstraint(condition=Q(room__isnull=True) | Q(ends_at__isnull=False),
                                   name="workshop_room_has_end"),
            models.CheckConstraint(condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("held_at")),
                                   name="workshop_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.challenge_id} {self.held_at:%Y-%m-%d} {self.place_label}"

    @property
    def room_released(self) -> bool:
        """Its room's booking was cancelled (by the place, or from the booking's page): the room is no longer
        held for it, whatever the workshop still says."""
        return self.booking_id is not None and self.booking.status == "cancelled"

    @property
    def place_label(self) -> str:
        return str(self.room.place) if self.room_id else self.place_name


class ResponseKind(models.TextChoices):
    PROJECT = "project", _("Projet")
    CALL = "call", _("Appel à projets")
    POOL = "pool", _("Fonds de doublement")
    KIT = "kit", _("Kit")
    INTERVENTION = "intervention", _("Intervention")
    PROPOSAL = "proposal", _("Proposition")
    PLACE = "place", _("Lieu")


#: The models whose objects answer challenges: model label → response kind.
RESPONSE_MODELS = {
    "funding.project": "project", "funding.call": "call", "funding.matchingpool": "pool", "kits.kit": "kit",
    "interventions.intervention": "intervention", "proposals.proposal": "proposal", "places.place": "place",
}


class ChallengeResponse(models.Model):
    """An object that answers a challenge: one nullable foreign key per kind, exactly one of them set.

    Chosen over a generic relation (content type + object id) for the database's guarantees: a real
    foreign key (an object deleted takes its responses with it, no dangling id), a unique constraint per
    (challenge, object) the database enforces, and joins the progress queries can use (sums over the
    projects, counts of interventions per kit) without one query per kind of object. A new kind is a
    column, a choice and a migration.
    """

    Kind = ResponseKind

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposée")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Déclinée")

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="responses")
    kind = models.CharField(_("nature"), max_length=12, choices=ResponseKind.choices)
    project = models.ForeignKey("funding.Project", null=True, blank=True, on_delete=models.CASCADE,
                                related_name="challenge_responses")
    call = models.ForeignKey("funding.Call", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="challenge_responses")
    pool = models.ForeignKey("funding.MatchingPool", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="challenge_responses")
    kit = models.ForeignKey("kits.Kit", null=True, blank=True, on_delete=models.CASCADE,
                            related_name="challenge_responses")
    intervention = models.ForeignKey("interventions.Intervention", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="challenge_responses")
    proposal = models.ForeignKey("proposals.Proposal", null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="challenge_responses")
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="challenge_responses")
    status = models.CharField(_("statut"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    note = models.CharField(_("en quoi il répond au défi"), max_length=500, blank=True)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                    related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    reason = models.TextField(_("motif"), max_length=2_000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("réponse à un défi")
        verbose_name_plural = _("réponses aux défis")
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=_one_target(),
                name="challenge_response_one_target"),
            models.CheckConstraint(condition=Q(status__in=("proposed", "accepted", "declined")),
                                   name="challenge_response_status_known"),
            *[models.UniqueConstraint(fields=["challenge", kind], condition=Q(**{f"{kind}__isnull": False}),
                                      name=f"challenge_response_unique_{kind}")
              for kind in ResponseKind.values],
        ]

    def __str__(self):
        return f"{self.challenge_id} ← {self.kind} {self.target_id}"

    @property
    def target(self):
        return getattr(self, self.kind)

    @property
    def target_id(self):
        return getattr(self, f"{self.kind}_id")


class IndicatorSeries(models.Model):
    """A series of figures the cell follows for a challenge (uploaded as CSV): one name, one unit."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="series")
    name = models.CharField(_("nom"), max_length=120, db_collation=NATURAL)
    unit = models.CharField(_("unité"), max_length=30)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("série d'indicateur")
        verbose_name_plural = _("séries d'indicateurs")
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["challenge", "name"], name="indicator_series_unique_name")]

    def __str__(self):
        return f"{self.name} ({self.unit})"


class IndicatorPoint(models.Model):
    """One value of a series on one day, for one neighbourhood or the whole territory.

    Stored as integer thousandths (`value_milli`, 12,5 kg → 12500): sums are exact in SQL on both
    databases (SQLite has no decimal type and would add floats), as money is integer cents. Three
    decimals cover tonnes, kilograms or jobs; the upload refuses finer values rather than rounding them.
    """

    series = models.ForeignKey(IndicatorSeries, on_delete=models.CASCADE, related_name="points")
    day = models.DateField(_("jour"))
    neighbourhood = models.ForeignKey("territories.Neighbourhood", verbose_name=_("quartier"), null=True,
                                      blank=True, on_delete=models.CASCADE, related_name="+")
    value_milli = models.BigIntegerField(_("valeur (millièmes)"))

    class Meta:
        verbose_name = _("valeur d'indicateur")
        verbose_name_plural = _("valeurs d'indicateurs")
        ordering = ["day", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["series", "day"], condition=Q(neighbourhood__isnull=True),
                                    name="indicator_point_unique_no_neighbourhood"),
            models.UniqueConstraint(fields=["series", "day", "neighbourhood"],
                                    condition=Q(neighbourhood__isnull=False),
                                    name="indicator_point_unique_per_neighbourhood"),
        ]

    def __str__(self):
        return f"{self.series_id} {self.day} {self.value_milli}"
