"""The figure registry: every figure the platform publishes, as one object, rendered by one renderer.

A **figure** (``Figure``) carries its computation, its columns with labels and units in the users' words, its
chart and its disclosure class. Views, the API, the CLI and the reports ask the registry for a figure's rows and
hand them to the one renderer (``core.render``), which answers in HTML, CSV, JSON, XLSX or GeoJSON from the same
rows. No view or report applies disclosure control: controlled figures are computed from the public release
(``core.release``) for viewers who are not entitled to them, and open figures are published in full.

How to add a figure
-------------------
1. In your app's figure-family module (``<app>/figures.py``, or one module per family in ``<app>/figures/``,
   which must be imported by ``<app>/figures/__init__.py``), write a function ``compute(params, access)`` that
   returns rows (dicts keyed by the columns). ``params`` is whatever the family's views parse (insights uses
   ``FigureQuery``); ``access`` is how the family reads data for this viewer (insights: ``FigureAccess``, whose
   ``counts`` come from the warehouse or from the public release). A value that cannot be given is a
   ``Missing`` (``WITHHELD``, ``no_data("2024")``, ``undefined("no residents")``), never a zero or a blank.
2. ``register(Figure(name=…, family=…, title=…, description=…, columns=(Column(key, label, unit), …),
   compute=compute, chart=…, disclosure=SOURCE))``. ``disclosure`` is ``OPEN`` (published in full),
   ``CONTROLLED`` (public only through the release) or ``SOURCE`` (the query's source decides).
3. The family's view calls ``table = figure.table(params, access)`` and ``core.render.render(request, table,
   fmt)``; the registry is discovered from every installed app's ``figures`` module.

How to add a controlled source: see ``core.release`` (declare a ``ReleaseSpec`` in your app's ``sources.py``).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

OPEN = "open"
CONTROLLED = "controlled"
SOURCE = "by source"
#: Rows a page shows of one table (the downloads carry up to VRP_MAX_ROWS).
HTML_ROWS = 2000


@dataclass(frozen=True)
class Missing:
    """A value that cannot be given, and why: ``withheld`` (disclosure control), ``no data`` (nothing loaded
    for that period), or ``not defined`` (a percentage of nothing). ``code`` is the GSS shorthand written in
    CSV and XLSX cells: ``[c]`` confidential, ``[x]`` not available, ``[z]`` not applicable."""

    code: str
    reason: str

    def __str__(self) -> str:
        return self.reason

    def __bool__(self) -> bool:
        return False

    @property
    def shorthand(self) -> str:
        return f"[{self.code}]"


WITHHELD = Missing("c", "withheld")


def no_data(period: str) -> Missing:
    return Missing("x", f"no data for {period}")


def undefined(why: str) -> Missing:
    return Missing("z", f"not defined: {why}")


def known(value: Any) -> bool:
    """True for a value that can be computed with (not None, not Missing)."""
    return value is not None and not isinstance(value, Missing)


def number(value: Any) -> Any:
    """``value`` for a chart: None (a gap) where it is missing."""
    return value if known(value) else None


#: Units that only restate a column's label (a count of things is a number of them).
RESTATING_UNITS = frozenset({"count", "counts", "number"})


@dataclass(frozen=True)
class Column:
    """One column of a figure: its key in the rows, its label and its unit in the users' words."""

    key: str
    label: str
    unit: str = ""

    @property
    def heading(self) -> str:
        """The label, with the unit in brackets only when it tells the reader something the label does not:
        "per 1,000 residents", "£", "%" stay; "count" and a unit the label already says ("Months left out
        (months)") go."""
        unit = self.unit.strip()
        if not unit or unit.lower() in RESTATING_UNITS or unit.lower().rstrip("s") in self.label.lower():
            return self.label
        return f"{self.label} ({unit})"


@dataclass
class Table:
    """A figure's rows for one request, ready for the renderer: the rows, their columns, the notes that
    say what was left out and where the figures come from, and a file name for downloads."""

    name: str
    title: str
    columns: list[Column]
    rows: list[dict]
    description: str = ""
    notes: list[str] = field(default_factory=list)
    source_line: str = ""
    chart: str = ""
    meta: dict = field(default_factory=dict)
    refused: str = ""

    @property
    def keys(self) -> list[str]:
        return [c.key for c in self.columns]

    @property
    def html_limit(self) -> int:
        """Rows a page shows: ``HTML_ROWS``, or fewer where the row cap (``VRP_MAX_ROWS``) is lower."""
        from django.conf import settings

        return min(HTML_ROWS, int(getattr(settings, "VRP_MAX_ROWS", 100_000)))

    @property
    def html_rows(self) -> list[list[str]]:
        """The rows the page shows (``html_limit``), as text (a missing value as its reason)."""
        return [["" if row.get(k) is None else str(row.get(k)) for k in self.keys]
                for row in self.rows[:self.html_limit]]

    @property
    def html_truncated(self) -> int:
        """How many rows the page shows when it shows fewer than the table has, else 0."""
        return self.html_limit if len(self.rows) > self.html_limit else 0

    @property
    def downloads_truncated(self) -> bool:
        """True when even the downloads stop short of the table (longer than ``VRP_MAX_ROWS``)."""
        from django.conf import settings

        return len(self.rows) > int(getattr(settings, "VRP_MAX_ROWS", 100_000))


@dataclass(frozen=True)
class Figure:
    """A published figure: what it computes, its columns, its chart, its disclosure class."""

    name: str
    family: str
    title: str
    description: str
    columns: tuple[Column, ...]
    compute: Callable[[Any, Any], list[dict]]
    chart: Callable[[list[dict]], str] | None = None
    disclosure: str = SOURCE
    #: Columns shown beside the declared ones when a row has more (e.g. a persistence period per column).
    extra_columns: bool = False

    def table(self, params: Any, access: Any, notes: list[str] | None = None, source_line: str = "") -> Table:
        """Compute the figure for ``params`` as ``access`` allows; a refusal (``core.problems.Refused``) is
        kept in ``table.refused`` with its reason."""
        from core.problems import Refused

        try:
            # An access that keeps results (insights' FigureAccess: per request and in the shared cache, under
            # the viewer's scope) computes each figure once; any other computes it every time.
            remember = getattr(access, "remember", None)
            rows = (remember(self.name, params, lambda: self.compute(params, access)) if remember is not None
                    else self.compute(params, access))
        except Refused as exc:
            return Table(self.name, self.title, list(self.columns), [], self.description, list(notes or []),
                         source_line, refused=exc.reason)
        columns = list(self.columns)
        if self.extra_columns and rows:
            declared = {c.key for c in columns}
            columns += [Column(k, k) for k in rows[0] if k not in declared]
        chart = self.chart(rows) if self.chart and rows else ""
        return Table(self.name, self.title, columns, rows, self.description, list(notes or []), source_line, chart)


_REGISTRY: dict[str, Figure] = {}
_lock = threading.Lock()
_discovered = False


def register(figure: Figure) -> Figure:
    """Add ``figure`` to the registry; names are unique across the platform."""
    existing = _REGISTRY.get(figure.name)
    if existing is not None and existing.family != figure.family:
        raise ValueError(f"figure {figure.name!r} is registered by {existing.family} already")
    _REGISTRY[figure.name] = figure
    return figure


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    with _lock:
        if not _discovered:
            from django.utils.module_loading import autodiscover_modules

            autodiscover_modules("figures")
            _discovered = True


def get(name: str) -> Figure | None:
    _discover()
    return _REGISTRY.get(name)


def family(name: str) -> list[Figure]:
    """The figures of one family, in the order they were registered."""
    _discover()
    return [f for f in _REGISTRY.values() if f.family == name]


def all_figures() -> list[Figure]:
    _discover()
    return list(_REGISTRY.values())
