"""Kit services, called directly: versions, diff, revert, fork, moderation."""

import random
import time

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from alleger.core.errors import Refused
from alleger.core.models import AuditEvent
from alleger.kits import selectors, services
from alleger.kits.models import SECTION_MAX_LENGTH, Kit, KitVersion
from alleger.testing.kits_factories import make_kit

pytestmark = pytest.mark.django_db


def _state(kit):
    """What a refused action must leave untouched."""
    return {
        "kit": Kit.objects.values().get(pk=kit.pk),
        "versions": list(KitVersion.objects.filter(kit=kit).values_list("number", "content")),
        "kits": Kit.objects.count(),
        "audit": AuditEvent.objects.count(),
    }


# --- versions -------------------------------------------------------------------


def test_creating_a_kit_saves_version_1_as_a_draft(resident, territory):
    kit = make_kit(author=resident, territory=territory)
    assert kit.status == Kit.Status.DRAFT
    assert kit.slug == "fleurir-les-pieds-darbres"
    version = kit.versions.get()
    assert (version.number, version.author, version.content) == (1, resident, kit.content())
    assert AuditEvent.objects.filter(action="kit.create", target_id=str(kit.pk)).exists()


def test_every_content_change_is_a_new_version(resident):
    kit = make_kit(author=resident)
    services.kit_update(kit=kit, actor=resident, steps="1. Repérer\n2. Semer\n3. Arroser", note="Semer")
    services.kit_update(kit=kit, actor=resident, level=2)
    versions = list(kit.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2, 3]
    assert versions[1].note == "Semer"
    assert versions[1].content["steps"] == "1. Repérer\n2. Semer\n3. Arroser"
    assert (versions[1].content["level"], versions[2].content["level"]) == (1, 2)


def test_a_save_without_content_change_adds_no_version(resident, territory):
    kit = make_kit(author=resident)
    services.kit_update(kit=kit, actor=resident, territory=territory, title=kit.title)
    assert kit.versions.count() == 1
    assert Kit.objects.get(pk=kit.pk).territory == territory


def test_an_invalid_update_changes_nothing(resident):
    kit = make_kit(author=resident)
    before = _state(kit)
    with pytest.raises(ValidationError):
        services.kit_update(kit=kit, actor=resident, level=7, title="Autre titre")
    assert _state(kit) == before


def test_version_numbers_are_unique_per_kit(resident):
    kit = make_kit(author=resident)
    with pytest.raises(IntegrityError), transaction.atomic():
        KitVersion.objects.create(kit=kit, number=1, content={})


def test_the_level_is_between_1_and_3_in_the_database(resident):
    kit = make_kit(author=resident)
    with pytest.raises(IntegrityError), transaction.atomic():
        Kit.objects.filter(pk=kit.pk).update(level=4)


# --- diff ---------------------------------------------------------------------


def test_the_diff_lists_changed_fields_line_by_line(resident):
    kit = make_kit(author=resident)
    services.kit_update(kit=kit, actor=resident, steps="1. Repérer\n2. Semer\n3. Arroser", summary="Nouveau")
    old, new = kit.versions.order_by("number")
    diffs = {d.name: d for d in selectors.version_diff(old, new)}
    assert set(diffs) == {"summary", "steps"}
    assert diffs["steps"].lines == [("same", "1. Repérer"), ("removed", "2. Planter"), ("added", "2. Semer"),
                                    ("same", "3. Arroser")]
    assert selectors.version_diff(new, new) == []


def _versions(before: str, after: str, fields=("steps",)):
    return (KitVersion(content={name: before for name in fields}), KitVersion(content={name: after for name in fields}))


def _sides(lines):
    """The old and the new text a diff describes."""
    return ([text for change, text in lines if change != "added"], [text for change, text in lines if change != "removed"])


def test_the_diff_always_rebuilds_both_versions():
    rng = random.Random(9)
    for _ in range(200):
        before = "\n".join(rng.choice("abc ") for _ in range(rng.randrange(12)))
        after = "\r\n".join(rng.choice("abcd") for _ in range(rng.randrange(12)))
        diffs = selectors.version_diff(*_versions(before, after))
        if before == after:
            assert diffs == []
        else:
            assert _sides(diffs[0].lines) == (before.splitlines(), after.splitlines())


def test_a_missing_last_newline_is_no_change():
    [diff] = selectors.version_diff(*_versions("1. Repérer\n2. Planter", "1. Repérer\r\n2. Planter\n3. Arroser"))
    assert diff.lines == [("same", "1. Repérer"), ("same", "2. Planter"), ("added", "3. Arroser")]


@pytest.mark.parametrize("length", [3_000, SECTION_MAX_LENGTH])
def test_a_hostile_diff_is_bounded_and_still_true(length):
    # Lines repeated by the thousand: the worst case of difflib (cubic; 3 000 characters took ~35 s of CPU).
    before, after = "a\n" * (length // 2), "a\nb\n" * (length // 4)
    old, new = _versions(before, after, fields=Kit.SECTIONS)
    started = time.process_time()
    diffs = selectors.version_diff(old, new)
    assert time.process_time() - started < 3  # the budget is half a second of wall-clock time for all fields
    assert [d.name for d in diffs] == list(Kit.SECTIONS)
    assert all(_sides(d.lines) == (before.splitlines(), after.splitlines()) for d in diffs)
    # What the page shows is bounded too: the first rows, then one "cut" row per field past the limit.
    assert sum(len(d.rows) for d in diffs) <= selectors.DIFF_MAX_ROWS + len(diffs)
    if sum(len(d.lines) for d in diffs) > selectors.DIFF_MAX_ROWS:
        assert diffs[-1].rows[-1] == ("cut", len(diffs[-1].lines) - len(diffs[-1].rows) + 1)


def test_the_page_shows_the_lines_around_each_change_and_folds_the_rest():
    before = "\n".join(f"ligne {i}" for i in range(100))
    [diff] = selectors.version_diff(*_versions(before, before.replace("ligne 50", "ligne cinquante")))
    assert diff.rows == [("folded", 47), *[("same", f"ligne {i}") for i in (47, 48, 49)],
                         ("removed", "ligne 50"), ("added", "ligne cinquante"),
                         *[("same", f"ligne {i}") for i in (51, 52, 53)], ("folded", 46)]
    assert len(diff.lines) == 101


def test_a_section_longer_than_the_limit_is_refused(resident):
    kit = make_kit(author=resident)
    before = _state(kit)
    with pytest.raises(ValidationError) as refused:
        services.kit_update(kit=kit, actor=resident, steps="x" * (SECTION_MAX_LENGTH + 1))
    assert "steps" in refused.value.message_dict
    kit.refresh_from_db()
    assert _state(kit) == before
    services.kit_update(kit=kit, actor=resident, steps="x" * SECTION_MAX_LENGTH)
    assert kit.versions.count() == 2


# --- revert -------------------------------------------------------------------


def test_revert_makes_a_new_version_equal_to_the_old_one(resident):
    kit = make_kit(author=resident)
    original = kit.content()
    services.kit_update(kit=kit, actor=resident, title="Vandalisé", steps="")
    version = services.kit_revert(kit=kit, actor=resident, number=1)
    kit.refresh_from_db()
    assert (version.number, version.reverted_from) == (3, 1)
    assert kit.content() == original == version.content
    assert AuditEvent.objects.filter(action="kit.revert", data__number=1).exists()


@pytest.mark.parametrize("number", [1, 99])
def test_a_refused_revert_changes_nothing(resident, number):
    # version 1 is the current content; version 99 does not exist
    kit = make_kit(author=resident)
    before = _state(kit)
    with pytest.raises(ValidationError):
        services.kit_revert(kit=kit, actor=resident, number=number)
    assert _state(kit) == before


# --- moderation -----------------------------------------------------------------


def test_submit_then_publish(resident, moderator, territory, mailoutbox, django_capture_on_commit_callbacks):
    kit = make_kit(author=resident, territory=territory)
    services.kit_submit(kit=kit, actor=resident)
    with django_capture_on_commit_callbacks(execute=True):
        kit = services.kit_review(kit=kit, moderator=moderator, decision="publish")
    assert kit.status == Kit.Status.PUBLISHED and kit.published_at is not None
    # The author learns it by e-mail, with the kit's address
    [mail] = mailoutbox
    assert mail.to == [resident.email] and mail.subject == f"[Alléger] Votre kit « {kit.title} » est publié"
    assert kit.get_absolute_url() in mail.body
    actions = list(AuditEvent.objects.filter(target_id=str(kit.pk)).order_by("pk").values_list("action", flat=True))
    assert actions == ["kit.create", "kit.submit", "kit.review.publish"]


def test_refusal_needs_a_reason_and_keeps_it(resident, moderator, territory, mailoutbox,
                                             django_capture_on_commit_callbacks):
    kit = make_kit(author=resident, territory=territory, status=Kit.Status.SUBMITTED)
    before = _state(kit)
    with pytest.raises(ValidationError) as exc:
        services.kit_review(kit=kit, moderator=moderator, decision="refuse", message="  ")
    assert exc.value.code == "message_required"
    assert _state(kit) == before
    with django_capture_on_commit_callbacks(execute=True):
        kit = services.kit_review(kit=kit, moderator=moderator, decision="refuse", message="Démarches manquantes.")
    assert (kit.status, kit.review_message, kit.published_at) == ("refused", "Démarches manquantes.", None)
    # The author gets the reason by e-mail, in their own language
    [mail] = mailoutbox
    assert mail.to == [resident.email] and "n'a pas été publié" in mail.subject
    assert "Démarches manquantes." in mail.body and "le soumettre de nouveau" in mail.body


def test_a_refused_kit_can_be_improved_and_submitted_again(resident, territory):
    kit = make_kit(author=resident, territory=territory, status=Kit.Status.REFUSED)
    services.kit_update(kit=kit, actor=resident, procedures="Demander à la mairie.")
    assert services.kit_submit(kit=kit, actor=resident).status == Kit.Status.SUBMITTED


@pytest.mark.parametrize("status", [Kit.Status.DRAFT, Kit.Status.PUBLISHED, Kit.Status.REFUSED])
def test_only_a_submitted_kit_is_reviewed(resident, moderator, territory, status):
    kit = make_kit(author=resident, territory=territory, status=status)
    before = _state(kit)
    with pytest.raises(ValidationError) as exc:
        services.kit_review(kit=kit, moderator=moderator, decision="publish")
    assert exc.value.code == "not_submitted"
    assert _state(kit) == before


@pytest.mark.parametrize("status", [Kit.Status.SUBMITTED, Kit.Status.PUBLISHED])
def test_a_kit_is_submitted_once(resident, status):
    kit = make_kit(author=resident, status=status)
    before = _state(kit)
    with pytest.raises(ValidationError):
        services.kit_submit(kit=kit, actor=resident)
    assert _state(kit) == before


def test_an_unknown_decision_changes_nothing(resident, moderator, territory):
    kit = make_kit(author=resident, territory=territory, status=Kit.Status.SUBMITTED)
    before = _state(kit)
    with pytest.raises(ValidationError):
        services.kit_review(kit=kit, moderator=moderator, decision="maybe")
    assert _state(kit) == before


# --- fork ---------------------------------------------------------------------


def test_a_fork_is_a_draft_of_the_forker_crediting_its_origin(resident, other_resident, territory):
    origin = make_kit(author=other_resident, territory=territory, status=Kit.Status.PUBLISHED)
    fork = services.kit_fork(kit=origin, actor=resident)
    assert (fork.author, fork.status, fork.forked_from) == (resident, Kit.Status.DRAFT, origin)
    assert fork.content() == origin.content()
    assert fork.slug != origin.slug
    assert fork.versions.get().note == f"Variante de « {origin.title} »."
    assert list(origin.forks.all()) == [fork]
    assert AuditEvent.objects.filter(action="kit.fork", target_id=str(fork.pk), data__origin=origin.pk).exists()


@pytest.mark.parametrize("status", [Kit.Status.DRAFT, Kit.Status.SUBMITTED, Kit.Status.REFUSED])
def test_an_unpublished_kit_cannot_be_forked(resident, other_resident, status):
    origin = make_kit(author=other_resident, status=status)
    before = _state(origin)
    with pytest.raises(ValidationError):
        services.kit_fork(kit=origin, actor=resident)
    assert _state(origin) == before


# --- selectors ----------------------------------------------------------------


def test_search_shows_published_kits_matching_every_filter(resident, territory, other_territory):
    garden = make_kit(author=resident, territory=territory, status=Kit.Status.PUBLISHED, level=2)
    everywhere = make_kit(author=resident, status=Kit.Status.PUBLISHED, title="Cartoparty",
                          category=Kit.Category.DATA_MAPPING, axis=Kit.Axis.INFORMATION, summary="OSM")
    make_kit(author=resident, territory=other_territory, status=Kit.Status.PUBLISHED, title="Ailleurs")
    make_kit(author=resident, territory=territory, title="Brouillon fleuri")
    assert list(selectors.kit_search(q="fleurir arbres")) == [garden]
    assert list(selectors.kit_search(axis="info")) == [everywhere]
    assert list(selectors.kit_search(category="greening", level=2)) == [garden]
    assert set(selectors.kit_search(territory=territory)) == {garden, everywhere}


def test_the_review_queue_holds_what_each_moderator_may_review(resident, moderator, platform_admin, territory,
                                                                other_territory):
    here = make_kit(author=resident, territory=territory, status=Kit.Status.SUBMITTED)
    elsewhere = make_kit(author=resident, territory=other_territory, status=Kit.Status.SUBMITTED)
    everywhere = make_kit(author=resident, status=Kit.Status.SUBMITTED)
    make_kit(author=resident, territory=territory)
    assert list(selectors.review_queue(moderator)) == [here]
    assert set(selectors.review_queue(platform_admin)) == {here, elsewhere, everywhere}
    assert not selectors.review_queue(resident).exists()


def test_a_kit_applies_to_asset_types_of_its_own_territory(territory, other_territory):
    from alleger.testing.assets_factories import AssetTypeFactory

    here = AssetTypeFactory(territory=territory, slug="banc", name="Banc")
    elsewhere = AssetTypeFactory(territory=other_territory, slug="mur", name="Mur")
    kit = make_kit(territory=territory)
    services.kit_update(kit=kit, actor=kit.author, asset_types=[here])
    assert list(kit.asset_types.all()) == [here]
    with pytest.raises(Refused) as refusal:
        services.kit_update(kit=kit, actor=kit.author, title="Autre titre", asset_types=[here, elsewhere])
    assert refusal.value.code == "asset_type_elsewhere"
    kit.refresh_from_db()
    assert kit.title != "Autre titre" and list(kit.asset_types.all()) == [here]
    # A kit valid everywhere may name the types of any territory.
    everywhere = make_kit(asset_types=[here, elsewhere])
    assert everywhere.asset_types.count() == 2
