"""The response to an incident: record it, invite partners, start the protocol, update actions, close it.

Every change goes through a function here, in one transaction with its timeline entry and audit entry.
Who may see an incident: incident coordinators and administrators see all; users of an invited
organisation see that incident and only their own organisation's actions, the timeline entries about them
and the incident-wide ones; nobody else learns it exists. The same rule picks who is emailed.
"""

from datetime import datetime, timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from core import audit
from core.access import Viewer, role_of
from core.actions import apply_changes
from core.actions import notify_overdue as notify_overdue_actions
from core.audit import Actor
from core.models import Organisation, User
from core.problems import InputRejected, Problem
from core.roles import COORDINATORS, SCOPED_ROLES
from incidents.models import Action, Incident, ProtocolStep, ResponseProtocol, TimelineEntry
from incidents.services.deadlines import due_at
from incidents.services.identifiers import identifiers_in


def is_coordinator(user: Viewer) -> bool:
    return role_of(user) in COORDINATORS


def visible_incidents(user: Viewer) -> QuerySet[Incident]:
    """Coordinators: every incident. Partners and providers: those their organisation is invited to."""
    role = role_of(user)
    if role in COORDINATORS:
        return Incident.objects.all()
    if role in SCOPED_ROLES and getattr(user, "organisation_id", None):
        return Incident.objects.filter(invited=user.organisation_id)
    return Incident.objects.none()


def visible_actions(user: Viewer, incident: Incident) -> QuerySet[Action]:
    actions = incident.actions.select_related("organisation")
    if is_coordinator(user):
        return actions
    organisation_id = getattr(user, "organisation_id", None)
    return actions.filter(organisation_id=organisation_id) if organisation_id else actions.none()


def visible_timeline(user: Viewer, incident: Incident) -> QuerySet[TimelineEntry]:
    """The incident's timeline as ``user`` may see it: coordinators all of it; an invited organisation's users
    the incident-wide entries and those whose audience is their organisation (filtered in the query)."""
    entries = incident.timeline.select_related("organisation", "audience_organisation")
    if is_coordinator(user):
        return entries
    shared = Q(audience=TimelineEntry.Audience.INCIDENT)
    organisation_id = getattr(user, "organisation_id", None)
    if organisation_id:
        shared |= Q(audience=TimelineEntry.Audience.ORGANISATION, audience_organisation_id=organisation_id)
    return entries.filter(shared)


def check_text(fields: dict[str, str], where: str = "form") -> None:
    """Refuse text holding obvious identifiers, naming the field and what was found."""
    problems = [Problem(where, f"remove {found}: incident records hold no names, addresses or contact details",
                        column=name) for name, text in fields.items() for found in identifiers_in(text)]
    if problems:
        raise InputRejected(problems)


#: Pass as ``audience`` to ``_entry`` for an entry everyone working on the incident sees.
EVERYONE_ON_INCIDENT = "everyone"


def _entry(incident: Incident, actor: Actor, kind: str, text: str,
           audience: Organisation | str | None) -> TimelineEntry:
    """Append an entry for ``audience``: ``EVERYONE_ON_INCIDENT``, or the coordinators and one organisation
    (None: the coordinators alone)."""
    user = actor if getattr(actor, "pk", None) else None
    shared = audience == EVERYONE_ON_INCIDENT
    return TimelineEntry.objects.create(
        incident=incident, actor=user, actor_label=user.get_username() if user else str(actor),
        organisation=getattr(user, "organisation", None), kind=kind, text=text,
        audience=TimelineEntry.Audience.INCIDENT if shared else TimelineEntry.Audience.ORGANISATION,
        audience_organisation=None if shared else audience)


def next_reference(occurred_at: datetime) -> str:
    year = timezone.localtime(occurred_at).year
    count = Incident.objects.filter(reference__startswith=f"INC-{year}-").count()
    return f"INC-{year}-{count + 1:04d}"


@transaction.atomic
def record_incident(actor: Actor, incident: Incident, schools: list | None = None) -> Incident:
    """Save a new incident (validated by its form), rounding the point to about 100 m."""
    check_text({"summary": incident.summary, "settings_affected": incident.settings_affected})
    if incident.latitude is not None and incident.longitude is not None:
        incident.latitude, incident.longitude = round(incident.latitude, 3), round(incident.longitude, 3)
        if not incident.lsoa_code:
            from geography.services.locate import lsoa_for_points

            found = lsoa_for_points([incident.longitude], [incident.latitude])
            incident.lsoa_code = (found or [None])[0] or ""
    incident.reference = incident.reference or next_reference(incident.occurred_at)
    incident.save()
    if schools:
        incident.schools.set(schools)
    _entry(incident, actor, TimelineEntry.Kind.CREATED, f"{incident.get_incident_type_display()} recorded "
           f"({incident.get_severity_display().lower()}).", EVERYONE_ON_INCIDENT)
    audit.record(actor, "create", incident)
    return incident


@transaction.atomic
def invite(actor: Actor, incident: Incident, organisation: Organisation) -> None:
    if incident.invited.filter(pk=organisation.pk).exists():
        return
    incident.invited.add(organisation)
    _entry(incident, actor, TimelineEntry.Kind.INVITATION, f"{organisation.name} invited.", EVERYONE_ON_INCIDENT)
    audit.record(actor, "invite", incident, summary=f"{incident.reference}: {organisation.name}")


def _owner(step: ProtocolStep, incident: Incident) -> Organisation | None:
    """The invited organisation of the step's kind, else any organisation of that kind for partnership steps."""
    invited = incident.invited.filter(kind=step.owner_kind).order_by("name").first()
    if invited or step.owner_kind != Organisation.Kind.PARTNERSHIP:
        return invited
    return Organisation.objects.filter(kind=Organisation.Kind.PARTNERSHIP).order_by("name").first()


@transaction.atomic
def start_response(actor: Actor, incident: Incident, protocol: ResponseProtocol) -> list[Action]:
    """Instantiate the protocol's steps as actions with their due times; each owner is told by email.

    A step whose kind of organisation is not invited is left unassigned for the coordinator to give out.
    """
    if incident.actions.filter(step__protocol=protocol).exists():
        raise InputRejected([Problem("response", f"the {protocol.name} protocol has already been started")])
    actions = []
    for step in protocol.steps.all():
        owner = _owner(step, incident)
        for index in range(step.repeat):
            title = step.title if step.repeat == 1 else f"{step.title} ({index + 1} of {step.repeat})"
            actions.append(Action.objects.create(
                incident=incident, step=step, title=title, organisation=owner,
                due_at=due_at(incident.occurred_at, step.due_after_hours, step.due_after_days, step.due_time,
                              index, step.repeat_every_days)))
    _entry(incident, actor, TimelineEntry.Kind.RESPONSE, f"{protocol.name} started: {len(actions)} actions.",
           EVERYONE_ON_INCIDENT)
    audit.record(actor, "start_response", incident, summary=f"{incident.reference}: {protocol.name}")
    for action in actions:
        notify_assigned(action)
    return actions


@transaction.atomic
def add_action(actor: Actor, incident: Incident, title: str, organisation: Organisation | None,
               due: datetime) -> Action:
    check_text({"title": title})
    action = Action.objects.create(incident=incident, title=title, organisation=organisation, due_at=due)
    _entry(incident, actor, TimelineEntry.Kind.ACTION, f"Action added: {title} "
           f"({organisation.name if organisation else 'unassigned'}, due {timezone.localtime(due):%d %b %H:%M}).",
           organisation)
    audit.record(actor, "create", action, summary=f"{incident.reference}: {title}")
    notify_assigned(action)
    return action


@transaction.atomic
def update_action(actor: Actor, action: Action, changes: dict) -> Action:
    """Change an action's status, notes, evidence (anyone who may see it); owner and due (coordinators)."""
    check_text({k: v for k, v in changes.items() if k in ("notes", "completion_evidence", "title")
                and isinstance(v, str)})
    before, reassigned = apply_changes(action, changes, is_coordinator(actor), "a coordinator")
    described = ", ".join(f"{k} {before[k]!s} → {getattr(action, k)!s}" for k in changes
                          if before[k] != str(getattr(action, k)) and k not in ("notes", "completion_evidence"))
    notes = " ".join(f"{label}: {changes[k]}" for k, label in (("notes", "Note"), ("completion_evidence",
                     "Evidence")) if changes.get(k))
    # An action's history is its owner's: seen by the coordinators and the owning organisation only.
    _entry(action.incident, actor, TimelineEntry.Kind.ACTION, f"{action.title}: {described or 'updated'}. {notes}"
           .strip(), action.organisation)
    audit.record(actor, "update", action, changes={k: [before[k], str(getattr(action, k))] for k in changes})
    if reassigned:
        notify_assigned(action)
    return action


@transaction.atomic
def add_note(actor: Actor, incident: Incident, kind: str, text: str,
             audience: str = TimelineEntry.Audience.INCIDENT) -> TimelineEntry:
    """An update or a meeting note on the timeline (append-only), for everyone working on the incident
    (``audience="incident"``) or for the coordinators and the writer's own organisation (``"organisation"``)."""
    if kind not in (TimelineEntry.Kind.UPDATE, TimelineEntry.Kind.MEETING):
        raise InputRejected([Problem("note", "a note is an update or a meeting note", column="kind")])
    if not text.strip():
        raise InputRejected([Problem("note", "write the note", column="text")])
    if audience not in TimelineEntry.Audience.values:
        raise InputRejected([Problem("note", f"{audience!r} is not an audience", column="audience")])
    check_text({"text": text})
    entry = _entry(incident, actor, kind, text.strip(), EVERYONE_ON_INCIDENT
                   if audience == TimelineEntry.Audience.INCIDENT else getattr(actor, "organisation", None))
    audit.record(actor, "note", incident, summary=f"{incident.reference}: {kind}")
    return entry


@transaction.atomic
def change_status(actor: Actor, incident: Incident, status: str, follow_up: str = "",
                  follow_up_owner: Organisation | None = None, follow_up_due: datetime | None = None,
                  create_plans: bool = False) -> Incident:
    """Move an incident to open, monitoring or closed. Closing can create follow-up work that stays open, and a
    prevention plan for this academic year for each school affected that has none."""
    if status not in Incident.Status.values:
        raise InputRejected([Problem("status", f"{status!r} is not a status", column="status")])
    check_text({"follow_up": follow_up})
    before = incident.status
    incident.status = status
    incident.closed_at = timezone.now() if status == Incident.Status.CLOSED else None
    incident.save()
    _entry(incident, actor, TimelineEntry.Kind.STATUS, f"Status {before} → {status}.", EVERYONE_ON_INCIDENT)
    audit.record(actor, "status", incident, changes={"status": [before, status]})
    if status == Incident.Status.CLOSED and follow_up.strip():
        action = Action.objects.create(incident=incident, title=follow_up.strip()[:200], organisation=follow_up_owner,
                                       due_at=follow_up_due or timezone.now() + timedelta(days=30),
                                       is_follow_up=True)
        _entry(incident, actor, TimelineEntry.Kind.ACTION, f"Follow-up work: {action.title}.", follow_up_owner)
        notify_assigned(action)
    if status == Incident.Status.CLOSED and create_plans:
        from places.models import PreventionPlan

        today = timezone.localdate()
        year = today.year if today.month >= 9 else today.year - 1  # the academic year starts in September
        for school in incident.schools.all():
            plan, created = PreventionPlan.objects.get_or_create(school=school, academic_year=year,
                                                                 defaults={"incident": incident})
            if created:
                _entry(incident, actor, TimelineEntry.Kind.ACTION, f"Prevention plan started for {school.name}.",
                       EVERYONE_ON_INCIDENT)
                audit.record(actor, "create", plan)
    return incident


def _recipients(action: Action) -> list[str]:
    """The email addresses of the owning organisation's users who may see the action: its coordinators and
    administrators, and its partners and providers once the organisation is invited to the incident (an
    analyst or commissioner of the organisation, or a user of one not invited, would learn of an incident
    the platform does not show them)."""
    organisation = action.organisation
    if organisation is None:
        return []
    roles = {role.value for role in COORDINATORS}
    if action.incident.invited.filter(pk=organisation.pk).exists():
        roles |= {role.value for role in SCOPED_ROLES}
    return list(User.objects.filter(organisation=organisation, is_active=True, role__in=roles).exclude(email="")
                .order_by("pk").values_list("email", flat=True))


def notify_assigned(action: Action) -> int:
    """Email the owning organisation's users that an action is theirs (sent when the transaction commits)."""
    recipients = _recipients(action)
    if not recipients:
        return 0
    due = timezone.localtime(action.due_at)
    subject = f"[{action.incident.reference}] Action for {action.organisation.name}: {action.title}"
    body = (f"Your organisation has an action in the response to incident {action.incident.reference}:\n\n"
            f"{action.title}\nDue: {due:%A %d %B %Y, %H:%M}\n\nSign in to the VRP Platform to see it and update it.")
    transaction.on_commit(lambda: send_mail(subject, body, None, recipients))
    return len(recipients)


def notify_overdue(now: datetime) -> int:
    """Email owners of overdue open actions once each; returns how many actions were notified."""
    return notify_overdue_actions(Action.objects.select_related("incident", "organisation"), now,
                                  lambda action: f"[{action.incident.reference}] Overdue: {action.title}",
                                  recipients=_recipients)
