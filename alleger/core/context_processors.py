from collections.abc import Callable

from django.conf import settings


def site(request):
    return {
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "SITE_URL": settings.SITE_URL,
    }


# The roles the menu shows links for, each a predicate on the signed-in user, registered by the app that
# knows it from its AppConfig.ready() (funding: "sponsor"; discussions: "moderator").
_roles: dict[str, Callable[[object], bool]] = {}


def register_role(name: str, predicate: Callable[[object], bool]) -> None:
    _roles[name] = predicate


class _Roles:
    """The registered roles of a user, each asked only when a template reads it."""

    def __init__(self, user):
        self._user = user
        self._known: dict[str, bool] = {}

    def __getattr__(self, name: str) -> bool:
        if name.startswith("_") or name not in _roles:
            raise AttributeError(name)
        if name not in self._known:
            self._known[name] = self._user is not None and _roles[name](self._user)
        return self._known[name]


def roles(request):
    return {"roles": _Roles(getattr(request, "user", None))}
