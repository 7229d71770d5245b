"""The Parquet warehouse: ``<VRP_DATA_DIR>/warehouse/<source>/<YYYY-MM>/<provider>.<id>.parquet``.

An ingest stages its input in a scratch DuckDB database, validates it, writes each (month, provider)
partition to a temporary file that is renamed into place under a new name, and then commits the
manifest in one database transaction that makes the new partitions current and retires the ones they
replace. Only after that commit are retired files deleted. A crash at any point before the commit
leaves readers on the previous partitions; files it left behind are removed by the next ingest.
One ingest runs at a time (an exclusive lock on the warehouse folder).
"""

import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core import audit
from core.batches import chunked
from insights.ingest.faults import fault_point
from insights.models import IngestBatch, IngestFile, WarehousePartition


def warehouse_dir() -> Path:
    return Path(settings.VRP_DATA_DIR) / "warehouse"


def scratch_dir() -> Path:
    return Path(settings.VRP_DATA_DIR) / "tmp"


@contextmanager
def ingest_lock() -> Iterator[None]:
    """Hold the warehouse's exclusive ingest lock (released when the process dies)."""
    warehouse_dir().mkdir(parents=True, exist_ok=True)
    with open(warehouse_dir() / ".ingest.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def remove_leftovers() -> int:
    """Delete Parquet files no current partition uses, and scratch folders of dead ingests.

    Call with the ingest lock held. Returns the number of files removed.
    """
    current = set(WarehousePartition.objects.filter(is_current=True).values_list("path", flat=True))
    removed = 0
    root = warehouse_dir()
    for path in root.glob("*/*/*.parquet*"):
        if path.relative_to(root).as_posix() not in current:
            path.unlink(missing_ok=True)
            removed += 1
    for stale in scratch_dir().glob("batch-*"):
        shutil.rmtree(stale, ignore_errors=True)
    return removed


@contextmanager
def batch_workdir() -> Iterator[Path]:
    """A scratch folder on the warehouse's file system (so renames are atomic), removed afterwards."""
    path = scratch_dir() / f"batch-{uuid.uuid4().hex}"
    path.mkdir(parents=True)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


@dataclass
class NewPartition:
    month: str
    provider: str
    path: str
    rows: int


@dataclass
class FileOutcome:
    """What one input file gave: counts for the manifest and the partitions written from it."""

    file_name: str
    checksum: str
    size_bytes: int = 0
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0
    rows_without_location: int = 0
    rows_without_crime_id: int = 0
    months: list[str] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)
    partitions: list[NewPartition] = field(default_factory=list)
    unchanged: bool = False


def partition_path(source: str, month: str, provider: str, checksum: str) -> str:
    """Where a partition lives, relative to the warehouse: named by content so re-runs are no-ops."""
    return f"{source}/{month}/{provider}.{checksum[:16]}.parquet"


def place_file(tmp_file: Path, relative: str) -> None:
    """Move a finished Parquet file into the warehouse atomically (rename on one file system)."""
    target = warehouse_dir() / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(tmp_file, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp_file, target)


def already_current(source: str, checksum: str) -> bool:
    """True when a file with this checksum was ingested and every partition it made is still current."""
    files = IngestFile.objects.filter(checksum=checksum, batch__source=source,
                                      batch__status__in=[IngestBatch.Status.LANDED, IngestBatch.Status.PARTIAL])
    for ingest_file in files:
        partitions = list(ingest_file.partitions.all())
        if partitions and all(p.is_current for p in partitions):
            return True
        if not partitions and ingest_file.rows_accepted == 0:
            return True
    return False


def landed_sizes(source: str) -> set[int]:
    """Sizes of the files that landed from ``source``: a file of any other size is certainly new."""
    return set(IngestFile.objects.filter(batch__source=source, batch__status__in=[
        IngestBatch.Status.LANDED, IngestBatch.Status.PARTIAL]).values_list("size_bytes", flat=True))


def commit_batch(source: str, fmt: str, outcomes: list[FileOutcome], actor: object, started_at,
                 status: str, report_path: str = "") -> IngestBatch:
    """Make the batch's partitions current in one transaction; then delete the files they replaced."""
    fault_point("after-parquet-written")
    retired: list[str] = []
    label = actor if isinstance(actor, str) else getattr(actor, "username", "system")
    with transaction.atomic():
        batch = IngestBatch.objects.create(
            source=source, format=fmt, status=status, started_at=started_at, by=label[:150],
            rows_accepted=sum(o.rows_accepted for o in outcomes),
            rows_rejected=sum(o.rows_rejected for o in outcomes), report_path=report_path)
        files = IngestFile.objects.bulk_create([IngestFile(
            batch=batch, file_name=o.file_name[:500], checksum=o.checksum, size_bytes=o.size_bytes,
            rows_read=o.rows_read, rows_accepted=o.rows_accepted, rows_rejected=o.rows_rejected,
            rows_without_location=o.rows_without_location, rows_without_crime_id=o.rows_without_crime_id,
            months=o.months, providers=o.providers) for o in outcomes])
        # The last file of the batch for a (month, provider) wins, as a later batch would.
        latest: dict[tuple[str, str], tuple[NewPartition, IngestFile]] = {}
        for ingest_file, outcome in zip(files, outcomes, strict=True):
            for part in outcome.partitions:
                if (part.month, part.provider) in latest:
                    retired.append(latest[(part.month, part.provider)][0].path)
                latest[(part.month, part.provider)] = (part, ingest_file)
        replaced = [(pk, path) for pk, month, provider, path in WarehousePartition.objects.select_for_update()
                    .filter(source=source, is_current=True).values_list("pk", "month", "provider", "path")
                    if (month, provider) in latest]
        for chunk in chunked([pk for pk, _ in replaced], 900):
            WarehousePartition.objects.filter(pk__in=chunk).update(is_current=False)
        new_paths = {part.path for part, _ in latest.values()}
        retired.extend(path for _, path in replaced if path not in new_paths)
        WarehousePartition.objects.bulk_create([
            WarehousePartition(source=source, month=part.month, provider=part.provider, path=part.path,
                               rows=part.rows, ingest_file=ingest_file) for part, ingest_file in latest.values()])
        audit.record(actor, f"ingest_{source}", batch, changes={
            "files": [o.file_name for o in outcomes], "rows_accepted": batch.rows_accepted,
            "rows_rejected": batch.rows_rejected, "status": status})
    fault_point("after-commit")
    for relative in retired:
        (warehouse_dir() / relative).unlink(missing_ok=True)
    return batch


def record_rejected_batch(source: str, fmt: str, outcomes: list[FileOutcome], actor: object,
                          started_at) -> IngestBatch:
    """Note in the manifest that a batch was refused and nothing landed."""
    label = actor if isinstance(actor, str) else getattr(actor, "username", "system")
    with transaction.atomic():
        batch = IngestBatch.objects.create(
            source=source, format=fmt, status=IngestBatch.Status.REJECTED, started_at=started_at,
            by=label[:150], rows_rejected=sum(o.rows_rejected for o in outcomes))
        audit.record(actor, f"ingest_{source}_rejected", batch,
                     changes={"files": [o.file_name for o in outcomes]})
    return batch


def current_files(source: str) -> list[str]:
    """Absolute paths of the source's current partitions (what every query reads), in order of month and
    provider."""
    from core.request_memo import memo

    # Asked by every query of a page (twice a query): worked out once per reading request.
    return list(memo(("current files", source), lambda: _current_files(source)))


def _current_files(source: str) -> list[str]:
    root = str(warehouse_dir())  # joined as text: a Path per partition cost more than the query itself
    return [f"{root}/{path}" for kind, path in current_partitions() if kind == source]


def current_partitions() -> tuple[tuple[str, str], ...]:
    """``(source, path)`` of every current partition, in order of source, month and provider: read once per
    reading request, in one query for every source (a page's queries ask for each source's files, and the
    figure cache names them all in its keys)."""
    from core.request_memo import memo

    return memo("current partitions", _current_partitions)


def _current_partitions() -> tuple[tuple[str, str], ...]:
    from core.plain_reads import values

    return tuple(values(WarehousePartition, ["source", "path"], {"is_current": True},
                        ["source", "month", "provider", "path"]))


def now():
    return timezone.now()
