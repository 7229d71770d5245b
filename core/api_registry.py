"""What each app adds to the platform's shared pages: its API paths in the OpenAPI document, and its part of
the front page.

An app registers these in its ``AppConfig.ready()``, so ``core`` and ``insights`` (which serve the front page
and the OpenAPI document) never import the apps above them: the apps come to them.

    # partners/apps.py
    def ready(self):
        from core import api_registry
        api_registry.register_paths("partners.views.OPENAPI_PATHS")
        api_registry.register_home_part(_alerts)

Paths are named by their dotted location and imported when the document is first asked for, so starting a
command does not import every app's views.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django.http import HttpRequest
from django.utils.module_loading import import_string

#: Each app's paths: a mapping of path → OpenAPI path item, or the dotted location of one, in registration order.
_REGISTERED: list[Mapping[str, dict] | str] = []
#: Functions of the request giving part of the front page's context (e.g. ``{"alerts": [...]}``).
_HOME_PARTS: list[Callable[[HttpRequest], dict[str, Any]]] = []


def register_paths(paths: Mapping[str, dict] | str) -> None:
    """Add an app's API paths (path → OpenAPI path item, or the dotted name of such a mapping) to the document."""
    if paths not in _REGISTERED:
        _REGISTERED.append(paths)


def paths() -> dict[str, dict]:
    """Every registered API path; a path two apps register differently is an error, not a silent overwrite."""
    found: dict[str, dict] = {}
    for registered in _REGISTERED:
        mapping = import_string(registered) if isinstance(registered, str) else registered
        for path, item in mapping.items():
            if path in found and found[path] != item:
                raise ValueError(f"The API path {path} is registered twice, differently.")
            found[path] = item
    return found


def openapi_document(title: str = "VRP Platform figures", version: str = "1") -> dict:
    """The OpenAPI 3.1 document of every registered path."""
    return {"openapi": "3.1.0", "info": {"title": title, "version": version}, "paths": paths()}


def register_home_part(part: Callable[[HttpRequest], dict[str, Any]]) -> None:
    """Add a function of the request whose dict is merged into the front page's context."""
    if part not in _HOME_PARTS:
        _HOME_PARTS.append(part)


def home_context(request: HttpRequest) -> dict[str, Any]:
    """The front page's context from every registered part, in registration order."""
    context: dict[str, Any] = {}
    for part in _HOME_PARTS:
        context.update(part(request))
    return context
