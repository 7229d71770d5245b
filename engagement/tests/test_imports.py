"""`vrp events import`: Eventbrite's attendee report and the plain CSV, all or nothing, named errors,
re-import changes nothing."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.models import AuditEntry
from core.problems import InputRejected
from core.testing.engagement import course, session
from core.testing.factories import organisation, project
from engagement.models import ImportBatch, ParticipantCount, ProfessionalAttendance, Session
from engagement.services.imports import import_attendance, read_eventbrite, read_plain

pytestmark = pytest.mark.django_db
#: A session recent enough for names and emails to be kept (VRP_TRAINING_PERSONAL_DATA_DAYS).
RECENT = timezone.localdate() - timedelta(days=10)
EVENTBRITE = Path(__file__).parent / "data" / "eventbrite_attendee_summary.csv"


def _state() -> tuple:
    return (sorted(Session.objects.values_list("reference", "date", "course_id", "lad_code")),
            sorted(ProfessionalAttendance.objects.values_list("session__reference", "person_key", "name", "email",
                                                              "sector", "role", "organisation_name")),
            sorted(ParticipantCount.objects.values_list("session__reference", "audience", "age_band", "sex", "count")))


def test_eventbrite_export_with_a_duplicate_a_cancelled_order_and_an_unknown_column(tmp_path) -> None:
    training = session(RECENT)
    summary = import_attendance("test", EVENTBRITE, EVENTBRITE.name, "eventbrite", session=training)
    people = {p.email: p for p in training.professionals.all()}
    # Ann Lee booked twice (one email, two cases): once. Chloe's order was refunded (Not Attending) and Erin's
    # ticket deleted: skipped. "Dietary requirements" is not read; nor are prices and fees.
    assert sorted(people) == ["ann.lee@example.org", "b.khan@example.org", "dev.patel@example.org"]
    assert (summary.rows_read, summary.rows_skipped, summary.professionals_added) == (6, 2, 3)
    khan = training.professionals.get(email="b.khan@example.org")
    assert (khan.name, khan.organisation_name, khan.role, khan.sector) == ("Bilal Khan", "Easton NHS Trust",
                                                                          "Paediatric nurse", "health")
    assert "repeated a person" in str(summary)


def test_checked_in_only_counts_only_tickets_checked_in() -> None:
    training = session(RECENT)
    import_attendance("test", EVENTBRITE, EVENTBRITE.name, "eventbrite", session=training, checked_in_only=True)
    assert list(training.professionals.values_list("email", flat=True)) == ["b.khan@example.org"]


def test_a_file_without_the_email_column_is_refused_by_name_and_nothing_lands(tmp_path) -> None:
    training = session(RECENT)
    text = EVENTBRITE.read_text(encoding="utf-8-sig").splitlines()
    header = text[0].split(",")
    at = header.index("Email")
    without = [",".join(c for i, c in enumerate(line.split(",")) if i != at) for line in text]
    path = tmp_path / "no-email.csv"
    path.write_text("\n".join(without) + "\n", encoding="utf-8")
    before = _state()
    with pytest.raises(InputRejected) as refused:
        import_attendance("test", path, path.name, "eventbrite", session=training)
    assert [(p.file, p.line, p.column) for p in refused.value.problems] == [("no-email.csv", 1, "Email")]
    assert "'Email' is missing" in str(refused.value)
    assert _state() == before and not ImportBatch.objects.exists()


def test_a_file_without_the_attendee_status_is_refused_by_name_and_a_blank_status_is_named() -> None:
    """Without Attendee Status a cancelled or refunded order would count: the file is refused, naming the column."""
    training = session(RECENT)
    without = "First Name,Last Name,Email\nAnn,Lee,ann@example.org\n"
    with pytest.raises(InputRejected) as refused:
        import_attendance("test", without.encode(), "orders.csv", "eventbrite", session=training)
    assert [(p.file, p.line, p.column) for p in refused.value.problems] == [("orders.csv", 1, "Attendee Status")]
    assert "cancelled or refunded order would count" in str(refused.value)
    blank = "First Name,Last Name,Email,Attendee Status\nAnn,Lee,ann@example.org,Attending\nBo,Li,bo@example.org,\n"
    with pytest.raises(InputRejected) as refused:
        import_attendance("test", blank.encode(), "blank.csv", "eventbrite", session=training)
    assert [(p.line, p.column) for p in refused.value.problems] == [(3, "Attendee Status")]
    assert not training.professionals.exists() and not ImportBatch.objects.exists()


def test_reimporting_the_same_eventbrite_file_changes_nothing() -> None:
    training = session(RECENT)
    import_attendance("test", EVENTBRITE, EVENTBRITE.name, "eventbrite", session=training)
    after_first, audits = _state(), AuditEntry.objects.count()
    again = import_attendance("test", EVENTBRITE, EVENTBRITE.name, "eventbrite", session=training)
    assert again.already_imported is not None and "nothing changed" in str(again)
    assert _state() == after_first and AuditEntry.objects.count() == audits
    # Even without the file's record (a copy saved differently, say), the people already there are not added.
    ImportBatch.objects.all().delete()
    third = import_attendance("test", EVENTBRITE.read_bytes() + b"\n", "copy.csv", "eventbrite", session=training)
    assert third.professionals_added == 0 and _state() == after_first


def test_eventbrite_rows_go_to_the_session_linked_to_their_event_id() -> None:
    linked = session(RECENT, eventbrite_event_id="98765")
    text = ("Event Name,Event ID,Order #,First Name,Last Name,Email,Attendee Status\n"
            "Exploitation awareness,98765,1,Ann,Lee,ann@example.org,Attending\n"
            "Exploitation awareness,11111,2,Bo,Li,bo@example.org,Attending\n")
    with pytest.raises(InputRejected) as refused:
        import_attendance("test", text.encode(), "two-events.csv", "eventbrite")
    assert [(p.line, p.column) for p in refused.value.problems] == [(3, "Event ID")]
    import_attendance("test", text.replace(",11111,", ",98765,").encode(), "one-event.csv", "eventbrite")
    assert linked.professionals.count() == 2


def test_an_unknown_attendee_status_is_named() -> None:
    training = session(RECENT)
    text = "First Name,Last Name,Email,Attendee Status\nAnn,Lee,ann@example.org,Maybe\n"
    with pytest.raises(InputRejected) as refused:
        import_attendance("test", text.encode(), "odd.csv", "eventbrite", session=training)
    assert [(p.line, p.column) for p in refused.value.problems] == [(2, "Attendee Status")]


def test_eventbrite_names_are_not_taken_for_a_session_for_young_people() -> None:
    workshop = session(RECENT, course=course("workshop", audience="young_people"))
    with pytest.raises(InputRejected, match="counted by age band and sex, never named"):
        import_attendance("test", EVENTBRITE, EVENTBRITE.name, "eventbrite", session=workshop)
    assert not workshop.professionals.exists()


def test_eventbrite_names_are_not_taken_for_an_event_or_a_course_for_parents_or_a_mixed_audience() -> None:
    """Hope Hack's young people booked through Eventbrite are not recorded, by name, as professionals: only a
    session of a course for professionals takes an Eventbrite report (by --session or by its Event ID)."""
    from core.testing.engagement import event

    hack = session(RECENT, event=event(start_date=RECENT), course=None, eventbrite_event_id="555")
    parents = session(RECENT, course=course("parenting", audience="parents_carers"))
    mixed = session(RECENT, course=course("open-evening", audience="mixed"))
    for target in (hack, parents, mixed):
        with pytest.raises(InputRejected, match="never named") as refused:
            import_attendance("test", EVENTBRITE, EVENTBRITE.name, "eventbrite", session=target)
        assert len(refused.value.problems) == 1  # said once, not once a row
    text = "Event ID,First Name,Surname,Email,Attendee Status\n555,Kai,Young,kai@example.org,Attending\n"
    with pytest.raises(InputRejected, match="Hope Hack") as refused:
        import_attendance("test", text.encode(), "hack.csv", "eventbrite")
    assert [(p.line, p.column) for p in refused.value.problems] == [(2, None)]
    assert not ProfessionalAttendance.objects.exists() and not ImportBatch.objects.exists()


#: The Attendee Summary report as an Eventbrite account set up in the UK exports it: "Surname", "Order no.",
#: "Attendee no.", "Price Tier" and the home address and mobile columns (read by header name; the rest ignored).
UK_EXPORT = ("Event Name,Event ID,Order no.,Order Date,First Name,Surname,Email,Quantity,Price Tier,Ticket Type,"
             "Attendee no.,Group,Order Type,Currency,Total Paid,Fees Paid,Eventbrite Fees,"
             "Eventbrite Payment Processing,Attendee Status,Home Address 1,Home Address 2,Home City,"
             "County of Residence,Home Postcode,Home Country,Mobile Phone,Job Title,Company\n"
             "Exploitation awareness,777001,9001,2025-05-02 09:14:22+01:00,Ann,Lee,ann.lee@example.org,1,,"
             "Professionals,1001,,Free Order,GBP,0.00,0.00,0.00,0.00,Attending,1 High St,,Birmingham,"
             "West Midlands,B1 1AA,GB,07700900001,Teacher,Hillside Academy\n"
             "Exploitation awareness,777001,9002,2025-05-03 10:01:05+01:00,Bilal,Khan,b.khan@example.org,1,,"
             "Professionals,1002,,Free Order,GBP,0.00,0.00,0.00,0.00,Not Attending,,,,,,,,Nurse,Easton NHS Trust\n")


def test_a_uk_eventbrite_export_reads_the_surname_column() -> None:
    linked = session(RECENT, eventbrite_event_id="777001")
    summary = import_attendance("test", UK_EXPORT.encode(), "uk.csv", "eventbrite")
    assert (summary.rows_read, summary.rows_skipped, summary.professionals_added) == (2, 1, 1)
    ann = linked.professionals.get()
    assert (ann.name, ann.email, ann.role, ann.organisation_name) == ("Ann Lee", "ann.lee@example.org", "Teacher",
                                                                      "Hillside Academy")
    # Nothing from the ignored columns (addresses, phone numbers) is kept anywhere.
    assert "07700900001" not in str(list(ProfessionalAttendance.objects.values()))


PLAIN = ("session,date,course,organisation,project,local_authority,venue,attendee,name,email,"
         "attendee_organisation,sector,role,age_band,sex,count\n"
         "NYT-1,2025-05-14,exploitation-1,Provider A,P-1,E08000025,Hall,professional,Ann Lee,ann@example.org,"
         "Hill School,education,teacher,,,\n"
         "NYT-1,,,,,,,professional,Bo Li,bo@example.org,Easton NHS,health,nurse,,,\n"
         "NYT-1,,,,,,,young_people,,,,,,10_17,female,14\n"
         "NYT-1,,,,,,,young_people,,,,,,10_17,male,9\n"
         "NYT-2,2025-06-02,exploitation-1,Provider A,,E08000026,,parents_carers,,,,,,25_plus,female,4\n")


def test_the_plain_csv_creates_sessions_with_professionals_and_counts() -> None:
    course()
    project("P-1", provider=organisation())
    summary = import_attendance("test", PLAIN.encode(), "attendance.csv", "csv")
    assert (summary.sessions_created, summary.professionals_added, summary.counts_changed) == (2, 2, 3)
    first = Session.objects.get(reference="NYT-1")
    assert (first.date, first.project.identifier, first.lad_code, first.venue, first.source) == (
        date(2025, 5, 14), "P-1", "E08000025", "Hall", "csv")
    assert sorted(first.participant_counts.values_list("sex", "count")) == [("female", 14), ("male", 9)]
    again = import_attendance("test", PLAIN.encode(), "attendance-again.csv", "csv")
    assert again.already_imported is not None
    # A copy saved differently (another checksum: a blank line, CRLF line ends) still changes nothing: the
    # sessions exist, their people are there, and counts are set, not added.
    before, audits = _state(), AuditEntry.objects.count()
    copy = import_attendance("test", PLAIN.replace("\n", "\r\n").encode() + b"\r\n", "copy.csv", "csv")
    assert (copy.sessions_created, copy.professionals_added, copy.counts_changed) == (0, 0, 0)
    assert _state() == before and AuditEntry.objects.count() == audits + 1  # the import itself is recorded


def test_a_plain_csv_without_a_count_column_takes_its_professionals() -> None:
    """The docstring's "a column may be left out" holds for ``count``: professionals are one row each."""
    course()
    organisation()
    text = ("session,date,course,organisation,attendee,name,email\n"
            "NYT-9,2025-05-14,exploitation-1,Provider A,professional,Ann Lee,ann@example.org\n"
            "NYT-9,,,,professional,Bo Li,bo@example.org\n")
    summary = import_attendance("test", text.encode(), "no-count.csv", "csv")
    assert (summary.sessions_created, summary.professionals_added) == (1, 2)
    # Two people (two keys), each once; the session is past the retention period, so no names are kept.
    assert Session.objects.get(reference="NYT-9").professionals.values("person_key").distinct().count() == 2


def test_every_problem_in_a_plain_csv_is_named_by_line_and_column_and_nothing_lands() -> None:
    course()
    organisation()
    bad = PLAIN.replace("2025-05-14", "14/05/2025").replace("10_17,male,9", "10_17,male,nine").replace(
        "young_people,,,,,,10_17,female,14", "young_people,Jo Bloggs,,,,,10_17,female,14").replace(
        "health,nurse", "healthcare,nurse")
    with pytest.raises(InputRejected) as refused:
        import_attendance("test", bad.encode(), "bad.csv", "csv")
    named = {(p.line, p.column) for p in refused.value.problems}
    assert {(2, "date"), (2, "project"), (3, "sector"), (4, "name"), (5, "count")} <= named
    assert not Session.objects.exists() and not ImportBatch.objects.exists()


def test_a_provider_cannot_import_into_another_organisations_session() -> None:
    from core.roles import Role
    from core.testing.factories import user

    theirs = session(RECENT, org=organisation("Bravo"))
    alpha = user(Role.PROVIDER, organisation("Alpha"))
    text = f"session,attendee,name,email,sector\n{theirs.reference},professional,A,a@example.org,education\n"
    with pytest.raises(InputRejected, match="not one of your sessions"):
        import_attendance(alpha, text.encode(), "x.csv", "csv")
    with pytest.raises(InputRejected):
        import_attendance(alpha, EVENTBRITE, EVENTBRITE.name, "eventbrite", session=theirs)
    assert not theirs.professionals.exists()
    from engagement.services.sessions import SessionDetails, record_session

    with pytest.raises(InputRejected, match="your own organisation only"):
        record_session(alpha, SessionDetails(date=RECENT, organisation=organisation("Bravo"), course=course()), [], {})


def test_the_command_imports_and_names_problems(tmp_path, capsys) -> None:
    training = session(RECENT)
    call_command("events", "import", str(EVENTBRITE), "--format", "eventbrite", "--session", training.reference)
    assert "3 professionals added" in capsys.readouterr().out
    broken = tmp_path / "broken.csv"
    broken.write_text("session,attendee\nX-1,dragon\n")
    with pytest.raises(CommandError, match=r"broken.csv, line 2, column 'attendee'"):
        call_command("events", "import", str(broken))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=400))
def test_any_text_is_read_or_refused_with_named_problems(text: str) -> None:
    for read in (lambda: read_plain(text, "fuzz.csv", "test"),
                 lambda: read_eventbrite(text, "fuzz.csv", None, {})):
        try:
            read()
        except InputRejected as exc:
            assert exc.problems and all(p.file == "fuzz.csv" for p in exc.problems)
