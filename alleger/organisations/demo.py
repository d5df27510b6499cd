"""Demo organisations: an association, a local SME, the city and a sponsor foundation."""

from django.utils import timezone

from alleger.territories.models import TerritoryRole
from alleger.territories.services import territory_role_grant

from .models import Membership, Organisation, SponsorshipRequest
from .services import membership_add, organisation_create, sponsorship_decide, sponsorship_request

ORGANISATIONS = [
    # key, slug, name, kind, sponsor, admin, members, description
    ("association", "cafe-d-a-cote", "Le Café d'à Côté", Organisation.Kind.ASSOCIATION, False, "clement", ["alexis"],
     "Un café convivial de quartier, point de dépôt des paniers de l'AMAP, avec une ressourcerie."),
    ("sme", "ferme-du-pilat", "La Ferme du Pilat", Organisation.Kind.COMPANY, False, "didier", [],
     "Exploitation maraîchère qui fournit l'AMAP du quartier Jacquard."),
    ("city", "ville-de-saint-etienne", "Ville de Saint-Étienne", Organisation.Kind.PUBLIC_BODY, False, "remi",
     ["martha"], "La Ville et sa cellule d'innovation ouverte."),
    ("foundation", "fondation-nouveau-monde", "Fondation Nouveau Monde", Organisation.Kind.ASSOCIATION, True,
     "helene", [], "Fondation régionale qui double les contributions des habitants aux projets locaux."),
]


def load(context) -> None:
    city = context.territories["city"]
    people = context.people
    for key, slug, name, kind, sponsor, admin, members, description in ORGANISATIONS:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            territory = context.territories["region"] if key == "foundation" else city
            organisation = organisation_create(
                creator=people[admin], name=name, slug=slug, kind=kind, is_sponsor=sponsor,
                territory=territory, description=description,
            )
        for member in members:
            if not Membership.objects.filter(organisation=organisation, user=people[member]).exists():
                membership_add(organisation=organisation, email=people[member].email,
                               role=Membership.Role.MEMBER, actor=people[admin])
        context.organisations[key] = organisation
    # Their registrations were checked when the city opened its window: verified (the city by the platform team).
    Organisation.objects.filter(pk__in=[o.pk for k, o in context.organisations.items() if k != "city"],
                                verified_at__isnull=True).update(verified_at=timezone.now(), verified_by=people["martha"])
    Organisation.objects.filter(pk=context.organisations["city"].pk, verified_at__isnull=True).update(
        verified_at=timezone.now())
    territory_role_grant(territory=city, user=people["martha"], role=TerritoryRole.Role.MODERATOR)
    territory_role_grant(territory=city, user=people["remi"], role=TerritoryRole.Role.CELL)
    # The farm lends equipment to projects: it asked to become a sponsor of the city, and Martha accepted.
    farm = context.organisations["sme"]
    if not SponsorshipRequest.objects.filter(organisation=farm).exists():
        asked = sponsorship_request(organisation=farm, territory=city, actor=people["didier"], message=(
            "Nous prêtons notre remorque et nos outils de jardinage aux projets du quartier Jacquard."))
        sponsorship_decide(request=asked, actor=people["martha"], accept=True)
        farm.refresh_from_db()
