"""Demo proposals: greening the sidewalks (supported, answered officially) and opening a closed space."""

from alleger.assets.models import Asset

from .models import Proposal
from .services import proposal_answer, proposal_create, proposal_support

PROPOSALS = [
    {
        "author": "clemence", "kind": Proposal.Kind.CHANGE_RULE,
        "title": "Dégrapper les trottoirs pour y planter des fleurs",
        "body": "Le long des façades, retirons quelques **carrés d'enrobé** pour y semer des fleurs et des "
                "grimpantes, comme à Lyon ou à Paris.\n\n"
                "- la Ville découpe et retire l'enrobé, une fois ;\n"
                "- les habitants signent une charte d'entretien (arrosage, désherbage, pas de pesticides) ;\n"
                "- le passage de 1,40 m reste libre pour les poussettes et les fauteuils.\n\n"
                "Le kit du jardinier urbain dit déjà comment entretenir ; il manque le droit de dégrapper.",
        "supporters": ["alexis", "clement", "remi", "didier", "helene"],
        "answer": ("accepted", "La Ville retient la proposition : une **première série de vingt fosses** sera "
                               "dégrappée rue Michelet et au Crêt de Roch au printemps. Les habitants qui "
                               "souhaitent en parrainer une signent la charte de végétalisation en mairie de "
                               "quartier ; le service des espaces verts fournit la terre et les premiers plants."),
    },
    {
        "author": "alexis", "kind": Proposal.Kind.OPEN_SPACE,
        "title": "Ouvrir la cour de l'école Jules-Ferry le samedi",
        "body": "La cour est fermée tout le week-end alors que le quartier n'a pas de square. Ouvrons-la le "
                "samedi de 10 h à 18 h, avec des parents volontaires pour l'ouverture et la fermeture.",
        "supporters": ["clemence", "clement"],
        "answer": ("under_review", "La demande est transmise au service des écoles, qui étudie l'assurance et "
                                   "la surveillance. Réponse attendue avant l'été."),
    },
]


def load(context) -> None:
    people, city, martha = context.people, context.territories["city"], context.people["martha"]
    for data in PROPOSALS:
        if Proposal.objects.filter(territory=city, title=data["title"]).exists():
            continue
        asset = None
        if data["kind"] == Proposal.Kind.OPEN_SPACE:
            asset = Asset.objects.filter(territory=city, status=Asset.Status.CLOSED,
                                         moderation=Asset.Moderation.PUBLISHED).order_by("pk").first()
        proposal = proposal_create(author=people[data["author"]], territory=city, kind=data["kind"],
                                   title=data["title"], body=data["body"], asset=asset)
        for key in data["supporters"]:
            proposal_support(proposal=proposal, user=people[key])
        status, answer = data["answer"]
        proposal_answer(proposal=proposal, moderator=martha, status=status, answer=answer)
