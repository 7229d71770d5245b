"""Choosing by name: the area picker's search, names in titles, dropdowns offering only months with data."""

from pathlib import Path

import pytest
import shapely
from django.test import Client

from geography.models import Boundary
from insights.forms import OverviewFilters
from insights.query import pickers
from places.models import Postcode

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_region, tmp_path: Path) -> dict:
    return demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=60, ed_per_month=6,
                       with_commissioning=False, grid=(8, 6))


def test_search_finds_areas_by_first_letters_code_and_postcode(demo: dict, client: Client) -> None:
    found = pickers.search_areas("east")
    assert found[0] == {"code": "E08900002", "name": "Easton Borough", "level": "lad",
                        "label": "Easton Borough (E08900002), local authority"}
    # Every suggestion matches what was typed, by name or code; names that start with it come first.
    assert all("east" in a["name"].lower() for a in found)
    assert pickers.search_areas("E0890000")[0]["code"].startswith("E0890000")
    assert pickers.search_areas("e") == []
    # A postcode is placed in the LSOA its centroid falls in.
    boundary = Boundary.objects.filter(level="lsoa").order_by("area_code")[5]
    inside = shapely.from_wkb(bytes(boundary.geometry_wkb)).representative_point()
    Postcode.objects.create(postcode="ZZ1 1ZZ", latitude=inside.y, longitude=inside.x)
    by_postcode = pickers.search_areas("zz1 1zz")
    assert by_postcode[0]["code"] == boundary.area_code and by_postcode[0]["label"].startswith("ZZ1 1ZZ: ")
    response = client.get("/insights/areas.json", {"q": "Easton"})
    assert response.status_code == 200 and response.json()["areas"][0]["code"] == "E08900002"
    # Names go out as JSON strings; the page puts them in as text.
    assert client.get("/insights/areas.json", {"q": "<script>"}).json() == {"areas": []}


def test_filters_read_names_labels_and_postcodes_back_to_codes(demo: dict) -> None:
    for typed in ("E08900002", "Easton Borough (E08900002)", "easton borough",
                  "Easton Borough (E08900002), local authority"):
        form = OverviewFilters({"area": typed})
        assert form.is_valid(), form.errors
        assert form.cleaned_data["area"] == "E08900002"
    unknown = OverviewFilters({"area": "Atlantis"})
    assert not unknown.is_valid() and "No local authority" in unknown.errors["area"][0]


def test_period_and_type_dropdowns_offer_what_exists(demo: dict, client: Client) -> None:
    form = OverviewFilters()
    months = [value for value, _ in form.fields["from"].widget.choices if value]
    assert months == pickers.months_with_data() and months[0] == "2023-01" and months[-1] == "2024-12"
    assert dict(form.fields["from"].widget.choices)["2024-03"] == "March 2024"
    groups = dict(form.fields["type"].widget.choices[1:])
    assert ("Robbery", "Robbery") in groups["Police recorded crime"]
    page = client.get("/insights/", {"area": "E08900002", "from": "2024-01", "to": "2024-12"})
    html = page.content.decode()
    assert page.status_code == 200
    assert "Area profile: Easton Borough (E08900002)" in html and "January 2024 to December 2024" in html
    assert 'value="Easton Borough (E08900002)"' in html and '<option value="2024-03">March 2024</option>' in html
