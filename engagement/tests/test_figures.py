"""The figures by month and team, sector, theme, local authority, events; reach with providers' returns."""

from datetime import date

import pytest

from core.testing.engagement import course, event, person, session, team
from core.testing.factories import organisation, project
from engagement.figures import (
    attendance_by_local_authority,
    attendance_by_theme,
    events_and_reach,
    professionals_by_sector,
    sessions_by_month_and_team,
)
from engagement.services.reach import professionals_reached
from monitoring.services.returns import ReturnFigures, review_return, save_return, submit_return

pytestmark = pytest.mark.django_db
YOUNG = {("young_people", "10_17", "female"): 10, ("young_people", "10_17", "male"): 8}


@pytest.fixture
def year_of_sessions() -> dict:
    provider = organisation()
    north = team("North team", provider)
    session(date(2024, 4, 10), [person(1), person(2, "health")], YOUNG, facilitator_team=north,
            lad_code="E08000025")
    session(date(2024, 4, 20), [person(1)], facilitator_team=north, lad_code="E08000026",
            course=course("vawg-1", theme="vawg"))
    session(date(2024, 5, 2), counts=YOUNG)
    hack = event()
    session(date(2024, 11, 9), [person(3, "voluntary")], {("young_people", "18_24", "male"): 40,
                                                          ("community", "25_plus", "female"): 12}, event=hack,
            course=None)
    return {"event": hack}


def test_sessions_and_attendances_by_month_and_team(year_of_sessions) -> None:
    assert sessions_by_month_and_team(2024) == [
        {"month": "2024-04", "facilitator_team": "North team", "sessions": 2, "attendances": 21,
         "professional_attendances": 3},
        {"month": "2024-05", "facilitator_team": "not given", "sessions": 1, "attendances": 18,
         "professional_attendances": 0},
        {"month": "2024-11", "facilitator_team": "not given", "sessions": 1, "attendances": 53,
         "professional_attendances": 1}]


def test_by_sector_theme_and_local_authority(year_of_sessions) -> None:
    sectors = {r["sector"]: (r["professionals_trained"], r["professional_attendances"])
               for r in professionals_by_sector(2024)}
    assert (sectors["Education"], sectors["Health"], sectors["Voluntary and community"], sectors["Police"]) == (
        (1, 2), (1, 1), (1, 1), (0, 0))
    themes = {r["theme"]: r for r in attendance_by_theme(2024)}
    assert (themes["Exploitation"]["sessions"], themes["Exploitation"]["attendances"],
            themes["Exploitation"]["professionals_trained"]) == (2, 38, 2)
    assert (themes["Violence against women and girls"]["attendances"], themes["Education"]["attendances"]) == (1, 53)
    areas = attendance_by_local_authority(2024)
    assert [(r["local_authority"], r["sessions"], r["attendances"], r["professionals_trained"]) for r in areas] == [
        ("E08000025", 1, 20, 2), ("E08000026", 1, 1, 1), ("not given", 2, 71, 1)]
    assert areas[-1]["name"] == "No local authority given"


def test_events_and_their_reach(year_of_sessions) -> None:
    [hack] = events_and_reach(2024)
    assert (hack["event"], hack["sessions"], hack["young_people"], hack["other_adults"], hack["professionals"],
            hack["attendances"], hack["themes"]) == ("Hope Hack", 1, 40, 12, 1, 53, "Education")
    assert events_and_reach(2023) == []


def _accepted_return(identifier: str, trained: int) -> None:
    saved = save_return("test", project_for(identifier), date(2024, 4, 1), ReturnFigures(professionals_trained=trained))
    review_return("test", submit_return("test", saved), accept=True)


def project_for(identifier: str):
    from commissioning.models import Project

    return Project.objects.get(identifier=identifier)


def test_reach_adds_returns_to_the_register_counting_people_in_both_once() -> None:
    provider = organisation()
    project("P-1", provider=provider, return_period_months=3)
    project("P-2", provider=provider, return_period_months=3)
    # The provider's own session under P-1 is in the register: its 3 people are also in P-1's return of 5.
    session(date(2024, 5, 1), [person(1), person(2), person(3)], project=project_for("P-1"))
    session(date(2024, 6, 1), [person(3), person(4)])  # the VRP's own session: person 3 again
    _accepted_return("P-1", 5)
    _accepted_return("P-2", 7)  # nothing of P-2's in the register
    assert professionals_reached(2024) == {"register": 4, "returns": 12, "in_both": 3, "total": 13}
    # Limited to P-2 (say, the published projects): P-1's session is left out, the VRP's own is not.
    assert professionals_reached(2024, [project_for("P-2").pk]) == {"register": 2, "returns": 7, "in_both": 0,
                                                                    "total": 9}
