"""Alléger settings: everything comes from the environment, read strictly.

A value that is present but malformed stops the process with a message that
names the variable, rather than silently falling back to a default.
"""

import os
from pathlib import Path
from urllib.parse import urlparse

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("ALLEGER_VAR_DIR", BASE_DIR / "var"))


def envstr(name: str, default: str | None = None, *, required: bool = False) -> str | None:
    value = os.environ.get(name)
    if value is None or value == "":
        if required:
            raise ImproperlyConfigured(f"The environment variable {name} is required.")
        return default
    return value


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envrate(name: str, default: str) -> str:
    """A rate limit in allauth's syntax: "amount/period" items, comma separated ("20/10m,100/d")."""
    from allauth.core.internal.ratelimit import parse_rates

    value = envstr(name, default)
    try:
        rates = parse_rates(value)
    except ValueError:
        rates = []
    if not rates or any(rate.amount < 1 or rate.duration <= 0 or rate.per not in ("ip", "key") for rate in rates):
        raise ImproperlyConfigured(f"{name} must look like 20/10m,100/d (amount/period with s, m, h or d), "
                                   f"not {value!r}.")
    return value


def envurl(name: str, schemes: set[str]) -> str | None:
    value = envstr(name)
    if value is None:
        return None
    parsed = urlparse(value)
    if parsed.scheme not in schemes:
        raise ImproperlyConfigured(
            f"{name} must be a URL starting with one of {sorted(schemes)}, not {value!r}."
        )
    return value


DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY", required=True)
if len(SECRET_KEY) < 32:
    raise ImproperlyConfigured("SECRET_KEY must be at least 32 characters long.")

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
SITE_URL = envurl("SITE_URL", {"http", "https"}) or "http://127.0.0.1:8000"
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])
CSRF_FAILURE_VIEW = "alleger.core.error_views.csrf_failure"

# Behind HTTPS (the production default) cookies are secure and HSTS is on;
# the local demo on http://127.0.0.1 sets HTTPS=false.
HTTPS = envbool("HTTPS", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", HTTPS)
if envbool("TRUST_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.sitemaps",
    "corsheaders",
    "rules.apps.AutodiscoverRulesConfig",
    "allauth",
    "allauth.account",
    "ninja",
    "csp",
    "huey.contrib.djhuey",
    "alleger.core",
    "alleger.territories",
    "alleger.accounts",
    "alleger.organisations",
    "alleger.funding",
    "alleger.kits",
    "alleger.assets",
    "alleger.places",
    "alleger.bookings",
    "alleger.studies",
    "alleger.interventions",
    "alleger.reputation",
    "alleger.reports",
    "alleger.proposals",
    "alleger.cell",
    "alleger.discussions",
    "alleger.pages",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Cross-origin reads and token writes of the APIs from a browser app elsewhere (CORS_* below), before the
    # map's shortcut so its answers carry the headers too.
    "corsheaders.middleware.CorsMiddleware",
    # Answers the public map GeoJSON before the session/auth/CSRF stack (alleger/assets/middleware.py).
    "alleger.assets.middleware.MapMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Content-Security-Policy and Permissions-Policy on every page (see below).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Strips the characters XML and PostgreSQL refuse from every query string and form post (alleger/core/text.py).
    "alleger.core.text.TextInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "alleger.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    # Django's, loading a GET's session (with the data version) at once and remembering the person per
    # data version (alleger/core/middleware.py, alleger/core/sessions.py).
    "alleger.core.middleware.AuthenticationMiddleware",
    "alleger.core.middleware.MethodNotAllowedPage",
    "django.contrib.messages.middleware.MessageMiddleware",
    "alleger.core.middleware.RateLimitedMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "alleger.urls"
WSGI_APPLICATION = "alleger.wsgi.application"
SITE_ID = 1

# The JSON API and Open311 may be called from a web page of any origin (a city's own map, a civic-tech app):
# with a token, never with this site's cookies (no credentials: a browser sends none across origins), so any
# origin is safe. Pages are not shared.
CORS_URLS_REGEX = r"^/(api/v1|open311/v2)/"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False
CORS_EXPOSE_HEADERS = ["Retry-After", "WWW-Authenticate", "ETag"]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "alleger" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "alleger.core.context_processors.site",
                "alleger.core.context_processors.roles",
            ],
            # Django's `date` filter with French's « 1er janvier » (alleger/core/templatetags/dates.py).
            "builtins": ["alleger.core.templatetags.dates"],
        },
    },
]

# Databases: SQLite in WAL mode is the embedded default; DATABASE_URL switches
# to PostgreSQL (or any database dj-database-url understands).
DATABASE_URL = envurl("DATABASE_URL", {"postgres", "postgresql", "sqlite"})
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60, minimum=0))}
    # A health check is one more round trip (SELECT 1) at the start of every request that uses the
    # database; without it, a connection broken by a database restart fails one request per thread,
    # then is replaced. Off by default (bench/README.md: the cost on a logged-in page).
    if DATABASES["default"]["ENGINE"].endswith("postgresql"):
        DATABASES["default"]["CONN_HEALTH_CHECKS"] = envbool("DB_CONN_HEALTH_CHECKS", False)
        # Server-side prepared statements, for the few hot statements that ask for them
        # (alleger.core.db.prepared_cursor: a pledge's snapshot is planned once per connection,
        # not once per pledge). Django's own cursors bind on the client and never prepare.
        # Off (DB_PREPARED_STATEMENTS=false) behind a transaction pooler that cannot keep them.
        if envbool("DB_PREPARED_STATEMENTS", True):
            DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = 0
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "alleger.sqlite3",
            # Keep the connection (and its PRAGMAs) between requests.
            "CONN_MAX_AGE": envint("DB_CONN_MAX_AGE", 60, minimum=0),
        }
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers proceed while one writer commits; IMMEDIATE
            # takes the write lock at BEGIN so two writers queue instead of
            # failing with "database is locked" on upgrade.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Django's database sessions, read with the data version in one query (alleger/core/sessions.py).
SESSION_ENGINE = "alleger.core.sessions"
AUTH_USER_MODEL = "accounts.User"

REDIS_URL = envurl("REDIS_URL", {"redis", "rediss", "unix"})
# Two caches. "default" holds what must be the same for every web process: the rate limits (allauth's
# and ours, alleger.core.ratelimit), which a per-process memory would multiply by the number of processes.
# "pages" holds what any process can remake: whole pages, fragments and map answers (alleger.core.cache,
# alleger.core.fragments, alleger.assets.mapcache). With REDIS_URL both are Redis. Without it, "default" is a
# table of the database (alleger_cache, made by `migrate`), and "pages" each process's memory;
# SHARED_CACHE=memory keeps "default" in memory too, for one process only (the tests).
SHARED_CACHE = envstr("SHARED_CACHE", "database")
if SHARED_CACHE not in ("database", "memory"):
    raise ImproperlyConfigured(f"SHARED_CACHE must be database or memory, not {SHARED_CACHE!r}.")
if REDIS_URL:
    # One Redis database for both (and huey's queue): each alias its own key prefix, so their keys never meet.
    CACHES = {alias: {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                      "KEY_PREFIX": f"alleger-{alias}"}
              for alias in ("default", "pages")}
else:
    CACHES = {
        # Django's cull would forget a third of the live counts past MAX_ENTRIES (300 by default).
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "alleger_cache",
                    "OPTIONS": {"MAX_ENTRIES": 100_000}}
        if SHARED_CACHE == "database" else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
    }

# Background jobs (e-mail notifications, alleger.core.mail) on huey. With
# REDIS_URL they go to a Redis queue that `alleger run_huey` works, with
# retries; without it (the embedded default) or with TASKS_IMMEDIATE=true
# (the tests) they run at once in the process that queues them.
TASKS_IMMEDIATE = envbool("TASKS_IMMEDIATE", not REDIS_URL)
HUEY = {
    "huey_class": "huey.MemoryHuey" if TASKS_IMMEDIATE else "huey.RedisHuey",
    "name": "alleger",
    "immediate": TASKS_IMMEDIATE,
    "results": False,
    "consumer": {"workers": 2, "worker_type": "thread"},
    **({} if TASKS_IMMEDIATE else {"url": REDIS_URL}),
}

AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# django-allauth: e-mail is the login, and it must be verified.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# « Votre mot de passe a été modifié », « votre adresse a changé »: a person hears of what was done to
# their account, by them or by someone who got into it.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_SIGNUP_FORM_CLASS = "alleger.accounts.forms.SignupExtraForm"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Alléger] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if HTTPS else "http"
ACCOUNT_ADAPTER = "alleger.accounts.adapter.AccountAdapter"
# The log-in form and POST /api/v1/auth/token share allauth's limits ("login":
# 30/m per IP; "login_failed": 10/m per IP and 5 per 5 min per address).
ACCOUNT_RATE_LIMITS = {
    "login": envrate("RATE_LIMIT_LOGIN", "30/m/ip"),
    "login_failed": envrate("RATE_LIMIT_LOGIN_FAILED", "10/m/ip,5/5m/key"),
}
# Behind a reverse proxy, how many of them append to X-Forwarded-For (the
# rate limits per IP read the client's address there); 0 = REMOTE_ADDR.
ALLAUTH_TRUSTED_PROXY_COUNT = envint("TRUSTED_PROXY_COUNT", 0, minimum=0)
LOGIN_REDIRECT_URL = "accounts:profile"
LOGIN_URL = "account_login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "alleger" / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Europe/Paris")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
NODE_MODULES = BASE_DIR / "node_modules"
# Front-end libraries come from the npm registry (package.json); only their
# distribution folders are published as static files.
#: (static prefix, folder under node_modules); `alleger demo` and `alleger build` refuse to run without them.
FRONT_END_PACKAGES = [
    ("vendor/htmx", "htmx.org/dist"),
    ("vendor/leaflet", "leaflet/dist"),
]
STATICFILES_DIRS = [(prefix, NODE_MODULES / path) for prefix, path in FRONT_END_PACKAGES
                    if (NODE_MODULES / path).is_dir()]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed, cached forever; STATIC_MANIFEST=false serves plain
    # names without collectstatic (tests and development checkouts).
    "staticfiles": {
        "BACKEND": "alleger.core.staticfiles.StaticFilesStorage"
        if envbool("STATIC_MANIFEST", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
# Without object storage, the web process serves uploads itself (the demo);
# with S3_BUCKET set, uploads go to S3-compatible storage.
S3_BUCKET = envstr("S3_BUCKET")
S3_ENDPOINT_URL = envurl("S3_ENDPOINT_URL", {"http", "https"})
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": S3_ENDPOINT_URL,
            "region_name": envstr("S3_REGION"),
            "access_key": envstr("S3_ACCESS_KEY_ID"),
            "secret_key": envstr("S3_SECRET_ACCESS_KEY"),
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
SERVE_MEDIA = envbool("SERVE_MEDIA", not S3_BUCKET)
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", 8 * 1024 * 1024, minimum=1024)
UPLOAD_MAX_PIXELS = envint("UPLOAD_MAX_PIXELS", 40_000_000, minimum=10_000)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024

# E-mail: SMTP when EMAIL_HOST is set, otherwise messages are written as files
# under var/mail so the demo can show them.
EMAIL_HOST = envstr("EMAIL_HOST")
# Read even without EMAIL_HOST: a malformed value is refused, never ignored.
EMAIL_PORT = envint("EMAIL_PORT", 587, minimum=1)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Alléger <noreply@alleger.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Shown on the error pages ("if the problem persists, write to us"); none when empty.
CONTACT_EMAIL = envstr("CONTACT_EMAIL", "")

# Maps: any XYZ tile server; the attribution is shown on every map.
MAP_TILE_URL = envurl("MAP_TILE_URL", {"http", "https"}) or "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
MAP_TILE_ATTRIBUTION = envstr(
    "MAP_TILE_ATTRIBUTION", '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
)

def _csp_source(url: str) -> str:
    """The origin of a URL as a CSP source; a placeholder in the host ({s}.tile.…) becomes a wildcard."""
    parts = urlparse(url)
    host = parts.netloc
    if "{" in host:
        host = "*." + host.rsplit("}", 1)[1].lstrip(".")
    return f"{parts.scheme}://{host}"


# Content-Security-Policy (django-csp): scripts and styles come from our own
# static files only; no inline script, style element or style attribute runs
# unless it carries the request's nonce ({{ request.csp_nonce }}). Pages cached
# for anonymous visitors (core.cache) are served with a fresh header, so an
# inline script would break there: put scripts in static files. JSON for a
# script goes in {{ value|json_script:"id" }}, which CSP does not block.
# Images: ours, data: URIs (Leaflet blanks unloaded tiles with one; Swagger
# UI's CSS icons), the map tiles, uploads on S3, and origins in CSP_IMG_SRC.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [
            SELF,
            "data:",
            _csp_source(MAP_TILE_URL),
            *([_csp_source(S3_ENDPOINT_URL)] if S3_BUCKET and S3_ENDPOINT_URL else []),
            *(["https://*.amazonaws.com"] if S3_BUCKET and not S3_ENDPOINT_URL else []),
            *envlist("CSP_IMG_SRC", []),
        ],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
# Permissions-Policy (django-permissions-policy): powerful features we do not
# use are denied to the page and to any frame.
PERMISSIONS_POLICY = {
    # The location picker's « use my position » asks for it, on this site only (never for a frame).
    "geolocation": ["self"],
    **{feature: []
    for feature in (
        "accelerometer", "autoplay", "browsing-topics", "camera", "display-capture",
        "encrypted-media", "fullscreen", "gyroscope", "hid", "idle-detection",
        "magnetometer", "microphone", "midi", "payment", "publickey-credentials-get",
        "screen-wake-lock", "serial", "usb", "xr-spatial-tracking",
    )},
}

# Crowdfunding: payment providers offered to contributors, in this order.
PAYMENT_PROVIDERS = envlist("PAYMENT_PROVIDERS", ["simulated_card", "offline"])
_unknown = set(PAYMENT_PROVIDERS) - {"simulated_card", "offline"}
if _unknown:
    raise ImproperlyConfigured(f"PAYMENT_PROVIDERS has unknown providers: {sorted(_unknown)}.")
CONTRIBUTION_MIN_CENTS = envint("CONTRIBUTION_MIN_CENTS", 100, minimum=1)
CANCEL_CUTOFF_HOURS = 24
# On PostgreSQL a pledge is recorded under the project's lock by one stored
# function (funding migration 0004); off, the ORM does the same steps (tests
# of parity switch it off).
FUNDING_RECORD_IN_SQL = True
CAPTURE_GRACE_DAYS = 7

# Periodic jobs run by `alleger worker`: (management command, every N seconds).
PERIODIC_JOBS = [("settle", envint("SETTLE_EVERY_SECONDS", 60, minimum=1)),
                 ("bookings_expire_holds", envint("BOOKINGS_EXPIRE_EVERY_SECONDS", 60, minimum=1)),
                 ("metrics", envint("METRICS_EVERY_SECONDS", 3600, minimum=60)),
                 ("watch_digests", envint("WATCH_DIGESTS_EVERY_SECONDS", 3600, minimum=60)),
                 ("opendata", envint("OPENDATA_EVERY_SECONDS", 3600, minimum=60))]

# Bookings (alleger.bookings): a freed slot is held this long for the first in the waitlist; a person
# with BOOKINGS_NO_SHOW_LIMIT no-shows in the last BOOKINGS_NO_SHOW_DAYS days may not book (0: never).
BOOKINGS_HOLD_MINUTES = envint("BOOKINGS_HOLD_MINUTES", 120, minimum=1)
BOOKINGS_NO_SHOW_LIMIT = envint("BOOKINGS_NO_SHOW_LIMIT", 3, minimum=0)
BOOKINGS_NO_SHOW_DAYS = envint("BOOKINGS_NO_SHOW_DAYS", 90, minimum=1)
# The licence of the open-data files (alleger.cell.opendata): Etalab 2.0 unless the territory chose another.
OPENDATA_LICENCE = {
    "name": envstr("OPENDATA_LICENCE_NAME", "Licence Ouverte / Etalab 2.0"),
    "url": envstr("OPENDATA_LICENCE_URL", "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"),
}

# Anonymous visitors' public pages are cached this long (0 disables it).
PAGE_CACHE_SECONDS = envint("PAGE_CACHE_SECONDS", 60, minimum=0)
# The map's GeoJSON answers stay this long in the shared cache; they are keyed by
# the data version, so a change never waits for them (0 disables the map's cache).
MAP_CACHE_SECONDS = envint("MAP_CACHE_SECONDS", 600, minimum=0)
# The shared fragments of logged-in pages (alleger/core/fragments.py) stay this long in the
# shared cache; they are keyed by the data version, so a write never waits for them (0 disables).
FRAGMENT_CACHE_SECONDS = envint("FRAGMENT_CACHE_SECONDS", 600, minimum=0)

# Writes that could flood, per account (per IP address for visitors), on
# allauth's limiter in Django's cache (alleger/core/ratelimit.py). Past a
# limit, pages and the API answer 429 with Retry-After.
RATE_LIMITS = {
    "comment": envrate("RATE_LIMIT_COMMENT", "20/10m,200/d"),
    "flag": envrate("RATE_LIMIT_FLAG", "20/h,100/d"),
    "report": envrate("RATE_LIMIT_REPORT", "20/h,100/d"),
    "proposal": envrate("RATE_LIMIT_PROPOSAL", "10/h,30/d"),
    "proposal_support": envrate("RATE_LIMIT_PROPOSAL_SUPPORT", "60/h,300/d"),
    "contribution": envrate("RATE_LIMIT_CONTRIBUTION", "30/h,100/d"),
    "intervention": envrate("RATE_LIMIT_INTERVENTION", "10/h,30/d"),
    "journal": envrate("RATE_LIMIT_JOURNAL", "30/h,100/d"),
    "kit": envrate("RATE_LIMIT_KIT", "10/h,30/d"),
}

NINJA_PAGINATION_PER_PAGE = 50
FORMS_URLFIELD_ASSUME_HTTPS = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
