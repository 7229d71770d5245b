"""``{% path "insights:map" "lad" %}``: a named view's address, reversed once per process; and
``{% asset "css/vrp.css" %}``: a static file's address (``{% static %}``), looked up once per process.

Django's ``{% url %}`` reverses on every render, about 0.1 ms each; the overview names a dozen fixed addresses
on every page. An address that depends only on the view's name, its fixed arguments and the prefix the site is
served under is the same on every request, so it is kept (``fixed_path``). Use ``{% url %}`` where an argument
comes from the data (a story's slug): those would fill the cache with one entry each.
"""

from functools import lru_cache

from django import template
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse

from core.caches import register_cache

register = template.Library()


@register.simple_tag(name="path")
def path_tag(name: str, *args: str) -> str:
    """The address of the view ``name`` with the fixed ``args`` (e.g. ``{% path "insights:map" "lad" %}``)."""
    return fixed_path(name, *args)


def fixed_path(name: str, *args: str) -> str:
    """``reverse(name, args=args)``, kept per process for each name, arguments and script prefix."""
    return _reversed(name, tuple(str(a) for a in args), get_script_prefix())


@register_cache
@lru_cache(maxsize=1024)
def _reversed(name: str, args: tuple[str, ...], prefix: str) -> str:
    return reverse(name, args=list(args))


@register.simple_tag
def asset(path: str) -> str:
    """``{% static path %}``, kept per process: the static files' manifest (their hashed names) does not change
    while a process runs, and every page names eight of them."""
    return _static(path)


@register_cache
@lru_cache(maxsize=512)
def _static(path: str) -> str:
    return static(path)
