"""Small builders for the engagement tests (plain calls through the real services)."""

from datetime import date

from core.models import Organisation
from core.testing.factories import organisation
from engagement.models import Audience, Course, Event, FacilitatorTeam, Session
from engagement.services.sessions import Counts, Professional, SessionDetails, record_session


def course(code: str = "exploitation-1", audience: str = Audience.PROFESSIONALS, theme: str = "exploitation",
           competencies: list[str] | None = None) -> Course:
    from engagement.models import Competency

    found, created = Course.objects.get_or_create(code=code, defaults={
        "title": f"Course {code}", "audience": audience, "theme": theme, "length_minutes": 120})
    if created and competencies:
        found.competencies.set(Competency.objects.filter(code__in=competencies,
                                                         level__framework__name__startswith="Exploitation"))
    return found


def team(name: str = "VRP facilitators", org: Organisation | None = None) -> FacilitatorTeam:
    return FacilitatorTeam.objects.get_or_create(name=name, defaults={"organisation": org or organisation()})[0]


def session(day: date, people: list[Professional] | None = None, counts: Counts | None = None,
            org: Organisation | None = None, **details) -> Session:
    values = {"course": details.pop("course", None) or (course() if "event" not in details else None), **details}
    return record_session("test", SessionDetails(date=day, organisation=org or organisation(), **values),
                          people or [], counts or {})


def person(n: int, sector: str = "education") -> Professional:
    return Professional(name=f"Person {n}", email=f"person{n}@example.org", organisation="Hill School",
                        sector=sector, role="teacher")


def event(code: str = "hope-hack", org: Organisation | None = None, **fields) -> Event:
    from engagement.services.events import save_event

    values = {"title": "Hope Hack", "kind": "hackathon", "themes": ["education"], "area_codes": ["E08000025"],
              "start_date": date(2024, 11, 9), **fields}
    return save_event("test", Event(code=code, organisation=org or organisation(), **values))
