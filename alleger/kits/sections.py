"""What kits add to the pages of the apps below them (registered in apps.py): the live overview's new kits."""

from .selectors import kit_search


def live(territory, limit: int) -> dict:
    return {"new_kits": list(kit_search(territory=territory).order_by("-published_at", "-pk")[:limit])}
