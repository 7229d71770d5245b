"""Who may see and record which sessions, events and networks.

Facilitators are not a role of their own: a facilitator records sessions as a user of the delivering
organisation. Providers and partners (a partnership's own facilitators are partner users of the
partnership's organisation) record and see their own organisation's sessions and events only; another
organisation's answer 404, so their existence is not revealed. Commissioners and administrators (the VRP's
staff) record for any organisation; analysts read everything. Training figures for the region, feedback
and networks are for commissioners, analysts and administrators.
"""

from django.db.models import QuerySet

from core.access import role_of
from core.models import Organisation
from core.roles import (
    ANALYSTS_AND_COMMISSIONERS,
    COMMISSIONERS,
    PROVIDERS_PARTNERS_AND_COMMISSIONERS,
    SCOPED_ROLES,
)
from engagement.models import Event, Session

# Who may do what is read in core.roles: PROVIDERS_PARTNERS_AND_COMMISSIONERS record sessions, import attendance
# and enter feedback; PROVIDERS_PARTNERS_ANALYSTS_AND_COMMISSIONERS see sessions and events (scoped for providers
# and partners); COMMISSIONERS record for any organisation and manage events and networks;
# ANALYSTS_AND_COMMISSIONERS see the region-wide training figures, feedback and networks (not disclosure-controlled:
# not for publication).


def sees_everything(user: object) -> bool:
    return role_of(user) in ANALYSTS_AND_COMMISSIONERS


def _own_organisation_id(user: object) -> int | None:
    return getattr(user, "organisation_id", None) if role_of(user) in SCOPED_ROLES else None


def sessions_in_scope(user: object) -> QuerySet[Session]:
    """The sessions ``user`` may see: all for VRP staff and analysts, their organisation's for providers
    and partners, none otherwise (filtered in the query, never after it)."""
    sessions = Session.objects.select_related("course", "event", "organisation", "project", "facilitator_team")
    if sees_everything(user):
        return sessions
    organisation_id = _own_organisation_id(user)
    return sessions.filter(organisation_id=organisation_id) if organisation_id else sessions.none()


def events_in_scope(user: object) -> QuerySet[Event]:
    events = Event.objects.select_related("organisation")
    if sees_everything(user):
        return events
    organisation_id = _own_organisation_id(user)
    return events.filter(organisation_id=organisation_id) if organisation_id else events.none()


def organisations_for(user: object) -> QuerySet[Organisation]:
    """The organisations ``user`` may record sessions and events for (all, for the command line, which runs
    as the platform's operator and names itself by a string such as ``"cli:events"``)."""
    if isinstance(user, str):
        return Organisation.objects.all()
    role = role_of(user)
    if role in COMMISSIONERS:
        return Organisation.objects.all()
    organisation_id = _own_organisation_id(user)
    if role in PROVIDERS_PARTNERS_AND_COMMISSIONERS and organisation_id:
        return Organisation.objects.filter(pk=organisation_id)
    return Organisation.objects.none()


def may_record_for(user: object, organisation: Organisation) -> bool:
    return organisations_for(user).filter(pk=organisation.pk).exists()


def may_edit(user: object, session: Session) -> bool:
    return role_of(user) in PROVIDERS_PARTNERS_AND_COMMISSIONERS and may_record_for(user, session.organisation)
