"""The places' open data on the API (same data as /lieux/donnees/…); the assembly adds the router:
`api.add_router("/places/opendata", places_opendata_router, tags=["places"])` in alleger/api.py."""

from ninja import Router

from alleger.territories.selectors import territory_named

from . import di_export, lmn_json, lmn_rows

router = Router()


def _territory(slug: str | None):
    return territory_named(slug) if slug else None


@router.get("/lieux-mediation-numerique", response=list[dict], summary="Places in the « lieux de médiation "
            "numérique » schema v1.0.2 (multi-values joined by |)")
def lieux_mediation_numerique(request, territory: str | None = None):
    return lmn_json(lmn_rows(_territory(territory)))


@router.get("/data-inclusion", response=dict, summary="Places and services as data·inclusion structures and "
            "services (schema v1)")
def data_inclusion(request, territory: str | None = None):
    return di_export(_territory(territory), base_url=request.build_absolute_uri("/").rstrip("/"))
