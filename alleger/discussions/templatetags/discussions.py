"""`{% comments_for obj %}` renders a content's thread and its forms; `{% flag_form obj %}` the flag form;
`obj|is_hidden` tells whether flags (or a moderator) hide a content."""

from django import template

from .. import registry, selectors
from ..forms import MARKDOWN_HELP
from ..models import Reason

register = template.Library()


@register.inclusion_tag("discussions/_thread.html", takes_context=True)
def comments_for(context, obj):
    request = context["request"]
    user = request.user
    return {
        "request": request,
        "user": user,
        "csrf_token": context.get("csrf_token"),
        "ref": registry.reference(obj),
        "next": request.get_full_path(),
        "entries": selectors.thread(obj, user),
        "count": selectors.comment_count(obj),
        "can_comment": user.has_perm("discussions.add_comment", obj),
        "reasons": Reason.choices,
        "markdown_help": MARKDOWN_HELP,
    }


@register.inclusion_tag("discussions/_flag_form.html", takes_context=True)
def flag_form(context, obj):
    request = context["request"]
    return {
        "csrf_token": context.get("csrf_token"),
        "ref": registry.reference(obj),
        "next": request.get_full_path(),
        "can_flag": request.user.has_perm("discussions.flag", obj),
        "reasons": Reason.choices,
    }


@register.filter
def is_hidden(obj) -> bool:
    return selectors.is_hidden(obj)


@register.filter
def reference(obj) -> str:
    return registry.reference(obj)
