"""Lookups remembered for one reading request: asked for dozens of times a page, answered once.

A page's figures ask for the current region, the warehouse's files and the geography version many times over;
each is one database query, and together they cost more than the figures. During a GET or HEAD request
``memo(name, compute)`` computes each once; outside one (commands, tests calling services, a POST, which may
change what it reads) it computes every time, so nothing can go stale.
"""

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.core.signals import request_finished, request_started

#: The current reading request's remembered values (and what to run at its end); None outside one.
_request: ContextVar[dict | None] = ContextVar("vrp_request_memo", default=None)


def _started(sender: object, environ: dict | None = None, **kwargs: Any) -> None:
    method = (environ or {}).get("REQUEST_METHOD", "GET")
    _request.set({"values": {}, "at_end": []} if method in ("GET", "HEAD") else None)


def _finished(sender: object, **kwargs: Any) -> None:
    state = _request.get()
    _request.set(None)
    for callback in (state or {}).get("at_end", []):
        callback()


request_started.connect(_started, dispatch_uid="vrp_request_memo_started")
request_finished.connect(_finished, dispatch_uid="vrp_request_memo_finished")


def current() -> dict | None:
    """The reading request's own dictionary (for a module keeping more than values), or None outside one."""
    return _request.get()


def memo(name: Hashable, compute: Callable[[], Any]) -> Any:
    """``compute()``, once per reading request under ``name`` (a string, or a tuple naming a query: cheaper to
    hash than its ``repr``); every time outside one. The value is shared within the request: callers must not
    change it."""
    state = _request.get()
    if state is None:
        return compute()
    values = state["values"]
    if name not in values:
        values[name] = compute()
    return values[name]


def at_end(callback: Callable[[], None]) -> bool:
    """Run ``callback`` when the reading request ends (after its response is sent); False outside one."""
    state = _request.get()
    if state is None:
        return False
    state["at_end"].append(callback)
    return True


@contextmanager
def reading() -> Iterator[None]:
    """Treat what runs inside as one reading request (a command that reads as pages do, such as warming the
    figure cache): values remembered once, and the ``at_end`` callbacks run when it ends (the figure cache
    then writes its new results in one transaction, not one each). Nothing may be written inside it that the
    same block reads back."""
    token = _request.set({"values": {}, "at_end": []})
    try:
        yield
    finally:
        state = _request.get()
        _request.reset(token)
        for callback in (state or {}).get("at_end", []):
            callback()
