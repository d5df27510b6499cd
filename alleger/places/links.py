"""Kits that apply to a type of place (« créer et faire vivre un jardin partagé » → the shared gardens).

Kits sit below places, so the link is here (PlaceTypeKit) and the kit's page shows it through the
core.sections page "kit", which `register_sections()` fills: the places AppConfig.ready() calls it.
"""

from __future__ import annotations

from django.db import transaction

from alleger.core import sections
from alleger.core.fragments import deferred
from alleger.core.services import audit_record

from .forms_links import PlaceTypesForm
from .models import Place, PlaceType, PlaceTypeKit
from .nearby import place_url

KIT_SECTION_PLACES = 12


@transaction.atomic
def place_type_kit_link(*, kit, place_type: str, actor=None) -> PlaceTypeKit:
    """Says the kit applies to the type of place (idempotent)."""
    PlaceType(place_type)  # ValueError on an unknown type
    link, created = PlaceTypeKit.objects.get_or_create(kit=kit, place_type=place_type)
    if created:
        audit_record(actor=actor, action="places.kit_link", target=kit, place_type=place_type)
    return link


@transaction.atomic
def place_type_kit_unlink(*, kit, place_type: str, actor=None) -> None:
    deleted, _ = PlaceTypeKit.objects.filter(kit=kit, place_type=place_type).delete()
    if deleted:
        audit_record(actor=actor, action="places.kit_unlink", target=kit, place_type=place_type)


@transaction.atomic
def place_type_kits_set(*, kit, place_types, actor=None) -> list[str]:
    """The kit applies to exactly these types of place (links added and removed, each audited)."""
    wanted = {PlaceType(t).value for t in place_types}
    current = set(place_types_of(kit))
    for place_type in sorted(wanted - current):
        place_type_kit_link(kit=kit, place_type=place_type, actor=actor)
    for place_type in sorted(current - wanted):
        place_type_kit_unlink(kit=kit, place_type=place_type, actor=actor)
    return sorted(wanted)


def place_types_of(kit) -> list[str]:
    return list(PlaceTypeKit.objects.filter(kit=kit).order_by("place_type").values_list("place_type", flat=True))


def kit_section(request, kit) -> dict:
    """« S'applique aussi aux lieux : jardin partagé », and the published places of those types.

    Its template shows them in a shared fragment (the same for everyone) and the form that chooses the
    types in a personal one (for who may change the kit); each value is read only when its fragment is
    rendered, not when it comes from the cache (alleger/core/fragments.py)."""

    def shown() -> dict:
        types = place_types_of(kit)
        places = Place.objects.filter(moderation=Place.Moderation.PUBLISHED, place_type__in=types)
        if kit.territory_id:
            places = places.filter(territory_id=kit.territory_id)
        places = list(places.order_by("name", "pk")[:KIT_SECTION_PLACES]) if types else []
        return {"types": types, "place_types": [PlaceType(t).label for t in types],
                "places": [(place, place_url(place)) for place in places]}

    def form():
        if request is None or not request.user.has_perm("kits.change_kit", kit):
            return None
        return PlaceTypesForm(initial={"place_types": values()["types"]})

    values = deferred(shown)
    return {"place_types": deferred(lambda: values()["place_types"]),
            "places": deferred(lambda: values()["places"]),
            "form": deferred(form)}


def register_sections() -> None:
    """Called from the places AppConfig.ready() (idempotent: a section is registered by name)."""
    sections.register("kit", "places", template="places/links/_kit_section.html", context=kit_section, order=20)


def load_demo(context) -> None:
    """The shared gardens get the urban gardener's kit (nothing if the demo has no such kit)."""
    from alleger.kits.models import Kit

    kit = Kit.objects.filter(slug="kit-du-jardinier-urbain").first()
    if kit is not None:
        place_type_kit_link(kit=kit, place_type=PlaceType.GARDEN)
