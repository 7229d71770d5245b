"""Where the platform's figures come from, and each source's disclosure class.

Disclosure is a property of the source, not of the page:

* ``open`` — every record is already public (police.uk street-level crime: police.uk publishes each record with
  its month, type and LSOA). Open figures are published in full, for any period, area and breakdown, to
  everyone, and the page says they are police.uk open data.
* ``controlled`` — emergency department (ISTV), ambulance, hospital, a force's own extracts, partners'
  indicators, provider returns, incidents, training. Controlled figures reach the public only through the
  public release (``core.release``); people entitled to them (analysts; partners for their own areas) see
  them in full.

Each app declares its sources in a ``sources.py`` module (found by ``autodiscover_modules``, as Django's admin
finds ``admin.py``) with ``register(Source(...))``. A source's class is configuration
(``VRP_SOURCE_DISCLOSURE``, e.g. ``ed=controlled``) with a safe default: a source is open only when it declares
itself open data (``open_data=True``) and the setting does not say otherwise; every other source, and any name
the registry does not know, is controlled.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings

if TYPE_CHECKING:
    from core.release import ReleaseSpec

OPEN = "open"
CONTROLLED = "controlled"
CLASSES = (OPEN, CONTROLLED)


@dataclass(frozen=True)
class Source:
    """One source of figures.

    ``name`` is the key used in URLs and the warehouse (``ed``); ``label`` and ``publisher`` are shown to
    people; ``open_data`` says every record is already published by its publisher (the default class is then
    ``open``); ``release`` says which tables the public release holds for it (controlled sources).
    """

    name: str
    label: str
    publisher: str
    open_data: bool = False
    release: ReleaseSpec | None = None

    @property
    def disclosure(self) -> str:
        return disclosure_class(self.name)

    @property
    def is_open(self) -> bool:
        return self.disclosure == OPEN


_REGISTRY: dict[str, Source] = {}
_lock = threading.Lock()
_discovered = False


def register(source: Source) -> Source:
    """Add ``source`` to the registry (an app's ``sources.py`` calls this at import)."""
    _REGISTRY[source.name] = source
    return source


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    with _lock:
        if not _discovered:
            from django.utils.module_loading import autodiscover_modules

            autodiscover_modules("sources")
            _discovered = True


def sources() -> list[Source]:
    """Every registered source, by name."""
    _discover()
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def get(name: str) -> Source | None:
    _discover()
    return _REGISTRY.get(name)


def configured_classes() -> dict[str, str]:
    """The classes set by ``VRP_SOURCE_DISCLOSURE`` (``name=open|controlled``, comma-separated)."""
    found = {}
    for part in str(getattr(settings, "VRP_SOURCE_DISCLOSURE", "") or "").split(","):
        name, _, value = part.strip().partition("=")
        if name and value.strip() in CLASSES:
            found[name.strip()] = value.strip()
    return found


def disclosure_class(name: str) -> str:
    """``open`` or ``controlled`` for the source called ``name``; unknown sources are controlled."""
    configured = configured_classes().get(name)
    if configured:
        return configured
    source = get(name)
    return OPEN if source is not None and source.open_data else CONTROLLED


def is_open(name: str) -> bool:
    return disclosure_class(name) == OPEN
