"""Demo discussions: comments and questions on the demo kits and proposals, and one spam comment
hidden by three flags, waiting in Martha's moderation queue. Kits and proposals are reached through
the registry they join (discussions sits below them), by the natural key of each kind: `LOOKUP`."""


from alleger.accounts.demo import demo_person

from . import registry
from .selectors import comments_of
from .services import comment_create, comment_mark_answered, flag_create

# (target, author, body, is question, replies [(author, body)], answered by)
THREADS = [
    (("kit", "kit-du-jardinier-urbain"), "clemence",
     "Faut-il un permis de végétaliser pour un pied d'arbre dans une **rue privée** ?", True,
     [("remi", "Non : le permis ne concerne que l'espace public. Dans une rue privée, il faut l'accord "
               "de la copropriété.")], "remi"),
    (("kit", "kit-du-jardinier-urbain"), "alexis",
     "Nous avons fait les pieds d'arbres de la rue Balay avec ce kit : le terreau de la Ville est top.", False,
     [("clemence", "Bravo ! Vous avez planté quoi ?"), ("alexis", "Des capucines et de la lavande.")], None),
    (("kit", "cartographier-son-quartier-dans-openstreetmap"), "alexis",
     "Cartoparty samedi à 14 h au Café d'à Côté : on cartographie les bancs de Jacquard, venez !", False,
     [], None),
    (("kit", "parklet-park-ing-day"), "didier",
     "Peut-on installer le parklet devant un commerce si le commerçant est d'accord ?", True, [], None),
    (("proposal", "Dégrapper les trottoirs pour y planter des fleurs"), "helene",
     "La Fondation Nouveau Monde peut financer les premiers plants si un appel à projets est ouvert.", False,
     [], None),
]

SPAM = ("kit", "entretenir-et-customiser-les-velos-en-libre-service")
SPAM_BODY = "Graines miracles à -80 % !!! Commandez sur www.graines-miracle.example"
SPAM_FLAGS = [("clemence", "spam", ""), ("alexis", "spam", ""), ("clement", "other", "Publicité déguisée.")]

LOOKUP = {"kit": "slug", "proposal": "title"}


def _target(ref):
    kind, key = ref
    model = registry.target_named(kind).model
    return model._default_manager.get(**{LOOKUP[kind]: key})


def _comment(target, author, body, **kwargs):
    existing = comments_of(target).filter(author=author, body=body).first()
    return existing or comment_create(author=author, target=target, body=body, **kwargs)


def load(context) -> None:
    people = context.people
    for ref, author, body, question, replies, answered_by in THREADS:
        target = _target(ref)
        comment = _comment(target, people[author], body, is_question=question)
        for reply_author, reply_body in replies:
            _comment(target, people[reply_author], reply_body, parent=comment)
        if answered_by and comment.answered_at is None:
            comment_mark_answered(comment=comment, actor=people[answered_by])

    spammer = demo_person(context, "promo-graines", "Promo Graines", can_log_in=False)
    spam = _comment(_target(SPAM), spammer, SPAM_BODY)
    if spam.visibility == "visible":
        for key, reason, text in SPAM_FLAGS:
            flag_create(target=spam, user=people[key], reason=reason, text=text)
