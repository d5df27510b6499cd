"""Pictures for the demo's projects.

Loaded by `alleger demo_data` after every app's demo (each app's `demo_pictures.load`). Idempotent:
only what has no picture yet gets one; the drawings (alleger.core.demo_images) go through the upload
pipeline, and a stored file is found again by its name.
"""

from alleger.core.demo_images import demo_stored

from .models import Project

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


def load(context) -> None:
    field = Project._meta.get_field("image")
    for project in Project.objects.filter(title__in=PROJECTS, image=""):
        scene, alt = PROJECTS[project.title]
        name = demo_stored(field, f"demo-{project.slug[:60]}", scene, project.pk)
        Project.objects.filter(pk=project.pk).update(image=name, image_alt=alt)
