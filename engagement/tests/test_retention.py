"""Names and emails are kept only for the retention period; removing them keeps every count."""

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from core.testing.engagement import person, session
from engagement.figures import FIGURES, figure_rows
from engagement.models import ProfessionalAttendance

pytestmark = pytest.mark.django_db


def _figures(year: int) -> dict:
    return {name: figure_rows(name, year) for name in FIGURES}


def test_the_retention_command_removes_names_and_emails_past_their_date_and_keeps_the_counts(settings) -> None:
    settings.VRP_TRAINING_PERSONAL_DATA_DAYS = 90
    today = timezone.localdate()
    old = session(today - timedelta(days=80), [person(1), person(2)])
    recent = session(today - timedelta(days=30), [person(1), person(3)])
    kept_until = {a.session_id: a.personal_data_until for a in ProfessionalAttendance.objects.all()}
    assert kept_until == {old.pk: today + timedelta(days=10), recent.pk: today + timedelta(days=60)}
    year = today.year if today.month >= 4 else today.year - 1
    before = {y: _figures(y) for y in (year - 1, year)}
    call_command("events", "remove-personal-data")  # today: nothing is past its date yet
    assert old.professionals.exclude(email="").count() == 2
    call_command("events", "remove-personal-data", "--today", (today + timedelta(days=11)).isoformat())
    assert set(old.professionals.values_list("name", "email")) == {("", "")}
    assert set(recent.professionals.values_list("name", "email")) == {("Person 1", "person1@example.org"),
                                                                      ("Person 3", "person3@example.org")}
    assert {y: _figures(y) for y in (year - 1, year)} == before
    # The person whose details are gone is still the same person when they come again.
    session(today, [person(2)])
    assert old.professionals.filter(person_key=ProfessionalAttendance.objects.filter(
        session__date=today).get().person_key).exists()


def test_the_command_counts_from_a_given_day_and_an_old_session_is_stored_without_names() -> None:
    today = timezone.localdate()
    recent = session(today - timedelta(days=10), [person(1)])
    call_command("events", "remove-personal-data", "--today", (today + timedelta(days=200)).isoformat())
    assert recent.professionals.get().name == ""
    older = session(date(2020, 5, 1), [person(4)])  # recorded long after the retention period ended
    assert older.professionals.get().email == "" and older.professionals.get().personal_data_until is None


def test_a_session_moved_back_in_time_keeps_names_only_for_the_retention_period_after_its_new_date() -> None:
    from engagement.services.sessions import SessionDetails, update_session

    today = timezone.localdate()
    recorded = session(today - timedelta(days=1), [person(1)])
    assert recorded.professionals.get().personal_data_until == today + timedelta(days=89)
    details = SessionDetails(date=today - timedelta(days=200), organisation=recorded.organisation,
                             course=recorded.course)
    update_session("test", recorded, details, {})
    assert recorded.professionals.get().personal_data_until == today - timedelta(days=110)
    call_command("events", "remove-personal-data")
    assert recorded.professionals.get().email == "" and recorded.professionals.get().person_key
