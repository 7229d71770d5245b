"""`vrp fetch police-uk` against a local HTTP server serving an archive built from the shared files."""

import gzip
import http.server
import threading
import zipfile
from pathlib import Path

import pytest

from core.problems import InputRejected
from insights.ingest.fetch import fetch_police_uk, months_between
from insights.ingest.warehouse import current_files

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive_server(shared_data: Path, tmp_path: Path, settings):
    root = tmp_path / "site"
    (root / "data/archive").mkdir(parents=True)
    with zipfile.ZipFile(root / "data/archive/2024-04.zip", "w") as zf:
        for month in ("2024-02", "2024-03", "2024-04"):
            for force in ("dyfed-powys", "city-of-london"):
                source = shared_data / f"police-uk/street/{month}-{force}-street.csv.gz"
                zf.writestr(f"{month}/{month}-{force}-street.csv", gzip.decompress(source.read_bytes()))
    handler = lambda *a, **k: http.server.SimpleHTTPRequestHandler(*a, directory=str(root), **k)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.VRP_POLICE_UK_BASE_URL = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()


def test_fetch_ingests_only_the_force_and_months_asked_for(archive_server) -> None:
    summary = fetch_police_uk("dyfed-powys", "2024-03", "2024-04")
    assert summary.status == "landed"
    assert sorted(m for f in summary.files for m in f.months) == ["2024-03", "2024-04"]
    assert all("dyfed-powys" in p for p in current_files("police"))


def test_fetch_reports_a_missing_archive(archive_server) -> None:
    with pytest.raises(InputRejected, match="download failed"):
        fetch_police_uk("dyfed-powys", "2023-01", "2023-02")


def test_months_between_rejects_reversed_range() -> None:
    assert months_between("2023-11", "2024-02") == ["2023-11", "2023-12", "2024-01", "2024-02"]
    with pytest.raises(InputRejected):
        months_between("2024-02", "2023-11")


def test_fetch_refuses_an_archive_that_expands_far_beyond_its_size(archive_server, tmp_path: Path) -> None:
    bomb = tmp_path / "site/data/archive/2024-05.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf, \
            zf.open("2024-05/2024-05-dyfed-powys-street.csv", "w") as member:
        for _ in range(64):
            member.write(b"0" * (1 << 20))
    with pytest.raises(InputRejected, match="times its size"):
        fetch_police_uk("dyfed-powys", "2024-05", "2024-05")
    assert not current_files("police")
