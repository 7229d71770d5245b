"""Counting professionals once a year through a keyed hash, and young people as attendances."""

from datetime import date

import pytest

from core.testing.engagement import person, session
from engagement.figures import headline
from engagement.people import person_key

pytestmark = pytest.mark.django_db


def _values(year: int) -> dict[str, int]:
    return {r["measure"]: r["value"] for r in headline(year)}


def test_one_professional_at_three_sessions_in_a_year_counts_once_and_once_in_each_of_two_years() -> None:
    # Financial years: 2024/25 is April 2024 to March 2025.
    for day in (date(2024, 4, 3), date(2024, 9, 12), date(2025, 3, 31)):
        session(day, [person(1)])
    session(date(2025, 4, 1), [person(1), person(2)])
    in_2024, in_2025 = _values(2024), _values(2025)
    assert (in_2024["professionals_trained"], in_2024["professional_attendances"], in_2024["sessions"]) == (1, 3, 3)
    assert (in_2025["professionals_trained"], in_2025["professional_attendances"]) == (2, 2)


def test_the_same_email_written_differently_is_one_person_and_a_different_email_another() -> None:
    first = person(1)
    shouted = person(1)
    shouted.email = "  PERSON1@Example.ORG "
    session(date(2024, 5, 1), [first])
    session(date(2024, 6, 1), [shouted, person(3)])
    assert _values(2024)["professionals_trained"] == 2


def test_a_person_listed_twice_at_one_session_is_one_attendance() -> None:
    recorded = session(date(2024, 5, 1), [person(1), person(1), person(2)])
    assert recorded.professionals.count() == 2


def test_the_key_is_keyed_by_the_secret_and_does_not_hold_the_email(settings) -> None:
    key = person_key("ann@example.org")
    assert "ann" not in key and len(key) == 64
    import hashlib

    assert key != hashlib.sha256(b"email:ann@example.org").hexdigest()  # not a plain (guessable) hash
    settings.VRP_ATTENDEE_KEY = "another-secret"
    assert person_key("ann@example.org") != key


def test_without_email_name_and_organisation_identify_and_without_either_each_is_a_person() -> None:
    from engagement.services.sessions import Professional

    by_name = [Professional(name="Sam Idris", organisation="Easton NHS"),
               Professional(name="sam  idris", organisation="easton nhs")]
    session(date(2024, 5, 1), by_name[:1] + [Professional(sector="health")])
    session(date(2024, 6, 1), by_name[1:] + [Professional(sector="health")])
    values = _values(2024)
    assert (values["professionals_trained"], values["professional_attendances"]) == (3, 4)


def test_young_people_are_counted_as_attendances_not_people() -> None:
    counts = {("young_people", "10_17", "female"): 12, ("young_people", "10_17", "male"): 10,
              ("parents_carers", "25_plus", "female"): 3}
    session(date(2024, 5, 1), counts=counts)
    session(date(2024, 5, 8), counts=counts)
    values = _values(2024)
    assert (values["young_people_attendances"], values["other_adult_attendances"], values["attendances"]) == \
        (44, 6, 50)
