"""On the synthetic demo region: the strategy's progress annex (``vrp report strategy``), spend against need and
evidence with its CSV, and ``vrp evaluate project`` writing the impact evaluation."""

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command

from demo.strategy import add_strategy

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(demo_region, tmp_path: Path) -> dict:
    result = demo_region(tmp_path / "demo", "2023-01", 36, police_per_month=300, ed_per_month=20)
    assert add_strategy("test") == 3 and add_strategy("test") == 0
    return result


def test_the_progress_annex_lists_every_measure_with_its_computed_status(region, tmp_path: Path) -> None:
    from strategy.models import Measure

    out = tmp_path / "annex"
    call_command("report", "strategy", "--year", "2025", "--out", str(out))
    html = (out / "strategy-2025-26-progress.html").read_text()
    assert "Response strategy 2025/26: progress annex" in html and "Synthetic data" in html
    assert "It answers these SNA findings: Emergency department assault attendances were most often" in html
    assert (out / "strategy-2025-26-progress.pdf").read_bytes().startswith(b"%PDF")
    rows = [r for name in ("priority_1_measures", "priority_2_measures")
            for r in csv.DictReader((out / "data" / f"{name}.csv").open())]
    assert len(rows) == Measure.objects.count() == 4
    knife = next(r for r in rows if r["figure"].startswith("ED assault"))
    assert knife["status"] in ("On track", "At risk", "Off track")  # the demo has ED data
    assert {r["status"] for r in rows} <= {"On track", "At risk", "Off track", "No data"}
    ideas = list(csv.DictReader((out / "data" / "you_said_we_did.csv").open()))
    assert len(ideas) == 3


def test_spend_against_need_and_evidence_adds_up(region, client) -> None:
    from commissioning.models import Project
    from core.roles import Role
    from core.testing.factories import user
    from strategy.services.spend import evidence_rating, spend_against_need

    rows = spend_against_need(2024)
    awarded = [p for p in Project.objects.filter(award_date__gte="2024-04-01", award_date__lte="2025-03-31")
               .exclude(status="cancelled")]
    assert sum(r["amount_awarded"] for r in rows) == pytest.approx(sum(p.amount_awarded for p in awarded))
    effective = sum(p.amount_awarded for p in awarded if evidence_rating(p) == "effective")
    assert sum(r["amount_effective"] for r in rows) == pytest.approx(effective)
    assert all(r["violence_rate_per_1000"] is not None and r["priority_index"] is not None for r in rows)
    assert all(Decimal("0") <= r["amount_effective"] <= r["amount_awarded"] for r in rows)
    client.force_login(user(Role.COMMISSIONER, None, "commissioner"))
    downloaded = list(csv.DictReader(client.get("/strategy/spend.csv?year=2024").content.decode().splitlines()))
    assert len(downloaded) == len(rows) and downloaded[0]["lad"] == rows[0]["lad"]
    assert client.get("/strategy/spend/?year=2024").status_code == 200


def test_vrp_evaluate_project_writes_the_evaluation(region, tmp_path: Path, client) -> None:
    from commissioning.models import Project
    from core.roles import Role
    from core.testing.factories import user
    from insights.query.figures import FigureQuery, counts

    project = Project.objects.filter(locations__isnull=False, planned_start__year=2024).order_by("identifier").first()
    out = tmp_path / "evaluation"
    call_command("evaluate", "project", project.identifier, "--out", str(out), "--no-pdf")
    panel = list(csv.DictReader((out / "data" / "panel.csv").open()))
    estimates = {r["method"]: r for r in csv.DictReader((out / "data" / "estimates.csv").open())}
    assert {"difference_in_differences", "synthetic_control"} <= set(estimates)
    assert float(estimates["difference_in_differences"]["ci_low"]) < float(
        estimates["difference_in_differences"]["ci_high"])
    # The panel's counts are the warehouse's: one place's quarter, counted independently.
    row = panel[0]
    year, quarter = int(row["quarter"][:4]), int(row["quarter"][-1])
    direct = counts(FigureQuery("police", f"{year}-{3 * quarter - 2:02d}", f"{year}-{3 * quarter:02d}",
                                area=row["lsoa"], types=("Violence and sexual offences",)), [])
    assert int(row["count"]) == sum(r["count"] or 0 for r in direct)
    assert {r["treated"] for r in panel} == {"0", "1"}
    client.force_login(user(Role.ANALYST, None, "analyst"))
    page = client.get(f"/monitoring/impact/{project.identifier}/").content.decode()
    assert "Difference in differences" in page and "Regression to the mean" in page
    assert "The matched set" in page and "Mahalanobis distance" in page
    assert f'aria-label="Event study for {project.title}' in page  # the chart by quarter around the start
    matched = list(csv.DictReader((out / "data" / "matched_set.csv").open()))
    assert {r["comparison_lsoa"] for r in matched} == {r["lsoa"] for r in panel if r["treated"] == "0"}
    assert {r["treated_lsoa"] for r in matched} == {r["lsoa"] for r in panel if r["treated"] == "1"}
    assert len(list(csv.DictReader((out / "data" / "event_study.csv").open()))) == len(
        {r["quarter"] for r in panel})
    assert "Method" in (out / f"evaluation-{project.identifier}.html").read_text()
