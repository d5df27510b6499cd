"""The ten demo shared places of Saint-Étienne (names fixed: the other track-3 apps rely on them), their
services and hours, and a place proposed by Clémence that waits for the moderators.

Managers (members of the operator organisation): Alexis (admin) and Clément (member) run the Fab lab de
Jacquard through the association « Jacquard Fabrique »; Clément (admin) and Alexis (member) the Repair
café de Montreynaud through Le Café d'à Côté; Didier the coworking La Fabrique; Rémi and Martha the
city's places (the médiathèque, France Services, the party hall).
"""

from alleger.organisations.models import Membership, Organisation
from alleger.organisations.services import membership_add, organisation_create
from alleger.territories.models import Neighbourhood

from .links import load_demo as link_kits
from .models import (
    Access,
    Moderation,
    Origin,
    Place,
    ProviderKind,
    Service,
    ServiceKind,
    Sharer,
    Wheelchair,
)
from .services import place_propose

SOURCE = "alleger-demo"

#: New operator organisations: key, slug, name, kind, admin, members, description.
OPERATORS = [
    ("fablab", "jacquard-fabrique", "Jacquard Fabrique", Organisation.Kind.ASSOCIATION, "alexis", ["clement"],
     "L'association qui fait vivre le fab lab du quartier Jacquard : machines, formations, projets partagés."),
    ("coworking", "la-fabrique-coworking", "La Fabrique, coworking", Organisation.Kind.COMPANY, "didier", [],
     "Une coopérative d'indépendants qui loue bureaux et salles de réunion au centre-ville."),
]

FAB_CHARTER = """1. **Formation d'abord** : chaque machine (découpeuse laser, imprimantes 3D) s'utilise après sa formation.
2. **On documente** ce qu'on fabrique, pour que d'autres puissent le refaire.
3. **On range** son poste et on trie les chutes avant de partir."""

# key, name, type, profiles, origin, hood, lat, lon, address, operator key, wheelchair, summary,
# shared_by, shared_with, shared_what, accessibility, services [(name, kind, hours, access, provider, provider kind,
# and maybe {other fields})]
PLACES = [
    ("mediatheque-carnot", "Médiathèque de Carnot", "mediatheque", ["mediation"], Origin.BECAME_SHARED,
     "carnot-bellevue", 45.4221, 4.3902, "12 place Carnot", "city", Wheelchair.YES,
     "La médiathèque du quartier et son espace public numérique.",
     [Sharer.ADMINISTRATIONS], "Tous les habitants, sans inscription pour l'espace numérique.",
     "Ordinateurs, connexion, imprimante, accompagnement au numérique.",
     "Boucle magnétique à l'accueil ; documents en FALC.",
     [("Espace public numérique", ServiceKind.DIGITAL_HELP, "Tu-Sa 10:00-18:00; PH off", Access.FREE, "", ""),
      ("Impressions et photocopies", ServiceKind.PRINTING, "Tu-Sa 10:00-18:00; PH off", Access.PAID, "", "")]),
    ("france-services-cret-de-roch", "France Services du Crêt de Roch", "france_services", ["mediation"],
     Origin.CREATED, "cret-de-roch", 45.4372, 4.4071, "5 rue Élise Gervais", "city", Wheelchair.YES,
     "Un seul guichet pour les démarches : CAF, France Travail, impôts, retraite, santé.",
     [Sharer.ADMINISTRATIONS], "Tous les habitants, avec ou sans rendez-vous.",
     "Un accueil, des permanences des organismes publics, des ordinateurs en libre accès.",
     "Accueil de plain-pied ; interprétariat en langue des signes sur rendez-vous.",
     [("Accueil France Services", ServiceKind.PROCEDURES, "Mo-Fr 09:00-12:00,13:30-17:00; PH off", Access.FREE,
       "", ""),
      ("Permanence CAF", ServiceKind.FAMILY_BENEFITS, "Th 14:00-17:00", Access.FREE, "CAF de la Loire",
       ProviderKind.PUBLIC),
      ("Conseiller France Travail", ServiceKind.EMPLOYMENT, "Tu 09:00-12:00", Access.FREE, "France Travail",
       ProviderKind.PUBLIC)]),
    ("tabac-le-relais", "Tabac-presse Le Relais", "relay", ["mediation"], Origin.BECAME_SHARED, "centre-ville",
     45.4352, 4.3871, "21 rue Gambetta", None, Wheelchair.PARTIAL,
     "Le tabac-presse du centre, point relais colis du quartier.",
     [Sharer.COMPANIES], "Les habitants du centre-ville.", "Le retrait et le dépôt des colis.",
     "Une marche à l'entrée ; le buraliste sert sur le trottoir sur demande.",
     [("Point relais colis", ServiceKind.PARCELS, "Mo-Sa 07:00-19:30", Access.FREE, "", "")]),
    ("la-fabrique-coworking", "La Fabrique, coworking", "coworking", ["work"], Origin.RECLAIMED, "centre-ville",
     45.4389, 4.3925, "3 place Jean Jaurès", "coworking", Wheelchair.YES,
     "Bureaux partagés et salles de réunion dans une ancienne imprimerie.",
     [Sharer.OWNERS, Sharer.COMPANIES], "Indépendants, associations, télétravailleurs.",
     "Postes de travail, deux salles de réunion, une cuisine.", "Ascenseur.",
     [("Postes de travail", ServiceKind.WORKSPACE, "Mo-Fr 08:30-19:00; PH off", Access.PAID, "", ""),
      ("Salles de réunion", ServiceKind.MEETING_ROOM, "Mo-Fr 08:30-19:00; PH off", Access.PAID, "", "")]),
    ("fab-lab-jacquard", "Fab lab de Jacquard", "fablab", ["creation", "work"], Origin.RECLAIMED, "jacquard",
     45.4368, 4.3722, "18 rue Jacquard", "fablab", Wheelchair.YES,
     "Imprimantes 3D, découpeuse laser, électronique : on apprend, on fabrique, on répare.",
     [Sharer.INDIVIDUALS], "Les habitants, les écoles et les artisans du quartier.",
     "Les machines, les outils, le savoir-faire des bénévoles ; une découpeuse laser après formation.",
     "Atelier de plain-pied ; établis à hauteur variable.",
     [("Ouverture au public", ServiceKind.FABRICATION, "We,Sa 14:00-19:00", Access.FREE, "", ""),
      ("Formation à la découpeuse laser", ServiceKind.WORKSHOPS, "Sa 10:00-12:00", Access.MEMBERS, "", "")]),
    ("repair-cafe-montreynaud", "Repair café de Montreynaud", "repair_cafe", ["creation"], Origin.CREATED,
     "montreynaud", 45.4521, 4.3905, "avenue de Montreynaud", "association", Wheelchair.PARTIAL,
     "Une fois par mois, des bénévoles aident à réparer petit électroménager, vélos et vêtements.",
     [Sharer.INDIVIDUALS], "Tout le monde, gratuitement.", "Outils, pièces de récupération, conseils.",
     "Salle de plain-pied, toilettes non adaptées.",
     [("Réparation", ServiceKind.REPAIR, "Sa[1] 14:00-18:00", Access.FREE, "Le Café d'à Côté",
       ProviderKind.ASSOCIATION)]),
    ("jardin-cret-de-roch", "Jardin partagé du Crêt de Roch", "garden", ["creation"], Origin.RECLAIMED,
     "cret-de-roch", 45.4408, 4.4102, "montée du Crêt de Roch", None, Wheelchair.NO,
     "Une friche devenue jardin : parcelles collectives, compost, fête des récoltes.",
     [Sharer.INDIVIDUALS], "Les voisins, les écoles du quartier.", "Les parcelles, les outils, le compost.",
     "Terrain en pente, allées en terre.",
     [("Jardinage collectif", ServiceKind.GARDENING, "We 14:00-17:00; Sa 10:00-12:00", Access.FREE, "", "")]),
    ("atelier-carnot", "Atelier de quartier de Carnot", "workshop", ["creation"], Origin.CREATED, "carnot-bellevue",
     45.4248, 4.3811, "40 rue Bergson", None, Wheelchair.YES,
     "Un atelier partagé où emprunter des outils et bricoler ensemble.",
     [Sharer.INDIVIDUALS], "Les adhérents (adhésion à prix libre).", "Perceuses, scies, ponceuses, établis.",
     "Atelier de plain-pied.",
     [("Prêt d'outils", ServiceKind.TOOL_LENDING, "Tu,Th 17:00-20:00; Sa 10:00-12:00", Access.MEMBERS, "", "")]),
    ("salle-des-fetes-jacquard", "Salle des fêtes de Jacquard", "hall", ["mediation"], Origin.BECAME_SHARED,
     "jacquard", 45.4331, 4.3688, "place Jacquard", "city", Wheelchair.YES,
     "La salle des fêtes du quartier, louée à l'heure aux associations et aux habitants.",
     [Sharer.ADMINISTRATIONS], "Associations et habitants du quartier.",
     "Une salle de 120 places assises (150 debout), une cuisine équipée.",
     "Accès de plain-pied, toilettes adaptées.",
     # What its bookable room (bookings.demo, « Grande salle ») says: the same hours, the same price.
     [("Location de la salle", ServiceKind.EVENTS, "Mo-Su 09:00-23:00", Access.PAID, "", "",
       {"hours_note": "Sur réservation, en ligne : la Grande salle.",
        "price_note": "25 € l'heure, réglés sur place."})]),
    ("college-jules-valles", "Collège Jules-Vallès, salle informatique", "school", ["mediation"],
     Origin.BECAME_SHARED, "montreynaud", 45.4502, 4.4005, "rue Jean Parot", None, Wheelchair.YES,
     "Le samedi matin, la salle informatique du collège ouvre aux habitants.",
     [Sharer.ADMINISTRATIONS], "Les familles du quartier.", "Vingt ordinateurs et une imprimante.",
     "Ascenseur ; un poste à hauteur adaptée.",
     [("Salle informatique ouverte", ServiceKind.INTERNET, "Sa 09:00-12:00", Access.FREE, "", "")]),
]


def _operators(context, city) -> dict:
    people = context.people
    found = {"city": context.organisations.get("city"), "association": context.organisations.get("association")}
    for key, slug, name, kind, admin, members, description in OPERATORS:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            organisation = organisation_create(creator=people[admin], name=name, slug=slug, kind=kind,
                                               territory=city, description=description)
        for member in members:
            if not Membership.objects.filter(organisation=organisation, user=people[member]).exists():
                membership_add(organisation=organisation, email=people[member].email, role=Membership.Role.MEMBER,
                               actor=people[admin])
        context.organisations[key] = organisation
        found[key] = organisation
    return found


def load(context) -> None:
    city = context.territories["city"]
    operators = _operators(context, city)
    hoods = {n.slug: n for n in Neighbourhood.objects.filter(territory=city)}
    existing = set(Place.objects.filter(territory=city, source=SOURCE).values_list("source_id", flat=True))
    for (key, name, place_type, profiles, origin, hood, lat, lon, address, operator, wheelchair, summary,
         shared_by, shared_with, shared_what, accessibility, services) in PLACES:
        if key in existing:
            continue
        place = Place.objects.create(
            territory=city, neighbourhood=hoods.get(hood), name=name, summary=summary, place_type=place_type,
            profile_mediation="mediation" in profiles, profile_work="work" in profiles,
            profile_creation="creation" in profiles, origin=origin, operator=operators.get(operator) if operator
            else None, address=address, postcode="42000", city="Saint-Étienne", lat=lat,
            lon=lon, shared_by=[str(s) for s in shared_by], shared_with=shared_with, shared_what=shared_what,
            wheelchair=wheelchair, accessibility=accessibility, source=SOURCE, source_id=key,
            moderation=Moderation.PUBLISHED,
            charter=FAB_CHARTER if key == "fab-lab-jacquard" else "",
            community=("Les bénévoles de Jacquard Fabrique accueillent le mercredi et le samedi ; "
                       "adhérez sur place." if key == "fab-lab-jacquard" else ""))
        Service.objects.bulk_create([
            Service(place=place, name=service_name, kind=kind, opening_hours=hours, access=access,
                    provider_name=provider, provider_kind=provider_kind or ProviderKind.PLACE,
                    by_appointment=not hours, **(more[0] if more else {}))
            for service_name, kind, hours, access, provider, provider_kind, *more in services])
    _proposed(context, city)
    link_kits(context)


def _proposed(context, city) -> None:
    clemence = context.people.get("clemence")
    name = "Laverie solidaire du centre"
    if clemence is None or Place.objects.filter(territory=city, name=name).exists():
        return
    place_propose(
        user=clemence, territory=city, name=name, place_type="conciergerie", profiles=["mediation"],
        address="7 rue de la République", lat=45.4361, lon=4.3894,
        summary="Une laverie associative où l'on peut aussi laisser ses clés et ses colis.",
        shared_with="Les habitants du centre-ville.", postcode="42000", city="Saint-Étienne",
        service={"name": "Laverie", "kind": ServiceKind.OTHER, "opening_hours": "Mo-Sa 08:00-20:00"})
