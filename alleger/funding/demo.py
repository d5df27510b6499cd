"""Demo crowdfunding: the campaigns of the seeds (002, 004), in every state.

Everything goes through the services, with `now` moved into the past for
campaigns that already ended: they are reviewed, backed and settled at the
dates of their story, so that their ledger, matches, refunds and payouts are
exactly what the platform would have produced. Loading is idempotent: each
object is looked up by its slug (or name, or e-mail) first, and a project that
exists is left as it is. The Markdown of the stories (and of the call) lives in
the files of `demo_stories/`, beside this module.
"""

from datetime import timedelta
from pathlib import Path

from django.utils import timezone
from django.utils.text import slugify

from alleger.accounts.demo import demo_person
from alleger.organisations.models import Organisation
from alleger.organisations.services import organisation_create
from alleger.territories.models import Neighbourhood

from .models import Call, Contribution, MatchingPool, Project, ProjectFollower, Theme
from .providers import CARD_CAPTURE_FAILS_ONCE
from .rules import has_stake_in_project
from .services.contributions import (
    contribution_cancel,
    contribution_confirm_receipt,
    contribution_create,
)
from .services.loans import loan_repayment_record, schedule
from .services.needs import need_add, offer_make, offer_set_status
from .services.projects import (
    Decision,
    project_create,
    project_follow,
    project_review,
    project_submit,
    reward_mark_fulfilled,
    reward_save,
    stretch_goal_save,
    update_post,
)
from .services.settlement import settle_project
from .services.sponsors import pool_create, support_attach
from .services.themes import call_create, theme_save

STORIES = Path(__file__).with_name("demo_stories")


def _text(name: str) -> str:
    """The Markdown of `demo_stories/<name>.md`, without the file's final newline."""
    return (STORIES / f"{name}.md").read_text(encoding="utf-8").removesuffix("\n")


# --- people -----------------------------------------------------------------

# Residents who back, lend, offer help and carry the smaller projects. They
# share the demo password and are listed in the demo banner with their bio.
RESIDENTS = [
    # key, display name, neighbourhood slug, bio
    ("sophie", "Sophie", "jacquard", "Voisine du futur café, adhérente de l'AMAP."),
    ("karim", "Karim", None, "Je monte un coworking rural à Ambert."),
    ("lucie", "Lucie", None, "Cuisinière, je lance un snack sain et local à Clermont-Ferrand."),
    ("thomas", "Thomas", "centre-ville", "Graffeur et animateur d'ateliers pour les jeunes."),
    ("ines", "Inès", "centre-ville", "Étudiante en design, co-autrice de l'appli « Sans obstacle »."),
    ("hugo", "Hugo", "centre-ville", "Étudiant en informatique, co-auteur de l'appli « Sans obstacle »."),
    ("nadia", "Nadia", "cret-de-roch", "J'ai lancé « Déchets à partager ! » avec mes voisins."),
    ("agnes", "Agnès", "jacquard", "Bibliothécaire à la médiathèque du quartier."),
    ("paul", "Paul", "jacquard", "Boulanger à la retraite, toujours les mains dans la farine."),
    ("yasmine", "Yasmine", "montreynaud", "Jardinière amatrice, je rêve d'un jardin partagé au pied des tours."),
    ("jeanne", "Jeanne", "carnot-bellevue", "Coopératrice de l'épicerie depuis le premier jour."),
    ("marc", "Marc", None, "Responsable de l'engagement local chez Forez Énergies."),
    ("bernard", "Bernard", "montreynaud", "Retraité bricoleur, j'ai une remorque et du temps."),
    ("camille", "Camille", "cret-de-roch", "Maître-composteuse bénévole."),
    ("gerard", "Gérard", "jacquard", "Habitant du quartier depuis quarante ans."),
    ("monique", "Monique", "carnot-bellevue", "Je soutiens ce qui fait vivre le quartier."),
    ("fatou", "Fatou", "jacquard", "Maman de deux enfants, fidèle de l'AMAP."),
    ("julien", "Julien", "centre-ville", "Cycliste, développeur, curieux."),
    ("elodie", "Élodie", "cret-de-roch", "Institutrice, j'emmène ma classe à la médiathèque."),
    ("antoine", "Antoine", "centre-ville", "Gérant d'un bar en centre-ville."),
]


def _residents(context) -> None:
    hoods = {n.slug: n for n in Neighbourhood.objects.filter(territory=context.territories["city"])}
    for key, name, hood, bio in RESIDENTS:
        demo_person(context, key, name, bio=bio, neighbourhood=hoods.get(hood), role=bio)


# --- the window: themes, pools, a call ----------------------------------------

CITY_THEMES = [
    # slug, name, featured, description
    ("circuits-courts", "Circuits courts", True,
     "Manger local : AMAP, épiceries coopératives, producteurs du Pilat et du Forez. Thème **à la Une** : "
     "la Fondation Nouveau Monde double les contributions des habitants."),
    ("zero-dechet", "Réemploi et zéro déchet", True,
     "Ressourceries, composteurs, réparation : faire mieux avec moins."),
    ("espaces-publics", "Espaces publics et nature en ville", False,
     "Des places, des parcs et des rues que les habitants aménagent et animent."),
    ("mobilites", "Mobilités douces", False,
     "Marcher et pédaler sans obstacle, réparer son vélo, partager ses trajets."),
    ("culture-numerique", "Culture et numérique", False,
     "Médiathèques, fablabs, ateliers : apprendre et fabriquer ensemble."),
]
REGION_THEMES = [
    ("commerce-de-proximite", "Commerce de proximité", True,
     "Rouvrir une boutique, un café, une épicerie là où il n'y en a plus."),
    ("tiers-lieux", "Tiers-lieux", True, "Coworkings, fablabs et lieux partagés hors des grandes villes."),
    ("alimentation", "Alimentation durable", False, "Bien manger, local et de saison."),
]


def _themes(context) -> dict:
    themes = {}
    admin = context.people["admin"]
    for territory_key, rows in (("city", CITY_THEMES), ("region", REGION_THEMES)):
        territory = context.territories[territory_key]
        for slug, name, featured, description in rows:
            theme = Theme.objects.filter(territory=territory, slug=slug).first() or theme_save(
                territory=territory, actor=admin, name=name, slug=slug, description=description,
                featured=featured)
            themes[slug] = theme
    return themes


def _pool(*, sponsor, actor, name, territory, initial_cents, **rules) -> MatchingPool:
    found = MatchingPool.objects.filter(sponsor=sponsor, name=name).first()
    if found is not None:
        return found
    return pool_create(sponsor=sponsor, actor=actor, name=name, territory=territory, initial_cents=initial_cents,
                       idempotency_key=f"demo-pool:{slugify(name)}", **rules)


def _window(context, themes, now) -> dict:
    people, orgs = context.people, context.organisations
    city, region = context.territories["city"], context.territories["region"]
    foundation, helene = orgs["foundation"], people["helene"]
    company = Organisation.objects.filter(slug="forez-energies").first() or organisation_create(
        creator=people["marc"], name="Forez Énergies", slug="forez-energies", kind=Organisation.Kind.COMPANY,
        is_sponsor=True, territory=city,
        description="Fournisseur d'énergie de la Loire (1 200 salariés), mécène des projets zéro déchet.",
    )
    orgs["company"] = company
    pools = {
        # As Auvergne Nouveau Monde's sponsors did: the crowd's euros doubled, within caps.
        "region": _pool(
            sponsor=foundation, actor=helene, name="Fonds Nouveau Monde — Auvergne-Rhône-Alpes",
            territory=region, initial_cents=2_000_000, factor_bp=10_000, cap_per_contribution_cents=5_000,
            cap_per_project_cents=200_000, max_matches_per_contributor=3,
            description="1 € de la Fondation pour 1 € des habitants, jusqu'à 50 € par contribution "
                        "et 2 000 € par projet.",
        ),
        "city": _pool(
            sponsor=foundation, actor=helene, name="Fonds Nouveau Monde — circuits courts à Saint-Étienne",
            territory=city, theme=themes["circuits-courts"], initial_cents=500_000, factor_bp=10_000,
            cap_per_contribution_cents=3_000, cap_per_project_cents=100_000, max_matches_per_contributor=3,
            description="Les projets « circuits courts » de Saint-Étienne : chaque contribution doublée "
                        "jusqu'à 30 €, 1 000 € au plus par projet.",
        ),
        "company": _pool(
            sponsor=company, actor=people["marc"], name="Coup de pouce Forez Énergies — zéro déchet",
            territory=city, theme=themes["zero-dechet"], initial_cents=60_000,
            trigger=MatchingPool.Trigger.LUMP_SUM, lump_sum_cents=60_000, threshold_percent=50,
            cap_per_project_cents=60_000,
            description="600 € d'un coup pour un projet zéro déchet qui a déjà convaincu la moitié de son "
                        "objectif auprès des habitants.",
        ),
    }
    call = Call.objects.filter(territory=city, slug="quartiers-nourriciers").first()
    if call is None:
        pools["call"] = _pool(
            sponsor=foundation, actor=helene, name="Fonds de l'appel « Quartiers nourriciers »",
            territory=city, initial_cents=400_000, factor_bp=10_000, cap_per_contribution_cents=2_000,
            cap_per_project_cents=80_000,
            description="Réservé aux projets retenus par l'appel « Quartiers nourriciers ».",
        )
        call = call_create(territory=city, actor=people["remi"], title="Quartiers nourriciers",
                           slug="quartiers-nourriciers", description=_text("call-quartiers-nourriciers"),
                           opens_at=now - timedelta(days=20), closes_at=now + timedelta(days=40),
                           pool=pools["call"])
    return {"pools": pools, "call": call}


# --- projects ---------------------------------------------------------------

class Demo:
    """What the project builders share: the people, the themes, the clock."""

    def __init__(self, context, themes, window, now):
        self.context, self.people, self.themes, self.now = context, context.people, themes, now
        self.city, self.region = context.territories["city"], context.territories["region"]
        self.call = window["call"]
        self.martha, self.admin = self.people["martha"], self.people["admin"]

    def moderator(self, project, contribution=None):
        """Martha in the city, unless she has a stake (four eyes); the platform team otherwise."""
        martha = self.martha if project.territory_id == self.city.pk else None
        if martha is None or has_stake_in_project(martha, project) or (
                contribution is not None and contribution.contributor_id == martha.pk):
            return self.admin
        return martha

    def create(self, *, holder, territory, title, themes=(), rewards=(), needs=(), stretch=(), at,
               **fields) -> Project | None:
        """A draft with its rewards, needs and stretch goals; None when it already exists."""
        if Project.objects.filter(slug=slugify(title)[:120]).exists():
            return None
        project = project_create(holder=self.people[holder], territory=territory, title=title,
                                 themes=[self.themes[t] for t in themes], **fields)
        for title_, euros_, quantity, description in rewards:
            reward_save(project=project, actor=project.holder, title=title_, description=description,
                        min_amount_cents=euros_ * 100, quantity=quantity,
                        estimated_delivery=(at + timedelta(days=120)).date())
        for kind, title_, description in needs:
            need_add(project=project, actor=project.holder, kind=kind, title=title_, description=description)
        for euros_, title_ in stretch:
            stretch_goal_save(project=project, actor=project.holder, amount_cents=euros_ * 100, title=title_)
        return project

    def publish(self, project, *, at) -> Project:
        project_submit(project=project, actor=project.holder, now=at - timedelta(days=3))
        return project_review(project=project, moderator=self.moderator(project), decision=Decision.ACCEPT,
                              message="Bienvenue sur la fenêtre ! Pensez à poster des nouvelles.", now=at)

    def back(self, project, rows, *, until) -> list[Contribution]:
        """Contributions spread evenly from publication to `until`, in the order given.

        A row is (person key, euros, options): reward (index), kind, anonymous,
        message, offline (paid at a partner place), confirm (receipt confirmed
        two days later), cancel (withdrawn the next day), card.
        """
        rewards = list(project.rewards.order_by("min_amount_cents"))
        start, made = project.published_at, []
        step = (until - start) / (len(rows) + 1)
        for n, (who, euros_, options) in enumerate(rows, start=1):
            at = start + step * n
            contributor = self.people[who]
            details = {"card_number": options["card"]} if "card" in options else {}
            contribution, _ = contribution_create(
                project=project, contributor=contributor, amount_cents=euros_ * 100,
                idempotency_key=f"demo-{project.slug[:50]}-{n}", kind=options.get("kind", Contribution.Kind.DONATION),
                reward=rewards[options["reward"]] if "reward" in options else None,
                anonymous=options.get("anonymous", False), message=options.get("message", ""),
                provider="offline" if options.get("offline") else "simulated_card", payment_details=details,
                now=at,
            )
            if options.get("confirm"):
                contribution = contribution_confirm_receipt(contribution=contribution, actor=self.moderator(project, contribution),
                                                            now=min(at + timedelta(days=2), until))
            if options.get("cancel"):
                contribution = contribution_cancel(contribution=contribution, actor=contributor,
                                                   now=at + timedelta(days=1))
            made.append(contribution)
        return made

    def settle(self, project):
        return settle_project(project_id=project.pk, now=project.deadline + timedelta(hours=1))

    def support(self, project, org_key, actor_key, kind, description, amount_cents=None):
        support_attach(project=project, organisation=self.context.organisations[org_key],
                       actor=self.people[actor_key], kind=kind, description=description, amount_cents=amount_cents)

    def offer(self, project, need_index, who, message, *, status=None, answer="", org_key=None):
        need = list(project.needs.order_by("pk"))[need_index]
        offer = offer_make(need=need, author=self.people[who], message=message,
                           organisation=self.context.organisations[org_key] if org_key else None)
        steps = {None: [], "accepted": ["accepted"], "declined": ["declined"], "done": ["accepted", "done"]}
        for step in steps[status]:
            offer = offer_set_status(offer=offer, actor=project.holder, status=step, answer=answer)
        return offer

    def follow(self, project, *keys, recent=False):
        """Followers, dated as if they had come along the campaign (evenly since its publication), or all in
        the last few days with `recent` (a campaign taking off: the watch's followers signal rises)."""
        start = project.published_at or self.now
        for i, key in enumerate(keys, start=1):
            project_follow(project=project, user=self.people[key])
            at = self.now - timedelta(days=i) if recent else start + (self.now - start) * i / (len(keys) + 1)
            ProjectFollower.objects.filter(project=project, user=self.people[key]).update(created_at=at)


def _rows(*rows):
    """(who, euros) or (who, euros, {options}) → uniform triples."""
    return [(r[0], r[1], r[2] if len(r) > 2 else {}) for r in rows]


# Coordinates inside the demo neighbourhoods of Saint-Étienne (lat, lon).
JACQUARD = (45.4371, 4.3752)
CENTRE = (45.4397, 4.3872)
CRET_DE_ROCH = (45.4402, 4.4061)
CARNOT = (45.4232, 4.3901)
MONTREYNAUD = (45.4530, 4.3950)
AMBERT = (45.5497, 3.7417)
CLERMONT = (45.7772, 3.0870)


def _food_coop(d: Demo) -> None:
    """Rémi's food cooperative (seed 004): funded two years ago, with interest-free loans being repaid."""
    start = d.now - timedelta(days=200)
    project = d.create(
        holder="remi", territory=d.city, at=start,
        title="Une coopérative alimentaire à Carnot – Bellevue",
        summary="Depuis la fermeture de la dernière supérette, il n'y a plus de commerce dans le quartier : "
                "ouvrons une épicerie coopérative, 30 % moins chère, tenue par ses membres.",
        story=_text("food-coop"), goal_cents=1_200_000, duration_days=60, lat=CARNOT[0], lon=CARNOT[1],
        themes=["circuits-courts"], accepts_loan=True, loan_term_months=10,
        rewards=[("Votre nom sur le mur des coopérateurs", 20, None, "Gravé sur le mur de l'entrée."),
                 ("Un panier de produits locaux", 40, 60, "Légumes, fromage et pain des producteurs partenaires."),
                 ("Un atelier cuisine de saison", 60, 15, "Deux heures en cuisine avec un producteur.")],
        needs=[("room", "Un local de 150 m² au rez-de-chaussée",
                "Idéalement avec une arrière-boutique pour l'atelier vélo et les ateliers de cuisine."),
               ("skills", "Des producteurs pour approvisionner la coopérative",
                "Maraîchage, fromages, pain, viande : à moins de 80 km.")],
        stretch=[(15_000, "Un atelier de réparation de vélos dans l'arrière-boutique")],
    )
    if project is None:
        return
    project = d.publish(project, at=start)
    d.offer(project, 1, "didier", "La Ferme du Pilat peut livrer des légumes chaque semaine.",
            org_key="sme", status="done", answer="Avec grand plaisir, bienvenue Didier !")
    d.offer(project, 0, "remi", "La Ville peut mener une étude d'implantation pour trouver le bon local.",
            org_key="city", status="done", answer="Merci, l'étude a trouvé l'ancienne supérette.")
    contributions = d.back(project, _rows(
        ("jeanne", 1000, {"kind": "loan", "message": "Remboursable quand vous pourrez !"}),
        ("monique", 150, {"reward": 2}), ("sophie", 40, {"reward": 1}), ("gerard", 200),
        ("marc", 800, {"kind": "loan"}), ("fatou", 40, {"reward": 1}), ("clemence", 60, {"reward": 2}),
        ("elodie", 50, {"reward": 1}), ("julien", 100), ("bernard", 500, {"kind": "loan"}),
        ("antoine", 300, {"anonymous": True}), ("karim", 20, {"reward": 0}), ("helene", 250),
        ("paul", 120, {"reward": 2, "offline": True, "confirm": True, "message": "Chèque déposé à la mairie."}),
        ("nadia", 40, {"reward": 1}), ("thomas", 25, {"reward": 0}), ("alexis", 100),
        ("clement", 100), ("agnes", 60, {"reward": 2}), ("yasmine", 40, {"reward": 1}),
        ("lucie", 500, {"kind": "loan"}), ("camille", 45, {"reward": 1}), ("hugo", 20, {"reward": 0}),
        ("ines", 20, {"reward": 0}), ("didier", 300, {"message": "Hâte de vous livrer !"}),
        ("martha", 80, {"reward": 2}), ("gerard", 1000, {"kind": "loan"}),
        ("monique", 1500, {"anonymous": True}), ("jeanne", 1200), ("sophie", 600, {"kind": "loan"}),
        ("julien", 700), ("antoine", 900), ("elodie", 450), ("bernard", 350), ("marc", 600),
    ), until=project.deadline - timedelta(days=2))
    d.follow(project, "jeanne", "monique", "clemence")
    d.support(project, "city", "remi", "orientation",
              "Étude d'implantation menée avec la Ville : les quartiers les plus mal desservis en commerces.")
    d.settle(project)
    update_post(project=project, author=project.holder, title="La coopérative a ouvert !",
                body="Merci à toutes et à tous : l'épicerie est ouverte du mardi au samedi, l'atelier vélo "
                     "le mercredi soir. Les premiers remboursements des prêts sont partis.")
    # The holder repays the interest-free loans, instalment by instalment.
    for contribution in contributions:
        if contribution.kind != Contribution.Kind.LOAN:
            continue
        contribution.refresh_from_db()
        for instalment in schedule(contribution)[:3]:
            loan_repayment_record(contribution=contribution, actor=project.holder,
                                  amount_cents=instalment.amount_cents, idempotency_key=f"demo-{instalment.number}")
    for contribution in contributions[:12]:
        if contribution.reward_id:
            reward_mark_fulfilled(contribution=contribution, actor=project.holder)


def _mediatheque(d: Demo) -> None:
    """The médiathèque's 3D printer (seed 002): funded and paid out."""
    start = d.now - timedelta(days=120)
    project = d.create(
        holder="agnes", territory=d.city, at=start,
        title="Une imprimante 3D pour la médiathèque Jacquard",
        summary="Un coin fabrication à la médiathèque : une imprimante 3D, des ateliers le samedi, et des "
                "pièces de rechange imprimées pour réparer plutôt que jeter.",
        story=_text("mediatheque"), goal_cents=250_000, duration_days=30, lat=JACQUARD[0] + 0.002,
        lon=JACQUARD[1] - 0.002, themes=["culture-numerique"],
        rewards=[("Votre nom sur le mur des contributeurs", 10, None, ""),
                 ("Une initiation à l'impression 3D", 25, 20, "Deux heures, un samedi matin."),
                 ("Un objet imprimé de votre choix", 50, 10, "Dans la limite de 15 cm de côté.")],
        needs=[("skills", "Des makers pour animer les ateliers", "Un samedi par mois, avec l'équipe.")],
    )
    if project is None:
        return
    project = d.publish(project, at=start)
    d.back(project, _rows(
        ("elodie", 50, {"reward": 2, "message": "Pour ma classe de CM2 !"}), ("julien", 25, {"reward": 1}),
        ("alexis", 10, {"reward": 0}), ("clement", 10, {"reward": 0}), ("gerard", 100),
        ("hugo", 25, {"reward": 1}), ("ines", 25, {"reward": 1}), ("sophie", 10, {"reward": 0}),
        ("fatou", 25, {"reward": 1}), ("thomas", 50, {"reward": 2}), ("monique", 200, {"anonymous": True}),
        ("remi", 50, {"reward": 2}), ("clemence", 25, {"reward": 1}), ("paul", 30, {"reward": 1}),
        ("antoine", 150), ("nadia", 10, {"reward": 0}), ("camille", 25, {"reward": 1}),
        ("bernard", 60, {"reward": 2, "offline": True, "confirm": True, "message": "Payé en espèces à l'accueil."}),
        ("jeanne", 20, {"reward": 0}), ("yasmine", 25, {"reward": 1}), ("marc", 500),
        ("helene", 300), ("martha", 25, {"reward": 1}), ("didier", 100), ("lucie", 50, {"reward": 2}),
        ("karim", 30), ("elodie", 400, {"message": "L'association des parents d'élèves."}), ("julien", 200),
    ), until=project.deadline - timedelta(days=1))
    d.follow(project, "elodie", "julien")
    d.settle(project)
    update_post(project=project, author=project.holder, title="L'imprimante est arrivée !",
                body="Elle trône au premier étage. Premiers ateliers samedi à 10 h : inscrivez-vous à l'accueil. "
                     "Les objets imprimés des contributeurs partent cette semaine.")
    for contribution in project.contributions.filter(reward__isnull=False).order_by("pk")[:14]:
        reward_mark_fulfilled(contribution=contribution, actor=project.holder)


def _dechets_a_partager(d: Demo) -> None:
    """« Déchets à partager ! » (seed 003): funded in 20 days, with a large company's top-up."""
    start = d.now - timedelta(days=50)
    project = d.create(
        holder="nadia", territory=d.city, at=start,
        title="Déchets à partager !",
        summary="Une plateforme qui met en relation ceux qui ne savent que faire de leurs épluchures et ceux qui "
                "en ont besoin pour leur balcon, leur jardin, leur composteur.",
        story=_text("dechets"), goal_cents=150_000, duration_days=20, lat=CRET_DE_ROCH[0], lon=CRET_DE_ROCH[1],
        themes=["zero-dechet"],
        rewards=[("Un sac de compost mûr", 15, 40, "Cinq litres, à retirer au composteur du Crêt de Roch."),
                 ("Un lombricomposteur de balcon", 35, 15, "Monté avec vous lors d'un atelier.")],
        needs=[("skills", "Un développeur ou une développeuse pour la carte", "Quelques soirées, en Python.")],
    )
    if project is None:
        return
    project = d.publish(project, at=start)
    d.back(project, _rows(
        ("camille", 35, {"reward": 1}), ("sophie", 15, {"reward": 0}), ("thomas", 20), ("gerard", 50),
        ("julien", 35, {"reward": 1}), ("clemence", 15, {"reward": 0}), ("elodie", 30),
        ("yasmine", 35, {"reward": 1}), ("fatou", 15, {"reward": 0}), ("bernard", 100),
        ("monique", 150, {"anonymous": True}), ("alexis", 15, {"reward": 0}), ("paul", 40),
        ("helene", 100), ("agnes", 35, {"reward": 1}),
        # The crowd passed half the goal: Forez Énergies' lump sum arrived with it.
        ("antoine", 60), ("jeanne", 50), ("hugo", 15, {"reward": 0}), ("didier", 40),
        ("karim", 35, {"reward": 1}), ("marc", 100, {"message": "Bravo à toute l'équipe !"}),
    ), until=start + timedelta(days=19, hours=12))
    d.offer(project, 0, "julien", "Je peux coder la carte des composteurs en quelques soirées.", status="done",
            answer="Génial, merci Julien !")
    d.support(project, "company", "marc", "label",
              "Coup de cœur Forez Énergies : 600 € versés par notre fonds dès que les habitants ont réuni "
              "la moitié de l'objectif.")
    d.follow(project, "camille", "marc")
    d.settle(project)
    update_post(project=project, author=project.holder, title="Financé en 20 jours !",
                body="Vous avez été formidables, et Forez Énergies nous a fait la surprise d'un apport de 600 €. "
                     "La carte des dons d'épluchures est en ligne.")


def _four_a_pain(d: Demo) -> None:
    """A campaign that failed: every hold released, every payment refunded, the match back in its pool."""
    start = d.now - timedelta(days=50)
    project = d.create(
        holder="paul", territory=d.city, at=start,
        title="Un four à pain collectif place Jacquard",
        summary="Un four à bois sur la place, pour cuire ensemble le pain du quartier une fois par semaine.",
        story=_text("four"), goal_cents=400_000, duration_days=30, lat=JACQUARD[0] - 0.002, lon=JACQUARD[1] + 0.001,
        themes=["circuits-courts"],
        rewards=[("Une fournée de pain à partager", 15, None, ""),
                 ("Un stage de boulange au feu de bois", 60, 10, "Une journée avec Paul.")],
        needs=[("room", "Un abri pour stocker le bois", "")],
    )
    if project is None:
        return
    project = d.publish(project, at=start)
    d.back(project, _rows(
        ("gerard", 100), ("sophie", 15, {"reward": 0}), ("fatou", 15, {"reward": 0}),
        ("bernard", 60, {"reward": 1}), ("alexis", 30),
        ("monique", 200, {"offline": True, "confirm": True, "message": "Virement envoyé."}),
        ("clemence", 15, {"reward": 0}), ("didier", 50), ("jeanne", 60, {"reward": 1}), ("julien", 40),
        ("antoine", 100, {"anonymous": True}), ("elodie", 15, {"reward": 0}),
    ), until=project.deadline - timedelta(days=3))
    d.follow(project, "gerard")
    d.settle(project)
    update_post(project=project, author=project.holder, title="Pas cette fois… merci quand même",
                body="L'objectif n'est pas atteint : personne n'est prélevé, les virements sont remboursés. "
                     "Nous reviendrons avec un projet plus petit, peut-être un four mobile.")


def _cafe(d: Demo) -> None:
    """Alexis and Clément's café (seed 002): live, the threshold almost reached."""
    start = d.now - timedelta(days=38)
    project = d.create(
        holder="clement", territory=d.city, organisation=d.context.organisations["association"], at=start,
        title="Le Café d'à Côté : café, AMAP et ressourcerie",
        summary="Un café convivial dans le quartier Jacquard, point de dépôt des paniers de l'AMAP, avec une "
                "ressourcerie pour récupérer et revaloriser les objets.",
        story=_text("cafe"), goal_cents=600_000, duration_days=60, lat=JACQUARD[0], lon=JACQUARD[1],
        themes=["circuits-courts", "zero-dechet"],
        rewards=[("Un café équitable offert", 5, None, "À boire au comptoir, dès l'ouverture."),
                 ("Un repas convivial à la soirée de lancement", 10, None, "Avec les producteurs de l'AMAP."),
                 ("Un panier de légumes de l'AMAP", 20, 30, "Un panier de saison de La Ferme du Pilat.")],
        needs=[("volunteers", "Des bras pour l'aménagement et la décoration",
                "Peinture, montage des étagères de la ressourcerie, décoration : les samedis de juin."),
               ("advice", "Des conseils pour nous structurer en association",
                "Statuts, assurance, comptabilité : nous débutons !")],
        stretch=[(8_000, "Un coin enfants avec jeux et livres"),
                 (10_000, "Une terrasse et des concerts le vendredi soir")],
    )
    if project is None:
        return
    project = d.publish(project, at=start)
    d.back(project, _rows(
        ("alexis", 500, {"message": "On y croit !"}), ("sophie", 20, {"reward": 2}),
        ("gerard", 300), ("clemence", 25, {"reward": 2}), ("fatou", 20, {"reward": 2}),
        ("julien", 100, {"cancel": True}), ("martha", 15, {"reward": 1}), ("remi", 50),
        ("jeanne", 250, {"offline": True, "confirm": True, "anonymous": True}),
        ("elodie", 10, {"reward": 1}), ("monique", 200, {"anonymous": True}), ("thomas", 20, {"reward": 2}),
        ("karim", 10, {"reward": 1}), ("lucie", 5, {"reward": 0}), ("hugo", 5, {"reward": 0}),
        ("ines", 10, {"reward": 1}), ("nadia", 100), ("agnes", 20, {"reward": 2}),
        ("paul", 200, {"message": "Pour le pain du café, je suis là."}), ("yasmine", 30, {"reward": 2}),
        ("marc", 500), ("bernard", 150, {"offline": True, "message": "Chèque à déposer au café."}),
        ("camille", 40, {"reward": 2}), ("antoine", 400, {"message": "Entre bistrotiers, on se serre les coudes."}),
        ("helene", 30), ("julien", 60, {"reward": 2}),
        ("didier", 400, {"message": "La Ferme du Pilat est fière de soutenir le futur point de dépôt de l'AMAP."}),
        ("alexis", 700), ("gerard", 400, {"anonymous": True}), ("monique", 300),
        ("fatou", 50, {"reward": 2, "offline": True, "message": "En espèces à la prochaine distribution."}),
        ("jeanne", 200), ("elodie", 100), ("nadia", 60),
    ), until=d.now - timedelta(hours=6))
    d.offer(project, 0, "clemence", "Je viens peindre samedi avec deux amis.", status="accepted",
            answer="Merci Clémence, rendez-vous à 9 h !")
    d.offer(project, 0, "bernard", "J'ai une perceuse et une remorque pour les étagères.")
    d.offer(project, 1, "remi", "La Ville accompagne les associations naissantes : statuts, assurance, budget.",
            org_key="city", status="accepted", answer="Avec plaisir, merci !")
    d.support(project, "sme", "didier", "equipment",
              "La Ferme du Pilat prête une chambre froide et des caisses pour les paniers de l'AMAP.")
    d.support(project, "city", "remi", "orientation",
              "Accompagnement à la structuration de l'activité par la cellule d'innovation ouverte de la Ville.")
    d.follow(project, "sophie", "gerard", "remi", "helene", recent=True)
    update_post(project=project, author=project.holder, title="Le palier est presque atteint !",
                body="Plus de 90 % en quelques semaines : merci ! La Ferme du Pilat nous prête une chambre froide "
                     "et la Ville nous aide à monter l'association. Prochain chantier peinture samedi.")


def _restaurant(d: Demo) -> None:
    """A regional campaign that just succeeded: one card capture to retry, one cheque awaited."""
    start = d.now - timedelta(days=32)
    project = d.create(
        holder="lucie", territory=d.region, at=start,
        title="Un snack sain et local à Clermont-Ferrand",
        summary="De la restauration rapide, saine et locale près de la gare : soupes, tartines et plats du jour "
                "avec les produits des fermes du Puy-de-Dôme.",
        story=_text("restaurant"), goal_cents=800_000, duration_days=30, lat=CLERMONT[0], lon=CLERMONT[1],
        themes=["commerce-de-proximite", "alimentation"],
        rewards=[("Une soupe offerte", 10, None, ""), ("Dix déjeuners", 100, 20, "Une carte de dix formules.")],
    )
    if project is None:
        return
    project = d.publish(project, at=start)
    rows = _rows(
        ("karim", 500), ("monique", 300), ("sophie", 100, {"reward": 1}), ("julien", 100, {"reward": 1}),
        ("helene", 500), ("marc", 1000), ("antoine", 800), ("jeanne", 100, {"reward": 1}),
        ("gerard", 400), ("thomas", 10, {"reward": 0}), ("elodie", 100, {"reward": 1}),
        ("paul", 300, {"card": CARD_CAPTURE_FAILS_ONCE}), ("agnes", 100, {"reward": 1}),
        ("bernard", 250, {"offline": True, "message": "Chèque envoyé par la poste."}),
        ("clemence", 10, {"reward": 0}), ("nadia", 200), ("didier", 500), ("camille", 100, {"reward": 1}),
        ("yasmine", 150), ("fatou", 10, {"reward": 0}), ("alexis", 200), ("remi", 100, {"reward": 1}),
        ("gerard", 600, {"anonymous": True}), ("monique", 400), ("marc", 500, {"message": "Allez Lucie !"}),
    )
    d.back(project, rows, until=project.deadline - timedelta(days=1))
    d.follow(project, "karim")
    d.settle(project)


def _coworking(d: Demo) -> None:
    """A live regional campaign, doubled by the foundation's regional pool."""
    start = d.now - timedelta(days=15)
    project = d.create(
        holder="karim", territory=d.region, at=start,
        title="Un coworking rural à Ambert",
        summary="Dix postes de travail, une salle de réunion et la fibre dans l'ancienne poste d'Ambert, pour "
                "travailler au pays plutôt que faire deux heures de route.",
        story=_text("coworking"), goal_cents=1_500_000, duration_days=45, lat=AMBERT[0], lon=AMBERT[1],
        themes=["tiers-lieux"],
        rewards=[("Une journée de coworking", 15, None, ""), ("Un mois de coworking", 120, 10, ""),
                 ("Votre événement dans la salle de réunion", 250, 4, "Une soirée, jusqu'à 30 personnes.")],
        needs=[("equipment", "Des bureaux et des chaises de seconde main", "Pour dix postes."),
               ("skills", "Un coup de main pour le réseau et la fibre", "")],
    )
    if project is None:
        return
    project = d.publish(project, at=start)
    d.back(project, _rows(
        ("lucie", 120, {"reward": 1}), ("helene", 300), ("julien", 15, {"reward": 0}), ("marc", 1000),
        ("antoine", 250, {"reward": 2}), ("monique", 200), ("gerard", 500, {"anonymous": True}),
        ("hugo", 15, {"reward": 0}), ("ines", 15, {"reward": 0}), ("jeanne", 120, {"reward": 1}),
        ("thomas", 50), ("nadia", 120, {"reward": 1}), ("sophie", 40), ("paul", 100), ("alexis", 60),
    ), until=d.now - timedelta(hours=3))
    d.follow(project, "helene", "lucie")


def _picnic_tables(d: Demo) -> None:
    """Picnic tables in a park (seed 002): live, ending within 48 hours."""
    start = d.now - timedelta(days=43, hours=12)
    project = d.create(
        holder="clemence", territory=d.city, at=start,
        title="Des tables de pique-nique au parc de Montaud",
        summary="Six tables en douglas du Pilat, fabriquées avec les habitants, pour déjeuner à l'ombre des "
                "cèdres du parc.",
        story=_text("picnic"), goal_cents=180_000, duration_days=45, lat=MONTREYNAUD[0], lon=MONTREYNAUD[1],
        themes=["espaces-publics"],
        rewards=[("Une invitation au pique-nique d'inauguration", 10, None, ""),
                 ("Une plaque gravée à votre nom sur une table", 60, 8, "")],
        needs=[("equipment", "Une remorque pour transporter le bois", "Depuis la scierie de Marlhes."),
               ("volunteers", "Des bras pour le montage", "Un samedi matin, outils fournis.")],
    )
    if project is None:
        return
    project = d.publish(project, at=start)
    d.back(project, _rows(
        ("bernard", 60, {"reward": 1}), ("yasmine", 10, {"reward": 0}), ("remi", 60, {"reward": 1}),
        ("gerard", 100), ("martha", 10, {"reward": 0}), ("elodie", 60, {"reward": 1}), ("fatou", 10, {"reward": 0}),
        ("julien", 50), ("thomas", 10, {"reward": 0}), ("monique", 150, {"anonymous": True}),
        ("sophie", 60, {"reward": 1}), ("hugo", 10, {"reward": 0}), ("antoine", 200),
        ("camille", 20), ("paul", 60, {"reward": 1}), ("helene", 100), ("jeanne", 60, {"reward": 1}),
    ), until=d.now - timedelta(hours=8))
    d.offer(project, 0, "bernard", "J'ai une remorque de 750 kg, je peux faire deux voyages.", status="accepted",
            answer="Parfait, merci Bernard !")
    d.follow(project, "bernard", "yasmine", "remi")
    update_post(project=project, author=project.holder, title="Plus que deux jours !",
                body="Il manque quelques centaines d'euros. Parlez-en autour de vous : le montage est prévu le "
                     "premier samedi du mois prochain.")


def _composteurs(d: Demo) -> None:
    """A live project of the open call « Quartiers nourriciers », matched by the call's pool."""
    start = d.now - timedelta(days=12)
    project = d.create(
        holder="camille", territory=d.city, at=start, call=d.call,
        title="Des composteurs collectifs au Crêt de Roch",
        summary="Trois composteurs partagés au pied des immeubles, des permanences le samedi, et le compost "
                "pour les jardins du quartier.",
        story=_text("compost"), goal_cents=200_000, duration_days=40, lat=CRET_DE_ROCH[0] + 0.002,
        lon=CRET_DE_ROCH[1] + 0.002, themes=["zero-dechet"],
        rewards=[("Un bioseau pour votre cuisine", 10, 60, ""),
                 ("Une formation de guide-composteur", 40, 12, "Deux demi-journées.")],
        needs=[("volunteers", "Des voisins pour les permanences du samedi", "Une heure par mois suffit.")],
    )
    if project is None:
        return
    project = d.publish(project, at=start)
    d.back(project, _rows(
        ("nadia", 40, {"reward": 1}), ("gerard", 50), ("elodie", 10, {"reward": 0}),
        ("yasmine", 10, {"reward": 0}), ("clemence", 40, {"reward": 1}), ("monique", 100),
        ("thomas", 10, {"reward": 0}), ("marc", 200), ("jeanne", 40, {"reward": 1}), ("sophie", 10, {"reward": 0}),
    ), until=d.now - timedelta(hours=2))
    d.offer(project, 0, "elodie", "Je peux tenir une permanence par mois avec des parents d'élèves.")
    d.follow(project, "nadia")


def _obstacle_app(d: Demo) -> None:
    """The students' obstacle-mapping app (seed 002): live, accepting interest-free loans."""
    start = d.now - timedelta(days=5)
    project = d.create(
        holder="ines", territory=d.city, at=start,
        title="Sans obstacle : l'appli qui recense les obstacles des piétons et des cyclistes",
        summary="Une application libre pour signaler en deux gestes un trottoir encombré, une bordure trop "
                "haute ou une piste coupée, et une carte ouverte que la Ville peut consulter.",
        story=_text("obstacle"), goal_cents=300_000, duration_days=40, lat=CENTRE[0], lon=CENTRE[1],
        themes=["mobilites", "culture-numerique"], accepts_loan=True, loan_term_months=12,
        rewards=[("Un autocollant « Ville sans obstacle »", 5, None, ""),
                 ("Une balade-diagnostic avec l'équipe", 20, 25, "Une heure trente, dans votre quartier.")],
        needs=[("skills", "Des testeurs en fauteuil roulant, avec une poussette ou à vélo", ""),
               ("advice", "Un regard juridique sur les données ouvertes", "Licence, données personnelles.")],
    )
    if project is None:
        return
    project = d.publish(project, at=start)
    d.back(project, _rows(
        ("hugo", 50), ("julien", 20, {"reward": 1}), ("clemence", 20, {"reward": 1}),
        ("thomas", 200, {"kind": "loan", "message": "Un prêt, pour que vous ne partiez pas de zéro."}),
        ("alexis", 5, {"reward": 0}), ("elodie", 20, {"reward": 1}), ("gerard", 100),
        ("remi", 20, {"reward": 1}), ("antoine", 300, {"kind": "loan"}), ("monique", 50),
    ), until=d.now - timedelta(hours=1))
    d.offer(project, 0, "julien", "Je fais mes trajets à vélo tous les jours, je teste volontiers.")
    d.follow(project, "remi", "julien")


def _in_review(d: Demo) -> None:
    """Projects before their campaign: a draft, one waiting for Martha, one to rework, one refused."""
    draft = d.create(
        holder="clemence", territory=d.city, at=d.now,
        title="Un atelier vélo participatif au Centre-ville",
        summary="Un local, des outils et des bénévoles pour apprendre à réparer son vélo soi-même.",
        story=_text("velo"), goal_cents=350_000, duration_days=45, lat=CENTRE[0] + 0.001, lon=CENTRE[1] + 0.002,
        themes=["mobilites", "zero-dechet"],
        rewards=[("Une révision de votre vélo", 15, None, ""), ("Un an d'adhésion à l'atelier", 30, None, "")],
        needs=[("room", "Un local de 40 m² au rez-de-chaussée", ""),
               ("equipment", "Des pieds d'atelier et des outils", "")],
    )
    del draft  # stays a draft: only Clémence sees it
    garden = d.create(
        holder="yasmine", territory=d.city, at=d.now, call=d.call,
        title="Un jardin partagé au pied des tours de Montreynaud",
        summary="Vingt parcelles et un coin pédagogique sur la pelouse entre deux tours, avec les écoles et le "
                "centre social.",
        story=_text("jardin"), goal_cents=450_000, duration_days=60, lat=MONTREYNAUD[0] + 0.001,
        lon=MONTREYNAUD[1] - 0.003, themes=["espaces-publics", "circuits-courts"],
        rewards=[("Des semis pour votre balcon", 10, None, ""),
                 ("Une parcelle pour une saison", 50, 20, "Réservée aux habitants du quartier.")],
        needs=[("skills", "Une maraîchère ou un maraîcher pour nous conseiller", ""),
               ("equipment", "Des outils de jardin", "Bêches, grelinettes, arrosoirs.")],
    )
    if garden is not None:
        project_submit(project=garden, actor=garden.holder, now=d.now - timedelta(days=2))
    fresque = d.create(
        holder="thomas", territory=d.city, at=d.now,
        title="Une fresque participative sous le pont de la rue Bergson",
        summary="Un mur gris devient une fresque peinte avec les jeunes du quartier pendant les vacances.",
        story=_text("fresque"), goal_cents=250_000, duration_days=30, lat=CENTRE[0] - 0.003, lon=CENTRE[1] - 0.004,
        themes=["espaces-publics", "culture-numerique"],
        rewards=[("Une carte postale de la fresque", 10, None, "")],
    )
    if fresque is not None:
        project_submit(project=fresque, actor=fresque.holder, now=d.now - timedelta(days=6))
        project_review(project=fresque, moderator=d.martha, decision=Decision.REQUEST_CHANGES,
                       message="Le projet est beau ! Il manque l'accord écrit du propriétaire du mur (SNCF Réseau) "
                               "et le budget détaillé des peintures. Ajoutez-les et soumettez à nouveau.",
                       now=d.now - timedelta(days=4))
    terrace = d.create(
        holder="antoine", territory=d.city, at=d.now,
        title="Une terrasse sur deux places de stationnement",
        summary="Agrandir la terrasse de mon bar sur deux places de stationnement devant l'établissement.",
        story="Mon bar manque de place en été : je voudrais installer une terrasse en bois sur les deux places "
              "de stationnement devant chez moi.",
        goal_cents=500_000, duration_days=30, lat=CENTRE[0] + 0.002, lon=CENTRE[1] - 0.001,
    )
    if terrace is not None:
        project_submit(project=terrace, actor=terrace.holder, now=d.now - timedelta(days=9))
        project_review(project=terrace, moderator=d.martha, decision=Decision.REFUSE,
                       message="La fenêtre finance des projets d'intérêt collectif. Une terrasse privée relève d'une "
                               "autorisation d'occupation du domaine public : adressez-vous au service Voirie.",
                       now=d.now - timedelta(days=8))


def load(context) -> None:
    now = timezone.now()
    _residents(context)
    themes = _themes(context)
    window = _window(context, themes, now)
    d = Demo(context, themes, window, now)
    # Oldest first: the pools' balances move in the order of the story.
    _food_coop(d)
    _mediatheque(d)
    _dechets_a_partager(d)
    _four_a_pain(d)
    _cafe(d)
    _picnic_tables(d)
    _restaurant(d)
    _coworking(d)
    _composteurs(d)
    _obstacle_app(d)
    _in_review(d)

