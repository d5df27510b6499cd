"""The JSON API at /api/v1/: each app contributes a router; every error is `{code, message}` (docs/api.md).

Only the assembly lives here, as in urls.py: the contract is alleger.core.api's, authentication
alleger.accounts.auth's, and each endpoint its app's.
"""

from ninja import Swagger

from alleger.accounts.api import auth_router
from alleger.accounts.api import router as accounts_router
from alleger.accounts.auth import PUBLIC
from alleger.assets.api import router as assets_router
from alleger.bookings.api import router as bookings_router
from alleger.cell.api import challenges_router, metrics_router
from alleger.cell.watch_api import router as watch_router
from alleger.core.api import Api, TextParser
from alleger.discussions.api import comments_router, flags_router
from alleger.funding.api import contributions_router, me_router, payments_router, projects_router
from alleger.interventions.api import geojson_router as interventions_geojson_router
from alleger.interventions.api import router as interventions_router
from alleger.kits.api import router as kits_router
from alleger.organisations.api import router as organisations_router
from alleger.places.api import geojson_router as places_geojson_router
from alleger.places.api import router as places_router
from alleger.places.opendata.api import router as places_opendata_router
from alleger.proposals.api import router as proposals_router
from alleger.reports.api import router as reports_router
from alleger.territories.api import router as territories_router

api = Api(
    title="Alléger API",
    version="1",
    description=(
        "Public and personal data of the Alléger platform. Authenticate with "
        "`Authorization: Bearer <token>` (create one on your profile page or with "
        "`POST /api/v1/auth/token`) or with the browser session; on endpoints where authentication is "
        "optional, no credentials means an anonymous visitor, but a token that is presented must be valid.\n\n"
        "**Errors** are JSON objects `{\"code\": …, \"message\": …}` with a 4xx status: `code` is stable, for "
        "programs; `message` is for people, in the language of the `django_language` cookie (French by "
        "default, `en` for English). 400 `malformed_json`, 401 `unauthenticated` (no credentials, or a token that is unknown or revoked), "
        "403 `forbidden`, 404 `not_found` (also for an unknown path), 405 `method_not_allowed` (with an "
        "`Allow` header), 409 for a refusal due to the state of things, 422 `invalid` (with `detail`: one "
        "entry per invalid field, `{loc, field, message, type}`). HEAD is accepted wherever GET is. "
        "Lists take `limit` (1–500) and `offset` (0–1 000 000). See docs/api.md."
    ),
    urls_namespace="api",
    docs_url="/docs",
    # No deep links: in Swagger UI they are links nested in the operations' buttons (WCAG 4.1.2).
    docs=Swagger(settings={"deepLinking": False}),
    parser=TextParser(),
)

api.add_router("/auth", auth_router, tags=["auth"])
# Territories sit below accounts (alleger/layers): their public endpoints take PUBLIC from here.
api.add_router("/territories", territories_router, tags=["territories"], auth=PUBLIC)
api.add_router("/organisations", organisations_router, tags=["organisations"])
api.add_router("/me", accounts_router, tags=["me"])
api.add_router("/me/contributions", me_router, tags=["contributions"])
api.add_router("/projects", projects_router, tags=["projects"])
api.add_router("/contributions", contributions_router, tags=["contributions"])
api.add_router("/payments", payments_router, tags=["payments"])
api.add_router("/kits", kits_router, tags=["kits"])
api.add_router("/reports", reports_router, tags=["reports"])
api.add_router("/interventions.geojson", interventions_geojson_router, tags=["interventions"])
api.add_router("/interventions", interventions_router, tags=["interventions"])
api.add_router("/", assets_router, tags=["assets"])
api.add_router("/proposals", proposals_router, tags=["proposals"])
api.add_router("/bookings", bookings_router, tags=["bookings"])
api.add_router("/places.geojson", places_geojson_router, tags=["places"])
api.add_router("/places/opendata", places_opendata_router, tags=["places"])
api.add_router("/places", places_router, tags=["places"])
api.add_router("/comments", comments_router, tags=["discussions"])
api.add_router("/flags", flags_router, tags=["discussions"])
api.add_router("/watch", watch_router, tags=["watch"])
api.add_router("/challenges", challenges_router, tags=["challenges"])
api.add_router("/metrics", metrics_router, tags=["metrics"])


@api.get("", auth=None, include_in_schema=False)
def index(request):
    """/api/v1/ itself: where the documentation and the schema are, rather than a bare « not found »."""
    prefix = request.path.rstrip("/")
    return {"name": "Alléger API", "version": "1", "documentation": f"{prefix}/docs",
            "openapi": f"{prefix}/openapi.json"}
