"""The order of names as people read them, on both databases: « atelier, Banc 2, Banc 10, école, Église, Zoo ».

Both databases sort text by code point by default (PostgreSQL's cluster here is C.UTF-8, SQLite is binary):
every capital before every small letter, « École » after « Zoo », « Banc 10 » before « Banc 2 ». The
names people look for in a list (places, assets, organisations, projects, kits…) are stored with the
collation NATURAL instead (`db_collation` on the field), so that every ORDER BY on them — models'
`ordering`, selectors, forms' choices, the admin — reads as a reader expects, and their indexes serve it:

* PostgreSQL: an ICU collation, root locale, numbers by value (`und-u-kn-true`), created by core's
  migration 0005;
* SQLite: `compare` below, registered on each connection under the same name: the names folded as search
  folds them (case, accents, ligatures), runs of digits compared by value.

Both are deterministic: two names are equal only when they are the same text (ties are broken by the text
itself), so uniqueness and `=` lookups mean what they meant before.
"""

import functools
import re

from django.db.backends.signals import connection_created

from alleger.core.search import fold

#: The collation's name on both databases (core/migrations/0005_natural_collation.py).
NATURAL = "alleger_natural"

_DIGITS = re.compile(r"\d+")


@functools.lru_cache(maxsize=65_536)
def key(text: str) -> tuple[str, str]:
    """What SQLite compares: the folded text, each number padded to 20 digits, then the text itself."""
    folded = _DIGITS.sub(lambda m: m.group().lstrip("0").zfill(20), fold(text))
    return folded, text


def compare(a: str, b: str) -> int:
    ka, kb = key(a), key(b)
    return (ka > kb) - (ka < kb)


def _register_sqlite(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_collation(NATURAL, compare)


connection_created.connect(_register_sqlite, dispatch_uid="alleger_natural_collation")
