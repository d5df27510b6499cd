"""Pictures for the demo's kits (and some of their steps).

Loaded by `alleger demo_data` after every app's demo (each app's `demo_pictures.load`). Idempotent:
only what has no picture yet gets one; the drawings (alleger.core.demo_images) go through the upload
pipeline (kit_image_add).
"""

from alleger.core.demo_images import demo_upload

from .models import Kit
from .services import kit_image_add

# Kit slug: [(step or None for the whole kit, scene, description)]; a fork gets its original's pictures.
KITS = {
    "cartographier-son-quartier-dans-openstreetmap": [
        (None, "map", "Un téléphone affiche une carte du quartier avec des repères de couleur"),
        (2, "bench", "Un banc dans un parc : l'un des éléments à noter en parcourant sa rue"),
    ],
    "kit-du-jardinier-urbain": [
        (None, "tree_pit", "Un pied d'arbre fleuri de capucines et de soucis, bordé de bois"),
        (4, "garden", "Des carrés potagers plantés et arrosés"),
    ],
    "emprunter-la-salle-des-fetes-du-quartier": [
        (None, "hall", "La salle des fêtes décorée de guirlandes, des voisins qui arrivent"),
    ],
    "parklet-park-ing-day": [
        (None, "parklet", "Une place de stationnement transformée en salon : bancs en palettes et bacs de fleurs"),
    ],
    "entretenir-et-customiser-les-velos-en-libre-service": [
        (None, "bike", "Deux vélos en libre-service entretenus, garés le long du trottoir"),
    ],
    "atelier-bombes-a-graines": [
        (None, "seedbombs", "Des bombes à graines qui sèchent sur une table, des fleurs au pied"),
        (3, "seedbombs", "Les boulettes d'argile et de graines alignées pour sécher 48 heures"),
    ],
    "guerilla-gardening-et-bombes-a-graines": [
        (None, "seedbombs", "Des bombes à graines prêtes à être lancées sur une friche"),
    ],
    "micro-kit-de-bricolage-du-buraliste": [
        (None, "tools", "Une armoire à outils ouverte : clés, tournevis, pompe et rustines"),
    ],
    "pedibus": [
        (None, "pedibus", "Des enfants marchent en file sur le passage piéton, accompagnés par deux adultes"),
    ],
}


def load(context) -> None:
    kits = Kit.objects.filter(images__isnull=True).select_related("forked_from", "author")
    for kit in kits:
        slug = kit.slug if kit.slug in KITS else getattr(kit.forked_from, "slug", None)
        for position, (step, scene, alt) in enumerate(KITS.get(slug, ())):
            kit_image_add(kit=kit, actor=kit.author, image=demo_upload(scene, seed=position, name=f"{kit.slug[:30]}"),
                          alt=alt, step=step)
