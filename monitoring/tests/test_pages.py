"""Monitoring through the web: providers see and change only their own organisation's returns."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from core.roles import Role
from core.testing.factories import organisation, project, user
from monitoring.forms import reach_field_name
from monitoring.models import MonitoringReturn
from monitoring.services.returns import ReturnFigures, save_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_providers():
    a, b = organisation("Provider A"), organisation("Provider B")
    mine, theirs = project("A-1", provider=a), project("B-1", provider=b, is_published=False)
    save_return("b", theirs, date(2024, 4, 1), ReturnFigures(reach={("10_17", "female", "new"): 11}))
    return {"a": user(Role.PROVIDER, a, "provider-a"), "mine": mine, "theirs": theirs}


def return_form(**cells) -> dict[str, str]:
    data = {reach_field_name(b, s, p): "0" for b in ("under_10", "10_17", "18_24", "25_plus")
            for s in ("female", "male", "other_unknown") for p in ("new", "continuing")}
    data.update({"professionals_trained": "0", "sessions_delivered": "4", "referrals_made": "1"})
    data.update(cells)
    return data


def test_a_provider_never_sees_another_providers_project_or_returns(client, two_providers) -> None:
    client.force_login(two_providers["a"])
    home = client.get("/monitoring/")
    assert b"A-1" in home.content and b"B-1" not in home.content
    for url in ("/monitoring/projects/B-1/", "/monitoring/projects/B-1/returns/2024-04-01/",
                "/monitoring/projects/B-1/returns/2024-04-01.csv"):
        assert client.get(url).status_code == 404, url
    response = client.post("/monitoring/projects/B-1/returns/2024-04-01/", {**return_form(), "save": "submit"})
    assert response.status_code == 404
    assert MonitoringReturn.objects.get(project__identifier="B-1").status == "draft"
    upload = ("project,period_start,measure,age_band,sex,participation,value\n"
              "B-1,2024-07-01,young_people,10_17,male,new,5\n")
    response = client.post("/monitoring/upload/", {"file": SimpleUploadedFile("r.csv", upload.encode())})
    assert response.status_code == 400 and b"not one of your projects" in response.content
    assert not MonitoringReturn.objects.filter(period_start=date(2024, 7, 1)).exists()
    assert client.get("/monitoring/reach/").status_code == 403  # roll-ups are for commissioners and analysts


def test_provider_submits_and_commissioner_sends_back_then_accepts(client, two_providers) -> None:
    client.force_login(two_providers["a"])
    url = "/monitoring/projects/A-1/returns/2024-04-01/"
    bad = client.post(url, {**return_form(**{reach_field_name("10_17", "male", "new"): "-3"}), "save": "draft"})
    assert bad.status_code == 400 and not MonitoringReturn.objects.filter(project__identifier="A-1").exists()
    client.post(url, {**return_form(**{reach_field_name("10_17", "male", "new"): "25"}), "save": "submit"})
    submitted = MonitoringReturn.objects.get(project__identifier="A-1")
    assert submitted.status == "submitted" and submitted.reach.get().count == 25
    assert client.post(url, {"review": "1", "decision": "accept"}).status_code == 403  # providers do not review
    client.force_login(user(Role.COMMISSIONER))
    page = client.get("/monitoring/")
    assert b"Awaiting your review" in page.content and url.encode() in page.content
    assert client.post(url, {"review": "1", "decision": "send_back", "comment": ""}).status_code == 400
    client.post(url, {"review": "1", "decision": "send_back", "comment": "Please split by sex"})
    assert MonitoringReturn.objects.get(pk=submitted.pk).status == "sent_back"
    client.force_login(two_providers["a"])
    assert b"Please split by sex" in client.get(url).content
    client.post(url, {**return_form(**{reach_field_name("10_17", "male", "new"): "20"}), "save": "submit"})
    client.force_login(user(Role.COMMISSIONER, name="second-commissioner"))
    client.post(url, {"review": "1", "decision": "accept", "comment": "Thanks"})
    accepted = MonitoringReturn.objects.get(pk=submitted.pk)
    assert accepted.status == "accepted" and accepted.review_comment == "Thanks"
    history = client.get(url).content
    assert b"send_back" in history and b"accept" in history
    reach = client.get("/monitoring/reach.json?year=2024&by=project").json()
    assert reach["rows"] == [{"project": "A-1", "name": "Project A-1", "reach_under_25": 20, "reach_over_24": 0,
                              "professionals_trained": 0}]


def test_return_csv_download_is_an_upload(client, two_providers) -> None:
    client.force_login(two_providers["a"])
    template = client.get("/monitoring/projects/A-1/returns/2024-07-01.csv").content.decode()
    assert template.count("young_people") == 24
    filled = template.replace("A-1,2024-07-01,young_people,18_24,female,new,0", "A-1,2024-07-01,young_people,18_24,"
                              "female,new,6")
    response = client.post("/monitoring/upload/", {"file": SimpleUploadedFile("r.csv", filled.encode())})
    assert response.status_code == 200
    saved = MonitoringReturn.objects.get(project__identifier="A-1", period_start=date(2024, 7, 1))
    assert saved.status == "draft" and saved.reach.get().count == 6


def test_commissioners_see_late_and_missing_returns(client, two_providers) -> None:
    client.force_login(user(Role.COMMISSIONER))
    rows = client.get("/monitoring/late.json").json()["rows"]
    assert {(r["project"], r["state"]) for r in rows if r["period_start"] == "2024-04-01"} == {
        ("A-1", "missing"), ("B-1", "overdue (draft)")}
    client.force_login(two_providers["a"])
    assert client.get("/monitoring/late/").status_code == 403
