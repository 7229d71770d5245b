"""Session-wide test set-up: each test gets its own data folder; the caches kept in memory are cleared; the
demo region is built once per test process and copied into each test that asks for it (``demo_region``)."""

import os
import shutil
from pathlib import Path

import pytest

from core.caches import clear_caches

SHARED_DATA = Path(__file__).resolve().parent.parent / "shared" / "data"


@pytest.fixture(autouse=True)
def data_dir(request: pytest.FixtureRequest, settings, tmp_path: Path) -> Path:
    """A fresh VRP_DATA_DIR (warehouse, scratch, reports) for every test."""
    settings.VRP_DATA_DIR = tmp_path / "var"
    settings.VRP_DATA_DIR.mkdir()
    # Pages are tested fresh; the page cache has its own tests (core/tests/test_public_cache.py), which
    # switch it on.
    settings.VRP_PUBLIC_CACHE_SECONDS = 0
    # No basemap in tests: nothing is fetched from outside, and the maps draw their outline instead.
    settings.VRP_BASEMAP_TILES = ""
    from django.core.cache import cache, caches

    cache.clear()
    # Sign-in and submission counts (the shared cache, a database table in tests) start at zero in each test
    # that may use the database; every test client comes from the same address.
    if request.node.get_closest_marker("django_db") or {"db", "transactional_db", "live_server"} & set(
            request.fixturenames):
        request.getfixturevalue("_django_db_helper")  # (the database, as the test asked for it, first)
        caches["shared"].clear()
    # Every cache kept in memory (core/caches.py): each is keyed on data (a geography version, a data folder)
    # that another test's database may repeat with other data behind it.
    clear_caches()
    return settings.VRP_DATA_DIR


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing() -> None:
    """Passwords hashed with one PBKDF2 iteration (core/testing/hashers.py), not a million: 0.7 s saved for each
    user a test creates and each sign-in. Password rules and sign-in limits are tested as they are."""
    from django.conf import settings as django_settings
    from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm

    django_settings.PASSWORD_HASHERS = ["core.testing.hashers.OneIterationPBKDF2PasswordHasher"]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()


@pytest.fixture(scope="session", autouse=True)
def snapshot_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where this process keeps the copies of what the demo builds made (core/testing/snapshots.py)."""
    from core.testing.snapshots import STORE

    STORE[:] = [tmp_path_factory.mktemp("snapshots")]
    return STORE[0]


@pytest.fixture
def demo_region(data_dir: Path):
    """``build_demo_region`` (demo/region.py), with the same arguments, built once per test process for each set
    of arguments and copied into each later test that asks for the same (the database rows and the files)."""
    from core.testing.snapshots import build_once
    from demo.region import build_demo_region

    def build(folder: Path, *args, **kwargs) -> dict:
        return build_once(build_demo_region, folder, *args, **kwargs)

    return build


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public files in ../shared/data (never copied into the repository)."""
    if not SHARED_DATA.exists():
        pytest.fail(f"the shared real data folder {SHARED_DATA} is missing; tests read real files from it")
    return SHARED_DATA


@pytest.fixture
def small_street_file(shared_data: Path, tmp_path: Path) -> Path:
    """A real police.uk file (Dyfed-Powys 2024-03, 5 KB gzip) copied under its own name."""
    target = tmp_path / "2024-03-dyfed-powys-street.csv.gz"
    shutil.copy(shared_data / "police-uk/street/2024-03-dyfed-powys-street.csv.gz", target)
    return target


@pytest.fixture
def sample_rows(shared_data: Path) -> list[dict]:
    """The rows of that file."""
    from core.testing.police_files import read_rows

    return read_rows(shared_data / "police-uk/street/2024-03-dyfed-powys-street.csv.gz")


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get("DATABASE_URL", "")
    return f"database: {'PostgreSQL ' + url if url.startswith('postgres') else 'SQLite'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the chromium tests (``tests/test_browser*.py``) ``browser``, so CI's PostgreSQL pass can leave
    them to the SQLite pass: they test pages in a browser, which do not change with the database engine."""
    for item in items:
        if item.path.name.startswith("test_browser"):
            item.add_marker(pytest.mark.browser)
