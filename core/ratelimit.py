"""Counting what a client does, in a store every worker shares: sign-in failures, anonymous submissions.

Counts live in Django's "shared" cache (``VRP_SHARED_CACHE_URL``: the database by default, Redis if set). A
count is kept until ``window_seconds`` pass with no new event (each event restarts the wait), so a lock-out
lasts that long after the last attempt, and a steady trickle is counted as surely as a burst. With Redis an
increment is atomic; with the database cache two requests at the same instant may each count once, so a
limit may be passed by the number of workers at most, never by more.

A client is its address (``client_address``): the connection's, or the one the trusted reverse proxies
put in X-Forwarded-For (``VRP_TRUSTED_PROXIES``); an IPv6 address counts by its /64 network, which one
home or phone is given.

If the store cannot be reached the event is allowed and the failure logged: a limit is a brake on abuse, and
a broken brake must not lock every user out of the site.
"""

import hashlib
import ipaddress
import logging

from django.conf import settings
from django.core.cache import caches
from django.http import HttpRequest

log = logging.getLogger("vrp.ratelimit")


def client_address(request: HttpRequest) -> str:
    """The client's address: the connection's, or the one ``VRP_TRUSTED_PROXIES`` proxies vouch for.

    Each trusted proxy appends the address it saw to X-Forwarded-For, so with n proxies the client is the
    n-th entry from the right (entries further left were written by the client and prove nothing).
    """
    address = request.META.get("REMOTE_ADDR", "")
    hops = settings.VRP_TRUSTED_PROXIES
    if hops > 0:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            address = forwarded[-hops]
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def _key(scope: str, subject: str) -> str:
    digest = hashlib.sha256(subject.encode("utf-8", errors="replace")).hexdigest()[:32]
    return f"vrp:rate:{scope}:{digest}"


def count(scope: str, subject: str) -> int:
    """How many events ``subject`` has had in ``scope`` (0 once the window passed, or if the store is down)."""
    try:
        return int(caches["shared"].get(_key(scope, subject), 0))
    except Exception:  # noqa: BLE001 - a store that cannot be reached counts nothing (see the module's docstring)
        log.exception("the shared cache could not be read; %s is not being limited", scope)
        return 0


def add(scope: str, subject: str, window_seconds: int) -> int:
    """Count one more event for ``subject`` in ``scope``, kept ``window_seconds`` from now; returns the count."""
    store = caches["shared"]
    key = _key(scope, subject)
    try:
        store.add(key, 0, window_seconds)
        try:
            total = int(store.incr(key))
        except ValueError:  # expired between add and incr
            store.set(key, 1, window_seconds)
            return 1
        # (The database cache's increment rewrites the entry with the cache's default expiry: set it again.)
        store.touch(key, window_seconds)
        return total
    except Exception:  # noqa: BLE001 - see the module's docstring
        log.exception("the shared cache could not be written; %s is not being limited", scope)
        return 0


def reset(scope: str, subject: str) -> None:
    """Forget ``subject``'s events in ``scope``."""
    try:
        caches["shared"].delete(_key(scope, subject))
    except Exception:  # noqa: BLE001 - see the module's docstring
        log.exception("the shared cache could not be written")
