"""``vrp demo`` builds the West Midlands from the bundle committed in the repository, reading nothing from
../shared: real places and police.uk counts, synthetic partnership data on the real LSOAs, idempotent."""

import csv
import gzip
import sys
from collections import Counter
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]
BUNDLE = Path(__file__).resolve().parent.parent / "demo" / "west_midlands"
SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
_watch: list[str] = []  # paths under ../shared opened while the list's first item is "on"


def _audit(event: str, args: tuple) -> None:
    if _watch and event == "open" and isinstance(args[0], str | Path):
        path = str(args[0])
        if path.startswith((str(SHARED), str(SHARED.resolve()))) or "/shared/data" in path:
            _watch.append(path)


sys.addaudithook(_audit)  # audit hooks cannot be removed; this one only records while a test watches


def bundle_counts() -> Counter:
    """Crimes by (LSOA, month) counted straight from the bundle's files."""
    totals = Counter()
    for path in sorted((BUNDLE / "police_uk_counts").glob("*.csv.gz")):
        with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                totals[(row["LSOA code"], row["Month"])] += int(row["Count"])
    return totals


def test_vrp_demo_builds_the_west_midlands_from_the_bundle_without_shared_data(settings) -> None:
    from core.region import current_region
    from demo.west_midlands import INCIDENTS_UNTIL, LAD_CODES
    from geography.models import Area
    from incidents.models import Incident
    from insights.hotspots.query import gistar_hotspots
    from insights.models import WarehousePartition
    from insights.query.areas import area_names, local_authority_of
    from insights.query.figures import FigureQuery, counts, select

    _watch[:] = ["on"]
    try:
        out = StringIO()
        call_command("demo", stdout=out)
    finally:
        opened, _watch[:] = _watch[1:], []
    assert opened == [], f"the demo read ../shared: {opened[:3]}"

    region = current_region()
    assert (region.name, region.force_slugs, sorted(region.lad_codes)) == ("West Midlands", ["west-midlands"],
                                                                          LAD_CODES)
    assert region.is_synthetic and region.is_real_place
    assert set(area_names(LAD_CODES).values()) == {"Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull",
                                                   "Walsall", "Wolverhampton"}
    assert Area.objects.filter(level="lsoa").count() == 1719 and Area.objects.filter(level="ward").count() == 192

    expected = bundle_counts()
    by_lsoa_month = Counter({(r["lsoa"], r["month"]): r["count"] for r in counts(FigureQuery(), ["lsoa", "month"])})
    assert by_lsoa_month == expected and sum(expected.values()) > 850_000
    # Synthetic ED attendances are placed on real LSOAs of the region.
    ed_lsoas = {r["lsoa"] for r in select(FigureQuery(source="ed"), "SELECT DISTINCT e.lsoa21_code AS lsoa "
                                                                   "FROM {events} WHERE {where}")}
    assert ed_lsoas and ed_lsoas <= set(Area.objects.filter(level="lsoa").values_list("code", flat=True))
    assert {local_authority_of(c) for c in ed_lsoas} <= set(LAD_CODES)

    # `vrp region show`: a real place with synthetic partnership data, and the months the README names as
    # incomplete (fewer than half the median month's crimes) flagged, no others.
    shown = StringIO()
    call_command("region", "show", stdout=shown)
    assert "Region: West Midlands (demonstration: real places and police.uk figures" in shown.getvalue()
    assert "35 months, 2023-05 to 2026-03" in shown.getvalue()
    flagged = [line.split()[0] for line in shown.getvalue().splitlines() if line.endswith("looks incomplete")]
    assert flagged == ["2023-06", "2023-07", "2024-09"]

    hot = [r for r in gistar_hotspots(FigureQuery(month_from="2025-04", month_to="2026-03",
                                                  types=("Violence and sexual offences",))) if r["class"] == "hot spot"]
    assert any(local_authority_of(r["lsoa"]) == "E08000025" for r in hot), "a hot spot in Birmingham"

    # Incidents fall in the last financial year of data (2025/26), which the annual report covers.
    occurred = [i.occurred_at.date() for i in Incident.objects.all()]
    assert occurred and all(date(2025, 4, 1) <= d <= INCIDENTS_UNTIL.date() for d in occurred)
    from core.release import current_release

    assert "2025/26" in current_release("incidents").years  # so the public annual report has incidents

    # Real postcodes, so the directory's "near a postcode" search works; and a public story map.
    from places.models import Postcode
    from places.services.directory import postcode_point
    from places.stories.models import Story

    assert Postcode.objects.count() > 70_000 and postcode_point("b1 1aa") == pytest.approx((52.47666, -1.90353))
    assert Story.objects.filter(visibility=Story.Visibility.PUBLIC).exists()

    partitions = set(WarehousePartition.objects.filter(is_current=True).values_list("path", flat=True))
    again = StringIO()
    call_command("demo", stdout=again)
    assert "landed 0 crimes" in again.getvalue() and "ED attendances 0" in again.getvalue()
    assert set(WarehousePartition.objects.filter(is_current=True).values_list("path", flat=True)) == partitions
    assert Incident.objects.count() == len(occurred)
