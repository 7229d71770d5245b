"""Recording sessions and their attendance: the facilitator's form and the imports both come through here.

Every change is one transaction with its audit entry. Professionals are one row each, keyed by
``engagement.people.person_key`` (a person listed twice at one session is one attendance); children, young
people and other adults are counts by age band and sex, never names.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.utils import timezone

from commissioning.models import Project, Theme
from core import audit
from core.age_bands import YOUNG_PEOPLE_BANDS, AgeBand
from core.models import Organisation
from core.problems import InputRejected, Problem
from engagement.models import (
    COUNTED_AUDIENCES,
    Audience,
    Course,
    Event,
    FacilitatorTeam,
    ParticipantCount,
    ProfessionalAttendance,
    Sector,
    Session,
)
from engagement.people import is_email, person_key, personal_data_until
from geography.codes import level_of
from monitoring.models import Sex

#: The most one cell may hold: larger numbers are almost always a typing slip.
MAX_COUNT = 100_000
#: (audience, age band, sex) → how many attended.
Counts = dict[tuple[str, str, str], int]


@dataclass
class SessionDetails:
    """What a session is: its course or event, when, where, and who delivered it."""

    date: date
    organisation: Organisation
    course: Course | None = None
    event: Event | None = None
    project: Project | None = None
    facilitator_team: FacilitatorTeam | None = None
    lad_code: str = ""
    lsoa_code: str = ""
    venue: str = ""
    theme: str = ""
    reference: str = ""
    eventbrite_event_id: str = ""
    facilitator: object = None


@dataclass
class Professional:
    """One professional attending: email (for counting once), name (for a certificate), organisation,
    sector and role."""

    name: str = ""
    email: str = ""
    organisation: str = ""
    sector: str = Sector.OTHER
    role: str = ""
    key: str = field(default="", compare=False)

    def person_key(self) -> str:
        self.key = self.key or person_key(self.email, self.name, self.organisation)
        return self.key


def details_problems(details: SessionDetails, where: str = "session", line: int | None = None) -> list[Problem]:
    """What is wrong with a session's details (each problem names its field)."""
    problems = []

    def fail(column: str, message: str) -> None:
        problems.append(Problem(where, message, line=line, column=column))

    if details.course is None and details.event is None:
        fail("course", "give the course taught or the event it was part of")
    if details.date > timezone.localdate():
        fail("date", f"{details.date} is in the future: record a session once it has happened")
    if details.project is not None and details.project.provider_id != details.organisation.pk:
        fail("project", f"{details.project.identifier} is not a project of {details.organisation.name}")
    if details.facilitator_team is not None and details.facilitator_team.organisation_id != details.organisation.pk:
        fail("facilitator_team", f"{details.facilitator_team.name} is not a team of {details.organisation.name}")
    if details.event is not None and details.event.organisation_id != details.organisation.pk \
            and details.course is None:
        fail("event", f"{details.event.title} is run by {details.event.organisation.name}; record its sessions "
                      "as that organisation")
    if details.lsoa_code and level_of(details.lsoa_code) != "lsoa":
        fail("lsoa_code", f"{details.lsoa_code!r} is not an LSOA code (E01… or W01…)")
    if details.lad_code and level_of(details.lad_code) != "lad":
        fail("local_authority", f"{details.lad_code!r} is not a local authority code (E06…, E07…, E08…, E09…)")
    if details.lsoa_code and details.lad_code and level_of(details.lsoa_code) == "lsoa":
        from insights.query.areas import local_authority_of

        found = local_authority_of(details.lsoa_code)
        if found and found != details.lad_code:
            fail("lsoa_code", f"{details.lsoa_code} is in {found}, not {details.lad_code}")
    if details.theme and details.theme not in Theme.values:
        fail("theme", f"{details.theme!r} is not a theme; use one of {', '.join(Theme.values)}")
    for name in ("venue", "reference", "eventbrite_event_id"):
        if "\x00" in getattr(details, name):
            fail(name, "holds a NUL character")
    return problems


def professional_problems(person: Professional, where: str = "attendee", line: int | None = None) -> list[Problem]:
    problems = []
    if person.email.strip() and not is_email(person.email.strip()):
        problems.append(Problem(where, f"{person.email!r} is not an email address", line=line, column="email"))
    if person.sector not in Sector.values:
        problems.append(Problem(where, f"{person.sector!r} is not a sector; use one of {', '.join(Sector.values)}",
                                line=line, column="sector"))
    for name, limit in (("name", 200), ("organisation", 200), ("role", 120)):
        text = getattr(person, name)
        if len(text) > limit or "\x00" in text:
            problems.append(Problem(where, f"is longer than {limit} characters or not text", line=line,
                                    column=name))
    return problems


def count_problems(counts: Counts, where: str = "counts", line: int | None = None) -> list[Problem]:
    problems = []
    for (audience, band, sex), count in counts.items():
        if audience not in [a.value for a in COUNTED_AUDIENCES]:
            problems.append(Problem(where, f"{audience!r} is not counted by age band; use one of "
                                    f"{', '.join(a.value for a in COUNTED_AUDIENCES)}", line=line, column="attendee"))
        if band not in AgeBand.values:
            problems.append(Problem(where, f"{band!r} is not an age band; use one of {', '.join(AgeBand.values)}",
                                    line=line, column="age_band"))
        elif audience == Audience.YOUNG_PEOPLE and band not in [b.value for b in YOUNG_PEOPLE_BANDS]:
            problems.append(Problem(where, "children and young people are aged 24 and under; count people aged 25 "
                                    "and over as parents and carers or community members", line=line,
                                    column="age_band"))
        if sex not in Sex.values:
            problems.append(Problem(where, f"{sex!r} is not one of {', '.join(Sex.values)}", line=line, column="sex"))
        if not isinstance(count, int) or not 0 <= count <= MAX_COUNT:
            problems.append(Problem(where, f"{count!r}: a count is a whole number from 0 to {MAX_COUNT:,}",
                                    line=line, column="count"))
    return problems


def next_reference(day: date) -> str:
    prefix = f"S-{day.year}-"
    taken = Session.objects.filter(reference__startswith=prefix).count()
    reference = f"{prefix}{taken + 1:05d}"
    while Session.objects.filter(reference=reference).exists():
        taken += 1
        reference = f"{prefix}{taken + 1:05d}"
    return reference


def _theme_of(details: SessionDetails) -> str:
    if details.theme:
        return details.theme
    if details.course is not None:
        return details.course.theme
    return (details.event.themes or [Theme.PLACE_BASED.value])[0] if details.event else ""


def _local_authority(details: SessionDetails) -> str:
    if details.lad_code or not details.lsoa_code:
        return details.lad_code
    from insights.query.areas import local_authority_of

    return local_authority_of(details.lsoa_code) or ""


def new_session(details: SessionDetails, actor: object, source: str) -> Session:
    """An unsaved session from its details (checked by ``details_problems`` first)."""
    return Session(reference=details.reference or next_reference(details.date), course=details.course,
                   event=details.event, theme=_theme_of(details), date=details.date, lad_code=_local_authority(details),
                   lsoa_code=details.lsoa_code, venue=details.venue.strip(), organisation=details.organisation,
                   project=details.project, facilitator_team=details.facilitator_team,
                   facilitator=details.facilitator if getattr(details.facilitator, "pk", None) else None,
                   eventbrite_event_id=details.eventbrite_event_id, source=source,
                   recorded_by=actor if getattr(actor, "pk", None) else None)


def attendance_rows(session: Session, people: Iterable[Professional], today: date | None = None,
                    is_new: bool = False) -> list[ProfessionalAttendance]:
    """Unsaved attendance rows, one per distinct person, not already at ``session`` (unless ``is_new``: it
    has nobody yet). Names and emails are left out when the retention period has already passed."""
    today = today or timezone.localdate()
    keep_until = personal_data_until(session.date)
    keep = keep_until >= today
    existing = set() if is_new else set(session.professionals.values_list("person_key", flat=True))
    rows = []
    for person in people:
        key = person.person_key()
        if key in existing:
            continue
        existing.add(key)
        rows.append(ProfessionalAttendance(
            session=session, person_key=key, name=person.name.strip() if keep else "",
            email=person.email.strip() if keep else "", personal_data_until=keep_until if keep else None,
            organisation_name=person.organisation.strip(), sector=person.sector, role=person.role.strip()))
    return rows


def set_counts(session: Session, counts: Counts) -> int:
    """Make the session's counts in the cells given equal ``counts`` (a zero removes the cell); returns how
    many cells changed. Cells not given are left as they are."""
    existing = {(c.audience, c.age_band, c.sex): c for c in session.participant_counts.all()}
    changed = 0
    for cell, count in counts.items():
        found = existing.get(cell)
        if found is not None and found.count == count:
            continue
        if found is not None and count == 0:
            found.delete()
        elif found is not None:
            found.count = count
            found.save(update_fields=["count"])
        elif count:
            ParticipantCount.objects.create(session=session, audience=cell[0], age_band=cell[1], sex=cell[2],
                                            count=count)
        else:
            continue
        changed += 1
    return changed


def _summary(session: Session) -> dict:
    return {"professionals": session.professionals.count(),
            "participants": sum(session.participant_counts.values_list("count", flat=True))}


def _scope_problems(actor: object, organisation: Organisation) -> list[Problem]:
    from engagement.services.scope import organisations_for

    if organisations_for(actor).filter(pk=organisation.pk).exists():
        return []
    return [Problem("session", "you may record sessions for your own organisation only", column="organisation")]


@transaction.atomic
def record_session(actor: object, details: SessionDetails, professionals: list[Professional], counts: Counts,
                   source: str = Session.Source.FORM) -> Session:
    """Save a new session with its attendance. Raises InputRejected naming every problem."""
    problems = _scope_problems(actor, details.organisation) + details_problems(details)
    for index, person in enumerate(professionals, start=1):
        problems += professional_problems(person, f"professional {index}")
    problems += count_problems(counts)
    if details.reference and Session.objects.filter(reference=details.reference).exists():
        problems.append(Problem("session", f"the reference {details.reference!r} is taken; choose another",
                                column="reference"))
    if problems:
        raise InputRejected(problems)
    session = new_session(details, actor, source)
    session.save()
    ProfessionalAttendance.objects.bulk_create(attendance_rows(session, professionals))
    set_counts(session, counts)
    audit.record(actor, "create", session, changes=_summary(session))
    return session


@transaction.atomic
def update_session(actor: object, session: Session, details: SessionDetails, counts: Counts) -> Session:
    """Change a session's details and replace its counts (every cell; a cell left out becomes zero)."""
    problems = _scope_problems(actor, session.organisation) + _scope_problems(actor, details.organisation)
    problems += details_problems(details) + count_problems(counts)
    if problems:
        raise InputRejected(problems)
    details.reference = session.reference
    before = {"date": str(session.date), "course": str(session.course_id), "event": str(session.event_id),
              **_summary(session)}
    replacement = new_session(details, actor, session.source)
    moved = replacement.date != session.date
    for name in ("course", "event", "theme", "date", "lad_code", "lsoa_code", "venue", "organisation", "project",
                 "facilitator_team"):
        setattr(session, name, getattr(replacement, name))
    session.save()
    if moved:
        # Names and emails are kept for the retention period after the session as it is now dated: a session
        # moved back in time may already be past it (the retention command then removes them).
        session.professionals.exclude(personal_data_until=None).update(
            personal_data_until=personal_data_until(session.date))
    every_cell = {(a.value, b, s): 0 for a in COUNTED_AUDIENCES for b in AgeBand.values for s in Sex.values}
    set_counts(session, {**every_cell, **counts})
    after = {"date": str(session.date), "course": str(session.course_id), "event": str(session.event_id),
             **_summary(session)}
    audit.record(actor, "update", session, changes=audit.model_changes(before, after))
    return session


@transaction.atomic
def add_professionals(actor: object, session: Session, professionals: list[Professional]) -> int:
    """Add professionals to a session (someone already there is not added twice); returns how many."""
    problems = [p for index, person in enumerate(professionals, start=1)
                for p in professional_problems(person, f"professional {index}")]
    if problems:
        raise InputRejected(problems)
    rows = ProfessionalAttendance.objects.bulk_create(attendance_rows(session, professionals))
    if rows:
        audit.record(actor, "add_professionals", session, changes={"added": len(rows)})
    return len(rows)


@transaction.atomic
def remove_professional(actor: object, attendance: ProfessionalAttendance) -> None:
    session = attendance.session
    attendance.delete()
    audit.record(actor, "remove_professional", session, summary=f"{session.reference}: one professional removed")
