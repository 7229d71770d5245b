"""The demo's year of training, events and networks: the sizes the annual report describes, all synthetic."""

from datetime import date

import pytest

from engagement.figures import events_and_reach, headline, network_membership, sessions_by_month_and_team
from engagement.models import FeedbackAnswer, ProfessionalAttendance, Session

pytestmark = pytest.mark.django_db
TODAY = date(2025, 6, 1)  # the demo fills the last financial year ended: 2024/25


def test_the_demo_year_has_the_annual_reports_shape_and_loads_once(tmp_path) -> None:
    from demo.engagement import add_engagement

    loaded = add_engagement(tmp_path, TODAY)
    assert loaded["year"] == 2024
    values = {r["measure"]: r["value"] for r in headline(2024)}
    assert 1_700 <= values["attendances"] / 12 <= 2_300  # "around 2,000 … each month"
    assert values["professionals_trained"] < values["professional_attendances"]  # some come more than once
    vawg = [r for r in sessions_by_month_and_team(2024) if r["facilitator_team"].startswith("VAWG")]
    assert len(vawg) == 12 and all(40 <= r["professional_attendances"] <= 64 for r in vawg)  # "about 50 a month"
    networks = {r["network"]: r for r in network_membership(2024)}
    assert len(networks) == 3
    assert (networks["Faith Alliance"]["members_at_start"], networks["Faith Alliance"]["members_at_end"]) == (200, 400)
    assert all(r["members_at_end"] > r["members_at_start"] for r in networks.values())
    events = {e["event"]: e for e in events_and_reach(2024)}
    assert events["Community safety roadshow (synthetic)"]["sessions"] == 6
    assert all(e["attendances"] >= 100 for e in events.values())
    # The report's events: Hope Hack "150 young people and adults", a roadshow of "six in-person workshops …
    # reaching 160 people", a sport event "with over 100 attendees".
    assert 135 <= events["Midlands Hope Hack (synthetic)"]["attendances"] <= 165  # young people drawn at random
    assert 140 <= events["Community safety roadshow (synthetic)"]["attendances"] <= 180
    assert events["Summer sport festival (synthetic)"]["attendances"] > 100
    assert all(e["themes"] and e["places"] for e in events.values())  # linked to the themes and places served
    assert FeedbackAnswer.objects.exists()
    # Labelled synthetic: invented references, course and event names, and addresses nobody receives mail at.
    assert not Session.objects.exclude(reference__startswith="DEMO-").exists()
    assert all("(synthetic)" in (s.course.title if s.course else s.event.title)
               for s in Session.objects.select_related("course", "event")[:50])
    import csv

    with open(tmp_path / "synthetic_attendance_2024.csv", newline="") as handle:
        emails = {row["email"] for row in csv.DictReader(handle)} - {""}
    assert emails and all(e.endswith("@example.org") for e in emails)
    before = (Session.objects.count(), ProfessionalAttendance.objects.count(), FeedbackAnswer.objects.count(),
              headline(2024), network_membership(2024))
    again = add_engagement(tmp_path, TODAY)
    assert "nothing changed" in again["import"] and again["members"] == again["feedback"] == 0
    assert before == (Session.objects.count(), ProfessionalAttendance.objects.count(), FeedbackAnswer.objects.count(),
                      headline(2024), network_membership(2024))
