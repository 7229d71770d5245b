"""Events: saved through here, in a transaction with the audit entry."""

from django.core.exceptions import ValidationError
from django.db import transaction

from core import audit
from core.problems import InputRejected, Problem
from engagement.models import Event


@transaction.atomic
def save_event(actor: object, event: Event) -> Event:
    """Check and save a new or changed event (themes must be the platform's themes, places ONS codes)."""
    created = event.pk is None
    try:
        event.full_clean()
    except ValidationError as exc:
        raise InputRejected([Problem("event", message, column=name) for name, messages in
                             exc.message_dict.items() for message in messages]) from exc
    event.save()
    audit.record(actor, "create" if created else "update", event)
    return event
