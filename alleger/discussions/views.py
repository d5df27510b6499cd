"""Comment, flag and moderation pages. Every form also works without JavaScript:
the thread include posts here, and errors render a page of their own."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from alleger.core.forms import add_refusal
from alleger.core.ratelimit import limit
from alleger.territories.models import Territory

from . import registry, selectors, services
from .forms import CommentEditForm, CommentForm, DecisionForm, FlagForm
from .models import Comment, ModerationItem

#: The refusals about what a comment says, shown on its text.
BODY_REFUSALS = {"empty_comment": "body", "too_long": "body"}


def _safe_next(request, url: str | None) -> str | None:
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return None


def _content_url(obj) -> str:
    if isinstance(obj, Comment):
        return obj.get_absolute_url()
    return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "/"


def _resolve_visible(request, ref: str):
    """The content behind a reference, 404 when unknown or not visible to this person."""
    try:
        obj = registry.resolve(ref)
    except ValidationError:
        raise Http404 from None
    if not registry.target_of(obj).can_view(request.user, obj):
        raise Http404
    return obj


@login_required
@limit("comment")
def comment_create(request):
    data = request.POST if request.method == "POST" else None
    form = CommentForm(data, initial={"target": request.GET.get("target", ""),
                                      "parent": request.GET.get("parent") or None,
                                      "next": request.GET.get("next", "")})
    ref = request.POST.get("target") if data is not None else request.GET.get("target", "")
    target = _resolve_visible(request, ref or "")
    if not request.user.has_perm("discussions.add_comment", target):
        raise PermissionDenied
    if data is not None and form.is_valid():
        parent = None
        if form.cleaned_data["parent"]:
            parent = Comment.objects.filter(pk=form.cleaned_data["parent"]).first()
            if parent is None:
                form.add_error(None, _("Le commentaire auquel vous répondez n'existe plus."))
        if not form.errors:
            try:
                comment = services.comment_create(author=request.user, target=target, parent=parent,
                                                  body=form.cleaned_data["body"],
                                                  is_question=form.cleaned_data["is_question"])
            except ValidationError as exc:
                add_refusal(form, exc, BODY_REFUSALS)
            else:
                messages.success(request, _("Votre question est publiée.") if comment.is_question
                                 else _("Votre commentaire est publié."))
                back = _safe_next(request, form.cleaned_data["next"]) or _content_url(target)
                return redirect(f"{back.split('#')[0]}#commentaire-{comment.pk}")
    status = 400 if data is not None else 200
    return render(request, "discussions/comment_form.html", {"form": form, "target": target}, status=status)


@login_required
def comment_edit(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("target_type"), pk=pk)
    if not request.user.has_perm("discussions.change_comment", comment):
        raise PermissionDenied
    form = CommentEditForm(request.POST or None, initial={"body": comment.body})
    if request.method == "POST" and form.is_valid():
        try:
            services.comment_update(comment=comment, actor=request.user, body=form.cleaned_data["body"])
        except ValidationError as exc:
            add_refusal(form, exc, BODY_REFUSALS)
        else:
            messages.success(request, _("Commentaire modifié."))
            return redirect(comment.get_absolute_url())
    return render(request, "discussions/comment_edit.html", {"form": form, "comment": comment},
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def comment_answered(request, pk):
    comment = get_object_or_404(Comment, pk=pk)
    if not request.user.has_perm("discussions.mark_answered", comment):
        raise PermissionDenied
    try:
        services.comment_mark_answered(comment=comment, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("La question est marquée comme répondue."))
    return redirect(comment.get_absolute_url())


@login_required
@limit("flag")
def flag_create(request):
    data = request.POST if request.method == "POST" else None
    ref = request.POST.get("target") if data is not None else request.GET.get("target", "")
    target = _resolve_visible(request, ref or "")
    if not request.user.has_perm("discussions.flag", target):
        raise PermissionDenied
    form = FlagForm(data, initial={"target": ref, "next": request.GET.get("next", "")})
    if data is not None and form.is_valid():
        try:
            services.flag_create(target=target, user=request.user, reason=form.cleaned_data["reason"],
                                 text=form.cleaned_data["text"])
        except ValidationError as exc:
            add_refusal(form, exc, {"text_required": "text"})
        else:
            messages.success(request, _("Merci : votre signalement est transmis à la modération."))
            return redirect(_safe_next(request, form.cleaned_data["next"]) or _content_url(target))
    return render(request, "discussions/flag_form.html", {"form": form, "target": target},
                  status=400 if data is not None else 200)


@login_required
def moderation_queue(request):
    if not request.user.has_perm("discussions.view_queue"):
        raise PermissionDenied
    territory = None
    if request.GET.get("territoire"):
        territory = get_object_or_404(Territory, slug=request.GET["territoire"])
    return render(request, "discussions/queue.html", {
        "items": selectors.moderation_queue(request.user, territory=territory),
        "territory": territory,
        "form": DecisionForm(),
    })


@login_required
def moderation_decide(request, pk):
    item = get_object_or_404(ModerationItem.objects.select_related("territory", "content_type"), pk=pk)
    if not request.user.has_perm("discussions.decide", item):
        raise PermissionDenied
    item.target = registry._by_model.get(item.content_type.model_class())
    content = item.content
    item.discussed = content.target if isinstance(content, Comment) else None
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.moderation_decide(item=item, moderator=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_refusal(form, exc, {"reason_required": "reason"})
        else:
            messages.success(request, _("Décision enregistrée ; l'auteur en est informé par e-mail."))
            return redirect("discussions:queue")
    return render(request, "discussions/decide.html", {"item": item, "form": form},
                  status=400 if request.method == "POST" else 200)


def hidden_page(request, obj):
    """What the public sees of a content that flags or a moderator hid; None when the page may show it.

    Pages of registered contents call it first: `if (page := hidden_page(request, obj)): return page`.
    Moderators still see the content (the page shows them a notice with `obj|is_hidden`)."""
    if not selectors.is_hidden(obj) or request.user.has_perm("discussions.moderate", obj):
        return None
    return render(request, "discussions/hidden.html", {"obj": obj})
