"""Bounding compressed input before it is read: zip archives (.zip, .docx, .xlsx) and gzip streams.

A decompression bomb is a small file that expands to gigabytes (a 1.2 MB .docx whose ``document.xml`` is
400 MB; a 12.5 MB zip of 3.2 GB). Every archive the platform opens is checked here first, from the sizes
its central directory declares and before a byte is inflated, against three limits:

- the total expanded size (``VRP_ARCHIVE_MAX_EXPANDED_MB``, or a smaller cap the caller passes);
- the compression ratio, expanded ÷ compressed, of the whole archive and of each member
  (``VRP_ARCHIVE_MAX_RATIO``; real files are far below it: police.uk CSVs 5–21, ONS workbooks 8–12), applied
  once the expanded size passes ``RATIO_FLOOR_BYTES`` so that a small, very compressible member is not
  refused;
- the number of members (``MAX_MEMBERS``).

Declared sizes can lie, so reading is bounded too: ``zipfile`` never inflates more of a member than its
declared size (a member that holds more fails its CRC check), and ``read_member``/``copy_member`` and
``BoundedReader`` (for gzip, which declares nothing trustworthy) stop with a refusal as soon as the cap is
passed, so memory and disk never hold more than the limit.
"""

import gzip
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from core.problems import InputRejected, Problem

MAX_MEMBERS = 10_000
#: Below this many expanded bytes the ratio is not checked (a 1 MB run of blank cells is no threat).
RATIO_FLOOR_BYTES = 10 * 1024 * 1024
CHUNK = 1 << 20


@dataclass(frozen=True)
class ArchiveLimits:
    """What an archive may expand to: total bytes, expanded ÷ compressed, members."""

    max_expanded_bytes: int
    max_ratio: float
    max_members: int = MAX_MEMBERS

    def capped(self, max_expanded_bytes: int) -> "ArchiveLimits":
        """These limits with the total no larger than ``max_expanded_bytes``."""
        return ArchiveLimits(min(self.max_expanded_bytes, max_expanded_bytes), self.max_ratio, self.max_members)


def default_limits() -> ArchiveLimits:
    """The operator's limits (``VRP_ARCHIVE_MAX_EXPANDED_MB``, ``VRP_ARCHIVE_MAX_RATIO``)."""
    from django.conf import settings

    return ArchiveLimits(settings.VRP_ARCHIVE_MAX_EXPANDED_MB * 1024 * 1024, settings.VRP_ARCHIVE_MAX_RATIO)


def _megabytes(count: int) -> str:
    return f"{count / 1024 / 1024:,.1f} MB"


def zip_problems(archive: zipfile.ZipFile, name: str, limits: ArchiveLimits | None = None,
                 compressed_bytes: int | None = None) -> list[Problem]:
    """Why the opened zip ``archive`` (called ``name`` in messages) may not be read, from its declared sizes;
    empty when it may. ``compressed_bytes`` is the archive's size on disk (the members' compressed sizes
    added up when not given)."""
    limits = limits or default_limits()
    members = archive.infolist()
    if len(members) > limits.max_members:
        return [Problem(name, f"the archive has {len(members):,} members; the limit is {limits.max_members:,}")]
    expanded = sum(m.file_size for m in members)
    compressed = compressed_bytes or sum(m.compress_size for m in members) or 1
    if expanded > limits.max_expanded_bytes:
        return [Problem(name, f"the archive expands to {_megabytes(expanded)}; the limit is "
                              f"{_megabytes(limits.max_expanded_bytes)} (a decompression bomb is refused unread)")]
    if expanded > RATIO_FLOOR_BYTES and expanded / compressed > limits.max_ratio:
        return [Problem(name, f"the archive expands {expanded / compressed:,.0f} times its size; the limit is "
                              f"{limits.max_ratio:g} (a decompression bomb is refused unread)")]
    for member in members:
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size / max(member.compress_size, 1) > limits.max_ratio:
            return [Problem(name, f"{member.filename!r} expands {member.file_size / max(member.compress_size, 1):,.0f} "
                                  f"times its size; the limit is {limits.max_ratio:g} (refused unread)")]
    return []


def open_zip(source: Path | bytes | BinaryIO, name: str, limits: ArchiveLimits | None = None) -> zipfile.ZipFile:
    """The zip archive at ``source`` (a path, bytes or a binary file), checked against ``limits``.

    Raises InputRejected naming ``name`` if it is not a zip or is too large to expand; the caller closes it.
    """
    if isinstance(source, bytes):
        handle: Path | BinaryIO = io.BytesIO(source)
        size = len(source)
    elif isinstance(source, Path):
        handle, size = source, source.stat().st_size
    else:
        handle = source
        size = source.seek(0, io.SEEK_END)
        source.seek(0)
    try:
        archive = zipfile.ZipFile(handle)
    except (zipfile.BadZipFile, OSError, UnicodeDecodeError, ValueError, EOFError, NotImplementedError) as exc:
        raise InputRejected([Problem(name, f"not a readable zip archive ({exc})")]) from exc
    problems = zip_problems(archive, name, limits, size)
    if problems:
        archive.close()
        raise InputRejected(problems)
    return archive


def check_zip(source: Path | bytes | BinaryIO, name: str, limits: ArchiveLimits | None = None) -> None:
    """Refuse (InputRejected) a zip that is unreadable or expands beyond ``limits``; return if it may be read."""
    open_zip(source, name, limits).close()


def iter_member(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo, limit: int, name: str = ""
                ) -> Iterator[bytes]:
    """The bytes of one member in chunks, refused (InputRejected) once more than ``limit`` bytes come out."""
    label = name or (member.filename if isinstance(member, zipfile.ZipInfo) else member)
    total = 0
    with archive.open(member) as handle:
        while chunk := handle.read(CHUNK):
            total += len(chunk)
            if total > limit:
                raise InputRejected([Problem(label, f"expands beyond {_megabytes(limit)}; reading stopped there")])
            yield chunk


def read_member(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo, limit: int, name: str = "") -> bytes:
    """One member's bytes, at most ``limit`` of them (InputRejected beyond)."""
    return b"".join(iter_member(archive, member, limit, name))


def copy_member(archive: zipfile.ZipFile, member: str | zipfile.ZipInfo, target: Path, limit: int,
                name: str = "") -> int:
    """Extract one member to ``target`` in chunks, at most ``limit`` bytes (InputRejected beyond, and the
    partial file removed); returns the bytes written."""
    written = 0
    try:
        with open(target, "wb") as out:
            for chunk in iter_member(archive, member, limit, name):
                out.write(chunk)
                written += len(chunk)
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    return written


class BoundedReader(io.RawIOBase):
    """A binary stream that refuses (InputRejected) to yield more than ``limit`` bytes, or more than
    ``max_ratio`` times ``compressed_bytes`` once past ``RATIO_FLOOR_BYTES``: wrap a gzip stream in it."""

    def __init__(self, raw: IO[bytes], name: str, limit: int, max_ratio: float | None = None,
                 compressed_bytes: int | None = None) -> None:
        super().__init__()
        self._raw, self._name, self._limit = raw, name, limit
        self._ratio_limit = (max_ratio * compressed_bytes) if max_ratio and compressed_bytes else None
        self.total = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._raw.read(len(buffer))
        self.total += len(data)
        if self.total > self._limit:
            raise InputRejected([Problem(self._name, f"expands beyond {_megabytes(self._limit)}; reading stopped "
                                                     "there (a decompression bomb?)")])
        if self._ratio_limit is not None and self.total > max(RATIO_FLOOR_BYTES, self._ratio_limit):
            raise InputRejected([Problem(self._name, "expands more than the allowed ratio to its compressed size; "
                                                     "reading stopped there (a decompression bomb?)")])
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


def open_gzip(path: Path, limits: ArchiveLimits | None = None, name: str = "") -> io.BufferedReader:
    """A gzip file opened for reading in binary, bounded by ``limits`` (total and ratio to its size)."""
    limits = limits or default_limits()
    raw = gzip.open(path, "rb")
    return io.BufferedReader(BoundedReader(raw, name or path.name, limits.max_expanded_bytes, limits.max_ratio,
                                           path.stat().st_size), CHUNK)
