"""Demo reports in Saint-Étienne: categories routed to fictitious services, Clémence's broken
shared bike (which suggests the shared-bike kit, the tobacconist's micro-kit and the nearby tool
cabinet), and reports in every status. Runs after the kits and assets demos."""

from alleger.assets.models import Asset, AssetType
from alleger.kits.models import Kit

from . import services
from .geo import METRES_PER_DEGREE
from .models import Report, ReportCategory, Status

SHARED_BIKE_KIT = "entretenir-et-customiser-les-velos-en-libre-service"
MICRO_KIT = "micro-kit-de-bricolage-du-buraliste"

CATEGORIES = [
    {"service_code": "velo-partage", "name": "Vélo partagé en panne", "group": "Mobilité", "order": 1,
     "description": "Un vélo en libre-service abîmé : freins, guidon, pneu, chaîne.",
     "keywords": "vélo, VLS, libre-service, freins", "service_name": "Service des vélos en libre-service (fictif)",
     "service_email": "velos@saint-etienne.example", "service_notice": "Le vélo est vérifié sous 48 heures.",
     "kits": [SHARED_BIKE_KIT, MICRO_KIT],
     # What helps with a broken bike: the tool cabinet, the tobacconists who lend tools, the bike stations.
     "asset_types": ["armoire-de-bricolage", "bureau-de-tabac", "station-velos"],
     "attributes": [
         {"code": "panne", "datatype": "singlevaluelist", "required": True, "order": 1,
          "description": "Qu'est-ce qui ne fonctionne pas ?",
          "values": [{"key": "freins", "name": "Freins"}, {"key": "guidon", "name": "Guidon desserré"},
                     {"key": "pneu", "name": "Pneu crevé"}, {"key": "chaine", "name": "Chaîne"},
                     {"key": "autre", "name": "Autre"}]},
         {"code": "numero_velo", "datatype": "string", "required": False, "order": 2,
          "description": "Numéro du vélo", "datatype_description": "Inscrit sur le garde-boue arrière."},
     ]},
    {"service_code": "mobilier-urbain", "name": "Mobilier urbain cassé", "group": "Voirie", "order": 2,
     "description": "Banc, barrière, arceau vélo, poubelle ou panneau abîmé.",
     "keywords": "banc, barrière, arceau, poubelle", "service_name": "Direction de la voirie — mobilier urbain (fictif)",
     "service_email": "mobilier@saint-etienne.example", "service_notice": "Intervention sous 10 jours ouvrés.",
     "kits": [MICRO_KIT], "asset_types": ["armoire-de-bricolage", "banc"], "attributes": []},
    {"service_code": "nid-de-poule", "name": "Nid-de-poule", "group": "Voirie", "order": 3,
     "description": "Un trou dans la chaussée, la piste cyclable ou le trottoir.",
     "keywords": "trou, chaussée, trottoir", "service_name": "Direction de la voirie — chaussées (fictif)",
     "service_email": "chaussees@saint-etienne.example", "service_notice": "Mise en sécurité sous 72 heures.",
     "kits": [], "attributes": [
         {"code": "emplacement", "datatype": "singlevaluelist", "required": True, "order": 1,
          "description": "Où est le trou ?",
          "values": [{"key": "chaussee", "name": "Chaussée"}, {"key": "piste", "name": "Piste cyclable"},
                     {"key": "trottoir", "name": "Trottoir"}]},
     ]},
    {"service_code": "depot-sauvage", "name": "Dépôt sauvage", "group": "Propreté", "order": 4,
     "description": "Encombrants, sacs ou gravats abandonnés sur l'espace public.",
     "keywords": "déchets, encombrants, ordures", "service_name": "Service propreté urbaine (fictif)",
     "service_email": "proprete@saint-etienne.example", "service_notice": "Enlèvement sous 5 jours.",
     "kits": [], "attributes": []},
    {"service_code": "eclairage", "name": "Éclairage public", "group": "Voirie", "order": 5,
     "description": "Lampadaire éteint, clignotant ou allumé en plein jour.",
     "keywords": "lampadaire, lumière, nuit", "service_name": "Service éclairage public (fictif)",
     "service_email": "eclairage@saint-etienne.example", "service_notice": "", "kits": [], "attributes": []},
    {"service_code": "vegetation", "name": "Végétation", "group": "Espaces verts", "order": 6,
     "description": "Branche dangereuse, haie qui déborde, pied d'arbre à l'abandon.",
     "keywords": "arbre, haie, branche, pied d'arbre", "service_name": "Service des espaces verts (fictif)",
     "service_email": "espaces-verts@saint-etienne.example", "service_notice": "",
     "kits": ["kit-du-jardinier-urbain"], "asset_types": ["pied-d-arbre"], "attributes": []},
]

# Where Clémence finds the broken bike when the assets demo has no tool cabinet to stand next to.
CENTRE = (45.4397, 4.3872)


def _metres_north(lat: float, lon: float, metres: float) -> tuple[float, float]:
    return lat + metres / METRES_PER_DEGREE, lon


def _tool_cabinet(city, martha):
    """The assets demo's nearest tool cabinet; a small one in the centre if it has none."""
    cabinet = Asset.objects.filter(territory=city, is_tool_cabinet=True,
                                   moderation=Asset.Moderation.PUBLISHED).order_by("pk").first()
    if cabinet is not None:
        return cabinet
    kind, _ = AssetType.objects.get_or_create(territory=city, slug="armoire-de-bricolage",
                                              defaults={"name": "Armoire de bricolage"})
    cabinet = Asset.objects.filter(territory=city, source_id="demo-armoire-hotel-de-ville").first()
    if cabinet is None:
        cabinet = Asset.objects.create(
            territory=city, asset_type=kind, name="Armoire de bricolage de l'Hôtel de Ville",
            description="Clés, pompe, démonte-pneus et fiches de réparation des vélos en libre-service.",
            lat=CENTRE[0], lon=CENTRE[1], address="Place de l'Hôtel de Ville", is_tool_cabinet=True,
            cabinet_code="4417", cabinet_charter="Rangez chaque outil après usage.", manager=martha,
            source_id="demo-armoire-hotel-de-ville")
        cabinet.kits.set(Kit.objects.filter(slug=SHARED_BIKE_KIT))
    return cabinet


def _report(city, categories, *, reporter, code, description, lat, lon, address="", attributes=None,
            show_name=False, updates=()):
    category = categories[code]
    report = Report.objects.filter(territory=city, category=category, reporter=reporter,
                                   description=description).first()
    if report is not None:
        return report
    report = services.report_create(territory=city, category=category, reporter=reporter, description=description,
                                    lat=lat, lon=lon, address=address, attributes=attributes or {},
                                    show_name=show_name)
    for actor, status, note, original in updates:
        services.report_set_status(report=report, actor=actor, status=status, note=note, duplicate_of=original)
    return report


def load(context) -> None:
    city = context.territories["city"]
    people = context.people
    martha, remi = people["martha"], people["remi"]
    categories = {}
    for data in CATEGORIES:
        data = dict(data)
        kits, attributes = data.pop("kits"), data.pop("attributes")
        asset_types = AssetType.objects.filter(territory=city, slug__in=data.pop("asset_types", []))
        category = ReportCategory.objects.filter(territory=city, service_code=data["service_code"]).first()
        if category is None:
            category = services.category_save(territory=city, actor=martha,
                                              kits=Kit.objects.filter(slug__in=kits), asset_types=asset_types,
                                              **data)
            for attribute in attributes:
                attribute = dict(attribute)
                services.service_attribute_save(category=category, actor=martha, code=attribute.pop("code"),
                                                **attribute)
            # Rémi, of the city's innovation cell, answers for the services in the demo.
            category.agents.add(remi)
        categories[category.service_code] = category

    cabinet = _tool_cabinet(city, martha)
    bike_lat, bike_lon = _metres_north(cabinet.lat, cabinet.lon, 60)
    _report(city, categories, reporter=people["clemence"], code="velo-partage", show_name=True,
            description="Le vélo n° 2417 a les freins qui ne serrent plus et le guidon qui tourne dans le vide.",
            lat=bike_lat, lon=bike_lon, address="Station de vélos de l'Hôtel de Ville",
            attributes={"panne": "freins", "numero_velo": "2417"})

    pothole = _report(city, categories, reporter=people["alexis"], code="nid-de-poule",
                      description="Un trou profond sur la piste cyclable, juste avant le carrefour.",
                      lat=45.4372, lon=4.3721, address="Rue Jacquard", attributes={"emplacement": "piste"},
                      updates=[(martha, Status.IN_PROGRESS, "Transmis à l'équipe chaussées : "
                                "mise en sécurité prévue cette semaine.", None)])
    dup_lat, dup_lon = _metres_north(45.4372, 4.3721, 20)
    _report(city, categories, reporter=people["clement"], code="nid-de-poule",
            description="Trou dangereux pour les vélos rue Jacquard.", lat=dup_lat, lon=dup_lon,
            attributes={"emplacement": "piste"},
            updates=[(martha, Status.DUPLICATE, "Déjà signalé : suivez le premier signalement.", pothole)])
    _report(city, categories, reporter=people["clemence"], code="eclairage",
            description="Le lampadaire devant l'école clignote toute la nuit.", lat=45.4405, lon=4.3905,
            updates=[(remi, Status.IN_PROGRESS, "", None),
                     (remi, Status.FIXED, "Ampoule et ballast remplacés.", None)])
    _report(city, categories, reporter=people["alexis"], code="depot-sauvage",
            description="Des gravats et un vieux matelas abandonnés au pied du muret.", lat=45.4351, lon=4.3688,
            updates=[(martha, Status.CLOSED, "Enlevé par le service propreté ; merci du signalement.", None)])
    _report(city, categories, reporter=people["clement"], code="mobilier-urbain",
            description="Une latte du banc est cassée et dépasse.", lat=45.4388, lon=4.3859,
            address="Square Violette")
    _report(city, categories, reporter=people["clemence"], code="vegetation",
            description="Le pied d'arbre est envahi de ronces qui gênent le passage des poussettes.",
            lat=45.4361, lon=4.4061, address="Montée du Crêt de Roch")
