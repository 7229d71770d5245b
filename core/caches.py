"""One register of the caches the platform keeps in memory, so that all of them can be forgotten at once.

A process keeps some answers between requests (the area tables, the LSOA spatial index, the public releases,
the figures' in-memory database, the evidence facets), each keyed on the data it was built from. Tests switch
databases and data folders under one process, where those keys can repeat with other data behind them, so the
test fixtures forget every registered cache before each test (:func:`clear_caches`). A cache that is not
registered here is a test that passes or fails depending on the order the tests run in;
``core/tests/test_caches.py`` fails when a ``functools`` cache is not registered.

Register a ``functools.lru_cache``-wrapped function by decorating it (``@register_cache`` above
``@lru_cache``), or register a function that empties a cache of another kind (``register_cache(reset)``).
"""

from collections.abc import Callable
from typing import TypeVar

Registered = TypeVar("Registered", bound=Callable)

_clearers: dict[str, Callable[[], None]] = {}


def register_cache(cache: Registered) -> Registered:
    """Register ``cache`` (an ``lru_cache``-wrapped function, or a function that empties a cache) so that
    :func:`clear_caches` empties it; returns it unchanged, so it can be used as a decorator."""
    clear = getattr(cache, "cache_clear", cache)
    _clearers[f"{cache.__module__}.{cache.__qualname__}"] = clear
    return cache


def registered() -> list[str]:
    """The registered caches' dotted names."""
    return sorted(_clearers)


def clear_caches() -> None:
    """Empty every registered cache in this process."""
    for clear in list(_clearers.values()):
        clear()
