"""The pages: a facilitator records a session; each role sees what it may; figures match their downloads."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from core.models import AuditEntry
from core.roles import Role
from core.testing.engagement import course, person, session
from core.testing.factories import organisation, user
from engagement.figures import figure_rows
from engagement.models import FeedbackAnswer, Network, NetworkMembership, Session

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _form(org, **extra) -> dict:
    data = {"course": course(competencies=["1.1", "1.2"]).pk, "date": (TODAY - timedelta(days=1)).isoformat(),
            "organisation": org.pk, "venue": "Hill School hall", "rows": "3",
            "count__young_people__10_17__female": "12", "count__young_people__10_17__male": "9",
            "count__parents_carers__25_plus__female": "2",
            "prof-0-name": "Ann Lee", "prof-0-email": "ann@example.org", "prof-0-organisation": "Hill School",
            "prof-0-sector": "education", "prof-0-role": "teacher", "prof-2-sector": "police"}
    return {**data, **extra}


def test_a_facilitator_records_a_session_with_counts_and_professionals(client) -> None:
    org = organisation("Northfield Youth Trust")
    client.force_login(user(Role.PROVIDER, org))
    response = client.post("/engagement/sessions/new/", _form(org))
    assert response.status_code == 302, response.content.decode()[:2000]
    recorded = Session.objects.get()
    assert response["Location"] == f"/engagement/sessions/{recorded.pk}/"
    assert (recorded.organisation, recorded.venue, recorded.theme, recorded.source) == (org, "Hill School hall",
                                                                                       "exploitation", "form")
    assert sorted(recorded.participant_counts.values_list("audience", "sex", "count")) == [
        ("parents_carers", "female", 2), ("young_people", "female", 12), ("young_people", "male", 9)]
    assert sorted(recorded.professionals.values_list("sector", flat=True)) == ["education", "police"]
    assert AuditEntry.objects.filter(object_type="engagement.Session", action="create").exists()
    page = client.get(response["Location"]).content.decode()
    assert "Ann Lee" in page and "23 attendances" in page


def test_add_more_rows_keeps_what_was_typed_and_saves_nothing(client) -> None:
    org = organisation()
    client.force_login(user(Role.PARTNER, org))
    response = client.post("/engagement/sessions/new/", {**_form(org), "more": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and not Session.objects.exists()
    assert 'name="prof-7-email"' in page and 'name="prof-8-email"' not in page
    assert 'value="ann@example.org"' in page and 'value="12"' in page
    assert '<input type="hidden" name="rows" value="8"' in page  # the next submission reads all eight rows


def test_a_session_with_neither_course_nor_event_is_refused_with_the_reason(client) -> None:
    org = organisation()
    client.force_login(user(Role.PROVIDER, org))
    response = client.post("/engagement/sessions/new/", _form(org, course=""))
    assert response.status_code == 400 and "give the course taught or the event" in response.content.decode()
    response = client.post("/engagement/sessions/new/", _form(org, date=(TODAY + timedelta(days=2)).isoformat()))
    assert response.status_code == 400 and "in the future" in response.content.decode()
    assert not Session.objects.exists()


def test_a_provider_records_for_its_own_organisation_only_and_sees_only_its_sessions(client) -> None:
    alpha, bravo = organisation("Alpha"), organisation("Bravo")
    theirs = session(TODAY, [person(1)], org=bravo, venue="Bravo hall")
    mine = session(TODAY, [person(2)], org=alpha, venue="Alpha hall")
    client.force_login(user(Role.PROVIDER, alpha))
    response = client.post("/engagement/sessions/new/", _form(alpha, organisation=bravo.pk))
    assert response.status_code == 400 and Session.objects.count() == 2
    listing = client.get("/engagement/").content.decode()
    assert mine.reference in listing and theirs.reference not in listing
    download = client.get("/engagement/sessions.csv").content.decode()
    assert [r["reference"] for r in csv.DictReader(io.StringIO(download))] == [mine.reference]
    for path in ("", "edit/", "professionals/", "feedback/", "eventbrite/"):
        assert client.get(f"/engagement/sessions/{theirs.pk}/{path}").status_code == 404, path
    assert client.get("/engagement/figures/").status_code == 403
    assert client.get("/engagement/networks/").status_code == 403


def test_an_analyst_reads_but_does_not_record_and_the_public_is_sent_to_sign_in(client) -> None:
    recorded = session(TODAY, [person(1)])
    client.force_login(user(Role.ANALYST))
    assert client.get(f"/engagement/sessions/{recorded.pk}/").status_code == 200
    assert client.get("/engagement/sessions/new/").status_code == 403
    assert client.get(f"/engagement/sessions/{recorded.pk}/edit/").status_code == 403
    client.logout()
    for path in ("/engagement/", f"/engagement/sessions/{recorded.pk}/", "/engagement/figures/",
                 "/engagement/figures/training.csv"):
        response = client.get(path)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], path


def test_professionals_added_later_and_removed(client) -> None:
    org = organisation()
    recorded = session(TODAY, [person(1)], org=org)
    client.force_login(user(Role.PROVIDER, org))
    response = client.post(f"/engagement/sessions/{recorded.pk}/professionals/", {
        "rows": "2", "prof-0-email": "person1@example.org", "prof-1-name": "Bo Li", "prof-1-sector": "health"})
    assert response.status_code == 302 and recorded.professionals.count() == 2  # person 1 is already there
    bo = recorded.professionals.get(name="Bo Li")
    client.post(f"/engagement/sessions/{recorded.pk}/professionals/", {"remove": str(bo.pk)})
    assert recorded.professionals.count() == 1


def test_feedback_forms_and_the_change_per_competency_for_commissioners(client) -> None:
    org = organisation()
    recorded = session(TODAY, [person(1)], org=org, course=course(competencies=["1.1", "1.2"]))
    competencies = list(recorded.course.competencies.order_by("code"))
    client.force_login(user(Role.PROVIDER, org))
    for before, after in ((2, 4), (3, 3)):
        response = client.post(f"/engagement/sessions/{recorded.pk}/feedback/", {
            f"before-{competencies[0].pk}": before, f"after-{competencies[0].pk}": after,
            f"before-{competencies[1].pk}": "1", f"after-{competencies[1].pk}": "5"})
        assert response.status_code == 302
    half = client.post(f"/engagement/sessions/{recorded.pk}/feedback/", {f"before-{competencies[0].pk}": "2"})
    assert half.status_code == 400 and FeedbackAnswer.objects.count() == 4
    client.force_login(user(Role.COMMISSIONER))
    year = TODAY.year if TODAY.month >= 4 else TODAY.year - 1
    rows = {r["competency"]: r for r in figure_rows("feedback_by_competency", year)}
    assert (rows["1.1"]["responses"], rows["1.1"]["mean_change"], rows["1.1"]["share_more_confident"]) == (2, 1.0,
                                                                                                            0.5)
    assert rows["1.2"]["mean_change"] == 4.0
    page = client.get(f"/engagement/figures/?year={year}").content.decode()
    assert "Change in confidence by competency" in page and competencies[0].statement in page


def test_the_figures_page_and_its_downloads_agree(client) -> None:
    session(TODAY, [person(1), person(2)], {("young_people", "10_17", "male"): 30})
    year = TODAY.year if TODAY.month >= 4 else TODAY.year - 1
    client.force_login(user(Role.COMMISSIONER))
    page = client.get(f"/engagement/figures/?year={year}").content.decode()
    assert 'data-measure="professionals_trained">2<' in page and 'data-measure="attendances">32<' in page
    download = client.get(f"/engagement/figures/training.csv?year={year}").content.decode()
    rows = {r["measure"]: int(r["value"]) for r in csv.DictReader(io.StringIO(download))}
    assert rows == {r["measure"]: r["value"] for r in figure_rows("training", year)}
    assert client.get("/engagement/figures/nonsense.csv").status_code == 404
    assert client.get("/engagement/figures/training.csv?year=20x4").status_code == 404


def test_commissioners_manage_networks_and_analysts_read_them(client) -> None:
    network = Network.objects.create(name="Easton stakeholders", kind="local_stakeholder")
    client.force_login(user(Role.COMMISSIONER))
    response = client.post(f"/engagement/networks/{network.pk}/", {
        "add": "1", "kind": "person", "name": "Rev. Ada Obi", "role": "faith leader", "member_of": "St Luke's",
        "joined_on": (TODAY - timedelta(days=5)).isoformat()})
    assert response.status_code == 302
    member = NetworkMembership.objects.get()
    response = client.post(f"/engagement/networks/{network.pk}/members/{member.pk}/leaving/",
                           {"left_on": TODAY.isoformat()})
    assert response.status_code == 302 and NetworkMembership.objects.get().left_on == TODAY
    analyst = user(Role.ANALYST)
    client.force_login(analyst)
    assert "Rev. Ada Obi" in client.get(f"/engagement/networks/{network.pk}/").content.decode()
    assert client.post(f"/engagement/networks/{network.pk}/", {"add": "1", "kind": "person", "name": "X",
                                                              "joined_on": TODAY.isoformat()}).status_code == 403


def test_an_event_is_added_and_its_sessions_recorded(client) -> None:
    org = organisation()
    client.force_login(user(Role.PARTNER, org))
    response = client.post("/engagement/events/new/", {
        "code": "hope-hack", "title": "Hope Hack", "kind": "hackathon", "organisation": org.pk,
        "themes": ["education", "sport"], "start_date": (TODAY - timedelta(days=3)).isoformat()})
    assert response.status_code == 302, response.content.decode()[:1500]
    event_url = response["Location"]
    event_id = int(event_url.rstrip("/").split("/")[-1])
    response = client.post("/engagement/sessions/new/", _form(org, course="", event=str(event_id),
                                                              **{"count__young_people__18_24__male": "40"}))
    assert response.status_code == 302
    page = client.get(event_url).content.decode()
    assert "61 attendances by children and young people" in page


def test_a_facilitator_uploads_the_eventbrite_report_into_a_session_and_a_plain_csv(client) -> None:
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    org = organisation("Provider A")
    recorded = session(TODAY - timedelta(days=1), org=org)
    client.force_login(user(Role.PROVIDER, org))
    report = (Path(__file__).parent / "data" / "eventbrite_attendee_summary.csv").read_bytes()
    response = client.post(f"/engagement/sessions/{recorded.pk}/eventbrite/",
                           {"file": SimpleUploadedFile("attendees.csv", report, "text/csv")})
    assert response.status_code == 200 and "3 professionals added" in response.content.decode()
    assert recorded.professionals.count() == 3
    plain = (f"session,attendee,age_band,sex,count\n{recorded.reference},young_people,10_17,male,15\n"
             f"{recorded.reference},young_people,10_17,female,nine\n").encode()
    response = client.post("/engagement/import/", {"file_format": "csv",
                                                   "file": SimpleUploadedFile("a.csv", plain, "text/csv")})
    assert response.status_code == 400 and "a.csv, line 3, column &#x27;count&#x27;" in response.content.decode()
    assert not recorded.participant_counts.exists()
    response = client.post("/engagement/import/", {"file_format": "csv", "file": SimpleUploadedFile(
        "a.csv", plain.replace(b"nine", b"9"), "text/csv")})
    assert response.status_code == 200 and recorded.participant_counts.count() == 2


def test_the_courses_page_shows_titles_not_codes_and_no_none(client) -> None:
    """A course without competencies reads "none mapped", never "None"; its code (a slug) stays off the page."""
    course("trauma-informed-practice-1")
    client.force_login(user(Role.ANALYST, None, "courses-reader"))
    page = client.get("/engagement/courses/").content.decode()
    assert "Course trauma-informed-practice-1" in page  # the title the factory gives
    assert "none mapped" in page and ">None<" not in page
    assert page.count("trauma-informed-practice-1") == 1


def test_a_provider_sees_its_own_events_only_and_cannot_record_under_another_organisations_event(client) -> None:
    from core.testing.engagement import event

    alpha, vrp = organisation("Alpha"), organisation("Synthetic VRP", kind="partnership")
    theirs = event("hope-hack", org=vrp, title="Hope Hack", start_date=TODAY - timedelta(days=3))
    mine = event("alpha-cup", org=alpha, title="Alpha Cup", kind="sport", start_date=TODAY - timedelta(days=3))
    hack = session(TODAY - timedelta(days=3), org=vrp, event=theirs, course=None,
                   counts={("young_people", "10_17", "female"): 70})
    client.force_login(user(Role.PROVIDER, alpha))
    listing = client.get("/engagement/events/").content.decode()
    assert "Alpha Cup" in listing and "Hope Hack" not in listing
    assert client.get(f"/engagement/events/{theirs.pk}/").status_code == 404
    assert client.get(f"/engagement/events/{mine.pk}/").status_code == 200
    assert client.get(f"/engagement/sessions/{hack.pk}/").status_code == 404
    response = client.post("/engagement/sessions/new/", _form(alpha, course="", event=str(theirs.pk)))
    assert response.status_code == 400 and Session.objects.count() == 1


def test_the_pages_say_young_people_are_counted_as_attendances_not_people(client) -> None:
    from core.testing.engagement import event

    org = organisation()
    hack = event(org=org, start_date=TODAY - timedelta(days=2))
    session(TODAY - timedelta(days=2), org=org, event=hack, course=None, counts={("young_people", "10_17", "male"): 9})
    client.force_login(user(Role.COMMISSIONER))
    for path in ("/engagement/", "/engagement/figures/", f"/engagement/events/{hack.pk}/"):
        page = " ".join(client.get(path).content.decode().split())
        assert "counted as attendances, not people" in page, path
