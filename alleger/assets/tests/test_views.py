"""Asset pages: the filterable list, the asset page, the printable sign, proposals and their review, photos."""

import io

import pytest
from django.test import override_settings
from PIL import Image

from alleger.assets.models import Asset, AssetChange, AssetPhoto, AssetProposal
from alleger.core.models import AuditEvent
from alleger.testing.assets_factories import AssetFactory, AssetTypeFactory
from alleger.testing.kits_factories import make_kit

pytestmark = pytest.mark.django_db


def test_the_list_filters_with_a_plain_get_form(client, territory, other_territory, neighbourhood):
    benches = AssetTypeFactory(territory=territory, slug="banc", name="Banc")
    kit = make_kit(territory=territory, status="published", slug="fleurir")
    tree = AssetFactory(territory=territory, name="Tilleul rue Jacquard", neighbourhood=neighbourhood)
    tree.kits.add(kit)
    AssetFactory(territory=territory, name="Banc fermé", asset_type=benches, status="closed")
    AssetFactory(territory=other_territory, name="Platane de Lyon")
    AssetFactory(territory=territory, name="Proposé en attente", moderation=Asset.Moderation.PROPOSED)

    def names(**params):
        response = client.get("/dispositifs/", params)
        assert response.status_code == 200
        return [a.name for a in response.context["page"]]

    assert names(territoire="saint-etienne") == ["Banc fermé", "Tilleul rue Jacquard"]
    assert names(territoire="saint-etienne", statut="closed") == ["Banc fermé"]
    assert names(territoire="saint-etienne", type="banc") == ["Banc fermé"]
    assert names(territoire="saint-etienne", kit="fleurir") == ["Tilleul rue Jacquard"]
    assert names(territoire="saint-etienne", quartier="jacquard") == ["Tilleul rue Jacquard"]
    assert names(q="platane") == ["Platane de Lyon"]
    assert names(territoire="saint-etienne", statut="ajar") == ["Banc fermé", "Tilleul rue Jacquard"]  # ignored
    page = client.get("/dispositifs/", {"territoire": "saint-etienne"}).text
    assert 'method="get"' in page and "data-assets-map" in page and "territory=saint-etienne" in page


def test_the_list_is_paginated(client, territory):
    asset_type = AssetTypeFactory(territory=territory)
    Asset.objects.bulk_create([Asset(territory=territory, asset_type=asset_type, name=f"Arbre {i:03d}",
                                     lat=45.44, lon=4.39) for i in range(120)])
    first = client.get("/dispositifs/", {"territoire": "saint-etienne"})
    assert len(first.context["page"].object_list) == 50 and "Page 1 sur 3" in first.text
    third = client.get("/dispositifs/", {"territoire": "saint-etienne", "page": 3})
    assert [a.name for a in third.context["page"]][-1] == "Arbre 119"


def test_the_asset_page_says_what_may_be_done_and_on_what_terms(client, territory):
    type_kit = make_kit(territory=territory, status="published", title="Fleurir les trottoirs")
    own_kit = make_kit(territory=territory, status="published", title="Cartographier")
    draft = make_kit(territory=territory, title="Brouillon secret")
    asset = AssetFactory(territory=territory, name="Tilleul du 12", description="Un **grand** tilleul.",
                         status="openable", max_participants=4, private_actors_allowed=True, required_level=2,
                         conditions="Pas de *pesticides*.")
    asset.asset_type.kits.add(type_kit, draft)
    asset.kits.add(own_kit)
    response = client.get(asset.get_absolute_url())
    text = response.text
    for expected in ("Tilleul du 12", "<strong>grand</strong>", "Pourrait être ouvert", "4 personnes au plus",
                     "admis", "niveau 2/3", "<em>pesticides</em>", "Fleurir les trottoirs", "Cartographier",
                     "Historique des interventions", "data-map", "latitude 45.44000"):
        assert expected in text, expected
    assert "Brouillon secret" not in text


def test_a_proposed_asset_is_hidden_from_others(client, client_of, resident, other_resident, territory):
    asset = AssetFactory(territory=territory, moderation=Asset.Moderation.PROPOSED, proposed_by=resident)
    assert client.get(asset.get_absolute_url()).status_code == 404
    assert client_of(other_resident).get(asset.get_absolute_url()).status_code == 404
    client.logout()
    assert client_of(resident).get(asset.get_absolute_url()).status_code == 200


def test_the_page_shows_the_history_of_interventions(client, territory):
    from alleger.testing.interventions_factories import make_intervention

    asset = AssetFactory(territory=territory, name="Banc bleu")
    assert "Aucune intervention sur ce dispositif" in client.get(asset.get_absolute_url()).text
    done = make_intervention(territory=territory, asset=asset, status="done", title="Banc repeint en bleu")
    text = client.get(asset.get_absolute_url(), {"v": 2}).text
    assert "Banc repeint en bleu" in text and done.get_absolute_url() in text


@override_settings(SITE_URL="https://alleger.example")
def test_the_sign_has_the_kits_the_conditions_and_a_qr_code_to_the_page(client, territory):
    kit = make_kit(territory=territory, status="published", title="Fleurir les trottoirs")
    asset = AssetFactory(territory=territory, name="Tilleul du 12", conditions="Arrosage le soir.")
    asset.kits.add(kit)
    response = client.get(f"/dispositifs/{asset.pk}/panneau/")
    text = response.text
    assert response.status_code == 200
    assert "Fleurir les trottoirs" in text and "Arrosage le soir." in text
    assert "<svg" in text and "@media print" in open(
        "alleger/assets/static/assets/sign.css", encoding="utf-8").read()
    # The written address may break after a slash only, never inside the asset's number
    assert f"alleger.example/<wbr>dispositifs/<wbr>{asset.pk}/<wbr>" in text
    # The QR code really encodes that URL (same segno call, same matrix)
    import segno
    expected = segno.make(f"https://alleger.example/dispositifs/{asset.pk}/", error="m")
    assert expected.svg_inline(omitsize=True).split('d="', 1)[1][:200] in text
    # It scales to the printed box: a viewBox, no fixed size
    svg = text.split("<svg", 1)[1].split(">", 1)[0]
    assert 'viewBox="0 0 ' in svg and "width=" not in svg and "height=" not in svg


def test_the_proposal_form_chooses_no_type_for_the_person(client_of, resident, territory):
    trees = AssetTypeFactory(territory=territory)
    client = client_of(resident)
    page = client.get("/dispositifs/proposer/").content.decode()
    assert '<option value="" selected>— Choisissez un type —</option>' in page
    response = client.post("/dispositifs/proposer/", {
        "territory": territory.pk, "name": "Bac à fleurs", "lat": "45.43", "lon": "4.37", "status": "openable"})
    assert response.status_code == 400 and response.context["form"].errors["asset_type"]
    assert not Asset.objects.filter(name="Bac à fleurs").exists() and trees.pk


def test_a_resident_proposes_and_a_moderator_publishes(client_of, resident, moderator, territory):
    trees = AssetTypeFactory(territory=territory)
    client = client_of(resident)
    response = client.post("/dispositifs/proposer/", {
        "territory": territory.pk, "asset_type": trees.pk, "name": "Pied d'arbre nu", "lat": "45.43",
        "lon": "4.37", "status": "openable", "message": "Les voisins l'entretiendront."})
    asset = Asset.objects.get(name="Pied d'arbre nu")
    assert response.status_code == 302 and asset.moderation == "proposed" and asset.proposed_by == resident
    proposal = AssetProposal.objects.get()
    client.logout()
    moderation = client_of(moderator)
    queue = moderation.get("/dispositifs/relecture/")
    assert "Pied d&#x27;arbre nu" in queue.text
    refused = moderation.post(f"/dispositifs/propositions/{proposal.pk}/relire/", {"decision": "refuse"})
    assert refused.status_code == 400 and "Expliquez votre refus" in refused.text
    # Decided from the territory's queue, the moderator goes back to that queue
    filtered = moderation.get(f"/dispositifs/relecture/?territoire={territory.slug}").text
    review = f"/dispositifs/propositions/{proposal.pk}/relire/?territoire={territory.slug}"
    assert f'action="{review}"' in filtered
    response = moderation.post(review, {"decision": "publish"})
    assert response.status_code == 302 and response["Location"] == f"/dispositifs/relecture/?territoire={territory.slug}"
    asset.refresh_from_db()
    assert asset.moderation == "published"
    assert AuditEvent.objects.filter(action="asset.proposal.publish", actor=moderator).exists()
    assert AssetChange.objects.get(asset=asset).fields == {"moderation": ["proposed", "published"]}
    again = moderation.post(f"/dispositifs/propositions/{proposal.pk}/relire/", {"decision": "refuse",
                                                                                  "message": "Non"})
    assert again.status_code == 400 and "déjà reçu une réponse" in again.text


def test_a_proposal_outside_the_territory_is_refused(client_of, resident, territory):
    trees = AssetTypeFactory(territory=territory)
    response = client_of(resident).post("/dispositifs/proposer/", {
        "territory": territory.pk, "asset_type": trees.pk, "name": "À Paris", "lat": "48.85", "lon": "2.35",
        "status": "open"})
    assert response.status_code == 400 and "en dehors du territoire" in response.text
    assert not Asset.objects.exists()


def test_opening_a_closed_asset(client_of, resident, other_resident, moderator, territory):
    wall = AssetFactory(territory=territory, name="Mur de l'école", status="closed")
    client = client_of(resident)
    url = f"/dispositifs/{wall.pk}/demander-ouverture/"
    assert client.post(url, {"message": ""}).status_code == 400
    assert client.post(url, {"message": "Une fresque avec l'école."}).status_code == 302
    client.logout()
    duplicate = client_of(other_resident).post(url, {"message": "Moi aussi"})
    assert duplicate.status_code == 400 and "attend déjà une réponse" in duplicate.text
    proposal = AssetProposal.objects.get()
    client.logout()
    client_of(moderator).post(f"/dispositifs/propositions/{proposal.pk}/relire/", {"decision": "publish"})
    wall.refresh_from_db()
    assert wall.status == "open"
    assert AssetChange.objects.get(asset=wall, source="review").fields == {"status": ["closed", "open"]}
    # Open now: nothing to ask, the page offers to declare an intervention instead of a request form
    page = client_of(resident).get(url).content.decode().replace("&#x27;", "'")
    assert "déjà ouvert aux habitants" in page and 'name="message"' not in page
    assert f"/interventions/nouvelle/?dispositif={wall.pk}" in page


def test_a_closed_asset_offers_to_ask_for_its_opening_not_to_declare(client, territory):
    wall = AssetFactory(territory=territory, name="Mur de l'école", status="closed")
    for url in (wall.get_absolute_url(), f"/dispositifs/{wall.pk}/panneau/"):
        page = client.get(url).content.decode().replace("&#x27;", "'")
        assert "/interventions/nouvelle/" not in page and "Déclarer une intervention" not in page
        assert "Demandez son ouverture" in page or "Demander son ouverture" in page


def test_a_moderator_of_another_territory_cannot_review(client_of, resident, other_territory):
    from alleger.territories.models import TerritoryRole
    from alleger.testing.factories import TerritoryRoleFactory, UserFactory

    elsewhere = TerritoryRoleFactory(territory=other_territory, role=TerritoryRole.Role.MODERATOR,
                                     user=UserFactory()).user
    asset = AssetFactory(moderation=Asset.Moderation.PROPOSED, proposed_by=resident)
    proposal = AssetProposal.objects.create(kind="new", asset=asset, proposed_by=resident)
    response = client_of(elsewhere).post(f"/dispositifs/propositions/{proposal.pk}/relire/", {"decision": "publish"})
    assert response.status_code == 403
    assert AssetProposal.objects.get().status == "proposed"


def _jpeg_with_exif() -> io.BytesIO:
    image = Image.new("RGB", (40, 30), "green")
    exif = Image.Exif()
    exif[0x010F] = "Appareil secret"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    buffer.seek(0)
    buffer.name = "photo.jpg"
    return buffer


def test_a_resident_adds_a_photo_without_its_metadata(client_of, resident, territory):
    asset = AssetFactory(territory=territory)
    client = client_of(resident)
    missing_alt = client.post(f"/dispositifs/{asset.pk}/photos/", {"image": _jpeg_with_exif(), "alt": ""})
    assert missing_alt.status_code == 400 and not AssetPhoto.objects.exists()
    response = client.post(f"/dispositifs/{asset.pk}/photos/", {"image": _jpeg_with_exif(), "alt": "Le tilleul"})
    assert response.status_code == 302
    photo = AssetPhoto.objects.get()
    assert photo.uploaded_by == resident
    with Image.open(photo.image.path) as stored:
        assert "Appareil secret" not in str(dict(stored.getexif()))
    assert "<figcaption>Le tilleul</figcaption>" in client.get(asset.get_absolute_url()).text


def test_a_visitor_cannot_propose_nor_add_photos(client, territory):
    asset = AssetFactory(territory=territory)
    assert client.get("/dispositifs/proposer/").status_code == 302
    assert client.post(f"/dispositifs/{asset.pk}/photos/", {}).status_code == 302


def test_the_list_shows_each_asset_s_first_photo_in_a_constant_number_of_queries(
        client, territory, django_assert_max_num_queries):
    asset_type = AssetTypeFactory(territory=territory)
    assets = Asset.objects.bulk_create([Asset(territory=territory, asset_type=asset_type, name=f"Arbre {i:02d}",
                                              lat=45.44, lon=4.39) for i in range(30)])
    AssetPhoto.objects.bulk_create([AssetPhoto(asset=a, image=f"assets/arbre-{a.pk}.jpg", alt="Un arbre")
                                    for a in assets[:20]])
    AssetPhoto.objects.create(asset=assets[0], image="assets/second.jpg", alt="Plus tard")
    with django_assert_max_num_queries(15):
        page = client.get("/dispositifs/", {"territoire": "saint-etienne"}).text
    # The first photo of each photographed asset, decorative next to the asset's name (alt="")
    assert page.count('class="asset-thumb"') == 20
    assert f'src="/media/assets/arbre-{assets[0].pk}.jpg" alt=""' in page and "second.jpg" not in page
