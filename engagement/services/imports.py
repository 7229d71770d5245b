"""``vrp events import FILE [--format eventbrite|csv]``: attendance from Eventbrite or a plain CSV.

Both are all or nothing: every row is checked first and every problem is named by file, line and column;
then the whole file lands in one transaction, or none of it does. Re-importing a file changes nothing: a
professional already at a session is not added again, counts are set (not added), and a file imported
before is recognised by its checksum.

**Eventbrite** (the *Attendee Summary* report, exported as CSV): one row per ticket, read by header name;
every other column (prices, fees, addresses, other questions) is ignored. The columns read are ``Email``
and ``Attendee Status`` (both required: without the status a cancelled order cannot be told), ``First
Name``, ``Last Name`` (``Surname`` in the export of an account set up in the UK, whose report also heads
``Order no.`` and ``Attendee no.``), ``Company``, ``Job Title``, ``Event ID`` and a custom question headed
``Sector``, if the event asked it. Rows whose status is
*Attending* or *Checked In* count; *Not Attending* (a refunded or cancelled order), *Deleted* and
*Transferred* tickets are skipped. A person booked twice (the same email) is one attendance. Eventbrite
attendees are professionals at a training session: the session is the one given (``--session``) or the one
whose Eventbrite event ID is the row's ``Event ID``, and it must be of a course for professionals. A
session of an event with no course, or of a course for young people, parents and carers, a community or a
mixed audience, is refused: its attendees are counted by age band and sex, never named.

**Plain CSV** (this platform's own form, for providers' and partners' systems), one row per professional or
per count, with the session on each row. The columns are ``session, date, course, event, organisation,
project, facilitator_team, local_authority, lsoa_code, venue, attendee, name, email, attendee_organisation,
sector, role, age_band, sex, count``; a column may be left out. For example::

    session,date,course,organisation,attendee,name,email,sector,role,age_band,sex,count
    NYT-0412,2025-05-14,exploitation-1,Northfield Youth Trust,professional,Ann Lee,ann@example.org,education,teacher,,,
    NYT-0412,2025-05-14,exploitation-1,Northfield Youth Trust,young_people,,,,,10_17,female,14

``session`` is the session's reference and ``attendee`` is ``professional``, ``young_people``,
``parents_carers`` or ``community``; only these two columns are required in the header. A session that
does not exist yet is created from its row's ``date`` (YYYY-MM-DD), ``course`` (a course code) or ``event``
(an event code), and ``organisation`` (the delivering organisation, as named on the platform); ``project``
(identifier), ``facilitator_team`` (name), ``local_authority`` and ``lsoa_code`` (ONS codes) and ``venue``
are optional. A counted row gives ``age_band``, ``sex`` and ``count`` and no name or email.
"""

import csv
import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from commissioning.models import Project
from core import audit
from core.files import sha256_of
from core.models import Organisation
from core.problems import InputRejected, Problem
from engagement.models import (
    COUNTED_AUDIENCES,
    Audience,
    Course,
    Event,
    FacilitatorTeam,
    ImportBatch,
    ParticipantCount,
    ProfessionalAttendance,
    Sector,
    Session,
)
from engagement.services.scope import organisations_for
from engagement.services.sessions import (
    Counts,
    Professional,
    SessionDetails,
    attendance_rows,
    count_problems,
    details_problems,
    new_session,
    professional_problems,
    set_counts,
)

FORMATS = ("eventbrite", "csv")
PLAIN_COLUMNS = ["session", "date", "course", "event", "organisation", "project", "facilitator_team",
                 "local_authority", "lsoa_code", "venue", "attendee", "name", "email", "attendee_organisation",
                 "sector", "role", "age_band", "sex", "count"]
PLAIN_REQUIRED = ["session", "attendee"]
SESSION_COLUMNS = ["date", "course", "event", "organisation", "project", "facilitator_team", "local_authority",
                   "lsoa_code", "venue"]
#: The columns an Eventbrite file must have: who (to count them once) and whether their ticket stands.
EVENTBRITE_REQUIRED = ("Email", "Attendee Status")
#: Eventbrite's attendee statuses (Attendee Summary report) and whether the ticket counts.
EVENTBRITE_STATUSES = {"attending": True, "checked in": True, "not attending": False, "deleted": False,
                       "transferred": False, "refunded": False, "cancelled": False, "canceled": False}
#: What people write for a sector in a free-text question, beyond the sectors' own names.
SECTOR_WORDS = {"school": Sector.EDUCATION, "college": Sector.EDUCATION, "nhs": Sector.HEALTH,
                "council": Sector.LOCAL_AUTHORITY, "la": Sector.LOCAL_AUTHORITY, "charity": Sector.VOLUNTARY,
                "vcse": Sector.VOLUNTARY, "voluntary": Sector.VOLUNTARY, "church": Sector.FAITH,
                "mosque": Sector.FAITH}


@dataclass
class ImportSummary:
    file_name: str
    rows_read: int = 0
    rows_skipped: int = 0
    sessions_created: int = 0
    professionals_added: int = 0
    counts_changed: int = 0
    notes: list[str] = field(default_factory=list)
    already_imported: ImportBatch | None = None

    def __str__(self) -> str:
        if self.already_imported is not None:
            batch = self.already_imported
            return (f"{self.file_name}: already imported on {batch.at:%d %b %Y} by {batch.actor_label}; "
                    "nothing changed")
        text = (f"{self.file_name}: {self.rows_read} rows read, {self.rows_skipped} skipped; "
                f"{self.sessions_created} sessions created, {self.professionals_added} professionals added, "
                f"{self.counts_changed} counts changed")
        return "; ".join([text, *self.notes])


@dataclass
class _SessionRows:
    """What one session in the file brings: its details (for a new session), people and counts."""

    reference: str
    line: int
    session: Session | None = None
    details: SessionDetails | None = None
    people: list[tuple[int, Professional]] = field(default_factory=list)
    counts: Counts = field(default_factory=dict)
    count_lines: dict = field(default_factory=dict)


def decode(raw: bytes, file_name: str) -> str:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputRejected([Problem(file_name, "the file is not UTF-8 text; export it as CSV (UTF-8)",
                                     line=raw[:exc.start].count(b"\n") + 1)]) from exc
    if "\x00" in text:
        raise InputRejected([Problem(file_name, "holds a NUL byte, so it is not a CSV file",
                                     line=text[:text.index("\x00")].count("\n") + 1)])
    return text


def _rows(text: str, file_name: str) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header (stripped, as written) and each non-blank row as {lower-cased header: cell}, with its line."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader, [])]
        found = []
        for cells in reader:
            if any(c.strip() for c in cells):
                found.append((reader.line_num, {h.lower(): (cells[i].strip() if i < len(cells) else "")
                                                for i, h in enumerate(header)}))
    except csv.Error as exc:
        raise InputRejected([Problem(file_name, f"is not a readable CSV file: {exc}", line=reader.line_num)]) from exc
    if not any(header):
        raise InputRejected([Problem(file_name, "the file is empty: it has no header row", line=1)])
    return header, found


def _sector(text: str) -> tuple[str, bool]:
    """A sector from a free-text answer, and whether it was recognised (else ``other``)."""
    words = text.strip().lower()
    if not words:
        return Sector.OTHER, True
    for sector in Sector:
        if words in (sector.value, sector.label.lower()) or words.replace(" ", "_") == sector.value:
            return sector.value, True
    for word, sector in SECTOR_WORDS.items():
        if word in words.replace(",", " ").split() or words == word:
            return sector.value, True
    return Sector.OTHER, False


def _audience_of(session: Session) -> str:
    if session.course is None:
        return f"a session of the event {session.event.title}" if session.event is not None else "no course"
    return f"a course for {session.course.get_audience_display().lower()}"


def read_eventbrite(text: str, file_name: str, session: Session | None, scope: dict[str, Session],
                    checked_in_only: bool = False) -> tuple[dict[str, _SessionRows], ImportSummary]:
    """Parse an Eventbrite Attendee Summary export. ``session`` receives every row when given; otherwise
    ``scope`` maps Eventbrite event IDs to the sessions the importer may fill."""
    header, rows = _rows(text, file_name)
    present = {h.lower() for h in header}
    problems = [Problem(file_name, f"the column {c!r} is missing; Eventbrite's Attendee Summary report has it"
                        + ("" if c == "Email" else ", and without it a cancelled or refunded order would count"),
                        line=1, column=c) for c in EVENTBRITE_REQUIRED if c.lower() not in present]
    if session is None and "event id" not in present:
        problems.append(Problem(file_name, "give the session to import into (--session), or export the report "
                                "with its 'Event ID' column and link the session to that Eventbrite event",
                                line=1, column="Event ID"))
    if problems:
        raise InputRejected(problems)
    summary = ImportSummary(file_name, rows_read=len(rows))
    found: dict[str, _SessionRows] = {}
    unrecognised: dict[str, int] = defaultdict(int)
    event_ids = {row.get("event id", "") for _, row in rows} - {""}
    if session is not None and (session.course is None or session.course.audience != Audience.PROFESSIONALS):
        raise InputRejected([Problem(file_name, f"{session.reference} is not a session of a course for professionals "
                                     f"({_audience_of(session)}): children, young people and other participants are "
                                     "counted by age band and sex, never named; record them as counts")])
    if session is not None and len(event_ids) > 1:
        raise InputRejected([Problem(file_name, f"the file holds {len(event_ids)} Eventbrite events; import each "
                                     "into its own session", line=1, column="Event ID")])
    for line, row in rows:
        status = row["attendee status"].lower()
        if status not in EVENTBRITE_STATUSES:
            problems.append(Problem(file_name, f"{row['attendee status']!r} is not an Eventbrite attendee status "
                                    "(Attending, Checked In, Not Attending, Deleted, Transferred)", line=line,
                                    column="Attendee Status"))
            continue
        if not EVENTBRITE_STATUSES[status] or (checked_in_only and status != "checked in"):
            summary.rows_skipped += 1
            continue
        target = session
        if target is None:
            target = scope.get(row.get("event id", ""))
            if target is None:
                problems.append(Problem(file_name, f"no session of yours is linked to Eventbrite event "
                                        f"{row.get('event id')!r}", line=line, column="Event ID"))
                continue
        if target.course is None or target.course.audience != Audience.PROFESSIONALS:
            problems.append(Problem(file_name, f"{target.reference} is not a session of a course for professionals "
                                    f"({_audience_of(target)}): children, young people and other participants are "
                                    "counted by age band and sex, never named; record them as counts", line=line))
            continue
        email = row.get("email", "")
        if not email:
            problems.append(Problem(file_name, "the attendee has no email", line=line, column="Email"))
            continue
        sector, known = _sector(row.get("sector", ""))
        if not known:
            unrecognised[row["sector"]] += 1
        surname = row.get("last name", "") or row.get("surname", "")
        person = Professional(name=" ".join(p for p in (row.get("first name", ""), surname) if p),
                              email=email, organisation=row.get("company", ""), sector=sector,
                              role=row.get("job title", ""))
        bad = professional_problems(person, file_name, line)
        if bad:
            problems += [Problem(p.file, p.message, p.line, {"email": "Email", "name": "First Name",
                                                              "organisation": "Company", "role": "Job Title"}
                                 .get(p.column, p.column)) for p in bad]
            continue
        entry = found.setdefault(target.reference, _SessionRows(target.reference, line, session=target))
        entry.people.append((line, person))
    if problems:
        raise InputRejected(problems)
    if unrecognised:
        summary.notes.append("sectors not recognised, recorded as other: " + ", ".join(
            f"{k!r} ×{n}" for k, n in sorted(unrecognised.items())))
    return found, summary


def _lookups(rows: list[tuple[int, dict[str, str]]]) -> dict[str, dict]:
    """The courses, events, organisations, projects and teams the rows name, fetched once."""
    def named(column: str) -> set[str]:
        return {row.get(column, "") for _, row in rows} - {""}

    return {"course": {c.code: c for c in Course.objects.filter(code__in=named("course"))},
            "event": {e.code: e for e in Event.objects.filter(code__in=named("event")).select_related("organisation")},
            "organisation": {o.name.lower(): o for o in Organisation.objects.all() if o.name.lower() in
                             {n.lower() for n in named("organisation")}},
            "project": {p.identifier: p for p in Project.objects.filter(identifier__in=named("project"))},
            "facilitator_team": {t.name: t for t in FacilitatorTeam.objects.filter(name__in=named("facilitator_team"))}}


def _details(row: dict[str, str], line: int, file_name: str, lookups: dict[str, dict], allowed: set[int],
             problems: list[Problem]) -> SessionDetails | None:
    before = len(problems)

    def fail(column: str, message: str) -> None:
        problems.append(Problem(file_name, message, line=line, column=column))

    for column in ("date", "organisation"):
        if not row.get(column):
            fail(column, f"a new session needs its {column}")
    if not row.get("course") and not row.get("event"):
        fail("course", "a new session needs its course (a course code) or event (an event code)")
    day = None
    if row.get("date"):
        try:
            day = date.fromisoformat(row["date"])
        except ValueError:
            fail("date", f"{row['date']!r} is not a date; write it as YYYY-MM-DD")
    organisation = lookups["organisation"].get(row.get("organisation", "").lower())
    if row.get("organisation") and (organisation is None or organisation.pk not in allowed):
        fail("organisation", f"{row['organisation']!r} is not an organisation you may record sessions for")
    found = {}
    for column, label in (("course", "course code"), ("event", "event code"), ("project", "project identifier"),
                          ("facilitator_team", "facilitator team")):
        if row.get(column):
            found[column] = lookups[column].get(row[column])
            if found[column] is None:
                fail(column, f"{row[column]!r} is not a {label} on the platform")
    if len(problems) > before:
        return None
    details = SessionDetails(date=day, organisation=organisation, course=found.get("course"),
                             event=found.get("event"), project=found.get("project"),
                             facilitator_team=found.get("facilitator_team"),
                             lad_code=row.get("local_authority", "").upper(),
                             lsoa_code=row.get("lsoa_code", "").upper(),
                             venue=row.get("venue", "")[:200], reference=row["session"])
    problems += details_problems(details, file_name, line)
    return details


def read_plain(text: str, file_name: str, actor: object) -> tuple[dict[str, _SessionRows], ImportSummary]:
    """Parse the platform's plain attendance CSV (see the module docstring)."""
    header, rows = _rows(text, file_name)
    present = {h.lower() for h in header}
    missing = [c for c in PLAIN_REQUIRED if c not in present]
    if missing:
        raise InputRejected([Problem(file_name, f"the column {c!r} is missing; the columns are "
                                     f"{', '.join(PLAIN_COLUMNS)}", line=1, column=c) for c in missing])
    summary = ImportSummary(file_name, rows_read=len(rows))
    allowed = set(organisations_for(actor).values_list("pk", flat=True))
    references = {row["session"] for _, row in rows if row.get("session")}
    existing = {s.reference: s for s in Session.objects.filter(reference__in=references).select_related(
        "course", "event", "organisation")}
    lookups = _lookups(rows)
    by_line = dict(rows)
    problems: list[Problem] = []
    found: dict[str, _SessionRows] = {}
    counted = [a.value for a in COUNTED_AUDIENCES]
    for line, row in rows:
        before = len(problems)

        def fail(column: str, message: str, line: int = line) -> None:
            problems.append(Problem(file_name, message, line=line, column=column))

        reference = row.get("session", "")
        if not reference or len(reference) > 60:
            fail("session", "give the session's reference (up to 60 characters)")
            continue
        entry = found.get(reference)
        if entry is None:
            session = existing.get(reference)
            if session is not None and session.organisation_id not in allowed:
                fail("session", f"{reference!r} is not one of your sessions (or the reference is taken)")
                continue
            entry = found[reference] = _SessionRows(reference, line, session=session)
            if session is None:
                entry.details = _details(row, line, file_name, lookups, allowed, problems)
            else:
                _check_same_session(session, row, line, file_name, problems)
        else:
            _check_consistent(row, by_line[entry.line], line, entry.line, file_name, problems)
        attendee = row.get("attendee", "").lower()
        if attendee == "professional":
            for column in ("age_band", "sex"):
                if row.get(column):
                    fail(column, "a professional is one row without an age band or sex: leave it blank")
            if row.get("count", "") not in ("", "1"):
                fail("count", "a professional is one row (count blank or 1)")
            sector, known = _sector(row.get("sector", ""))
            if not known:
                fail("sector", f"{row['sector']!r} is not a sector; use one of {', '.join(Sector.values)}")
            person = Professional(name=row.get("name", ""), email=row.get("email", ""),
                                  organisation=row.get("attendee_organisation", ""), sector=sector,
                                  role=row.get("role", ""))
            problems.extend(professional_problems(person, file_name, line))
            if len(problems) == before:
                entry.people.append((line, person))
        elif attendee in counted:
            if row.get("name") or row.get("email"):
                fail("name", "children, young people and other participants are counted, never named: "
                             "remove the name and email")
            try:
                count = int(row.get("count", ""))
            except ValueError:
                fail("count", f"{row.get('count', '')!r} is not a whole number")
                continue
            cell = (attendee, row.get("age_band", ""), row.get("sex", ""))
            problems.extend(count_problems({cell: count}, file_name, line))
            if cell in entry.count_lines:
                fail("count", f"this count is also given on line {entry.count_lines[cell]}")
            if len(problems) == before:
                entry.counts[cell] = count
                entry.count_lines[cell] = line
        else:
            fail("attendee", f"{row.get('attendee', '')!r} is not one of professional, {', '.join(counted)}")
    if not found and not problems:
        problems.append(Problem(file_name, "the file has no attendance rows"))
    if problems:
        raise InputRejected(problems)
    return found, summary


def _check_consistent(row: dict, first: dict, line: int, first_line: int, file_name: str,
                      problems: list[Problem]) -> None:
    """Every row of a session gives the same session details (or leaves them blank)."""
    for column in SESSION_COLUMNS:
        if row.get(column) and first.get(column) and row[column] != first[column]:
            problems.append(Problem(file_name, f"{row[column]!r} differs from {first[column]!r} on line {first_line} "
                                    "for the same session", line=line, column=column))


def _check_same_session(session: Session, row: dict, line: int, file_name: str, problems: list[Problem]) -> None:
    """A row naming a recorded session may repeat its date and course, but not change them."""
    if row.get("date") and row["date"] != session.date.isoformat():
        problems.append(Problem(file_name, f"session {session.reference} was held on {session.date}, not "
                                f"{row['date']}", line=line, column="date"))
    if row.get("course") and row["course"] != (session.course.code if session.course else ""):
        problems.append(Problem(file_name, f"session {session.reference} is not of course {row['course']!r}",
                                line=line, column="course"))


def _write(actor: object, found: dict[str, _SessionRows], source: str, summary: ImportSummary) -> None:
    """Land the parsed file: new sessions, attendances and counts in bulk; existing sessions cell by cell."""
    new = [entry for entry in found.values() if entry.session is None]
    for entry, session in zip(new, Session.objects.bulk_create([new_session(e.details, actor, source) for e in new],
                                                               batch_size=500), strict=True):
        entry.session = session
    summary.sessions_created = len(new)
    fresh = {id(entry) for entry in new}
    rows, counts, repeated = [], [], 0
    for entry in found.values():
        people = [person for _, person in entry.people]
        repeated += len(people) - len({p.person_key() for p in people})
        rows += attendance_rows(entry.session, people, is_new=id(entry) in fresh)
        if id(entry) in fresh:
            counts += [ParticipantCount(session=entry.session, audience=a, age_band=b, sex=s, count=n)
                       for (a, b, s), n in entry.counts.items() if n]
            summary.counts_changed += sum(1 for n in entry.counts.values() if n)
        else:
            summary.counts_changed += set_counts(entry.session, entry.counts)
    ProfessionalAttendance.objects.bulk_create(rows, batch_size=500)
    ParticipantCount.objects.bulk_create(counts, batch_size=500)
    summary.professionals_added = len(rows)
    if repeated:
        summary.notes.append(f"{repeated} rows repeated a person already listed for the same session (counted once)")


def import_attendance(actor: object, upload: Path | bytes, file_name: str, file_format: str = "csv",
                      session: Session | None = None, checked_in_only: bool = False) -> ImportSummary:
    """Import an attendance file (a path or its bytes), all or nothing; see the module docstring."""
    if file_format not in FORMATS:
        raise InputRejected([Problem(file_name, f"the format is one of {', '.join(FORMATS)}")])
    if isinstance(upload, Path):
        checksum, raw = sha256_of(upload), upload.read_bytes()
    else:
        import hashlib

        checksum, raw = hashlib.sha256(upload).hexdigest(), upload
    reference = session.reference if session is not None else ""
    earlier = ImportBatch.objects.filter(checksum=checksum, file_format=file_format,
                                         session_reference=reference).first()
    if earlier is not None:
        return ImportSummary(file_name, already_imported=earlier)
    text = decode(raw, file_name)
    if file_format == "eventbrite":
        if session is not None and not organisations_for(actor).filter(pk=session.organisation_id).exists():
            raise InputRejected([Problem(file_name, f"{session.reference} is not a session you may record for")])
        scope = {} if session is not None else {
            s.eventbrite_event_id: s for s in Session.objects.filter(organisation__in=organisations_for(actor))
            .exclude(eventbrite_event_id="")}
        found, summary = read_eventbrite(text, file_name, session, scope, checked_in_only)
        source = Session.Source.EVENTBRITE
    else:
        found, summary = read_plain(text, file_name, actor)
        source = Session.Source.CSV
    with transaction.atomic():
        _write(actor, found, source, summary)
        batch = ImportBatch.objects.create(
            file_name=file_name[:255], checksum=checksum, file_format=file_format, session_reference=reference,
            rows_read=summary.rows_read, rows_skipped=summary.rows_skipped, sessions_created=summary.sessions_created,
            professionals_added=summary.professionals_added, counts_changed=summary.counts_changed,
            actor_label=(actor if isinstance(actor, str) else getattr(actor, "username", "system"))[:150])
        audit.record(actor, "import", batch, changes={"summary": str(summary)})
    return summary
