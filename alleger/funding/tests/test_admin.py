"""The funding admin: themes and calls saved by the services (audited), money read-only."""

from datetime import timedelta

import pytest
from django.utils import timezone

from alleger.core.models import AuditEvent
from alleger.funding.models import Call, Theme

pytestmark = pytest.mark.django_db


def test_a_theme_saved_in_the_admin_is_audited(client, territory, platform_admin):
    client.force_login(platform_admin)
    response = client.post("/admin/funding/theme/add/", {"territory": territory.pk, "name": "Nature en ville",
                                                          "slug": "nature", "featured": "on"})
    assert response.status_code == 302
    theme = Theme.objects.get(territory=territory, slug="nature")
    assert AuditEvent.objects.get(action="theme.save").target_id == str(theme.pk)


def test_a_call_is_opened_through_the_service_which_checks_its_window(client, territory, platform_admin):
    client.force_login(platform_admin)
    now = timezone.localtime().replace(microsecond=0)
    data = {"territory": territory.pk, "title": "Rues fraîches", "slug": "rues-fraiches", "description": "Ombre.",
            "opens_at_0": f"{now:%Y-%m-%d}", "opens_at_1": f"{now:%H:%M:%S}",
            "closes_at_0": f"{now + timedelta(days=30):%Y-%m-%d}", "closes_at_1": f"{now:%H:%M:%S}"}
    assert client.post("/admin/funding/call/add/", data).status_code == 302
    call = Call.objects.get(slug="rues-fraiches")
    assert AuditEvent.objects.get(action="call.create").target_id == str(call.pk)
    response = client.post(f"/admin/funding/call/{call.pk}/change/", {**data, "title": "Autre"})
    assert response.status_code == 403
    assert Call.objects.get(pk=call.pk).title == "Rues fraîches"
