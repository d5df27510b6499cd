"""French prepositions before a proper name, which a template's « de {{ name }} » gets wrong.

« de » elides before a vowel sound: « le tableau de bord d'Auvergne-Rhône-Alpes », « d'Yssingeaux », but
« de Saint-Étienne » and « de Yutz » (a y before a vowel is a consonant). A name beginning with h keeps
« de »: whether its h is mute is a fact of each name, not of its spelling. « de » and a name's own article
contract: « au nom du Café d'à Côté », « des Amis du parc » (« de La Fabrique » and « de L'Atelier » stay).
In English all read « of ».
"""

from django.utils import translation
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
