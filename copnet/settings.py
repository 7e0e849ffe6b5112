"""The one settings module: every deployment choice comes from environment variables."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

import csp.constants as csp
import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from copnet.core.env import (
    env_bool,
    env_int,
    env_list,
    env_rates,
    env_secret,
    env_str,
    private_dir,
    private_file,
    stored_secret,
)
from copnet.core.storage_url import StorageUrlError, parse_storage_url

BASE_DIR = Path(__file__).resolve().parent.parent
# Database, keys, evidence, cache: readable by the service account only (0700, files 0600).
DATA_DIR = private_dir(Path(env_str("COPNET_DATA_DIR", str(BASE_DIR / "var"))))

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
    "copnet.violators",
    "copnet.feed",
    "copnet.volunteers",
    "copnet.exchanges",
    "copnet.support",
    "copnet.dataprotection",
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
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",
    "csp",
    "copnet.stats",
    "copnet.search",
    "copnet.alerts",
]

MIDDLEWARE = [
    # First: oversized bodies are refused before anything reads them (core/body_limit.py).
    "copnet.core.body_limit.RequestBodyLimitMiddleware",
    "copnet.core.api_errors.ApiErrorMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "copnet.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "copnet.audit.middleware.AuditContextMiddleware",
    "copnet.accounts.middleware.UserLanguageMiddleware",
    "axes.middleware.AxesMiddleware",
    "copnet.volunteers.middleware.RefusedSessionMiddleware",
    # After every middleware that looks at the session's user.
    "copnet.accounts.middleware.SecondFactorMiddleware",
    # Innermost: anonymous visitors' public pages from a short-lived cache (core/page_cache.py).
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
            # `show_controls`: makes stored bidi overrides visible wherever staff read text.
            "builtins": ["copnet.core.templatetags.safetext", "copnet.core.templatetags.labels"],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            # Created 0600 before SQLite opens it; its WAL and shm files copy that mode.
            "NAME": str(private_file(DATA_DIR / "copnet.sqlite3")),
            "OPTIONS": {
                # Writers take the lock at BEGIN, so concurrent writers queue instead of failing.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                # secure_delete: erased personal data is overwritten, not left in free pages.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA secure_delete=ON;"
                ),
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
# Recovery (core.recovery): workers and the scheduler write a heartbeat every HEARTBEAT_S; one
# not seen for LEASE_S is dead (sooner when its process is gone on this host) and the tasks it
# was running are marked failed and enqueued again, at most RECOVERY_ATTEMPTS times each; a
# task running longer than TASK_MAX_RUNTIME_S is treated the same. Every RECOVERY_INTERVAL_S
# the sweeps take up work the domain says is still undone RECOVERY_GRACE_S after it was due
# (untriaged cases, unsent assignment e-mails, undelivered removal requests).
WORKER_HEARTBEAT_S = env_int("COPNET_WORKER_HEARTBEAT_S", 10)
WORKER_LEASE_S = env_int("COPNET_WORKER_LEASE_S", 60)
TASK_MAX_RUNTIME_S = env_int("COPNET_TASK_MAX_RUNTIME_S", 3600)
TASK_RECOVERY_ATTEMPTS = env_int("COPNET_TASK_RECOVERY_ATTEMPTS", 3)
RECOVERY_INTERVAL_S = env_int("COPNET_RECOVERY_INTERVAL_S", 60)
RECOVERY_GRACE_S = env_int("COPNET_RECOVERY_GRACE_S", 300)
# /api/v1/health says "degraded" while a task that failed in this window was not replaced.
HEALTH_FAILED_WINDOW_S = env_int("COPNET_HEALTH_FAILED_WINDOW_S", 3600)
# runplatform restarts a worker or scheduler that died after this delay (doubling, ≤ 60 s).
RESTART_DELAY_S = env_int("COPNET_RESTART_DELAY_S", 1)

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
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["email", "full_name"]},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("COPNET_PASSWORD_MIN_LENGTH", 12)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    # `aaaaaaaaaaaa`, `abababababab`: long enough, but too few different characters.
    {
        "NAME": "copnet.accounts.validators.DistinctCharactersValidator",
        "OPTIONS": {"min_distinct": env_int("COPNET_PASSWORD_MIN_DISTINCT", 6)},
    },
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:staff_home"
LOGOUT_REDIRECT_URL = "core:home"

# Sign-in throttling (django-axes): an account is locked after AXES_FAILURE_LIMIT failures from
# any addresses, an address after LOGIN_ADDRESS_FAILURE_LIMIT failures on any accounts, each for
# AXES_COOLOFF_MINUTES. The handler keeps the counters with the rate limits (keyed hashes in the
# cache, nothing in the database); a successful sign-in clears the account's counter only.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("COPNET_LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["ip_address", "username"]
AXES_HANDLER = "copnet.accounts.login_throttle.LoginThrottleHandler"
AXES_CLIENT_IP_CALLABLE = "copnet.core.client_address.client_ip"
AXES_LOCKOUT_CALLABLE = "copnet.accounts.login_throttle.lockout_response"
AXES_USERNAME_FORM_FIELD = "username"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False  # no attempts are stored in the database
AXES_VERBOSE = False

# Second sign-in step (django-otp). Who must use it is derived from the role's permissions
# (accounts.permissions.SECOND_FACTOR_PERMS); everyone else may turn it on.
OTP_TOTP_ISSUER = env_str("COPNET_TOTP_ISSUER", "COPNet")
OTP_TOTP_THROTTLE_FACTOR = 1  # seconds; waits double after each wrong code
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_ADMIN_HIDE_SENSITIVE_DATA = True
# Passkeys (WebAuthn through django-otp-webauthn) are bound to one domain and need a secure
# origin: https://<domain>, or http://localhost while developing. On any other address (e.g.
# the laptop default http://127.0.0.1:8000) the pages do not offer them.
_site = urlsplit(SITE_URL)
_site_host = (_site.hostname or "").lower()
try:
    ipaddress.ip_address(_site_host)
    _site_is_ip = True  # an IP address cannot be a WebAuthn relying party
except ValueError:
    _site_is_ip = False
PASSKEYS_ENABLED = (
    env_bool("COPNET_PASSKEYS", True)
    and (_site.scheme == "https" or _site_host == "localhost")
    and not _site_is_ip
)
OTP_WEBAUTHN_RP_ID = _site_host if PASSKEYS_ENABLED else "localhost"
OTP_WEBAUTHN_RP_NAME = "COPNet"
OTP_WEBAUTHN_ALLOWED_ORIGINS = [
    f"{_site.scheme}://{_site.netloc}" if PASSKEYS_ENABLED else "http://localhost:8000"
]
# Passkeys are a second step only: the password (with its lockout and audit) always comes first.
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False
OTP_WEBAUTHN_EXCEPTION_LOGGER_NAME = "copnet.passkeys"

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
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere (templates use static files and classes; htmx is told not to
# add its indicator style); lesson videos come from the two embeddable hosts only.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.NONE],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "manifest-src": [csp.SELF],
        "frame-src": ["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
        "base-uri": [csp.NONE],
        "object-src": [csp.NONE],
    }
}

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
# Key of the keyed hashes (HMAC) that find encrypted values: reported addresses joining reports
# into cases, applicants' e-mail addresses. Set it once and keep it: a new key stops old
# addresses from matching.
LOOKUP_KEY = env_secret("COPNET_LOOKUP_KEY") or ""
if not LOOKUP_KEY:
    if env_bool("COPNET_REQUIRE_SECRET_KEY", False):
        raise ImproperlyConfigured("COPNET_LOOKUP_KEY must be set in production.")
    LOOKUP_KEY = stored_secret(DATA_DIR / "lookup_key")
EVIDENCE_ROOT = Path(env_str("COPNET_EVIDENCE_DIR", str(DATA_DIR / "evidence")))
# Evidence and evaluation files on an S3-compatible object store shared by every host
# (s3://bucket/prefix?endpoint_url=...&region=...), still encrypted by COPNet; empty = the local
# folders. Credentials: these two (or their _FILE forms), else boto3's own chain (AWS_*).
EVIDENCE_STORAGE_URL = env_str("EVIDENCE_STORAGE_URL").strip()
if EVIDENCE_STORAGE_URL:
    try:
        parse_storage_url(EVIDENCE_STORAGE_URL)
    except StorageUrlError as _error:
        raise ImproperlyConfigured(str(_error)) from _error
EVIDENCE_STORAGE_ACCESS_KEY_ID = env_secret("EVIDENCE_STORAGE_ACCESS_KEY_ID") or ""
EVIDENCE_STORAGE_SECRET_ACCESS_KEY = env_secret("EVIDENCE_STORAGE_SECRET_ACCESS_KEY") or ""
# A stored file that no row names (its process died before the commit) is removed by the hourly
# sweep once it is older than this; longer than any request or transaction can take.
ORPHAN_FILE_GRACE_HOURS = env_int("COPNET_ORPHAN_FILE_GRACE_HOURS", 6)
EVIDENCE_MAX_IMAGES = env_int("COPNET_EVIDENCE_MAX_IMAGES", 10)
EVIDENCE_MAX_BYTES = env_int("COPNET_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
EVIDENCE_MAX_PIXELS = env_int("COPNET_EVIDENCE_MAX_PIXELS", 40_000_000)
# Video evidence (`core.uploads.check_video`, PyAV): the file, its length, its picture and its
# streams; a video over any of them is refused before or while decoding. It counts as one of
# the EVIDENCE_MAX_IMAGES files of a report.
EVIDENCE_VIDEO_MAX_BYTES = env_int("COPNET_EVIDENCE_VIDEO_MAX_BYTES", 50 * 1024 * 1024)
EVIDENCE_VIDEO_MAX_SECONDS = env_int("COPNET_EVIDENCE_VIDEO_MAX_SECONDS", 600)
EVIDENCE_VIDEO_MAX_SIDE = env_int("COPNET_EVIDENCE_VIDEO_MAX_SIDE", 3840)
EVIDENCE_VIDEO_MAX_PIXELS = env_int("COPNET_EVIDENCE_VIDEO_MAX_PIXELS", 3840 * 2160)
EVIDENCE_VIDEO_MAX_STREAMS = env_int("COPNET_EVIDENCE_VIDEO_MAX_STREAMS", 4)
EVIDENCE_VIDEO_MAX_DECODE_SECONDS = env_int("COPNET_EVIDENCE_VIDEO_MAX_DECODE_SECONDS", 120)
# Pictures accepted with a report form that came back with an error are kept (encrypted) this
# long for the next try (`reports.pending`), then deleted by the hourly sweep.
PENDING_UPLOAD_MINUTES = env_int("COPNET_PENDING_UPLOAD_MINUTES", 60)
# Where the quick-exit button of public pages sends the visitor (a neutral site).
QUICK_EXIT_URL = env_str("COPNET_QUICK_EXIT_URL", "https://www.google.com/")
# Retention (docs/personal-data.md): personal data of cases closed this long ago is erased;
# volunteer applications refused, or of volunteers who left, this long after the decision;
# idempotency records (partners' replayed answers) after hours; the IP address and browser of
# signed-in people in the audit trail and login records after days.
PURGE_AFTER_DAYS = env_int("COPNET_PURGE_AFTER_DAYS", 365)
APPLICATION_RETENTION_DAYS = env_int("COPNET_APPLICATION_RETENTION_DAYS", 180)
IDEMPOTENCY_RETENTION_HOURS = env_int("COPNET_IDEMPOTENCY_HOURS", 48)
AUDIT_ORIGIN_RETENTION_DAYS = env_int("COPNET_AUDIT_ORIGIN_DAYS", 180)
# Detection: PDQ matches at Hamming distance <= threshold; hashes below the quality are unreliable.
PDQ_THRESHOLD = env_int("COPNET_PDQ_THRESHOLD", 31)
PDQ_MIN_QUALITY = env_int("COPNET_PDQ_MIN_QUALITY", 50)
# One PDQ index file per machine, mapped by every process (banks/machine_index.py); empty: each
# process keeps its own index in memory. Its delta is folded into a new file past this size.
PDQ_INDEX_DIR = env_str("COPNET_PDQ_INDEX_DIR", str(DATA_DIR / "detection"))
PDQ_INDEX_FOLD_AFTER = env_int("COPNET_PDQ_INDEX_FOLD_AFTER", 50_000)
# Flood quarantine (banks/safety.py): an entry matching more distinct items than this within
# the window is paused until a curator releases it; 0 switches the check off.
FLOOD_MATCHES = env_int("COPNET_FLOOD_MATCHES", 50)
FLOOD_WINDOW_SECONDS = env_int("COPNET_FLOOD_WINDOW_SECONDS", 3600)
# vPDQ (video) matches: a banked video matches when at least this share (%) of the query's
# frames are found in it and this share of its frames in the query (vPDQ's two-way
# percentages); a bank may set its own (`HashBank.vpdq_query_pct` / `vpdq_target_pct`).
VPDQ_QUERY_PCT = float(env_str("COPNET_VPDQ_QUERY_PCT", "80"))
VPDQ_TARGET_PCT = float(env_str("COPNET_VPDQ_TARGET_PCT", "0"))
TEXT_FLAG_SCORE = float(env_str("COPNET_TEXT_FLAG_SCORE", "0.6"))
# A retrained text model (`manage.py retrain_text_model --out DIR`); empty = the shipped one.
TEXT_MODEL_DIR = env_str("COPNET_TEXT_MODEL_DIR", "")
# Removal requests: HTTP delivery retries (backoff base * 2^attempt seconds, capped), and the
# verification fetch (timeout, size limit, redirects; private addresses refused unless listed).
TAKEDOWN_MAX_ATTEMPTS = env_int("COPNET_TAKEDOWN_MAX_ATTEMPTS", 6)
TAKEDOWN_BACKOFF_SECONDS = env_int("COPNET_TAKEDOWN_BACKOFF_SECONDS", 60)
TAKEDOWN_HTTP_TIMEOUT = env_int("COPNET_TAKEDOWN_HTTP_TIMEOUT", 15)
# Follow-up of unanswered removal requests (takedowns.services.followup); the re-notice period
# itself is per platform (Platform.renotice_hours, 24 h by default).
TAKEDOWN_ESCALATE_LEAD_AFTER_HOURS = env_int("COPNET_TAKEDOWN_ESCALATE_LEAD_AFTER_HOURS", 48)
TAKEDOWN_FOLLOWUP_LEASE_SECONDS = env_int("COPNET_TAKEDOWN_FOLLOWUP_LEASE_SECONDS", 900)
# Signed webhooks to a hotline's system (support app): attempts in all, first wait, timeout.
SUPPORT_WEBHOOK_MAX_ATTEMPTS = env_int("COPNET_SUPPORT_WEBHOOK_MAX_ATTEMPTS", 6)
SUPPORT_WEBHOOK_BACKOFF_SECONDS = env_int("COPNET_SUPPORT_WEBHOOK_BACKOFF_SECONDS", 30)
SUPPORT_WEBHOOK_TIMEOUT = env_int("COPNET_SUPPORT_WEBHOOK_TIMEOUT", 10)
# International exchange (exchanges app): each HTTP call to a partner waits at most
# EXCHANGE_HTTP_TIMEOUT s and is tried EXCHANGE_HTTP_ATTEMPTS times (timeouts, 429, 5xx), waiting
# the partner's Retry-After up to EXCHANGE_MAX_RETRY_WAIT s; feedback messages are retried with
# backoff from EXCHANGE_FEEDBACK_BACKOFF s, EXCHANGE_FEEDBACK_MAX_ATTEMPTS times.
EXCHANGE_HTTP_TIMEOUT = env_int("COPNET_EXCHANGE_HTTP_TIMEOUT", 30)
EXCHANGE_HTTP_ATTEMPTS = env_int("COPNET_EXCHANGE_HTTP_ATTEMPTS", 4)
EXCHANGE_MAX_RETRY_WAIT = env_int("COPNET_EXCHANGE_MAX_RETRY_WAIT", 60)
EXCHANGE_FEEDBACK_BACKOFF = env_int("COPNET_EXCHANGE_FEEDBACK_BACKOFF", 60)
EXCHANGE_FEEDBACK_MAX_ATTEMPTS = env_int("COPNET_EXCHANGE_FEEDBACK_MAX_ATTEMPTS", 8)
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
# An evidence video is kept in memory too: never written unencrypted to a temporary file.
FILE_UPLOAD_MAX_MEMORY_SIZE = max(12 * 1024 * 1024, EVIDENCE_VIDEO_MAX_BYTES + 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FILES = 20
# Request bodies above these sizes are refused (413) before a byte is read (core/body_limit.py).
# Default: the largest legitimate form, a report with the most evidence pictures at their
# largest, plus 1 MB for the text fields and multipart framing. The JSON API reads its body in
# memory, so its limit is the in-memory limit above.
MAX_REQUEST_BYTES = env_int(
    "COPNET_MAX_REQUEST_BYTES", EVIDENCE_MAX_IMAGES * EVIDENCE_MAX_BYTES + 1024 * 1024
)
MAX_API_REQUEST_BYTES = env_int("COPNET_MAX_API_REQUEST_BYTES", DATA_UPLOAD_MAX_MEMORY_SIZE)
# Fingerprints hashed on the device: hashes and a category only, never a picture.
REQUEST_BODY_LIMITS = {
    "/": MAX_REQUEST_BYTES,
    "/api/": MAX_API_REQUEST_BYTES,
    "/report/self-hash/": 16 * 1024,
}

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

# --- Abuse control ----------------------------------------------------------------------------
# Our reverse proxies (comma-separated networks): only from them is X-Forwarded-For believed.
TRUSTED_PROXIES = env_list("COPNET_TRUSTED_PROXIES", [])
try:
    for _network in TRUSTED_PROXIES:
        ipaddress.ip_network(_network, strict=False)
except ValueError as _error:
    raise ImproperlyConfigured(f"COPNET_TRUSTED_PROXIES: {_error}") from _error
# Rate limits, "scope=count/window" (window in s, m, h or d), counted per client address unless
# the README says otherwise; COPNET_RATE_LIMITS="report=50/10m,api-key=5000/1m" overrides some.
RATE_LIMITS = env_rates(
    "COPNET_RATE_LIMITS",
    {
        "report": "20/10m",  # public report form
        "self-hash": "20/10m",  # fingerprints sent from the device (/report/self-hash/)
        "add-info": "10/10m",  # adding to one's report on the status page
        "add-info-report": "20/1h",  # ... per report
        "status": "10/10m",  # status look-ups
        "status-code": "20/1h",  # ... per tracking code, from any address
        "vendor-signup": "5/1h",
        "volunteer-apply": "5/1h",
        "class-join": "20/10m",
        "feed-appeal": "5/1h",
        "api-key": "1200/1m",  # every API call per partner or volunteer key
        "api-anonymous": "600/1m",  # public API operations per address
        "detect-items": "60000/1m",  # items matched or classified per API key
    },
)
# Without REDIS_URL the counters live in this SQLite file (keyed hashes only, expiring); it is
# per host, so a deployment with several web hosts needs REDIS_URL.
RATE_LIMIT_DB = Path(env_str("COPNET_RATE_LIMIT_DB", str(DATA_DIR / "ratelimit.sqlite3")))

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
