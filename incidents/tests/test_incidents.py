"""Incident response: deadlines across clock changes, the protocol, who sees what, identifiers, the timeline."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail

from core.models import AuditEntry, Organisation
from core.problems import InputRejected
from core.roles import Role
from core.testing.factories import organisation, user
from incidents.models import Action, Incident, ResponseProtocol
from incidents.services import metrics
from incidents.services.deadlines import due_at
from incidents.services.identifiers import identifiers_in
from incidents.services.response import (
    add_note,
    change_status,
    invite,
    notify_overdue,
    record_incident,
    start_response,
    update_action,
)

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def test_hours_are_elapsed_time_and_days_keep_the_wall_clock_across_clock_changes() -> None:
    # Clocks go forward at 01:00 GMT on Sunday 29 March 2026.
    just_before = datetime(2026, 3, 29, 0, 30, tzinfo=LONDON)
    assert due_at(just_before, 2, None, None) == datetime(2026, 3, 29, 3, 30, tzinfo=LONDON)
    assert due_at(just_before, 2, None, None).astimezone(UTC) == datetime(2026, 3, 29, 2, 30, tzinfo=UTC)
    saturday = datetime(2026, 3, 28, 15, 0, tzinfo=LONDON)
    daily = [due_at(saturday, None, 1, time(10, 0), i) for i in range(3)]
    assert [d.astimezone(LONDON).hour for d in daily] == [10, 10, 10]
    assert [d.astimezone(UTC).hour for d in daily] == [9, 9, 9]  # BST from the first day
    assert due_at(saturday, 24, None, None).astimezone(LONDON).hour == 16  # 24 real hours is 16:00 BST
    # Clocks go back at 02:00 BST on Sunday 25 October 2026.
    autumn = datetime(2026, 10, 24, 23, 30, tzinfo=LONDON)
    assert due_at(autumn, 24, None, None).astimezone(LONDON) == datetime(2026, 10, 25, 22, 30, tzinfo=LONDON)
    assert due_at(autumn, None, 1, None) == datetime(2026, 10, 25, 23, 30, tzinfo=LONDON)  # 24 h + 1 later
    with pytest.raises(ValueError):
        due_at(datetime(2026, 1, 1), 2, None, None)  # noqa: DTZ001 - a naive time is the error under test


@pytest.fixture
def scene() -> dict:
    school = organisation("Hillside Academy", "school")
    police = organisation("West Midlands Police", "police")
    council = organisation("City Council", "local_authority")
    vrp = organisation("The VRP", "partnership")
    outsider = organisation("Unrelated Charity", "provider")
    coordinator = user(Role.INCIDENT_COORDINATOR, vrp, "coordinator")
    incident = record_incident(coordinator, Incident(
        occurred_at=datetime(2026, 3, 28, 15, 0, tzinfo=LONDON), incident_type="stabbing",
        severity="life_threatening", summary="Young person injured near the school gates after school.",
        settings_affected="Hillside Academy", latitude=52.481234, longitude=-1.891234, age_bands=["10_17"]))
    for org in (school, police):
        invite(coordinator, incident, org)
    staff = user(Role.PARTNER, school, "school-lead")
    staff.email = "lead@school.example"
    staff.save()
    return {"incident": incident, "coordinator": coordinator, "school": school, "police": police,
            "council": council, "vrp": vrp, "outsider": outsider, "school_user": staff}


def test_starting_the_protocol_makes_its_actions_with_owners_and_tells_them(scene, django_capture_on_commit_callbacks
                                                                          ) -> None:
    protocol = ResponseProtocol.objects.get(name="Serious youth violence response")
    with django_capture_on_commit_callbacks(execute=True):
        actions = start_response(scene["coordinator"], scene["incident"], protocol)
    assert len(actions) == 10  # six steps, the daily update five times
    by_title = {a.title: a for a in actions}
    contact = by_title["Contact the school or college leadership"]
    assert contact.organisation == scene["school"]
    assert contact.due_at.astimezone(LONDON) == datetime(2026, 3, 28, 17, 0, tzinfo=LONDON)
    assert by_title["Daily update meeting (1 of 5)"].organisation == scene["vrp"]
    assert by_title["Trauma-informed support offered to children affected"].organisation is None  # council not invited
    assert by_title["Community reassurance"].organisation == scene["police"]
    assert [m.to for m in mail.outbox] == [["lead@school.example"]]
    assert "INC-2026-0001" in mail.outbox[0].subject
    with pytest.raises(InputRejected, match="already been started"):
        start_response(scene["coordinator"], scene["incident"], protocol)
    assert scene["incident"].latitude == 52.481 and scene["incident"].longitude == -1.891


def test_an_uninvited_partner_sees_nothing_and_an_invited_one_only_its_actions(client, scene) -> None:
    start_response(scene["coordinator"], scene["incident"], ResponseProtocol.objects.get())
    reference = scene["incident"].reference
    police_action = Action.objects.get(organisation=scene["police"])
    client.force_login(user(Role.PARTNER, scene["outsider"], "outsider"))
    assert reference.encode() not in client.get("/incidents/").content
    assert client.get(f"/incidents/{reference}/").status_code == 404
    assert client.get(f"/incidents/{reference}/actions/{police_action.pk}/").status_code == 404
    client.force_login(scene["school_user"])
    page = client.get(f"/incidents/{reference}/")
    assert page.status_code == 200 and b"Contact the school" in page.content and b"Community reassurance" not in \
        page.content
    # A due date is shown with its year (an action may be due after New Year).
    school_action = Action.objects.get(title__icontains="Contact the school", incident=scene["incident"])
    assert f"{school_action.due_at.astimezone(LONDON):%a %-d %b %Y, %H:%M}" in page.content.decode()
    assert client.get(f"/incidents/{reference}/actions/{police_action.pk}/").status_code == 404
    assert client.post(f"/incidents/{reference}/", {"form": "status", "status-status": "closed"}).status_code == 403
    for role in (Role.ANALYST, Role.COMMISSIONER):
        client.force_login(user(role, None, role.value))
        assert client.get("/incidents/").status_code == 403
        assert client.get(f"/incidents/{reference}/").status_code == 403


IDENTIFYING = [
    "Mr Smith was injured", "the boy named Jayden", "outside 12 Acacia Road", "near B12 9QT", "call 07700 900123",
    "email a@b.com", "DOB 01/02/2010",
    # What a hostile tester got through (issue 15), and variants of each.
    "Victim Jayden Okafor, 14", "victim jayden okafor, 14", "VICTIM JAYDEN OKAFOR", "the victim Jayden (14)",
    "suspect jayden aged 16", "Victim Jayden, 14",
    "lives at 12 acacia road", "outside 4 elm grove", "lives at number 12", "address: 14",
    "postcode b15 2tt", "B152TT", "ｂ１５ ２ｔｔ",
    "born 3 April 2010", "born on the 3rd of April", "born April 2010", "born 03/04/2010",
    "NHS no 943-476-5919", "NHS number 9434765919", "943 476 5919", "943.476.5919",
    "jayden dot okafor at gmail dot com", "jayden(at)gmail(dot)com", "jayden [at] gmail [dot] co [dot] uk",
    "jayden.okafor@gmail.com",
    "Mr Ｓmith", "MR SMITH was injured", "mr smith", "Mr S\u200bmith", "named jayden", "called Jayden",
    "call (0121) 496 0000", "+44 7700 900123", "Mrs Patel's son",
]
ORDINARY = [
    "A 15-year-old boy was injured near the school gates at 15:10.", "The victim, aged 15, was taken to hospital.",
    "Victim was stabbed 14 times", "referred to Victim Support Services", "Victim Support contacted",
    "Officers called the ambulance", "Staff called Police at 15:20", "Daily update meeting at 10:00",
    "within 2 hours of the incident", "3 officers on the road outside", "Met at school. Then went home",
    "did not miss school", "The victim, 14, was stabbed", "lives at home with family", "boy aged 14 injured",
    "girl, 15, witnessed it", "the pupils in year 10, 11 and 12", "Status open → closed.",
    "Knife arch at the gates on 3 April 2026", "BOY WAS INJURED NEAR THE GATES", "Response started: 10 actions.",
]


@pytest.mark.parametrize("text", IDENTIFYING)
def test_obvious_identifiers_are_blocked_in_any_case_width_or_spelling(text: str) -> None:
    """Normalised (NFKC, invisible characters removed) and matched in any case: every one is found."""
    assert identifiers_in(text), text


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_incident_prose_is_not_mistaken_for_an_identifier(text: str) -> None:
    assert identifiers_in(text) == [], text


def test_forms_and_services_refuse_identifiers_and_save_nothing(client, scene) -> None:
    client.force_login(scene["coordinator"])
    response = client.post("/incidents/new/", {"occurred_at": "2026-05-01T21:00", "incident_type": "assault",
                                               "severity": "serious", "summary": "Mrs Patel's son was hurt"})
    assert response.status_code == 400 and b"a name with a title" in response.content
    assert Incident.objects.count() == 1
    with pytest.raises(InputRejected, match="street address"):
        add_note(scene["coordinator"], scene["incident"], "update", "Family lives at 4 Elm Grove")
    notes = scene["incident"].timeline.count()
    response = client.post(f"/incidents/{scene['incident'].reference}/",
                           {"form": "note", "note-kind": "meeting", "note-text": "Call 0121 496 0000 for details"})
    assert response.status_code == 400 and scene["incident"].timeline.count() == notes


def test_the_timeline_is_append_only_and_audited(scene) -> None:
    start_response(scene["coordinator"], scene["incident"], ResponseProtocol.objects.get())
    action = Action.objects.get(organisation=scene["school"])
    update_action(scene["school_user"], action, {"status": "done", "completion_evidence": "Head teacher briefed"})
    with pytest.raises(InputRejected, match="only a coordinator"):
        update_action(scene["school_user"], action, {"due_at": action.due_at + timedelta(days=1)})
    entries = list(scene["incident"].timeline.values_list("kind", flat=True))
    assert entries == ["created", "invitation", "invitation", "response", "action"]
    entry = scene["incident"].timeline.last()
    assert "Head teacher briefed" in entry.text and entry.organisation == scene["school"]
    entry.text = "rewritten"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()
    assert AuditEntry.objects.filter(object_type="incidents.Incident", action="start_response").exists()
    assert AuditEntry.objects.filter(object_type="incidents.Action", action="update").exists()


def test_overdue_actions_are_emailed_once(scene) -> None:
    start_response(scene["coordinator"], scene["incident"], ResponseProtocol.objects.get())
    mail.outbox.clear()
    now = datetime(2026, 3, 28, 18, 0, tzinfo=LONDON)  # the 2-hour school contact is overdue
    assert notify_overdue(now) == 1
    assert mail.outbox[0].to == ["lead@school.example"] and "Overdue" in mail.outbox[0].subject
    assert notify_overdue(now) == 0


def test_response_times_counts_and_closing_with_follow_up(scene) -> None:
    start_response(scene["coordinator"], scene["incident"], ResponseProtocol.objects.get())
    contact = Action.objects.get(title="Contact the school or college leadership")
    Action.objects.filter(pk=contact.pk).update(status="done", completed_at=scene["incident"].occurred_at
                                                + timedelta(hours=1, minutes=30))
    second = record_incident(scene["coordinator"], Incident(
        occurred_at=datetime(2026, 4, 2, 20, 0, tzinfo=LONDON), incident_type="assault", severity="serious",
        summary="Fight outside a takeaway."))
    invite(scene["coordinator"], second, scene["school"])
    start_response(scene["coordinator"], second, ResponseProtocol.objects.get())
    Action.objects.filter(incident=second, title__startswith="Contact").update(
        status="done", completed_at=second.occurred_at + timedelta(hours=5, minutes=30))
    rows = {r["step"]: r for r in metrics.response_times(Incident.objects.all())}
    assert rows["Time to first contact"] == {"step": "Time to first contact", "incidents": 2, "median_hours": 3.5,
                                             "p90_hours": 5.1}
    months = metrics.counts_by_month(Incident.objects.all())
    assert months == [{"month": "2026-03", "incidents": 1, "responded_to": 1},
                      {"month": "2026-04", "incidents": 1, "responded_to": 1}]
    change_status(scene["coordinator"], second, "closed", "Year-long prevention plan for Hillside Academy",
                  scene["school"])
    follow_up = Action.objects.get(incident=second, is_follow_up=True)
    assert follow_up.organisation == scene["school"] and second.closed_at is not None


def test_coordinator_dashboard_and_downloads(client, scene) -> None:
    client.force_login(scene["coordinator"])
    page = client.get("/incidents/dashboard/?from=2026-01-01&to=2026-12-31")
    assert page.status_code == 200 and b'data-total="incidents">1<' in page.content
    body = client.get("/incidents/dashboard.json?from=2026-01-01&to=2026-12-31&table=months").json()
    assert body["rows"] == [{"month": "2026-03", "incidents": 1, "responded_to": 0}]
    points = client.get("/incidents/map.geojson?from=2026-01-01&to=2026-12-31").json()
    assert points["features"][0]["geometry"]["coordinates"] == [-1.891, 52.481]
    client.force_login(scene["school_user"])
    assert client.get("/incidents/dashboard/").status_code == 403
    assert Organisation.objects.filter(name="Hillside Academy").exists()


def test_closing_can_start_a_prevention_plan_for_each_school_affected(scene) -> None:
    from places.models import PreventionPlan, School

    school = School.objects.create(urn=654321, name="Hillside Academy", phase="Secondary")
    incident = record_incident(scene["coordinator"], Incident(
        occurred_at=datetime(2026, 5, 1, 16, 0, tzinfo=LONDON), incident_type="assault", severity="serious",
        summary="Fight at the school gates."), [school])
    change_status(scene["coordinator"], incident, "closed", create_plans=True)
    plan = PreventionPlan.objects.get(school=school)
    assert plan.incident == incident
    assert "Prevention plan started for Hillside Academy" in incident.timeline.last().text


def test_every_page_showing_an_incident_is_audit_logged(client, scene) -> None:
    """The list, the incident, an action, the coordinator dashboard and the restricted map each write who saw
    which incidents; a partner's own views of its list and action are logged too."""
    start_response(scene["coordinator"], scene["incident"], ResponseProtocol.objects.get())
    reference = scene["incident"].reference
    school_action = Action.objects.get(organisation=scene["school"])

    def logged(viewer, path: str) -> AuditEntry:
        client.force_login(viewer)
        before = AuditEntry.objects.count()
        assert client.get(path).status_code == 200, path
        entries = list(AuditEntry.objects.order_by("-id")[:AuditEntry.objects.count() - before])
        assert len(entries) == 1, (path, entries)
        assert entries[0].actor == viewer
        return entries[0]

    for viewer in (scene["coordinator"], scene["school_user"]):
        assert reference in logged(viewer, "/incidents/").summary
        assert logged(viewer, f"/incidents/{reference}/").object_id == str(scene["incident"].pk)
        assert logged(viewer, f"/incidents/{reference}/actions/{school_action.pk}/").object_id == str(
            school_action.pk)
    assert reference in logged(scene["coordinator"], "/incidents/dashboard/?from=2026-01-01&to=2026-12-31").summary
    assert reference in logged(scene["coordinator"], "/incidents/map.geojson?from=2026-01-01&to=2026-12-31").summary
    # A form sent back with its errors shows the incident as well.
    before = AuditEntry.objects.filter(action="view").count()
    response = client.post(f"/incidents/{reference}/", {"form": "note", "note-kind": "update", "note-text": "",
                                                        "note-audience": "incident"})
    assert response.status_code == 400 and AuditEntry.objects.filter(action="view").count() == before + 1


def test_a_partners_notes_on_its_action_stay_with_its_organisation(client, scene) -> None:
    """The police's note on its own action ("POLICE ONLY…") is not on the timeline the invited school sees;
    the coordinator sees it, and notes meant for everyone reach everyone."""
    start_response(scene["coordinator"], scene["incident"], ResponseProtocol.objects.get())
    police = user(Role.PARTNER, scene["police"], "police-lead")
    reassurance = Action.objects.get(organisation=scene["police"], title="Community reassurance")
    update_action(police, reassurance, {"status": "in_progress", "notes": "POLICE ONLY: two arrests made"})
    add_note(police, scene["incident"], "update", "Police private update", audience="organisation")
    add_note(police, scene["incident"], "update", "Cordon lifted at 18:00", audience="incident")
    reference = scene["incident"].reference
    client.force_login(scene["school_user"])
    page = client.get(f"/incidents/{reference}/").content.decode()
    assert "two arrests" not in page and "Community reassurance" not in page and "Police private update" not in page
    assert "Cordon lifted" in page
    client.force_login(police)
    page = client.get(f"/incidents/{reference}/").content.decode()
    assert "POLICE ONLY: two arrests made" in page and "Police private update" in page
    client.force_login(scene["coordinator"])
    page = client.get(f"/incidents/{reference}/").content.decode()
    assert "two arrests" in page and "Police private update" in page
    # A partner's note form defaults to its own organisation; a coordinator's to everyone.
    client.force_login(scene["school_user"])
    import re

    checked = re.compile(r'<input[^>]*name="note-audience" value="(\w+)"[^>]*checked')
    assert checked.findall(client.get(f"/incidents/{reference}/").content.decode()) == ["organisation"]
    client.force_login(scene["coordinator"])
    assert checked.findall(client.get(f"/incidents/{reference}/").content.decode()) == ["incident"]


def test_a_prevention_plan_names_its_incident_only_to_those_who_may_see_it(client, scene) -> None:
    from places.models import School

    school = School.objects.create(urn=654322, name="Hillside Academy", phase="Secondary")
    client.force_login(scene["school_user"])
    response = client.post(f"/places/schools/{school.urn}/plans/new/",
                           {"academic_year": 2025, "notes": "", "incident_reference": scene["incident"].reference})
    assert response.status_code == 302
    plan_url = response["Location"]
    assert scene["incident"].reference in client.get(plan_url).content.decode()
    for role in (Role.ANALYST, Role.COMMISSIONER):
        client.force_login(user(role, None, f"{role.value}-plan"))
        assert scene["incident"].reference not in client.get(plan_url).content.decode()
        # Nor can they find out whether a reference exists by citing it.
        response = client.post(f"/places/schools/{school.urn}/plans/new/",
                               {"academic_year": 2026, "notes": "", "incident_reference": scene["incident"].reference})
        assert response.status_code == 400 and b"No incident you can see" in response.content
