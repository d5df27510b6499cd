"""Writes that may change what the map shows tell its cache (mapcache.data_changed).

The receivers run inside the writer's transaction, so the new data version
commits or rolls back with the change. Bulk writes send no signals: the
import and the demo loader call `data_changed()` themselves.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from alleger.kits.models import Kit
from alleger.territories.models import Territory

from . import mapcache
from .models import Asset, AssetType

#: Everything a map answer is built from: assets (position, name, status,
#: moderation), their types (slug, name), kits (slug, for the kit filter) and
#: territories (slug, for the territory filter).
MODELS = (Asset, AssetType, Kit, Territory)
#: The asset↔kit and type↔kit links (the kit filter).
LINKS = (Asset.kits.through, AssetType.kits.through)


def _saved_or_deleted(sender, **kwargs) -> None:
    mapcache.data_changed()


def _links_changed(sender, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        mapcache.data_changed()


def connect() -> None:
    for model in MODELS:
        post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=f"mapcache-save-{model.__name__}")
        post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=f"mapcache-delete-{model.__name__}")
    for through in LINKS:
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"mapcache-links-{through.__name__}")
