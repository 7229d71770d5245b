"""Synthetic incidents for the demo region: invented, pseudonymous, with responses at different stages."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from core.models import Organisation
from incidents.models import Action, Incident, ResponseProtocol
from incidents.services.response import change_status, invite, record_incident, start_response

LONDON = ZoneInfo("Europe/London")
PARTNERS = [("Synthetic Hillside Academy", "school"), ("Synthetic Demo Police", "police"),
            ("Synthetic City Council", "local_authority"), ("Synthetic Violence Reduction Partnership", "partnership")]
SCENES = [  # (days before the demo's "now", type, severity, summary, hours to first contact, closed)
    (200, "stabbing", "life_threatening", "A young person was injured near a school after the school day.", 1.5, True),
    (150, "assault", "serious", "A fight between groups of teenagers at a bus station.", 3.0, True),
    (90, "shooting", "serious", "Shots were fired at a house; no one was hit. Young people live nearby.", 5.0, False),
    (40, "stabbing", "serious", "A young man was injured in a park on a Saturday night.", 2.0, False),
    (6, "disorder", "no_injury", "Disorder involving secondary school pupils in a town centre.", None, False),
]


def add_incidents(actor: str, centre: tuple[float, float], now: datetime) -> int:
    """Record the synthetic incidents not yet there, invite the partners and start the protocol."""
    if Incident.objects.filter(summary=SCENES[0][3]).exists():
        return 0
    organisations = [Organisation.objects.get_or_create(name=name, defaults={"kind": kind})[0]
                     for name, kind in PARTNERS]
    protocol = ResponseProtocol.objects.filter(is_active=True).first()
    for n, (days, kind, severity, summary, contact_hours, closed) in enumerate(SCENES):
        occurred = (now - timedelta(days=days)).astimezone(LONDON).replace(hour=16 + n % 5, minute=10)
        incident = record_incident(actor, Incident(
            occurred_at=occurred, incident_type=kind, severity=severity, summary=summary, age_bands=["10_17"],
            latitude=centre[1] + 0.01 * (n - 2), longitude=centre[0] + 0.015 * (n - 2)))
        for organisation in organisations:
            invite(actor, incident, organisation)
        if protocol is None:
            continue
        start_response(actor, incident, protocol)
        if contact_hours is not None:
            for action in incident.actions.filter(due_at__lt=now):
                Action.objects.filter(pk=action.pk).update(
                    status="done", completed_at=min(action.due_at, occurred + timedelta(hours=contact_hours))
                    if action.step and action.step.is_first_contact else action.due_at - timedelta(hours=1))
        if closed:
            change_status(actor, incident, "closed", "Year-long prevention plan for the school", organisations[0])
    return len(SCENES)
