"""Cached public pages: anonymous visitors' GET requests to public views, kept until the data changes.

The public dashboards are the same for every anonymous visitor, and rendering one runs a dozen figure
queries; so the rendered response is kept in the cache under the URL, the htmx headers and the data
version. The version (``core.DataVersion``, one row read per request) changes after every successful
write request and every management command (imports, ingests, restores), so no visitor sees a page older
than the data. A change made any other way (a Python shell) shows once the entry expires, after
``VRP_PUBLIC_CACHE_SECONDS`` (0 switches the cache off). Signed-in users (anyone with a session cookie)
always get a fresh page: their figures depend on who they are.
"""

import hashlib
import secrets
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from core.models import DataVersion

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def public_page(view: Callable) -> Callable:
    """Mark a view whose anonymous response may be cached (it must depend only on the URL and the data)."""
    view.public_cache = True
    return view


def data_version() -> int:
    return DataVersion.objects.values_list("number", flat=True).first() or 0


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


def _cacheable(request: HttpRequest) -> bool:
    if settings.VRP_PUBLIC_CACHE_SECONDS <= 0 or request.method not in ("GET", "HEAD"):
        return False
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    try:
        match = resolve(request.path_info)
    except Resolver404:
        return False
    return getattr(match.func, "public_cache", False)


def _key(request: HttpRequest) -> str:
    parts = [str(data_version()), request.method, request.get_full_path(), request.headers.get("HX-Request", ""),
             request.headers.get("HX-Target", "")]
    return "vrp:page:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


class PublicPageCacheMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not _cacheable(request):
            response = self.get_response(request)
            if request.method not in SAFE_METHODS and response.status_code < 400:
                bump_data_version()
            return response
        key = _key(request)
        cached = cache.get(key)
        if cached is not None:
            cached["X-VRP-Cache"] = "hit"
            return cached
        response = self.get_response(request)
        # Only a complete, cookie-free success is shared: never a session or CSRF cookie, never a stream.
        if response.status_code == 200 and not response.cookies and not response.streaming:
            cache.set(key, response, settings.VRP_PUBLIC_CACHE_SECONDS)
        return response
