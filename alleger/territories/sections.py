"""What territories add to the pages of the apps below them (registered in apps.py): the home page's
list of territories."""

from .selectors import territory_list


def home_section(request, _subject) -> dict:
    return {"territories": territory_list()}
