"""The coordinator dashboard's figures: open incidents, overdue actions, response times, counts.

Response time to a protocol step is from the incident to the first completion of that step's actions.
Medians and 90th percentiles use the linear interpolation of Hyndman & Fan (1996) type 7 (numpy's default).
"""

from collections import defaultdict
from datetime import date, datetime

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone

from incidents.models import Action, Incident


def overdue_actions(incidents: QuerySet[Incident], now: datetime) -> QuerySet[Action]:
    return Action.objects.filter(incident__in=incidents, due_at__lt=now,
                                 status__in=[Action.Status.OPEN, Action.Status.IN_PROGRESS]
                                 ).select_related("incident", "organisation")


def in_period(incidents: QuerySet[Incident], first: date, last: date) -> QuerySet[Incident]:
    """Incidents that happened from ``first`` to ``last`` (local dates, inclusive)."""
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(last, datetime.max.time()))
    return incidents.filter(occurred_at__gte=start, occurred_at__lte=end)


def response_times(incidents: QuerySet[Incident]) -> list[dict]:
    """Per protocol step (and "first contact"): incidents measured, median and 90th percentile hours."""
    hours: dict[tuple[int, str], list[float]] = defaultdict(list)
    first_contact: list[float] = []
    completions: dict[tuple[int, int], datetime] = {}
    steps: dict[int, tuple[int, str, bool]] = {}
    actions = Action.objects.filter(incident__in=incidents, completed_at__isnull=False, step__isnull=False
                                    ).select_related("step", "incident")
    occurred = {}
    for action in actions:
        key = (action.incident_id, action.step_id)
        if key not in completions or action.completed_at < completions[key]:
            completions[key] = action.completed_at
        steps[action.step_id] = (action.step.order, action.step.title, action.step.is_first_contact)
        occurred[action.incident_id] = action.incident.occurred_at
    contact: dict[int, float] = {}
    for (incident_id, step_id), done in completions.items():
        elapsed = (done - occurred[incident_id]).total_seconds() / 3600
        order, title, is_first = steps[step_id]
        hours[(order, title)].append(elapsed)
        if is_first:
            contact[incident_id] = min(contact.get(incident_id, elapsed), elapsed)
    first_contact = list(contact.values())
    rows = [_row("Time to first contact", first_contact)] if first_contact else []
    rows += [_row(title, values) for (_, title), values in sorted(hours.items())]
    return rows


def _row(label: str, values: list[float]) -> dict:
    return {"step": label, "incidents": len(values), "median_hours": round(float(np.median(values)), 1),
            "p90_hours": round(float(np.percentile(values, 90)), 1)}


def counts_by_month(incidents: QuerySet[Incident]) -> list[dict]:
    """Incidents responded to (a response started) and all incidents, by local month."""
    months: dict[str, dict[str, int]] = defaultdict(lambda: {"incidents": 0, "responded_to": 0})
    responded = set(Action.objects.filter(incident__in=incidents, step__isnull=False)
                    .values_list("incident_id", flat=True))
    for incident in incidents.only("id", "occurred_at"):
        month = timezone.localtime(incident.occurred_at).strftime("%Y-%m")
        months[month]["incidents"] += 1
        months[month]["responded_to"] += incident.pk in responded
    return [{"month": m, **v} for m, v in sorted(months.items())]


def by_area(incidents: QuerySet[Incident]) -> list[dict]:
    """Incidents per local authority (from their LSOA), for the restricted map and table."""
    from insights.query.areas import area_names, area_tables

    _, lsoa21 = area_tables()
    table = lsoa21.to_pydict()
    lad_of = dict(zip(table["lsoa21_code"], table["lad_code"], strict=True))
    counts: dict[str, int] = defaultdict(int)
    for code in incidents.values_list("lsoa_code", flat=True):
        counts[lad_of.get(code) or ""] += 1
    names = area_names([c for c in counts if c])
    return [{"lad": code, "name": names.get(code, "Not located") if code else "Not located", "incidents": n}
            for code, n in sorted(counts.items(), key=lambda kv: -kv[1])]
