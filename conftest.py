"""Session-wide test set-up: each test gets its own data folder; caches keyed on the database are cleared."""

import os
from pathlib import Path

import pytest

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
    from core.release import clear_memo
    from evidence.services.search import reset_cache
    from geography.services.locate import _lsoa_index
    from insights.services.areas import _build, _local_authorities
    from insights.services.figures import SHARED

    reset_cache()
    _build.cache_clear()
    _local_authorities.cache_clear()
    clear_memo()
    _lsoa_index.cache_clear()
    SHARED.reset()
    return settings.VRP_DATA_DIR


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real public files in ../shared/data (never copied into the repository)."""
    if not SHARED_DATA.exists():
        pytest.fail(f"the shared real data folder {SHARED_DATA} is missing; tests read real files from it")
    return SHARED_DATA


def pytest_report_header(config: pytest.Config) -> str:
    url = os.environ.get("DATABASE_URL", "")
    return f"database: {'PostgreSQL ' + url if url.startswith('postgres') else 'SQLite'}"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the chromium tests (``tests/test_browser*.py``) ``browser``, so CI's PostgreSQL pass can leave
    them to the SQLite pass: they test pages in a browser, which do not change with the database engine."""
    for item in items:
        if item.path.name.startswith("test_browser"):
            item.add_marker(pytest.mark.browser)
