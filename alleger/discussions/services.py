"""Writes of the discussions: comments, flags, moderation decisions.

The views and the API check permissions (alleger/discussions/rules.py) before
calling these; the services enforce what must hold whoever calls them.
"""

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alleger.core.errors import Refused
from alleger.core.services import audit_record

from . import notifications, registry
from .models import (
    COMMENT_MAX_LENGTH,
    HIDE_AFTER_FLAGS,
    Comment,
    Flag,
    ModerationItem,
    Reason,
    Visibility,
)
from .rules import wrote_the_moderated_content


class Decision(models.TextChoices):
    RESTORE = "restore", gettext_lazy("Rétablir le contenu (les signalements sont écartés)")
    REMOVE = "remove", gettext_lazy("Retirer le contenu")


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Refused("empty_comment", _("Le commentaire est vide : écrivez quelques mots avant de l'envoyer."))
    if len(body) > COMMENT_MAX_LENGTH:
        raise Refused("too_long", _("Le commentaire est trop long (%(max)d caractères au plus).")
                      % {"max": COMMENT_MAX_LENGTH})
    return body


# --- comments -------------------------------------------------------------------


@transaction.atomic
def comment_create(*, author, target, body: str, is_question: bool = False, parent: Comment | None = None) -> Comment:
    """Comment on (or ask a question about) a registered content; `parent` makes it a reply.

    Replies are one level deep: a reply to a reply joins the thread of the
    comment that started it."""
    entry = registry.target_of(target)
    if not entry.commentable:
        raise Refused("not_commentable", _("On ne peut pas commenter ce contenu."))
    body = _clean_body(body)
    content_type = ContentType.objects.get_for_model(target)
    if parent is not None:
        if (parent.target_type_id, parent.target_id) != (content_type.pk, target.pk):
            raise Refused("invalid_parent", _("Ce commentaire ne porte pas sur le même contenu."))
        if parent.parent_id is not None:
            parent = parent.parent
        if parent.visibility == Visibility.REMOVED:
            raise Refused("invalid_parent", _("On ne peut plus répondre à ce commentaire."))
        if is_question:
            raise Refused("reply_not_question", _("Une réponse ne peut pas être une question ; "
                                                  "posez-la dans un nouveau commentaire."))
    territory = entry.territory(target)
    comment = Comment.objects.create(target_type=content_type, target_id=target.pk, territory=territory,
                                     author=author, parent=parent, body=body, is_question=bool(is_question))
    content_author_id = entry.author_id(target)
    if entry.notify_author and content_author_id and content_author_id != author.pk:
        recipient = get_user_model().objects.filter(pk=content_author_id, is_active=True).first()
        if recipient is not None:
            notifications.comment_posted(recipient=recipient, comment=comment, content=target)
    return comment


@transaction.atomic
def comment_update(*, comment: Comment, actor, body: str) -> Comment:
    body = _clean_body(body)
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    if comment.visibility != Visibility.VISIBLE:
        raise Refused("not_editable", _("Ce commentaire est en cours de modération : il ne peut pas être modifié."))
    if comment.body != body:
        comment.body = body
        comment.edited_at = timezone.now()
        comment.save(update_fields=["body", "edited_at"])
    return comment


@transaction.atomic
def comment_mark_answered(*, comment: Comment, actor) -> Comment:
    """The content's author or a moderator marks a question as answered."""
    if not comment.is_question:
        raise Refused("not_a_question", _("Ce commentaire n'est pas une question."))
    moved = Comment.objects.filter(pk=comment.pk, is_question=True, answered_at__isnull=True).update(
        answered_at=timezone.now(), answered_by=actor)
    if not moved:
        raise Refused("already_answered", _("Cette question est déjà marquée comme répondue."), status=409)
    comment.refresh_from_db()
    return comment


# --- flags and moderation ---------------------------------------------------------


def _item_locked(target, entry) -> ModerationItem:
    """The content's moderation row, created if needed, locked for this transaction.

    Two first flags at once both try to create it: the insert ignores the
    conflict (the unique constraint decides), then both lock the one row, so
    their counts are taken one after the other."""
    content_type = ContentType.objects.get_for_model(target)
    ModerationItem.objects.bulk_create(
        [ModerationItem(content_type=content_type, object_id=target.pk, territory=entry.territory(target),
                        status=ModerationItem.Status.FLAGGED)],
        ignore_conflicts=True)
    return ModerationItem.objects.select_for_update().get(content_type=content_type, object_id=target.pk)


def _set_comment_visibility(item: ModerationItem, visibility: str) -> None:
    if item.content_type.model_class() is Comment:
        Comment.objects.filter(pk=item.object_id).update(visibility=visibility)


@transaction.atomic
def flag_create(*, target, user, reason: str, text: str = "") -> Flag:
    """Flag a content. The HIDE_AFTER_FLAGS-th distinct flag hides it until a moderator decides."""
    entry = registry.target_of(target)
    text = (text or "").strip()
    if reason not in Reason.values:
        raise Refused("invalid_reason", _("Choisissez la raison du signalement."))
    if reason == Reason.OTHER and not text:
        raise Refused("text_required", _("Précisez la raison du signalement."))
    if len(text) > 1000:
        raise Refused("too_long", _("Les précisions sont trop longues (1 000 caractères au plus)."))
    if entry.author_id(target) == user.pk:
        raise Refused("own_content", _("Vous ne pouvez pas signaler votre propre contenu."))
    item = _item_locked(target, entry)
    if item.status == ModerationItem.Status.REMOVED:
        raise Refused("already_removed", _("Ce contenu a déjà été retiré par la modération."), status=409)
    if Flag.objects.filter(item=item, user=user).exists():
        raise Refused("already_flagged", _("Vous avez déjà signalé ce contenu : la modération va l'examiner."),
                      status=409)
    flag = Flag.objects.create(item=item, user=user, reason=reason, text=text)
    # Counted under the row lock: whatever the interleaving, the third flag sees the first two.
    item.flags_count = item.flags.filter(dismissed_at__isnull=True).count()
    if item.status != ModerationItem.Status.HIDDEN:
        if item.flags_count >= HIDE_AFTER_FLAGS:
            item.status = ModerationItem.Status.HIDDEN
            _set_comment_visibility(item, Visibility.HIDDEN)
            audit_record(actor=None, action="moderation.hide", target=target, item=item.pk,
                         flags=item.flags_count)
        else:
            item.status = ModerationItem.Status.FLAGGED
    item.save(update_fields=["flags_count", "status", "updated_at"])
    return flag


@transaction.atomic
def moderation_decide(*, item: ModerationItem, moderator, decision: str, reason: str = "") -> ModerationItem:
    """Restore a flagged content (its flags are dismissed) or remove it, with a reason; the author is told."""
    reason = (reason or "").strip()
    if decision not in Decision.values:
        raise Refused("invalid", _("Décision inconnue."))
    if decision == Decision.REMOVE and not reason:
        raise Refused("reason_required", _("Indiquez le motif du retrait : il sera envoyé à l'auteur."))
    item = ModerationItem.objects.select_for_update().get(pk=item.pk)
    if wrote_the_moderated_content(moderator, item):
        raise Refused("conflict_of_interest", _("Vous ne pouvez pas décider du sort de votre propre contenu : un "
                                                "autre modérateur doit le faire."), status=403)
    if item.status not in (ModerationItem.Status.FLAGGED, ModerationItem.Status.HIDDEN):
        raise Refused("already_decided", _("Ce contenu a déjà été traité par la modération."), status=409)
    now = timezone.now()
    flags = item.flags_count
    if decision == Decision.RESTORE:
        item.flags.filter(dismissed_at__isnull=True).update(dismissed_at=now)
        item.status, item.flags_count = ModerationItem.Status.RESTORED, 0
        _set_comment_visibility(item, Visibility.VISIBLE)
    else:
        item.status = ModerationItem.Status.REMOVED
        _set_comment_visibility(item, Visibility.REMOVED)
    item.decided_by, item.decided_at, item.decision_reason = moderator, now, reason
    item.save()
    content = item.content
    audit_record(actor=moderator, action=f"moderation.{decision}", target=content if content is not None else item,
                 item=item.pk, reason=reason, flags=flags)
    if content is not None:
        author_id = registry.target_of(content).author_id(content)
        author = get_user_model().objects.filter(pk=author_id).first() if author_id else None
        if author is not None:
            notifications.content_moderated(author=author, item=item, content=content, decision=decision,
                                            reason=reason)
    return item
