"""Pictures for the demo's projects, kits (and some of their steps) and assets.

Loaded by `alleger demo_data` after every app's demo. Idempotent: only what has
no picture yet gets one. The drawings (alleger.core.demo_images) go through the
upload pipeline (image_clean or the apps' services); a stored file is found again
by its name, so a second run, or a new database on the same media, draws nothing.
"""

from alleger.assets.models import Asset, AssetPhoto
from alleger.core.images import image_clean
from alleger.funding.models import Project
from alleger.kits.models import Kit
from alleger.kits.services import kit_image_add

from .demo_images import demo_upload

# Project title: (scene, description of the picture).
PROJECTS = {
    "Une coopérative alimentaire à Carnot – Bellevue": (
        "shop", "Une épicerie à l'auvent vert, des cagettes de fruits et légumes devant la vitrine"),
    "Une imprimante 3D pour la médiathèque Jacquard": (
        "printer", "La vitrine de la médiathèque et, devant, une imprimante 3D qui imprime une pièce orange"),
    "Déchets à partager !": ("composter", "Trois bacs à compost en bois dans l'herbe, une voisine à côté"),
    "Un four à pain collectif place Jacquard": (
        "oven", "Un four à pain en terre, sa porte rougeoyante, sur une place entourée de maisons"),
    "Le Café d'à Côté : café, AMAP et ressourcerie": (
        "cafe", "La façade du café avec son auvent rayé et deux tables hautes sur le trottoir"),
    "Un snack sain et local à Clermont-Ferrand": (
        "shop", "Une petite boutique de quartier avec des cagettes de produits frais en vitrine"),
    "Un coworking rural à Ambert": (
        "coworking", "L'ancienne poste aux fenêtres éclairées, un vélo garé devant la porte"),
    "Des tables de pique-nique au parc de Montaud": (
        "picnic", "Une table de pique-nique en bois dans un parc, entre deux promeneurs"),
    "Des composteurs collectifs au Crêt de Roch": (
        "composter", "Des composteurs collectifs en bois au pied des arbres, bordés de fleurs"),
    "Sans obstacle : l'appli qui recense les obstacles des piétons et des cyclistes": (
        "phone", "Un téléphone affiche la carte des obstacles signalés dans la rue"),
    "Un atelier vélo participatif au Centre-ville": (
        "bike", "Deux vélos réparés, un orange et un vert, sur le trottoir"),
    "Un jardin partagé au pied des tours de Montreynaud": (
        "garden", "Deux carrés potagers en bois et un récupérateur d'eau de pluie sur une pelouse"),
    "Une fresque participative sous le pont de la rue Bergson": (
        "mural", "Une fresque de collines vertes et de rivière bleue sous un grand soleil jaune"),
    "Une terrasse sur deux places de stationnement": (
        "cafe", "Un bar avec son auvent rayé et des tables sur le trottoir"),
}

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


def _stored(field, name: str, scene: str, seed: int) -> str:
    """The storage name of a drawn picture: drawn, cleaned and saved the first time, found again after."""
    storage = field.storage
    path = f"{field.upload_to}{name}.jpg"
    if not storage.exists(path):
        path = storage.save(path, image_clean(demo_upload(scene, seed=seed, name=name)))
    return path


def load(context) -> None:
    _projects()
    _kits()
    _assets()


def _projects() -> None:
    field = Project._meta.get_field("image")
    for project in Project.objects.filter(title__in=PROJECTS, image=""):
        scene, alt = PROJECTS[project.title]
        name = _stored(field, f"demo-{project.slug[:60]}", scene, project.pk)
        Project.objects.filter(pk=project.pk).update(image=name, image_alt=alt)


def _kits() -> None:
    kits = Kit.objects.filter(images__isnull=True).select_related("forked_from", "author")
    for kit in kits:
        slug = kit.slug if kit.slug in KITS else getattr(kit.forked_from, "slug", None)
        for position, (step, scene, alt) in enumerate(KITS.get(slug, ())):
            kit_image_add(kit=kit, actor=kit.author, image=demo_upload(scene, seed=position, name=f"{kit.slug[:30]}"),
                          alt=alt, step=step)


def _assets() -> None:
    field = AssetPhoto._meta.get_field("image")
    bare = (Asset.objects.filter(source_id__startswith="demo-", asset_type__slug__in=ASSETS, photos__isnull=True)
            .select_related("asset_type").order_by("pk"))
    photos = []
    for asset in bare:
        scene, alt = ASSETS[asset.asset_type.slug]
        variant = asset.pk % VARIANTS
        # The demo's assets share a few files (AssetPhoto rows never delete theirs).
        name = _stored(field, f"demo-{asset.asset_type.slug}-{variant}", scene, variant)
        photos.append(AssetPhoto(asset=asset, image=name, alt=alt))
    AssetPhoto.objects.bulk_create(photos, batch_size=500)
