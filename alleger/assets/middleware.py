"""The map's GeoJSON answered before the rest of the middleware stack.

`GET /api/v1/assets.geojson` is public and anonymous, the same for everyone, in
every language: sessions, authentication, CSRF, messages, allauth and the
language middleware have nothing to add to it, and on a street-level box they
cost more than the answer itself (which usually comes from `mapcache`). Placed
right after SecurityMiddleware (its headers still apply), MapMiddleware answers
a well-formed request itself. Anything it cannot take as is — a bad or missing
box, an unknown status, a repeated parameter, an Authorization header whose token must be checked (a 401
when invalid, as everywhere in the API) — goes on to the ninja view, which
answers exactly as it always has (400 `{code, message}` in the visitor's
language); the ninja route remains the documented one (OpenAPI) and gives the
same answers as this shortcut, through the same `mapcache.answer`.
"""

from alleger.core.errors import Refused
from alleger.core.http import as_head
from alleger.core.location import parse_bbox

from . import mapcache

#: The ninja route's path (alleger/urls.py + alleger.assets.api); a test keeps them equal.
PATH = "/api/v1/assets.geojson"
#: Query parameters of the route (api.BboxQuery) -> keyword of mapcache.answer.
FILTERS = {"status": "status", "type": "type_slug", "kit": "kit_slug", "territory": "territory_slug"}


class MapMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (request.path_info != PATH or request.method not in ("GET", "HEAD")
                or "HTTP_AUTHORIZATION" in request.META):  # a token presented is checked, by the ninja route
            return self.get_response(request)
        found = self._answer(request)
        if found is None:
            return self.get_response(request)
        response = mapcache.respond(request, found)
        response["Content-Length"] = str(len(response.content))  # as CommonMiddleware sets it on the slow path
        # HEAD takes the same path as GET, so both carry the same headers (RFC 9110).
        return as_head(response) if request.method == "HEAD" else response

    @staticmethod
    def _answer(request) -> mapcache.Answer | None:
        # The host check CommonMiddleware would have made (ALLOWED_HOSTS): DisallowedHost is a 400.
        request.get_host()
        raw = request.META.get("QUERY_STRING", "")
        found = mapcache.cached_answer(raw)
        if found is not None:
            return found
        query = request.GET
        if any(len(values) > 1 for name, values in query.lists() if name == "bbox" or name in FILTERS):
            return None  # ambiguous: the view decides, as it always did
        try:
            bbox = parse_bbox(query.get("bbox"))
            return mapcache.answer(bbox, query=raw,
                                   **{keyword: query.get(name) for name, keyword in FILTERS.items()})
        except Refused:
            return None
