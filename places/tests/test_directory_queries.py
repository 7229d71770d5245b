"""The directory reads only the page it shows: its queries and the services they load do not grow with the number
of published services, and the pages list the same services in the same (natural) order as ranking them all."""

import re
from datetime import time

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from places.models import DirectoryOrganisation, Postcode, Schedule, Service, ServiceLocation, TaxonomyTerm
from places.services.directory import DirectoryFilters, search
from places.services.ordering import natural_key

pytestmark = pytest.mark.django_db

LISTED = re.compile(r'<h3[^>]*><a [^>]*href="/places/directory/services/([0-9a-f-]+)/">([^<]+)</a></h3>')
PAGES = ("/places/directory/", "/places/directory/?page=2", "/places/directory/?search=club&page=2",
         "/places/directory/?postcode=B12+9QT&proximity=20000", "/openreferral/services?per_page=5&page=2",
         "/openreferral/services?postcode=B12+9QT&proximity=20000&per_page=5")


def add_clubs(numbers: range) -> None:
    """Published "Club n" services, each with a place, a weekly session and a term, under three organisations."""
    Postcode.objects.get_or_create(postcode="B12 9QT", defaults={"latitude": 52.4650, "longitude": -1.8870})
    term, _ = TaxonomyTerm.objects.get_or_create(code="football", defaults={"name": "Football"})
    # Lettered, so a search for a number matches services' names only.
    organisations = [DirectoryOrganisation.objects.get_or_create(name=f"Trust {letter}",
                                                                 defaults={"description": "A trust."})[0]
                     for letter in "ABC"]
    for n in numbers:
        service = Service.objects.create(organisation=organisations[n % 3], name=f"Club {n}", description="A club.",
                                         moderation=Service.Moderation.PUBLISHED)
        ServiceLocation.objects.create(service=service, name=f"Hall {n}", postcode="B12 9QT",
                                       latitude=52.4650 + n / 1000, longitude=-1.8860)
        Schedule.objects.create(service=service, byday="FR", opens_at=time(18), closes_at=time(20))
        service.terms.add(term)


def loaded_services(client: Client, path: str) -> tuple[int, set[str]]:
    """How many queries a page takes, and which published services' ids its SQL names."""
    ids = {s.id: (s.id.hex, str(s.id)) for s in Service.objects.filter(moderation=Service.Moderation.PUBLISHED)}
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    return len(queries), {str(pk) for pk, forms in ids.items() if any(form in sql for form in forms)}


def test_directory_queries_and_loaded_services_do_not_grow_with_the_directory(client: Client) -> None:
    add_clubs(range(1, 26))
    before = {path: loaded_services(client, path) for path in PAGES}
    add_clubs(range(26, 61))
    after = {path: loaded_services(client, path) for path in PAGES}
    for path in PAGES:
        assert after[path][0] == before[path][0], path
        # Only the services on the page shown are loaded (with their places, sessions and terms), never all 60.
        assert 0 < len(after[path][1]) <= 20, (path, len(after[path][1]))
    shown = {pk for pk, _ in LISTED.findall(client.get("/places/directory/?page=2").content.decode())}
    assert loaded_services(client, "/places/directory/?page=2")[1] == shown


def test_page_two_lists_the_same_services_in_natural_order(client: Client) -> None:
    add_clubs(range(1, 46))
    everything = sorted(Service.objects.filter(moderation=Service.Moderation.PUBLISHED).values_list("name", flat=True),
                        key=natural_key)
    html = client.get("/places/directory/?page=2").content.decode()
    names = [name for _, name in LISTED.findall(html)]
    assert names == everything[20:40] == [f"Club {n}" for n in range(21, 41)]
    assert 'data-total="45"' in html
    points = re.search(r'data-points="([^"]+)"', html)[1]
    assert points.count("Hall 21") == 1 and "Hall 5&" not in points and "Hall 41" not in points
    filtered = [name for _, name in LISTED.findall(client.get("/places/directory/?search=club+1").content.decode())]
    assert filtered == sorted(filtered, key=natural_key) and filtered[:3] == ["Club 1", "Club 10", "Club 11"]


def test_nearest_first_and_the_open_referral_pages_are_unchanged(client: Client) -> None:
    add_clubs(range(1, 31))
    near, note = search(DirectoryFilters(postcode="B12 9QT", proximity=1500))
    assert note == "" and [d for _, d in near] == sorted(d for _, d in near)
    assert [s.name for s, _ in near][:3] == ["Club 1", "Club 2", "Club 3"] and len(near) == 13
    answer = client.get("/openreferral/services?per_page=7&page=2").json()
    everything = [s.name for s, _ in search(DirectoryFilters())[0]]
    assert answer["total_items"] == 30 and answer["total_pages"] == 5 and answer["size"] == 7
    assert [s["name"] for s in answer["contents"]] == everything[7:14]
    assert all(s["schedules"] and s["service_at_locations"] and s["attributes"] for s in answer["contents"])
    last = client.get("/openreferral/services?per_page=7&page=6").json()
    assert last["empty"] and last["page_number"] == 6 and last["contents"] == []
