"""Which contents people may comment on and flag.

An explicit registry rather than "any model": a reference such as `kit:12`
coming from a form or the API can only ever resolve to a registered model,
and each registration says how to find the content's territory (whose
moderators handle it), its author (who may mark questions answered) and the
permission that lets someone see it.

Registering a model is one line, in its app's `ready()`:

    discussions.register(Kit, key="kit", view_perm="kits.view_kit")
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext as _

from alleger.core.errors import Refused
from alleger.core.numbers import is_digits


@dataclass(frozen=True)
class Target:
    key: str
    model: type[models.Model]
    view_perm: str | None
    commentable: bool
    territory_of: Callable[[models.Model], object]
    author_id_of: Callable[[models.Model], int | None]
    label: str | None
    author_badge: str | None = None  # shown beside the content author's comments (« Porteur du projet »)
    notify_author: bool = False  # e-mail the content's author about each new comment by someone else

    def territory(self, obj):
        return self.territory_of(obj)

    def author_id(self, obj) -> int | None:
        return self.author_id_of(obj)

    def can_view(self, user, obj) -> bool:
        return self.view_perm is None or user.has_perm(self.view_perm, obj)

    def verbose_name(self) -> str:
        return str(self.label or self.model._meta.verbose_name)


_by_key: dict[str, Target] = {}
_by_model: dict[type[models.Model], Target] = {}


def _getter(path: str | Callable | None) -> Callable:
    if path is None:
        return lambda obj: None
    if callable(path):
        return path

    def get(obj):
        for name in path.split("."):
            obj = getattr(obj, name, None)
            if obj is None:
                return None
        return obj

    return get


def register(model, *, key: str, view_perm: str | None = None, territory: str | Callable | None = "territory",
             author: str | Callable | None = "author_id", commentable: bool = True, label=None,
             author_badge=None, notify_author: bool = False) -> Target:
    """Let people comment on (and flag) `model`; `key` is its name in references such as `kit:12`.

    `territory` and `author` are attribute paths (or functions of the object) to
    the content's territory and its author's id. `commentable=False` registers
    a content that can only be flagged (comments themselves). `author_badge`
    marks the content author's own comments as such (her answers stand out);
    `notify_author` e-mails her each comment or question someone else posts."""
    if ":" in key:
        raise ValueError("a target key cannot contain ':'")
    existing = _by_key.get(key)
    if existing is not None and existing.model is not model:
        raise ValueError(f"target key {key!r} is already taken by {existing.model.__name__}")
    target = Target(key=key, model=model, view_perm=view_perm, commentable=commentable,
                    territory_of=_getter(territory), author_id_of=_getter(author), label=label,
                    author_badge=author_badge, notify_author=notify_author)
    _by_key[key] = target
    _by_model[model] = target
    return target


def target_named(key: str) -> Target:
    """The registered target called `key` ("kit", "proposal"…): its model, for whoever only knows the key."""
    return _by_key[key]


def target_of(obj) -> Target:
    target = _by_model.get(type(obj))
    if target is None:
        raise Refused("unknown_target", _("On ne peut ni commenter ni signaler ce contenu."), status=404)
    return target


def reference(obj) -> str:
    """The public reference of a content: "kit:12"."""
    return f"{target_of(obj).key}:{obj.pk}"


def resolve(ref: str):
    """The content behind a reference such as "kit:12", or Refused."""
    key, _sep, pk = (ref or "").strip().partition(":")
    target = _by_key.get(key)
    if target is None or not is_digits(pk):
        raise Refused("unknown_target", _("Contenu inconnu : « %(ref)s ».") % {"ref": (ref or "")[:40]}, status=404)
    obj = target.model._default_manager.filter(pk=int(pk)).first()
    if obj is None:
        raise Refused("unknown_target", _("Ce contenu n'existe pas ou plus."), status=404)
    return obj
