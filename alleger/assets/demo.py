"""Demo assets of Saint-Étienne: a few hundred on the map, generated deterministically (seeded random)
inside the demo neighbourhoods, with the tool cabinet of the centre, a resident's proposal and a
request to open a closed wall waiting for the moderators."""

import random

from alleger.kits.models import Kit
from alleger.territories.demo import NEIGHBOURHOODS
from alleger.territories.models import Neighbourhood

from . import mapcache
from .models import Asset, AssetProposal, AssetType

SEED = 42

# slug, name, kit slugs, how many, statuses to draw from, max participants, private actors, level, conditions
TYPES = [
    ("pied-d-arbre", "Pied d'arbre", ["kit-du-jardinier-urbain", "guerilla-gardening-et-bombes-a-graines"], 150,
     ["open"] * 6 + ["openable"] * 3 + ["closed"], 4, False, 0,
     "Pas de pesticides ; laissez 1,40 m de trottoir libre ; arrosage à la charge des jardiniers."),
    ("banc", "Banc", ["cartographier-son-quartier-dans-openstreetmap"], 80, ["open"] * 4 + ["openable"], None,
     True, 0, "Customisation démontable uniquement ; pas de peinture permanente sans accord de la Ville."),
    ("mur", "Mur", [], 25, ["openable"] * 2 + ["closed"] * 2 + ["open"], 6, False, 2,
     "Fresque sur maquette validée par la mairie de quartier ; peintures sans solvant."),
    ("place-de-stationnement", "Place de stationnement", ["parklet-park-ing-day"], 40,
     ["openable"] * 3 + ["open"], 8, True, 1,
     "Occupation de 9 h à 19 h, le jour du Park(ing) day ou sur déclaration deux semaines avant."),
    ("salle-de-quartier", "Salle de quartier", ["emprunter-la-salle-des-fetes-du-quartier"], 5, ["open"], 80,
     False, 0, "Réservation trois semaines avant à la mairie de quartier ; fin de la musique à 22 h."),
    ("station-velos", "Station de vélos partagés", ["entretenir-et-customiser-les-velos-en-libre-service"], 15,
     ["open"] * 2 + ["openable"], 3, False, 1, "Signalez tout vélo hors service avant d'intervenir."),
    ("bureau-de-tabac", "Bureau de tabac partenaire", ["entretenir-et-customiser-les-velos-en-libre-service"], 4,
     ["open"], 2, True, 0, "Aux heures d'ouverture du bureau de tabac."),
    ("armoire-de-bricolage", "Armoire de bricolage", ["entretenir-et-customiser-les-velos-en-libre-service"], 0,
     ["open"], 3, False, 0, ""),
]

STREETS = {
    "centre-ville": ["rue de la République", "place Jean Jaurès", "rue Gambetta", "place de l'Hôtel de Ville"],
    "jacquard": ["rue Jacquard", "place Jacquard", "rue de la Mulatière", "rue Badouillère"],
    "cret-de-roch": ["rue Élise Gervais", "montée du Crêt de Roch", "rue Pointe Cadet", "rue de la Ville"],
    "carnot-bellevue": ["cours Fauriel", "rue Bergson", "place Carnot", "boulevard Jules Janin"],
    "montreynaud": ["avenue de Montreynaud", "rue Jean Parot", "allée des Tilleuls", "parc de Montreynaud"],
}

CABINET_CHARTER = """En prenant le code de l'armoire, je m'engage à :

1. **remettre chaque outil** à sa place, propre, le jour même ;
2. **refermer l'armoire** et brouiller le cadenas ;
3. **signaler** un outil cassé ou manquant sur la page de l'armoire ;
4. ne pas donner le code à d'autres : chacun le demande ici, c'est ce qui fait vivre l'armoire."""


def load(context) -> None:
    city = context.territories["city"]
    rng = random.Random(SEED)
    kits = {k.slug: k for k in Kit.objects.all()}
    hoods = {n.slug: n for n in Neighbourhood.objects.filter(territory=city)}
    boxes = [(slug, geometry["coordinates"][0]) for slug, _name, geometry in NEIGHBOURHOODS if slug in hoods]
    existing = set(Asset.objects.filter(territory=city).exclude(source_id="").values_list("source_id", flat=True))
    new = []
    kit_links = []
    types = {}
    for slug, name, kit_slugs, count, statuses, max_participants, private, level, conditions in TYPES:
        asset_type, _created = AssetType.objects.get_or_create(territory=city, slug=slug, defaults={"name": name})
        asset_type.kits.add(*[kits[k] for k in kit_slugs if k in kits])
        types[slug] = asset_type
        for n in range(1, count + 1):
            hood_slug, ring = boxes[rng.randrange(len(boxes))]
            (lon1, lat1), (lon2, lat2) = ring[0], ring[2]
            lon = round(rng.uniform(lon1 + 0.0005, lon2 - 0.0005), 6)
            lat = round(rng.uniform(lat1 + 0.0005, lat2 - 0.0005), 6)
            street = rng.choice(STREETS[hood_slug])
            number = rng.randint(1, 120)
            status = rng.choice(statuses)
            source_id = f"demo-{slug}-{n}"
            if source_id in existing:
                continue
            new.append(Asset(
                territory=city, asset_type=asset_type, source_id=source_id,
                name=f"{name} — {number} {street}", address=f"{number} {street}, Saint-Étienne",
                description="", lat=lat, lon=lon, neighbourhood=hoods[hood_slug], status=status,
                max_participants=max_participants, private_actors_allowed=private, required_level=level,
                conditions=conditions))
    Asset.objects.bulk_create(new, batch_size=500)
    # One tree pit in three in the centre also carries the mapping kit (an asset's own kit).
    mapping = kits.get("cartographier-son-quartier-dans-openstreetmap")
    if mapping is not None:
        for asset in new:
            if asset.asset_type_id == types["pied-d-arbre"].pk and asset.neighbourhood_id == hoods[
                    "centre-ville"].pk and asset.pk % 3 == 0:
                kit_links.append(Asset.kits.through(asset_id=asset.pk, kit_id=mapping.pk))
        Asset.kits.through.objects.bulk_create(kit_links, ignore_conflicts=True)
    _cabinet(city, types["armoire-de-bricolage"], hoods, context)
    _proposals(city, types, hoods, context)
    mapcache.data_changed()  # the bulk inserts above send no signals


def _cabinet(city, asset_type, hoods, context) -> None:
    if Asset.objects.filter(territory=city, source_id="demo-armoire-centre").exists():
        return
    Asset.objects.create(
        territory=city, asset_type=asset_type, source_id="demo-armoire-centre",
        name="Armoire de bricolage du Café d'à Côté", address="8 rue Gambetta, Saint-Étienne",
        description="Une armoire à cadenas devant le café : clés, pompe, rustines, démonte-pneus, "
                    "tournevis et un petit établi pliant, pour réparer vélos et mobilier de rue.",
        lat=45.4368, lon=4.3885, neighbourhood=hoods.get("centre-ville"), status=Asset.Status.OPEN,
        max_participants=3, is_tool_cabinet=True, cabinet_code="4821", cabinet_charter=CABINET_CHARTER,
        manager=context.people.get("clement"),
        conditions="Ouverte de 8 h à 20 h. Outils à remettre en place le jour même.")


def _proposals(city, types, hoods, context) -> None:
    clemence, alexis = context.people.get("clemence"), context.people.get("alexis")
    if clemence is not None and not Asset.objects.filter(territory=city, name="Pied d'arbre nu devant la boulangerie",
                                                         moderation=Asset.Moderation.PROPOSED).exists():
        asset = Asset.objects.create(
            territory=city, asset_type=types["pied-d-arbre"], name="Pied d'arbre nu devant la boulangerie",
            description="Un pied d'arbre en terre battue, sans grille : parfait pour des fleurs.",
            address="14 rue Gambetta, Saint-Étienne", lat=45.4372, lon=4.3879, neighbourhood=hoods.get("centre-ville"),
            status=Asset.Status.OPENABLE, moderation=Asset.Moderation.PROPOSED, proposed_by=clemence)
        AssetProposal.objects.create(kind=AssetProposal.Kind.NEW, asset=asset, proposed_by=clemence,
                                     message="Les voisins de la boulangerie sont prêts à l'entretenir.")
    wall = Asset.objects.filter(territory=city, source_id="demo-mur-1").first()
    if alexis is not None and wall is not None and not wall.proposals.exists():
        if wall.status == Asset.Status.OPEN:
            wall.status = Asset.Status.CLOSED
            wall.save(update_fields=["status"])
        AssetProposal.objects.create(kind=AssetProposal.Kind.OPENING, asset=wall, proposed_by=alexis,
                                     message="Une fresque avec les enfants de l'école voisine, sur maquette.")
