"""Demo interventions in every status, with journals, on the demo kits.

Runs after the assets demo: it uses the city's published, open assets when they
exist and fit (kit applicable, room left), and otherwise creates the few it needs
(source ids "demo-interventions-…"). Idempotent: an intervention whose title
already exists in the city is left alone.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from alleger.assets.models import Asset, AssetType
from alleger.core.demo_images import demo_upload
from alleger.kits.models import Kit

from .models import Intervention, JournalEntry
from .services import (
    Refused,
    intervention_declare,
    intervention_join,
    intervention_set_status,
    journal_add,
)

ASSETS = {
    # key: (asset type slug, type name, asset name, lat, lon, max participants, private actors)
    "tree_pit": ("pied-d-arbre", "Pied d'arbre", "Pied d'arbre du platane, rue Désirée-Granet", 45.4372, 4.3885, 4,
                 False),
    "parking": ("place-de-stationnement", "Place de stationnement", "Place de stationnement, place Jacquard",
                45.4380, 4.3720, 8, True),
}

INTERVENTIONS = [
    {
        "title": "Des capucines au pied du platane de la rue Désirée-Granet",
        "kit": "kit-du-jardinier-urbain", "asset": "tree_pit", "organiser": "clemence", "organisation": None,
        "participants": ["alexis"], "status": "done", "days": -60, "length": 1,
        "description": "Le pied du platane était nu et piétiné. Avec le permis de végétaliser, on y sème des "
                       "capucines et des soucis, et on pose une petite bordure en bois.",
        "journal": [
            ("clemence", -75, "Le **permis de végétaliser** est accordé ! Le service des espaces verts passe "
                              "décompacter la terre la semaine prochaine.", None),
            ("alexis", -60, "Semis faits ce matin : capucines, soucis, un peu de bourrache. Arrosage copieux.",
             "Le pied d'arbre fraîchement semé"),
            ("clemence", -30, "Tout a levé. Merci aux voisins du n° 12 qui arrosent pendant nos vacances.",
             "Les capucines en fleurs au pied du platane"),
        ],
    },
    {
        "title": "Un parklet pour le Park(ing) day, place Jacquard",
        "kit": "parklet-park-ing-day", "asset": "parking", "organiser": "clement", "organisation": "association",
        "participants": ["alexis"], "status": "ongoing", "days": 0, "length": 0,
        "description": "Le Café d'à Côté transforme une place de stationnement en salon public pour la journée : "
                       "palettes, bacs de plantes, jeux pour les enfants.",
        "journal": [
            ("clement", -14, "Déclaration d'occupation temporaire déposée en mairie.", None),
            ("alexis", 0, "Installation terminée à 9 h 30 : trois bancs en palettes, six bacs, un tapis.",
             "Le parklet installé sur la place de stationnement"),
        ],
    },
    {
        "title": "Cartoparty du Crêt de Roch",
        "kit": "cartographier-son-quartier-dans-openstreetmap", "asset": None, "point": (45.4380, 4.4070),
        "organiser": "remi", "organisation": None, "participants": ["clemence"], "status": "planned",
        "days": 21, "length": 0,
        "description": "Un samedi après-midi pour ajouter à OpenStreetMap les bancs, fontaines et rampes d'accès "
                       "des pentes du Crêt de Roch. Débutants bienvenus : on apprend sur place.",
        "journal": [
            ("remi", -2, "Rendez-vous à 14 h devant la médiathèque. Apportez un téléphone chargé.", None),
        ],
    },
    {
        "title": "Bombes à graines sur le talus de Montreynaud",
        "kit": "atelier-bombes-a-graines", "asset": None, "point": (45.4520, 4.3900),
        "organiser": "alexis", "organisation": None, "participants": ["clemence", "clement"], "status": "done",
        "days": -120, "length": 0,
        "description": "Un atelier au Café d'à Côté, puis une balade pour semer sur le talus que la Ville nous a "
                       "indiqué.",
        "journal": [
            ("alexis", -120, "Cent vingt bombes roulées par quinze personnes, dont huit enfants.",
             "Des bombes à graines qui sèchent sur une table"),
            ("clemence", -60, "Le talus commence à fleurir : coquelicots et bleuets.", None),
        ],
    },
    {
        "title": "Pédibus de l'école Jacquard",
        "kit": "pedibus", "asset": None, "point": (45.4360, 4.3700),
        "organiser": "clemence", "organisation": None, "participants": [], "status": "abandoned",
        "days": -40, "length": 60,
        "description": "Une ligne de pédibus du haut de la rue Jacquard jusqu'à l'école, trois matins par semaine.",
        "journal": [
            ("clemence", -45, "Il nous faut au moins six accompagnateurs pour tenir le planning.", None),
            ("clemence", -20, "Pas assez de parents disponibles cette année : on met la ligne en pause et on "
                              "relance à la rentrée.", None),
        ],
    },
]


# The drawing of each journal photo (alleger.core.demo_images), by its description.
PHOTO_SCENES = {
    "Le pied d'arbre fraîchement semé": "tree_pit",
    "Les capucines en fleurs au pied du platane": "tree_pit",
    "Le parklet installé sur la place de stationnement": "parklet",
    "Des bombes à graines qui sèchent sur une table": "seedbombs",
}


def _photo(label: str) -> SimpleUploadedFile:
    return demo_upload(PHOTO_SCENES.get(label, "garden"), seed=len(label), name="journal")


def _own_asset(city, key) -> Asset:
    type_slug, type_name, name, lat, lon, limit, private = ASSETS[key]
    asset_type, _ = AssetType.objects.get_or_create(territory=city, slug=type_slug, defaults={"name": type_name})
    asset, _ = Asset.objects.get_or_create(
        territory=city, source_id=f"demo-interventions-{key}",
        defaults={"asset_type": asset_type, "name": name, "lat": lat, "lon": lon, "max_participants": limit,
                  "private_actors_allowed": private, "status": Asset.Status.OPEN})
    return asset


def _candidates(city, key):
    """Existing open assets of the same type (from the assets demo), then our own."""
    type_slug = ASSETS[key][0]
    existing = list(Asset.objects.filter(
        territory=city, asset_type__slug=type_slug, status=Asset.Status.OPEN, moderation=Asset.Moderation.PUBLISHED,
        required_level=0).exclude(source_id__startswith="demo-interventions-").order_by("pk")[:5])
    return existing + [None]


def load(context) -> None:
    city = context.territories["city"]
    people, organisations = context.people, context.organisations
    today = timezone.localdate()
    now = timezone.now()
    for data in INTERVENTIONS:
        if Intervention.objects.filter(territory=city, title=data["title"]).exists():
            continue
        kit = Kit.objects.filter(slug=data["kit"], status=Kit.Status.PUBLISHED).first()
        if kit is None:
            continue
        organiser = people[data["organiser"]]
        common = {
            "organiser": organiser, "kit": kit, "title": data["title"], "description": data["description"],
            "starts_on": today + datetime.timedelta(days=data["days"]),
            "ends_on": today + datetime.timedelta(days=data["days"] + data["length"]),
            "organisation": organisations[data["organisation"]] if data["organisation"] else None,
            "charter_accepted": True,
        }
        intervention = None
        if data["asset"]:
            needed = 1 + len(data["participants"])
            for asset in _candidates(city, data["asset"]):
                asset = asset or _own_asset(city, data["asset"])
                if asset.max_participants is not None and asset.max_participants < needed:
                    continue
                try:
                    intervention = intervention_declare(asset=asset, **common)
                    break
                except Refused:
                    continue
        else:
            lat, lon = data["point"]
            intervention = intervention_declare(territory=city, lat=lat, lon=lon, **common)
        if intervention is None:
            continue
        for key in data["participants"]:
            intervention_join(intervention=intervention, user=people[key], charter_accepted=True)
        for author, days, text, photo_alt in data["journal"]:
            entry = journal_add(intervention=intervention, author=people[author], text=text,
                                photos=[_photo(photo_alt)] if photo_alt else (), photo_alt=photo_alt or "")
            # Spread the timeline over the days it tells (the service stamps entries with the current time).
            JournalEntry.objects.filter(pk=entry.pk).update(created_at=now + datetime.timedelta(days=days))
        if data["status"] in ("ongoing", "done"):
            intervention_set_status(intervention=intervention, actor=organiser, status="ongoing")
        if data["status"] in ("done", "abandoned"):
            intervention_set_status(intervention=intervention, actor=organiser, status=data["status"])
