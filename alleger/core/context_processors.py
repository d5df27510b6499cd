from functools import cached_property

from django.conf import settings


def site(request):
    return {
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "SITE_URL": settings.SITE_URL,
    }


class _Roles:
    """The roles the menu shows links for, each asked only when a template reads it."""

    def __init__(self, user):
        self._user = user

    @cached_property
    def sponsor(self) -> bool:
        from alleger.funding.selectors import sponsor_organisations_of

        return self._user is not None and sponsor_organisations_of(self._user).exists()

    @cached_property
    def moderator(self) -> bool:
        return self._user is not None and self._user.has_perm("discussions.view_queue")


def roles(request):
    return {"roles": _Roles(getattr(request, "user", None))}
