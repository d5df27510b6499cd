"""Pictures for the demo's assets.

Loaded by `alleger demo_data` after every app's demo (each app's `demo_pictures.load`). Idempotent:
only what has no picture yet gets one; the drawings (alleger.core.demo_images) go through the upload
pipeline, and a stored file is found again by its name.
"""

from alleger.core.demo_images import demo_stored

from .models import Asset, AssetPhoto

# Asset type slug: (scene, description); each type has a few variants of its picture.
ASSETS = {
    "pied-d-arbre": ("tree_pit", "Un pied d'arbre fleuri sur le trottoir"),
    "banc": ("bench", "Un banc en bois entouré de fleurs"),
    "mur": ("mural", "Un mur peint d'une fresque colorée"),
    "place-de-stationnement": ("parklet", "Une place de stationnement aménagée en salon pour une journée"),
    "salle-de-quartier": ("hall", "La salle de quartier et son entrée"),
    "station-velos": ("bike", "Des vélos partagés garés à la station"),
    "bureau-de-tabac": ("shop", "La devanture du bureau de tabac partenaire"),
    "armoire-de-bricolage": ("tools", "L'armoire de bricolage ouverte, ses outils rangés"),
}
VARIANTS = 3


def load(context) -> None:
    field = AssetPhoto._meta.get_field("image")
    bare = (Asset.objects.filter(source_id__startswith="demo-", asset_type__slug__in=ASSETS, photos__isnull=True)
            .select_related("asset_type").order_by("pk"))
    photos = []
    for asset in bare:
        scene, alt = ASSETS[asset.asset_type.slug]
        variant = asset.pk % VARIANTS
        # The demo's assets share a few files (AssetPhoto rows never delete theirs).
        name = demo_stored(field, f"demo-{asset.asset_type.slug}-{variant}", scene, variant)
        photos.append(AssetPhoto(asset=asset, image=name, alt=alt))
    AssetPhoto.objects.bulk_create(photos, batch_size=500)
