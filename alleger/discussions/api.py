"""Comments and flags API: `GET/POST /comments`, `POST /flags`. Contents are named as in the pages: `kit:12`."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from alleger.accounts.auth import AUTH, PUBLIC
from alleger.core.markdown import render_markdown
from alleger.core.ratelimit import limit

from . import registry, selectors, services
from .models import Comment, Reason

comments_router = Router()
flags_router = Router(auth=AUTH)


class CommentOut(Schema):
    id: int
    target: str
    parent: int | None
    author: str | None
    body: str | None = Field(description="Markdown; null while the comment is hidden pending moderation")
    body_html: str | None
    is_question: bool
    answered: bool
    hidden: bool
    created_at: datetime
    edited_at: datetime | None
    url: str


class CommentFilters(Schema):
    target: str = Field(description="the content, as `<type>:<id>`: kit:12, proposal:3…")


class CommentIn(Schema):
    target: str
    body: str
    is_question: bool = False
    parent: int | None = None


class FlagIn(Schema):
    target: str = Field(description="the content, as `<type>:<id>`: comment:7, kit:12…")
    reason: str = Field(description=", ".join(Reason.values))
    text: str = ""


class FlagOut(Schema):
    id: int
    target: str
    reason: str
    content_hidden: bool


def _comment_out(request, entry, ref: str) -> dict:
    c = entry.comment
    return {
        "id": c.pk, "target": ref, "parent": c.parent_id,
        "author": c.author.public_name if entry.show_body else None,
        "body": c.body if entry.show_body else None,
        "body_html": render_markdown(c.body) if entry.show_body else None,
        "is_question": c.is_question, "answered": c.answered_at is not None,
        "hidden": c.visibility != Comment.Visibility.VISIBLE,
        "created_at": c.created_at, "edited_at": c.edited_at,
        "url": request.build_absolute_uri(c.get_absolute_url()),
    }


def _visible_target(request, ref: str):
    obj = registry.resolve(ref)  # Refused("unknown_target") → 404
    if not registry.target_of(obj).can_view(request.user, obj):
        raise Http404
    return obj


@comments_router.get("", response=list[CommentOut], auth=PUBLIC)
def comment_list(request, filters: Query[CommentFilters]):
    """A content's comments in thread order (each reply follows its comment); removed ones never appear."""
    target = _visible_target(request, filters.target)
    ref = registry.reference(target)
    out = []
    for entry in selectors.thread(target, request.user):
        if not entry.placeholder:
            out.append(_comment_out(request, entry, ref))
        out.extend(_comment_out(request, reply, ref) for reply in entry.replies)
    return out


@comments_router.post("", response={201: CommentOut}, auth=AUTH)
@limit("comment")
def comment_create(request, payload: CommentIn):
    """Comment on a content, ask a question (`is_question`), or reply (`parent`)."""
    target = _visible_target(request, payload.target)
    if not request.user.has_perm("discussions.add_comment", target):
        raise PermissionDenied
    parent = get_object_or_404(Comment, pk=payload.parent) if payload.parent else None
    comment = services.comment_create(author=request.user, target=target, body=payload.body,
                                      is_question=payload.is_question, parent=parent)
    entry = selectors.Entry(comment=comment, show_body=True)
    return Status(201, _comment_out(request, entry, registry.reference(target)))


@flags_router.post("", response={201: FlagOut})
@limit("flag")
def flag_create(request, payload: FlagIn):
    """Flag a content for moderation (one flag per person and content); three flags hide it."""
    target = _visible_target(request, payload.target)
    if not request.user.has_perm("discussions.flag", target):
        raise PermissionDenied
    flag = services.flag_create(target=target, user=request.user, reason=payload.reason, text=payload.text)
    return Status(201, {"id": flag.pk, "target": registry.reference(target), "reason": flag.reason,
                        "content_hidden": flag.item.is_hidden})
