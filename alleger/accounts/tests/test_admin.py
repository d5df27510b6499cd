"""Accounts edited in the admin: saved by the accounts service, audited, and nobody changes their own rights."""

import pytest
from django.urls import reverse

from alleger.accounts import services
from alleger.core.errors import Refused
from alleger.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _posted(client, url, **changes):
    """The admin's change form as the page fills it, with `changes` (what a person would tick or type)."""
    form = client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = form[name].value()
        widget = field.widget
        if hasattr(widget, "widgets"):  # split date and time
            for i, part in enumerate(widget.decompress(value)):
                data[f"{name}_{i}"] = "" if part is None else str(part)
        elif isinstance(value, list):
            data[name] = [str(v) for v in value]
        elif isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = str(value)
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        else:
            data[name] = "on" if value is True else value
    return data


def test_a_platform_admin_makes_a_resident_staff_through_the_service_and_it_is_audited(
        client, platform_admin, resident):
    client.force_login(platform_admin)
    url = reverse("admin:accounts_user_change", args=[resident.pk])
    response = client.post(url, _posted(client, url, is_staff=True))
    assert response.status_code == 302
    resident.refresh_from_db()
    assert resident.is_staff
    event = AuditEvent.objects.get(action="account.admin_change")
    assert event.actor == platform_admin and event.target_id == str(resident.pk)
    assert event.data["rights"] == {"is_staff": [False, True]} and "is_staff" in event.data["fields"]


def test_nobody_changes_their_own_rights_in_the_admin(client, platform_admin):
    client.force_login(platform_admin)
    url = reverse("admin:accounts_user_change", args=[platform_admin.pk])
    response = client.post(url, _posted(client, url, is_superuser=False), follow=True)
    assert "un autre administrateur doit le faire" in response.content.decode()
    platform_admin.refresh_from_db()
    assert platform_admin.is_superuser
    assert not AuditEvent.objects.filter(action="account.admin_change").exists()


def test_editing_one_s_own_profile_in_the_admin_is_allowed_and_audited(platform_admin):
    platform_admin.display_name = "Équipe"
    services.account_admin_save(user=platform_admin, actor=platform_admin, changed=["display_name"])
    event = AuditEvent.objects.get(action="account.admin_change")
    assert event.data == {"fields": ["display_name"], "rights": {}}


def test_the_service_refuses_a_self_grant_before_writing(platform_admin, resident):
    resident.is_superuser = True
    with pytest.raises(Refused) as refused:
        services.account_admin_save(user=resident, actor=resident, changed=["is_superuser"])
    assert refused.value.code == "conflict_of_interest"
    resident.refresh_from_db()
    assert not resident.is_superuser and not AuditEvent.objects.exists()
