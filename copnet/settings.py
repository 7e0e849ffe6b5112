"""The one settings module: every deployment choice comes from environment variables."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from copnet.core.env import env_bool, env_int, env_list, env_secret, env_str, stored_secret

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("COPNET_DATA_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
# Behind HTTPS (production): secure cookies, HSTS and the redirect to https.
HTTPS = env_bool("COPNET_HTTPS", False)

SECRET_KEY = env_secret("SECRET_KEY") or ""
if not SECRET_KEY:
    if env_bool("COPNET_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set in production.")
    SECRET_KEY = stored_secret(DATA_DIR / "secret_key")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "copnet.core",
    "copnet.accounts",
    "copnet.network",
    "copnet.audit",
    "copnet.taxonomy",
    "copnet.routing",
    "copnet.reports",
    "copnet.cases",
    "copnet.banks",
    "copnet.evaluations",
    "copnet.education",
    "copnet.campaigns",
    "copnet.takedowns",
    "copnet.feed",
    "copnet.volunteers",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "axes",
    "copnet.stats",
]

MIDDLEWARE = [
    # First: oversized bodies are refused before anything reads them (core/body_limit.py).
    "copnet.core.body_limit.RequestBodyLimitMiddleware",
    "copnet.core.api_errors.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "copnet.audit.middleware.AuditContextMiddleware",
    "copnet.accounts.middleware.UserLanguageMiddleware",
    "axes.middleware.AxesMiddleware",
    "copnet.volunteers.middleware.RefusedSessionMiddleware",
    # Last: anonymous visitors' public pages from a short-lived cache (core/page_cache.py).
    "copnet.core.page_cache.PublicPageCacheMiddleware",
]

ROOT_URLCONF = "copnet.urls"
WSGI_APPLICATION = "copnet.wsgi.application"

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
                "copnet.core.context_processors.platform",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "copnet.sqlite3",
            "OPTIONS": {
                # Writers take the lock at BEGIN, so concurrent writers queue instead of failing.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background tasks -----------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
TASKS_BACKEND = env_str("TASKS_BACKEND", "rq" if REDIS_URL else "database").lower()
TASK_QUEUES = ["default", "notifications"]  # workers take them in this order
RQ_QUEUES = {
    name: {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}
    for name in TASK_QUEUES
}
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
if TASKS_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {sorted(_TASK_BACKENDS)}.")
if TASKS_BACKEND == "rq" and not REDIS_URL:
    raise ImproperlyConfigured("TASKS_BACKEND=rq needs REDIS_URL.")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[TASKS_BACKEND], "QUEUES": TASK_QUEUES}}

# --- Accounts and security ------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:staff_home"
LOGOUT_REDIRECT_URL = "core:home"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SAMESITE = "Lax"
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("SECURE_HSTS_PRELOAD", True)
if env_bool("COPNET_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [Path(env_str("COPNET_LOCALE_DIR", str(BASE_DIR / "locale")))]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it before collectstatic
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env_bool("COPNET_MANIFEST_STATIC", True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = DATA_DIR / "media"

# --- Personal data and evidence at rest -------------------------------------------------------
# Fernet keys, newest first (comma-separated); older keys still decrypt, so keys can be rotated.
ENCRYPTION_KEYS = env_list("COPNET_ENCRYPTION_KEYS", [])
if not ENCRYPTION_KEYS:
    if env_bool("COPNET_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("COPNET_ENCRYPTION_KEYS must be set in production.")
    ENCRYPTION_KEYS = [stored_secret(DATA_DIR / "encryption_key", fernet=True)]
EVIDENCE_ROOT = Path(env_str("COPNET_EVIDENCE_DIR", str(DATA_DIR / "evidence")))
EVIDENCE_MAX_IMAGES = env_int("COPNET_EVIDENCE_MAX_IMAGES", 10)
EVIDENCE_MAX_BYTES = env_int("COPNET_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
EVIDENCE_MAX_PIXELS = env_int("COPNET_EVIDENCE_MAX_PIXELS", 40_000_000)
PURGE_AFTER_DAYS = env_int("COPNET_PURGE_AFTER_DAYS", 365)
# Detection: PDQ matches at Hamming distance <= threshold; hashes below the quality are unreliable.
PDQ_THRESHOLD = env_int("COPNET_PDQ_THRESHOLD", 31)
PDQ_MIN_QUALITY = env_int("COPNET_PDQ_MIN_QUALITY", 50)
TEXT_FLAG_SCORE = float(env_str("COPNET_TEXT_FLAG_SCORE", "0.6"))
# A retrained text model (`manage.py retrain_text_model --out DIR`); empty = the shipped one.
TEXT_MODEL_DIR = env_str("COPNET_TEXT_MODEL_DIR", "")
# Removal requests: HTTP delivery retries (backoff base * 2^attempt seconds, capped), and the
# verification fetch (timeout, size limit, redirects; private addresses refused unless listed).
TAKEDOWN_MAX_ATTEMPTS = env_int("COPNET_TAKEDOWN_MAX_ATTEMPTS", 6)
TAKEDOWN_BACKOFF_SECONDS = env_int("COPNET_TAKEDOWN_BACKOFF_SECONDS", 60)
TAKEDOWN_HTTP_TIMEOUT = env_int("COPNET_TAKEDOWN_HTTP_TIMEOUT", 15)
FETCH_TIMEOUT = env_int("COPNET_FETCH_TIMEOUT", 10)
FETCH_MAX_BYTES = env_int("COPNET_FETCH_MAX_BYTES", 2 * 1024 * 1024)
FETCH_MAX_REDIRECTS = env_int("COPNET_FETCH_MAX_REDIRECTS", 5)
FETCH_ALLOWED_NETWORKS = [
    n.strip() for n in env_str("COPNET_FETCH_ALLOWED_NETWORKS").split(",") if n.strip()
]
# Protection feed: largest list import, RPZ zone name.
FEED_MAX_IMPORT_BYTES = env_int("COPNET_FEED_MAX_IMPORT_BYTES", 5 * 1024 * 1024)
FEED_MAX_IMPORT_LINES = env_int("COPNET_FEED_MAX_IMPORT_LINES", 100_000)
FEED_RPZ_ZONE = env_str("COPNET_FEED_RPZ_ZONE", "rpz.vn-cop.invalid")
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Request bodies above these sizes are refused (413) before a byte is read (core/body_limit.py).
# Default: the largest legitimate form, a report with the most evidence pictures at their
# largest, plus 1 MB for the text fields and multipart framing. The JSON API reads its body in
# memory, so its limit is the in-memory limit above.
MAX_REQUEST_BYTES = env_int(
    "COPNET_MAX_REQUEST_BYTES", EVIDENCE_MAX_IMAGES * EVIDENCE_MAX_BYTES + 1024 * 1024
)
MAX_API_REQUEST_BYTES = env_int("COPNET_MAX_API_REQUEST_BYTES", DATA_UPLOAD_MAX_MEMORY_SIZE)
REQUEST_BODY_LIMITS = {"/": MAX_REQUEST_BYTES, "/api/": MAX_API_REQUEST_BYTES}

# --- Cache (rate limits); shared between processes -------------------------------------------
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"),
    },
    # Public pages for anonymous visitors (core/page_cache.py): per process, in memory.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "copnet-pages",
        "OPTIONS": {"MAX_ENTRIES": 2000},
    },
}
# How long such a page is served from the cache (seconds; 0: never cached).
PAGE_CACHE_SECONDS = env_int("COPNET_PAGE_CACHE_SECONDS", 60)

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "COPNet <no-reply@localhost>")

# --- API ------------------------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}, "django_tasks": {"level": "WARNING"}},
}

# --- Product evaluations: vendors' documents and evaluators' evidence files -------------------
EVALUATION_FILES_ROOT = Path(
    env_str("COPNET_EVALUATION_FILES_DIR", str(DATA_DIR / "evaluation-files"))
)
EVALUATION_FILE_MAX_BYTES = env_int("COPNET_EVALUATION_FILE_MAX_BYTES", 10 * 1024 * 1024)

# --- Volunteer network ------------------------------------------------------------------------
# The Network body whose accounts accepted volunteers get (the Youth Union's children's committee).
VOLUNTEER_ORG = env_str("COPNET_VOLUNTEER_ORG", "BCTTN")
VOLUNTEER_MIN_AGE = env_int("COPNET_VOLUNTEER_MIN_AGE", 15)
VOLUNTEER_INACTIVE_DAYS = env_int("COPNET_VOLUNTEER_INACTIVE_DAYS", 60)
# A course of the education app that volunteers must complete too (empty: checklist only).
VOLUNTEER_TRAINING_COURSE = env_str("COPNET_VOLUNTEER_TRAINING_COURSE", "starter-teachers")
