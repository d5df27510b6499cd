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


def load(context) -> None:
    neighbourhoods = {n.slug: n for n in Neighbourhood.objects.filter(territory=context.territories["city"])}
    hashed = None  # one hash for every demo account: hashing is slow by design
    for key, email, name, hood, bio, role in PEOPLE:
        user = User.objects.filter(email=email).first()
        if user is None:
            hashed = hashed or make_password(DEMO_PASSWORD)
            user = User.objects.create_user(
                email=email, password=None, display_name=name, bio=bio,
                neighbourhood=neighbourhoods.get(hood), is_staff=key == "admin", is_superuser=key == "admin",
            )
            user.password = hashed
            user.save(update_fields=["password"])
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        context.people[key] = user
        context.accounts.append((email, role))
