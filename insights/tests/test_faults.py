"""kill -9 mid-ingest: the previous state is intact, and a re-run gives the right figures once."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from core.testing.police_files import write_rows
from core.testing.servers import database_url
from insights.ingest.police_uk import ingest_police_uk
from insights.ingest.warehouse import warehouse_dir
from insights.models import WarehousePartition
from insights.query.figures import FigureQuery, counts

pytestmark = pytest.mark.django_db(transaction=True)


def run_ingest(path: Path, fault: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url(), "VRP_DATA_DIR": str(settings.VRP_DATA_DIR)}
    if fault:
        env["VRP_INGEST_FAULT"] = fault
    return subprocess.run([sys.executable, "-m", "vrp.cli", "ingest", "police-uk", str(path), "--no-progress",
                           "--replace-smaller"],  # the newer release is smaller on purpose: not the guard under test
                          env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("fault", ["after-parquet-written", "after-commit"])
def test_kill_9_mid_ingest(fault: str, small_street_file: Path, sample_rows: list, tmp_path: Path) -> None:
    ingest_police_uk([small_street_file])
    before = counts(FigureQuery(), ["crime_type"])
    newer_dir = tmp_path / "newer"
    newer_dir.mkdir()
    newer = write_rows(newer_dir / "2024-03-dyfed-powys-street.csv", sample_rows[:-25])

    killed = run_ingest(newer, fault)
    assert killed.returncode == -9, killed.stderr

    if fault == "after-parquet-written":
        # Died before the commit: readers still see exactly the previous figures.
        assert counts(FigureQuery(), ["crime_type"]) == before
    else:
        # Died after the commit: the new release is current; the retired file is a leftover.
        assert sum(r["count"] for r in counts(FigureQuery(), [])) == len(sample_rows) - 25
    finished = run_ingest(newer, None)
    assert finished.returncode == 0, finished.stderr
    assert sum(r["count"] for r in counts(FigureQuery(), [])) == len(sample_rows) - 25
    assert WarehousePartition.objects.filter(is_current=True).count() == 1
    current = {p for p in WarehousePartition.objects.filter(is_current=True).values_list("path", flat=True)}
    on_disk = {p.relative_to(warehouse_dir()).as_posix() for p in warehouse_dir().rglob("*.parquet")}
    assert on_disk == current, "leftover files from the killed ingest were removed"
