"""The demo's 360Giving export and Open Referral UK feed validate against the standards' own schemas (vendored
under the tests, with their source and licence), with a format checker."""

import json

import pytest

from core.testing.standards import open_referral, threesixty_package

pytestmark = pytest.mark.django_db


def test_the_demos_export_and_feed_validate_against_the_official_schemas(demo_region, client, tmp_path) -> None:
    demo_region(tmp_path / "demo", "2024-01", 12, police_per_month=50, ed_per_month=5, grid=(8, 5))
    package = client.get("/commissioning/360giving.json").json()
    assert package["grants"]
    threesixty_package().validate(package)
    located = [loc for g in package["grants"] for loc in g.get("beneficiaryLocation", []) if "latitude" in loc]
    assert located and all(isinstance(loc["latitude"], float) for loc in located)
    page = client.get("/openreferral/services?per_page=200").json()
    assert page["contents"]
    for item in page["contents"]:
        open_referral("service_list.json").validate(item)
        one = client.get(f"/openreferral/services/{item['id']}").json()
        open_referral("service.json").validate(one)
        assert "null" not in json.dumps(one)
