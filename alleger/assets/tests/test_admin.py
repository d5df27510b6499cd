"""The assets admin: proposals answered by the moderation queue's service, asset types saved by a service,
assets themselves read-only."""

import pytest

from alleger.assets import services
from alleger.assets.models import Asset, AssetProposal, AssetType
from alleger.core.models import AuditEvent
from alleger.testing.assets_factories import AssetFactory, AssetTypeFactory
from alleger.testing.kits_factories import make_kit

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/assets/assetproposal/"


@pytest.fixture
def proposal(territory, resident):
    return services.asset_propose(user=resident, territory=territory, asset_type=AssetTypeFactory(territory=territory),
                                  name="Pied d'arbre rue Michelet", lat=45.44, lon=4.39)


def _act(client, action, proposal, message=""):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [proposal.pk], "message": message,
                                    "index": 0})


def test_publishing_from_the_admin_goes_through_the_review_service(client, proposal, platform_admin):
    client.force_login(platform_admin)
    assert _act(client, "publish", proposal).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Asset.Moderation.PUBLISHED and proposal.reviewed_by == platform_admin
    assert proposal.asset.moderation == Asset.Moderation.PUBLISHED
    assert AuditEvent.objects.filter(action="asset.proposal.publish", actor=platform_admin).exists()
    assert proposal.asset.changes.filter(source="review").exists()


def test_a_refusal_from_the_admin_needs_the_message_like_in_the_queue(client, proposal, platform_admin):
    client.force_login(platform_admin)
    response = client.post(CHANGELIST, {"action": "refuse", "_selected_action": [proposal.pk], "index": 0},
                           follow=True)
    assert "Expliquez votre refus" in response.content.decode()
    assert AssetProposal.objects.get(pk=proposal.pk).status == Asset.Moderation.PROPOSED
    assert not AuditEvent.objects.filter(action__startswith="asset.proposal.").exists()

    _act(client, "refuse", proposal, message="Ce pied d'arbre existe déjà.")
    proposal.refresh_from_db()
    assert proposal.status == Asset.Moderation.REFUSED and proposal.review_message == "Ce pied d'arbre existe déjà."


def test_no_one_reviews_their_own_proposal_from_the_admin_either(client, territory, platform_admin):
    own = services.asset_propose(user=platform_admin, territory=territory,
                                 asset_type=AssetTypeFactory(territory=territory), name="Banc", lat=45.44, lon=4.39)
    client.force_login(platform_admin)
    response = _act(client, "publish", own)
    assert response.status_code == 302
    assert "vous ne pouvez pas relire cette proposition" in client.get(CHANGELIST).content.decode()  # the message
    assert AssetProposal.objects.get(pk=own.pk).status == Asset.Moderation.PROPOSED


def test_a_proposal_is_not_edited_in_the_admin(client, proposal, platform_admin):
    client.force_login(platform_admin)
    response = client.post(f"{CHANGELIST}{proposal.pk}/change/", {"status": Asset.Moderation.PUBLISHED})
    assert response.status_code == 403
    assert AssetProposal.objects.get(pk=proposal.pk).status == Asset.Moderation.PROPOSED


def test_an_asset_type_saved_in_the_admin_is_audited_with_its_kits(client, territory, platform_admin):
    kit = make_kit()
    client.force_login(platform_admin)
    response = client.post("/admin/assets/assettype/add/", {"territory": territory.pk, "slug": "banc",
                                                            "name": "Banc", "kits": [kit.pk]})
    assert response.status_code == 302
    asset_type = AssetType.objects.get(territory=territory, slug="banc")
    assert list(asset_type.kits.all()) == [kit]
    event = AuditEvent.objects.get(action="asset.type_create")
    assert event.actor == platform_admin and event.data["kits"] == [kit.pk]


def test_an_asset_is_not_changed_in_the_admin(client, territory, platform_admin):
    asset = AssetFactory(territory=territory, moderation=Asset.Moderation.PROPOSED)
    client.force_login(platform_admin)
    response = client.post(f"/admin/assets/asset/{asset.pk}/change/", {"moderation": Asset.Moderation.PUBLISHED})
    assert response.status_code == 403
    assert Asset.objects.get(pk=asset.pk).moderation == Asset.Moderation.PROPOSED
