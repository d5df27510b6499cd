"""Demo kits, drawn from the seed "Kits d'intervention urbaine": eight published,
one submitted for review, one draft and one fork (Clémence's variant of the
urban gardener kit), some with several versions to compare."""

from .models import Kit
from .rules import has_stake_in_kit
from .services import Decision, kit_create, kit_fork, kit_review, kit_submit, kit_update

C = Kit.Category
A = Kit.Axis

KITS = [
    {
        "slug": "cartographier-son-quartier-dans-openstreetmap", "author": "remi", "organisation": "city",
        "status": "published",
        "title": "Cartographier son quartier dans OpenStreetMap",
        "summary": "Ajouter pas à pas bancs, fontaines, arceaux vélo et rampes d'accès à la carte libre du monde.",
        "category": C.DATA_MAPPING, "axis": A.INFORMATION, "level": 1, "group_size": "Seul ou en cartoparty",
        "duration": Kit.Duration.LASTING, "frequency": Kit.Frequency.REGULAR,
        "allowed": "Ajouter et corriger sur OpenStreetMap tout ce qui se voit depuis l'espace public : "
                   "bancs, fontaines, toilettes, arceaux vélo, abaissements de trottoir.",
        "steps": "1. Créez un compte sur openstreetmap.org.\n2. Parcourez votre rue et notez ce qui manque "
                 "(une photo aide).\n3. Ouvrez l'éditeur iD sur la zone, choisissez le type d'élément et placez-le."
                 "\n4. Décrivez votre modification en une phrase et enregistrez.",
        "procedures": "Aucune démarche auprès de la Ville : les données d'OpenStreetMap sont sous licence ODbL.",
        "rules": "Ne cartographiez que ce que vous avez vu ; ne copiez jamais une carte protégée.",
        "responsibilities": "Revenez de temps en temps vérifier vos ajouts et corriger ce qui a changé.",
        "design_guidelines": "",
        "tools": "Un téléphone ou un ordinateur, un carnet, un appareil photo.",
        "edit": {"steps": "1. Créez un compte sur openstreetmap.org.\n2. Parcourez votre rue et notez ce qui manque "
                          "(une photo aide).\n3. Ouvrez l'éditeur iD sur la zone, choisissez le type d'élément et "
                          "placez-le.\n4. Décrivez votre modification en une phrase et enregistrez.\n5. Inscrivez "
                          "votre ajout sur la carte des dispositifs d'Alléger pour que d'autres le retrouvent.",
                 "note": "Ajout de l'étape 5 : signaler son ajout sur la carte des dispositifs."},
    },
    {
        "slug": "kit-du-jardinier-urbain", "author": "remi", "organisation": "city", "status": "published",
        "title": "Le kit du jardinier urbain",
        "summary": "Créer et entretenir un potager ou un pied d'arbre fleuri, avec les démarches auprès de la Ville.",
        "category": C.GREENING, "axis": A.PHYSICAL, "level": 2, "group_size": "3 à 10 personnes",
        "duration": Kit.Duration.LASTING, "frequency": Kit.Frequency.REGULAR,
        "allowed": "Planter et entretenir des fleurs, aromatiques et légumes dans les pieds d'arbres, "
                   "jardinières et parcelles ouvertes par la Ville.",
        "steps": "1. Repérez l'emplacement.\n2. Déposez la demande de permis de végétaliser.\n"
                 "3. Préparez le sol avec le service des espaces verts.\n4. Plantez, arrosez, racontez.",
        "procedures": "- **Qui solliciter** : le service des espaces verts de la Ville.\n"
                      "- **Quel formulaire** : la demande de permis de végétaliser (en ligne ou en mairie).\n"
                      "- **Délai** : environ un mois avant la réponse.",
        "rules": "Pas de pesticides ni d'engrais chimiques ; pas de plantes invasives ; laisser le passage libre.",
        "responsibilities": "Le permis engage ses signataires à entretenir l'espace : arrosage, désherbage, "
                            "propreté. La Ville reprend l'emplacement s'il est abandonné plus de six mois.",
        "design_guidelines": "Privilégiez les espèces locales et peu gourmandes en eau ; gardez 1,40 m de trottoir libre.",
        "tools": "Gants, transplantoir, arrosoir, terreau (fourni par la Ville au démarrage).",
    },
    {
        "slug": "emprunter-la-salle-des-fetes-du-quartier", "author": "clement", "organisation": "association",
        "status": "published",
        "title": "Emprunter la salle des fêtes du quartier",
        "summary": "Réserver la salle des fêtes pour une fête de voisins, un repas partagé ou une réunion.",
        "category": C.TEMPORARY_USES, "axis": A.USE, "level": 1, "group_size": "Jusqu'à 80 personnes",
        "duration": Kit.Duration.TEMPORARY, "frequency": Kit.Frequency.OCCASIONAL,
        "allowed": "Utiliser la salle un soir de semaine ou un week-end pour un événement ouvert et sans but lucratif.",
        "steps": "1. Consultez le planning.\n2. Réservez.\n3. Faites l'état des lieux d'entrée.\n"
                 "4. Rendez la salle propre.",
        "procedures": "La réservation se fait auprès de la mairie de quartier, au moins trois semaines avant, "
                      "avec une attestation d'assurance responsabilité civile.",
        "rules": "Fin de la musique à 22 h ; salle rendue à minuit.",
        "responsibilities": "L'emprunteur répond des dégâts constatés à l'état des lieux de sortie.",
        "design_guidelines": "",
        "tools": "Tables et chaises sur place ; vaisselle prêtée par le Café d'à Côté.",
    },
    {
        "slug": "parklet-park-ing-day", "author": "clement", "organisation": "association", "status": "published",
        "title": "Un parklet pour le Park(ing) day",
        "summary": "Transformer une place de stationnement en petit salon public le temps d'une journée.",
        "category": C.PARKING_REUSE, "axis": A.PHYSICAL, "level": 2, "group_size": "4 à 8 personnes",
        "duration": Kit.Duration.TEMPORARY, "frequency": Kit.Frequency.OCCASIONAL,
        "allowed": "Occuper une place de stationnement payante de 9 h à 19 h, le troisième vendredi de septembre.",
        "steps": "1. Choisissez la place.\n2. Déclarez l'occupation.\n3. Installez palettes, plantes et bancs.\n"
                 "4. Démontez et nettoyez le soir.",
        "procedures": "Déclaration d'occupation temporaire du domaine public auprès de la Ville, deux semaines avant.",
        "rules": "Aucune vente ; le parklet reste ouvert à tous.",
        "responsibilities": "Le groupe signataire est responsable de la sécurité de l'installation.",
        "design_guidelines": "Délimitez la place par des bacs lestés ; rien ne dépasse sur la chaussée.",
        "tools": "Palettes, bacs à plantes, coussins, plots de signalisation.",
    },
    {
        "slug": "entretenir-et-customiser-les-velos-en-libre-service", "author": "remi", "organisation": "city",
        "status": "published",
        "title": "Entretenir et customiser les vélos en libre-service",
        "summary": "Réparer freins et guidon d'un vélo partagé avec l'armoire de bricolage, puis le rendre plus joyeux.",
        "category": C.FURNITURE_REPAIR, "axis": A.SERVICES, "level": 1, "group_size": "Seul",
        "duration": Kit.Duration.TEMPORARY, "frequency": Kit.Frequency.OCCASIONAL,
        "allowed": "Régler les freins, resserrer le guidon, regonfler ; décorer le panier et le garde-boue.",
        "steps": "1. Signalez le vélo en panne.\n2. Ouvrez l'armoire de bricolage la plus proche avec le code reçu.\n"
                 "3. Suivez la fiche de réparation.\n4. Inscrivez votre customisation sur la carte.",
        "procedures": "Aucune démarche pour une petite réparation.",
        "rules": "Ne touchez ni au cadenas ni au boîtier électronique.",
        "responsibilities": "Rangez les outils dans l'armoire et refermez-la.",
        "design_guidelines": "Décorations amovibles uniquement ; rien ne doit gêner la conduite.",
        "tools": "Les outils de l'armoire de bricolage, ou le micro-kit du buraliste.",
    },
    {
        "slug": "atelier-bombes-a-graines", "author": "alexis", "organisation": "association", "status": "published",
        "title": "Un atelier de bombes à graines",
        "summary": "Fabriquer ensemble des bombes à graines d'espèces locales et les semer sur les talus délaissés.",
        "category": C.GREENING, "axis": A.PHYSICAL, "level": 1, "group_size": "5 à 20 personnes",
        "duration": Kit.Duration.LASTING, "frequency": Kit.Frequency.OCCASIONAL,
        "allowed": "Semer des bombes à graines d'espèces locales sur les talus et friches publics signalés par la "
                   "Ville.",
        "steps": "1. Réunissez argile, terreau et graines locales (3 mesures d'argile, 1 de terreau, 1 de graines)."
                 "\n2. Mélangez avec un peu d'eau et roulez des boulettes de la taille d'une noix.\n"
                 "3. Laissez sécher 48 h.\n4. Semez-les avant une pluie, sur un talus autorisé.",
        "procedures": "Prévenez le service des espaces verts une semaine avant : il indique les talus où semer.",
        "rules": "Uniquement des espèces locales et non invasives ; jamais dans les jardins privés ni les massifs "
                 "entretenus ; on ramasse tout ce qu'on a apporté.",
        "responsibilities": "Le groupe revient au printemps pour voir ce qui a levé et le raconter dans le journal.",
        "design_guidelines": "", "tools": "Argile verte, terreau, graines locales, bassines, eau.",
    },
    {
        "slug": "guerilla-gardening-et-bombes-a-graines", "author": "alexis", "organisation": None,
        "status": "submitted",
        "title": "Guérilla jardinière et bombes à graines",
        "summary": "Fabriquer des bombes à graines et fleurir les friches avec des espèces locales.",
        "category": C.GREENING, "axis": A.PHYSICAL, "level": 1, "group_size": "2 à 20 personnes",
        "duration": Kit.Duration.LASTING, "frequency": Kit.Frequency.OCCASIONAL,
        "allowed": "Lancer des bombes à graines d'espèces locales sur les friches et talus délaissés.",
        "steps": "1. Mélangez argile, terreau et graines.\n2. Formez des boulettes et laissez sécher 48 h.\n"
                 "3. Lancez-les avant une pluie.",
        "procedures": "", "rules": "Jamais dans les jardins privés ni les massifs entretenus.",
        "responsibilities": "", "design_guidelines": "", "tools": "Argile verte, terreau, graines locales, eau.",
    },
    {
        "slug": "micro-kit-de-bricolage-du-buraliste", "author": "clement", "organisation": None,
        "status": "published",
        "title": "Le micro-kit de bricolage du buraliste",
        "summary": "Emprunter au comptoir du tabac du coin un petit kit pour les réparations légères.",
        "category": C.FURNITURE_REPAIR, "axis": A.SERVICES, "level": 1, "group_size": "Seul",
        "duration": Kit.Duration.TEMPORARY, "frequency": Kit.Frequency.OCCASIONAL,
        "allowed": "Resserrer une vis, regonfler un pneu, remettre une chaîne : les petites réparations.",
        "steps": "1. Demandez le micro-kit au comptoir en laissant une pièce d'identité.\n"
                 "2. Réparez sur place.\n3. Rapportez le kit complet dans l'heure.",
        "procedures": "Aucune démarche : le buraliste partenaire prête le kit aux heures d'ouverture.",
        "rules": "Un kit par personne, rendu le jour même.",
        "responsibilities": "Signalez au buraliste un outil cassé ou manquant.",
        "design_guidelines": "",
        "tools": "Clés plates 8 à 15, tournevis, démonte-pneus, pompe, rustines.",
    },
    {
        "slug": "pedibus", "author": "alexis", "organisation": None, "status": "published",
        "title": "Organiser un pédibus",
        "summary": "Accompagner à pied les enfants du quartier jusqu'à l'école, sur une ligne et des horaires fixes.",
        "category": C.STREET_SAFETY, "axis": A.USE, "level": 2, "group_size": "3 à 10 parents",
        "duration": Kit.Duration.LASTING, "frequency": Kit.Frequency.REGULAR,
        "allowed": "Tracer une ligne à pied avec des arrêts, et accompagner les enfants chaque matin.",
        "steps": "1. Réunissez les parents volontaires.\n2. Tracez la ligne et ses arrêts sur la carte.\n"
                 "3. Testez le trajet, chronométrez-le.\n4. Affichez les horaires aux arrêts.",
        "procedures": "Prévenez l'école et la police municipale ; demandez des chasubles à la mairie.",
        "rules": "Deux adultes au moins par trajet ; les enfants marchent côté immeubles.",
        "responsibilities": "Un planning partagé des accompagnateurs ; chaque parent reste responsable de son "
                            "enfant jusqu'à l'arrêt.",
        "design_guidelines": "Des arrêts visibles, près des passages piétons.",
        "tools": "Chasubles réfléchissantes, panneaux d'arrêt, planning.",
    },
]


def load(context) -> None:
    people, organisations = context.people, context.organisations
    martha = people["martha"]
    city = context.territories["city"]
    for data in KITS:
        data = dict(data)
        slug, status = data.pop("slug"), data.pop("status")
        if Kit.objects.filter(slug=slug).exists():
            continue
        author = people[data.pop("author")]
        organisation_key = data.pop("organisation")
        edit = data.pop("edit", None)
        kit = kit_create(author=author, territory=city, slug=slug,
                         organisation=organisations[organisation_key] if organisation_key else None, **data)
        if edit:
            edit = dict(edit)
            kit = kit_update(kit=kit, actor=author, note=edit.pop("note"), **edit)
        kit_submit(kit=kit, actor=author)
        if status == "published":
            # Four eyes: a kit Martha (or her organisation) wrote is published by the platform team.
            reviewer = people["admin"] if has_stake_in_kit(martha, kit) else martha
            kit_review(kit=kit, moderator=reviewer, decision=Decision.PUBLISH)

    # Clémence's variant of the gardener kit, adapted to the Crêt de Roch slopes.
    gardener = Kit.objects.get(slug="kit-du-jardinier-urbain")
    if not gardener.forks.exists():
        fork = kit_fork(kit=gardener, actor=people["clemence"])
        kit_update(kit=fork, actor=people["clemence"], title="Le kit du jardinier urbain — pentes du Crêt de Roch",
                   design_guidelines=gardener.design_guidelines + "\n\nSur les pentes, montez des bacs en "
                   "terrasse et paillez pour retenir l'eau.", note="Adaptation aux rues en pente.")
