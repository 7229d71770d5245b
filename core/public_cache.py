"""Cached public pages: anonymous visitors' GET requests to public views, kept until the data changes.

The public dashboards are the same for every anonymous visitor, and rendering one runs a dozen figure
queries; so the rendered response is kept in the cache under the URL, the htmx headers and the data
version. The version (``core.DataVersion``, one row read per request) changes when a request writes to a
table that pages are made from, and after every management command (imports, ingests, restores), so no
visitor sees a page older than the data. A change made any other way (a Python shell) shows once the entry
expires, after ``VRP_PUBLIC_CACHE_SECONDS`` (0 switches the cache off).

Only a change to data retires pages: a request that writes only sessions, the audit log, sign-in counters
or users (a sign-in, failed or not; a password reset) leaves the version alone, so a stream of failed
sign-ins cannot empty the cache. Signed-in users always get a fresh page (their figures depend on who they
are); a session cookie that names no session, or an empty one, is anonymous, so a made-up cookie cannot
bypass the cache either.
"""

import hashlib
import re
import secrets
from collections.abc import Callable
from contextlib import ExitStack
from importlib import import_module
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from core.models import DataVersion

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
#: Tables no public page is made from: writing them does not retire cached pages.
NOT_DATA_TABLES = frozenset({"django_session", "django_admin_log", "core_auditentry", "core_dataversion",
                             "core_user", "core_user_groups", "core_user_user_permissions"})
NOT_DATA_PREFIXES = ("auth_",)
_WRITE = re.compile(r"^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?)"
                    r"\s+[\"`]?([\w.]+)", re.IGNORECASE)


def public_page(view: Callable | None = None, *, params: tuple[str, ...] | None = None) -> Callable:
    """Mark a view whose anonymous response may be cached (it must depend only on the URL and the data).

    With ``params``, the view declares the only query parameters it reads (``()``: none), and the cache keys
    on those alone: a made-up parameter added to the address (``?r=1234``) then finds the cached response
    instead of computing the page again. Declare it only for a view whose response never shows its query
    string (links that repeat the filters would carry the first visitor's made-up parameter to everyone)."""

    def mark(marked: Callable) -> Callable:
        marked.public_cache = True
        marked.public_params = None if params is None else tuple(sorted(params))
        return marked

    return mark(view) if view is not None else mark


def data_version() -> int:
    """The current data version: read once per reading request (the page cache's key and the figure cache's
    keys both name it); every time outside one."""
    from core.request_memo import memo

    return memo("data version", _data_version)


def _data_version() -> int:
    from core.plain_reads import values

    found = values(DataVersion, ["number"], order=["id"], limit=1)
    return (found[0][0] if found else 0) or 0


def bump_data_version() -> None:
    """Mark the data changed, retiring every cached public page.

    The version is a fresh random number, not a count, so that a restored backup (which brings back an old
    version) can never match pages cached before the restore.
    """
    number = secrets.randbits(62)
    try:
        if not DataVersion.objects.filter(pk=1).update(number=number):
            DataVersion.objects.update_or_create(pk=1, defaults={"number": number})
    except DatabaseError:
        pass  # no tables yet (before the first migrate): no page can have been cached either


def _cache_tables() -> set[str]:
    return {c["LOCATION"] for c in settings.CACHES.values() if c["BACKEND"].endswith("DatabaseCache")}


def changes_data(sql: str) -> bool:
    """Whether an SQL statement writes a table that public pages are made from."""
    match = _WRITE.match(sql)
    if match is None:
        return False
    table = match[1].split(".")[-1].lower()
    return not (table in NOT_DATA_TABLES or table.startswith(NOT_DATA_PREFIXES) or table in _cache_tables())


class _WriteWatcher:
    """A database execute wrapper noting whether a request wrote data (any statement, ORM or raw)."""

    def __init__(self) -> None:
        self.changed = False

    def __call__(self, execute: Callable, sql: str, params: object, many: bool, context: dict) -> object:
        if not self.changed and changes_data(sql):
            self.changed = True
        return execute(sql, params, many, context)


def _anonymous(request: HttpRequest) -> bool:
    """Whether the request is anonymous: no session cookie, or one naming no (or an empty) session.

    A cookie naming no session is then dropped from the request, so the response is the anonymous one
    (Django would otherwise answer with a cookie deletion, which cannot be shared).
    """
    key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not key:
        return True
    if import_module(settings.SESSION_ENGINE).SessionStore(key).load():
        return False
    del request.COOKIES[settings.SESSION_COOKIE_NAME]
    return True


def _cacheable(request: HttpRequest) -> Callable | None:
    """The view, when the request's response may come from (and go to) the page cache."""
    if settings.VRP_PUBLIC_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return None
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return None
    return match.func if getattr(match.func, "public_cache", False) and _anonymous(request) else None


def _key(request: HttpRequest, view: Callable) -> str:
    params = getattr(view, "public_params", None)
    if params is None:
        address = request.get_full_path()
    else:  # only the parameters the view reads, in a fixed order
        address = request.path + "?" + urlencode([(k, v) for k in params for v in request.GET.getlist(k)])
    parts = [str(data_version()), request.method, address, request.headers.get("HX-Request", ""),
             request.headers.get("HX-Target", "")]
    return "vrp:page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method not in SAFE_METHODS:
            watcher = _WriteWatcher()
            with ExitStack() as stack:
                for alias in connections:
                    stack.enter_context(connections[alias].execute_wrapper(watcher))
                response = self.get_response(request)
            if watcher.changed:
                bump_data_version()
            return response
        view = _cacheable(request)
        if view is None:
            return self.get_response(request)
        key = _key(request, view)
        cached = cache.get(key)
        if cached is not None:
            cached["X-VRP-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        # Only a complete, cookie-free success is shared: never a session or CSRF cookie, never a stream.
        if response.status_code == 200 and not response.cookies and not response.streaming:
            cache.set(key, response, settings.VRP_PUBLIC_CACHE_SECONDS)
        return response
