"""Who may do what in discussions: comments, flags, moderation.

Contents are those registered in alleger/discussions/registry.py (each app
registers its own; comments themselves can be flagged). Their moderators are
those of their territory.
"""

import rules

from alleger.core.rules import add_binding_perm, is_active_account, is_platform_admin
from alleger.territories.rules import is_any_moderator, is_moderator_of

from . import registry
from .models import ModerationItem, Visibility


def _registered(obj):
    return registry._by_model.get(type(obj)) if obj is not None else None


# Four eyes (see alleger/core/rules.py): nobody decides on what they wrote.
@rules.predicate
def wrote_the_moderated_content(user, item) -> bool:
    """The author of the content a moderation item is about."""
    content = getattr(item, "content", None)
    target = _registered(content)
    return is_active_account(user) and target is not None and target.author_id(content) == user.pk


@rules.predicate
def moderates_content(user, obj) -> bool:
    """A moderator of the territory of a content, a comment or a moderation item."""
    if obj is None:
        return False
    if isinstance(obj, ModerationItem):
        return is_moderator_of(user, obj.territory)
    target = _registered(obj)
    return target is not None and is_moderator_of(user, target.territory(obj))


@rules.predicate
def is_visible_comment(user, comment) -> bool:
    return comment is not None and comment.visibility == Visibility.VISIBLE


@rules.predicate
def is_hidden_comment(user, comment) -> bool:
    return comment is not None and comment.visibility == Visibility.HIDDEN


@rules.predicate
def is_comment_author(user, comment) -> bool:
    return is_active_account(user) and comment is not None and comment.author_id == user.pk


@rules.predicate
def is_commentable_content(user, obj) -> bool:
    target = _registered(obj)
    return target is not None and target.commentable and target.can_view(user, obj)


@rules.predicate
def is_flaggable_content(user, obj) -> bool:
    """A registered content one can see and did not write."""
    target = _registered(obj)
    return (target is not None and target.can_view(user, obj)
            and (not is_active_account(user) or target.author_id(obj) != user.pk))


@rules.predicate
def is_open_question(user, comment) -> bool:
    return comment is not None and comment.is_question and comment.answered_at is None \
        and comment.visibility == Visibility.VISIBLE


@rules.predicate
def wrote_the_discussed_content(user, comment) -> bool:
    """The author of the content a comment discusses (the kit's author for a question on a kit)."""
    if not is_active_account(user) or comment is None:
        return False
    content = comment.target
    target = _registered(content)
    return target is not None and target.author_id(content) == user.pk


rules.add_perm("discussions.view_comment", is_visible_comment | (is_hidden_comment & moderates_content)
               | is_platform_admin)
rules.add_perm("discussions.add_comment", is_active_account & is_commentable_content)
rules.add_perm("discussions.change_comment", is_comment_author & is_visible_comment)
rules.add_perm("discussions.mark_answered", is_open_question & (wrote_the_discussed_content | moderates_content
                                                                | is_platform_admin))
rules.add_perm("discussions.flag", is_active_account & is_flaggable_content)
rules.add_perm("discussions.moderate", moderates_content | is_platform_admin)
# Restore or remove a flagged content: not one's own.
add_binding_perm("discussions.decide", (moderates_content | is_platform_admin) & ~wrote_the_moderated_content)
rules.add_perm("discussions.view_queue", is_any_moderator | is_platform_admin)
