"""factory_boy factories for the platform's models.

Every account gets the same known password (PASSWORD) and, unless asked
otherwise, a verified primary e-mail address, so that allauth lets it log in.
"""

import factory
from allauth.account.models import EmailAddress

from alleger.accounts.models import User
from alleger.organisations.models import Membership, Organisation
from alleger.territories.models import Neighbourhood, Territory, TerritoryRole

PASSWORD = "une-phrase-de-passe-solide"

#: The roles of the permission matrix, each a fixture of the root conftest.
ROLES = ("visitor", "resident", "org_member", "org_admin", "moderator", "cell_member", "sponsor", "platform_admin")


def box(lon1: float, lat1: float, lon2: float, lat2: float) -> dict:
    """A rectangular GeoJSON polygon (WGS84 lon/lat), counter-clockwise."""
    return {
        "type": "Polygon",
        "coordinates": [[[lon1, lat1], [lon2, lat1], [lon2, lat2], [lon1, lat2], [lon1, lat1]]],
    }


def _bbox(boundary: dict) -> dict:
    ring = boundary["coordinates"][0]
    lons = [point[0] for point in ring]
    lats = [point[1] for point in ring]
    return {"min_lon": min(lons), "min_lat": min(lats), "max_lon": max(lons), "max_lat": max(lats)}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Personne {n}")
    password = factory.django.Password(PASSWORD)
    is_active = True

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """verified=False leaves the account without a verified address."""
        if not create or extracted is False:
            return
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class TerritoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Territory

    name = factory.Sequence(lambda n: f"Territoire {n}")
    slug = factory.Sequence(lambda n: f"territoire-{n}")
    kind = Territory.Kind.CITY
    boundary = factory.LazyFunction(lambda: box(4.30, 45.40, 4.45, 45.50))
    min_lon = factory.LazyAttribute(lambda o: _bbox(o.boundary)["min_lon"] if o.boundary else None)
    min_lat = factory.LazyAttribute(lambda o: _bbox(o.boundary)["min_lat"] if o.boundary else None)
    max_lon = factory.LazyAttribute(lambda o: _bbox(o.boundary)["max_lon"] if o.boundary else None)
    max_lat = factory.LazyAttribute(lambda o: _bbox(o.boundary)["max_lat"] if o.boundary else None)


class NeighbourhoodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Neighbourhood

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Quartier {n}")
    slug = factory.Sequence(lambda n: f"quartier-{n}")
    boundary = factory.LazyFunction(lambda: box(4.36, 45.42, 4.40, 45.44))
    min_lon = factory.LazyAttribute(lambda o: _bbox(o.boundary)["min_lon"])
    min_lat = factory.LazyAttribute(lambda o: _bbox(o.boundary)["min_lat"])
    max_lon = factory.LazyAttribute(lambda o: _bbox(o.boundary)["max_lon"])
    max_lat = factory.LazyAttribute(lambda o: _bbox(o.boundary)["max_lat"])


class TerritoryRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TerritoryRole

    territory = factory.SubFactory(TerritoryFactory)
    user = factory.SubFactory(UserFactory)
    role = TerritoryRole.Role.MODERATOR


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.ASSOCIATION
    description = "Une organisation de quartier."
    is_sponsor = False


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = Membership.Role.MEMBER
