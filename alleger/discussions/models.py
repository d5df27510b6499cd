from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

#: Distinct people whose flags hide a content until a moderator decides.
HIDE_AFTER_FLAGS = 3

#: Longest comment, in characters.
COMMENT_MAX_LENGTH = 5000


class Visibility(models.TextChoices):
    VISIBLE = "visible", _("Visible")
    HIDDEN = "hidden", _("Masqué en attente de modération")
    REMOVED = "removed", _("Retiré par la modération")


class Comment(models.Model):
    """A comment or a question on a registered content (see registry.py); replies are one level deep."""

    Visibility = Visibility

    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    # Copied from the target when the comment is written: the moderators of
    # this territory handle it (none: the platform team).
    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.PROTECT,
                               related_name="comments")
    parent = models.ForeignKey("self", verbose_name=_("en réponse à"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="replies")
    body = models.TextField(_("commentaire"), max_length=COMMENT_MAX_LENGTH)
    is_question = models.BooleanField(_("c'est une question"), default=False)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    # Kept in step with the comment's ModerationItem by the moderation services.
    visibility = models.CharField(_("visibilité"), max_length=10, choices=Visibility.choices,
                                  default=Visibility.VISIBLE)
    created_at = models.DateTimeField(auto_now_add=True)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)

    class Meta:
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(visibility__in=Visibility.values), name="comment_visibility_known"),
            models.CheckConstraint(condition=Q(parent__isnull=True) | Q(is_question=False),
                                   name="comment_reply_is_not_a_question"),
            models.CheckConstraint(condition=Q(is_question=True) | Q(answered_at__isnull=True),
                                   name="comment_only_questions_are_answered"),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="comment_not_its_own_parent"),
        ]
        indexes = [models.Index(fields=["target_type", "target_id", "created_at"], name="comment_target")]

    def __str__(self):
        return self.body[:60]

    def get_absolute_url(self):
        target = self.target
        url = target.get_absolute_url() if target is not None and hasattr(target, "get_absolute_url") else "/"
        return f"{url}#commentaire-{self.pk}"


class ItemStatus(models.TextChoices):
    FLAGGED = "flagged", _("Signalé")
    HIDDEN = "hidden", _("Masqué en attente de modération")
    RESTORED = "restored", _("Rétabli")
    REMOVED = "removed", _("Retiré")


class ModerationItem(models.Model):
    """The moderation state of one flagged content: one row per content, created by its first flag.

    Its row is locked while a flag is counted, so that simultaneous flags
    cannot miss the threshold (see services.flag_create)."""

    Status = ItemStatus

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    content = GenericForeignKey("content_type", "object_id")
    territory = models.ForeignKey("territories.Territory", verbose_name=_("territoire"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="moderation_items")
    status = models.CharField(_("statut"), max_length=10, choices=ItemStatus.choices, default=ItemStatus.FLAGGED)
    #: Flags not yet dismissed by a moderator.
    flags_count = models.PositiveIntegerField(_("signalements en cours"), default=0)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("motif de la décision"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contenu signalé")
        verbose_name_plural = _("contenus signalés")
        ordering = ["-flags_count", "created_at"]
        constraints = [
            models.UniqueConstraint(fields=["content_type", "object_id"], name="moderation_item_one_per_content"),
            models.CheckConstraint(condition=Q(status__in=ItemStatus.values), name="moderation_item_status_known"),
            models.CheckConstraint(condition=~Q(status="removed") | ~Q(decision_reason=""),
                                   name="moderation_item_removal_has_reason"),
        ]
        indexes = [models.Index(fields=["territory", "status"], name="moderation_item_queue")]

    def __str__(self):
        return f"{self.content_type.model}:{self.object_id} ({self.status})"

    @property
    def is_hidden(self) -> bool:
        return self.status in (ItemStatus.HIDDEN, ItemStatus.REMOVED)


class Reason(models.TextChoices):
    SPAM = "spam", _("Spam ou publicité")
    ABUSIVE = "abusive", _("Propos injurieux ou haineux")
    OFF_TOPIC = "off_topic", _("Hors sujet")
    PERSONAL_DATA = "personal_data", _("Données personnelles")
    OTHER = "other", _("Autre raison")


class Flag(models.Model):
    """One person's flag on a content. One per person and content, ever: a dismissed flag still counts as given."""

    Reason = Reason

    item = models.ForeignKey(ModerationItem, on_delete=models.CASCADE, related_name="flags")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="flags")
    reason = models.CharField(_("raison"), max_length=20, choices=Reason.choices)
    text = models.TextField(_("précisions"), max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    dismissed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("signalement de contenu")
        verbose_name_plural = _("signalements de contenu")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["item", "user"], name="flag_one_per_user_and_content"),
            models.CheckConstraint(condition=Q(reason__in=Reason.values), name="flag_reason_known"),
            models.CheckConstraint(condition=~Q(reason="other") | ~Q(text=""), name="flag_other_has_text"),
        ]

    def __str__(self):
        return f"{self.user} → {self.item} ({self.reason})"
