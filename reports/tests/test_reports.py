"""The SNA and the annual report: figures stated in sentences equal the query layer's; HTML, PDF and CSVs."""

import csv
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from core import figures as registry
from core.figures import WITHHELD, no_data
from core.roles import Role
from core.testing.factories import user
from insights.query.access import PUBLIC, for_region
from insights.query.figures import FigureQuery
from reports.models import ReportJob
from reports.services.annual import build_annual
from reports.services.narrative import change_sentence, number
from reports.services.sna import ReportPeriod, build_sna, write_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(demo_region, tmp_path: Path) -> dict:
    return demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=500, ed_per_month=40)


def test_sentences_state_the_figures() -> None:
    assert change_sentence("Robbery", 1518, 1457, "2024", "2023") == \
        "Robbery rose by 4.2% to 1,518 in 2024 (from 1,457 in 2023)."
    assert change_sentence("Robbery", 90, 100, "2024", "2023").startswith("Robbery fell by 10.0% to 90")
    assert "withheld" in change_sentence("Robbery", WITHHELD, 100, "2024", "2023")
    assert change_sentence("Robbery", 90, no_data("2023"), "2024", "2023") == \
        "Robbery: 90 in 2024; there is no data for 2023, so no comparison."
    assert number(1234.56) == "1,234.6" and number(WITHHELD) == "withheld"
    from core.figures import undefined

    cut = undefined("2024-09 looks incomplete: 3,767 records, fewer than half the median month's 27,121")
    assert change_sentence("Robbery", 6642, 6013, "2025/26", "2024/25", cut) == (
        "Robbery: 6,642 in 2025/26 (6,013 in 2024/25, but no comparison is made: 2024-09 looks incomplete: 3,767 "
        "records, fewer than half the median month's 27,121).")


def stated(text: str, label: str) -> tuple[int, int]:
    match = re.search(re.escape(label) + r" (?:rose|fell) by [\d.]+% to ([\d,]+) in \S+ \(from ([\d,]+)", text)
    assert match, (label, text[:500])
    return int(match[1].replace(",", "")), int(match[2].replace(",", ""))


def test_the_sna_states_the_query_layers_figures_in_html_pdf_and_csv(demo, tmp_path: Path) -> None:
    period = ReportPeriod(2024)
    report = build_sna(period, edition="public")
    report["stem"] = "sna"
    written = write_report(report, tmp_path / "out")
    region = for_region(FigureQuery("police"))
    headline = {r["measure"]: r for r in registry.get("headline").table(FigureQuery(
        "police", "2024-01", "2024-12", lad_codes=region.lad_codes, no_location=True, forces=region.forces),
        PUBLIC).rows}
    html = written["html"].read_text()
    assert stated(html, "Police-recorded violence and sexual offences") == (
        headline["violence"]["count"], headline["violence"]["previous_year_count"])
    assert stated(html, "Police-recorded robbery") == (headline["robbery"]["count"],
                                                       headline["robbery"]["previous_year_count"])
    assert [s.number for s in report["sections"]] == list(range(1, 11))
    # Every figure's CSV is written and linked from the HTML.
    for section in report["sections"]:
        for figure in section.figures:
            assert (tmp_path / "out" / figure.csv_name).exists(), figure.name
            if figure.rows:
                assert f'href="{figure.csv_name}"' in html, figure.name
    with open(tmp_path / "out" / "data" / "headline.csv") as handle:
        assert {r["measure"]: int(r["count"]) for r in csv.DictReader(handle)}["violence"] == \
            headline["violence"]["count"]
    assert "<svg" in html and "by local authority" in html
    # The PDF carries the same figures, and its pages are drawn (not blank).
    from pypdf import PdfReader

    pdf_text = " ".join(page.extract_text() for page in PdfReader(written["pdf"]).pages)
    assert f"{headline['violence']['count']:,}" in pdf_text and "data/headline.csv" in pdf_text
    import pypdfium2

    document = pypdfium2.PdfDocument(str(written["pdf"]))
    pixels = document[3].render(scale=0.5).to_pil().convert("L")
    dark = sum(pixels.histogram()[:200])
    assert dark > 2000, "a chart or map page should have drawn content"


def test_the_public_edition_reads_controlled_figures_from_the_release_as_the_pages_do(demo, client,
                                                                                     tmp_path: Path) -> None:
    """The public SNA's data files and the public pages publish the same values for the same figure and year."""
    report = build_sna(ReportPeriod(2024), edition="public")
    report["stem"] = "sna"
    write_report(report, tmp_path / "out", pdf=False)
    year = {"from": "2024-01", "to": "2024-12"}
    violence = {**year, "type": "Violence and sexual offences"}
    pages = {"headline": year, "trend": violence, "seasonality": violence, "local_authorities": violence,
             "concentration": violence, "places": violence, "priority": violence,
             "ed_trend": {**year, "source": "ed"}}
    for name, params in pages.items():
        with open(tmp_path / "out" / "data" / f"{name}.csv", newline="") as handle:
            in_report = list(csv.DictReader(handle))
        response = client.get(f"/insights/figures/{name.removeprefix('ed_')}.csv", params)
        assert response.status_code == 200, name
        on_page = list(csv.DictReader(response.content.decode().splitlines()))
        assert in_report == on_page, name
    # ED data in the public edition: rounded to 5 or withheld, never below local authority.
    ed_trend = next(f for s in report["sections"] for f in s.figures if f.name == "ed_trend")
    assert ed_trend.rows and all(r["count"] is WITHHELD or r["count"] % 5 == 0 for r in ed_trend.rows)
    day_hour = next(f for s in report["sections"] for f in s.figures if f.name == "day_and_hour")
    assert day_hour.rows == [] and "public release" in day_hour.note
    partner = build_sna(ReportPeriod(2024), edition="partner")
    assert any(f.name == "ed_age_sex" for s in partner["sections"] for f in s.figures)
    assert not any(f.name == "ed_age_sex" for s in report["sections"] for f in s.figures)


def test_the_sna_for_a_year_without_the_previous_years_data_says_so(demo) -> None:
    report = build_sna(ReportPeriod(2023), edition="public")
    sentences = " ".join(report["sections"][0].sentences)
    assert "there is no data for 2022, so no comparison" in sentences
    assert "from none" not in sentences and "from 0" not in sentences
    sources = " ".join(report["sections"][-1].sentences)
    police = registry.get("headline")  # the source line counts the report's year and area, not the warehouse
    assert "records in 2023 for this report's area" in sources and police is not None


def test_the_annual_report_reads_reach_and_incidents_from_the_public_release(demo, tmp_path: Path) -> None:
    from core.release import current_release

    report = build_annual(2023)
    release = current_release("returns")
    reached = release.value("reach_under_25", "total", "all", "2023/24", "region")
    key, first = report["sections"][0], report["sections"][1].sentences[0]
    assert f"reached {number(reached)} young people aged 24 and under" in first
    assert key.title == "Key findings" and key.sentences[0] == first  # the summary first
    incidents = next(s for s in report["sections"] if s.title == "Incidents responded to")
    assert incidents.sentences and incidents.sentences[0] in key.sentences
    written = write_report(report, tmp_path / "annual", pdf=False)
    assert (tmp_path / "annual" / "data" / "reach_by_theme.csv").exists() and written["html"].exists()


def test_command_line(demo, tmp_path: Path, capsys) -> None:
    call_command("report", "sna", "--financial-year", "2023", "--area", "E08900001", "--edition", "partner",
                 "--out", str(tmp_path / "sna"), "--no-pdf")
    out = capsys.readouterr().out
    assert "sna-2023-24-partner.html" in out
    assert "Strategic Needs Assessment 2023/24" in (tmp_path / "sna" / "sna-2023-24-partner.html").read_text()


@pytest.mark.django_db(transaction=True)
def test_the_analysts_page_queues_a_job_the_worker_runs(demo_region, client, tmp_path: Path) -> None:
    demo_region(tmp_path / "demo", "2024-01", 12, police_per_month=200, ed_per_month=10,
                with_commissioning=False)
    client.force_login(user(Role.ANALYST, None, "analyst"))
    response = client.post("/reports/", {"kind": "sna", "year": "2024", "edition": "public", "area": ""})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and job.status == "queued"
    assert b"Queued" in client.get(f"/reports/jobs/{job.pk}/").content
    call_command("worker", "--once")
    job.refresh_from_db()
    assert job.status == "done", job.message
    assert job.attempts == 1 and job.progress == 100
    page = client.get(f"/reports/jobs/{job.pk}/")
    assert b"sna-2024-public.pdf" in page.content
    assert client.get(f"/reports/jobs/{job.pk}/files/sna-2024-public.pdf").status_code == 200
    assert client.get(f"/reports/jobs/{job.pk}/files/data/headline.csv").status_code == 200
    assert b"sna-2024-public-data.zip" in page.content  # the CSV bundle, one download
    assert client.get(f"/reports/jobs/{job.pk}/files/sna-2024-public-data.zip").status_code == 200
    html = next(name for name in job.files if name.endswith(".html"))
    assert client.get(f"/reports/jobs/{job.pk}/files/{html}")["Content-Type"] == "text/html; charset=utf-8"
    assert client.get(f"/reports/jobs/{job.pk}/files/../../vrp.sqlite3").status_code == 404
    assert client.post("/reports/", {"kind": "sna", "year": "24", "edition": "public"}).status_code == 400
    client.force_login(user(Role.PROVIDER, None, "provider"))
    assert client.get("/reports/").status_code == 403


@pytest.mark.django_db
def test_a_job_whose_worker_stopped_is_run_again_by_the_next_worker(settings, tmp_path: Path) -> None:
    from django.utils import timezone

    from reports.services.jobs import MAX_ATTEMPTS, STALE_AFTER, claim_next, request_job, requeue_abandoned, work

    settings.VRP_DATA_DIR = str(tmp_path)
    job = request_job("cli:test", kind="annual", year=2023)
    assert claim_next("old-host:1").pk == job.pk and claim_next("other:2") is None  # one worker per job
    # The worker is killed mid-way: the row says running, and its beat stops.
    ReportJob.objects.filter(pk=job.pk).update(progress=40, heartbeat_at=timezone.now() - STALE_AFTER / 2)
    assert requeue_abandoned() == 0  # still beating recently: left alone
    ReportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - STALE_AFTER * 2)
    assert work(once=True, worker="new-host:2") == 1
    job.refresh_from_db()
    assert job.status in ("done", "failed") and job.finished_at is not None, job.message
    assert (job.worker, job.attempts) == ("new-host:2", 2)

    # A job that keeps taking its worker down is given up, with a reason, rather than retried for ever.
    stuck = request_job("cli:test", kind="annual", year=2023)
    ReportJob.objects.filter(pk=stuck.pk).update(status="running", attempts=MAX_ATTEMPTS,
                                                 heartbeat_at=timezone.now() - STALE_AFTER * 2)
    assert requeue_abandoned() == 0
    stuck.refresh_from_db()
    assert stuck.status == "failed" and "Stopped 3 times" in stuck.message


def test_an_undefined_comparison_says_why_never_withheld() -> None:
    from core.figures import undefined

    partial = change_sentence("Robbery", 400, 1200, "2024", "2023", undefined("the data covers only part of 2024"))
    assert partial == ("Robbery: 400 in 2024 (1,200 in 2023, but no comparison is made: the data covers only part "
                       "of 2024).")
    unknown = change_sentence("Robbery", 400, undefined("no residents"), "2024", "2023")
    assert "withheld" not in unknown and "no residents" in unknown


def test_the_annual_report_makes_no_comparison_across_a_month_that_looks_incomplete(demo_region,
                                                                                    tmp_path: Path) -> None:
    # Two whole financial years, then one month of the later year cut short (a late police.uk upload): the
    # headline table says the change is not defined, and the annual report's sentences must say the same.
    from insights.models import WarehousePartition

    demo_region(tmp_path / "demo", "2023-04", 24, police_per_month=300, ed_per_month=20)
    assert WarehousePartition.objects.filter(source="police", month="2024-09", is_current=True).update(rows=1)
    report = build_annual(2024)
    violence = next(s for s in report["sections"] if s.title == "Violence in the year")
    police = " ".join(s for s in violence.sentences if "attendances" not in s)  # ED 2024-09 is whole
    assert "no comparison is made: 2024-09 looks incomplete" in police
    assert " rose by " not in police and " fell by " not in police


def test_the_annual_report_says_no_incidents_were_recorded_never_a_response_to_none(demo_region,
                                                                                   tmp_path: Path) -> None:
    """Incidents moved into 2024/25 from April (and copied, so the year's total is large enough to publish): the annual
    report of 2024/25 states the release's total, and that of 2025/26, a whole year with none, says so."""
    from datetime import UTC, datetime

    from core.release import clear_memo, current_release
    from incidents.models import Incident

    demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=200, ed_per_month=20)
    originals = list(Incident.objects.all())
    assert originals
    for n, incident in enumerate(originals):
        Incident.objects.filter(pk=incident.pk).update(occurred_at=datetime(2024, 4 + n % 6, 12, 16, tzinfo=UTC))
    for copy in range(3):
        for n, incident in enumerate(originals):
            incident.pk, incident.reference = None, f"COPY-{copy}-{n}"
            incident.occurred_at = datetime(2024, 5 + n % 6, 3, 11, tzinfo=UTC)
            incident.save()
    clear_memo()
    total = current_release("incidents").value("incidents", "total", "all", "2024/25", "region")
    year = next(s for s in build_annual(2024)["sections"] if s.title == "Incidents responded to")
    text = " ".join(year.sentences)
    assert f"{number(total)} incidents of serious violence were recorded in 2024/25" in text or \
        f"of the {number(total)} incidents of serious violence recorded in 2024/25" in text
    assert "response to 0" not in text and len(year.table.rows) == 12  # every month in its CSV
    none = next(s for s in build_annual(2025)["sections"] if s.title == "Incidents responded to")
    assert none.sentences == ["No incidents of serious violence were recorded in 2025/26."]


def test_an_sna_of_one_local_authority_speaks_of_the_area_not_the_region(demo) -> None:
    """A report on one local authority: its second section is about the area, and its funding finding states
    the area's amount (not "the largest share … (100.0%)" of one)."""
    report = build_sna(ReportPeriod(2024), area="E08900002", edition="partner")
    titles = [s.title for s in report["sections"]]
    assert titles[1] == "The area: population, age and deprivation" and report["place"].startswith("Easton")
    funding = next(s for s in report["sections"] if any(f.name == "funding_by_area" for f in s.figures))
    assert "largest share" not in " ".join(funding.sentences) and "100.0%" not in " ".join(funding.sentences)
    assert funding.finding.startswith("Easton Borough was awarded £")
    region = build_sna(ReportPeriod(2024), edition="partner")
    assert region["sections"][1].title.startswith("The region")
