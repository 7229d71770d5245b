"""Emerging hot spot alerts: after each police.uk ingest, an LSOA in a partner's area that has become a hot spot
or an emerging hot spot is listed on the partner's home page and emailed, once, to those who opted in.

The classes are the platform's own: Gi* in each of the last three 12-month periods of police.uk data
(``insights.hotspots.query.persistence``), and each LSOA's pattern (``insights.hotspots.persistence``).
An LSOA **becomes a hot spot** when it is a hot spot in the latest period; it is an **emerging hot spot** when
its pattern is "emerging hotspot". Each (organisation, LSOA, kind) is alerted once: the alert row is unique, and
the email goes out only for alerts not emailed before, so re-running the check after an ingest sends nothing.
An email that fails to send (the mail server down) leaves its alerts unsent, so the next run sends them.
Police.uk data is open: the alerts carry no controlled figures.
"""

from __future__ import annotations

import logging

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from core import audit
from core.models import Organisation, User
from core.roles import ANALYSTS, Role
from partners.models import AlertSubscription, HotspotAlert

HOT_SPOT, EMERGING = "hot spot", "emerging hot spot"

logger = logging.getLogger(__name__)


def kinds_of(rows: list[dict]) -> dict[str, str]:
    """LSOA → the alert kind from persistence rows (``lsoa``, per-period classes, ``pattern``), for the LSOAs
    that are hot spots in the latest period or emerging hot spots."""
    found = {}
    for row in rows:
        periods = [k for k in row if ".." in k]
        latest = row[max(periods)] if periods else ""
        if row.get("pattern") == "emerging hotspot":
            found[row["lsoa"]] = EMERGING
        elif latest == "hot spot":
            found[row["lsoa"]] = HOT_SPOT
    return found


def _in_area(code: str, areas: set[str]) -> bool:
    from insights.query.areas import local_authority_of

    return code in areas or local_authority_of(code) in areas


def record_alerts(kinds: dict[str, str], through_month: str, actor: object = "system") -> list[HotspotAlert]:
    """Create the alerts not made before for every partner organisation whose area holds the LSOA; email the new
    ones to opted-in users of that organisation, once. Returns the new alerts."""
    new: list[HotspotAlert] = []
    with transaction.atomic():
        # Partners' organisations only (a provider's areas are where it works, not an area it answers for).
        partners = Organisation.objects.exclude(area_codes=[]).filter(members__role=Role.PARTNER,
                                                                     members__is_active=True).distinct()
        for organisation in partners:
            areas = set(organisation.area_codes)
            for code, kind in sorted(kinds.items()):
                if not _in_area(code, areas):
                    continue
                alert, created = HotspotAlert.objects.get_or_create(
                    organisation=organisation, lsoa_code=code, pattern=kind,
                    defaults={"through_month": through_month})
                if created:
                    new.append(alert)
        if new:
            audit.record(actor, "hotspot_alerts", object_type="partners.HotspotAlert",
                         summary=f"{len(new)} new hot spot alerts through {through_month}")
    send_unsent()
    return new


def send_unsent() -> int:
    """Email each opted-in user of each organisation its alerts not yet emailed; mark them emailed.

    The alerts are claimed (marked emailed) before the email goes, so two runs at once cannot both send them;
    if the email then fails, the claim is given back and the next run sends them. Returns how many addresses
    the emails went to (or will go to when the caller's transaction commits)."""
    sent = 0
    pending = HotspotAlert.objects.filter(emailed_at=None).select_related("organisation")
    by_org: dict[int, list[HotspotAlert]] = {}
    for alert in pending:
        by_org.setdefault(alert.organisation_id, []).append(alert)
    for org_id, alerts in by_org.items():
        emails = sorted(AlertSubscription.objects.filter(user__organisation_id=org_id, user__is_active=True)
                        .exclude(user__email="").values_list("user__email", flat=True))
        with transaction.atomic():
            stamp = timezone.now()
            ids = [a.pk for a in alerts]
            claimed = HotspotAlert.objects.filter(pk__in=ids, emailed_at=None).update(emailed_at=stamp)
            if not claimed or not emails:
                continue
            lines = [f"{a.lsoa_code}: {a.pattern} (police.uk data through {a.through_month})" for a in alerts]
            body = ("New hot spots in your area, from police.uk street-level crime (Gi* by LSOA):\n\n"
                    + "\n".join(lines) + "\n\nThe hot spot pages show them on the map. You can stop these emails "
                    "on the alerts page.")
            transaction.on_commit(lambda body=body, emails=emails, ids=ids, stamp=stamp: _send_or_give_back(
                body, emails, ids, stamp))
            sent += len(emails)
    return sent


def _send_or_give_back(body: str, emails: list[str], ids: list[int], stamp) -> None:
    """Send one organisation's alert email; if it fails, unmark the alerts this run claimed (stamped ``stamp``)
    so the next run sends them again."""
    try:
        send_mail("New hot spots in your area", body, None, emails)
    except Exception:
        # Any failure of the mail backend (SMTP refused, timeout, a provider's API down): keep the alerts
        # pending rather than lose them; the run goes on with the other organisations.
        logger.exception("hot spot alert email to %s failed; it will be retried on the next run", emails)
        HotspotAlert.objects.filter(pk__in=ids, emailed_at=stamp).update(emailed_at=None)


def check_after_ingest(actor: object = "system") -> list[HotspotAlert]:
    """The alert check run after each police.uk ingest: persistence over the last three 12-month periods of the
    region's data. Returns [] (and changes nothing) when there is not enough data or geography for it."""
    from dataclasses import replace

    from core.periods import shift
    from core.problems import InputRejected, Refused
    from insights.hotspots.query import persistence
    from insights.query.access import for_region, loaded_months
    from insights.query.figures import FigureQuery

    months = sorted(loaded_months("police"))
    if len(months) < 24:
        return []
    last = months[-1]
    first = max(months[0], shift(last, -35))
    try:
        rows = persistence(replace(for_region(FigureQuery("police")), month_from=first, month_to=last))
    except (InputRejected, Refused):
        return []
    return record_alerts(kinds_of(rows), last, actor)


def alerts_for(user: User, newest_only: bool = False) -> list[HotspotAlert]:
    """The alerts a user sees: their organisation's (a partner), or everyone's (analysts, administrators).

    ``newest_only`` (the home page's "new hot spots"): only those found in the newest police.uk data loaded (or,
    with none loaded, the newest alerts), so an LSOA alerted a year ago is not "new" for ever; the alerts page
    keeps them all."""
    if user.role == Role.PARTNER:
        alerts = HotspotAlert.objects.filter(organisation_id=user.organisation_id)
    elif user.role in ANALYSTS:
        alerts = HotspotAlert.objects.select_related("organisation")
    else:
        return []
    if newest_only:
        from insights.query.access import loaded_months

        months = loaded_months("police")
        newest = months[-1] if months else alerts.order_by("-through_month").values_list(
            "through_month", flat=True).first()
        alerts = alerts.filter(through_month=newest)
    return list(alerts[:200])


def set_subscription(user: User, on: bool) -> None:
    """Opt a user in or out of the alert emails (audited)."""
    with transaction.atomic():
        if on:
            AlertSubscription.objects.get_or_create(user=user)
        else:
            AlertSubscription.objects.filter(user=user).delete()
        audit.record(user, "hotspot_alert_email", user, changes={"email": on})
