"""Settings for VRP Platform.

Every setting that an operator may change comes from an environment variable, declared once in
``vrp.config.SETTINGS`` with its default and help text (docs/settings.md's table is generated from it,
and a test fails if one is undocumented).
"""

from pathlib import Path

import dj_database_url

from vrp.config import env_bool, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = env_str("VRP_SECRET_KEY")
DEBUG = env_bool("VRP_DEBUG")
ALLOWED_HOSTS = env_list("VRP_ALLOWED_HOSTS")

# Where the warehouse (Parquet), uploads and ingest reports live.
VRP_DATA_DIR = Path(env_str("VRP_DATA_DIR")).resolve()
VRP_DATA_DIR.mkdir(parents=True, exist_ok=True)
VRP_DUCKDB_MEMORY_LIMIT = env_str("VRP_DUCKDB_MEMORY_LIMIT")
VRP_DUCKDB_THREADS = int(env_str("VRP_DUCKDB_THREADS"))
VRP_POLICE_UK_BASE_URL = env_str("VRP_POLICE_UK_BASE_URL")
VRP_REGION_SOURCES = env_list("VRP_REGION_SOURCES")
VRP_360GIVING_PREFIX = env_str("VRP_360GIVING_PREFIX")
VRP_PUBLIC_CACHE_SECONDS = int(env_str("VRP_PUBLIC_CACHE_SECONDS"))
VRP_ARCHIVE_MAX_EXPANDED_MB = int(env_str("VRP_ARCHIVE_MAX_EXPANDED_MB"))
VRP_ARCHIVE_MAX_RATIO = float(env_str("VRP_ARCHIVE_MAX_RATIO"))
VRP_MAX_REQUEST_BYTES = int(float(env_str("VRP_MAX_REQUEST_MB")) * 1024 * 1024)
VRP_MAX_UPLOAD_BYTES = int(float(env_str("VRP_MAX_UPLOAD_MB")) * 1024 * 1024)
VRP_TRUSTED_PROXIES = int(env_str("VRP_TRUSTED_PROXIES"))
VRP_SUBMISSIONS_PER_HOUR = int(env_str("VRP_SUBMISSIONS_PER_HOUR"))
VRP_SIGN_IN_FAILURES = int(env_str("VRP_SIGN_IN_FAILURES"))
VRP_SIGN_IN_FAILURES_PER_ADDRESS = int(env_str("VRP_SIGN_IN_FAILURES_PER_ADDRESS"))
VRP_SIGN_IN_LOCKOUT_SECONDS = int(env_str("VRP_SIGN_IN_LOCKOUT_MINUTES")) * 60
VRP_SOURCE_DISCLOSURE = env_str("VRP_SOURCE_DISCLOSURE")
VRP_MAX_ROWS = int(env_str("VRP_MAX_ROWS"))
VRP_ATTENDEE_KEY = env_str("VRP_ATTENDEE_KEY")
VRP_TRAINING_PERSONAL_DATA_DAYS = int(env_str("VRP_TRAINING_PERSONAL_DATA_DAYS"))
# Basemap under the maps: OpenStreetMap's tiles unless set empty (offline and in tests: a plain outline instead).
VRP_BASEMAP_TILES = env_str("VRP_BASEMAP_TILES")
VRP_BASEMAP_ATTRIBUTION = env_str("VRP_BASEMAP_ATTRIBUTION")
# Each worker keeps its own rendered pages; the data version that retires them is in the database, so
# every worker sees a change at once. Counters that must add up across workers (sign-in failures,
# submissions per address) live in the "shared" cache: the database by default, so one machine needs no other
# server; Redis when VRP_SHARED_CACHE_URL names one.
VRP_SHARED_CACHE_URL = env_str("VRP_SHARED_CACHE_URL")
SHARED_CACHE_TABLE = "vrp_shared_cache"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "vrp-pages",
                "OPTIONS": {"MAX_ENTRIES": 5000}},
    "shared": ({"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": VRP_SHARED_CACHE_URL}
               if VRP_SHARED_CACHE_URL.startswith(("redis://", "rediss://", "unix://"))
               else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": SHARED_CACHE_TABLE,
                     "OPTIONS": {"MAX_ENTRIES": 100_000}}),
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    # The form renderer finds Django's own widget templates through this app (see FORM_RENDERER).
    "django.forms",
    "core",
    "geography",
    "insights",
    "commissioning",
    "monitoring",
    "evidence",
    "incidents",
    "reports",
    "places",
    "strategy",
    "engagement",
    "partners",
    # Last: `vrp demo` builds the demonstration region from every app above.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Anonymous visitors' public pages, kept until the data changes (before sessions: a hit costs one query).
    "core.public_cache.PublicPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Bodies over the route's limit are refused before anything (the CSRF check) reads and spools them.
    "core.request_limits.RequestBodyLimitMiddleware",
    # A signed-in session ends after VRP_SESSION_IDLE_MINUTES without a request.
    "core.sessions.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Deny by default: a view that does not declare its roles answers 403 to everyone.
    "core.access.DenyByDefaultMiddleware",
    # A rejected input that reaches no form answers 400 with its problems, never 500.
    "core.rejections.InputRejectedMiddleware",
]

ROOT_URLCONF = "vrp.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.platform",
            ],
        },
    },
]

# Forms render through the project's templates, so templates/django/forms/ gives every form GOV.UK Frontend
# markup (govuk-form-group, govuk-label, govuk-input, govuk-error-message) without each template spelling it out.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

WSGI_APPLICATION = "vrp.wsgi.application"

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{VRP_DATA_DIR / 'vrp.sqlite3'}",
        conn_max_age=60,
        # A kept connection is checked before each request, so the app carries on after the database
        # server restarts instead of failing the first request on every worker.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while an ingest commits; the busy timeout waits out a writer.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(VRP_DATA_DIR / "test-vrp.sqlite3")}

AUTH_USER_MODEL = "core.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VRP_DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
# WhiteNoise serves static files from the apps' folders too, so `make run` needs no collectstatic;
# a production deployment runs `vrp collectstatic` once per release all the same.
WHITENOISE_USE_FINDERS = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Request bodies: every route is held to VRP_MAX_REQUEST_BYTES, a route that takes files to
# VRP_MAX_UPLOAD_BYTES for the roles that may use it, before the body is read (core.request_limits). Form
# fields (not files) are held to the smaller limit by Django too; files up to 2.5 MB stay in memory and
# larger ones are spooled to disk, never more than the route's limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = VRP_MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FILES = 10

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# A failed CSRF check answers in the one error shape, as JSON on the API (core.errors), not Django's bare page.
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("VRP_SECURE_COOKIES")
    CSRF_COOKIE_SECURE = env_bool("VRP_SECURE_COOKIES")
    SECURE_SSL_REDIRECT = env_bool("VRP_SSL_REDIRECT")
    SECURE_HSTS_SECONDS = int(env_str("VRP_HSTS_SECONDS"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
    SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0

EMAIL_BACKEND = env_str("VRP_EMAIL_BACKEND")
DEFAULT_FROM_EMAIL = env_str("VRP_FROM_EMAIL")
PASSWORD_RESET_TIMEOUT = int(env_str("VRP_PASSWORD_RESET_MINUTES")) * 60

# A signed-in session ends after VRP_SESSION_IDLE_MINUTES without a request: the expiry is moved on as the
# user works (core.sessions, at most once a minute, not a write per request).
SESSION_COOKIE_AGE = int(env_str("VRP_SESSION_IDLE_MINUTES")) * 60
SESSION_COOKIE_SAMESITE = "Lax"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"vrp": {"handlers": ["console"], "level": "INFO", "propagate": False}},
}
