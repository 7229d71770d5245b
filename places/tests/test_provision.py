"""Provision versus need on the demo region: sessions within walking distance counted independently."""

from pathlib import Path

import pytest
from django.core.cache import caches

from core.public_cache import bump_data_version
from places.services import provision
from places.services.directory import distance_m, published
from places.services.provision import WALKING_DISTANCE_M, by_ward, lsoa_centres, provision_vs_need

pytestmark = pytest.mark.django_db


def test_provision_against_need_lists_the_biggest_gaps_first(demo_region, tmp_path: Path) -> None:
    demo_region(tmp_path / "demo", "2024-01", 12, police_per_month=300, ed_per_month=10)
    rows = provision_vs_need()
    assert len(rows) == 480
    assert [r["gap"] for r in rows] == sorted((r["gap"] for r in rows), reverse=True)
    centres = lsoa_centres([r["lsoa"] for r in rows[:20]])
    services = list(published())
    for row in rows[:20]:
        lat, lon = centres[row["lsoa"]]
        expected = sum(s.schedules.count() for s in services if (s.minimum_age or 0) <= 24
                       for loc in s.locations.all() if distance_m(lat, lon, loc.latitude, loc.longitude)
                       <= WALKING_DISTANCE_M)
        assert row["sessions_per_week_nearby"] == expected
    football = provision_vs_need("football")
    assert sum(r["sessions_per_week_nearby"] for r in football) < sum(r["sessions_per_week_nearby"] for r in rows)
    wards = by_ward(rows)
    assert sum(w["lsoas"] for w in wards) == 480


def test_the_table_is_kept_while_the_data_stay_the_same(demo_region, tmp_path: Path, settings,
                                                        monkeypatch) -> None:
    """Each activity and level is worked out once per state of the data (the page asks it again and again),
    and again after any change (a service published, new data)."""
    from core.caches import clear_caches

    demo_region(tmp_path / "demo", "2024-01", 12, police_per_month=300, ed_per_month=10)
    settings.VRP_PUBLIC_CACHE_SECONDS = 300
    caches["shared"].clear()
    worked_out = []
    measured = provision.provision_vs_need
    monkeypatch.setattr(provision, "provision_vs_need", lambda activity: worked_out.append(activity) or
                        measured(activity))
    wards = provision.provision_table("football", "ward")
    assert wards == by_ward(measured("football")) and worked_out == ["football"]
    clear_caches()  # another process: read back from the shared cache
    assert provision.provision_table("football", "ward") == wards and worked_out == ["football"]
    assert provision.provision_table("football", "lsoa") == measured("football") and len(worked_out) == 2
    bump_data_version()
    provision.provision_table("football", "ward")
    assert len(worked_out) == 3
