"""Directory and school lists: natural order, pages of results, and a page per service."""

import re
from pathlib import Path

import pytest
from django.test import Client

from places.models import School, Service
from places.services.ordering import natural_key

pytestmark = pytest.mark.django_db


def test_natural_key_compares_numbers_as_numbers() -> None:
    names = ["Club 35", "club 5", "Club 11", "Academy 2", "Club 11a"]
    assert sorted(names, key=natural_key) == ["Academy 2", "club 5", "Club 11", "Club 11a", "Club 35"]


@pytest.fixture
def demo(demo_region, tmp_path: Path) -> dict:
    return demo_region(tmp_path / "demo", "2024-01", 12, police_per_month=20, ed_per_month=2,
                       grid=(6, 4))


def test_directory_lists_services_in_natural_order_page_by_page(demo: dict, client: Client) -> None:
    organisation = Service.objects.first().organisation
    for n in (5, 11, 17, 23, 29, 35, 2, 3, 4, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 18, 19, 20):
        Service.objects.create(organisation=organisation, name=f"Club {n}", description="A club.",
                               moderation=Service.Moderation.PUBLISHED)
    published = Service.objects.filter(moderation=Service.Moderation.PUBLISHED).count()
    assert published > 20
    first = client.get("/places/directory/").content.decode()
    second = client.get("/places/directory/?page=2").content.decode()
    assert f'data-total="{published}"' in first and 'aria-current="page"' in first and "page=2" in first
    names = re.findall(r'<h3[^>]*><a [^>]*href="/places/directory/services/[0-9a-f-]+/">([^<]+)</a></h3>', first)
    later = re.findall(r'<h3[^>]*><a [^>]*href="/places/directory/services/[0-9a-f-]+/">([^<]+)</a></h3>', second)
    assert len(names) == 20 and names == sorted(names, key=natural_key)
    assert natural_key(names[-1]) <= natural_key(later[0])
    clubs = [int(n.split()[1]) for n in names + later if n.startswith("Club ")]
    assert clubs == sorted(clubs) and clubs[:6] == [2, 3, 4, 5, 6, 7]  # never "11, 17, 23, 29, 35, 5"


def test_a_service_has_its_own_page_with_open_referral_fields(demo: dict, client: Client) -> None:
    service = Service.objects.filter(moderation=Service.Moderation.PUBLISHED).first()
    page = client.get(f"/places/directory/services/{service.id}/")
    html = page.content.decode()
    assert page.status_code == 200 and f">{service.name}</h1>" in html
    assert service.organisation.name in html and "When</h2>" in html and "Where</h2>" in html
    for schedule in service.schedules.all():
        assert schedule.get_byday_display() in html
    assert 'id="directory-map"' in html and f"/openreferral/services/{service.id}" in html
    service.moderation = Service.Moderation.PENDING
    service.save()
    assert client.get(f"/places/directory/services/{service.id}/").status_code == 404


def test_schools_are_in_natural_order(demo: dict, client: Client) -> None:
    html = client.get("/places/schools/").content.decode()
    names = re.findall(r'<td[^>]*><a [^>]*href="/places/schools/\d+/">([^<]+)</a></td>', html)
    assert len(names) == min(School.objects.count(), 50) and names == sorted(names, key=natural_key)
