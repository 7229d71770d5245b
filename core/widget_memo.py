"""A form renderer that renders each distinct widget once per process (the overview's filters).

A select renders every option through three small templates: the overview's month and type pickers (about
a hundred options) cost more than some figures. The HTML of a widget depends only on its template and its
context (name, value, attributes, options), so this renderer keeps it, keyed on an exact copy of that context:
the next page with the same widget in the same state gets the same HTML without rendering it. A context
holding anything but plain values (a form, a date, an object) is rendered every time, never guessed at.
"""

from typing import Any

from django.conf import settings
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.safestring import SafeData

#: Rendered widgets kept per process; emptied when full (a page has a handful, the choices change rarely).
MAX_KEPT = 2000
_UNKNOWN = object()


def frozen(value: Any) -> Any:
    """``value`` as a hashable key that differs wherever the rendered HTML could (a string marked safe from
    a plain one, ``True`` from ``1``, the order of attributes); ``_UNKNOWN`` for anything else."""
    if isinstance(value, Promise):
        value = str(value)  # a lazy translation: its text (or safe text) now
    if isinstance(value, str):
        return ("safe" if isinstance(value, SafeData) else "str", str(value))
    if value is None or type(value) in (bool, int, float):
        return (type(value).__name__, value)
    if isinstance(value, list | tuple):
        items = tuple(frozen(v) for v in value)
        return _UNKNOWN if any(i is _UNKNOWN for i in items) else (type(value).__name__, items)
    if isinstance(value, dict):
        items = tuple((frozen(k), frozen(v)) for k, v in value.items())
        return _UNKNOWN if any(k is _UNKNOWN or v is _UNKNOWN for k, v in items) else ("dict", items)
    return _UNKNOWN


#: The platform's form renderer (``FORM_RENDERER``: GOV.UK markup), whose HTML this one keeps.
ConfiguredRenderer = import_string(settings.FORM_RENDERER)


class RememberingRenderer(ConfiguredRenderer):
    """The configured form renderer, keeping each widget's HTML per template and context."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[Any, str] = {}

    def render(self, template_name: str, context: dict, request: Any = None) -> str:
        key = frozen((template_name, context)) if request is None else _UNKNOWN
        if key is _UNKNOWN:
            return super().render(template_name, context, request)
        html = self.kept.get(key)
        if html is None:
            html = super().render(template_name, context, request)
            if len(self.kept) >= MAX_KEPT:
                self.kept.clear()
            self.kept[key] = html
        return html


#: One per process, shared by the pages that use it.
RENDERER = RememberingRenderer()
