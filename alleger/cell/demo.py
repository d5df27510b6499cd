"""The Quartier des Prés food-waste challenge (seed 003), in Saint-Étienne: the cell's workshop, the
composters kit, « Déchets à partager ! », the interventions installing the composters, and the weights
of the composters as an indicator series (demo_data/composteurs-pesees.csv, through the upload service).

Uses what the other apps' demos made (the project, the pool, people) and creates the rest through the
services. Idempotent: nothing is done when the challenge exists. The events' dates, the metrics and the
open-data files are done once every app has loaded (demo_links).
"""

import datetime
import re
from pathlib import Path

from django.utils import timezone

from alleger.funding.models import MatchingPool, Project
from alleger.interventions.models import Intervention
from alleger.interventions.services import (
    intervention_declare,
    intervention_join,
    intervention_set_status,
    journal_add,
)
from alleger.kits.models import Kit
from alleger.kits.services import Decision, kit_create, kit_review, kit_submit

from . import watch_demo
from .challenge_services import (
    challenge_create,
    indicators_upload,
    response_decide,
    response_link,
    response_propose,
    workshop_add,
    workshop_rooms,
)
from .models import Challenge

TITLE = "Quartier des Prés : nos biodéchets en circuit court"
CSV = Path(__file__).parent / "demo_data" / "composteurs-pesees.csv"
CRET_DE_ROCH = (45.4392, 4.3968)
JACQUARD = (45.4330, 4.3760)

KIT = {
    "slug": "composteur-collectif-de-quartier",
    "title": "Installer un composteur collectif de quartier",
    "summary": "Trois bacs au pied des immeubles, un groupe de voisins référents, et les épluchures deviennent "
               "du compost pour les jardins du quartier.",
    "category": Kit.Category.GREENING, "axis": Kit.Axis.PHYSICAL, "level": 1,
    "group_size": "5 à 15 foyers, deux référents", "duration": Kit.Duration.LASTING,
    "frequency": Kit.Frequency.REGULAR,
    "allowed": "Installer trois bacs (apport, maturation, broyat) sur un espace vert public ou le terrain d'un "
               "bailleur qui l'accepte, et les ouvrir aux habitants lors de permanences.",
    "steps": "1. Réunissez au moins cinq foyers et deux référents.\n2. Choisissez l'emplacement avec la Ville ou "
             "le bailleur.\n3. Demandez les bacs et le bioseau de chaque foyer à la métropole.\n4. Montez les bacs "
             "lors d'une matinée festive.\n5. Tenez une permanence par semaine et pesez les apports.",
    "procedures": "Convention d'occupation avec le service des espaces verts (trois semaines) ; formation de "
                  "guide-composteur offerte par la métropole.",
    "rules": "Seulement les déchets alimentaires et le broyat ; le cadenas reste fermé hors permanence.",
    "responsibilities": "Les référents retournent le compost chaque mois et tiennent le cahier des pesées.",
    "design_guidelines": "Bacs en bois non traité, un panneau qui dit quoi apporter et quand.",
    "tools": "Trois bacs, une fourche, un peson, un cahier, du broyat.",
}

WORKSHOP_MINUTES = """**Présents** : des habitants du Crêt de Roch et de Jacquard, l'association « Déchets à partager ! »,
Forez Énergies, un agriculteur qui méthanise à Saint-Genest-Lerpt, deux agents de la Ville.

**Ce qui est ressorti**

- suivre les apports : peser chaque semaine et publier les pesées sur le tableau de bord ;
- la logistique : le compost mûr part chez l'agriculteur, qui le ramène en sacs pour les balcons ;
- une monnaie locale avec les commerçants pour récompenser le tri.

**Suite** : deux composteurs au Crêt de Roch, un à Jacquard, avec le kit de la Ville."""


def _shifted_csv() -> str:
    """The demo CSV with its dates moved so that the series ends in the week before today."""
    text = CSV.read_text(encoding="utf-8")
    days = [datetime.date.fromisoformat(d) for d in re.findall(r"^(\d{4}-\d{2}-\d{2});", text, flags=re.M)]
    today = timezone.localdate()
    target = today - datetime.timedelta(days=today.weekday() + 7)
    delta = target - max(days)
    return re.sub(r"^(\d{4}-\d{2}-\d{2});",
                  lambda m: (datetime.date.fromisoformat(m.group(1)) + delta).isoformat() + ";", text, flags=re.M)


def _kit(people, city) -> Kit:
    kit = Kit.objects.filter(slug=KIT["slug"]).first()
    if kit is None:
        kit = kit_create(author=people["camille"], territory=city, **KIT)
        kit_submit(kit=kit, actor=people["camille"])
        kit = kit_review(kit=kit, moderator=people["martha"], decision=Decision.PUBLISH)
    return kit


def _intervention(city, kit, organiser, title, description, point, days, status, joiners=(), journal=""):
    found = Intervention.objects.filter(territory=city, title=title).first()
    if found:
        return found
    today = timezone.localdate()
    intervention = intervention_declare(
        organiser=organiser, kit=kit, title=title, description=description, territory=city, lat=point[0],
        lon=point[1], starts_on=today + datetime.timedelta(days=days),
        ends_on=today + datetime.timedelta(days=days), charter_accepted=True)
    for person in joiners:
        intervention_join(intervention=intervention, user=person, charter_accepted=True)
    journal_add(intervention=intervention, author=organiser, text=journal or description)
    if status == "done":
        intervention_set_status(intervention=intervention, actor=organiser, status="ongoing")
        intervention = intervention_set_status(intervention=intervention, actor=organiser, status="done")
    return intervention


def _workshops(challenge, remi) -> None:
    """The workshop held in the Salle des fêtes de Jacquard's hall (booked then, through the bookings
    service), and the next one, booked there for next week. Without the places' demo, the first one is
    told in words and the next one is not planned."""
    hall = workshop_rooms(challenge.territory).filter(place__name="Salle des fêtes de Jacquard").first()
    held = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0) - datetime.timedelta(days=135)
    where = {"room": hall, "now": held - datetime.timedelta(days=3)} if hall else {
        "place_name": "Salle des fêtes de Jacquard"}
    workshop_add(challenge=challenge, actor=remi, held_at=held, ends_at=held + datetime.timedelta(hours=3),
                 participants_count=23, participants="habitants, associations, Forez Énergies, un agriculteur, "
                                                     "agents de la Ville", minutes=WORKSHOP_MINUTES, **where)
    if hall is None:
        return
    today = timezone.localdate()
    thursday = today + datetime.timedelta(days=(3 - today.weekday()) % 7 + 7)
    start = timezone.make_aware(datetime.datetime.combine(thursday, datetime.time(18, 0)))
    workshop_add(challenge=challenge, actor=remi, room=hall, held_at=start, ends_at=start + datetime.timedelta(hours=3),
                 participants="ouvert à tous les habitants des Prés")


def load(context) -> None:
    city = context.territories["city"]
    people = context.people
    if not Challenge.objects.filter(territory=city, title=TITLE).exists():
        _challenge(city, people)
    watch_demo.load(context)
    # The demo's dates, its metrics and its open-data files come once every app has loaded: see demo_links.


def _challenge(city, people) -> None:
    remi, camille, nadia = people["remi"], people["camille"], people["nadia"]
    today = timezone.localdate()
    hoods = list(city.neighbourhoods.filter(slug__in=("cret-de-roch", "jacquard")))
    challenge = challenge_create(
        actor=remi, territory=city, title=TITLE, neighbourhoods=hoods, status=Challenge.Status.OPEN,
        starts_on=today - datetime.timedelta(days=150), ends_on=today + datetime.timedelta(days=215),
        problem="Un tiers de nos poubelles, ce sont des épluchures et des restes de repas : ils partent à "
                "l'incinération alors qu'ils pourraient nourrir les jardins du quartier, ou un méthaniseur.\n\n"
                "Aux Prés, sur les pentes du Crêt de Roch, des habitants ont commencé à composter ensemble. "
                "**Comment faire de ces initiatives un circuit court** — du bioseau au compost, du compost aux "
                "balcons et aux champs ?",
        indicators="Kilos de biodéchets compostés chaque semaine ; foyers qui apportent leurs déchets ; "
                   "compost redistribué ; emplois locaux liés au tri et à la méthanisation.")
    _workshops(challenge, remi)
    kit = _kit(people, city)
    first = _intervention(city, kit, camille, "Installer les deux composteurs des Prés",
                          "Montage des bacs au pied des immeubles de la rue des Prés, puis première permanence.",
                          CRET_DE_ROCH, -40, "done", joiners=[nadia],
                          journal="Les deux bacs sont montés, le cadenas posé ; première pesée samedi : 21,9 kg.")
    second = _intervention(city, kit, nadia, "Un composteur collectif à Jacquard",
                           "Le troisième composteur du défi, près de la place Jacquard.", JACQUARD, -18, "done",
                           journal="Bac monté avec l'amicale des locataires ; les permanences ont lieu le mercredi.")
    third = _intervention(city, kit, camille, "Retourner le compost et le distribuer",
                          "Le compost mûr part en sacs pour les balcons ; le reste chez l'agriculteur.",
                          CRET_DE_ROCH, 12, "planned")

    project = Project.objects.filter(territory=city, title="Déchets à partager !").first()
    if project is not None and project.status in ("published", "succeeded", "failed"):
        response = response_propose(challenge=challenge, actor=project.holder, kind="project", target=project,
                                    note="La plateforme qui met en relation épluchures et jardiniers.")
        response_decide(response=response, actor=remi, accept=True)
    response = response_propose(challenge=challenge, actor=camille, kind="kit", target=kit,
                                note="Le kit de la Ville, adapté par les maîtres-composteurs.")
    response_decide(response=response, actor=remi, accept=True)
    response = response_propose(challenge=challenge, actor=camille, kind="intervention", target=first)
    response_decide(response=response, actor=remi, accept=True)
    response_link(challenge=challenge, actor=remi, kind="intervention", target=second)
    # Still waiting for the cell: the next step, proposed by its organiser.
    response_propose(challenge=challenge, actor=camille, kind="intervention", target=third,
                     note="La suite : le compost revient aux habitants.")
    composters = Project.objects.filter(territory=city, title="Des composteurs collectifs au Crêt de Roch").first()
    if composters is not None and composters.status in ("published", "succeeded", "failed"):
        response_link(challenge=challenge, actor=remi, kind="project", target=composters)
    pool = MatchingPool.objects.filter(territory=city, name__startswith="Coup de pouce Forez Énergies").first()
    if pool is not None:
        response_link(challenge=challenge, actor=remi, kind="pool", target=pool)
    indicators_upload(challenge=challenge, actor=remi, name="Biodéchets compostés (kg)", raw=_shifted_csv())
