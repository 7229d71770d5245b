"""The strategy's writes and who sees what.

Every change goes through a function here, in one transaction with its audit entry. Who sees what:
commissioners, analysts, incident coordinators and administrators see every commitment and action; a partner
sees its own organisation's commitments and board actions only; everyone else none (the public strategy page
shows published strategies through ``strategy.services.public``).
"""

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from core import audit
from core.access import role_of
from core.actions import apply_changes, owner_emails
from core.actions import notify_overdue as notify_overdue_actions
from core.models import Organisation
from core.problems import InputRejected, Problem
from core.roles import COMMISSIONERS, STAFF, Role
from incidents.services.identifiers import identifiers_in
from strategy.models import (
    Attendance,
    Board,
    BoardAction,
    Commitment,
    Consultation,
    Decision,
    Idea,
    Measure,
    Meeting,
    Priority,
    Strategy,
    Update,
)
from strategy.services.figures import FIGURES, OPEN, Reading, describe, months_in, read_figure
from strategy.services.status import Status, commitment_status, measure_status


def _is_person(user: object) -> bool:
    """Whether ``user`` is a person (a signed-in or anonymous user), not a text actor such as "cli"."""
    return user is None or hasattr(user, "is_authenticated")


def may_manage(user: object) -> bool:
    """Commissioners (and administrators) manage the strategy; a text actor ("cli") is no one's role."""
    return _is_person(user) and role_of(user) in COMMISSIONERS


def visible_commitments(user: object) -> QuerySet[Commitment]:
    """Every commitment for the partnership's staff roles; a partner's own organisation's; otherwise none."""
    commitments = Commitment.objects.select_related("priority__strategy", "owner")
    role = role_of(user)
    if role in STAFF:
        return commitments
    if role is Role.PARTNER and getattr(user, "organisation_id", None):
        return commitments.filter(owner_id=user.organisation_id)
    return commitments.none()


def visible_board_actions(user: object) -> QuerySet[BoardAction]:
    actions = BoardAction.objects.select_related("meeting__board", "organisation")
    role = role_of(user)
    if role in STAFF:
        return actions
    if role is Role.PARTNER and getattr(user, "organisation_id", None):
        return actions.filter(organisation_id=user.organisation_id)
    return actions.none()


def named_commitments(user: object, commitments: list[Commitment]) -> list[dict]:
    """The commitments (an idea's answer, a decision's subject) this user may see named: their own (linked) and
    those of published strategies (public anyway, named without a link); another organisation's commitment in
    an unpublished strategy is left out, as the commitment's own page answers 404."""
    visible = set(visible_commitments(user).filter(pk__in=[c.pk for c in commitments]).values_list("pk", flat=True))
    return [{"commitment": c, "link": c.pk in visible} for c in commitments
            if c.pk in visible or c.priority.strategy.is_published]


def follow_up_titles_seen(user: object, actions: list) -> set[int]:
    """The incident actions among ``actions`` whose title ``user`` may see, by the incidents' own rules
    (``incidents.services.response``): coordinators every one; otherwise those of an incident the user's
    organisation is invited to that the organisation owns. An action's title can say what happened."""
    from incidents.services.response import is_coordinator, visible_actions, visible_incidents

    if not _is_person(user):
        return set()
    if is_coordinator(user):
        return {a.pk for a in actions}
    seen: set[int] = set()
    for incident in visible_incidents(user).filter(pk__in={a.incident_id for a in actions}):
        seen.update(visible_actions(user, incident).filter(pk__in=[a.pk for a in actions])
                    .values_list("pk", flat=True))
    return seen


def follow_up_label(action: object, title_seen: bool) -> str:
    """How a follow-up is named to someone: its title where they may see it, else its owner, status and due date."""
    if title_seen:
        return action.title
    owner = action.organisation.name if action.organisation_id else "unassigned"
    return (f"Work from an incident response ({owner}, {action.get_status_display().lower()}, "
            f"due {timezone.localtime(action.due_at):%d %B %Y})")


def follow_ups_shown(user: object, commitment: Commitment) -> list[dict]:
    """The incident follow-up work linked to a commitment, each with its title only where the incidents' own
    rules let this user see that action (``follow_up_titles_seen``); otherwise its owner and status alone."""
    actions = list(commitment.incident_follow_ups.select_related("organisation", "incident"))
    seen = follow_up_titles_seen(user, actions)
    return [{"action": a, "title": a.title if a.pk in seen else ""} for a in actions]


def may_update(user: object, commitment: Commitment) -> bool:
    """Owners (the owning organisation's partners) and managers add narrative updates; a text actor cannot."""
    if not _is_person(user):
        return False
    return may_manage(user) or (role_of(user) is Role.PARTNER and user.organisation_id == commitment.owner_id)


def check_text(fields: dict[str, str], where: str = "form") -> None:
    """Refuse text holding obvious identifiers (names with titles, phone numbers, emails, postcodes)."""
    problems = [Problem(where, f"remove {found}: the strategy holds no names or contact details", column=name)
                for name, text in fields.items() for found in identifiers_in(text or "")]
    if problems:
        raise InputRejected(problems)


@transaction.atomic
def save_strategy(actor: object, strategy: Strategy) -> Strategy:
    created = strategy.pk is None
    strategy.full_clean()
    strategy.save()
    audit.record(actor, "create" if created else "update", strategy)
    return strategy


@transaction.atomic
def add_priority(actor: object, strategy: Strategy, title: str, description: str = "",
                 sna_findings: list[str] | None = None) -> Priority:
    priority = Priority.objects.create(strategy=strategy, title=title, description=description,
                                       order=strategy.priorities.count() + 1,
                                       sna_findings=[f.strip() for f in sna_findings or [] if f.strip()])
    audit.record(actor, "create", priority)
    return priority


@transaction.atomic
def add_commitment(actor: object, priority: Priority, title: str, owner: Organisation, due_date: date,
                   description: str = "", links: dict | None = None) -> Commitment:
    """A commitment with its links: ``links`` maps projects, school_plans, incident_follow_ups and evidence to
    objects (incident links must be follow-up work)."""
    check_text({"title": title, "description": description})
    commitment = Commitment.objects.create(priority=priority, title=title, owner=owner, due_date=due_date,
                                           description=description)
    _set_links(commitment, links or {})
    audit.record(actor, "create", commitment, summary=f"{title} ({owner.name})")
    return commitment


def _set_links(commitment: Commitment, links: dict) -> None:
    follow_ups = list(links.get("incident_follow_ups") or [])
    if any(not a.is_follow_up for a in follow_ups):
        raise InputRejected([Problem("form", "link incident follow-up work only", column="incident_follow_ups")])
    for name in ("projects", "school_plans", "incident_follow_ups", "evidence"):
        if name in links:
            getattr(commitment, name).set(links[name] or [])


@transaction.atomic
def update_links(actor: object, commitment: Commitment, links: dict) -> Commitment:
    """Set what delivers a commitment (the kinds named in ``links``), audited with the links before and after."""
    before = {k: ", ".join(str(o) for o in getattr(commitment, k).all()) for k in links}
    _set_links(commitment, links)
    audit.record(actor, "update", commitment, summary=f"links of {commitment.title}",
                 changes={k: [before[k], ", ".join(str(o) for o in v)] for k, v in links.items()})
    return commitment


@transaction.atomic
def add_measure(actor: object, commitment: Commitment, measure: Measure) -> Measure:
    """Add a measure (validated: a known figure, months in order, a subject where the figure needs one)."""
    _refuse_withdrawn(Commitment.objects.get(pk=commitment.pk), "commitment")  # as held, not as passed
    measure.commitment = commitment
    _check_measure(measure)
    measure.full_clean()
    measure.save()
    audit.record(actor, "create", measure, summary=f"{commitment.title}: {FIGURES[measure.figure].label}")
    return measure


def _check_measure(measure: Measure) -> None:
    """Refuse a measure of an unknown figure, without the subject its figure needs, with a negative target or
    an area outside the region, naming each field."""
    spec = FIGURES.get(measure.figure)
    problems = []
    if spec is None:
        problems.append(Problem("form", f"{measure.figure!r} is not a figure", column="figure"))
    elif spec.subject == "outcome" and not measure.subject.isdecimal():
        problems.append(Problem("form", "choose the outcome measure this follows", column="subject"))
    elif spec.subject == "success":
        from partners.services.success import MEASURES

        if measure.subject not in {m.key for m in MEASURES}:
            problems.append(Problem("form", "choose the success measure this follows", column="subject"))
    if measure.target is not None and measure.target < 0:
        problems.append(Problem("form", "a target is a count or rate of 0 or more", column="target"))
    if measure.area_code:
        problem = _area_problem(measure.area_code)
        if problem:
            problems.append(Problem("form", problem, column="area_code"))
    if problems:
        raise InputRejected(problems)


# Editing and withdrawing ----------------------------------------------------------------------------------------

#: What an edit may change: a commitment's words, owner and due date (its links: ``update_links``); a measure's
#: figure, area, periods, target and direction.
COMMITMENT_FIELDS = ("title", "description", "owner", "due_date")
MEASURE_FIELDS = ("figure", "subject", "area_code", "baseline_from", "baseline_to", "period_from", "period_to",
                  "target", "direction")


def _snapshot(record: Commitment | Measure, fields: tuple[str, ...]) -> dict[str, str]:
    """The fields as the audit log keeps them: text ("" for none; an organisation by its name)."""
    values = {name: getattr(record, name) for name in fields}
    return {name: "" if value is None else str(value) for name, value in values.items()}


def _refuse_withdrawn(record: Commitment | Measure, kind: str) -> None:
    """Refuse to change a withdrawn commitment or measure, or a measure of a withdrawn commitment."""
    if record.withdrawn_at is not None:
        raise InputRejected([Problem("form", f"this {kind} was withdrawn on "
                                     f"{timezone.localtime(record.withdrawn_at):%d %B %Y} and is kept as it was")])
    if isinstance(record, Measure):
        _refuse_withdrawn(record.commitment, "commitment")


@transaction.atomic
def edit_commitment(actor: object, commitment: Commitment, changes: dict) -> Commitment:
    """Change a commitment's title, description, owner or due date (``COMMITMENT_FIELDS``), audited with each
    changed field before and after. A withdrawn commitment is not changed."""
    unknown = set(changes) - set(COMMITMENT_FIELDS)
    if unknown:
        raise ValueError(f"a commitment's {', '.join(sorted(unknown))} is not changed here")
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    _refuse_withdrawn(commitment, "commitment")
    check_text({k: changes[k] for k in ("title", "description") if k in changes})
    return _save_changes(actor, commitment, COMMITMENT_FIELDS, changes,
                         lambda: f"{commitment.title} ({commitment.owner.name})")


@transaction.atomic
def withdraw_commitment(actor: object, commitment: Commitment, reason: str) -> Commitment:
    """Withdraw a commitment: kept with when and why, left out of the public strategy and every status roll-up
    (the strategy page, the progress download, the annex); audited before and after."""
    commitment = Commitment.objects.select_for_update().get(pk=commitment.pk)
    return _withdraw(actor, commitment, reason, "commitment")


@transaction.atomic
def edit_measure(actor: object, measure: Measure) -> Measure:
    """Save a changed measure (``measure`` carries the new values of ``MEASURE_FIELDS``), validated as a new
    one is, audited with each changed field before and after. A withdrawn measure is not changed."""
    held = Measure.objects.select_for_update().get(pk=measure.pk)
    _refuse_withdrawn(held, "measure")
    _check_measure(measure)
    return _save_changes(actor, held, MEASURE_FIELDS, {name: getattr(measure, name) for name in MEASURE_FIELDS},
                         lambda: f"{held.commitment.title}: {FIGURES[held.figure].label}")


def _save_changes(actor: object, record: Any, fields: tuple[str, ...] | list[str], changes: dict,
                  summary: Callable[[], str]) -> Any:
    """Set ``changes`` on ``record``, validate and save it, and audit each changed field before and after
    (``summary`` names the record as changed)."""
    before = _snapshot(record, fields)
    for name, value in changes.items():
        setattr(record, name, value)
    record.full_clean()
    record.save()
    changed = audit.model_changes(before, _snapshot(record, fields))
    if changed:
        audit.record(actor, "update", record, summary=summary(), changes=changed)
    return record


@transaction.atomic
def withdraw_measure(actor: object, measure: Measure, reason: str) -> Measure:
    """Withdraw a measure: kept with when and why; its commitment's status and the public page leave it out."""
    measure = Measure.objects.select_for_update().get(pk=measure.pk)
    return _withdraw(actor, measure, reason, "measure")


def _withdraw(actor: object, record: Commitment | Measure, reason: str, kind: str) -> Commitment | Measure:
    _refuse_withdrawn(record, kind)
    if not reason.strip():
        raise InputRejected([Problem("form", f"say why the {kind} is withdrawn", column="reason")])
    check_text({"reason": reason})
    fields = ("withdrawn_at", "withdrawn_reason")
    before = _snapshot(record, fields)
    record.withdrawn_at, record.withdrawn_reason = timezone.now(), reason.strip()
    record.save(update_fields=list(fields))
    audit.record(actor, "withdraw", record, summary=f"withdrawn: {record}"[:300],
                 changes=audit.model_changes(before, _snapshot(record, fields)))
    return record


def _area_problem(code: str) -> str:
    """Why a measure cannot follow ``code`` (not an ONS code; not in the region), or "" when it can."""
    from core.region import current_region
    from geography.codes import level_of
    from insights.query.areas import local_authority_of

    level = level_of(code)
    if level not in ("lad", "ward", "msoa", "lsoa"):
        return (f"{code!r} is not the ONS code of a local authority, ward, MSOA or LSOA (e.g. E08000025; blank for "
                "the region)")
    lads = set(current_region().lad_codes)
    lad = code if level == "lad" else local_authority_of(code)
    if lads and lad not in lads:
        return f"{code} is not an area of the region's local authorities"
    return ""


@transaction.atomic
def add_update(actor: object, commitment: Commitment, text: str) -> Update:
    """An owner's narrative update (owners and managers only, signed in: an update says who wrote it)."""
    if not _is_person(actor):
        raise InputRejected([Problem("update", f"an update is written by a signed-in person (the owning "
                                     f"organisation or a commissioner), not by {actor!r}")])
    if not may_update(actor, commitment):
        raise InputRejected([Problem("update", "only the owning organisation or a commissioner can add updates")])
    if not text.strip():
        raise InputRejected([Problem("update", "write the update", column="text")])
    check_text({"text": text})
    user = actor if getattr(actor, "pk", None) else None
    update = Update.objects.create(commitment=commitment, author=user, text=text.strip(),
                                   author_label=user.get_username() if user else str(actor),
                                   organisation=getattr(user, "organisation", None))
    audit.record(actor, "create", update, summary=f"update on {commitment.title}")
    return update


# Governance ---------------------------------------------------------------------------------------------------


@transaction.atomic
def save_board(actor: object, board: Board, members: list[Organisation] | None = None) -> Board:
    created = board.pk is None
    board.full_clean()
    board.save()
    if members is not None:
        board.members.set(members)
    audit.record(actor, "create" if created else "update", board)
    return board


@transaction.atomic
def record_meeting(actor: object, board: Board, held_on: date, summary: str = "",
                   attendance: dict[Organisation, int] | None = None) -> Meeting:
    """A meeting with attendance by organisation: each member present with its number of people (0 = absent)."""
    check_text({"summary": summary})
    if board.meetings.filter(held_on=held_on).exists():
        raise InputRejected([Problem("form", f"{board.name} already has a meeting on {held_on}", column="held_on")])
    meeting = Meeting.objects.create(board=board, held_on=held_on, summary=summary)
    people = attendance or {}
    for organisation in board.members.all():
        count = int(people.get(organisation, 0))
        Attendance.objects.create(meeting=meeting, organisation=organisation, present=count > 0, people=count)
    audit.record(actor, "create", meeting)
    return meeting


@transaction.atomic
def add_decision(actor: object, meeting: Meeting, text: str, commitment: Commitment | None = None) -> Decision:
    check_text({"text": text})
    decision = Decision.objects.create(meeting=meeting, text=text.strip(), commitment=commitment)
    audit.record(actor, "create", decision, summary=f"{meeting}: {text[:200]}")
    return decision


@transaction.atomic
def add_board_action(actor: object, meeting: Meeting, title: str, organisation: Organisation | None,
                     due: datetime, decision: Decision | None = None) -> BoardAction:
    check_text({"title": title})
    action = BoardAction.objects.create(meeting=meeting, title=title, organisation=organisation, due_at=due,
                                        decision=decision)
    audit.record(actor, "create", action, summary=f"{meeting}: {title}")
    notify_assigned(action)
    return action


@transaction.atomic
def update_board_action(actor: object, action: BoardAction, changes: dict) -> BoardAction:
    """Status, notes and evidence (the owner or a manager); owner, due time and title (managers)."""
    check_text({k: v for k, v in changes.items() if k in ("notes", "completion_evidence", "title")
                and isinstance(v, str)})
    before, reassigned = apply_changes(action, changes, may_manage(actor), "a commissioner")
    audit.record(actor, "update", action, changes={k: [before[k], str(getattr(action, k))] for k in changes})
    if reassigned:
        notify_assigned(action)
    return action


def notify_assigned(action: BoardAction) -> int:
    """Email the owning organisation's users that a board action is theirs (when the transaction commits)."""
    recipients = owner_emails(action.organisation)
    if not recipients:
        return 0
    subject = f"[{action.meeting.board.name}] Action for {action.organisation.name}: {action.title}"
    body = (f"Your organisation has an action from the {action.meeting}:\n\n{action.title}\n"
            f"Due: {timezone.localtime(action.due_at):%A %d %B %Y, %H:%M}\n\n"
            "Sign in to the VRP Platform to see it and update it.")
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients))
    return len(recipients)


def notify_overdue(now: datetime) -> int:
    """Email owners of overdue board actions once each (``core.actions``); returns how many were notified."""
    return notify_overdue_actions(BoardAction.objects.select_related("meeting__board", "organisation"), now,
                                  lambda a: f"[{a.meeting.board.name}] Overdue: {a.title}")


# Community voice ----------------------------------------------------------------------------------------------


@transaction.atomic
def save_consultation(actor: object, consultation: Consultation) -> Consultation:
    created = consultation.pk is None
    consultation.full_clean()
    consultation.save()
    audit.record(actor, "create" if created else "update", consultation)
    return consultation


@transaction.atomic
def add_idea(actor: object, consultation: Consultation, text: str, raised_by: int = 1, response: str = "",
             commitments: list[Commitment] | None = None) -> Idea:
    """"You said" (an idea, how many raised it) and "we did" (the response and the commitments answering it)."""
    check_text({"text": text, "response": response})
    total = consultation.total_participants
    if raised_by < 1 or (total and raised_by > total):
        raise InputRejected([Problem("form", f"how many raised it is a count from 1 to the {total} who took part"
                                     if total else "how many raised it is a count of 1 or more", column="raised_by")])
    idea = Idea.objects.create(consultation=consultation, text=text.strip(), raised_by=raised_by,
                               response=response.strip())
    idea.commitments.set(commitments or [])
    audit.record(actor, "create", idea, summary=f"{consultation}: {text[:200]}")
    return idea


# Progress -----------------------------------------------------------------------------------------------------


def reads_in_full(viewer: object, measure: Measure) -> bool:
    """Whether ``viewer`` sees this measure's figure in full, by the platform's one rule
    (``insights.query.access.entitled_for``): open figures for everyone; controlled ones for analysts,
    commissioners, coordinators and administrators, and for a partner in an area of its organisation (or within
    one); everyone else, and a partner elsewhere (the region), as the public does: the public release."""
    from insights.query.access import entitled_for
    from insights.query.figures import FigureQuery

    if FIGURES[measure.figure].disclosure == OPEN:
        return True
    return entitled_for(viewer)(FigureQuery("ed", area=measure.area_code or None))


def measure_progress(measure: Measure, today: date | None = None, public: bool = False,
                     viewer: object | None = None) -> tuple[Reading, Status]:
    """The measure's reading for its period and its computed status; ``public`` reads controlled figures as
    the public see them (the public release), so the status shown to the public is computed from the same
    published value. Given a ``viewer``, it reads as that viewer may see it (``reads_in_full``)."""
    from monitoring.services.periods import _add_months

    if viewer is not None and not reads_in_full(viewer, measure):
        public = True
    today = today or timezone.localdate()
    spec = FIGURES[measure.figure]
    area = measure.area_code or None
    current = read_figure(measure.figure, area, measure.period_from, measure.period_to, measure.subject, today,
                          public)
    baseline = read_figure(measure.figure, area, measure.baseline_from, measure.baseline_to, measure.subject, today,
                           public)
    end_month = measure.period_to
    period_end = date.fromordinal(_add_months(date(int(end_month[:4]), int(end_month[5:7]), 1), 1).toordinal() - 1)
    status = measure_status(
        value=current.value, coverage=current.coverage, target=measure.target, direction=measure.direction,
        # A baseline with months missing stands for the months it covers only.
        baseline=baseline.value,
        baseline_months=len(months_in(measure.baseline_from, measure.baseline_to)) * baseline.coverage,
        period_months=len(months_in(measure.period_from, measure.period_to)), period_end=period_end, today=today,
        unit=spec.unit, returns_missing=current.returns_missing, note=current.note)
    return current, status


def commitment_progress(commitment: Commitment, today: date | None = None,
                        viewer: object | None = None) -> dict:
    """The commitment's current measures (withdrawn ones left out) with their readings and statuses, and its own
    status, as ``viewer`` may see them (in full when None: the partnership's own annex)."""
    from insights.query.areas import area_names

    measures = list(commitment.measures.current())
    names = area_names(sorted({m.area_code for m in measures if m.area_code}))
    rows = []
    for measure in measures:
        reading, status = measure_progress(measure, today, viewer=viewer)
        rows.append({"measure": measure, "figure": FIGURES[measure.figure], "reading": reading, "status": status,
                     "label": describe(measure.figure, measure.subject),
                     "area": names.get(measure.area_code, measure.area_code) if measure.area_code else "Region"})
    return {"commitment": commitment, "measures": rows,
            "status": commitment_status([r["status"] for r in rows])}
