"""What organisations add to the pages of the apps below them (registered in apps.py): a territory's
organisations, a person's own on their profile."""

from .selectors import organisation_list, organisations_of


def territory_section(request, territory) -> dict:
    return {"organisations": organisation_list().filter(territory=territory)}


def profile_section(request, user) -> dict:
    return {"organisations": organisations_of(user)}
