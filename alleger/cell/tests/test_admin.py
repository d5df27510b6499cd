"""The cell's admin: every model is there, read-only, and a saved watch's secret never shows."""

import pytest
from django.contrib import admin

from alleger.cell.models import CellAction, Challenge, ChallengeResponse, Metric, SavedWatch
from alleger.core.admin import ReadOnlyAdmin

pytestmark = pytest.mark.django_db


def test_the_cell_s_models_are_registered_read_only():
    for model in (Challenge, ChallengeResponse, CellAction, SavedWatch, Metric):
        assert isinstance(admin.site._registry[model], ReadOnlyAdmin), model
    inlines = {inline.model.__name__ for inline in admin.site._registry[Challenge].inlines}
    assert inlines == {"Workshop", "IndicatorSeries"}


def test_the_admin_pages_answer_and_hide_the_feed_token(client, platform_admin, territory, cell_member):
    saved = SavedWatch.objects.create(user=cell_member, territory=territory, name="Tout", token="s3cr3t-t0k3n-xyz")
    challenge = Challenge.objects.create(territory=territory, title="Un défi", problem="P", starts_on="2026-03-01",
                                         ends_on="2026-04-01", status="open")
    client.force_login(platform_admin)
    for model in ("challenge", "challengeresponse", "cellaction", "savedwatch", "metric"):
        assert client.get(f"/admin/cell/{model}/").status_code == 200, model
    assert client.get(f"/admin/cell/challenge/{challenge.pk}/change/").status_code == 200
    page = client.get(f"/admin/cell/savedwatch/{saved.pk}/change/")
    assert page.status_code == 200 and "s3cr3t-t0k3n-xyz" not in page.content.decode()
