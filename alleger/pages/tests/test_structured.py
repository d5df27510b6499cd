"""OpenGraph and schema.org JSON-LD on the public pages of each kind."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from alleger.assets.models import AssetPhoto
from alleger.testing.assets_factories import AssetFactory
from alleger.testing.factories import OrganisationFactory
from alleger.testing.funding_factories import ProjectFactory
from alleger.testing.interventions_factories import make_intervention, published_kit

from .helpers import parse

pytestmark = pytest.mark.django_db


def _png(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (31, 95, 74)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _head(client, obj):
    response = client.get(obj.get_absolute_url())
    assert response.status_code == 200
    head = parse(response)
    assert len(head.json_ld) == 1, head.json_ld
    data, nonce = head.json_ld[0]
    assert data["@context"] == "https://schema.org"
    # The block carries the request's CSP nonce (it is data, but a strict policy should see it as ours);
    # a page served from the anonymous cache gets a header without nonce, and scripts from 'self' only.
    policy = response["Content-Security-Policy"]
    assert nonce and (f"'nonce-{nonce}'" in policy or "'nonce-" not in policy)
    url = "http://testserver" + obj.get_absolute_url()
    assert head.meta["og:url"] == url and data["url"] == url
    return head.meta, data


def test_a_project_is_a_schema_org_project(client, territory):
    project = ProjectFactory(territory=territory, live=True, title="Le Café d'à Côté", slug="cafe")
    meta, data = _head(client, project)
    assert data["@type"] == "Project" and data["name"] == "Le Café d'à Côté"
    assert data["potentialAction"]["@type"] == "DonateAction"
    assert meta["og:title"] == "Le Café d'à Côté" and meta["og:type"] == "website"
    assert meta["og:description"] == project.summary
    assert "og:image" not in meta


def test_a_kit_is_a_howto_with_its_steps(client, territory):
    kit = published_kit(territory, title="Fleurir un pied d'arbre", steps="1. Repérer\n2. Planter\n3. Arroser",
                        tools="- Une pelle\n- Un arrosoir")
    kit.images.create(image=_png(), alt="Des capucines au pied d'un tilleul", step=1)
    meta, data = _head(client, kit)
    assert data["@type"] == "HowTo" and data["name"] == "Fleurir un pied d'arbre"
    assert [step["text"] for step in data["step"]] == ["Repérer", "Planter", "Arroser"]
    assert [tool["name"] for tool in data["tool"]] == ["Une pelle", "Un arrosoir"]
    assert meta["og:type"] == "article"
    assert meta["og:image"].startswith("http://testserver/media/kits/") and data["image"] == meta["og:image"]
    assert meta["og:image:alt"] == "Des capucines au pied d'un tilleul"


def test_an_intervention_is_an_event_at_its_place(client, territory):
    asset = AssetFactory(territory=territory, name="Tilleul de la place")
    intervention = make_intervention(territory=territory, asset=asset, title="Fleurir le tilleul")
    meta, data = _head(client, intervention)
    assert data["@type"] == "Event" and data["name"] == "Fleurir le tilleul"
    assert data["startDate"] == intervention.starts_on.isoformat()
    assert data["eventStatus"] == "https://schema.org/EventScheduled"
    assert data["location"]["@type"] == "Place" and data["location"]["name"] == "Tilleul de la place"
    assert data["location"]["geo"]["latitude"] == asset.lat
    assert data["organizer"]["@type"] == "Person"
    assert meta["og:title"] == "Fleurir le tilleul"


def test_an_intervention_shows_the_photo_of_its_journal(client, territory):
    from alleger.interventions.services import journal_add

    intervention = make_intervention(territory=territory)
    journal_add(intervention=intervention, author=intervention.organiser, text="Les capucines sont en terre.",
                photos=[_png("capucines.png")], photo_alt="Des capucines fraîchement plantées")
    meta, data = _head(client, intervention)
    assert meta["og:image"].startswith("http://testserver/media/interventions/")
    assert data["image"] == meta["og:image"] and meta["og:image:alt"] == "Des capucines fraîchement plantées"


def test_an_asset_is_a_place_with_its_photo(client, territory, resident):
    asset = AssetFactory(territory=territory, name="Mur de l'école", address="3 rue des Écoles")
    AssetPhoto.objects.create(asset=asset, image=_png("mur.png"), alt="Un mur blanc", uploaded_by=resident)
    meta, data = _head(client, asset)
    assert data["@type"] == "Place" and data["name"] == "Mur de l'école"
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": asset.lat, "longitude": asset.lon}
    assert data["address"] == "3 rue des Écoles"
    assert meta["og:image"].startswith("http://testserver/media/assets/") and meta["og:image:alt"] == "Un mur blanc"


def test_an_organisation_is_an_organization(client, territory):
    organisation = OrganisationFactory(territory=territory, name="Les Jardins Partagés",
                                       website="https://jardins.example")
    meta, data = _head(client, organisation)
    assert data["@type"] == "Organization" and data["sameAs"] == "https://jardins.example"
    assert meta["og:title"] == "Les Jardins Partagés"


def test_the_json_ld_cannot_close_its_script_element(client, territory):
    title = "</script><script>alert(1)</script>"
    project = ProjectFactory(territory=territory, live=True, title=title, slug="piege")
    html = client.get(project.get_absolute_url()).content.decode()
    block = re.search(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', html, re.S).group(1)
    assert "<" not in block and "\\u003C/script\\u003E" in block
    meta, data = _head(client, project)
    assert data["name"] == title and meta["og:title"] == title


def test_the_json_ld_follows_the_language(client, territory):
    project = ProjectFactory(territory=territory, live=True)
    client.cookies["django_language"] = "en"
    meta, data = _head(client, project)
    assert data["inLanguage"] == "en" and meta["og:locale"] == "en_GB"


def test_a_territory_is_an_administrative_area(client, territory):
    meta, data = _head(client, territory)
    assert data["@type"] == "AdministrativeArea" and data["name"] == territory.name
    assert meta["og:title"] == territory.name


def test_a_proposal_is_a_creative_work_with_its_supports(client, territory, resident):
    from alleger.testing.discussions_factories import make_proposal

    proposal = make_proposal(territory=territory, author=resident, title="Ouvrir la cour de l'école le samedi")
    meta, data = _head(client, proposal)
    assert data["@type"] == "CreativeWork" and data["name"] == "Ouvrir la cour de l'école le samedi"
    assert data["interactionStatistic"]["userInteractionCount"] == proposal.supports_count
    assert meta["og:type"] == "article"


def test_a_hidden_kit_describes_nothing(client, territory):
    from alleger.testing.discussions_factories import flag_by

    kit = published_kit(territory, title="Kit signalé")
    flag_by(kit, 3)
    head = parse(client.get(kit.get_absolute_url()))
    assert head.json_ld == [] and "og:title" not in head.meta
