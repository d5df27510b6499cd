"""Track 1 — urban crowdfunding: projects, rewards, contributions, matching pools and the ledger.

Money is integer cents. Every movement of money is one row of `Transfer`,
which debits one ledger account and credits another: the ledger is
double-entry by construction and append-only (database triggers refuse
UPDATE, and DELETE on PostgreSQL). Cached totals (a project's pledged and
matched amounts, a pool's balance, a reward's claimed count) are updated under
a row lock in the transaction that moves the money, and check constraints
keep them within their bounds whatever the code does.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from alleger.core.collation import NATURAL
from alleger.core.errors import Refused


class Theme(models.Model):
    territory = models.ForeignKey("territories.Territory", on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(_("nom"), max_length=80, db_collation=NATURAL)
    slug = models.SlugField(max_length=80)
    description = models.TextField(_("présentation"), blank=True)
    featured = models.BooleanField(_("à la Une"), default=False)

    class Meta:
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["territory", "slug"], name="theme_unique_slug")]

    def __str__(self):
        return self.name


class MatchingPool(models.Model):
    """A sponsor's pool that tops up contributions (Goteo's matchers, ioby's 1:1)."""

    class Trigger(models.TextChoices):
        FIRST_EURO = "first_euro", _("Dès le premier euro")
        LUMP_SUM = "lump_sum", _("Une somme forfaitaire quand un seuil est atteint")

    sponsor = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="pools")
    name = models.CharField(_("nom"), max_length=150, db_collation=NATURAL)
    description = models.TextField(_("présentation"), blank=True)
    # Scope: a pool applies to projects of its territory, optionally narrowed
    # to one theme or one call for projects.
    territory = models.ForeignKey("territories.Territory", on_delete=models.PROTECT, related_name="pools")
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.PROTECT, related_name="pools")
    trigger = models.CharField(_("déclenchement"), max_length=12, choices=Trigger.choices, default=Trigger.FIRST_EURO)
    factor_bp = models.PositiveIntegerField(
        _("coefficient (points de base)"), default=10_000, help_text=_("10000 = 1 € ajouté pour 1 € donné.")
    )
    cap_per_contribution_cents = models.PositiveBigIntegerField(_("plafond par contribution"), null=True, blank=True)
    cap_per_project_cents = models.PositiveBigIntegerField(_("plafond par projet"), null=True, blank=True)
    max_matches_per_contributor = models.PositiveIntegerField(
        _("contributions doublées par personne"), null=True, blank=True
    )
    lump_sum_cents = models.PositiveBigIntegerField(_("somme forfaitaire"), null=True, blank=True)
    threshold_percent = models.PositiveSmallIntegerField(_("seuil en % de l'objectif"), null=True, blank=True)
    threshold_contributors = models.PositiveIntegerField(_("seuil en nombre de contributeurs"), null=True, blank=True)
    # Derived from the ledger (funding minus commitments plus returns); cached
    # here under the pool's row lock so it can carry a constraint.
    balance_cents = models.BigIntegerField(default=0)
    active = models.BooleanField(_("actif"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fonds de doublement")
        verbose_name_plural = _("fonds de doublement")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(balance_cents__gte=0), name="pool_balance_never_negative"),
            models.CheckConstraint(condition=Q(factor_bp__gt=0), name="pool_factor_positive"),
            models.CheckConstraint(
                condition=~Q(trigger="lump_sum") | (Q(lump_sum_cents__gt=0) & (
                    Q(threshold_percent__isnull=False) | Q(threshold_contributors__isnull=False))),
                name="pool_lump_sum_has_amount_and_threshold",
            ),
        ]

    def __str__(self):
        return self.name


class Call(models.Model):
    """An "appel à projets": a window, criteria, and an optional matching pool."""

    territory = models.ForeignKey("territories.Territory", on_delete=models.CASCADE, related_name="calls")
    title = models.CharField(_("titre"), max_length=150, db_collation=NATURAL)
    slug = models.SlugField(max_length=80)
    description = models.TextField(_("présentation et critères (Markdown)"))
    opens_at = models.DateTimeField(_("ouverture"))
    closes_at = models.DateTimeField(_("clôture"))
    pool = models.ForeignKey(MatchingPool, null=True, blank=True, on_delete=models.SET_NULL, related_name="calls")

    class Meta:
        verbose_name = _("appel à projets")
        verbose_name_plural = _("appels à projets")
        ordering = ["-opens_at"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "slug"], name="call_unique_slug"),
            models.CheckConstraint(condition=Q(closes_at__gt=F("opens_at")), name="call_window_ordered"),
        ]

    def __str__(self):
        return self.title


class Project(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Brouillon")
        SUBMITTED = "submitted", _("En relecture")
        CHANGES_REQUESTED = "changes_requested", _("Modifications demandées")
        REFUSED = "refused", _("Refusé")
        PUBLISHED = "published", _("En campagne")
        SUCCEEDED = "succeeded", _("Financé")
        FAILED = "failed", _("Non financé")

    territory = models.ForeignKey("territories.Territory", on_delete=models.PROTECT, related_name="projects")
    holder = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="projects")
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT, related_name="projects",
        verbose_name=_("porté par l'organisation"),
    )
    title = models.CharField(_("titre"), max_length=120, db_collation=NATURAL)
    slug = models.SlugField(max_length=140, unique=True)
    summary = models.CharField(_("résumé"), max_length=280)
    story = models.TextField(_("histoire (Markdown)"))
    image = models.ImageField(_("image"), upload_to="projects/", blank=True)
    image_alt = models.CharField(_("description de l'image"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    neighbourhood = models.ForeignKey(
        "territories.Neighbourhood", null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="projects", verbose_name=_("thèmes"))
    call = models.ForeignKey(Call, null=True, blank=True, on_delete=models.SET_NULL, related_name="projects",
                             verbose_name=_("appel à projets"))
    #: The shared place the project creates (« Ce projet crée le lieu … »); set by the holder.
    place = models.ForeignKey("places.Place", null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="creating_projects", verbose_name=_("lieu créé par le projet"))

    goal_cents = models.PositiveBigIntegerField(_("objectif minimal (centimes)"))
    duration_days = models.PositiveSmallIntegerField(_("durée de la campagne (jours)"))
    accepts_donation = models.BooleanField(_("dons"), default=True)
    accepts_loan = models.BooleanField(_("prêts sans intérêt"), default=False)
    loan_term_months = models.PositiveSmallIntegerField(
        _("remboursement des prêts (mois)"), null=True, blank=True,
        help_text=_("Nombre de mensualités égales, la première un mois après le succès."),
    )

    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    review_message = models.TextField(blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(null=True, blank=True, db_index=True)
    settled_at = models.DateTimeField(null=True, blank=True)
    paid_out_at = models.DateTimeField(null=True, blank=True)
    goal_reached_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    # Cached under the project's row lock (see funding.services.contributions).
    pledged_cents = models.BigIntegerField(default=0)
    matched_cents = models.BigIntegerField(default=0)
    contributors_count = models.PositiveIntegerField(default=0)

    followers = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="followed_projects",
                                       through="ProjectFollower")
    #: People who asked, from an e-mail's link, not to receive this project's news any more (contributors
    #: included, who get them without following); following it again lifts it.
    news_stopped_by = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["-published_at", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(goal_cents__gt=0), name="project_goal_positive"),
            models.CheckConstraint(condition=Q(pledged_cents__gte=0), name="project_pledged_non_negative"),
            models.CheckConstraint(condition=Q(matched_cents__gte=0), name="project_matched_non_negative"),
            models.CheckConstraint(condition=Q(accepts_donation=True) | Q(accepts_loan=True),
                                   name="project_accepts_something"),
        ]
        indexes = [models.Index(fields=["territory", "status"])]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("funding:project", kwargs={"slug": self.slug})

    @property
    def total_cents(self) -> int:
        return self.pledged_cents + self.matched_cents

    @property
    def percent(self) -> int:
        return int(self.total_cents * 100 // self.goal_cents) if self.goal_cents else 0

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def contribution_refusal(self, kind: str, *, with_reward: bool = False) -> Refused | None:
        """Why this project does not take a contribution of this kind, with or without a reward, or None.

        The one rule of accepted contribution kinds (the project's choice within its territory's): the
        contribution form offers what it takes, the page shows a loan schedule if it takes loans, and
        contribution_create refuses the rest with this reason."""
        territory = self.territory
        if kind == Contribution.Kind.LOAN:
            if not (self.accepts_loan and territory.allow_loan):
                return Refused("kind_not_accepted", gettext("Ce projet n'accepte pas de prêts."))
            if with_reward:
                return Refused("invalid", gettext("Un prêt ne donne pas droit à une contrepartie."))
            return None
        if kind == Contribution.Kind.DONATION:
            # A donation with a reward is still a donation: a loans-only project takes neither.
            if not self.accepts_donation:
                return Refused("kind_not_accepted", gettext("Ce projet n'accepte pas de dons."))
            if not with_reward and not territory.allow_donation:
                return Refused("kind_not_accepted", gettext("Ce projet n'accepte pas de dons sans contrepartie."))
            if with_reward and not territory.allow_reward:
                return Refused("kind_not_accepted",
                               gettext("Ce territoire n'accepte pas de dons avec contrepartie."))
            return None
        return Refused("invalid", gettext("Type de contribution inconnu."))

    def takes(self, kind: str, *, with_reward: bool = False) -> bool:
        return self.contribution_refusal(kind, with_reward=with_reward) is None

    @property
    def contribution_kinds(self) -> list[str]:
        """The kinds a person may choose: a donation if taken with or without a reward, a loan if taken."""
        return [kind for kind in Contribution.Kind if self.takes(kind) or self.takes(kind, with_reward=True)]


class ProjectFollower(models.Model):
    """Who follows a project, since when (the table of the former plain many-to-many, kept with its rows).

    `created_at` is null for the follows recorded before it existed (their date is unknown); every new
    follow gets its time, so « new followers this week » is exact from then on (alleger.cell.traction).
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    created_at = models.DateTimeField(_("depuis le"), null=True, blank=True, default=timezone.now)

    class Meta:
        db_table = "funding_project_followers"
        unique_together = [("project", "user")]
        verbose_name = _("abonné au projet")
        verbose_name_plural = _("abonnés au projet")

    def __str__(self):
        return f"{self.user_id} → {self.project_id}"


class StretchGoal(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stretch_goals")
    amount_cents = models.PositiveBigIntegerField(_("palier (centimes)"))
    title = models.CharField(_("avec ce palier"), max_length=200)

    class Meta:
        ordering = ["amount_cents"]
        constraints = [models.CheckConstraint(condition=Q(amount_cents__gt=0), name="stretch_goal_positive")]

    def __str__(self):
        return self.title


class Reward(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="rewards")
    title = models.CharField(_("contrepartie"), max_length=150)
    description = models.TextField(_("description"), blank=True)
    min_amount_cents = models.PositiveBigIntegerField(_("montant minimal (centimes)"))
    quantity = models.PositiveIntegerField(_("quantité limitée"), null=True, blank=True)
    claimed = models.PositiveIntegerField(default=0)
    estimated_delivery = models.DateField(_("livraison estimée"), null=True, blank=True)

    class Meta:
        verbose_name = _("contrepartie")
        verbose_name_plural = _("contreparties")
        ordering = ["min_amount_cents"]
        constraints = [
            # The stock is never oversold, whatever the code does.
            models.CheckConstraint(condition=Q(quantity__isnull=True) | Q(claimed__lte=F("quantity")),
                                   name="reward_never_oversold"),
            models.CheckConstraint(condition=Q(min_amount_cents__gt=0), name="reward_min_positive"),
        ]

    def __str__(self):
        return self.title

    @property
    def remaining(self) -> int | None:
        return None if self.quantity is None else self.quantity - self.claimed


class Contribution(models.Model):
    class Kind(models.TextChoices):
        DONATION = "donation", _("Don")
        LOAN = "loan", _("Prêt sans intérêt")

    class Status(models.TextChoices):
        PENDING = "pending", _("En attente du paiement")      # offline: promised, not yet received
        AUTHORISED = "authorised", _("Autorisé")              # card: held, captured on success
        CAPTURED = "captured", _("Encaissé")                  # money in the project's escrow
        CAPTURE_FAILED = "capture_failed", _("Échec d'encaissement, nouvel essai prévu")
        CANCELLED = "cancelled", _("Annulé")
        VOIDED = "voided", _("Libéré (campagne non financée)")
        REFUNDED = "refunded", _("Remboursé")
        DROPPED = "dropped", _("Abandonné après échecs d'encaissement")

    #: Statuses that count towards the project's total.
    ACTIVE = (Status.PENDING, Status.AUTHORISED, Status.CAPTURED, Status.CAPTURE_FAILED)
    #: Statuses that still wait for money at settlement.
    AWAITING = (Status.PENDING, Status.AUTHORISED, Status.CAPTURE_FAILED)
    #: Statuses of money received that is owed back to its contributor (withdrawn, or its campaign failed).
    OWED_BACK = (Status.REFUNDED, Status.CANCELLED)

    # No index of their own: (project, contributor) and (contributor, idempotency_key) lead with them.
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="contributions", db_index=False)
    contributor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="contributions",
                                    db_index=False)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.DONATION)
    amount_cents = models.PositiveBigIntegerField()
    reward = models.ForeignKey(Reward, null=True, blank=True, on_delete=models.PROTECT, related_name="contributions",
                               db_index=False)
    #: The backer shown when a member gives as their organisation; `contributor` is still who pays.
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="contributions", db_index=False)
    anonymous = models.BooleanField(default=False)
    message = models.CharField(max_length=500, blank=True)
    idempotency_key = models.CharField(max_length=80)
    provider = models.CharField(max_length=20)
    provider_reference = models.CharField(max_length=80, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices)
    matched_cents = models.BigIntegerField(default=0)
    capture_attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    reward_fulfilled = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    #: Offline payments: the moderator who confirmed the money arrived (never the contributor nor the holder).
    receipt_confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                             on_delete=models.PROTECT, related_name="+", db_index=False)
    ended_at = models.DateTimeField(null=True, blank=True)
    #: Offline money owed back (withdrawn, or its campaign failed) and handed back as it came: when, and the
    #: moderator who says so (never the contributor nor the holder). The ledger's refund already moved it
    #: from the escrow to the contributor's account; this records the hand that paid it.
    returned_at = models.DateTimeField(null=True, blank=True)
    returned_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", db_index=False)

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["contributor", "idempotency_key"], name="contribution_idempotent"),
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="contribution_positive"),
            models.CheckConstraint(condition=Q(matched_cents__gte=0), name="contribution_match_non_negative"),
            models.CheckConstraint(condition=Q(kind="donation") | Q(reward__isnull=True),
                                   name="contribution_loans_have_no_reward"),
            # Only offline money that was received and is owed back can be handed back, and by someone.
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True, returned_by__isnull=True)
                | Q(returned_at__isnull=False, returned_by__isnull=False, provider="offline",
                    receipt_confirmed_by__isnull=False, status__in=["refunded", "cancelled"]),
                name="contribution_returned_only_offline_money_owed"),
        ]
        # Every index is one more entry written by each pledge, under its project's lock: a hot campaign
        # pays for each. So no index serves only LIKE (Django's `_like` twins), and the columns that
        # most pledges leave empty (a reward, an organisation, a moderator's confirmation) or that only
        # offline payments wait in are indexed where they are set (partial indexes).
        indexes = [
            models.Index(fields=["project", "status"]),
            # « Is this person's pledge their first to the project? », asked under the project's lock for
            # every pledge: one probe, not a walk through every contribution of a hot campaign.
            models.Index(fields=["project", "contributor"]),
            # By time: the metrics job reads a range of days (and who had contributed before it).
            models.Index(fields=["created_at"]),
            # The moderators' queue of offline payments to confirm, across a territory's projects.
            models.Index(fields=["status"], condition=Q(status__in=["pending", "capture_failed"]),
                         name="contribution_awaiting_money"),
            models.Index(fields=["reward"], condition=Q(reward__isnull=False), name="contribution_reward"),
            models.Index(fields=["organisation"], condition=Q(organisation__isnull=False),
                         name="contribution_organisation"),
            models.Index(fields=["receipt_confirmed_by"], condition=Q(receipt_confirmed_by__isnull=False),
                         name="contribution_confirmed_by"),
        ]

    def __str__(self):
        return f"#{self.pk} {self.amount_cents}c → {self.project_id}"

    @property
    def offline_owed_back(self) -> bool:
        """Offline money received, then owed back to its contributor (handed back or not yet)."""
        return self.provider == "offline" and self.receipt_confirmed_by_id is not None and \
            self.status in self.OWED_BACK


class Match(models.Model):
    """Money a pool committed to a project: tied to one contribution, or a lump sum."""

    class Status(models.TextChoices):
        COMMITTED = "committed", _("Engagé")
        RELEASED = "released", _("Versé au projet")
        RETURNED = "returned", _("Rendu au fonds")

    pool = models.ForeignKey(MatchingPool, on_delete=models.PROTECT, related_name="matches")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="matches")
    contribution = models.OneToOneField(Contribution, null=True, blank=True, on_delete=models.PROTECT,
                                        related_name="match")
    amount_cents = models.PositiveBigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.COMMITTED)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="match_positive"),
            # One lump sum per pool and project.
            models.UniqueConstraint(fields=["pool", "project"], condition=Q(contribution__isnull=True),
                                    name="match_one_lump_sum"),
        ]

    def __str__(self):
        return f"{self.amount_cents}c pool {self.pool_id} → project {self.project_id} ({self.status})"


class Account(models.Model):
    """A ledger account. Its balance is the sum of what it received minus what it gave."""

    class Kind(models.TextChoices):
        CONTRIBUTOR = "contributor", _("Contributeur")
        ESCROW = "escrow", _("Séquestre du projet")
        HOLDER = "holder", _("Porteur du projet")
        PLATFORM = "platform", _("Revenus de la plateforme")
        POOL = "pool", _("Fonds de doublement")
        SPONSOR = "sponsor", _("Mécène")

    key = models.CharField(max_length=40, unique=True)  # e.g. "escrow:12", "platform"
    kind = models.CharField(max_length=12, choices=Kind.choices)

    def __str__(self):
        return self.key


class Transfer(models.Model):
    """One movement of money: debits `source`, credits `destination`. Never updated, never deleted."""

    class Kind(models.TextChoices):
        RECEIVE = "receive", _("Paiement reçu (hors ligne)")
        CAPTURE = "capture", _("Encaissement carte")
        REFUND = "refund", _("Remboursement")
        MATCH_COMMIT = "match_commit", _("Abondement engagé")
        MATCH_RETURN = "match_return", _("Abondement rendu")
        COMMISSION = "commission", _("Commission")
        PAYOUT = "payout", _("Versement au porteur")
        POOL_FUND = "pool_fund", _("Alimentation d'un fonds")
        LOAN_REPAYMENT = "loan_repayment", _("Remboursement de prêt")

    kind = models.CharField(max_length=16, choices=Kind.choices)
    source = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="debits")
    destination = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="credits")
    amount_cents = models.BigIntegerField()
    # A retried operation finds its first transfer through this key.
    idempotency_key = models.CharField(max_length=200)
    project = models.ForeignKey(Project, null=True, blank=True, on_delete=models.PROTECT, related_name="transfers")
    contribution = models.ForeignKey(Contribution, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="transfers")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(amount_cents__gt=0), name="transfer_positive"),
            models.CheckConstraint(condition=~Q(source=F("destination")), name="transfer_between_two_accounts"),
            # A constraint, not `unique=True`: the same unique index without Django's LIKE twin.
            models.UniqueConstraint(fields=["idempotency_key"], name="transfer_idempotent"),
        ]

    def __str__(self):
        return f"{self.kind} {self.amount_cents}c {self.source_id}→{self.destination_id}"


class LoanRepayment(models.Model):
    contribution = models.ForeignKey(Contribution, on_delete=models.PROTECT, related_name="repayments")
    amount_cents = models.PositiveBigIntegerField()
    transfer = models.OneToOneField(Transfer, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount_cents__gt=0), name="repayment_positive")]

    def __str__(self):
        return f"{self.amount_cents}c repaid on #{self.contribution_id}"


class SimulatedCharge(models.Model):
    """The simulated card processor's own book: one row per authorisation."""

    reference = models.CharField(max_length=40)
    amount_cents = models.PositiveBigIntegerField()
    status = models.CharField(max_length=12)  # authorised, captured, voided, refunded, declined
    # Test cards decide behaviour: fail every capture, or the first N captures.
    capture_failures_left = models.IntegerField(default=0)
    operations = models.JSONField(default=dict)  # idempotency key → result, as a processor keeps them
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # Unique without Django's LIKE twin index: each card pledge writes one row here.
        constraints = [models.UniqueConstraint(fields=["reference"], name="simulatedcharge_reference")]

    def __str__(self):
        return f"{self.reference} {self.amount_cents}c ({self.status})"


class WebhookEvent(models.Model):
    """Provider notifications already processed: a repeat is acknowledged and ignored."""

    provider = models.CharField(max_length=20)
    event_id = models.CharField(max_length=100)
    payload = models.JSONField()
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["provider", "event_id"], name="webhook_event_once")]

    def __str__(self):
        return f"{self.provider}:{self.event_id}"


class ProjectUpdate(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="updates")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("titre"), max_length=150)
    body = models.TextField(_("texte (Markdown)"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.title


class Need(models.Model):
    """An in-kind need: hands, skills, equipment, a room, advice."""

    class Kind(models.TextChoices):
        SKILLS = "skills", _("Compétences")
        VOLUNTEERS = "volunteers", _("Des bras (bénévoles)")
        EQUIPMENT = "equipment", _("Prêt de matériel")
        ROOM = "room", _("Une salle")
        ADVICE = "advice", _("Conseils")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="needs")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("besoin"), max_length=150)
    description = models.TextField(_("précisions"), blank=True)
    fulfilled = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.title


class Offer(models.Model):
    class Status(models.TextChoices):
        PROPOSED = "proposed", _("Proposée")
        ACCEPTED = "accepted", _("Acceptée")
        DECLINED = "declined", _("Déclinée")
        DONE = "done", _("Réalisée")
        WITHDRAWN = "withdrawn", _("Retirée")

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="offers")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="offers")
    organisation = models.ForeignKey("organisations.Organisation", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="offers")
    message = models.TextField(_("votre proposition"))
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PROPOSED)
    answer = models.TextField(blank=True)
    # An in-kind offer of a bookable resource of a shared place (a room, a machine) for a slot: the
    # holder's acceptance books it through alleger.bookings.services, under the same rules.
    resource = models.ForeignKey("bookings.Resource", verbose_name=_("ressource réservable"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="offers")
    slot_start = models.DateTimeField(_("début du créneau"), null=True, blank=True)
    slot_end = models.DateTimeField(_("fin du créneau"), null=True, blank=True)
    booking = models.ForeignKey("bookings.Booking", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="offers")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(resource__isnull=True)
                | models.Q(slot_start__isnull=False, slot_end__isnull=False, slot_end__gt=models.F("slot_start")),
                name="offer_resource_has_a_slot"),
        ]

    def __str__(self):
        return f"{self.author_id} → {self.need_id} ({self.status})"


class Support(models.Model):
    """What a sponsor or public body attaches to a project besides money from a pool."""

    class Kind(models.TextChoices):
        LABEL = "label", _("Label")
        FUNDING = "funding", _("Financement complémentaire")
        EQUIPMENT = "equipment", _("Prêt de matériel")
        ORIENTATION = "orientation", _("Orientation vers un dispositif d'accompagnement")

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="supports")
    organisation = models.ForeignKey("organisations.Organisation", on_delete=models.PROTECT, related_name="supports")
    kind = models.CharField(_("type"), max_length=12, choices=Kind.choices)
    description = models.CharField(_("description"), max_length=300)
    amount_cents = models.PositiveBigIntegerField(_("montant (centimes)"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.organisation_id}"
