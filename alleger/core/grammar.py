"""French prepositions before a proper name, which a template's « de {{ name }} » gets wrong.

« de » elides before a vowel sound: « le tableau de bord d'Auvergne-Rhône-Alpes », « d'Yssingeaux », but
« de Saint-Étienne » and « de Yutz » (a y before a vowel is a consonant). A name beginning with h keeps
« de »: whether its h is mute is a fact of each name, not of its spelling. « de » and a name's own article
contract: « au nom du Café d'à Côté », « des Amis du parc » (« de La Fabrique » and « de L'Atelier » stay).
In English all read « of ».

French writes the first day of a month as an ordinal: « le 1er janvier », « samedi 1er mars », but « le
2 janvier » (and « 01/01/2026 » in figures).
"""

import re

from django.utils import formats, translation
from django.utils.translation import gettext as _

VOWELS = frozenset("aeiouàâäéèêëîïôöùûüœæ")


def elides(name: str) -> bool:
    """Whether « de » becomes « d' » before `name`."""
    word = name.strip().lower()
    if not word:
        return False
    if word[0] == "y":
        return len(word) > 1 and word[1] not in VOWELS
    return word[0] in VOWELS


def of_name(name: str) -> str:
    """« de Saint-Étienne », « d'Auvergne-Rhône-Alpes », « du Café d'à Côté »; in English « of … »."""
    name = name.strip()
    if not (translation.get_language() or "").startswith("fr"):
        return _("de %(name)s") % {"name": name}
    for article, contracted in (("Le ", "du"), ("Les ", "des")):
        if name.startswith(article) and len(name) > len(article):
            return f"{contracted} {name[len(article):]}"
    return f"d'{name}" if elides(name) else f"de {name}"


#: A day of the month (`j`, not escaped) followed by a month's name (`F`, `N`, `E` or `M`).
_DAY_BEFORE_MONTH = re.compile(r"(?<!\\)j(?=\s+[FNEM])")


def date_pattern(value, pattern: str | None = None) -> str:
    """`pattern` (a date format or the name of one, DATE_FORMAT by default) as it should write `value`:
    in French, the first day of a month gets its « er » before the month's name."""
    pattern = formats.get_format(pattern or "DATE_FORMAT")
    if getattr(value, "day", None) == 1 and (translation.get_language() or "").startswith("fr"):
        return _DAY_BEFORE_MONTH.sub(r"j\\e\\r", pattern)
    return pattern


def date_format(value, pattern: str | None = None) -> str:
    """Django's `date_format`, with French's « 1er » (see `date_pattern`)."""
    return formats.date_format(value, date_pattern(value, pattern))
