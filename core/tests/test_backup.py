"""Backup and restore: a round trip gives byte-identical figures; a corrupted or mismatched backup is refused."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commissioning.models import Project
from core import figures as registry
from demo.region import build_demo_region
from evidence.services.search import SearchFilters, search
from insights.services.access import FULL
from insights.services.catalogue import default_query

pytestmark = pytest.mark.django_db(transaction=True)


def figures() -> str:
    query = default_query()
    return json.dumps({name: registry.get(name).table(query, FULL).rows
                       for name in ("headline", "trend", "local_authorities", "places")}, default=str, sort_keys=True)


def test_round_trip_gives_identical_figures_and_refuses_damaged_backups(tmp_path: Path, settings) -> None:
    build_demo_region(tmp_path / "demo", "2024-01", 12, police_per_month=300, ed_per_month=20)
    before, projects = figures(), Project.objects.count()
    found_before = [i.pk for i in search("all", SearchFilters(words="navigators")).items]
    call_command("backup", "--out", str(tmp_path))
    folder = next(tmp_path.glob("vrp-backup-*"))

    # Restore into an emptied platform with a fresh data folder.
    call_command("flush", interactive=False, verbosity=0)
    settings.VRP_DATA_DIR = tmp_path / "elsewhere"
    settings.VRP_DATA_DIR.mkdir()
    from insights.services.figures import SHARED

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
