"""Backup and restore: a round trip gives byte-identical figures; a corrupted or mismatched backup is refused."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commissioning.models import Project
from core import figures as registry
from evidence.services.search import SearchFilters, search
from insights.query.access import FULL
from insights.query.catalogue import default_query

pytestmark = pytest.mark.django_db(transaction=True)


def figures() -> str:
    query = default_query()
    return json.dumps({name: registry.get(name).table(query, FULL).rows
                       for name in ("headline", "trend", "local_authorities", "places")}, default=str, sort_keys=True)


def test_round_trip_gives_identical_figures_and_refuses_damaged_backups(demo_region, tmp_path: Path, settings) -> None:
    demo_region(tmp_path / "demo", "2024-01", 12, police_per_month=300, ed_per_month=20)
    before, projects = figures(), Project.objects.count()
    found_before = [i.pk for i in search("all", SearchFilters(words="navigators")).items]
    call_command("backup", "--out", str(tmp_path))
    folder = next(tmp_path.glob("vrp-backup-*"))

    # Restore into an emptied platform with a fresh data folder.
    call_command("flush", interactive=False, verbosity=0)
    settings.VRP_DATA_DIR = tmp_path / "elsewhere"
    settings.VRP_DATA_DIR.mkdir()
    from insights.query.figures import SHARED

    SHARED.reset()
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(folder))
    call_command("restore", str(folder), "--yes")
    assert figures() == before and Project.objects.count() == projects
    assert [i.pk for i in search("all", SearchFilters(words="navigators")).items] == found_before

    manifest = json.loads((folder / "manifest.json").read_text())
    damaged = folder / next(name for name in manifest["files"] if name.startswith("files/warehouse/"))
    damaged.write_bytes(damaged.read_bytes()[:-10])
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(folder), "--yes")
    assert figures() == before  # nothing changed

    mismatched = tmp_path / "mismatched"
    call_command("backup", "--out", str(tmp_path))
    newest = sorted(tmp_path.glob("vrp-backup-*"))[-1]
    newest.rename(mismatched)
    manifest = json.loads((mismatched / "manifest.json").read_text())
    manifest["migrations"]["commissioning"] = "0099_from_the_future"
    (mismatched / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="0099_from_the_future"):
        call_command("restore", str(mismatched), "--yes")
    with pytest.raises(CommandError, match="not a VRP Platform backup"):
        call_command("restore", str(tmp_path / "demo"), "--yes")


def _submit_service(name: str) -> None:
    """An anonymous directory submission, as the site makes it: organisation, service, location, session."""
    from datetime import time

    from places.models import DirectoryOrganisation, Schedule, Service, ServiceLocation

    organisation = DirectoryOrganisation.objects.create(name=f"{name} CIC", description="Written mid-backup.")
    service = Service.objects.create(organisation=organisation, name=name, description="x")
    ServiceLocation.objects.create(service=service, name="Hall", latitude=52.46, longitude=-1.88)
    Schedule.objects.create(service=service, byday="TU", opens_at=time(18), closes_at=time(20))


def test_a_backup_taken_while_the_site_writes_restores(tmp_path: Path, monkeypatch) -> None:
    """Services are submitted while the dump is being written (after services were dumped, before their
    locations and sessions were): the backup is one snapshot, so it restores, without the late arrivals."""
    import threading

    from django.core.serializers import json as json_serializer
    from django.db import connections

    from places.models import Schedule, Service

    _submit_service("Before the backup")
    original = json_serializer.Serializer.start_object
    written = []

    def write_meanwhile(self, obj) -> None:
        if obj._meta.label == "places.ServiceLocation" and not written:
            def submit() -> None:
                try:
                    for n in range(3):
                        _submit_service(f"During the backup {n}")
                finally:
                    connections.close_all()
            writer = threading.Thread(target=submit)
            writer.start()
            writer.join()
            written.append(True)
        original(self, obj)

    monkeypatch.setattr(json_serializer.Serializer, "start_object", write_meanwhile)
    call_command("backup", "--out", str(tmp_path))
    assert written and Service.objects.count() == 4
    folder = next(tmp_path.glob("vrp-backup-*"))
    call_command("restore", str(folder), "--yes")
    assert list(Service.objects.values_list("name", flat=True)) == ["Before the backup"]
    assert Schedule.objects.count() == 1


def test_backups_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    import stat

    from evidence.services.attachments import store

    store(b"%PDF-1.4 report", "report.pdf")
    call_command("backup", "--out", str(tmp_path))
    folder = next(tmp_path.glob("vrp-backup-*"))
    modes = {p.relative_to(folder).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [folder, *folder.rglob("*")]}
    assert modes.pop(".") == 0o700
    assert modes and all(mode == (0o700 if (folder / name).is_dir() else 0o600) for name, mode in modes.items()), modes


def test_a_backup_that_would_not_restore_is_not_kept(tmp_path: Path, monkeypatch) -> None:
    """``vrp backup`` restore-tests what it wrote: a dump missing rows that others point to fails, and no
    folder is left that looks like a backup."""
    import core.backup

    _submit_service("Orphaned by a broken dump")
    monkeypatch.setattr(core.backup, "EXCLUDED_MODELS", (*core.backup.EXCLUDED_MODELS, "places.directoryorganisation"))
    (tmp_path / "backups").mkdir()
    with pytest.raises(CommandError, match="could not be restored"):
        call_command("backup", "--out", str(tmp_path / "backups"))
    assert list((tmp_path / "backups").iterdir()) == []


def test_a_failed_restore_changes_nothing_and_leaves_nothing(tmp_path: Path, settings) -> None:
    from core.files import sha256_of
    from evidence.services.attachments import store
    from places.models import Service

    store(b"%PDF-1.4 report", "report.pdf")
    _submit_service("Kept")
    (tmp_path / "backups").mkdir()
    call_command("backup", "--out", str(tmp_path / "backups"))
    folder = next((tmp_path / "backups").glob("vrp-backup-*"))
    # A dump whose checksum matches but whose rows cannot load: a location of a service that is not there.
    rows = json.loads((folder / "database.json").read_text())
    rows = [r for r in rows if r["model"] != "places.service"]
    (folder / "database.json").write_text(json.dumps(rows))
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["files"]["database.json"] = sha256_of(folder / "database.json")
    (folder / "manifest.json").write_text(json.dumps(manifest))
    _submit_service("Added after the backup")
    with pytest.raises(CommandError):
        call_command("restore", str(folder), "--yes")
    assert Service.objects.count() == 2
    data_dir = Path(settings.VRP_DATA_DIR)
    assert sorted(p.name for p in data_dir.iterdir() if p.name.startswith(".")) == []
    assert (data_dir / "evidence").is_dir()
