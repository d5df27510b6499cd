from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from alleger.core.collation import NATURAL


class Kind(models.TextChoices):
    OPEN_SPACE = "open_space", _("Ouvrir un espace fermé")
    CHANGE_RULE = "change_rule", _("Changer une règle")
    OTHER = "other", _("Autre")


class Status(models.TextChoices):
    SUBMITTED = "submitted", _("Déposée")
    UNDER_REVIEW = "under_review", _("À l'étude")
    ACCEPTED = "accepted", _("Acceptée")
    REJECTED = "rejected", _("Refusée")
    IMPLEMENTED = "implemented", _("Réalisée")


#: Statuses in which residents may still support (or stop supporting) a proposal.
OPEN_STATUSES = (Status.SUBMITTED, Status.UNDER_REVIEW)

#: Where a moderator may move a proposal from each status.
TRANSITIONS = {
    Status.SUBMITTED: (Status.UNDER_REVIEW, Status.ACCEPTED, Status.REJECTED),
    Status.UNDER_REVIEW: (Status.ACCEPTED, Status.REJECTED),
    Status.ACCEPTED: (Status.IMPLEMENTED,),
    Status.REJECTED: (),
    Status.IMPLEMENTED: (),
}


class Proposal(models.Model):
    """A resident's proposal to the territory: open a closed space, change a rule…"""

    Kind = Kind
    Status = Status

    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), on_delete=models.PROTECT,
                                  related_name="proposals")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.PROTECT,
                               related_name="proposals")
    kind = models.CharField(_("type de proposition"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("titre"), max_length=150, db_collation=NATURAL)
    body = models.TextField(_("la proposition"), max_length=10_000)
    asset = models.ForeignKey("assets.Asset", verbose_name=_("dispositif concerné"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="resident_proposals")
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices, default=Status.SUBMITTED)
    #: Kept equal to the number of Support rows, under the proposal's row lock.
    supports_count = models.PositiveIntegerField(_("soutiens"), default=0)
    answer = models.TextField(_("réponse officielle"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("proposition")
        verbose_name_plural = _("propositions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="proposal_kind_known"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="proposal_status_known"),
            models.CheckConstraint(condition=Q(status__in=OPEN_STATUSES) | ~Q(answer=""),
                                   name="proposal_decision_has_answer"),
        ]
        indexes = [models.Index(fields=["territory", "status"], name="proposal_territory_status")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("proposals:detail", kwargs={"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class Support(models.Model):
    """One person's support of a proposal: one each (the unique constraint is the backstop of the service)."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proposal_supports")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("soutien")
        verbose_name_plural = _("soutiens")
        constraints = [models.UniqueConstraint(fields=["proposal", "user"], name="support_one_per_person")]

    def __str__(self):
        return f"{self.user} → {self.proposal}"
