"""The catalogues keep no entry of cell code that is gone: the shared places' figure labels and explanations
that stood in for their metric definitions (`selectors.PLACES_KEYS`, removed in 19fb202 once
alleger/cell/metrics.py defined the four figures with labels of their own)."""

import ast
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

import alleger

ROOT = Path(alleger.__file__).resolve().parent

REMOVED = [
    "Lieux partagés publiés",
    "Lieux partagés publiés ce jour-là (créés publiés, ou proposés puis acceptés par les modérateurs).",
    "Réservations faites",
    "Réservations de salles, postes, machines et outils des lieux faites ce jour-là, par lieu.",
    "Minutes-places ouvertes",
    "Minutes d'ouverture des ressources réservables ce jour-là (leurs propres horaires), multipliées par leur "
    "capacité, par lieu.",
    "Minutes réservées ce jour-là (réservations confirmées ou honorées, une absence libère sa place), multipliées "
    "par les places réservées, par lieu.",
]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_stand_in_labels_of_the_places_figures_are_gone_from_the_catalogue(language):
    with (ROOT / "locale" / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
        ids = {message.id for message in read_po(handle, locale=language)}
    assert not set(REMOVED) & ids
    assert "Minutes-places réservées" in ids  # the same words as a label of metrics.py: kept


def test_no_code_nor_template_uses_them():
    constants = {node.value for path in ROOT.rglob("*.py") if "tests" not in path.parts
                 for node in ast.walk(ast.parse(path.read_text()))
                 if isinstance(node, ast.Constant) and isinstance(node.value, str)}
    templates = [path.read_text() for path in ROOT.rglob("templates/**/*") if path.is_file()]
    assert not [text for text in REMOVED if text in constants or any(text in t for t in templates)]
