"""Management commands: migrations are complete, the demo data loads idempotently."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.management import call_command

from alleger.accounts.demo import PEOPLE
from alleger.accounts.models import User
from alleger.assets.models import MapVersion
from alleger.core.demo_support import DEMO_PASSWORD
from alleger.core.models import AuditEvent
from alleger.organisations.demo import ORGANISATIONS
from alleger.organisations.models import Membership, Organisation, SponsorshipRequest
from alleger.territories.models import Neighbourhood, Territory, TerritoryRole
from alleger.testing import demo as demo_data


@pytest.mark.django_db
def test_the_migrations_match_the_models():
    # makemigrations --check exits non-zero when a model change has no migration
    out = io.StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    assert "No changes detected" in out.getvalue()


def _everything():
    """Every row of every model (later tracks included, allauth's addresses too) and every media file;
    not the map cache's version, which any write to the map bumps on purpose."""
    rows = {key: row for key, row in demo_data.rows().items() if key[0] != MapVersion._meta.label_lower}
    labels = {label for label, _ in rows}
    assert {model._meta.label_lower for model in (User, Territory, Neighbourhood, TerritoryRole, Organisation, Membership,
                                            AuditEvent, EmailAddress)} <= labels
    files = sorted(str(p.relative_to(settings.MEDIA_ROOT)) for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    return rows, files


def test_the_demo_data_loads_twice_without_changing_anything(demo):
    """Also checks the `demo` fixture's copy of the demo: a row or file it missed would come back."""
    # Given the demo data loaded once
    first = _everything()
    # When it is loaded again
    call_command("demo_data", "--quiet", stdout=io.StringIO())
    # Then no row nor file was added, removed or changed (generated positions, pictures… included)
    assert _everything() == first


def test_every_demo_account_one_can_log_in_with_is_printed(demo):
    """The scenarios' people (Marc of Forez Énergies, Camille, Jeanne, Gérard, Fatou…) are in the banner too."""
    banner = demo[demo.index(DEMO_PASSWORD):]
    printed = {line.split()[0] for line in banner.splitlines()[1:] if "@" in line}
    accounts = {user.email for user in demo_data.demo_people().values() if user.check_password(DEMO_PASSWORD)}
    assert {f"{key}@alleger.localhost" for key in ("marc", "camille", "jeanne", "gerard", "fatou")} <= accounts
    assert accounts == printed


def test_the_demo_data_has_what_the_tour_needs(demo, client):
    """Loading the demo is slow enough to check everything it holds in one go."""
    # Two territories: a city cut into neighbourhoods, and a region
    city = Territory.objects.get(slug="saint-etienne")
    region = Territory.objects.get(slug="auvergne-rhone-alpes")
    assert (city.kind, region.kind) == (Territory.Kind.CITY, Territory.Kind.REGION)
    assert Territory.objects.count() == 2
    assert city.neighbourhoods.count() >= 2
    assert city.boundary and region.boundary and city.bbox and region.bbox

    # The foundation's four organisations (later tracks may add their own)
    kinds = {(o.kind, o.is_sponsor) for o in Organisation.objects.filter(slug__in=[o[1] for o in ORGANISATIONS])}
    assert kinds == {
        (Organisation.Kind.ASSOCIATION, False),  # the neighbourhood café
        (Organisation.Kind.COMPANY, True),  # the local SME, a sponsor since Martha accepted its request
        (Organisation.Kind.PUBLIC_BODY, False),  # the city
        (Organisation.Kind.ASSOCIATION, True),  # the sponsor foundation
    }
    for organisation in Organisation.objects.all():
        assert organisation.memberships.filter(role=Membership.Role.ADMIN).exists(), organisation
    farm_request = SponsorshipRequest.objects.get(organisation__slug="ferme-du-pilat")
    assert (farm_request.status, farm_request.decided_by.email) == ("accepted", "martha@alleger.localhost")

    # One account per role
    people = User.objects.filter(is_active=True)
    memberships = Membership.objects.select_related("organisation")
    assert people.filter(is_superuser=True).exists()
    assert people.filter(is_superuser=False, memberships=None, territory_roles=None).exists()  # resident
    assert memberships.filter(role=Membership.Role.MEMBER, organisation__is_sponsor=False).exists()
    assert memberships.filter(role=Membership.Role.ADMIN, organisation__is_sponsor=False).exists()
    assert memberships.filter(organisation__is_sponsor=True).exists()
    assert TerritoryRole.objects.filter(territory=city, role=TerritoryRole.Role.MODERATOR).exists()
    assert TerritoryRole.objects.filter(territory=city, role=TerritoryRole.Role.CELL).exists()

    # Each can log in with the documented password, and the command printed them
    demo_people = User.objects.filter(email__in=[email for _, email, *_ in PEOPLE])
    assert demo_people.count() == len(PEOPLE)
    assert DEMO_PASSWORD in demo
    for person in demo_people:
        assert person.email in demo
        assert person.check_password(DEMO_PASSWORD)
        assert EmailAddress.objects.filter(user=person, email=person.email, verified=True).exists()
    response = client.post("/accounts/login/", {"login": "clemence@alleger.localhost", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/compte/").status_code == 200
