"""The incidents app's source: serious violence incidents the partnership responded to, a controlled source.

The public see incident counts only through the public release (``core.release``): by year and month, for the
region and its local authorities, by type of incident. "Responded to" counts incidents with at least one action
on a protocol step.
"""

from core.release import ReleaseSpec
from core.sources import Source, register

MEASURES = {"incidents": "Serious violence incidents", "responded_to": "Incidents responded to"}


def _records() -> list[dict]:
    from django.utils import timezone

    from incidents.models import Action, Incident
    from insights.query.areas import local_authority_of

    responded = set(Action.objects.filter(step__isnull=False).values_list("incident_id", flat=True))
    records = []
    for incident in Incident.objects.only("id", "occurred_at", "lsoa_code", "incident_type"):
        month = timezone.localtime(incident.occurred_at).strftime("%Y-%m")
        lad = local_authority_of(incident.lsoa_code) if incident.lsoa_code else None
        kind = incident.get_incident_type_display()
        records.append({"measure": "incidents", "month": month, "lad": lad, "type": kind, "count": 1})
        records.append({"measure": "responded_to", "month": month, "lad": lad, "type": kind,
                        "count": int(incident.pk in responded)})
    return records


def _months() -> list[str]:
    """From the first incident's month to the current month: a month with no incident is a true zero."""
    from django.utils import timezone

    from core.periods import months_between
    from incidents.models import Incident

    first = Incident.objects.order_by("occurred_at").values_list("occurred_at", flat=True).first()
    if first is None:
        return []
    return months_between(timezone.localtime(first).strftime("%Y-%m"), timezone.localdate().strftime("%Y-%m"))


def _fingerprint() -> tuple:
    """Changes whenever an incident, an action on a protocol step, the geography or the current month (the
    months run to now) does: the columns ``_records`` and ``_months`` read, straight from the tables."""
    from core.release import rows_fingerprint, this_month
    from geography.services.manifest import geography_version
    from incidents.models import Action, Incident

    return (rows_fingerprint(Incident.objects.all(), "occurred_at", "lsoa_code", "incident_type"),
            rows_fingerprint(Action.objects.filter(step__isnull=False), "incident_id"),
            geography_version(), this_month())


register(Source("incidents", "Serious violence incidents (partnership response)", "the partnership's coordinators",
                release=ReleaseSpec(measures=MEASURES, breakdowns={"type": "Type of incident"}, records=_records,
                                    months=_months, fingerprint=_fingerprint,
                                    # Incidents responded to are at most the incidents: a reader knows it.
                                    at_most=(("responded_to", "incidents"),))))
