"""Operator settings: each declared once with its default and help text.

The settings table in docs/settings.md lists these; ``core/tests/test_settings_and_audit.py`` fails when one is missing
from that page, so a new setting cannot go undocumented.
"""

import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    help: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in [
        Setting("DATABASE_URL", "", "Operational database. Empty: SQLite at `$VRP_DATA_DIR/vrp.sqlite3` (WAL). "
                "For a shared deployment: `postgres://user@host:5432/name`."),
        Setting("VRP_DATA_DIR", "./var", "Warehouse (Parquet), uploads and ingest reports."),
        Setting("VRP_SECRET_KEY", "dev-only-insecure-key-change-me-0123456789-abcdefghijklmnop",
                "Django secret key. Must be set to a long random value in production."),
        Setting("VRP_DEBUG", "false", "Django debug pages (`true` only on a developer's machine)."),
        Setting("VRP_ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names the site answers to."),
        Setting("VRP_SECURE_COOKIES", "false", "Mark session and CSRF cookies Secure (set `true` behind HTTPS)."),
        Setting("VRP_SSL_REDIRECT", "false", "Redirect HTTP to HTTPS (set `true` behind HTTPS)."),
        Setting("VRP_HSTS_SECONDS", "0", "Strict-Transport-Security max-age; 31536000 in production."),
        Setting("VRP_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend",
                "Django email backend used for notifications."),
        Setting("VRP_PUBLIC_CACHE_SECONDS", "300", "How long an anonymous visitor's public page, and a figure's "
                "results in the shared cache, are kept at most (any change to the data retires them at once); 0 "
                "switches both caches off."),
        Setting("VRP_DUCKDB_MEMORY_LIMIT", "2GB", "Memory DuckDB may use per query before spilling to disk."),
        Setting("VRP_DUCKDB_THREADS", "2", "Threads DuckDB may use per query."),
        Setting("VRP_360GIVING_PREFIX", "360G-vrp",
                "The partnership's 360Giving identifier prefix (allocated by 360Giving); grant identifiers "
                "are this prefix, a hyphen and the project's reference."),
        Setting("VRP_POLICE_UK_BASE_URL", "https://data.police.uk",
                "Where `vrp fetch police-uk` downloads monthly archives from."),
        Setting("VRP_REGION_SOURCES", "",
                "Comma-separated addresses `vrp region setup` without `--data` downloads (the publishers' files "
                "a region needs: lookups, boundaries, population, IMD); each is recognised by its contents."),
        Setting("VRP_ARCHIVE_MAX_EXPANDED_MB", "2048",
                "Largest total an archive (.zip, .docx, .xlsx, .gz) may expand to, in MB, checked before it is "
                "read; a Word attachment is held to 100 MB besides."),
        Setting("VRP_ARCHIVE_MAX_RATIO", "100",
                "Largest expanded ÷ compressed size of an archive and of each member (past 10 MB expanded); real "
                "files are 2–21. A decompression bomb is refused unread."),
        Setting("VRP_MAX_REQUEST_MB", "2",
                "Largest request body, in MB, of any request except an upload to a page that takes files; refused "
                "(413) before it is read. Set the reverse proxy's limit (nginx `client_max_body_size`) to "
                "`VRP_MAX_UPLOAD_MB`."),
        Setting("VRP_MAX_UPLOAD_MB", "25",
                "Largest request body, in MB, of an upload, accepted only on the pages that take files and only "
                "from the signed-in roles that may use them."),
        Setting("VRP_SHARED_CACHE_URL", "",
                "Store shared by every worker for sign-in and submission counters. Empty: the database (the "
                "`vrp_shared_cache` table, made by `vrp migrate`); `redis://127.0.0.1:6379/1` for Redis."),
        Setting("VRP_TRUSTED_PROXIES", "0",
                "Reverse proxies in front of the app that append the client's address to X-Forwarded-For (1 "
                "behind one nginx); 0 takes the connection's address. Limits per client address use it."),
        Setting("VRP_SUBMISSIONS_PER_HOUR", "10",
                "Directory submissions one client address may make anonymously per hour (signed-in users are not "
                "limited); more are refused (429)."),
        Setting("VRP_SIGN_IN_FAILURES", "5",
                "Failed sign-ins for one username from one address before that pair is refused for "
                "`VRP_SIGN_IN_LOCKOUT_MINUTES` (the sign-in page and the admin's alike)."),
        Setting("VRP_SIGN_IN_FAILURES_PER_ADDRESS", "20",
                "Failed sign-ins from one address, across all usernames (password spraying), before the address "
                "is refused for `VRP_SIGN_IN_LOCKOUT_MINUTES`."),
        Setting("VRP_SIGN_IN_LOCKOUT_MINUTES", "15", "How long failed sign-ins are counted and a refusal lasts."),
        Setting("VRP_SESSION_IDLE_MINUTES", "30",
                "A signed-in session ends after this many minutes without a request."),
        Setting("VRP_PASSWORD_RESET_MINUTES", "60", "How long a password reset link sent by email works."),
        Setting("VRP_FROM_EMAIL", "vrp-platform@localhost",
                "The sender of the platform's emails (password resets, incident actions)."),
        Setting("VRP_SOURCE_DISCLOSURE", "",
                "Disclosure class of sources, e.g. `ed=controlled,police=open`. Unset: police.uk data is open "
                "(published in full) and every other source is controlled (public only through the public "
                "release)."),
        Setting("VRP_MAX_ROWS", "100000", "Most rows one figure download or API answer carries; a longer one is "
                "cut there and says so."),
        Setting("VRP_ATTENDEE_KEY", "dev-only-attendee-key-change-me-0123456789",
                "Secret key of the keyed hash (HMAC-SHA256) of professionals' emails that counts each person "
                "once a year. Set it once to a long random value and keep it: a new key counts everyone again."),
        Setting("VRP_TRAINING_PERSONAL_DATA_DAYS", "90",
                "Days after a session that attendees' names and emails are kept (for certificates and "
                "follow-up); `vrp events remove-personal-data`, run daily from cron, removes them after that."),
        Setting("VRP_BASEMAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
                "Basemap tile URL template under the maps (`{z}/{x}/{y}`); its origin is added to the pages' "
                "Content-Security-Policy `img-src`. Empty: no basemap (offline, tests), the maps draw a plain "
                "outline of the local authorities instead."),
        Setting("VRP_BASEMAP_ATTRIBUTION", "© OpenStreetMap contributors",
                "Attribution shown on the maps for the basemap tiles (required by OpenStreetMap's tile policy)."),
    ]
}


def env_str(name: str) -> str:
    """The value of setting ``name`` from the environment, or its declared default."""
    return os.environ.get(name, SETTINGS[name].default)


def env_bool(name: str) -> bool:
    """Setting ``name`` read as a boolean (``true``, ``1``, ``yes``, ``on``)."""
    return env_str(name).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    """Setting ``name`` read as a comma-separated list."""
    return [part.strip() for part in env_str(name).split(",") if part.strip()]
