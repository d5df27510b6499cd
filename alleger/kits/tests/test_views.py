"""Kit pages: list and filters, detail, create/edit, submit, review, history, diff, revert, fork."""

import pytest
from django.contrib.messages import get_messages

from alleger.core.models import AuditEvent
from alleger.kits import services
from alleger.kits.models import SECTION_MAX_LENGTH, Kit, KitVersion
from alleger.testing.kits_factories import make_kit

pytestmark = pytest.mark.django_db


def _state():
    return {
        "kits": list(Kit.objects.order_by("pk").values()),
        "versions": KitVersion.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


def _messages(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


FORM = {"title": "Repeindre les bancs", "summary": "Poncer et repeindre les bancs publics.",
        "category": "furniture_repair", "axis": "dur", "level": "2", "group_size": "3 à 6",
        "duration": "temporary", "frequency": "occasional", "steps": "1. Poncer\n2. Peindre",
        "procedures": "Prévenir la mairie.", "note": ""}


@pytest.fixture
def published(other_resident, territory):
    return make_kit(author=other_resident, territory=territory, status=Kit.Status.PUBLISHED,
                    steps="1. **Repérer** <script>alert(1)</script>")


# --- list and detail ----------------------------------------------------------


def test_the_list_shows_published_kits_and_filters_them(client, published, resident):
    make_kit(author=resident, title="Brouillon secret")
    response = client.get("/kits/")
    assert response.status_code == 200
    assert list(response.context["kits"]) == [published]
    assert b"Brouillon secret" not in response.content
    assert list(client.get("/kits/", {"axis": "info"}).context["kits"]) == []
    assert list(client.get("/kits/", {"q": "fleurir", "level": "1", "territory": "saint-etienne"})
                .context["kits"]) == [published]
    assert client.get("/kits/", {"level": "9"}).status_code == 200  # an invalid filter is ignored


def test_the_detail_renders_markdown_safely(client, published):
    response = client.get(f"/kits/{published.slug}/")
    assert response.status_code == 200
    assert b"<strong>Rep\xc3\xa9rer</strong>" in response.content
    assert b"<script>alert(1)</script>" not in response.content


def test_a_draft_is_hidden_from_others(client, resident, other_resident):
    kit = make_kit(author=resident)
    assert client.get(f"/kits/{kit.slug}/").status_code == 403
    client.force_login(other_resident)
    assert client.get(f"/kits/{kit.slug}/").status_code == 403
    assert client.get(f"/kits/{kit.slug}/historique/").status_code == 403
    client.force_login(resident)
    assert client.get(f"/kits/{kit.slug}/").status_code == 200


def test_the_main_navigation_links_to_the_kits(client):
    assert b'href="/kits/"' in client.get("/kits/").content


# --- create and edit ------------------------------------------------------------


def test_it_creates_a_draft_with_its_first_version(client, resident, territory):
    client.force_login(resident)
    page = client.get("/kits/nouveau/").content.decode()
    # Each empty choice says what it means, never Django's « --------- »
    assert "---------" not in page and "— Valable partout —" in page and "— À titre personnel —" in page
    response = client.post("/kits/nouveau/", {**FORM, "territory": territory.pk})
    kit = Kit.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/kits/{kit.slug}/"
    assert (kit.author, kit.status, kit.territory, kit.level) == (resident, "draft", territory, 2)
    assert kit.versions.count() == 1


def test_it_refuses_an_invalid_kit(client, resident):
    client.force_login(resident)
    response = client.post("/kits/nouveau/", {**FORM, "title": "", "axis": "mou"})
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"title", "axis"}
    assert not Kit.objects.exists() and not AuditEvent.objects.exists()


def test_a_section_over_the_limit_is_refused_with_a_message(client, resident):
    client.force_login(resident)
    response = client.post("/kits/nouveau/", {**FORM, "steps": "x" * (SECTION_MAX_LENGTH + 1)})
    assert response.status_code == 200
    assert response.context["form"].errors["steps"] == [
        "Assurez-vous que cette valeur comporte au plus 20000 caractères (actuellement 20001)."]
    assert f'maxlength="{SECTION_MAX_LENGTH}"' in response.content.decode()
    assert not Kit.objects.exists() and not AuditEvent.objects.exists()


def test_a_visitor_is_sent_to_log_in(client):
    response = client.post("/kits/nouveau/", FORM)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not Kit.objects.exists()


def test_one_signs_only_for_an_organisation_one_belongs_to(client, resident, organisation):
    client.force_login(resident)
    response = client.post("/kits/nouveau/", {**FORM, "organisation": organisation.pk})
    assert response.status_code == 200 and "organisation" in response.context["form"].errors
    assert not Kit.objects.exists()


def test_editing_saves_a_version_with_its_note(client, resident):
    kit = make_kit(author=resident)
    client.force_login(resident)
    response = client.post(f"/kits/{kit.slug}/modifier/", {**FORM, "note": "Bancs plutôt que fleurs"})
    assert response.status_code == 302
    kit.refresh_from_db()
    assert kit.title == "Repeindre les bancs"
    assert kit.versions.get(number=2).note == "Bancs plutôt que fleurs"


def test_others_cannot_edit(client, other_resident, published, resident):
    for user, kit in ((other_resident, make_kit(author=resident)), (other_resident, published)):
        client.force_login(user)
        before = _state()
        assert client.post(f"/kits/{kit.slug}/modifier/", FORM).status_code == 403
        assert _state() == before


def test_while_it_is_reviewed_the_author_is_told_why_the_kit_cannot_change(client, resident, territory):
    kit = make_kit(author=resident, territory=territory, status=Kit.Status.SUBMITTED)
    client.force_login(resident)
    response = client.get(f"/kits/{kit.slug}/modifier/")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Ce kit est en relecture : il ne se modifie plus" in page and "réservée aux modérateurs" not in page
    # Anyone else still gets the general explanation
    make_kit(author=resident, territory=territory, status=Kit.Status.PUBLISHED, slug="publie")
    assert "réservée aux modérateurs" in client.get("/kits/publie/modifier/").content.decode()


def test_the_author_cannot_edit_a_published_kit_but_its_moderator_can(client, resident, moderator, territory):
    kit = make_kit(author=resident, territory=territory, status=Kit.Status.PUBLISHED)
    client.force_login(resident)
    assert client.get(f"/kits/{kit.slug}/modifier/").status_code == 403
    client.force_login(moderator)
    assert client.post(f"/kits/{kit.slug}/modifier/", FORM).status_code == 302
    assert Kit.objects.get(pk=kit.pk).status == Kit.Status.PUBLISHED


# --- moderation -----------------------------------------------------------------


def test_the_author_submits_and_the_moderator_publishes(client, resident, moderator, territory):
    kit = make_kit(author=resident, territory=territory)
    client.force_login(resident)
    assert client.post(f"/kits/{kit.slug}/soumettre/").status_code == 302
    assert Kit.objects.get(pk=kit.pk).status == "submitted"
    client.force_login(moderator)
    queue = client.get("/kits/relecture/")
    assert queue.status_code == 200 and list(queue.context["kits"]) == [kit]
    # From the territory's page, its queue only (as its count there says), named in the heading
    from alleger.testing.factories import TerritoryFactory

    other = TerritoryFactory()
    assert list(client.get(f"/kits/relecture/?territoire={territory.slug}").context["kits"]) == [kit]
    assert list(client.get(f"/kits/relecture/?territoire={other.slug}").context["kits"]) == []
    assert client.get("/kits/relecture/?territoire=nulle-part").status_code == 404
    response = client.post(f"/kits/{kit.slug}/relire/", {"decision": "publish", "message": ""})
    assert response.status_code == 302 and response["Location"] == "/kits/relecture/"
    assert Kit.objects.get(pk=kit.pk).status == "published"
    assert AuditEvent.objects.filter(action="kit.review.publish", actor=moderator).exists()


def test_the_moderator_reviews_from_the_kit_page_and_nobody_else_sees_the_form(client, resident, moderator, territory):
    # The review form is built only for the person who sees it (a personal fragment): the moderator's
    # page shows its fields, the author's does not.
    kit = make_kit(author=resident, territory=territory, status=Kit.Status.SUBMITTED)
    client.force_login(moderator)
    page = client.get(f"/kits/{kit.slug}/").content.decode()
    assert f'action="/kits/{kit.slug}/relire/"' in page
    assert 'name="decision"' in page and 'name="message"' in page
    client.force_login(resident)
    assert f'action="/kits/{kit.slug}/relire/"' not in client.get(f"/kits/{kit.slug}/").content.decode()


def test_a_refusal_without_reason_is_refused(client, resident, moderator, territory):
    kit = make_kit(author=resident, territory=territory, status=Kit.Status.SUBMITTED)
    client.force_login(moderator)
    before = _state()
    response = client.post(f"/kits/{kit.slug}/relire/", {"decision": "refuse", "message": ""})
    assert response.status_code == 400 and "message" in response.context["form"].errors
    assert _state() == before


def test_nobody_else_reviews(client, resident, other_resident, cell_member, territory):
    kit = make_kit(author=resident, territory=territory, status=Kit.Status.SUBMITTED)
    before = _state()
    for user in (resident, other_resident, cell_member):
        client.force_login(user)
        assert client.post(f"/kits/{kit.slug}/relire/", {"decision": "publish"}).status_code == 403
        assert client.get("/kits/relecture/").status_code == 403
    assert _state() == before


def test_a_kit_without_territory_is_reviewed_by_the_platform_team(client, resident, moderator, platform_admin):
    kit = make_kit(author=resident, status=Kit.Status.SUBMITTED)
    client.force_login(moderator)
    assert client.post(f"/kits/{kit.slug}/relire/", {"decision": "publish"}).status_code == 403
    client.force_login(platform_admin)
    response = client.post(f"/kits/{kit.slug}/relire/", {"decision": "refuse", "message": "Trop vague."})
    assert response.status_code == 302
    assert Kit.objects.get(pk=kit.pk).status == "refused"


def test_submitting_twice_says_so_and_changes_nothing(client, resident):
    kit = make_kit(author=resident, status=Kit.Status.SUBMITTED)
    client.force_login(resident)
    before = _state()
    assert client.post(f"/kits/{kit.slug}/soumettre/").status_code == 403
    assert _state() == before


# --- history, diff, revert ------------------------------------------------------


@pytest.fixture
def edited(resident):
    kit = make_kit(author=resident)
    from alleger.kits.services import kit_update
    kit_update(kit=kit, actor=resident, steps="1. Repérer\n2. <b>Semer</b>\n3. Arroser", note="Semer")
    return kit


def test_history_lists_the_versions(client, resident, edited):
    client.force_login(resident)
    response = client.get(f"/kits/{edited.slug}/historique/")
    assert response.status_code == 200
    assert [v.number for v in response.context["versions"]] == [2, 1]
    assert b'<th scope="col">' in response.content


def test_the_diff_is_escaped_and_says_what_changed(client, resident, edited):
    client.force_login(resident)
    response = client.get(f"/kits/{edited.slug}/comparer/", {"de": 1, "a": 2})
    assert response.status_code == 200
    content = response.content.decode()
    assert "<del>2. Planter</del>" in content
    assert "<ins>2. &lt;b&gt;Semer&lt;/b&gt;</ins>" in content
    assert "retiré" in content and "ajouté" in content


def test_a_long_diff_folds_unchanged_lines_and_says_so(client, resident):
    steps = "\n".join(f"{i}. Étape" for i in range(1, 41))
    kit = make_kit(author=resident, steps=steps)
    services.kit_update(kit=kit, actor=resident, steps=steps.replace("20. Étape", "20. Arroser"))
    client.force_login(resident)
    page = client.get(f"/kits/{kit.slug}/comparer/", {"de": 1, "a": 2}).content.decode()
    assert "… 16 lignes inchangées …" in page and "… 17 lignes inchangées …" in page
    assert "<del>20. Étape</del>" in page and "<ins>20. Arroser</ins>" in page and "<td>1. Étape</td>" not in page


def test_a_diff_of_unknown_versions_is_a_bad_request(client, resident, edited):
    client.force_login(resident)
    assert client.get(f"/kits/{edited.slug}/comparer/", {"de": 1, "a": 9}).status_code == 400


def test_revert_restores_an_old_version(client, resident, edited):
    client.force_login(resident)
    response = client.post(f"/kits/{edited.slug}/historique/1/restaurer/")
    assert response.status_code == 302 and response["Location"] == f"/kits/{edited.slug}/historique/"
    edited.refresh_from_db()
    assert edited.steps == "1. Repérer\n2. Planter\n3. Arroser"
    assert edited.versions.get(number=3).reverted_from == 1


def test_others_cannot_revert(client, other_resident, edited):
    client.force_login(other_resident)
    before = _state()
    assert client.post(f"/kits/{edited.slug}/historique/1/restaurer/").status_code == 403
    assert _state() == before


def test_reverting_to_the_current_content_is_refused_with_a_message(client, resident, edited):
    client.force_login(resident)
    before = _state()
    response = client.post(f"/kits/{edited.slug}/historique/2/restaurer/")
    assert response.status_code == 302
    assert _messages(response) == ["Le kit a déjà le contenu de cette version."]
    assert _state() == before


# --- fork ---------------------------------------------------------------------


def test_a_resident_forks_a_published_kit(client, resident, published):
    client.force_login(resident)
    response = client.post(f"/kits/{published.slug}/variante/")
    fork = Kit.objects.get(forked_from=published)
    assert response.status_code == 302 and response["Location"] == f"/kits/{fork.slug}/"
    assert (fork.author, fork.status) == (resident, "draft")
    page = client.get(f"/kits/{fork.slug}/").content.decode()
    assert "Variante de" in page and f'href="/kits/{published.slug}/"' in page


def test_a_visitor_cannot_fork(client, published):
    before = _state()
    response = client.post(f"/kits/{published.slug}/variante/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert _state() == before


def test_a_draft_cannot_be_forked(client, resident, other_resident):
    kit = make_kit(author=other_resident)
    client.force_login(resident)
    before = _state()
    assert client.post(f"/kits/{kit.slug}/variante/").status_code == 403
    assert _state() == before


def test_the_form_chooses_the_asset_types_and_the_page_shows_them(client, resident, territory, other_territory):
    from alleger.testing.assets_factories import AssetTypeFactory

    bench = AssetTypeFactory(territory=territory, slug="banc", name="Banc public")
    wall = AssetTypeFactory(territory=other_territory, slug="mur", name="Mur aveugle")
    client.force_login(resident)
    form = {**FORM, "territory": territory.pk}
    response = client.post("/kits/nouveau/", {**form, "asset_types": [bench.pk, wall.pk]})
    assert response.status_code == 200
    assert "asset_types" in response.context["form"].errors
    assert not Kit.objects.exists()

    response = client.post("/kits/nouveau/", {**form, "asset_types": [bench.pk]})
    kit = Kit.objects.get()
    assert list(kit.asset_types.all()) == [bench]
    page = client.get(kit.get_absolute_url()).text
    assert "<dt>S'applique à</dt>" in page
    assert "Banc public" in page


def test_a_kits_asset_types_link_to_the_assets_they_apply_to(client, territory):
    from alleger.testing.assets_factories import AssetFactory, AssetTypeFactory

    tree_pit = AssetTypeFactory(territory=territory, slug="pied-d-arbre", name="Pied d'arbre")
    bench = AssetTypeFactory(territory=territory, slug="banc", name="Banc")
    kit = make_kit(status=Kit.Status.PUBLISHED, territory=territory, asset_types=[tree_pit, bench])
    AssetFactory(territory=territory, asset_type=tree_pit, name="Pied d'arbre de la place")
    AssetFactory(territory=territory, asset_type=AssetTypeFactory(territory=territory, slug="mur", name="Mur"),
                 name="Mur du marché")
    facts = client.get(f"/kits/{kit.slug}/").content.decode().split("applique à</dt>", 1)[1].split("</dd>", 1)[0]
    assert f'<a href="/dispositifs/?territoire={territory.slug}&amp;type=banc">Banc</a>' in facts
    assert f'<a href="/dispositifs/?territoire={territory.slug}&amp;type=pied-d-arbre">Pied d&#x27;arbre</a>' in facts
    assert f'href="/dispositifs/?kit={kit.slug}"' in facts
    # The link leads to the assets the kit applies to, and to those only
    listed = client.get(f"/dispositifs/?kit={kit.slug}").content.decode()
    assert "Pied d&#x27;arbre de la place" in listed and "Mur du marché" not in listed


def test_a_draft_kit_does_not_link_to_an_asset_filter_that_ignores_it(client, territory):
    from alleger.testing.assets_factories import AssetTypeFactory

    kit = make_kit(territory=territory, asset_types=[AssetTypeFactory(territory=territory)])
    client.force_login(kit.author)
    facts = client.get(f"/kits/{kit.slug}/").content.decode().split("applique à</dt>", 1)[1].split("</dd>", 1)[0]
    assert "/dispositifs/?territoire=" in facts and "?kit=" not in facts


def test_the_compare_page_without_a_choice_shows_the_latest_change(client, resident, edited):
    client.force_login(resident)
    response = client.get(f"/kits/{edited.slug}/comparer/")
    assert response.status_code == 200
    assert "<ins>2. &lt;b&gt;Semer&lt;/b&gt;</ins>" in response.content.decode()


def test_the_compare_page_of_a_kit_with_one_version_offers_the_form(client, resident):
    kit = make_kit(author=resident)
    client.force_login(resident)
    response = client.get(f"/kits/{kit.slug}/comparer/")
    assert response.status_code == 200 and response.context["diffs"] is None
