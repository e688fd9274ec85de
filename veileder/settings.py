"""The one settings module. Everything that differs between machines comes from the environment.

Every variable is listed, with its default, in `.env.example` and the README.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default).strip()


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    if not value:
        return default
    return value.lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG")

# A local run (`make run`) writes a generated key to this ignored file. Production sets
# DJANGO_SECRET_KEY; with neither, the portal refuses to start rather than use a guessable key.
SECRET_KEY_FILE = Path(env("DJANGO_SECRET_KEY_FILE", str(BASE_DIR / ".local" / "secret_key")))
SECRET_KEY = env("DJANGO_SECRET_KEY")
if not SECRET_KEY and SECRET_KEY_FILE.is_file():
    SECRET_KEY = SECRET_KEY_FILE.read_text(encoding="utf-8").strip()
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DJANGO_SECRET_KEY er ikke satt. Sett den i miljøet (produksjon) "
        "eller kjør `make run`, som lager en lokal nøkkel."
    )

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

# Plain HTTP outside DEBUG only when asked for by name: `make run` does, production never.
LOCAL_HTTP = env_bool("DJANGO_LOCAL_HTTP")
HTTPS_ONLY = not DEBUG and not LOCAL_HTTP

INSTALLED_APPS = [
    # Per-language content fields (portal/translation.py); before the admin, as it asks.
    "modeltranslation",
    # Django's admin with our site class, which adds the second factor (portal/admin_site.py).
    "portal.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "markdownx",
    "simple_history",
    # django-axes and django-otp's TOTP with Norwegian names in the admin (portal/apps.py).
    "portal.apps.AxesConfig",
    "django_otp",
    "portal.apps.TOTPConfig",
    "django_tasks_db",
    "portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the page cache, so a cached page gets the policy too. A page that used a nonce is
    # never cached (portal/cache.py), so a nonce is never served twice.
    "portal.csp.ContentSecurityPolicyMiddleware",
    # Also outside the page cache: a page served from the cache must not be frameable either.
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Before sessions and auth: a cached page for an anonymous reader costs no further work.
    "portal.cache.PageCacheMiddleware",
    # A database error in a view becomes a Norwegian 503 with Retry-After (portal/outage.py).
    "portal.outage.DatabaseOutageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a lockout into its Norwegian 429 page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "veileder.urls"
WSGI_APPLICATION = "veileder.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
            ],
        },
    },
]

DATABASE_URL = env("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/veileder")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
# With the pool, Django passes psycopg_pool's check: a pooled connection is tested before it is
# handed out, so one that a database restart or failover killed is replaced, never given to a
# reader.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# psycopg 3's pool: a new connection per request costs several times the throughput.
# Sync gunicorn workers serve one request at a time, so a small pool per worker is enough.
if env_bool("DATABASE_POOL", True):
    DATABASES["default"]["OPTIONS"] = {
        "pool": {
            "min_size": 1,
            "max_size": int(env("DATABASE_POOL_MAX_SIZE", "4")),
            # How long a request waits for a connection; with the database down, this is how
            # long /health/ready and uncached pages take to answer with 503 / the error page.
            "timeout": float(env("DATABASE_POOL_TIMEOUT", "5")),
        }
    }

REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    # django-redis rather than Django's own backend: that one builds a new redis-py client for
    # every call, which costs more than the page it fetches (measured: 0.78 ms against 0.3 ms).
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "veileder"),
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 2, "SOCKET_TIMEOUT": 2},
        },
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "veileder",
        }
    }

# django-axes first: it refuses a locked-out client before a password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    # County members' one-time links (portal/workspace/login.py). Called by name there, never
    # through authenticate(): it refuses staff, so a link never skips the second factor.
    "portal.workspace.login.CountyLinkBackend",
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

# Bokmål and nynorsk (språklova § 13 and § 14): bokmål at the unprefixed addresses, nynorsk under
# /nn/ (veileder/urls.py). The portal's own words are in locale/, compiled by the build.
LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Bokmål"), ("nn", "Nynorsk")]
# locale/ is the portal's own catalogue (makemessages writes it); locale_thirdparty/ holds, by
# hand, the bokmål that Django's admin, django-axes and django-otp lack in their own catalogues.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_thirdparty"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("DJANGO_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("designsystemet", BASE_DIR / "node_modules" / "@digdir" / "designsystemet-css" / "dist"),
    ("inter", BASE_DIR / "node_modules" / "@fontsource-variable" / "inter"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_KEEP_ONLY_HASHED_FILES = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Console locally; production sets EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend
# and the EMAIL_* variables below.
EMAIL_BACKEND_PATH = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH}}
if EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend"):  # tests read mail a server sent
    MAILERS["default"]["OPTIONS"] = {
        "file_path": env("EMAIL_FILE_PATH", str(BASE_DIR / ".local" / "mail"))
    }
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": int(env("EMAIL_PORT", "25")),
        "username": env("EMAIL_HOST_USER"),
        "password": env("EMAIL_HOST_PASSWORD"),
        "use_tls": env_bool("EMAIL_USE_TLS"),
        "timeout": 10,
    }
elif EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend"):
    # One file per message in EMAIL_FILE_PATH: for a test server in another process.
    MAILERS["default"]["OPTIONS"] = {
        "file_path": env("EMAIL_FILE_PATH", str(BASE_DIR / ".local" / "mail"))
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "ikke-svar@smartspesialisering.example")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# No script of ours reads the CSRF cookie; the Markdown editor falls back to the form's token.
CSRF_COOKIE_HTTPONLY = True
# Only staff (and a form in progress) have a session. It ends when the browser closes, or after
# STAFF_SESSION_MINUTES without a request: every request moves the expiry on.
SESSION_COOKIE_AGE = int(env("STAFF_SESSION_MINUTES", "120")) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS_ONLY:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD")
    if not SECURE_HSTS_PRELOAD:
        # Preloading commits the whole domain, subdomains included, and is the domain owner's
        # decision. Until it is made, the deployment check's reminder of it is silenced, so
        # `check --deploy --fail-level WARNING` fails on every other warning.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
# Behind a TLS-terminating proxy, and only then, its X-Forwarded-Proto and X-Forwarded-For are
# trusted; anyone can send those headers to a server that is reached directly.
BEHIND_PROXY = env_bool("DJANGO_BEHIND_PROXY")
# How many proxies of ours append to X-Forwarded-For (nginx alone: 1; a load balancer and nginx: 2).
PROXY_COUNT = int(env("DJANGO_PROXY_COUNT", "1")) if BEHIND_PROXY else 0
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# A strict Content Security Policy (Django's own middleware): scripts and styles only from this
# origin or with the response's nonce, never inline or eval. data: images are for the SVG icons
# inside Designsystemet's CSS.
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF, CSP.NONCE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "manifest-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
    "upgrade-insecure-requests": HTTPS_ONLY,
}

# Staff accounts. Two-factor login (TOTP) for the admin is required unless DEBUG is on; tests that
# are not about it switch it off. `manage.py add_totp_device USER` enrols an authenticator app.
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "Smart spesialisering"
# django-axes: after AXES_FAILURE_LIMIT failed logins for one user name from one client address,
# that pair is refused until AXES_COOLOFF_TIME has passed. Keyed on the pair so nobody can lock
# an editor out from elsewhere; spraying many user names is stopped by the second factor.
AXES_FAILURE_LIMIT = int(env("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.http.client_ip"
AXES_LOCKOUT_TEMPLATE = "admin/lockout.html"
AXES_ALLOWED_CORS_ORIGINS = SITE_URL

# The county workspace (portal/workspace/). A login link works once, for this many minutes.
# Link requests are limited per e-mail address and per client address (N/period as above).
SESAME_MAX_AGE = int(env("WORKSPACE_LINK_MINUTES", "15")) * 60
SESAME_ONE_TIME = True
SESAME_TOKENS = ["sesame.tokens_v2"]
SESAME_INVALIDATE_ON_PASSWORD_CHANGE = True
WORKSPACE_LINK_RATE_PER_ADDRESS = env("WORKSPACE_LINK_RATE_PER_ADDRESS", "3/15m")
WORKSPACE_LINK_RATE_PER_CLIENT = env("WORKSPACE_LINK_RATE_PER_CLIENT", "20/h")
# Days a member's login record is kept (/personvern/ says so).
WORKSPACE_LOGIN_RECORD_DAYS = int(env("WORKSPACE_LOGIN_RECORD_DAYS", "365"))
# The counties' reports (PDF): private files, served only to those who may read them.
WORKSPACE_REPORT_DIR = Path(
    env("WORKSPACE_REPORT_DIR", str(BASE_DIR / ".local" / "workspace-reports"))
)

# Django admin's delete confirmation and the import report can list many objects.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Innspill (portal/feedback/). Submissions per client address (portal.http.client_ip) and period,
# counted in PostgreSQL (portal/feedback/ratelimit.py), so one count for all workers and instances,
# with or without REDIS_URL: N/s, N/m, N/h, N/d.
FEEDBACK_RATE_LIMIT = env("FEEDBACK_RATE_LIMIT", "10/h")
# Days after which `purge_feedback` deletes spam and rejected input. /personvern/ says 90, and a
# deploy check (portal/checks.py) says so when the two differ.
FEEDBACK_RETENTION_DAYS = int(env("FEEDBACK_RETENTION_DAYS", "90"))
# Letters as PDF attached to input (portal/feedback/attachments.py). Kept outside MEDIA_ROOT, in
# a folder only the app reads; served to caseworkers as downloads, never by the web server.
ATTACHMENT_ROOT = Path(env("ATTACHMENT_ROOT", str(BASE_DIR / ".local" / "attachments")))
ATTACHMENT_MAX_FILES = 3
ATTACHMENT_MAX_BYTES = int(float(env("ATTACHMENT_MAX_MB", "10")) * 1024 * 1024)
# A request larger than this is refused before its body is read (three full files and the text).
FEEDBACK_MAX_REQUEST_BYTES = ATTACHMENT_MAX_FILES * ATTACHMENT_MAX_BYTES + 2 * 1024 * 1024
# The child process that parses a PDF (portal/feedback/pdf_worker.py) runs with these limits.
ATTACHMENT_WORKER_CPU_SECONDS = int(env("ATTACHMENT_WORKER_CPU_SECONDS", "30"))
ATTACHMENT_WORKER_MEMORY_MB = int(env("ATTACHMENT_WORKER_MEMORY_MB", "768"))
ATTACHMENT_WORKER_OUTPUT_MB = 64
ATTACHMENT_CHECK_TIMEOUT = float(env("ATTACHMENT_CHECK_TIMEOUT", "15"))
ATTACHMENT_SANITISE_TIMEOUT = float(env("ATTACHMENT_SANITISE_TIMEOUT", "60"))
# ClamAV: the path of clamd's Unix socket; unset, files are not scanned for viruses.
CLAMD_SOCKET = env("CLAMD_SOCKET", "")
CLAMD_TIMEOUT = float(env("CLAMD_TIMEOUT", "30"))
# "Var denne siden nyttig?" (portal/feedback/page_rating.py): answers per client address and
# period, and the days a comment is kept before `purge_feedback` blanks it (/personvern/ says 90).
PAGE_RATING_RATE_LIMIT = env("PAGE_RATING_RATE_LIMIT", "30/h")
PAGE_RATING_COMMENT_DAYS = int(env("PAGE_RATING_COMMENT_DAYS", "90"))
# A form whose CSRF check fails gets a Norwegian page that says how to send it again.
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"

# Content in both written forms (portal/translation.py): one row per object with `_nb` and `_nn`
# fields. Bokmål is required; a field without nynorsk text is read in bokmål.
# The forms are named here as well as in LANGUAGES: nynorsk is read at its own addresses (/nn/,
# veileder/urls.py), and an unprefixed address is bokmål whatever the browser prefers, so the
# page cache never keeps nynorsk text at a bokmål address (tests/test_i18n.py).
MODELTRANSLATION_LANGUAGES = ("nb", "nn")
MODELTRANSLATION_DEFAULT_LANGUAGE = "nb"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("nb",)
# Slugs come from the bokmål title, whichever language the editor's admin is in.
MODELTRANSLATION_PREPOPULATE_LANGUAGE = "nb"


def _field_label(name: str, language: str) -> str:  # "tittel (nynorsk)" in the admin
    return f"{name} ({ {'nb': 'bokmål', 'nn': 'nynorsk'}[language] })"


MODELTRANSLATION_BUILD_LOCALIZED_VERBOSE_NAME = _field_label

MARKDOWNX_MARKDOWNIFY_FUNCTION = "portal.markdown.render_markdown"
MARKDOWNX_UPLOAD_MAX_SIZE = 5 * 1024 * 1024
MARKDOWNX_UPLOAD_CONTENT_TYPES = ["image/jpeg", "image/png"]
MARKDOWNX_MEDIA_PATH = "opplastinger/"
MARKDOWNX_URLS_PATH = "/admin/markdownx/markdownify/"
MARKDOWNX_UPLOAD_URLS_PATH = "/admin/markdownx/upload/"

# Full-page cache for anonymous readers (portal/cache.py). Browsers and a CDN may keep a page for
# PAGE_CACHE_MAX_AGE seconds and serve it stale while they fetch a new one.
PAGE_CACHE_ENABLED = env_bool("PAGE_CACHE_ENABLED", True)
PAGE_CACHE_TIMEOUT = int(env("PAGE_CACHE_TIMEOUT", str(24 * 3600)))
PAGE_CACHE_MAX_AGE = int(env("PAGE_CACHE_MAX_AGE", "60"))
PAGE_CACHE_STALE_WHILE_REVALIDATE = int(env("PAGE_CACHE_STALE_WHILE_REVALIDATE", "600"))
# Without Redis, the workers on one machine share the content version through this file.
CONTENT_VERSION_FILE = Path(
    env("CONTENT_VERSION_FILE", str(BASE_DIR / ".local" / "content-version"))
)

# Background tasks (portal/tasks/): Django's django.tasks with django-tasks-db, a queue in
# PostgreSQL that every app server shares. `default` is punctual work (e-mail, later scheduled
# publishing); `pdf` is slow work (PDF builds). Each queue has its own worker process
# (`manage.py run_worker --queue NAME`), so punctual work never waits behind a PDF.
TASKS_BACKEND = env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
TASKS = {"default": {"BACKEND": TASKS_BACKEND, "QUEUES": ["default", "pdf"]}}
# A failed task is tried again up to this many attempts in all, the first retry after
# TASKS_RETRY_DELAY seconds, each further one after twice the time before.
TASKS_RETRY_ATTEMPTS = int(env("TASKS_RETRY_ATTEMPTS", "4"))
TASKS_RETRY_DELAY = int(env("TASKS_RETRY_DELAY", "30"))
# /health/ready answers 503 when a queue has had no worker seen for this many seconds, or, for a
# worker busy with one task, for TASKS_BUSY_TIMEOUT seconds since that task started.
TASKS_WORKER_TIMEOUT = int(env("TASKS_WORKER_TIMEOUT", "60"))
TASKS_BUSY_TIMEOUT = int(env("TASKS_BUSY_TIMEOUT", "900"))

CONTENT_DIR = Path(env("CONTENT_DIR", str(BASE_DIR / "content")))
# The PDFs (portal/pdf.py) are built once per version of the published content and kept here,
# shared by the workers on one machine.
PDF_CACHE_DIR = Path(env("PDF_CACHE_DIR", str(BASE_DIR / ".local" / "pdf")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # One JSON object per line on stdout (portal/json_logging.py), for a log collector to parse.
    "formatters": {"json": {"()": "portal.json_logging.JsonFormatter"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "json",
        }
    },
    "root": {"handlers": ["stdout"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs every step of every PDF at INFO.
        "weasyprint.progress": {"level": "WARNING"},
        # fontTools logs each font it subsets for a PDF at INFO.
        "fontTools": {"level": "WARNING"},
        # The worker loop (portal/tasks/worker.py) starts django-tasks-db's worker once per task;
        # its "starting" and "no more tasks" lines would fill the log every second.
        "django_tasks_db": {"level": "WARNING"},
    },
}
# django-axes announces itself at INFO in every process, management commands included; its
# warnings (failed logins, lockouts) still reach the log.
LOGGING["loggers"]["axes.apps"] = {"level": "WARNING"}
