"""The platform's URL map, walked: every route with its view (Django's admin left out), and a route made
concrete with example arguments, for the tests that visit every page."""

from django.urls import URLPattern, URLResolver, get_resolver

from core.access import EXEMPT_NAMESPACES, is_exempt


def walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name in EXEMPT_NAMESPACES:
                continue  # Django's admin: staff only, by its own permission system (tested below)
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def platform_views():
    return [(route, p) for route, p in walk(get_resolver().url_patterns) if not is_exempt(p.callback)]


EXAMPLE_ARGUMENTS = {"<str:fmt>": "csv", "<slug:name>": "trend", "<slug:level>": "lad",
                     "<slug:identifier>": "P-1", "<str:period>": "2024-04-01"}


def concrete(route: str, extra: dict[str, str] | None = None) -> str:
    for pattern, example in (extra or {}).items():
        route = route.replace(pattern, example)
    if "360giving" in route:
        route = route.replace("<str:fmt>", "json")  # the standard comes as JSON or XLSX, not CSV
    for pattern, example in EXAMPLE_ARGUMENTS.items():
        route = route.replace(pattern, example)
    return "/" + route
