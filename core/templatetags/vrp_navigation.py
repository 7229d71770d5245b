"""``{% section_navigation visitor_role %}``: the service navigation's links for a role, rendered once per process.

Every page shows them, and building them (twenty reversed URLs and the role's conditions) cost about a
millisecond a page (``bench/overview_render.py``); they depend only on the role and the URL prefix the site is
served under, so each role's links are rendered once and kept.
"""

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix
from django.utils.safestring import SafeString, mark_safe

from core.caches import register_cache

register = template.Library()

_rendered: dict[tuple[str, str], SafeString] = {}


@register_cache
def forget_navigation() -> None:
    """Render the links again on their next use (tests that change the URLs or the template)."""
    _rendered.clear()


@register.simple_tag
def section_navigation(visitor_role: str) -> SafeString:
    """The ``<li>`` items of the service navigation that ``visitor_role`` sees
    (``templates/core/section_navigation.html``)."""
    key = (visitor_role or "", get_script_prefix())
    if key not in _rendered:
        _rendered[key] = mark_safe(render_to_string("core/section_navigation.html",  # noqa: S308 - our template
                                                    {"visitor_role": visitor_role}))
    return _rendered[key]
