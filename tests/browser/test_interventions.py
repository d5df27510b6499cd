"""Interventions in the browser: declare one on an asset from the kit's charter, add a journal entry with a
photo, and axe-core finds nothing serious on the list, the declare form, the intervention page and the levels."""

import io

import pytest

pytestmark = [pytest.mark.browser]


@pytest.fixture
def kit(territory, member):
    from alleger.kits.models import Kit
    from alleger.testing.kits_factories import make_kit

    return make_kit(author=member, status=Kit.Status.PUBLISHED, territory=territory, title="Fleurir un pied d'arbre",
                    slug="fleurir", rules="Pas de **pesticides**.")


@pytest.fixture
def asset(territory):
    from alleger.testing.assets_factories import AssetFactory

    return AssetFactory(territory=territory, name="Pied d'arbre de la place", lat=45.74, lon=4.80,
                        max_participants=4)


def _png(tmp_path):
    from PIL import Image

    path = tmp_path / "semis.png"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "green").save(buffer, format="PNG")
    path.write_bytes(buffer.getvalue())
    return path


def test_declare_an_intervention_and_journal_it_with_a_photo(page, live_server, logged_in, kit, asset, check_axe,
                                                              tmp_path):
    from alleger.interventions.models import Intervention, JournalPhoto

    page.goto(f"{live_server.url}/interventions/nouvelle/?dispositif={asset.pk}&kit={kit.slug}", wait_until="load")
    assert "pesticides" in page.content()
    check_axe(page)
    # Required fields end their label with an aria-hidden "*": find them by accessible name.
    page.get_by_role("textbox", name="Titre", exact=True).fill("Capucines sur la place")
    page.get_by_role("textbox", name="Description", exact=True).fill("On sème des capucines.")
    page.get_by_label("Début prévu").fill("2026-05-02")
    page.get_by_label("J'ai lu et j'accepte la charte du kit", exact=False).check()
    page.get_by_role("button", name="Déclarer l'intervention").click()
    page.wait_for_load_state("load")
    intervention = Intervention.objects.get()
    assert page.url.endswith(intervention.get_absolute_url())
    check_axe(page)

    page.get_by_role("textbox", name="Texte", exact=True).fill("Premiers **semis**.")
    page.get_by_label("Photos", exact=True).set_input_files(str(_png(tmp_path)))
    page.get_by_label("Description des photos", exact=True).fill("Les semis dans le pied d'arbre")
    page.get_by_role("button", name="Publier l'entrée").click()
    page.wait_for_load_state("load")
    assert page.locator("#journal img[alt=\"Les semis dans le pied d'arbre\"]").count() == 1
    assert JournalPhoto.objects.count() == 1
    check_axe(page)


def test_the_list_and_levels_pages_are_axe_clean(page, live_server, territory, kit, asset, check_axe):
    from alleger.testing.interventions_factories import make_intervention

    make_intervention(territory=territory, kit=kit, asset=asset, status="done", title="Déjà fleuri")
    for path in ("/interventions/", f"/interventions/?territoire={territory.slug}&statut=done", "/niveaux/"):
        response = page.goto(live_server.url + path, wait_until="load")
        assert response is not None and response.ok, path
        check_axe(page)
