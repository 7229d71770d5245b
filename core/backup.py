"""Backups: the database as Django fixtures plus the warehouse and uploaded files, with a checksum manifest.

``backup`` writes a folder (``manifest.json``, ``database.json``, ``files/…``), written under a temporary
name and renamed into place when complete. The database is read from one consistent snapshot while the site
goes on writing: on SQLite a copy made by its online backup API (all pages in one step, under one read
lock), on PostgreSQL one ``REPEATABLE READ, READ ONLY`` transaction on a connection of its own; so a service
is never dumped without its organisation, nor a schedule without its service. Before saying it succeeded,
``backup`` restore-tests what it wrote: every checksum, and the dump loaded into a scratch database with
every foreign key checked and every table's row count compared with the snapshot's. A backup that fails
is removed and the command fails. Backup folders are readable by their owner only (0700, files 0600): they
hold password hashes and incident records.

``restore`` checks everything before changing anything: every file's SHA-256 against the manifest, and the
backup's migrations against this platform's; then it replaces the database contents in one transaction
and swaps the file folders in by renaming. A restore that fails leaves nothing behind. The database dump is
vendor-neutral JSON, so a SQLite backup restores into PostgreSQL and back.

Which folders of ``VRP_DATA_DIR`` a backup holds, and what is rebuilt after a restore, each app says for itself
in its ``AppConfig.ready()`` with ``register_part(BackupPart(...))`` (insights its warehouse, evidence its files
and search index), so this module knows no app above ``core``.
"""

import json
import os
import shutil
import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, IntegrityError, connection, connections, transaction
from django.db.migrations.loader import MigrationLoader

from core.files import sha256_of
from core.problems import InputRejected, Problem

FORMAT = 1
EXCLUDED_MODELS = ("contenttypes", "auth.permission", "sessions", "admin.logentry")


@dataclass(frozen=True)
class BackupPart:
    """A folder under ``VRP_DATA_DIR`` holding data the database points to (reports and scratch are rebuilt, so
    they are no part), and what to rebuild from it after a restore (a search index, in-process caches)."""

    folder: str
    after_restore: Callable[[], None] | None = None


#: Folder → part, in the order the apps registered them.
_PARTS: dict[str, BackupPart] = {}


def register_part(part: BackupPart) -> None:
    """Add an app's folder to every backup (called from the app's ``AppConfig.ready()``)."""
    if _PARTS.get(part.folder, part) != part:
        raise ValueError(f"The backup folder {part.folder!r} is registered twice, differently.")
    _PARTS[part.folder] = part


def data_folders() -> tuple[str, ...]:
    """The folders under ``VRP_DATA_DIR`` a backup holds."""
    return tuple(_PARTS)


def applied_migrations() -> dict[str, str]:
    """The newest applied migration of each app (what a backup must match to be restored)."""
    loader = MigrationLoader(connection)
    latest: dict[str, str] = {}
    for app, name in sorted(loader.applied_migrations):
        latest[app] = max(latest.get(app, ""), name)
    return latest


def _dumped_models() -> list:
    """The models a backup holds (everything but the excluded apps and models)."""
    excluded = set(EXCLUDED_MODELS)
    return [m for m in apps.get_models() if m._meta.app_label not in excluded and m._meta.label_lower not in excluded
            and m._meta.managed and not m._meta.proxy]


@contextmanager
def _alias(name: str, **changes: object) -> Iterator[str]:
    """A database connection of its own (a copy of the default's settings with ``changes``) under the alias
    ``name`` for as long as the block runs, then closed and forgotten."""
    from django.db.utils import load_backend

    settings_dict = {**connections["default"].settings_dict, "CONN_MAX_AGE": 0, "CONN_HEALTH_CHECKS": False,
                     **changes}
    wrapper = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, name)
    # Connected before the alias is registered (Django's test cases refuse a new connection to an alias they
    # were not told of, but allow one made outside the registry).
    wrapper.ensure_connection()
    connections.settings[name] = settings_dict
    connections[name] = wrapper
    try:
        yield name
    finally:
        wrapper.close()
        del connections[name]
        del connections.settings[name]


@contextmanager
def _snapshot() -> Iterator[str]:
    """A database alias reading one consistent snapshot of the platform's database."""
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory(prefix="vrp-snapshot-") as scratch:
            copy = Path(scratch) / "snapshot.sqlite3"
            source = sqlite3.connect(connection.settings_dict["NAME"], timeout=60)
            target = sqlite3.connect(copy)
            try:
                source.backup(target)  # every page in one step, under one read lock: a consistent copy
            finally:
                target.close()
                source.close()
            with _alias("vrp_backup_snapshot", NAME=str(copy), OPTIONS={"timeout": 20}) as alias:
                yield alias
        return
    with _alias("vrp_backup_snapshot") as alias:
        snapshot = connections[alias]
        snapshot.ensure_connection()
        with transaction.atomic(using=alias):
            with snapshot.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield alias


def _restore_test(folder: Path, counts: dict[str, int]) -> None:
    """Load the backup's dump into a scratch database, foreign keys checked, and compare every table's rows
    with the snapshot's counts; raises CommandError saying what failed."""
    check(folder)
    with tempfile.TemporaryDirectory(prefix="vrp-restore-test-") as scratch, _alias(
            "vrp_restore_test", ENGINE="django.db.backends.sqlite3", NAME=str(Path(scratch) / "scratch.sqlite3"),
            OPTIONS={"init_command": "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;"}, TEST={}) as alias:
        with connections[alias].schema_editor() as editor:
            for model in _dumped_models() + [m for m in apps.get_models() if m not in _dumped_models()
                                             and m._meta.managed and not m._meta.proxy]:
                editor.create_model(model)
        try:
            # (In a transaction: loaddata closes its connection after an autocommit load.)
            with transaction.atomic(using=alias):
                call_command("loaddata", str(folder / "database.json"), database=alias, verbosity=0)
                loaded = {m._meta.label: m.objects.using(alias).count() for m in _dumped_models()}
        except (DatabaseError, IntegrityError, CommandError) as exc:
            raise CommandError(f"the backup could not be restored, so it was not kept: {exc}") from exc
        differ = {label: (counts.get(label), loaded.get(label)) for label in set(counts) | set(loaded)
                  if counts.get(label) != loaded.get(label)}
        if differ:
            raise CommandError(f"the backup's tables do not restore to the database's rows, so it was not kept: "
                               f"{dict(sorted(differ.items()))}")


def _owner_only(folder: Path) -> None:
    """Files 0600, folders 0700: a backup holds password hashes and incident records."""
    folder.chmod(0o700)
    for path in folder.rglob("*"):
        path.chmod(0o700 if path.is_dir() else 0o600)


def backup(target_parent: Path) -> Path:
    """Write a backup folder under ``target_parent``, restore-tested; returns its path.

    Raises CommandError, leaving nothing behind, if what was written cannot be restored.
    """
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    final = target_parent / f"vrp-backup-{stamp}"
    partial = target_parent / f".vrp-backup-{stamp}.partial"
    partial.mkdir(parents=True, mode=0o700)
    try:
        partial.chmod(0o700)
        data_dir = Path(settings.VRP_DATA_DIR)
        with _snapshot() as alias:
            counts = {m._meta.label: m.objects.using(alias).count() for m in _dumped_models()}
            with open(partial / "database.json", "w", encoding="utf-8") as handle:
                call_command("dumpdata", exclude=list(EXCLUDED_MODELS), indent=0, stdout=handle, database=alias)
        for folder in data_folders():
            if (data_dir / folder).exists():
                shutil.copytree(data_dir / folder, partial / "files" / folder,
                                ignore=shutil.ignore_patterns(".*partial*", "*.lock"))
        files = {p.relative_to(partial).as_posix(): sha256_of(p) for p in sorted(partial.rglob("*")) if p.is_file()}
        manifest = {"format": FORMAT, "created_at": stamp, "database_vendor": connection.vendor,
                    "migrations": applied_migrations(), "files": files, "rows": counts}
        (partial / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        _owner_only(partial)
        _restore_test(partial, counts)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
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
    """Replace this platform's data with the backup's, after checking it; returns the manifest.

    If anything fails the database is as it was (one transaction) and the staged folders are removed.
    """
    manifest = check(source)
    data_dir = Path(settings.VRP_DATA_DIR)
    staged = {}
    try:
        for folder in data_folders():
            incoming = data_dir / f".{folder}.restoring"
            if incoming.exists():
                shutil.rmtree(incoming)
            staged[folder] = incoming
            if (source / "files" / folder).exists():
                shutil.copytree(source / "files" / folder, incoming)
            else:
                incoming.mkdir()
        with transaction.atomic():
            # No post-migrate defaults (the default protocol, say): the backup brings its own rows.
            call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
            try:
                call_command("loaddata", str(source / "database.json"), verbosity=0)
            except (DatabaseError, IntegrityError) as exc:
                raise CommandError(f"the backup's database could not be loaded, so nothing was changed: {exc}") \
                    from exc
    except BaseException:
        for incoming in staged.values():
            shutil.rmtree(incoming, ignore_errors=True)
        raise
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
    """Rebuild what is derived from the restored data, as each part registered (the evidence search index,
    in-process caches)."""
    for part in _PARTS.values():
        if part.after_restore is not None:
            part.after_restore()
