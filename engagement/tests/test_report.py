"""The annual report's training, networks and events section: partner edition, with data/training.csv."""

import csv
from datetime import date

import pytest
from django.core.management import call_command

from core.testing.engagement import event, person, session
from engagement.models import Network, NetworkMembership

pytestmark = pytest.mark.django_db


def _rows(path) -> dict[str, str]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {r["measure"]: r["value"] for r in csv.DictReader(handle)}


def test_the_partner_edition_has_the_section_and_writes_training_csv(tmp_path) -> None:
    session(date(2024, 5, 1), [person(1), person(2)], {("young_people", "10_17", "female"): 20})
    session(date(2024, 6, 1), [person(1)])
    session(date(2024, 11, 9), counts={("young_people", "18_24", "male"): 100}, event=event(), course=None)
    network = Network.objects.create(name="Faith Alliance", kind="faith_alliance")
    NetworkMembership.objects.bulk_create(
        [NetworkMembership(network=network, kind="person", name=f"M{n}", joined_on=date(2023, 1, 1)) for n in range(2)]
        + [NetworkMembership(network=network, kind="person", name=f"N{n}", joined_on=date(2024, 9, 1))
           for n in range(3)])
    call_command("report", "annual", "--year", "2024", "--edition", "partner", "--out", str(tmp_path), "--no-pdf")
    training = _rows(tmp_path / "data" / "training.csv")
    assert (training["professionals_trained"], training["attendances"], training["sessions"], training["events"]) == (
        "2", "123", "3", "1")
    html = (tmp_path / "annual-2024-25-partner.html").read_text()
    assert "Training, networks and events" in html and "not for publication" in html
    assert "reached 2 professionals (each counted once in the year) in 3 sessions: 123 attendances" in html
    assert "Faith Alliance had 2 members on 1 April 2024 and 5 on 31 March 2025." in html
    for name in ("sessions_by_month_and_team", "professionals_by_sector", "attendance_by_local_authority",
                 "network_membership", "events_and_reach"):
        assert (tmp_path / "data" / f"{name}.csv").exists(), name


def test_the_public_edition_publishes_training_from_the_release_only(tmp_path) -> None:
    """Training figures are controlled: the public annual report has them from the public release, rounded."""
    from core.release import ALL, REGION, TOTAL, current_release

    session(date(2024, 4, 2), [person(n) for n in range(12)], {("young_people", "10_17", "female"): 31})
    call_command("report", "annual", "--year", "2024", "--out", str(tmp_path), "--no-pdf")
    training = _rows(tmp_path / "data" / "training.csv")
    release = current_release("training")
    assert training["professionals_trained"] == str(release.value("professionals_reached", "counted_by",
                                                                  "training register", "2024/25", REGION)) == "10"
    assert training["professionals_reached"] == str(release.value("professionals_reached", TOTAL, ALL, "2024/25",
                                                                  REGION)) == "10"
    assert training["attendances"] == "45" and training["young_people_attendances"] == "30"  # 43 and 31, rounded
    html = (tmp_path / "annual-2024-25.html").read_text()
    assert "Training and awareness" in html and "Training, networks and events" not in html
    assert "reached 10 professionals" in html and "43" not in html.split("Training and awareness")[1]
