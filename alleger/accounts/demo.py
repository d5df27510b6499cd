"""Demo people, one per role, drawn from the seeds' scenarios."""

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password

from alleger.core.demo_support import DEMO_PASSWORD
from alleger.territories.models import Neighbourhood

from .models import User

PEOPLE = [
    # key, e-mail, display name, neighbourhood slug, bio, role shown in the demo banner
    ("admin", "admin@alleger.localhost", "Équipe Alléger", None, "Administration de la plateforme.",
     "administration de la plateforme"),
    ("clemence", "clemence@alleger.localhost", "Clémence", "centre-ville",
     "Cycliste du quotidien, je répare ce que je peux.", "habitante"),
    ("alexis", "alexis@alleger.localhost", "Alexis", "jacquard",
     "Adhérent de l'AMAP, je monte un café-ressourcerie avec Clément.", "membre d'association"),
    ("clement", "clement@alleger.localhost", "Clément", "jacquard",
     "Co-porteur du café-ressourcerie.", "porteur de projet, admin d'association"),
    ("martha", "martha@alleger.localhost", "Martha", "cret-de-roch",
     "Je modère la fenêtre de Saint-Étienne.", "modératrice du territoire"),
    ("remi", "remi@alleger.localhost", "Rémi", "carnot-bellevue",
     "Cellule d'innovation ouverte de la Ville ; coopérateur de l'épicerie.", "cellule d'innovation"),
    ("didier", "didier@alleger.localhost", "Didier", None,
     "Agriculteur, je fournis les paniers de l'AMAP.", "membre d'une PME locale"),
    ("helene", "helene@alleger.localhost", "Hélène", None,
     "Fondation Nouveau Monde : nous abondons les projets des habitants.", "mécène"),
]


#: The demo people's e-mail domain: `clemence@alleger.localhost` is the person `clemence`.
DOMAIN = "alleger.localhost"


def demo_person(context, key: str, name: str, *, bio: str = "", neighbourhood=None, role: str = "",
                admin: bool = False, can_log_in: bool = True) -> User:
    """The demo person `key` (`key@alleger.localhost`), created once: with the demo password and a verified
    address when they `can_log_in` (then listed with their `role` in the accounts printed at start)."""
    email = f"{key}@{DOMAIN}"
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, display_name=name, bio=bio,
                                        neighbourhood=neighbourhood, is_staff=admin, is_superuser=admin)
        if can_log_in:
            if context.password_hash is None:  # hashing is slow by design: once for every demo account
                context.password_hash = make_password(DEMO_PASSWORD)
            user.password = context.password_hash
            user.save(update_fields=["password"])
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    if can_log_in:
        context.people[key] = user
        context.accounts.append((email, role))
    return user


def load(context) -> None:
    neighbourhoods = {n.slug: n for n in Neighbourhood.objects.filter(territory=context.territories["city"])}
    for key, _email, name, hood, bio, role in PEOPLE:
        demo_person(context, key, name, bio=bio, neighbourhood=neighbourhoods.get(hood), role=role,
                    admin=key == "admin")
