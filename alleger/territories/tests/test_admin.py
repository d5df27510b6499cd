"""The territories admin writes through the services: roles granted and revoked with an audit event,
boundaries checked and their bounding boxes recomputed."""

import json

import pytest
from django.forms.models import model_to_dict

from alleger.core.models import AuditEvent
from alleger.territories.models import Neighbourhood, TerritoryRole
from alleger.testing.factories import TerritoryRoleFactory, UserFactory, box

pytestmark = pytest.mark.django_db

MODERATOR = TerritoryRole.Role.MODERATOR


def _url(territory) -> str:
    return f"/admin/territories/territory/{territory.pk}/change/"


def _data(territory, *, roles=(), neighbourhoods=(), **changes) -> dict:
    """The change form as the admin posts it: the territory's fields, then its inlines' rows."""
    data = model_to_dict(territory, exclude=["id", "boundary", "logo", "banner",
                                             "min_lat", "min_lon", "max_lat", "max_lon"])
    data = {k: ("on" if v is True else v) for k, v in data.items() if v is not False}
    data["boundary"] = json.dumps(territory.boundary) if territory.boundary else ""
    data.update(changes)
    for prefix, rows in (("roles", roles), ("neighbourhoods", neighbourhoods)):
        initial = [row for row in rows if "id" in row]
        data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(initial)})
        for index, row in enumerate(rows):
            data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return data


def test_granting_a_moderator_in_the_admin_goes_through_the_service_and_is_audited(
        client, territory, platform_admin):
    newcomer = UserFactory()
    client.force_login(platform_admin)
    response = client.post(_url(territory), _data(territory, roles=[{"user": newcomer.pk, "role": MODERATOR}]))
    assert response.status_code == 302
    assert TerritoryRole.objects.filter(territory=territory, user=newcomer, role=MODERATOR).exists()
    event = AuditEvent.objects.get(action="territory.role_grant")
    assert event.actor == platform_admin and event.target_id == str(territory.pk)
    assert event.data == {"user": newcomer.pk, "role": MODERATOR}


def test_revoking_a_moderator_in_the_admin_is_audited(client, territory, platform_admin):
    grant = TerritoryRoleFactory(territory=territory, role=MODERATOR)
    client.force_login(platform_admin)
    response = client.post(_url(territory), _data(territory, roles=[
        {"id": grant.pk, "territory": territory.pk, "DELETE": "on"}]))
    assert response.status_code == 302
    assert not TerritoryRole.objects.exists()
    event = AuditEvent.objects.get(action="territory.role_revoke")
    assert event.actor == platform_admin and event.data == {"user": grant.user_id, "role": MODERATOR}


def test_a_role_is_not_edited_in_place(client, territory, platform_admin):
    """Changing whom a grant names would move a moderator's power without a revocation in the trail."""
    grant = TerritoryRoleFactory(territory=territory, role=MODERATOR)
    client.force_login(platform_admin)
    response = client.post(_url(territory), _data(territory, roles=[
        {"id": grant.pk, "territory": territory.pk, "user": UserFactory().pk, "role": TerritoryRole.Role.CELL}]))
    assert response.status_code == 302  # the form was accepted: the change in place was ignored, not refused
    assert list(TerritoryRole.objects.values_list("user", "role")) == [(grant.user_id, MODERATOR)]
    assert not AuditEvent.objects.filter(action__startswith="territory.role").exists()


def test_an_edited_boundary_moves_the_bounding_box_and_is_audited(client, territory, platform_admin):
    client.force_login(platform_admin)
    response = client.post(_url(territory), _data(territory, boundary=json.dumps(box(5.0, 44.0, 5.5, 44.5))))
    assert response.status_code == 302
    territory.refresh_from_db()
    assert territory.bbox == (5.0, 44.0, 5.5, 44.5)
    event = AuditEvent.objects.get(action="territory.update")
    assert event.actor == platform_admin and "boundary" in event.data["fields"]


def test_a_neighbourhood_added_in_the_admin_gets_its_bounding_box(client, territory, platform_admin):
    client.force_login(platform_admin)
    response = client.post(_url(territory), _data(territory, neighbourhoods=[
        {"name": "Jacquard", "slug": "jacquard", "boundary": json.dumps(box(4.38, 45.43, 4.39, 45.44))}]))
    assert response.status_code == 302
    neighbourhood = Neighbourhood.objects.get(territory=territory, slug="jacquard")
    assert (neighbourhood.min_lon, neighbourhood.min_lat, neighbourhood.max_lon, neighbourhood.max_lat) == (
        4.38, 45.43, 4.39, 45.44)
    assert AuditEvent.objects.filter(action="neighbourhood.create", data__neighbourhood=neighbourhood.pk).exists()


def test_a_territory_cannot_be_deleted_from_the_admin(client, territory, platform_admin):
    client.force_login(platform_admin)
    response = client.post(f"/admin/territories/territory/{territory.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    territory.refresh_from_db()
