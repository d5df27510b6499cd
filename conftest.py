"""Root fixtures: one fixed cast of people, one per role, around one territory
and one organisation (plus a sponsor foundation), as the permission matrix
and the view tests see them.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import connection
from django.utils import translation

from alleger.assets import mapcache
from alleger.core import fragments
from alleger.organisations.models import Membership
from alleger.territories.models import TerritoryRole
from alleger.testing import demo as demo_data
from alleger.testing.factories import (
    PASSWORD,
    ROLES,
    MembershipFactory,
    NeighbourhoodFactory,
    OrganisationFactory,
    TerritoryFactory,
    TerritoryRoleFactory,
    UserFactory,
    box,
)


@pytest.fixture(autouse=True)
def _fast_and_isolated(settings, tmp_path):
    """Cheap password hashing, a private media folder, and clean caches
    (allauth keeps its rate limits there; the map keeps its answers) for every test;
    the default language afterwards (a request's LocaleMiddleware leaves its own active)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"
    for each in caches.all():
        each.clear()
    mapcache.forget()  # the map's per-process memo and LRU, like the shared cache
    fragments.forget()  # the values and people remembered per data version, likewise
    yield
    for each in caches.all():
        each.clear()
    mapcache.forget()
    translation.deactivate()


@pytest.fixture(autouse=True)
def _postgres_only(request):
    """Tests marked `postgres` need PostgreSQL's row locks; elsewhere they skip."""
    if request.node.get_closest_marker("postgres") and connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL (set DATABASE_URL=postgres://…)")


@pytest.fixture(scope="session")
def _demo_snapshot(django_db_setup, django_db_blocker, tmp_path_factory):
    with django_db_blocker.unblock():
        return demo_data.take_snapshot(media=tmp_path_factory.mktemp("demo-media"))


@pytest.fixture
def demo(_demo_snapshot, db, settings):
    """The demo data (`alleger demo_data`), loaded once per session and restored
    in this test's database and media folder; gives what the command printed."""
    return _demo_snapshot.restore(media_root=settings.MEDIA_ROOT)


@pytest.fixture
def password():
    return PASSWORD


# --- places ---------------------------------------------------------------


@pytest.fixture
def territory(db):
    return TerritoryFactory(name="Saint-Étienne", slug="saint-etienne", boundary=box(4.30, 45.40, 4.45, 45.50))


@pytest.fixture
def other_territory(db):
    return TerritoryFactory(name="Lyon", slug="lyon", boundary=box(4.77, 45.70, 4.90, 45.81))


@pytest.fixture
def neighbourhood(territory):
    return NeighbourhoodFactory(territory=territory, name="Jacquard", slug="jacquard",
                                boundary=box(4.36, 45.42, 4.38, 45.44))


@pytest.fixture
def organisation(territory):
    return OrganisationFactory(name="Le Café d'à Côté", slug="cafe-d-a-cote", territory=territory)


@pytest.fixture
def sponsor_organisation(territory):
    return OrganisationFactory(name="Fondation Nouveau Monde", slug="fondation-nouveau-monde",
                               territory=territory, is_sponsor=True)


# --- people, one per role ---------------------------------------------------


@pytest.fixture
def visitor():
    return AnonymousUser()


@pytest.fixture
def resident(db):
    return UserFactory(email="clemence@example.org", display_name="Clémence")


@pytest.fixture
def other_resident(db):
    return UserFactory(email="outsider@example.org", display_name="Quelqu'un d'autre")


@pytest.fixture
def org_member(organisation):
    return MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER,
                             user=UserFactory(email="alexis@example.org", display_name="Alexis")).user


@pytest.fixture
def org_admin(organisation):
    return MembershipFactory(organisation=organisation, role=Membership.Role.ADMIN,
                             user=UserFactory(email="clement@example.org", display_name="Clément")).user


@pytest.fixture
def moderator(territory):
    return TerritoryRoleFactory(territory=territory, role=TerritoryRole.Role.MODERATOR,
                                user=UserFactory(email="martha@example.org", display_name="Martha")).user


@pytest.fixture
def cell_member(territory):
    return TerritoryRoleFactory(territory=territory, role=TerritoryRole.Role.CELL,
                                user=UserFactory(email="remi@example.org", display_name="Rémi")).user


@pytest.fixture
def sponsor(sponsor_organisation):
    return MembershipFactory(organisation=sponsor_organisation, role=Membership.Role.MEMBER,
                             user=UserFactory(email="helene@example.org", display_name="Hélène")).user


@pytest.fixture
def platform_admin(db):
    return UserFactory(email="admin@example.org", display_name="Équipe Alléger", is_staff=True,
                       is_superuser=True)


@pytest.fixture
def people(request):
    """Every role, by name, in the order of ROLES."""
    return {role: request.getfixturevalue(role) for role in ROLES}


@pytest.fixture
def client_of(client):
    """client_of(user) logs the test client in as that person (or leaves it anonymous)."""

    def login(user):
        if user is not None and user.is_authenticated:
            client.force_login(user)
        return client

    return login
