"""The geography import manifest: skip a file already imported with the same options."""

from dataclasses import dataclass
from pathlib import Path

from core import audit
from core.audit import Actor
from core.files import sha256_of
from geography.models import GeographyImport


@dataclass(frozen=True)
class ImportResult:
    kind: str
    file_name: str
    rows: int
    skipped_unchanged: bool = False
    notes: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.skipped_unchanged:
            return f"{self.file_name}: already imported, nothing changed"
        extra = "".join(f"; {n}" for n in self.notes)
        return f"{self.file_name}: {self.rows} {self.kind} rows imported{extra}"


def clip_option(keep: set[str] | None) -> dict:
    """The manifest option of an import clipped to ``keep`` (a digest of the codes), or none when not clipped."""
    if keep is None:
        return {}
    import hashlib

    return {"clip": hashlib.sha256(",".join(sorted(keep)).encode()).hexdigest()[:16]}


def previous_import(kind: str, path: Path, options: dict) -> tuple[str, bool]:
    """The file's checksum, and whether the same file was imported with the same options before."""
    checksum = sha256_of(path)
    exists = GeographyImport.objects.filter(kind=kind, checksum=checksum, options=options).exists()
    return checksum, exists


def record_import(actor: Actor, kind: str, path: Path, checksum: str, options: dict, rows: int) -> None:
    """Write the manifest row and the audit entry (call inside the import's transaction)."""
    label = actor if isinstance(actor, str) else getattr(actor, "username", "system")
    entry = GeographyImport.objects.create(kind=kind, file_name=path.name, checksum=checksum,
                                           options=options, rows=rows, by=label)
    audit.record(actor, f"import_{kind}", entry, changes={"file": path.name, "rows": rows, **options})


def geography_version() -> int:
    """Changes whenever geography is imported; caches of lookups key on it (read once per reading request)."""
    from core.request_memo import memo

    return memo("geography version", _geography_version)


def _geography_version() -> int:
    from core.plain_reads import values

    latest = values(GeographyImport, ["id"], order=["-id"], limit=1)
    return latest[0][0] if latest else 0
