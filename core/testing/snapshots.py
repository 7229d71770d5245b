"""Build an expensive test world once per test process, and give every later test that asks for it a copy.

Building the demo region takes seconds (files generated, then loaded through the real importers); dozens of
tests ask for one. :func:`build_once` runs a builder for real the first time it is asked with given arguments
on a given starting state, then keeps what the build made: every database row it added or changed (all rows
of the tables it touched) and copies of the files it wrote (the data folder and the builder's own folder).
A later call with the same arguments, on the same starting state (the same database rows, an empty data
folder, the same ``VRP_`` settings), writes those rows and files back instead of building again. Any
difference in the starting state builds for real, so a test sees exactly the world it would have built. (Content
types and permissions are left out of the starting state: a transactional test's flush writes them again under
new ids. A build that writes or points to them is never copied.)

Paths the build wrote into rows (the folders of the test that built first) are rewritten to the asking
test's folders, and every registered cache (:mod:`core.caches`) is cleared after a copy is written back.
"""

import hashlib
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from itertools import count
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.base import ModelState

Rows = dict[type[Model], list[tuple]]


@dataclass
class Snapshot:
    """What one build left behind: all rows of the tables it touched, and where its files were copied."""

    rows: Rows
    folder: Path
    data: Path
    built_folder: str
    built_data: str
    result: object


_snapshots: dict[str, Snapshot] = {}
_numbers = count(1)
#: Where the copies of built files are kept; set by the root conftest.py to a session temporary folder.
STORE: list[Path] = []


#: Rows that a transactional test's flush deletes and writes again under new ids (Django re-creates them after
#: every flush): left out of the starting state, so long as the build neither writes nor points to them.
RECREATED = {"contenttypes.ContentType", "auth.Permission"}


def _tables() -> list[type[Model]]:
    """Every model with its own table (multi-table children hold their local fields only)."""
    return [m for m in apps.get_models(include_auto_created=True)
            if m._meta.managed and not m._meta.proxy and not m._meta.swapped]


def _plain(value: object) -> object:
    return bytes(value) if isinstance(value, memoryview) else value


def _rows(model: type[Model]) -> list[tuple]:
    names = [f.attname for f in model._meta.local_concrete_fields]
    return [tuple(_plain(v) for v in row) for row in
            model._base_manager.order_by(model._meta.pk.attname).values_list(*names)]


def _state() -> Rows:
    return {model: _rows(model) for model in _tables() if model._meta.label not in RECREATED}


def _points_to_recreated(model: type[Model]) -> bool:
    return any(f.related_model is not None and f.related_model._meta.label in RECREATED
               for f in model._meta.local_concrete_fields)


def _files(folder: Path) -> list[tuple[str, int]]:
    return sorted((str(p.relative_to(folder)), p.stat().st_size) for p in folder.rglob("*") if p.is_file()) \
        if folder.exists() else []


def _key(builder: Callable, folder: Path, args: tuple, kwargs: dict, state: Rows) -> str:
    vrp = {name: getattr(settings, name) for name in dir(settings) if name.startswith("VRP_")
           and name != "VRP_DATA_DIR"}
    described = repr((builder.__module__, builder.__qualname__, args, sorted(kwargs.items()), sorted(vrp.items()),
                      connection.vendor, _files(Path(settings.VRP_DATA_DIR)), _files(folder),
                      sorted((m._meta.label, rows) for m, rows in state.items())))
    return hashlib.sha256(described.encode()).hexdigest()


def _rewrite(value: object, old: list[tuple[str, str]]) -> object:
    if isinstance(value, str):
        for before, after in old:
            value = value.replace(before, after)
        return value
    if isinstance(value, list):
        return [_rewrite(v, old) for v in value]
    if isinstance(value, dict):
        return {_rewrite(k, old): _rewrite(v, old) for k, v in value.items()}
    return value


def _write_rows(rows: Rows, old: list[tuple[str, str]]) -> None:
    """Replace the touched tables' rows with the build's, inside one transaction (foreign keys are checked
    at its end, so the order of tables does not matter)."""
    with transaction.atomic():
        for model in rows:
            model._base_manager.all()._raw_delete(connection.alias)
        for model, table in rows.items():
            if not table:
                continue
            fields = list(model._meta.local_concrete_fields)
            names = [f.attname for f in fields]
            objects = []
            for row in table:
                instance = model.__new__(model)
                instance._state = ModelState()
                instance.__dict__.update(zip(names, (_rewrite(v, old) for v in row), strict=True))
                objects.append(instance)
            size = max(1, connection.ops.bulk_batch_size(fields, objects) or len(objects))
            for start in range(0, len(objects), size):
                model._base_manager._insert(objects[start:start + size], fields=fields, raw=True,
                                            using=connection.alias)
        statements = connection.ops.sequence_reset_sql(no_style(), [m for m, t in rows.items() if t])
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def _copy(source: Path, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(source, target, dirs_exist_ok=True)


def build_once(builder: Callable, folder: Path, *args, **kwargs) -> object:
    """``builder(folder, *args, **kwargs)``, run for real once per starting state and arguments in this
    process, copied back from then on (see the module's docstring). Returns what the builder returned."""
    from core.caches import clear_caches

    data = Path(settings.VRP_DATA_DIR)
    before = _state()
    key = _key(builder, folder, args, kwargs, before)
    found = _snapshots.get(key)
    if found is not None:
        _copy(found.data, data)
        _copy(found.folder, folder)
        _write_rows(found.rows, [(found.built_folder, str(folder)), (found.built_data, str(data))])
        clear_caches()
        return found.result
    result = builder(folder, *args, **kwargs)
    after = _state()
    touched = {m: rows for m, rows in after.items() if rows != before[m]}
    if STORE and not any(_points_to_recreated(m) for m in touched):
        store = STORE[0] / f"build-{next(_numbers)}"
        _copy(data, store / "data")
        _copy(folder, store / "folder")
        _snapshots[key] = Snapshot(touched, store / "folder", store / "data", str(folder), str(data), result)
    return result
