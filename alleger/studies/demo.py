"""Demo: Saint-Étienne's synthetic population grid and Rémi's two questions.

« Où manque-t-il un EPN ? » (the places offering digital help or internet
access, weighted by poor households, suggestions among the grid's cells) and
« Où manque-t-il une épicerie coopérative ? » (the places offering food, the
suggestions among a list of vacant shops). Both are computed through the
services from whatever places the places app loaded (none is fine: then
nobody is covered and the suggestions start from zero), and published by Rémi.
"""

from alleger.territories.models import Territory

from . import demo_grid
from .models import PopulationGrid, Study
from .services import grid_upload, study_create

GRID_NAME = "Carroyage de démonstration (synthétique, format Filosofi 2017)"

#: Vacant shops the city could offer to a food co-op (made up).
VACANT_SHOPS = [
    {"name": "Ancienne boulangerie, rue de Roubaix", "lat": 45.4545, "lon": 4.3745},
    {"name": "Local commercial vacant, place Jacquard", "lat": 45.4380, "lon": 4.3735},
    {"name": "Ex-agence bancaire, rue Désiré-Claude", "lat": 45.4375, "lon": 4.4060},
    {"name": "Rez-de-chaussée libre, cours Fauriel", "lat": 45.4230, "lon": 4.3950},
    {"name": "Local associatif, Montchovet", "lat": 45.4185, "lon": 4.4095},
    {"name": "Boutique vide, rue Michelet", "lat": 45.4370, "lon": 4.3890},
]


def load(context) -> None:
    city = context.territories.get("city") or Territory.objects.filter(slug="saint-etienne").first()
    remi = context.people.get("remi")
    if city is None:
        return
    grid = PopulationGrid.objects.filter(territory=city, name=GRID_NAME).first() or grid_upload(
        territory=city, user=remi, name=GRID_NAME, source="Alléger, scripts/demo_grid.py (données inventées)",
        data=demo_grid.csv_bytes())
    if not Study.objects.filter(territory=city, title="Où manque-t-il un EPN ?").exists():
        study_create(
            territory=city, grid=grid, user=remi, title="Où manque-t-il un EPN ?",
            question="Quels habitants sont à plus de 600 m d'un lieu d'accès ou d'accompagnement au numérique, "
                     "et où en ouvrir un pour toucher le plus de ménages pauvres ?",
            service_kinds=["digital_help", "internet"], radius_m=600, suggestions=3, weight_poor=True,
            published=True)
    if not Study.objects.filter(territory=city, title="Où manque-t-il une épicerie coopérative ?").exists():
        study_create(
            territory=city, grid=grid, user=remi, title="Où manque-t-il une épicerie coopérative ?",
            question="Parmi les locaux vacants, lesquels rapprocheraient le plus d'habitants d'une offre "
                     "alimentaire partagée (à moins de 800 m) ?",
            service_kinds=["food"], radius_m=800, candidates=Study.Candidates.PREMISES, premises=VACANT_SHOPS,
            suggestions=3, published=True)
