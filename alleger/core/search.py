"""Text search: one rule for every list, accent-, case- and ligature-insensitive, on both databases.

A text matches when each word of the query (up to `max_words`) is found, folded, in at least one of the
fields, folded. Folding is lowercase, accents stripped, ligatures spread ("Œuvre" -> "oeuvre").
PostgreSQL folds with `lower(unaccent(...))` (extension created by core's migration 0002); SQLite with
`fold()` below, registered on each connection as the SQL function `alleger_fold`.
"""

import operator
import unicodedata
from functools import reduce

from django.db.backends.signals import connection_created
from django.db.models import F, Func, Q, QuerySet, TextField
from django.db.models.lookups import Contains

# What NFKD leaves whole but PostgreSQL's unaccent spreads or strips.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "ł": "l", "đ": "d"})


def fold(text: str | None) -> str | None:
    """Lowercase, accents stripped, ligatures spread: the Python side of the rule."""
    if text is None:
        return None
    text = unicodedata.normalize("NFKD", text.casefold().translate(LIGATURES))
    return "".join(c for c in text if not unicodedata.combining(c))


class Fold(Func):
    """The database side of the same rule."""

    function = "alleger_fold"
    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="lower(unaccent(%(expressions)s::text))", **extra)


def words(q: str | None, max_words: int = 8) -> list[str]:
    return [w for w in (fold(word) for word in (q or "").split()[:max_words]) if w]


def matching(qs: QuerySet, q: str | None, fields: tuple[str, ...], *, max_words: int = 8) -> QuerySet:
    """Rows of `qs` where every word of `q` is in one of `fields` (joins allowed: "asset_type__name")."""
    for word in words(q, max_words):
        qs = qs.filter(reduce(operator.or_, (Q(Contains(Fold(F(field)), word)) for field in fields)))
    return qs


def _register_sqlite(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("alleger_fold", 1, fold, deterministic=True)


connection_created.connect(_register_sqlite, dispatch_uid="alleger_fold")
