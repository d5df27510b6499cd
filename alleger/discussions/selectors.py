"""Reads of the discussions: threads as a person sees them, moderation state, the queue."""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Prefetch, Q

from alleger.territories.models import Territory, TerritoryRole

from . import registry
from .models import Comment, Flag, ModerationItem, Visibility


@dataclass
class Entry:
    """A comment as one person sees it: `show_body` is False for a hidden one shown to the public,
    `placeholder` for a removed comment kept only because replies hang under it."""

    comment: Comment
    show_body: bool
    placeholder: bool = False
    can_edit: bool = False
    can_mark_answered: bool = False
    can_flag: bool = False
    author_badge: str = ""  # the comment is by the content's author (« Porteur du projet »)
    replies: list = field(default_factory=list)


def comments_of(target):
    content_type = ContentType.objects.get_for_model(target)
    return Comment.objects.filter(target_type=content_type, target_id=target.pk)


def _entry(comment: Comment, user) -> Entry | None:
    if comment.visibility == Visibility.REMOVED:
        return None
    show = comment.visibility == Visibility.VISIBLE or user.has_perm("discussions.view_comment", comment)
    return Entry(
        comment=comment, show_body=show,
        can_edit=user.has_perm("discussions.change_comment", comment),
        can_mark_answered=user.has_perm("discussions.mark_answered", comment),
        can_flag=comment.visibility == Visibility.VISIBLE and user.has_perm("discussions.flag", comment),
    )


def thread(target, user) -> list[Entry]:
    """Top-level comments in order, each with its replies; removed comments never show."""
    comments = list(comments_of(target).select_related("author", "answered_by", "target_type"))
    for comment in comments:
        comment.target = target  # spare each permission check a query for the target
    replies: dict[int, list[Comment]] = {}
    for comment in comments:
        if comment.parent_id:
            replies.setdefault(comment.parent_id, []).append(comment)
    entry_of = registry.target_of(target)
    badge = (entry_of.author_badge, entry_of.author_id(target)) if entry_of.author_badge else None

    def entry_for(comment):
        entry = _entry(comment, user)
        if entry is not None and badge and comment.author_id == badge[1]:
            entry.author_badge = str(badge[0])
        return entry

    entries = []
    for comment in comments:
        if comment.parent_id:
            continue
        entry = entry_for(comment)
        children = [e for e in (entry_for(r) for r in replies.get(comment.pk, [])) if e]
        if entry is None:
            if not children:
                continue
            entry = Entry(comment=comment, show_body=False, placeholder=True)
        entry.replies = children
        entries.append(entry)
    return entries


def comment_count(target) -> int:
    return comments_of(target).exclude(visibility=Visibility.REMOVED).count()


def moderation_item_of(obj) -> ModerationItem | None:
    content_type = ContentType.objects.get_for_model(obj)
    return ModerationItem.objects.filter(content_type=content_type, object_id=obj.pk).first()


def is_hidden(obj) -> bool:
    """True while flags hide a content, and for good once a moderator removed it.

    Pages of registered contents call this (or the `is_hidden` template filter)
    to show « masqué en attente de modération » to the public."""
    if isinstance(obj, Comment):
        return obj.visibility != Visibility.VISIBLE
    content_type = ContentType.objects.get_for_model(obj)
    return ModerationItem.objects.filter(
        content_type=content_type, object_id=obj.pk,
        status__in=(ModerationItem.Status.HIDDEN, ModerationItem.Status.REMOVED)).exists()


def without_hidden(queryset):
    """`queryset` without the contents that flags or a moderator hide (for lists and feeds)."""
    content_type = ContentType.objects.get_for_model(queryset.model)
    hidden = ModerationItem.objects.filter(content_type=content_type, object_id=OuterRef("pk"),
                                           status__in=(ModerationItem.Status.HIDDEN, ModerationItem.Status.REMOVED))
    return queryset.exclude(Exists(hidden))


def waiting_count(territory: Territory) -> int:
    """Flagged or hidden contents of the territory waiting for a moderator's decision."""
    return ModerationItem.objects.filter(territory=territory, status__in=(
        ModerationItem.Status.FLAGGED, ModerationItem.Status.HIDDEN)).count()


def moderation_queue(user, territory: Territory | None = None):
    """Flagged and hidden contents the person moderates, most flagged first."""
    items = (ModerationItem.objects
             .filter(status__in=(ModerationItem.Status.FLAGGED, ModerationItem.Status.HIDDEN))
             .select_related("territory", "content_type")
             .prefetch_related(Prefetch("flags", queryset=Flag.objects.filter(dismissed_at__isnull=True)
                                        .select_related("user")))
             .order_by("-flags_count", "created_at"))
    if territory is not None:
        items = items.filter(territory=territory)
    if not user.is_superuser:
        moderated = TerritoryRole.objects.filter(user=user, role=TerritoryRole.Role.MODERATOR)
        items = items.filter(Q(territory__in=moderated.values("territory")))
    items = list(items)
    for item in items:
        content = item.content
        item.target = registry._by_model.get(type(content)) if content is not None else None
        item.discussed = content.target if isinstance(content, Comment) else None
    return items


def personal_comments(user) -> list[dict]:
    """The person's comments and questions, for their data export (accounts.personal_data)."""
    return [{"body": c.body, "is_question": c.is_question, "created_at": c.created_at.isoformat(),
             "on": f"{c.target_type.app_label}.{c.target_type.model}#{c.target_id}"}
            for c in Comment.objects.filter(author=user).select_related("target_type").order_by("created_at", "pk")]
