"""What other apps add to ``vrp ingest`` and ``vrp fetch``: formats of their own, and work after police counts land.

The commands belong to insights, but the partners app reads its own files (indicators, stop and search,
outcomes) and checks its hot spot alerts after each police.uk ingest. It registers both here in its
``AppConfig.ready()``, so insights never imports the apps above it.
"""

from argparse import ArgumentParser
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class IngestFormat:
    """A ``vrp ingest NAME`` sub-command an app adds.

    ``ingest(options, **common)`` loads the files and returns a summary with ``table()`` (and, for files
    read row by row, ``skipped`` and ``problems``). With ``reads_files`` the sub-command takes the paths,
    ``--accept-partial``, ``--no-progress`` and ``--replace-smaller`` as the warehouse's own sources do, and
    ``common`` carries them (``accept_partial``, ``progress``, ``replace_smaller``: the smaller-month guard of
    ``insights.ingest.staging.run_batch``); otherwise ``add_arguments`` declares everything.
    """

    name: str
    help: str
    ingest: Callable[..., Any]
    add_arguments: Callable[[ArgumentParser], None] | None = None
    reads_files: bool = True


_FORMATS: dict[str, IngestFormat] = {}
_AFTER_POLICE: list[Callable[[str], str | None]] = []


def register_format(fmt: IngestFormat) -> None:
    """Add ``vrp ingest <fmt.name>``."""
    if _FORMATS.get(fmt.name, fmt) != fmt:
        raise ValueError(f"The ingest format {fmt.name!r} is registered twice, differently.")
    _FORMATS[fmt.name] = fmt


def formats() -> dict[str, IngestFormat]:
    """The formats other apps added, by sub-command name."""
    return dict(_FORMATS)


def after_police_counts(step: Callable[[str], str | None]) -> None:
    """Run ``step(actor)`` after police counts land through ``vrp ingest`` or ``vrp fetch``; it may return a
    line for the command to print (``"3 new hot spot alerts for partners' areas"``)."""
    if step not in _AFTER_POLICE:
        _AFTER_POLICE.append(step)


def police_counts_landed(actor: str) -> list[str]:
    """Run every step registered to follow new police counts; the lines they have to say."""
    return [line for step in _AFTER_POLICE if (line := step(actor))]
