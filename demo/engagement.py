"""Synthetic training, events and networks for the demo region (every name, email and figure invented).

A year of facilitator sessions (about 2,000 attendances a month: school workshops counted by age band and
sex, and awareness sessions for professionals), VAWG training (about 50 professionals a month), three
networks that grow over the year (the Faith Alliance from about 200 to 400 members), the annual report's
kind of events (a hackathon, a roadshow of six workshops, a sport event) and feedback forms.

Sessions are loaded through the real attendance import (the platform's CSV), so the demo exercises the same
checks; running it again changes nothing (the file is recognised, and networks and events already there are
left as they are). Emails are at example.org, which no one receives mail at.
"""

import csv
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from commissioning.models import Project, Theme
from core.models import Organisation
from core.region import current_region
from engagement.models import (
    Audience,
    Competency,
    CompetencyFramework,
    Course,
    Event,
    FacilitatorTeam,
    Network,
    NetworkMembership,
    Sector,
    Session,
)
from monitoring.services.periods import financial_year_bounds, financial_year_of

VRP_NAME = "Synthetic Violence Reduction Partnership"
TEAMS = ["Schools facilitators North (synthetic)", "Schools facilitators South (synthetic)",
         "Community facilitators (synthetic)"]
VAWG_TEAM = "VAWG training team (synthetic)"
COURSES = [
    # code, title, audience, theme, minutes, competency codes
    ("knife-crime-workshop", "Knife crime and choices workshop", Audience.YOUNG_PEOPLE, Theme.EDUCATION, 60, []),
    ("healthy-relationships", "Healthy relationships workshop", Audience.YOUNG_PEOPLE, Theme.VAWG, 60, []),
    ("exploitation-awareness", "Exploitation and abuse: essential awareness", Audience.PROFESSIONALS,
     Theme.EXPLOITATION, 180, ["1.1", "1.2", "1.3", "1.4"]),
    ("trauma-informed-practice", "Trauma-informed practice", Audience.PROFESSIONALS, Theme.HEALTH, 240,
     ["2.1", "2.3"]),
    ("vawg-disclosures", "VAWG: responding to disclosures", Audience.PROFESSIONALS, Theme.VAWG, 180,
     ["1.2", "1.3"]),
]
SECTOR_MIX = [(Sector.EDUCATION, 0.38), (Sector.HEALTH, 0.14), (Sector.POLICE, 0.08),
              (Sector.LOCAL_AUTHORITY, 0.16), (Sector.VOLUNTARY, 0.14), (Sector.FAITH, 0.04), (Sector.SPORT, 0.04),
              (Sector.OTHER, 0.02)]
ROLES = {Sector.EDUCATION: "teacher", Sector.HEALTH: "nurse", Sector.POLICE: "police officer",
         Sector.LOCAL_AUTHORITY: "social worker", Sector.VOLUNTARY: "youth worker", Sector.FAITH: "faith leader",
         Sector.SPORT: "coach", Sector.OTHER: "practitioner"}
EVENTS = [
    # code, title, kind, themes, sessions: list of (month offset, young people, other adults, professionals)
    ("hope-hack", "Midlands Hope Hack (synthetic)", Event.Kind.HACKATHON, [Theme.EDUCATION, Theme.PLACE_BASED],
     [(7, 110, 30, 10)]),
    ("community-roadshow", "Community safety roadshow (synthetic)", Event.Kind.ROADSHOW,
     [Theme.FAITH_AND_COMMUNITIES, Theme.PLACE_BASED], [(4 + k, 14, 10, 3) for k in range(6)]),
    ("summer-sport", "Summer sport festival (synthetic)", Event.Kind.SPORT, [Theme.SPORT], [(3, 85, 20, 4)]),
]
HEADER = ["session", "date", "course", "event", "organisation", "project", "facilitator_team", "local_authority",
          "venue", "attendee", "name", "email", "attendee_organisation", "sector", "role", "age_band", "sex", "count"]


def demo_year(today: date) -> int:
    """The financial year the demo fills: the last one that has ended."""
    return financial_year_of(today) - 1


def _setup(actor: str) -> tuple[Organisation, dict[str, FacilitatorTeam], dict[str, Course]]:
    vrp, _ = Organisation.objects.get_or_create(name=VRP_NAME, defaults={"kind": Organisation.Kind.PARTNERSHIP})
    teams = {name: FacilitatorTeam.objects.get_or_create(name=name, defaults={"organisation": vrp})[0]
             for name in [*TEAMS, VAWG_TEAM]}
    framework = CompetencyFramework.objects.filter(name__startswith="Exploitation and Abuse").first()
    courses = {}
    for code, title, audience, theme, minutes, competencies in COURSES:
        course, created = Course.objects.get_or_create(code=code, defaults={
            "title": f"{title} (synthetic)", "audience": audience, "theme": theme, "length_minutes": minutes,
            "description": "An invented course for the demonstration region."})
        if created and framework is not None:
            course.competencies.set(Competency.objects.filter(level__framework=framework, code__in=competencies))
        courses[code] = course
    return vrp, teams, courses


def _sessions_csv(path: Path, year: int, vrp: Organisation, lads: list[str], rng: np.random.Generator,
                  events: dict[str, Event]) -> Path:
    first, _ = financial_year_bounds(year)
    projects = list(Project.objects.filter(identifier__startswith="SYN-").select_related("provider")[:4])
    people = [(f"Synthetic Person {n}", f"synthetic.person{n}@example.org") for n in range(1, 4001)]
    pools = {"facilitators": people[:3000], "vawg": people[2500:], "events": people}
    sectors = [s for s, _ in SECTOR_MIX]
    weights = np.array([w for _, w in SECTOR_MIX])
    sector_of = {email: sectors[int(rng.choice(len(sectors), p=weights / weights.sum()))] for _, email in people}
    rows: list[list[str]] = []
    number = 0

    def session_row(reference: str, day: date, course: str, organisation: str, team: str, lad: str, event: str = "",
                    project: str = "") -> list[str]:
        return [reference, day.isoformat(), course, event, organisation, project, team, lad,
                f"Synthetic venue {1 + int(rng.integers(60))}"]

    def professionals(base: list[str], count: int, pool: str) -> None:
        for index in rng.choice(len(pools[pool]), size=count, replace=False):
            name, email = pools[pool][int(index)]
            sector = sector_of[email]
            rows.append(base + ["professional", name, email, f"Synthetic {sector.label.lower()} organisation",
                                sector.value, ROLES[sector], "", "", ""])

    def young_people(base: list[str], total: int, adults: int = 0) -> None:
        for band, share in (("under_10", 0.08), ("10_17", 0.72), ("18_24", 0.2)):
            for sex, part in (("female", 0.48), ("male", 0.49), ("other_unknown", 0.03)):
                n = int(rng.poisson(total * share * part))
                if n:
                    rows.append(base + ["young_people", "", "", "", "", "", band, sex, str(n)])
        for sex, part in (("female", 0.6), ("male", 0.4)):
            n = int(round(adults * part))
            if n:
                rows.append(base + ["parents_carers", "", "", "", "", "", "25_plus", sex, str(n)])

    for month in range(12):
        start = date(first.year + (first.month + month - 1) // 12, (first.month + month - 1) % 12 + 1, 1)
        days = [start + timedelta(days=d) for d in range(28) if (start + timedelta(days=d)).weekday() < 5]
        summer = start.month in (8,)
        # Facilitators: school workshops (about 1,800 young people a month, fewer in August) and awareness
        # sessions for professionals (about 200 attendances a month).
        for _ in range(20 if summer else 60):
            number += 1
            course = "knife-crime-workshop" if number % 3 else "healthy-relationships"
            base = session_row(f"DEMO-F-{number:05d}", days[int(rng.integers(len(days)))], course, vrp.name,
                               TEAMS[number % 2], lads[int(rng.integers(len(lads)))])
            young_people(base, int(rng.integers(22, 38)))
        for _ in range(4 if summer else 12):
            number += 1
            project = projects[number % len(projects)] if projects and number % 5 == 0 else None
            organisation = project.provider.name if project else vrp.name
            base = session_row(f"DEMO-F-{number:05d}", days[int(rng.integers(len(days)))], "exploitation-awareness",
                               organisation, TEAMS[2] if project is None else "", lads[int(rng.integers(len(lads)))],
                               project=project.identifier if project else "")
            professionals(base, int(rng.integers(10, 22)), "facilitators")
        # VAWG training: about 50 professionals a month, in four sessions.
        for _ in range(4):
            number += 1
            base = session_row(f"DEMO-V-{number:05d}", days[int(rng.integers(len(days)))], "vawg-disclosures",
                               vrp.name, VAWG_TEAM, lads[int(rng.integers(len(lads)))])
            professionals(base, int(rng.integers(10, 16)), "vawg")
    for code, _, _, _, sessions in EVENTS:
        for index, (offset, young, adults, staff) in enumerate(sessions, start=1):
            day = date(first.year + (first.month + offset - 1) // 12, (first.month + offset - 1) % 12 + 1, 10 + index)
            base = session_row(f"DEMO-E-{code}-{index}", day, "", vrp.name, TEAMS[2], lads[index % len(lads)],
                               event=events[code].code)
            young_people(base, young, adults)
            professionals(base, staff, "events")
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def _events(actor: str, vrp: Organisation, lads: list[str], year: int) -> dict[str, Event]:
    from engagement.services.events import save_event

    first, _ = financial_year_bounds(year)
    found = {}
    for code, title, kind, themes, sessions in EVENTS:
        event = Event.objects.filter(code=f"{code}-{year}").first()
        if event is None:
            offset = sessions[0][0]
            start = date(first.year + (first.month + offset - 1) // 12, (first.month + offset - 1) % 12 + 1, 11)
            event = save_event(actor, Event(code=f"{code}-{year}", title=title, kind=kind, organisation=vrp,
                                            themes=[t.value for t in themes], area_codes=lads[:2], start_date=start,
                                            description="An invented event for the demonstration region."))
        found[code] = event
    return found


def _networks(actor: str, year: int, rng: np.random.Generator) -> int:
    """Three networks growing over the year; members joining (and a few leaving) on days spread across it."""
    from engagement.services.networks import add_members, faith_alliance
    from places.models import DirectoryOrganisation

    first, last = financial_year_bounds(year)
    span = (last - first).days
    plans = [
        (faith_alliance(), 200, 400, "Synthetic faith group"),
        (Network.objects.get_or_create(name="Local stakeholder networks (synthetic)", defaults={
            "kind": Network.Kind.LOCAL_STAKEHOLDER})[0], 620, 1000, "Synthetic stakeholder"),
        (Network.objects.get_or_create(name="Provider network (synthetic)", defaults={
            "kind": Network.Kind.PROVIDER})[0], 30, 45, "Synthetic provider"),
    ]
    added = 0
    for network, at_start, at_end, label in plans:
        if network.memberships.exists():
            continue
        leaving = max(1, at_start // 20)
        directory = list(DirectoryOrganisation.objects.filter(name__startswith="Synthetic community group")[:8]) \
            if network.kind == Network.Kind.FAITH_ALLIANCE else []
        # Members on 1 April (a few of whom leave during the year), then joiners spread over the year, so that
        # the network has ``at_start`` members on 1 April and ``at_end`` on 31 March.
        members = [_member(label, n, first - timedelta(days=int(rng.integers(30, 900))), directory)
                   for n in range(at_start)]
        for member in members[-leaving:]:
            member.left_on = first + timedelta(days=int(rng.integers(1, span)))
        members += [_member(label, n, first + timedelta(days=int(rng.integers(1, span + 1))), directory)
                    for n in range(at_start, at_end + leaving)]
        added += add_members(actor, network, members)
    return added


def _member(label: str, n: int, joined: date, directory: list) -> NetworkMembership:
    if n < len(directory):
        return NetworkMembership(kind=NetworkMembership.Kind.ORGANISATION, directory_organisation=directory[n],
                                 joined_on=joined, source="demo (synthetic)")
    return NetworkMembership(kind=NetworkMembership.Kind.ORGANISATION, name=f"{label} {n + 1}", joined_on=joined,
                             source="demo (synthetic)")


def _feedback(actor: str, rng: np.random.Generator) -> int:
    """Feedback forms from a few people at each professionals' session of the demo."""
    from engagement.services.feedback import course_competencies, record_response

    responses = 0
    sessions = Session.objects.filter(reference__startswith="DEMO-", course__audience=Audience.PROFESSIONALS
                                      ).select_related("course").order_by("reference")
    if sessions.filter(feedback__isnull=False).exists():
        return 0  # loaded before
    for session in sessions[::3]:
        competencies = course_competencies(session)
        for _ in range(int(rng.integers(2, 6))):
            answers = {}
            for competency in competencies:
                before = int(rng.integers(1, 4))
                answers[competency.pk] = (before, min(5, before + int(rng.integers(0, 3))))
            if answers:
                record_response(actor, session, answers)
                responses += 1
    return responses


def add_engagement(folder: Path, today: date, actor: str = "demo", seed: int = 18) -> dict:
    """Load the demo's training, events and networks for the last financial year before ``today``."""
    from engagement.services.imports import import_attendance

    rng = np.random.default_rng(seed)
    year = demo_year(today)
    lads = current_region().lad_codes
    vrp, _, _ = _setup(actor)
    events = _events(actor, vrp, lads, year)
    folder.mkdir(parents=True, exist_ok=True)
    path = _sessions_csv(folder / f"synthetic_attendance_{year}.csv", year, vrp, lads, rng, events)
    summary = import_attendance(actor, path, path.name, "csv")
    members = _networks(actor, year, rng)
    responses = _feedback(actor, rng)
    return {"year": year, "import": str(summary), "members": members, "feedback": responses}
