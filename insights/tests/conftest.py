import csv
import gzip
import shutil
from pathlib import Path

import pytest

from insights.ingest.police_uk_format import COLUMNS


def read_rows(path: Path) -> list[dict]:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_rows(path: Path, rows: list[dict], header: list[str] = COLUMNS) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def small_street_file(shared_data: Path, tmp_path: Path) -> Path:
    """A real police.uk file (Dyfed-Powys 2024-03, 5 KB gzip) copied under its own name."""
    target = tmp_path / "2024-03-dyfed-powys-street.csv.gz"
    shutil.copy(shared_data / "police-uk/street/2024-03-dyfed-powys-street.csv.gz", target)
    return target


@pytest.fixture
def sample_rows(shared_data: Path) -> list[dict]:
    return read_rows(shared_data / "police-uk/street/2024-03-dyfed-powys-street.csv.gz")
