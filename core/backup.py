"""Backups: the database as Django fixtures plus the warehouse and uploaded files, with a checksum manifest.

``backup`` writes a folder (``manifest.json``, ``database.json``, ``files/…``), written under a temporary
name and renamed into place when complete. ``restore`` checks everything before changing anything: every
file's SHA-256 against the manifest, and the backup's migrations against this platform's; then it replaces
the database contents in one transaction and swaps the file folders in by renaming. The database dump is
vendor-neutral JSON, so a SQLite backup restores into PostgreSQL and back.
"""

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

from core.files import sha256_of
from core.problems import InputRejected, Problem

FORMAT = 1
#: Folders under VRP_DATA_DIR that hold data the database points to (reports and scratch are rebuilt).
DATA_FOLDERS = ("warehouse", "evidence")
EXCLUDED_MODELS = ("contenttypes", "auth.permission", "sessions", "admin.logentry")


def applied_migrations() -> dict[str, str]:
    """The newest applied migration of each app (what a backup must match to be restored)."""
    loader = MigrationLoader(connection)
    latest: dict[str, str] = {}
    for app, name in sorted(loader.applied_migrations):
        latest[app] = max(latest.get(app, ""), name)
    return latest


def backup(target_parent: Path) -> Path:
    """Write a backup folder under ``target_parent``; returns its path."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    final = target_parent / f"vrp-backup-{stamp}"
    partial = target_parent / f".vrp-backup-{stamp}.partial"
    partial.mkdir(parents=True)
    data_dir = Path(settings.VRP_DATA_DIR)
    with open(partial / "database.json", "w", encoding="utf-8") as handle:
        call_command("dumpdata", exclude=list(EXCLUDED_MODELS), indent=0, stdout=handle)
    for folder in DATA_FOLDERS:
        if (data_dir / folder).exists():
            shutil.copytree(data_dir / folder, partial / "files" / folder,
                            ignore=shutil.ignore_patterns(".*partial*", "*.lock"))
    files = {p.relative_to(partial).as_posix(): sha256_of(p) for p in sorted(partial.rglob("*")) if p.is_file()}
    manifest = {"format": FORMAT, "created_at": stamp, "database_vendor": connection.vendor,
                "migrations": applied_migrations(), "files": files}
    (partial / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    os.replace(partial, final)
    return final


def check(source: Path) -> dict:
    """The manifest of a backup that may be restored here; raises InputRejected naming every problem."""
    manifest_path = source / "manifest.json"
    if not manifest_path.is_file():
        raise InputRejected([Problem(str(source), "this is not a VRP Platform backup: manifest.json is missing")])
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputRejected([Problem("manifest.json", f"is damaged: {exc}")]) from exc
    problems = []
    if manifest.get("format") != FORMAT:
        problems.append(Problem("manifest.json", f"backup format {manifest.get('format')!r} is not {FORMAT}"))
    for name, checksum in sorted((manifest.get("files") or {}).items()):
        path = source / name
        if not path.is_file():
            problems.append(Problem(name, "is missing from the backup"))
        elif sha256_of(path) != checksum:
            problems.append(Problem(name, "does not match its checksum: the backup is corrupted"))
    extra = [p.relative_to(source).as_posix() for p in source.rglob("*") if p.is_file()
             and p.name != "manifest.json" and p.relative_to(source).as_posix() not in (manifest.get("files") or {})]
    problems += [Problem(name, "is not in the manifest") for name in extra]
    ours = applied_migrations()
    theirs = manifest.get("migrations") or {}
    for app in sorted(set(ours) | set(theirs)):
        if ours.get(app) != theirs.get(app):
            problems.append(Problem("manifest.json", f"the backup has {app} at migration {theirs.get(app)!r}, this "
                                    f"platform at {ours.get(app)!r}: restore it with the matching version"))
    if problems:
        raise InputRejected(problems)
    return manifest


def restore(source: Path) -> dict:
    """Replace this platform's data with the backup's, after checking it; returns the manifest."""
    manifest = check(source)
    data_dir = Path(settings.VRP_DATA_DIR)
    staged = {}
    for folder in DATA_FOLDERS:
        incoming = data_dir / f".{folder}.restoring"
        if incoming.exists():
            shutil.rmtree(incoming)
        if (source / "files" / folder).exists():
            shutil.copytree(source / "files" / folder, incoming)
        else:
            incoming.mkdir()
        staged[folder] = incoming
    with transaction.atomic():
        # No post-migrate defaults (the default protocol, say): the backup brings its own rows.
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
        call_command("loaddata", str(source / "database.json"), verbosity=0)
    for folder, incoming in staged.items():
        current, retired = data_dir / folder, data_dir / f".{folder}.retired"
        if retired.exists():
            shutil.rmtree(retired)
        if current.exists():
            os.replace(current, retired)
        os.replace(incoming, current)
        shutil.rmtree(retired, ignore_errors=True)
    _after_restore()
    return manifest


def _after_restore() -> None:
    """Rebuild what is derived from the restored data: the evidence search index, in-process caches."""
    from evidence.models import EvidenceItem
    from evidence.services.search import index_item, reset_cache
    from insights.services.figures import SHARED

    for item in EvidenceItem.objects.prefetch_related("attachments"):
        index_item(item)
    reset_cache()
    SHARED.reset()
