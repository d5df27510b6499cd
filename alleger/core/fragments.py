"""Shared fragments of logged-in pages, keyed by the data version.

Anonymous visitors get whole pages from the page cache (`core.cache`); a person
who is logged in gets every page rendered anew, and most of it — a project's
story, the listings, the live overview, the menu — is the same for everyone.
`{% shared "name" part… %}…{% endshared %}` (templatetags/fragments.py) renders
such a part once and serves it to everyone until the data changes:

* **As a visitor.** The body is always rendered (cached or not) with the
  context of an anonymous visitor: `user`, `perms`, `roles` and `request.user`
  are anonymous, `messages` empty. Whatever the template asks of the person,
  inside a shared fragment it gets a visitor's answer, so a fragment cannot
  hold one person's data. Per-person parts (the account menu, "you backed
  this", the buttons of a holder or a moderator) go outside the fragment. The
  view's own context is not rewritten: a fragment must only use variables that
  do not depend on the person (tests/test_fragments.py logs in as two people
  and compares every shared fragment of every page).
* **Holes.** The two per-request values a visitor's render may need, the CSRF
  token of a form and the CSP nonce of a script, are rendered as placeholders
  (secret: derived from SECRET_KEY) and filled in for each response.
* **Data version.** `DataVersion` holds one random number, replaced after the
  commit of every transaction that INSERTs, UPDATEs or DELETEs through Django's
  connection (a connection wrapper sees every statement: the ORM, querysets'
  `update()`, raw SQL; only sessions and the version itself are left out). A
  stored function that writes must call `changed()` itself (the pledge's).
  The version is read once per request, before the data, so a fragment is
  never served after the commit of a write it predates. Each process also
  counts its own writes, so a write shows at once in its own process, even
  inside a transaction that has not committed (the tests' case).
* **Only GET.** A POST's page (a form sent back with its errors) renders every
  fragment, caching none.
* **Key.** (name, data version, this process's write count, language, the
  request's path and query string, the tag's parts). The cache is Django's
  (Redis in production, shared by the processes) under a digest of that key,
  with a copy in each process in front of it (`Texts`: the key itself, so a
  hit hashes nothing; same timeout; the key's path counts in its size bound);
  `FRAGMENT_CACHE_SECONDS=0` turns both off (every fragment rendered, still as
  a visitor).
"""

import functools
import hashlib
import pickle
import re
import secrets
import threading
import time
from collections import OrderedDict

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import caches
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate, pre_migrate
from django.middleware import csrf
from django.middleware.csrf import get_token
from django.utils.crypto import salted_hmac

#: Statements that write, and the table they write to.
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)', re.IGNORECASE)
#: Tables no fragment shows: a session saved on each request must not invalidate everyone's fragments.
#: Apps add theirs with `ignore_table` (a payment provider's own records).
_ignored_tables = {"django_session", "core_dataversion"}
_VERSION_SQL = "SELECT version FROM core_dataversion WHERE id = 1"
#: A version not read yet (None is "read, and the row is missing").
NOT_READ = _MISSING = object()

#: This process's writes so far (see the module's docstring).
_local_writes = 0
#: Off while `migrate` runs: the version's table may not exist yet, and no page is served from a
#: database being migrated (its fragments are keyed by a version the migration cannot have seen).
_watching = True


# --- the data version -------------------------------------------------------------


def changed(using: str = DEFAULT_DB_ALIAS) -> None:
    """What pages show has changed (or will, at the commit): a new version after the commit."""
    global _local_writes
    _local_writes += 1
    connection = connections[using]
    if connection.in_atomic_block:
        if not any(func is _bump_default for _sids, func, _robust in connection.run_on_commit):
            transaction.on_commit(_bump_default, using=using)
    else:
        _bump(connection)


def _bump_default() -> None:
    _bump(connections[DEFAULT_DB_ALIAS])


#: An upsert, so it also works when the row is missing; random rather than a counter, so a
#: restored backup never brings back a number whose fragments hold other data.
BUMP_SQL = ("INSERT INTO core_dataversion (id, version) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET version = excluded.version")


#: BUMP_SQL as a call (PostgreSQL, migration core 0004), for a hot statement that selects it after its
#: own work, in its select list (then calls `counted()`): one prepared statement, one round trip.
BUMP_CALL = "core_data_version_bump(%s::bigint)"


def bump_params() -> list:
    """The parameters of BUMP_SQL and BUMP_CALL."""
    return [secrets.randbits(62)]


def counted() -> None:
    """This process saw its own write (BUMP_CALL sent by the caller, in the write's transaction)."""
    global _local_writes
    _local_writes += 1


def _bump(connection) -> None:
    with connection.cursor() as cursor:
        cursor.execute(BUMP_SQL, bump_params())


def _watch(execute, sql, params, many, context):
    """Connection wrapper: after a statement that writes a watched table, `changed()`."""
    result = execute(sql, params, many, context)
    if _watching and sql[:1] in "IUDRiudr \n\t":
        match = _WRITE.match(sql)
        if match and match.group(1).lower() not in _ignored_tables:
            changed(context["connection"].alias)
    return result


def ignore_table(name: str) -> None:
    """Writes to this table change nothing any page shows (call from AppConfig.ready())."""
    _ignored_tables.add(name)


def _install(sender, connection, **kwargs):
    if _watch not in connection.execute_wrappers:
        connection.execute_wrappers.append(_watch)


def _pause(**kwargs):
    global _watching
    _watching = False


def _resume(**kwargs):
    global _watching
    _watching = True


connection_created.connect(_install, dispatch_uid="alleger_fragments_watch")
pre_migrate.connect(_pause, dispatch_uid="alleger_fragments_pause")
post_migrate.connect(_resume, dispatch_uid="alleger_fragments_resume")


def local_writes() -> int:
    """This process's writes so far (read before the version, which is then paired with it)."""
    return _local_writes


def data_version(request):
    """(database version, this process's writes) for this request, read once; None without the row.

    Taken from the session when it was loaded with it (`core.sessions`: one round trip for both)."""
    found = getattr(request, "_alleger_data_version", _MISSING)
    if found is _MISSING:
        found = getattr(getattr(request, "session", None), "data_version", _MISSING)
        if found is not _MISSING:
            request._alleger_data_version = found
            return found
        local = _local_writes
        try:
            with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                cursor.execute(_VERSION_SQL)
                row = cursor.fetchone()
        except DatabaseError:
            row = None  # an error page while the database fails, or a broken transaction: render, cache nothing
        found = None if row is None else (row[0], local)
        request._alleger_data_version = found
    return found


class Deferred:
    """A view's value computed when it is first read, once.

    A template reads it as the value (it calls what is callable); Python code (a test reading a
    response's context) may use it as the value too: attributes, items, iteration, truth, length.
    Inside a shared fragment served from the cache it is never read, so its queries never run.
    """

    __slots__ = ("_func", "_value", "_done")

    def __init__(self, func):
        self._func = func
        self._done = False
        self._value = None

    def __call__(self):
        if not self._done:
            self._value = self._func()
            self._done = True
        return self._value

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self(), name)

    def __getitem__(self, key):
        return self()[key]

    def __iter__(self):
        return iter(self())

    def __len__(self):
        return len(self())

    def __bool__(self):
        return bool(self())

    def __contains__(self, item):
        return item in self()

    def __eq__(self, other):
        return self() == other

    __hash__ = None

    def __repr__(self):
        return f"Deferred({self()!r})"


def deferred(func, *args, **kwargs) -> Deferred:
    """`func(*args, **kwargs)`, computed when the page first reads it (see Deferred)."""
    return Deferred(functools.partial(func, *args, **kwargs))


def deferred_context(func, keys) -> dict:
    """`deferred` for each key of the dict that func() returns, computed once for all of them."""
    once = Deferred(func)
    return {key: deferred(lambda key: once()[key], key) for key in keys}


# --- rendering as a visitor -----------------------------------------------------------


@functools.cache
def holes() -> tuple[str, str]:
    """The placeholders of the CSRF token and the CSP nonce (secret, so no text can forge one)."""
    digest = salted_hmac("alleger.core.fragments", "holes", secret=settings.SECRET_KEY).hexdigest()
    return f"csrf{digest[:24]}", f"nonce{digest[24:48]}"


class VisitorRequest:
    """The request as a shared fragment sees it: an anonymous visitor's, without cookies or session."""

    def __init__(self, request):
        self._request = request

    user = AnonymousUser()
    COOKIES: dict = {}
    session = None

    @property
    def csp_nonce(self):
        return holes()[1]

    def __getattr__(self, name):
        return getattr(self._request, name)


def visitor_context(request) -> dict:
    """What a shared fragment's body sees instead of the person's values."""
    from django.contrib.auth.context_processors import PermWrapper

    from .context_processors import _Roles

    user = VisitorRequest.user
    return {
        "user": user,
        "perms": PermWrapper(user),
        "roles": _Roles(None),
        "messages": (),
        "csrf_token": holes()[0],
        "request": VisitorRequest(request) if request is not None else None,
    }


def fill(text: str, request) -> str:
    """The fragment's text with this request's CSRF token and CSP nonce in its holes."""
    csrf, nonce = holes()
    if csrf in text:
        text = text.replace(csrf, _token(request) if request is not None else "")
    if nonce in text:
        text = text.replace(nonce, str(getattr(request, "csp_nonce", "")) if request is not None else "")
    return text


def _token(request) -> str:
    """This request's masked CSRF token, masked once for all its fragments."""
    token = getattr(request, "_alleger_csrf_token", None)
    if token is None:
        secret = request.META.get("CSRF_COOKIE")
        if secret is None or len(secret) != csrf.CSRF_SECRET_LENGTH or secret.strip(_CSRF_CHARS):
            token = get_token(request)  # no secret yet, or not one of ours: Django makes and sets one
        else:
            request.META["CSRF_COOKIE_NEEDS_UPDATE"] = True  # as get_token does: the cookie is renewed
            token = mask_csrf_secret(secret)
        request._alleger_csrf_token = token
    return token


_CSRF_CHARS = csrf.CSRF_ALLOWED_CHARS * 2  # 62 letters and digits, twice: index i + j without modulo
_CSRF_INDEX = {char: i for i, char in enumerate(csrf.CSRF_ALLOWED_CHARS)}


def mask_csrf_secret(secret: str) -> str:
    """Django's masked token (`csrf._mask_cipher_secret`: a fresh random mask, then the secret shifted
    by it, letter by letter) from 40 random bytes instead of 32 calls to `secrets.choice`: 4 times
    cheaper, and every logged-in page masks one (its account menu's log-out form)."""
    size = len(csrf.CSRF_ALLOWED_CHARS)
    shifts: list[int] = []
    while len(shifts) < len(secret):
        # Uniform over the 62 characters: bytes from 248 (4 × 62) up are dropped.
        shifts.extend(byte % size for byte in secrets.token_bytes(40) if byte < 4 * size)
    shifts = shifts[:len(secret)]
    mask = "".join([_CSRF_CHARS[shift] for shift in shifts])
    return mask + "".join([_CSRF_CHARS[_CSRF_INDEX[char] + shift] for char, shift in zip(secret, shifts, strict=True)])


def _raw_key(name: str, request, version, parts, per_path: bool) -> tuple:
    """What tells a fragment's text from another's: its name, the data version, the language, the page's
    path (unless `per_path` is false) and its parts (strings and numbers)."""
    return (name, version, getattr(request, "LANGUAGE_CODE", ""), _full_path(request) if per_path else "", parts)


def _full_path(request) -> str:
    """`request.get_full_path()`, once per request (a page asks it for each of its fragments)."""
    path = getattr(request, "_alleger_full_path", None)
    if path is None:
        path = request._alleger_full_path = request.get_full_path()
    return path


def _digest(raw: tuple) -> str:
    return "alleger:fragment:" + hashlib.blake2b(repr(raw).encode(), digest_size=20).hexdigest()


def personal(name: str, request, user, render, parts: tuple = ()) -> str:
    """The fragment `name` of this person (rendered with the real context), from the cache or by `render()`.

    Keyed by the person and their session's authentication hash (a new password, a new key), beside
    the name, the data version, the language and `parts` (not the path: what the body reads of the
    page must be in `parts`); for a visitor, always rendered.
    """
    if user is None or not user.is_authenticated:
        return render()
    return shared(name, request, ("personal", user.pk, session_auth_hash(user), *parts), render,
                  per_path=False)


def session_auth_hash(user) -> str:
    """`user.get_session_auth_hash()`, computed once per password for this instance (an HMAC: a page
    asks it for each of its personal fragments)."""
    memo = getattr(user, "_alleger_auth_hash", None)
    if memo is None or memo[0] != user.password:
        memo = (user.password, user.get_session_auth_hash())
        user._alleger_auth_hash = memo
    return memo[1]


def shared(name: str, request, parts: tuple, render, *, per_path: bool = True) -> str:
    """The fragment `name`, from the cache or by `render()` (which renders the body as a visitor).

    `per_path=False`: the body does not depend on the page it is on (the menu, the footer).
    """
    seconds = settings.FRAGMENT_CACHE_SECONDS
    # Only what a GET shows is cached: a form sent back with its errors (a POST's page) is one person's.
    cacheable = seconds and request is not None and request.method in ("GET", "HEAD")
    version = data_version(request) if cacheable else None
    if version is None:
        return fill(render(), request)
    # This process's copies are keyed by the raw key itself (its parts are strings and numbers): the
    # digest, which the shared cache needs, is computed only when the copy is missing.
    raw = _raw_key(name, request, version, parts, per_path)
    text = _texts.get(raw)
    if text is None:
        key = _digest(raw)
        text = caches["pages"].get(key)
        if text is None:
            text = str(render())
            caches["pages"].set(key, text, seconds)
        # The path (and its query string, which a visitor chooses) counts in the copies' size bound.
        _texts.set(raw, text, seconds, key_chars=len(raw[3]) + 64)
    return fill(text, request)


class Texts:
    """This process's copy of the fragments it served lately, before the shared cache.

    A fragment's key holds the data version, so a copy is never older than the version a request read;
    it expires with the shared cache's timeout (a fragment may show the time: « il reste 2 jours »).
    Strings are never changed in place, so a request gets the copy itself: no unpickling, no round trip
    to Redis. Bounded in characters, the least recently used dropped first."""

    def __init__(self, max_chars: int):
        self.max_chars = max_chars
        self._chars = 0
        self._values: OrderedDict[tuple, tuple[float, str, int]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple) -> str | None:
        with self._lock:
            found = self._values.get(key)
            if found is None:
                return None
            if found[0] <= time.monotonic():
                self._drop(key)
                return None
            self._values.move_to_end(key)
            return found[1]

    def set(self, key: tuple, text: str, seconds: float, *, key_chars: int = 64) -> None:
        """`key_chars`: what the key weighs, counted with the text against the bound."""
        size = len(text) + key_chars
        if size > self.max_chars // 64:
            return  # a very long fragment (or key) is left to the shared cache
        with self._lock:
            if key in self._values:
                self._drop(key)
            self._values[key] = (time.monotonic() + seconds, text, size)
            self._chars += size
            while self._chars > self.max_chars:
                self._drop(next(iter(self._values)))

    def _drop(self, key: tuple) -> None:
        self._chars -= self._values.pop(key)[2]

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self._chars = 0


#: About 32 MB of text per process at most.
_texts = Texts(16_000_000)


# --- values remembered by this process for one data version ---------------------------------------


_every_remembered: list["Remembered"] = []


def forget() -> None:
    """Empty every Remembered map and the fragments' copies of this process (the tests, between two:
    like the shared cache)."""
    for memo in _every_remembered:
        memo.clear()
    _texts.clear()


class Remembered:
    """A bounded map (least recently used dropped first) of pickled values, in this process's memory.

    Keyed by the data version among the rest, so what it returns is never older than the version the
    request read (the version changes after every write); each read unpickles a fresh copy, so a
    request may change what it gets (a model instance's caches) without touching anyone else's."""

    def __init__(self, size: int):
        self.size = size
        self._values: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()
        _every_remembered.append(self)

    def get(self, key: tuple):
        with self._lock:
            blob = self._values.get(key)
            if blob is None:
                return _MISSING
            self._values.move_to_end(key)
        return pickle.loads(blob)  # noqa: S301 — only this process writes it (set)

    def set(self, key: tuple, value) -> None:
        blob = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            self._values[key] = blob
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


#: Small reads of a logged-in page (the object of a page by its slug, whether it is hidden…).
_remembered = Remembered(4096)


def remembered(request, name: str, parts: tuple, compute):
    """`compute()`, or what it returned for the same name and parts at this request's data version.

    For a GET (HEAD) with a data version only; what `compute()` returns must be picklable and the same
    for everyone (or have the person in `parts`)."""
    cacheable = (settings.FRAGMENT_CACHE_SECONDS and request is not None
                 and request.method in ("GET", "HEAD"))
    version = data_version(request) if cacheable else None
    if version is None:
        return compute()
    key = (name, parts, version)
    value = _remembered.get(key)
    if value is _MISSING:
        value = compute()
        _remembered.set(key, value)
    return value
