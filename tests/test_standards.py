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


def test_the_format_checker_checks_formats_not_only_types() -> None:
    """The validators check formats (a checker whose libraries are missing passes every date and URI silently):
    a grant with an impossible award date or a relative URI, and a service with a bad id, email or URL, fail."""
    import copy

    from jsonschema.exceptions import ValidationError

    grant = {"id": "360G-x-1", "title": "t", "description": "d", "currency": "GBP", "amountAwarded": 1,
             "awardDate": "2024-04-01T00:00:00Z",
             "recipientOrganization": [{"id": "GB-CHC-1", "name": "r"}],
             "fundingOrganization": [{"id": "GB-GOR-1", "name": "f"}], "dataSource": "https://example.org/"}
    threesixty_package().validate({"grants": [grant]})
    for field, wrong in (("awardDate", "2024-13-45T00:00:00Z"), ("dataSource", "not a uri")):
        with pytest.raises(ValidationError):
            threesixty_package().validate({"grants": [{**grant, field: wrong}]})
    service = {"id": "0b1f0d1e-7c3a-4c1e-9d1e-2f0b5b8f9a01", "name": "s", "status": "active"}
    open_referral("service_list.json").validate(service)
    for field, wrong in (("id", "not-a-uuid"), ("email", "not an email"), ("url", "not a uri")):
        with pytest.raises(ValidationError):
            open_referral("service_list.json").validate(copy.deepcopy({**service, field: wrong}))
