"""Provision versus need on the demo region: sessions within walking distance counted independently."""

from pathlib import Path

import pytest

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
