"""Returns: periods, the draft → submitted → accepted / sent back cycle, CSV upload, reach roll-ups, lateness."""

from datetime import UTC, date, datetime

import pytest

from core.models import AuditEntry
from core.problems import InputRejected
from core.testing.factories import organisation, programme, project
from monitoring.models import MonitoringReturn, OutcomeMeasure
from monitoring.services import reach
from monitoring.services.periods import due_date, financial_year_of, period_containing, return_periods
from monitoring.services.returns import (
    ReturnFigures,
    ReturnNotEditable,
    review_return,
    save_return,
    submit_return,
    upload_returns,
)

pytestmark = pytest.mark.django_db


def test_quarters_follow_the_financial_year() -> None:
    assert period_containing(date(2024, 5, 17), 3) == (date(2024, 4, 1), date(2024, 6, 30))
    assert period_containing(date(2025, 2, 1), 3) == (date(2025, 1, 1), date(2025, 3, 31))
    assert period_containing(date(2025, 2, 1), 6) == (date(2024, 10, 1), date(2025, 3, 31))
    assert period_containing(date(2025, 2, 1), 12) == (date(2024, 4, 1), date(2025, 3, 31))
    assert financial_year_of(date(2025, 3, 31)) == 2024 and financial_year_of(date(2025, 4, 1)) == 2025
    assert [s.month for s, _ in return_periods(date(2024, 5, 1), date(2025, 1, 1), 3)] == [4, 7, 10, 1]
    assert due_date(date(2024, 6, 30)) == date(2024, 7, 30)


def figures(young_new: int = 10, young_continuing: int = 0, over_24: int = 0, trained: int = 0) -> ReturnFigures:
    reach_cells = {("10_17", "male", "new"): young_new, ("10_17", "male", "continuing"): young_continuing,
                   ("25_plus", "female", "new"): over_24}
    return ReturnFigures(reach=reach_cells, professionals_trained=trained)


def test_draft_submit_accept_cycle_is_audited_and_locks_the_return() -> None:
    p = project()
    r = save_return("provider", p, date(2024, 4, 1), figures(12))
    assert r.status == MonitoringReturn.Status.DRAFT and r.period_end == date(2024, 6, 30)
    save_return("provider", p, date(2024, 4, 1), figures(14))  # a draft can be changed
    submit_return("provider", r)
    with pytest.raises(ReturnNotEditable):
        save_return("provider", p, date(2024, 4, 1), figures(99))
    with pytest.raises(InputRejected, match="say what"):
        review_return("commissioner", r, accept=False, comment="  ")
    review_return("commissioner", r, accept=False, comment="Age bands look swapped")
    r.refresh_from_db()
    assert r.status == MonitoringReturn.Status.SENT_BACK and r.is_editable
    save_return("provider", p, date(2024, 4, 1), figures(15))
    submit_return("provider", r)
    review_return("commissioner", r, accept=True)
    with pytest.raises(ReturnNotEditable):
        review_return("commissioner", r, accept=False, comment="changed my mind")
    actions = list(AuditEntry.objects.filter(object_type="monitoring.MonitoringReturn").order_by("id")
                   .values_list("action", flat=True))
    assert actions == ["create", "update", "submit", "send_back", "update", "submit", "accept"]
    assert AuditEntry.objects.get(action="send_back").changes == {"comment": "Age bands look swapped"}


def test_a_period_must_be_one_of_the_projects() -> None:
    with pytest.raises(InputRejected, match="does not start"):
        save_return("provider", project(), date(2024, 5, 1), figures())


def test_reach_counts_accepted_returns_and_new_participants_only() -> None:
    p = project(programme=programme())
    q1 = save_return("p", p, date(2024, 4, 1), figures(young_new=20, over_24=3, trained=5))
    q2 = save_return("p", p, date(2024, 7, 1), figures(young_new=4, young_continuing=18, trained=2))
    save_return("p", p, date(2024, 10, 1), figures(young_new=50))  # a draft: not counted
    for r in (q1, q2):
        review_return("c", submit_return("p", r), accept=True)
    assert reach.headline(2024) == {"reach_under_25": 24, "reach_over_24": 3, "professionals_trained": 7}
    assert reach.headline(2023) == {"reach_under_25": 0, "reach_over_24": 0, "professionals_trained": 0}
    by_theme = reach.reach_by("theme", 2024)
    assert by_theme == [{"theme": "sport", "name": "Sport", "reach_under_25": 24, "reach_over_24": 3,
                         "professionals_trained": 7}]
    assert reach.reach_by("programme")[0]["programme"] == "CIF"
    assert reach.reach_by("period")[0]["period"] == "2024/25"


def test_a_project_serving_two_areas_counts_in_each() -> None:
    p = project(area_codes=["E08000025", "E08000026"])
    review_return("c", submit_return("p", save_return("p", p, date(2024, 4, 1), figures(9))), accept=True)
    rows = {r["area"]: r["reach_under_25"] for r in reach.reach_by("area")}
    assert rows == {"E08000025": 9, "E08000026": 9}


def test_the_public_see_reach_only_through_the_public_release() -> None:
    """A whole financial year of accepted returns is released by year and theme for the region, rounded to 5 with
    1–7 withheld; a project's own figure is in no public table."""
    from core.figures import WITHHELD
    from core.release import current_release

    small, large = project("S-1"), project("L-1")
    for start in (date(2024, 4, 1), date(2024, 7, 1), date(2024, 10, 1), date(2025, 1, 1)):
        for p, n in ((small, 1), (large, 10)):
            review_return("c", submit_return("p", save_return("p", p, start, figures(n))), accept=True)
    public = reach.public_reach("2024/25")
    assert public["reach_under_25"] == 45  # 4 × (1 + 10) = 44, rounded to 5
    release = current_release("returns")
    assert release.value("reach_under_25", "total", "all", "2024-04", "region") == 10  # 11, rounded
    assert release.value("reach_under_25", "total", "all", "2024/25", "region") is not WITHHELD
    assert all(v is None or v % 5 == 0 for v in release.cells.values())
    assert not any(key[4] in ("S-1", "L-1") for key in release.cells)


def test_late_and_missing_returns() -> None:
    p = project(planned_start=date(2024, 4, 1), planned_end=date(2024, 12, 31))
    on_time = save_return("p", p, date(2024, 4, 1), figures())
    submit_return("p", on_time)
    MonitoringReturn.objects.filter(pk=on_time.pk).update(submitted_at=datetime(2024, 7, 20, tzinfo=UTC))
    late = save_return("p", p, date(2024, 7, 1), figures())
    submit_return("p", late)
    MonitoringReturn.objects.filter(pk=late.pk).update(submitted_at=datetime(2024, 11, 4, tzinfo=UTC))
    rows = reach.late_and_missing(date(2025, 2, 15))
    states = {(r["period_start"], r["state"], r["days_late"]) for r in rows}
    assert states == {(date(2024, 7, 1), "submitted late", 5), (date(2024, 10, 1), "missing", 16)}


CSV_HEADER = "project,period_start,measure,age_band,sex,participation,value\n"


def test_csv_upload_saves_every_return_or_none() -> None:
    mine = project("MINE-1")
    OutcomeMeasure.objects.create(project=mine, name="Exclusions avoided", unit="pupils")
    project("THEIRS-1", provider=organisation("Provider B"))
    good = CSV_HEADER + ("MINE-1,2024-04-01,young_people,10_17,male,new,23\n"
                         "MINE-1,2024-04-01,professionals_trained,,,,4\n"
                         "MINE-1,2024-04-01,Exclusions avoided,,,,2.5\n"
                         "MINE-1,2024-07-01,young_people,18_24,female,new,3\n")
    saved = upload_returns("provider", good, "returns.csv", [mine], submit=True)
    assert [r.status for r in saved] == ["submitted", "submitted"]
    first = saved[0]
    assert first.professionals_trained == 4 and first.outcomes.get().value == 2.5
    bad = CSV_HEADER + ("MINE-1,2024-10-01,young_people,10_17,male,new,7\n"
                        "THEIRS-1,2024-04-01,young_people,10_17,male,new,5\n"
                        "MINE-1,2024-10-15,young_people,10_17,male,new,5\n"
                        "MINE-1,2024-10-01,young_people,teen,male,new,-2\n"
                        "MINE-1,2024-10-01,young_people,10_17,male,new,8\n"
                        "MINE-1,2024-10-01,Knife crimes,,,,1\n")
    with pytest.raises(InputRejected) as caught:
        upload_returns("provider", bad, "returns.csv", [mine])
    where = {(p.line, p.column) for p in caught.value.problems}
    assert {(3, "project"), (4, "period_start"), (5, "age_band"), (5, "value"), (6, "measure"),
            (7, "measure")} <= where
    assert "not one of your projects" in str(caught.value)
    assert not MonitoringReturn.objects.filter(period_start=date(2024, 10, 1)).exists()
    resubmit = CSV_HEADER + "MINE-1,2024-04-01,young_people,10_17,male,new,1\n"
    with pytest.raises(InputRejected, match="no longer be changed"):
        upload_returns("provider", resubmit, "returns.csv", [mine])
