"""Writing who pays: a funder, or a funding programme, added on the commissioners' manage page."""

from django.db import transaction

from commissioning.models import Funder, Programme
from core import audit
from core.audit import Actor


@transaction.atomic
def add_funder_or_programme(actor: Actor, record: Funder | Programme) -> Funder | Programme:
    """Save a new funder or programme (validated by its form) and audit it."""
    record.save()
    audit.record(actor, "create", record)
    return record
