"""The SNA and the annual report: figures stated in sentences equal the query layer's; HTML, PDF and CSVs."""

import csv
import re
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from commissioning.tests.factories import user
from core.roles import Role
from demo.region import build_demo_region
from insights.services.catalogue import figure_rows
from insights.services.figures import FigureQuery
from monitoring.services.reach import project_reach
from reports.models import ReportJob
from reports.services.annual import build_annual
from reports.services.narrative import change_sentence, number
from reports.services.sna import ReportPeriod, build_sna, write_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path: Path) -> dict:
    return build_demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=500, ed_per_month=40)


def test_sentences_state_the_figures() -> None:
    assert change_sentence("Robbery", 1518, 1457, "2024", "2023") == \
        "Robbery rose by 4.2% to 1,518 in 2024 (from 1,457 in 2023)."
    assert change_sentence("Robbery", 90, 100, "2024", "2023").startswith("Robbery fell by 10.0% to 90")
    assert "withheld" in change_sentence("Robbery", None, 100, "2024", "2023")
    assert number(1234.56) == "1,234.6" and number(None) == "withheld"


def stated(text: str, label: str) -> tuple[int, int]:
    match = re.search(re.escape(label) + r" (?:rose|fell) by [\d.]+% to ([\d,]+) in \S+ \(from ([\d,]+)", text)
    assert match, (label, text[:500])
    return int(match[1].replace(",", "")), int(match[2].replace(",", ""))


def test_the_sna_states_the_query_layers_figures_in_html_pdf_and_csv(demo, tmp_path: Path) -> None:
    period = ReportPeriod(2024)
    report = build_sna(period, edition="public")
    report["stem"] = "sna"
    written = write_report(report, tmp_path / "out")
    headline = {r["measure"]: r for r in figure_rows("headline", FigureQuery(
        "police", "2024-01", "2024-12", lad_codes=tuple(f"E089{i:05d}" for i in range(1, 6))), unsuppressed=False)}
    html = written["html"].read_text()
    assert stated(html, "Police-recorded violence and sexual offences") == (
        headline["violence"]["count"], headline["violence"]["previous_year_count"])
    assert stated(html, "Police-recorded robbery") == (headline["robbery"]["count"],
                                                       headline["robbery"]["previous_year_count"])
    assert [s.number for s in report["sections"]] == list(range(1, 9))
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


def test_public_and_partner_editions_differ_only_by_disclosure_control(demo) -> None:
    public = build_sna(ReportPeriod(2024), edition="public")
    partner = build_sna(ReportPeriod(2024), edition="partner")
    lsoa_public = {r["lsoa"]: r["rate_per_1000"] for s in public["sections"] for f in s.figures
                   if f.name == "lsoa_rates" for r in f.rows}
    lsoa_partner = {r["lsoa"]: r["rate_per_1000"] for s in partner["sections"] for f in s.figures
                    if f.name == "lsoa_rates" for r in f.rows}
    withheld = [k for k, v in lsoa_public.items() if v is None]
    assert withheld and all(lsoa_partner[k] is not None for k in withheld)
    day_hour = next(f for s in public["sections"] for f in s.figures if f.name == "day_and_hour")
    assert day_hour.rows == [] or day_hour.note == "" or "local authorities" in day_hour.note


def test_the_annual_report_counts_accepted_reach_and_incidents(demo, tmp_path: Path) -> None:
    report = build_annual(2024)
    from commissioning.models import Project

    reach = project_reach(2024, Project.objects.filter(is_published=True).values_list("pk", flat=True))
    published = sum(v["reach_under_25"] for v in reach.values() if not 1 <= v["reach_under_25"] <= 7)
    first = report["sections"][0].sentences[0]
    assert f"reached {number(published)} young people aged 24 and under" in first
    incidents = report["sections"][3]
    assert "incidents of serious violence in 2024/25" in incidents.sentences[0]
    written = write_report(report, tmp_path / "annual", pdf=False)
    assert (tmp_path / "annual" / "data" / "reach_by_theme.csv").exists() and written["html"].exists()


def test_command_line(demo, tmp_path: Path, capsys) -> None:
    call_command("report", "sna", "--financial-year", "2023", "--area", "E08900001", "--edition", "partner",
                 "--out", str(tmp_path / "sna"), "--no-pdf")
    out = capsys.readouterr().out
    assert "sna-2023-24-partner.html" in out
    assert "Strategic Needs Assessment 2023/24" in (tmp_path / "sna" / "sna-2023-24-partner.html").read_text()


@pytest.mark.django_db(transaction=True)
def test_the_analysts_page_runs_a_job_in_the_background(client, tmp_path: Path) -> None:
    build_demo_region(tmp_path / "demo", "2024-01", 12, police_per_month=200, ed_per_month=10,
                      with_commissioning=False)
    client.force_login(user(Role.ANALYST, None, "analyst"))
    response = client.post("/reports/", {"kind": "sna", "year": "2024", "edition": "public", "area": ""})
    job = ReportJob.objects.get()
    assert response.status_code == 302
    for _ in range(120):
        job.refresh_from_db()
        if job.status in ("done", "failed"):
            break
        time.sleep(0.5)
    assert job.status == "done", job.message
    page = client.get(f"/reports/jobs/{job.pk}/")
    assert b"sna-2024-public.pdf" in page.content
    assert client.get(f"/reports/jobs/{job.pk}/files/sna-2024-public.pdf").status_code == 200
    assert client.get(f"/reports/jobs/{job.pk}/files/data/headline.csv").status_code == 200
    assert client.get(f"/reports/jobs/{job.pk}/files/../../vrp.sqlite3").status_code == 404
    assert client.post("/reports/", {"kind": "sna", "year": "24", "edition": "public"}).status_code == 400
    client.force_login(user(Role.PROVIDER, None, "provider"))
    assert client.get("/reports/").status_code == 403
