"""Removing professionals' names and emails once the retention period is over (``vrp events
remove-personal-data``, run daily from cron). The keyed hash, organisation, sector and role stay, so every
count is unchanged."""

from datetime import date

from django.db import transaction

from core import audit
from engagement.models import ProfessionalAttendance


@transaction.atomic
def remove_expired_personal_data(actor: object, today: date) -> int:
    """Blank the name and email of every attendance whose ``personal_data_until`` is before ``today``;
    returns how many were blanked (one audit entry for the run)."""
    expired = ProfessionalAttendance.objects.filter(personal_data_until__lt=today)
    removed = expired.update(name="", email="", personal_data_until=None)
    if removed:
        audit.record(actor, "remove_personal_data", object_type="engagement.ProfessionalAttendance",
                     summary=f"names and emails removed from {removed} attendances held before {today}",
                     changes={"attendances": removed, "today": today.isoformat()})
    return removed
