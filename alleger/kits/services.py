"""Kit writes. Each saves a new KitVersion when the content changes, and audits."""

from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alleger.accounts.models import User
from alleger.core.errors import Refused
from alleger.core.images import image_clean
from alleger.core.services import audit_record

from . import notifications
from .models import EDITABLE, Kit, KitImage, KitVersion
from .rules import has_stake_in_kit


class Decision(models.TextChoices):
    PUBLISH = "publish", gettext_lazy("Publier")
    REFUSE = "refuse", gettext_lazy("Refuser")


#: Slugs taken by the app's own pages.
RESERVED_SLUGS = {"nouveau", "relecture"}


def _unique_slug(title: str) -> str:
    base = slugify(title)[:70] or "kit"
    slug, n = base, 2
    while slug in RESERVED_SLUGS or Kit.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _lock(kit: Kit) -> Kit:
    # Lock the kit row before numbering a version, so two saves at once
    # cannot both take the same number (the unique constraint is the backstop).
    return Kit.objects.select_for_update().get(pk=kit.pk)


def _version_add(*, kit: Kit, author: User, note: str, reverted_from: int | None = None) -> KitVersion:
    last = kit.versions.aggregate(last=Max("number"))["last"] or 0
    return KitVersion.objects.create(kit=kit, number=last + 1, author=author, content=kit.content(),
                                     note=note.strip()[:200], reverted_from=reverted_from)


def _asset_types_set(kit: Kit, asset_types) -> None:
    """The kinds of assets the kit applies to; a territory's kit applies to that territory's types only."""
    asset_types = list(asset_types)
    if kit.territory_id and any(t.territory_id != kit.territory_id for t in asset_types):
        raise Refused("asset_type_elsewhere",
                      _("Choisissez des types de dispositif du territoire du kit, %(name)s.")
                      % {"name": kit.territory.name})
    kit.asset_types.set(asset_types)


def _unknown(fields: dict) -> None:
    unknown = set(fields) - set(Kit.CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"not kit content: {sorted(unknown)}")


@transaction.atomic
def kit_create(*, author: User, title: str, summary: str, category: str, axis: str, territory=None,
               organisation=None, note: str = "", slug: str | None = None, forked_from: Kit | None = None,
               asset_types=(), **content) -> Kit:
    """Create a draft kit and its first version."""
    _unknown(content)
    kit = Kit(author=author, title=title, summary=summary, category=category, axis=axis, territory=territory,
              organisation=organisation, forked_from=forked_from, slug=slug or _unique_slug(title), **content)
    kit.full_clean()
    kit.save()
    _asset_types_set(kit, asset_types)
    _version_add(kit=kit, author=author, note=note or _("Première version."))
    audit_record(actor=author, action="kit.create", target=kit)
    return kit


@transaction.atomic
def kit_update(*, kit: Kit, actor: User, note: str = "", territory=..., organisation=..., asset_types=None,
               **content) -> Kit:
    """Change a kit's content; a new version is saved when its content changed."""
    _unknown(content)
    kit = _lock(kit)
    before = kit.content()
    for name, value in content.items():
        setattr(kit, name, value)
    if territory is not ...:
        kit.territory = territory
    if organisation is not ...:
        kit.organisation = organisation
    kit.full_clean()
    kit.save()
    if asset_types is not None:
        _asset_types_set(kit, asset_types)
    changed = sorted(name for name in Kit.CONTENT_FIELDS if before[name] != getattr(kit, name))
    if changed:
        _version_add(kit=kit, author=actor, note=note)
    audit_record(actor=actor, action="kit.update", target=kit, fields=changed)
    return kit


@transaction.atomic
def kit_revert(*, kit: Kit, actor: User, number: int) -> KitVersion:
    """Bring back the content of version `number`, as a new version."""
    kit = _lock(kit)
    old = kit.versions.filter(number=number).first()
    if old is None:
        raise Refused("unknown_version", _("Cette version n'existe pas."))
    if old.content == kit.content():
        raise Refused("same_content", _("Le kit a déjà le contenu de cette version."))
    for name in Kit.CONTENT_FIELDS:
        if name in old.content:
            setattr(kit, name, old.content[name])
    kit.full_clean()
    kit.save()
    version = _version_add(kit=kit, author=actor, note=_("Retour à la version %(number)d.") % {"number": number},
                           reverted_from=number)
    audit_record(actor=actor, action="kit.revert", target=kit, number=number, version=version.number)
    return version


@transaction.atomic
def kit_submit(*, kit: Kit, actor: User) -> Kit:
    moved = Kit.objects.filter(pk=kit.pk, status__in=EDITABLE).update(status=Kit.Status.SUBMITTED,
                                                                      updated_at=timezone.now())
    if not moved:
        raise Refused("not_editable", _("Ce kit a déjà été soumis."))
    audit_record(actor=actor, action="kit.submit", target=kit)
    kit.refresh_from_db()
    return kit


@transaction.atomic
def kit_review(*, kit: Kit, moderator: User, decision: str, message: str = "", now=None) -> Kit:
    """A moderator publishes a submitted kit, or refuses it with a reason."""
    if decision not in Decision.values:
        raise Refused("invalid", _("Décision inconnue."))
    if decision == Decision.REFUSE and not message.strip():
        raise Refused("message_required", _("Expliquez votre refus à l'auteur du kit."))
    kit = _lock(kit)
    if has_stake_in_kit(moderator, kit):
        raise Refused("conflict_of_interest", _("Vous ne pouvez pas relire un kit que vous avez écrit ou que signe "
                                                "votre organisation : un autre modérateur doit le faire."), status=403)
    if kit.status != Kit.Status.SUBMITTED:
        raise Refused("not_submitted", _("Ce kit n'attend pas de relecture."))
    if decision == Decision.PUBLISH:
        kit.status = Kit.Status.PUBLISHED
        kit.published_at = now or timezone.now()
    else:
        kit.status = Kit.Status.REFUSED
    kit.review_message = message.strip()
    kit.save(update_fields=["status", "published_at", "review_message", "updated_at"])
    audit_record(actor=moderator, action=f"kit.review.{decision}", target=kit, message=message.strip())
    notifications.kit_reviewed(kit, decision, kit.review_message)
    return kit


@transaction.atomic
def kit_fork(*, kit: Kit, actor: User) -> Kit:
    """Copy a published kit into a draft owned by `actor`, crediting its origin."""
    origin = Kit.objects.get(pk=kit.pk)
    if origin.status != Kit.Status.PUBLISHED:
        raise Refused("not_published", _("Seul un kit publié peut servir de base à une variante."))
    content = origin.content()
    fork = kit_create(author=actor, territory=origin.territory, forked_from=origin,
                      note=_("Variante de « %(title)s ».") % {"title": origin.title}, **content)
    audit_record(actor=actor, action="kit.fork", target=fork, origin=origin.pk)
    return fork


#: Pictures per kit: enough for a step-by-step guide, not a photo album.
MAX_IMAGES = 30


@transaction.atomic
def kit_image_add(*, kit: Kit, actor: User, image, alt: str, step: int | None = None) -> KitImage:
    """Attach a re-encoded, metadata-free picture to a kit (to one of its steps when `step` is given)."""
    kit = _lock(kit)
    if not alt.strip():
        raise Refused("alt_required", _("Décrivez l'image pour les personnes qui ne la voient pas."))
    if kit.images.count() >= MAX_IMAGES:
        raise Refused("too_many_images", _("Un kit compte au plus %(max)d images.") % {"max": MAX_IMAGES})
    cleaned = image_clean(image)
    picture = KitImage(kit=kit, step=step, alt=alt.strip(), uploaded_by=actor)
    picture.image.save(cleaned.name, cleaned, save=False)
    picture.full_clean()
    picture.save()
    audit_record(actor=actor, action="kit.image.add", target=kit, image=picture.pk, step=step)
    return picture


@transaction.atomic
def kit_image_remove(*, picture: KitImage, actor: User) -> None:
    kit = _lock(picture.kit)
    audit_record(actor=actor, action="kit.image.remove", target=kit, image=picture.pk, step=picture.step)
    storage, name = picture.image.storage, picture.image.name
    picture.delete()
    # The file goes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(name))
