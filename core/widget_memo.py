"""A form renderer that renders each distinct widget once per process (the overview's filters), and a select
that does not even build its options again (``RememberedSelect``).

A select renders every option through three small templates: the overview's month and type pickers (about
a hundred options) cost more than some figures. The HTML of a widget depends only on its template and its
context (name, value, attributes, options), so this renderer keeps it, keyed on an exact copy of that context:
the next page with the same widget in the same state gets the same HTML without rendering it. A context
holding anything but plain values (a form, a date, an object) is rendered every time, never guessed at.
"""

import io
import pickle
from typing import Any

from django import forms
from django.conf import settings
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.safestring import SafeData, SafeString

#: Rendered widgets kept per process; emptied when full (a page has a handful, the choices change rarely).
MAX_KEPT = 2000
_UNKNOWN = object()


class _NotPlain(Exception):
    """A value the key cannot vouch for (a form, a date, an object): the widget is rendered every time."""


class _KeyPickler(pickle.Pickler):
    """Pickles plain values as they are (Python's C pickler handles str, int, float, bool, None, lists, tuples
    and dicts itself, in order, telling ``True`` from ``1`` and a list from a tuple); this method is asked
    about everything else."""

    def reducer_override(self, value: Any) -> Any:
        if isinstance(value, SafeData):  # marked safe: not escaped, so other HTML than the same text unmarked
            return (SafeString, (str.__str__(value),))
        if isinstance(value, Promise):  # a lazy translation: its text (or safe text) now
            return (_text, (str(value),))
        raise _NotPlain


def _text(value: str) -> str:
    return value


def frozen(value: Any) -> Any:
    """``value`` as a key that differs wherever the rendered HTML could (a string marked safe from a plain one,
    ``True`` from ``1``, the order of attributes): its pickle, whose bytes are equal only for equal plain
    values of the same types. ``_UNKNOWN`` for a value holding anything else."""
    buffer = io.BytesIO()
    try:
        _KeyPickler(buffer, pickle.HIGHEST_PROTOCOL).dump(value)
    except (_NotPlain, pickle.PicklingError, TypeError):
        return _UNKNOWN
    return buffer.getvalue()


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


class RememberedSelect(forms.Select):
    """A select whose HTML is kept per process for each name, value, attributes and choices: the renderer above
    keeps the HTML of a context, but Django still builds that context, one dictionary per option (the overview's
    month pickers offer a hundred months each). A select in the same state as before is not built again.
    Choices or attributes holding anything but plain values are rendered every time, as by the renderer."""

    kept: dict[Any, str] = {}

    def render(self, name: str, value: Any, attrs: dict | None = None, renderer: Any = None) -> SafeString:
        key = frozen((type(self).__qualname__, self.template_name, self.option_template_name, name, value,
                      self.attrs, attrs, self.is_required, self.allow_multiple_selected, list(self.choices)))
        if key is _UNKNOWN:
            return super().render(name, value, attrs, renderer)
        html = self.kept.get(key)
        if html is None:
            html = super().render(name, value, attrs, renderer)
            if len(self.kept) >= MAX_KEPT:
                self.kept.clear()
            self.kept[key] = html
        return html
