"""Figure results kept once per request and in the shared cache, per state of the data and per query.

A page that is not in the page cache (a signed-in viewer, or filters nobody asked for yet) still asks for the
same counts many times: the overview's figures share their totals, and every figure's notes count the region
again. Two layers keep each result computed once:

- **per request**: a GET or HEAD request remembers every result it computed (and what the warehouse holds),
  so a count asked for twice is computed once;
- **shared**: results are also kept in the ``shared`` cache (the ``vrp_shared_cache`` table, or Redis when
  ``VRP_SHARED_CACHE_URL`` names one), so every worker reuses them, for ``VRP_PUBLIC_CACHE_SECONDS`` at most
  (0 switches it off, as for pages). A request's new results are written at its end, in one transaction;
- **in the process**, in front of the shared cache: the last ``PROCESS_BYTES`` of results this process
  computed or read, under the same keys. The results most pages share (the region's counts by LSOA for a
  type and year, an area's cells) are then neither read from the database nor unpickled from its text again
  on every request. A key names the state of the data, so a kept result is never stale: a change to the data
  makes new keys, and old ones age out.

Every key holds the state the result was computed from: the data version (``core.DataVersion``), the
geography version, the region's local authorities and forces, and the warehouse's current partitions (so an
ingest or a restore, however it was run, retires them); plus the caller's scope, which names whose figures
they are (``public``, ``full``, or a partner organisation and its areas) wherever the result depends on the
viewer. Nothing is kept for POST and other writing requests.
"""

import base64
import hashlib
import pickle
from collections import OrderedDict
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone

from core import request_memo
from core.caches import register_cache

_MISSING = object()

class Kept:
    """Values kept by this process under their keys, up to ``budget`` (bytes of their pickles, or any other
    size their callers give), least recently used out first; a value over ``largest`` (an eighth of the
    budget unless said) is not kept, so one huge result cannot push out everything else."""

    def __init__(self, budget: int, largest: int | None = None) -> None:
        self.budget = budget
        self.largest = budget // 8 if largest is None else largest
        self.values: OrderedDict[str, tuple[Any, int]] = OrderedDict()
        self.size = 0

    def get(self, key: str | None) -> Any:
        found = self.values.get(key) if key is not None else None
        if found is None:
            return None
        self.values.move_to_end(key)
        return found[0]

    def put(self, key: str, value: Any, size: int) -> None:
        if size > self.largest:
            return
        old = self.values.pop(key, None)
        self.size += size - (old[1] if old is not None else 0)
        self.values[key] = (value, size)
        while self.size > self.budget:
            _, (_, dropped) = self.values.popitem(last=False)
            self.size -= dropped

    def clear(self) -> None:
        self.values.clear()
        self.size = 0


#: Bytes of pickled results each process keeps in front of the shared cache (least recently used out first).
PROCESS_BYTES = 64 * 1024 * 1024
_kept = Kept(PROCESS_BYTES)
#: Pickled bytes of the results kept as objects too: those read with ``shared=True`` (their callers promise
#: not to change them), so that the region's counts by every area, the populations and an area's cells are not
#: unpickled again on every request (unpickling the counts by every area cost more than summing them).
OBJECT_BYTES = 16 * 1024 * 1024
_kept_objects = Kept(OBJECT_BYTES)


@register_cache
def forget_kept() -> None:
    """Empty this process's results (tests; a benchmark's cold start)."""
    _kept.clear()
    _kept_objects.clear()


def _keep(key: str, blob: bytes) -> None:
    _kept.put(key, blob, len(blob))


def _keep_object(key: str, value: Any, blob: bytes) -> None:
    _kept_objects.put(key, (value, blob), len(blob))


def _kept_get(key: str | None) -> bytes | None:
    return _kept.get(key)


def _request() -> dict | None:
    """This module's part of the reading request's memo: remembered results, the data state, results to write
    at the end of the request; None outside a GET or HEAD request."""
    state = request_memo.current()
    if state is None:
        return None
    if "figures" not in state:
        state["figures"] = {"memo": {}, "state": None, "pending": {}, "lasting": {}, "absent": set()}
        request_memo.at_end(lambda: _write_pending(state["figures"]))
    return state["figures"]


def enabled() -> bool:
    return settings.VRP_PUBLIC_CACHE_SECONDS > 0


def _write_pending(figures: dict) -> None:
    if figures["pending"]:
        write(figures["pending"])
    if figures["lasting"]:
        write(figures["lasting"], LASTING_SECONDS)


#: How long results computed for everyone's pages (``remember(..., lasting=True)``: the region's counts by
#: every area, which ``insights.query.warm`` computes after each change to the data) are kept. Their keys name
#: the state of the data, so keeping them longer than a page is never stale; the page cache's few minutes
#: would throw away the warming every few minutes.
LASTING_SECONDS = 7 * 24 * 3600


def write(entries: dict[str, Any], seconds: int | None = None) -> None:
    """Store ``entries`` in the shared cache in one go (the database cache: one statement, one commit), for
    ``seconds`` (``VRP_PUBLIC_CACHE_SECONDS`` when None)."""
    seconds = settings.VRP_PUBLIC_CACHE_SECONDS if seconds is None else seconds
    shared = caches["shared"]
    try:
        model = getattr(shared, "cache_model_class", None)
        if model is not None and connections[router.db_for_write(model)].vendor in ("sqlite", "postgresql"):
            _write_rows(shared, model, entries, seconds)
        elif model is not None:
            with transaction.atomic(using=router.db_for_write(model)):
                shared.set_many(entries, seconds)
        else:
            shared.set_many(entries, seconds)
    except DatabaseError:
        pass  # a busy database: the results are computed again next time, never wrong


def read(keys: list[str]) -> dict[str, Any]:
    """The shared cache's unexpired values of ``keys`` (those it holds), in one read.

    With the database cache, one plain statement: Django's ``get_many`` also builds a date field and checks
    every character of every key for memcached (about a third of its time for a page's keys, which are
    ours: ``vrp:figure:`` and a hex digest). It reads the rows ``set`` writes, as ``get`` would; expired rows
    are left to the cache's own culling."""
    if not keys:
        return {}
    shared = caches["shared"]
    model = getattr(shared, "cache_model_class", None)
    try:
        if model is None or connections[router.db_for_read(model)].vendor not in ("sqlite", "postgresql"):
            return shared.get_many(keys)
        return _read_rows(shared, model, keys)
    except DatabaseError:
        return {}  # a busy database: computed again, never wrong


_EXPIRES = {}


def _read_rows(shared: Any, model: Any, keys: list[str]) -> dict[str, Any]:
    alias = router.db_for_read(model)
    connection = connections[alias]
    name = connection.ops.quote_name
    made = {shared.make_key(key): key for key in keys}
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {name('cache_key')}, {name('value')}, {name('expires')} "  # noqa: S608
                       f"FROM {name(shared._table)} WHERE {name('cache_key')} IN ({', '.join(['%s'] * len(made))})",
                       list(made))
        rows = cursor.fetchall()
    if alias not in _EXPIRES:  # how the database gives a date and time back (Django's get_many does the same)
        from django.db import models

        expression = models.Expression(output_field=models.DateTimeField())
        _EXPIRES[alias] = (expression, connection.ops.get_db_converters(expression)
                           + expression.get_db_converters(connection))
    expression, converters = _EXPIRES[alias]
    now = timezone.now()
    found = {}
    for key, value, expires in rows:
        for converter in converters:
            expires = converter(expires, expression, connection)
        if expires >= now:
            found[made[key]] = pickle.loads(base64.b64decode(connection.ops.process_clob(value).encode()))  # noqa: S301
    return found


def _write_rows(shared: Any, model: Any, entries: dict[str, Any], seconds: int) -> None:
    """The database cache's ``set_many``, in one statement: Django's counts the table (to cull it) and asks
    for the key before each row it writes, three statements a result, and the count grows with the table.
    The rows are those ``set`` writes (same key, pickled value, expiry), so ``get`` reads them as its own."""
    db = router.db_for_write(model)
    connection = connections[db]
    name = connection.ops.quote_name
    table = name(shared._table)
    timeout = shared.get_backend_timeout(seconds)
    expires = datetime.fromtimestamp(timeout, tz=UTC if settings.USE_TZ else None).replace(microsecond=0)
    expires = connection.ops.adapt_datetimefield_value(expires)
    rows = [(shared.make_and_validate_key(key),
             base64.b64encode(pickle.dumps(value, shared.pickle_protocol)).decode("latin1"), expires)
            for key, value in entries.items()]
    with transaction.atomic(using=db), connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - the cache's own table name
        count = cursor.fetchone()[0]
        if count + len(rows) > shared._max_entries:
            shared._cull(db, cursor, timezone.now().replace(microsecond=0), count)
        cursor.executemany(
            f"INSERT INTO {table} ({name('cache_key')}, {name('value')}, {name('expires')}) "  # noqa: S608
            f"VALUES (%s, %s, %s) ON CONFLICT ({name('cache_key')}) DO UPDATE SET "
            f"{name('value')} = excluded.{name('value')}, {name('expires')} = excluded.{name('expires')}", rows)


def data_state() -> tuple:
    """What the figures are computed from: data version, geography version, region, warehouse partitions."""
    from core.public_cache import data_version
    from core.region import current_region
    from geography.services.manifest import geography_version
    from insights.ingest.warehouse import current_partitions

    region = current_region()
    partitions = hashlib.sha256(repr(list(current_partitions())).encode()).hexdigest()
    return (data_version(), geography_version(), tuple(region.lad_codes), tuple(region.force_slugs), partitions)


def _state() -> tuple:
    state = _request()
    if state is None:
        return data_state()
    if state["state"] is None:
        state["state"] = data_state()
    return state["state"]


def cache_key(kind: str, parts: tuple, scope: str = "") -> str:
    """The shared-cache key of a result: its kind, its parts (the query), the viewer's scope and the state of
    the data."""
    text = repr((kind, scope, parts)) + _state_text()
    return "vrp:figure:" + hashlib.sha256(text.encode()).hexdigest()


def _state_text() -> str:
    # The state's text, once per request (a page makes about twenty keys).
    state = _request()
    if state is None:
        return repr(data_state())
    if "state_text" not in state:
        state["state_text"] = repr(_state())
    return state["state_text"]


def prefetch(kind: str, parts: list[tuple], scope: str = "") -> None:
    """Read the kept results of ``kind`` for each of ``parts`` in one go, for the request to use (a page's
    figures: one read of the shared cache instead of one per figure). Nothing outside a reading request."""
    state = _request()
    if state is None or not enabled():
        return
    keys = {cache_key(kind, p, scope): (kind, scope, p) for p in parts if (kind, scope, p) not in state["memo"]}
    for key in list(keys):
        blob = _kept_get(key)
        if blob is not None:
            state["memo"][keys.pop(key)] = blob
    found = read(list(keys))
    for key, value in found.items():
        blob = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        _keep(key, blob)
        state["memo"][keys[key]] = blob
    # Not in the shared cache now: ``remember`` computes them without asking it again, one by one.
    state["absent"].update(key for key in keys if key not in found)


def remember(kind: str, parts: tuple, compute: Callable[[], Any], scope: str = "", shared: bool = False,
             lasting: bool = False, in_shared_cache: bool = True) -> Any:
    """The result of ``compute()`` for ``kind`` and ``parts`` (and ``scope``, wherever the result depends on
    the viewer): remembered for the request, and kept in the shared cache while the data stay the same.

    The result must be picklable and is never shared as the same object (each caller gets its own copy), so
    a caller may change what it gets; with ``shared``, the callers promise not to (tuples of values, say) and
    get the request's one copy, which saves copying a large result each time it is asked for. A ``lasting``
    result is kept ``LASTING_SECONDS`` rather than a page's time (results everyone's pages share). Without
    ``in_shared_cache``, the result is kept for the request and in this process only: for results that cost
    less to work out again (from others that are kept) than a read of the shared cache that mostly misses.
    """
    state = _request()
    memo = state["memo"] if state is not None else None
    local = (kind, scope, parts)
    if memo is not None and local in memo:
        if shared:
            objects = state.setdefault("objects", {})
            if local not in objects:
                objects[local] = pickle.loads(memo[local])  # noqa: S301 - bytes this request made itself
            return objects[local]
        return pickle.loads(memo[local])  # noqa: S301 - bytes this request made itself
    key = cache_key(kind, parts, scope) if enabled() else None
    kept_object = _kept_objects.get(key) if shared else None
    if kept_object is not None:
        value, blob = kept_object
        if memo is not None:
            memo[local] = blob
            state.setdefault("objects", {})[local] = value
        return value
    blob = _kept_get(key)
    blob_was_kept, to_write = blob is not None, False
    if blob is None:
        asked = key is not None and in_shared_cache and (state is None or key not in state["absent"])
        value = read([key]).get(key, _MISSING) if asked else _MISSING
        if value is _MISSING:
            value = compute()
            if key is not None and in_shared_cache:
                if state is not None:
                    state["lasting" if lasting else "pending"][key] = value
                    to_write = True
                else:
                    write({key: value}, LASTING_SECONDS if lasting else None)
        if key is None and memo is None:
            return value
        blob = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
        if key is not None:
            _keep(key, blob)
        if memo is None:
            if shared and key is not None:
                _keep_object(key, value, blob)
            return value
    elif memo is None:
        value = pickle.loads(blob)  # noqa: S301 - bytes this process made itself
        if shared:
            _keep_object(key, value, blob)
        return value
    if blob_was_kept or (to_write and not shared):
        # The caller's own copy: the kept bytes, or a value the end of the request will write (a caller that
        # changed it would change what is written). A value just computed or read and not to be written is
        # the caller's already (the request's memo and the process keep its bytes).
        value = pickle.loads(blob)  # noqa: S301 - bytes this process made itself
    memo[local] = blob
    if shared:
        state.setdefault("objects", {})[local] = value
        if key is not None:
            _keep_object(key, value, blob)
    return value
