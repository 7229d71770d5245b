"""Anonymous directory submissions are limited per client address; moderation is paged, shows every field
the public would see, and rejects a flood in one step."""

from datetime import date, time

import pytest

from core.models import AuditEntry
from core.roles import Role
from core.testing.factories import user
from places.models import DirectoryOrganisation, Postcode, Schedule, Service, ServiceLocation

pytestmark = pytest.mark.django_db

FORM = {"name": "Boxing club", "description": "Tuesdays.", "organisation_name": "Ring CIC",
        "organisation_description": "Boxing.", "location_name": "Gym", "postcode": "B12 9QT", "day": "TU",
        "opens_at": "18:00", "closes_at": "20:00", "season": "all_year"}


@pytest.fixture
def postcode() -> None:
    Postcode.objects.create(postcode="B12 9QT", latitude=52.4650, longitude=-1.8870)


def test_anonymous_submissions_are_limited_per_client_address(client, settings, postcode) -> None:
    settings.VRP_SUBMISSIONS_PER_HOUR = 3
    for n in range(3):
        assert client.post("/places/directory/submit/", {**FORM, "name": f"Club {n}"}).status_code == 200
    refused = client.post("/places/directory/submit/", {**FORM, "name": "Club 4"})
    assert refused.status_code == 429 and b"Wait an hour" in refused.content
    assert Service.objects.count() == 3
    # Another address may still submit; a signed-in user is not limited.
    assert client.post("/places/directory/submit/", {**FORM, "name": "Elsewhere"},
                       REMOTE_ADDR="192.0.2.7").status_code == 200
    client.force_login(user(Role.PARTNER, None, "partner-submits"))
    assert client.post("/places/directory/submit/", {**FORM, "name": "Signed in"}).status_code == 200
    assert Service.objects.count() == 5


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_client(client, settings, postcode) -> None:
    """Behind one proxy every request comes from the proxy: the client is the address it forwards (and an
    address the client wrote further left proves nothing)."""
    settings.VRP_SUBMISSIONS_PER_HOUR = 1
    settings.VRP_TRUSTED_PROXIES = 1
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    assert client.post("/places/directory/submit/", {**FORM, "name": "A"}, HTTP_X_FORWARDED_FOR="198.51.100.1",
                       **proxy).status_code == 200
    assert client.post("/places/directory/submit/", {**FORM, "name": "B"}, HTTP_X_FORWARDED_FOR="198.51.100.2",
                       **proxy).status_code == 200
    assert client.post("/places/directory/submit/", {**FORM, "name": "C"},
                       HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.1", **proxy).status_code == 429


def _flood(count: int) -> list[Service]:
    organisation = DirectoryOrganisation.objects.create(name="Flood Ltd", description="Spam.")
    services = []
    for n in range(count):
        service = Service.objects.create(organisation=organisation, name=f"Spam entry {n:04d}", description="Buy now")
        ServiceLocation.objects.create(service=service, name="Nowhere", latitude=52.46, longitude=-1.88)
        services.append(service)
    return services


def test_moderation_is_paged_and_shows_every_public_field(client) -> None:
    _flood(60)
    from engagement.services.networks import declare_faith_alliance_membership

    organisation = DirectoryOrganisation.objects.create(name="Ring CIC", description="A boxing charity.")
    declare_faith_alliance_membership("public", organisation, date(2026, 1, 5))
    real = Service.objects.create(organisation=organisation, name="Boxing club", description="Tuesdays.",
                                  url="https://ring.example/", email="ring@example.org", minimum_age=10,
                                  maximum_age=18, cost="£2 a session", contact_name="Coach on duty",
                                  contact_phone="0121 496 0000")
    ServiceLocation.objects.create(service=real, name="Community hall<b>", postcode="B12 9QT", latitude=52.46,
                                   longitude=-1.88)
    Schedule.objects.create(service=real, byday="TU", opens_at=time(18), closes_at=time(20))
    client.force_login(user(Role.COMMISSIONER, None, "moderator"))
    page = client.get("/places/directory/moderate/").content.decode()
    assert 'data-total="61"' in page and page.count('name="selected"') == 25 and "Page 1 of 3" in page
    found = client.get("/places/directory/moderate/?q=boxing").content.decode()
    for shown in ("Boxing club", "Ring CIC", "Faith Alliance member", "A boxing charity.", "Tuesdays.",
                  "https://ring.example/", "ring@example.org", "10 to 18", "£2 a session", "Coach on duty",
                  "0121 496 0000", "Community hall&lt;b&gt;", "B12 9QT", "Tuesday 18:00–20:00"):
        assert shown in found, shown
    assert "Community hall<b>" not in found


def test_a_flood_is_rejected_in_one_step_and_late_arrivals_are_not_swept_up(client) -> None:
    flood = _flood(40)
    client.force_login(user(Role.ANALYST, None, "moderator"))
    # The ticked entries on a page.
    client.post("/places/directory/moderate/", {"decision": "reject-selected",
                                                "selected": [s.pk for s in flood[:3]], "note": "spam"})
    assert Service.objects.filter(moderation="rejected").count() == 3
    # Every entry matching a search: refused if more arrived since the page was shown.
    shown = client.get("/places/directory/moderate/?q=spam")
    assert b'data-total="37"' in shown.content
    _flood(1)
    response = client.post("/places/directory/moderate/", {"decision": "reject-matching", "q": "spam",
                                                           "matching_count": "37"}, follow=True)
    assert b"More entries arrived" in response.content and Service.objects.filter(moderation="pending").count() == 38
    client.post("/places/directory/moderate/", {"decision": "reject-matching", "q": "spam", "matching_count": "38"})
    assert Service.objects.filter(moderation="pending").count() == 0
    assert AuditEntry.objects.filter(action="reject", object_type="places.Service").count() == 41
    # One entry's own buttons still work.
    keeper = _flood(1)[0]
    client.post("/places/directory/moderate/", {"decide": f"publish:{keeper.pk}"})
    assert Service.objects.get(pk=keeper.pk).moderation == "published"
