"""The directory: Open Referral UK API (schemas' required fields, envelope, filters, CORS), import from another
feed, moderation, the public search, provision versus need, prevention plans and routes through the web."""

import json
from datetime import time
from pathlib import Path

import jsonschema
import pytest

from core.problems import InputRejected
from core.roles import Role
from core.testing.factories import user
from core.testing.standards import open_referral
from places.models import DirectoryOrganisation, Postcode, Schedule, Service, ServiceLocation, TaxonomyTerm
from places.services.directory import DirectoryFilters, import_oruk, search

pytestmark = pytest.mark.django_db

#: The paged envelope of the profile's API reference (the compiled schemas describe its items, not the page).
PAGE = {"type": "object", "required": ["total_items", "total_pages", "page_number", "size", "first_page",
                                       "last_page", "empty", "contents"],
        "properties": {"total_items": {"type": "integer"}, "empty": {"type": "boolean"},
                       "contents": {"type": "array"}}}


@pytest.fixture
def listings() -> dict[str, Service]:
    Postcode.objects.create(postcode="B12 9QT", latitude=52.4650, longitude=-1.8870)
    football = TaxonomyTerm.objects.create(code="football", name="Football")
    faith = DirectoryOrganisation.objects.create(name="St Anne's Church", description="A parish.")
    club = DirectoryOrganisation.objects.create(name="Sparkbrook Youth", description="Youth club.")
    found = {}
    for key, org, name, age, day, opens, lat, term in (
            ("near", club, "Friday night football", (11, 18), "FR", time(18), 52.4660, football),
            ("far", club, "Saturday football, Solihull", (11, 18), "SA", time(10), 52.4100, football),
            ("adult", faith, "Parents' coffee morning", (25, None), "TU", time(9, 30), 52.4655, None)):
        service = Service.objects.create(organisation=org, name=name, description="Open to all.",
                                         minimum_age=age[0], maximum_age=age[1], url="https://example.org",
                                         moderation=Service.Moderation.PUBLISHED)
        ServiceLocation.objects.create(service=service, name="Hall", postcode="B12 9QT", latitude=lat,
                                       longitude=-1.8860)
        Schedule.objects.create(service=service, byday=day, opens_at=opens, closes_at=time(opens.hour + 2),
                                season="term_time" if key == "far" else "all_year")
        if term:
            service.terms.add(term)
        found[key] = service
    found["pending"] = Service.objects.create(organisation=club, name="Secret pending entry", description="x")
    return found


def names(results) -> list[str]:
    return [s.name for s, _ in results]


def test_search_by_postcode_day_age_activity_and_season(listings) -> None:
    near, note = search(DirectoryFilters(postcode="b12 9qt", proximity=1500))
    assert note == "" and names(near) == ["Parents' coffee morning", "Friday night football"]  # nearest first
    assert near[0][1] < 200
    assert names(search(DirectoryFilters(minimum_age=14, maximum_age=14))[0]) == [
        "Friday night football", "Saturday football, Solihull"]
    assert names(search(DirectoryFilters(day="saturday"))[0]) == ["Saturday football, Solihull"]
    assert names(search(DirectoryFilters(taxonomy_term_id="football", season="holidays"))[0]) == [
        "Friday night football"]
    assert names(search(DirectoryFilters(start_time=time(17), end_time=time(21)))[0]) == ["Friday night football"]
    assert search(DirectoryFilters(postcode="ZZ1 1ZZ"))[1].startswith("The postcode")


def test_open_referral_api_answers_in_the_profiles_shape_to_any_origin(client, listings) -> None:
    response = client.get("/openreferral/services?minimum_age=12&maximum_age=12&per_page=1")
    assert response["Access-Control-Allow-Origin"] == "*"
    page = response.json()
    jsonschema.validate(page, PAGE)
    assert (page["total_items"], page["total_pages"], page["size"], page["first_page"], page["last_page"]) == (
        2, 2, 1, True, False)
    for item in page["contents"]:
        open_referral("service_list.json").validate(item)
    one = client.get(f"/openreferral/services/{listings['near'].id}").json()
    open_referral("service.json").validate(one)
    # An absent field is left out, never sent as null where the profile types it as a string.
    assert "null" not in json.dumps(one)
    assert one["schedules"][0]["byday"] == "FR" and one["attributes"][0]["taxonomy_term"]["name"] == "Football"
    assert "moderation" not in json.dumps(one) and "submitted_by" not in json.dumps(one)
    assert client.get(f"/openreferral/services/{listings['pending'].id}").status_code == 404
    assert b"Secret pending" not in client.get("/openreferral/services").content
    bad = client.get("/openreferral/services?minimum_age=young")
    assert bad.status_code == 400 and "minimum_age" in bad.json()["errors"][0]["message"]
    for path in ("service_at_locations", "taxonomies", "taxonomy_terms"):
        listed = client.get(f"/openreferral/{path}").json()
        jsonschema.validate(listed, PAGE)
        assert listed["total_items"] >= 1, path
    near = client.get("/openreferral/services?postcode=B12%209QT&proximity=1500").json()
    assert [s["name"] for s in near["contents"]] == ["Parents' coffee morning", "Friday night football"]


def test_another_feed_imports_all_or_nothing_and_round_trips(client, listings) -> None:
    feed = client.get("/openreferral/services").json()
    Service.objects.all().delete()
    DirectoryOrganisation.objects.all().delete()
    result = import_oruk(feed, "feed.json")
    assert result == {"created": 3, "updated": 0}
    again = client.get("/openreferral/services").json()
    assert sorted(s["name"] for s in again["contents"]) == sorted(s["name"] for s in feed["contents"])
    broken = {"contents": [{"id": "not-a-uuid", "name": "X", "status": "open", "organization": {}}]}
    with pytest.raises(InputRejected) as caught:
        import_oruk(broken, "broken.json")
    assert {p.column for p in caught.value.problems} >= {"id", "status", "organization"}
    assert Service.objects.count() == 3


def test_submissions_wait_for_moderation(client, listings) -> None:
    form = {"name": "Boxing club", "description": "Tuesdays.", "organisation_name": "Ring CIC",
            "organisation_description": "Boxing.", "location_name": "Gym", "postcode": "B12 9QT", "day": "TU",
            "opens_at": "18:00", "closes_at": "17:00", "season": "all_year", "minimum_age": "10", "maximum_age": "18"}
    response = client.post("/places/directory/submit/", form)
    assert response.status_code == 400 and b"end time" in response.content
    assert client.post("/places/directory/submit/", {**form, "closes_at": "20:00"}).status_code == 200
    boxing = Service.objects.get(name="Boxing club")
    assert boxing.moderation == "pending" and b"Boxing club" not in client.get("/places/directory/").content
    assert client.get("/places/directory/moderate/").status_code == 302
    client.force_login(user(Role.COMMISSIONER, None, "moderator"))
    client.post("/places/directory/moderate/", {"service": boxing.pk, "decision": "publish"})
    client.logout()
    assert b"Boxing club" in client.get("/places/directory/?search=boxing").content


def test_the_places_pages_for_partners(client, listings, tmp_path: Path) -> None:
    from places.models import PreventionPlan, Route, School

    school = School.objects.create(urn=123456, name="Hillside Academy", phase="Secondary", latitude=52.466,
                                   longitude=-1.886)
    client.force_login(user(Role.PARTNER, None, "partner"))
    response = client.post(f"/places/schools/{school.urn}/plans/new/", {"academic_year": "2025",
                                                                       "incident_reference": "INC-9999-0001"})
    assert response.status_code == 400 and b"No incident" in response.content
    client.post(f"/places/schools/{school.urn}/plans/new/", {"academic_year": "2025"})
    plan = PreventionPlan.objects.get()
    client.post(f"/places/plans/{plan.pk}/", {"intervention": "mvp", "term": "autumn", "audience": "Year 9",
                                              "status": "planned"})
    item = plan.items.get()
    client.post(f"/places/plans/{plan.pk}/", {"delivered": item.pk})
    assert b"1 of 1 interventions delivered" in client.get(f"/places/plans/{plan.pk}/").content
    gpx = ('<?xml version="1.0"?><gpx version="1.1"><trk><trkseg><trkpt lat="52.466" lon="-1.886"/>'
           '<trkpt lat="52.468" lon="-1.880"/></trkseg></trk></gpx>')
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post("/places/routes/new/", {"name": "Hillside walk", "start_date": "2024-09-02",
                                                   "chaperone_shifts_per_week": "10", "children_walking": "40",
                                                   "school_urn": "123456",
                                                   "line_file": SimpleUploadedFile("walk.gpx", gpx.encode())})
    assert response.status_code == 302
    route = Route.objects.get()
    assert json.loads(route.line_geojson)["coordinates"] == [[-1.886, 52.466], [-1.88, 52.468]]
    assert route.school == school
    assert client.get(f"/places/routes/{route.pk}/").status_code == 200
    client.logout()
    assert client.get(f"/places/routes/{route.pk}/").status_code == 302
    assert b"Prevention plans" not in client.get(f"/places/schools/{school.urn}/").content


def test_open_referral_api_errors_are_json_name_their_field_and_pages_are_honest(client, listings) -> None:
    """Not found is JSON; a bad page, postcode or vocabulary names its field; a page past the last is empty
    (never the last page passed off as the one asked for); the root points at the OpenAPI document; Django's
    400 for too many query fields answers in the one error shape on the API."""
    missing = client.get("/openreferral/services/junk")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    assert missing.json()["errors"][0]["field"] == "id"
    for query, field in (("services?page=0", "page"), ("services?per_page=x", "per_page"),
                         ("services?postcode=ZZ1%201ZZ", "postcode"), ("taxonomy_terms?vocabulary=junk", "vocabulary"),
                         # A filter that would match nothing or be ignored is named, never answered as "none".
                         ("services?day=zz", "day"), ("services?minimum_age=30&maximum_age=10", "maximum_age"),
                         ("services?start_time=18:00&end_time=09:00", "end_time"),
                         ("services?proximity=-5", "proximity")):
        bad = client.get(f"/openreferral/{query}")
        assert bad.status_code == 400 and bad.json()["errors"][0]["field"] == field, query
    vocabulary = TaxonomyTerm.objects.values_list("vocabulary", flat=True).first()
    terms = client.get(f"/openreferral/taxonomy_terms?vocabulary={vocabulary}").json()
    assert terms["total_items"] == TaxonomyTerm.objects.filter(vocabulary=vocabulary).count() >= 1
    beyond = client.get("/openreferral/services?page=999").json()
    jsonschema.validate(beyond, PAGE)
    assert (beyond["page_number"], beyond["size"], beyond["contents"], beyond["empty"]) == (999, 0, [], True)
    assert beyond["total_items"] == 3
    root = client.get("/openreferral/").json()
    assert root["openapi_url"].endswith("/insights/api/openapi.json")
    assert client.get(root["openapi_url"]).status_code == 200
    flood = client.get("/openreferral/services?" + "&".join(f"f{i}=1" for i in range(3000)))
    assert flood.status_code == 400 and flood["Content-Type"] == "application/json"
    assert flood.json()["errors"][0]["message"]
