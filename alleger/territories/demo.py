"""Demo territories: Saint-Étienne (a city with neighbourhoods) and the Auvergne-Rhône-Alpes region."""

from .models import Neighbourhood, Territory
from .services import neighbourhood_create, territory_create


def _box(lon1, lat1, lon2, lat2) -> dict:
    return {"type": "Polygon", "coordinates": [[[lon1, lat1], [lon2, lat1], [lon2, lat2], [lon1, lat2], [lon1, lat1]]]}


CITY_DESCRIPTION = """Saint-Étienne ouvre sa **fenêtre territoriale** : on y finance de petits projets \
de quartier, on y trouve les kits pour agir dans la rue, et les lieux partagés de la ville.

La cellule d'innovation ouverte de la Ville accompagne les projets qui prennent."""

REGION_DESCRIPTION = """La fenêtre régionale accueille les projets qui dépassent une seule commune, \
avec des mécènes qui abondent les contributions des habitants."""

# Saint-Étienne, cut into five neighbourhoods along its centre (lon, lat).
NEIGHBOURHOODS = [
    ("centre-ville", "Centre-ville", _box(4.380, 45.430, 4.400, 45.445)),
    ("jacquard", "Jacquard", _box(4.365, 45.430, 4.380, 45.445)),
    ("cret-de-roch", "Crêt de Roch", _box(4.400, 45.430, 4.415, 45.445)),
    ("carnot-bellevue", "Carnot – Bellevue", _box(4.365, 45.415, 4.415, 45.430)),
    ("montreynaud", "Montreynaud", _box(4.365, 45.445, 4.415, 45.460)),
]


def load(context) -> None:
    city = Territory.objects.filter(slug="saint-etienne").first() or territory_create(
        name="Saint-Étienne", slug="saint-etienne", kind=Territory.Kind.CITY,
        tagline="Alléger la ville, quartier par quartier",
        description=CITY_DESCRIPTION, boundary=_box(4.365, 45.415, 4.415, 45.460),
        max_goal_cents=1_500_000, overfunding_cap_bp=20_000, campaign_min_days=15, campaign_max_days=90,
        commission_bp=500, allow_donation=True, allow_reward=True, allow_loan=True,
    )
    for slug, name, boundary in NEIGHBOURHOODS:
        if not Neighbourhood.objects.filter(territory=city, slug=slug).exists():
            neighbourhood_create(territory=city, name=name, slug=slug, boundary=boundary)
    region = Territory.objects.filter(slug="auvergne-rhone-alpes").first() or territory_create(
        name="Auvergne-Rhône-Alpes", slug="auvergne-rhone-alpes", kind=Territory.Kind.REGION,
        tagline="Des projets locaux, des mécènes régionaux",
        description=REGION_DESCRIPTION, boundary=_box(2.06, 44.11, 7.19, 46.80),
        max_goal_cents=3_000_000, overfunding_cap_bp=15_000, campaign_min_days=20, campaign_max_days=60,
        commission_bp=800, allow_donation=True, allow_reward=True, allow_loan=False,
    )
    context.territories.update({"city": city, "region": region})
