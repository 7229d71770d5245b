"""Every controlled source's release fingerprint is cheap and never lets a stale release through.

A release is looked up by its source's fingerprint, without reading the records (``core.release.current_release``),
so each fingerprint must change whenever a record the release is computed from is added, changed or deleted —
however it was changed: a service, a model save (as the admin does), a raw queryset ``.update()`` (no signal, no
``updated_at``) or a delete. Each test changes a source's data one way at a time and checks that the fingerprint
changes and that ``current_release`` then gives the release of the new data, not the one it remembered.
"""

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from core import sources
from core.region import current_region
from core.release import current_release, data_version
from core.testing.factories import project

pytestmark = pytest.mark.django_db


def assert_seen(name: str, change: Callable[[], object], changes_records: bool = True) -> None:
    """``change`` alters what the source's records are computed from: its fingerprint changes, and the release
    follows the data. ``changes_records=False`` for a change that happens to leave these records alone (an area
    code, with no geography loaded in these tests, places nothing): the fingerprint still changes."""
    spec = sources.get(name).release
    assert spec.fingerprint is not None, f"{name} has no fingerprint: every request would read all its records"
    before, remembered = spec.fingerprint(), current_release(name)
    assert spec.fingerprint() == before  # stable while nothing changes (else the memo would never be used)
    assert current_release(name) is remembered  # and the release is remembered, not recomputed
    change()
    assert spec.fingerprint() != before
    fresh = current_release(name)
    assert fresh.data_version == data_version(spec, list(current_region().lad_codes))
    assert (fresh.data_version != remembered.data_version) is changes_records


def test_every_controlled_source_has_a_fingerprint() -> None:
    controlled = [s.name for s in sources.sources() if s.release is not None]
    assert {"returns", "incidents", "training", "ed", "indicators"} <= set(controlled)
    assert [n for n in controlled if sources.get(n).release.fingerprint is None] == []


# Monitoring returns ---------------------------------------------------------------------------------------------


@pytest.fixture
def returns():
    from monitoring.models import ReachCount
    from monitoring.services.returns import ReturnFigures, review_return, save_return, submit_return

    chosen = project("P-1", area_codes=["E08000025"])
    found = []
    for start, trained in [(date(2024, 4, 1), 5), (date(2024, 7, 1), 7)]:
        saved = save_return("test", chosen, start, ReturnFigures(professionals_trained=trained))
        found.append(review_return("test", submit_return("test", saved), accept=True))
    ReachCount.objects.create(monitoring_return=found[0], age_band="10_17", sex="female", participation="new",
                              count=12)
    return {"project": chosen, "returns": found}


def test_returns_added(returns) -> None:
    from monitoring.services.returns import ReturnFigures, review_return, save_return, submit_return

    def add() -> None:
        saved = save_return("test", returns["project"], date(2024, 10, 1), ReturnFigures(professionals_trained=3))
        review_return("test", submit_return("test", saved), accept=True)

    assert_seen("returns", add)


def test_returns_changed_by_a_raw_update(returns) -> None:
    from monitoring.models import MonitoringReturn, ReachCount

    assert_seen("returns", lambda: MonitoringReturn.objects.filter(pk=returns["returns"][1].pk).update(
        professionals_trained=70))
    assert_seen("returns", lambda: ReachCount.objects.update(count=13))
    assert_seen("returns", lambda: MonitoringReturn.objects.filter(pk=returns["returns"][1].pk).update(
        status=MonitoringReturn.Status.SENT_BACK))


def test_returns_changed_by_their_project(returns) -> None:
    from commissioning.models import Project

    chosen = returns["project"]
    chosen.theme = "education"
    assert_seen("returns", chosen.save)  # a model save, as the admin does
    assert_seen("returns", lambda: Project.objects.update(area_codes=["E08000026"]), changes_records=False)
    assert_seen("returns", lambda: Project.objects.update(is_published=False))


def test_returns_deleted(returns) -> None:
    from monitoring.models import ReachCount

    assert_seen("returns", lambda: ReachCount.objects.all().delete())
    assert_seen("returns", returns["returns"][1].delete)


# Incidents ------------------------------------------------------------------------------------------------------


def incident(reference: str, when: datetime, kind: str = "stabbing", lsoa: str = ""):
    from incidents.models import Incident

    return Incident.objects.create(reference=reference, occurred_at=when, incident_type=kind, lsoa_code=lsoa,
                                   severity="serious", summary="A test incident.")


@pytest.fixture
def incidents() -> list:
    return [incident("I-1", datetime(2024, 5, 3, 12, tzinfo=UTC)), incident("I-2", datetime(2024, 6, 9, tzinfo=UTC))]


def test_incidents_added_changed_and_deleted(incidents) -> None:
    from incidents.models import Incident

    assert_seen("incidents", lambda: incident("I-3", datetime(2024, 7, 1, tzinfo=UTC), "shooting"))
    changed = incidents[0]
    changed.incident_type = "assault"
    assert_seen("incidents", changed.save)
    assert_seen("incidents", lambda: Incident.objects.filter(pk=incidents[1].pk).update(
        occurred_at=datetime(2024, 8, 9, tzinfo=UTC)))
    assert_seen("incidents", lambda: Incident.objects.filter(pk=incidents[1].pk).update(lsoa_code="E01000001"),
                changes_records=False)
    assert_seen("incidents", incidents[1].delete)


def test_incidents_responded_to(incidents) -> None:
    from incidents.models import Action, ProtocolStep, ResponseProtocol

    protocol = ResponseProtocol.objects.create(name="Test protocol")
    step = ProtocolStep.objects.create(protocol=protocol, order=1, title="Call the school")
    due = datetime(2024, 5, 4, tzinfo=UTC)
    assert_seen("incidents", lambda: Action.objects.create(incident=incidents[0], step=step, title="Call",
                                                           due_at=due))
    off_protocol = Action.objects.create(incident=incidents[1], title="Visit", due_at=due)
    assert_seen("incidents", lambda: Action.objects.filter(pk=off_protocol.pk).update(step=step))
    assert_seen("incidents", lambda: Action.objects.filter(incident=incidents[0]).delete())


def test_incidents_fingerprint_names_the_month(incidents, monkeypatch) -> None:
    """The months run to now: a new month is a new release (its zero counts), with no record changed."""
    from core import release

    spec = sources.get("incidents").release
    before = spec.fingerprint()
    monkeypatch.setattr(release, "this_month", lambda: "2099-01")
    assert spec.fingerprint() != before


# The training register ------------------------------------------------------------------------------------------


@pytest.fixture
def register() -> dict:
    from core.testing.engagement import person, session

    sport = project("P-1", area_codes=["E08000025"])
    first = session(date(2024, 4, 10), [person(n) for n in range(6)], {("young_people", "10_17", "female"): 40},
                    lad_code="E08000025", project=sport)
    second = session(date(2025, 1, 15), [person(n) for n in range(3, 9)], {("community", "25_plus", "male"): 12},
                     lad_code="E08000026")
    return {"project": sport, "sessions": [first, second]}


def test_training_sessions_added_changed_and_deleted(register) -> None:
    from core.testing.engagement import person, session
    from engagement.models import Session

    assert_seen("training", lambda: session(date(2024, 9, 2), [person(20)], lad_code="E08000027"))
    assert_seen("training", lambda: Session.objects.filter(pk=register["sessions"][1].pk).update(
        lad_code="E08000025"))
    assert_seen("training", lambda: Session.objects.filter(pk=register["sessions"][1].pk).update(
        date=date(2024, 11, 3)))
    moved = register["sessions"][0]
    moved.project = None
    assert_seen("training", moved.save, changes_records=False)  # (its project has no returns yet)


def test_training_attendances_and_counts(register) -> None:
    from engagement.models import ParticipantCount, ProfessionalAttendance

    # Someone at the first session only turns out to be someone at the second only: one professional fewer.
    first, second = (set(ProfessionalAttendance.objects.filter(session=s).values_list("person_key", flat=True))
                     for s in register["sessions"])
    assert_seen("training", lambda: ProfessionalAttendance.objects.filter(person_key=min(first - second)).update(
        person_key=min(second - first)))
    assert_seen("training", lambda: ParticipantCount.objects.update(count=41))
    assert_seen("training", lambda: ProfessionalAttendance.objects.filter(session=register["sessions"][1]).delete())
    assert_seen("training", lambda: ParticipantCount.objects.all().delete())


def test_training_follows_the_returns_and_projects(register) -> None:
    from commissioning.models import Project
    from monitoring.models import MonitoringReturn
    from monitoring.services.returns import ReturnFigures, review_return, save_return, submit_return

    def accept() -> None:
        saved = save_return("test", register["project"], date(2024, 4, 1), ReturnFigures(professionals_trained=30))
        review_return("test", submit_return("test", saved), accept=True)

    assert_seen("training", accept)  # 24 beyond the register's 6 at this project's sessions
    assert_seen("training", lambda: MonitoringReturn.objects.update(professionals_trained=40))
    assert_seen("training", lambda: Project.objects.update(is_published=False))


# Partners' indicators -------------------------------------------------------------------------------------------


def test_indicators_changed_in_place(tmp_path) -> None:
    """A count edited in the admin or by ``.update()`` changes no file and no number of values: still seen."""
    from core.testing.fingertips import FINGERTIPS_COLUMNS, LAS, fingertips_row, write_csv
    from partners.models import Indicator, IndicatorValue
    from partners.services.indicators import ingest_indicators

    rows = [fingertips_row(code, "2021/22", 300 + i) for i, code in enumerate(LAS)]
    ingest_indicators([write_csv(tmp_path / "f.csv", rows, FINGERTIPS_COLUMNS)], "fingertips")
    one = IndicatorValue.objects.filter(area_code=next(iter(LAS)), period="2021/22")
    assert_seen("indicators", lambda: one.update(count=555))
    value = one.get()
    value.count = 20
    assert_seen("indicators", value.save)
    assert_seen("indicators", lambda: Indicator.objects.update(key="renamed"))
    assert_seen("indicators", lambda: one.delete())
