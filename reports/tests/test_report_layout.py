"""The SNA as a published document: word headings, short tables, nothing cut at the page's edge.

The PDF test reads each page's words with their positions (``pdftotext -bbox``, poppler): every word lies
inside the page, and every column heading of every printed table is found on the page that table ends on
(where its data file is named) or the page before.
"""

import csv
import re
import shutil
import subprocess
import zipfile
from html import unescape
from pathlib import Path

import pytest

from core.render import csv_cell
from reports.services.annual import _reach_sentence
from reports.services.sna import ReportPeriod, build_sna, write_report
from reports.templatetags.report_labels import cell, heading, printed_columns, printed_rows

pytestmark = pytest.mark.django_db


def test_headings_are_words_and_wide_tables_print_their_main_columns() -> None:
    assert heading("rate_per_1000_aged_24_and_under") == "Rate per 1,000 aged 24 and under"
    assert heading("reach_over_24") == "Reached, aged 25 and over"
    assert heading("imd_rank_lsoa") == "IMD rank LSOA"
    assert "_" not in heading("some_new_key_per_1000")
    priority = ["rank", "lsoa", "name", "count", "rate_per_1000", "change_per_1000", "deprivation_score",
                "share_aged_24_and_under", "rate_percentile", "trend_percentile", "deprivation_percentile",
                "youth_percentile", "priority_index"]
    shown = printed_columns(priority)
    assert len(shown) <= 7 and "priority_index" in shown and "name" in shown and "rank" in shown


def test_measure_keys_print_as_words_and_one_measure_column_is_shown() -> None:
    """The headline and training tables: no "Measure Measure" header, no raw keys, plural codes in capitals,
    money in pounds."""
    assert printed_columns(["measure", "label", "value"]) == ["label", "value"]
    assert cell({"measure": "ed_knife"}, "measure") == "ED assault attendances with a knife or sharp object"
    assert cell({"measure": "violence"}, "measure") == "Police-recorded violence and sexual offences"
    assert cell({"measure": "young_people_attendances"}, "measure") == "Attendances by children and young people"
    assert cell({"measure": "professionals_trained"}, "measure").startswith("Professionals trained")
    assert "_" not in cell({"measure": "a_measure_never_named"}, "measure")
    assert heading("lsoas") == "LSOAs" and heading("top_percent_of_lsoas") == "Top (%) of LSOAs"
    from decimal import Decimal

    assert cell({"amount_awarded": Decimal("170000.00")}, "amount_awarded") == "£170,000"


def test_the_annual_reports_reach_never_says_zero_people() -> None:
    sentence = _reach_sentence("2024/25", {"reach_under_25": 120, "reach_over_24": 0, "professionals_trained": 0})
    assert "reached 120 young people aged 24 and under" in sentence and " 0 " not in sentence
    assert "no reach was recorded" in _reach_sentence("2024/25", {"reach_under_25": 0, "reach_over_24": 0,
                                                                  "professionals_trained": 0})


def test_a_printed_table_is_the_top_ten_by_its_measure_and_a_section_prints_one_chart_and_one_table() -> None:
    from core.figures import WITHHELD
    from reports.services.sna import Figure, Section
    from reports.templatetags.report_labels import printed_rows, shown_words

    rows = [{"lsoa": f"E0{i}", "rate_per_1000": float(i)} for i in range(30)] + [{"lsoa": "E0x",
                                                                                  "rate_per_1000": WITHHELD}]
    ranked = Figure("lsoa_rates", "Rates", ["lsoa", "rate_per_1000"], rows, top="rate_per_1000")
    assert [r["rate_per_1000"] for r in printed_rows(ranked)] == [float(i) for i in range(29, 19, -1)]
    assert shown_words(ranked) == "The 10 highest of 31 rows by rate per 1,000 residents"
    assert len(printed_rows(Figure("t", "T", ["a"], [{"a": i} for i in range(12)]))) == 10
    mapped = Figure("map", "Map", ["lsoa"], [{"lsoa": "E01"}], chart="<svg></svg>")
    listed = Figure("list", "List", ["lsoa"], [{"lsoa": "E01"}])
    section = Section(1, "Places", figures=[listed, mapped, Figure("more", "More", [], [])])
    assert section.chart is mapped and section.table is mapped and [f.name for f in section.more] == ["list", "more"]
    section.table_of = "list"
    assert section.table is listed and [f.name for f in section.more] == ["more"]
    section.chart_of = "list"  # a figure without a chart is not printed as one
    assert section.chart is None


def test_a_long_reason_is_printed_once_under_the_table_and_months_in_words() -> None:
    from core.figures import Missing
    from reports.templatetags.report_labels import missing_notes

    why = Missing("c", "The public release of ED attendances holds whole years; 2025/26 is not one of them.")
    rows = [{"count": why, "previous_year_count": why}, {"count": 5, "previous_year_count": why}]
    assert cell(rows[0], "count") == "not available"
    assert missing_notes(rows, ["count", "previous_year_count"]) == [why.reason]
    assert cell({"month": "2024-08"}, "month") == "August 2024"
    assert cell({"rate_per_1000": 1.46823}, "rate_per_1000") == "1.47"
    assert cell({"source": "ed"}, "source") == "Emergency departments"
    from datetime import date

    assert cell({"due": date(2025, 7, 31)}, "due") == "31 July 2025"


@pytest.fixture
def demo(demo_region, tmp_path: Path) -> dict:
    return demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=200, ed_per_month=20)


SNAKE = re.compile(r"[a-z0-9]+(_[a-z0-9]+)+")


def _sections(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<section id="section-\d+"[^>]*>\s*<h2[^>]*>([^<]*)</h2>(.*?)</section>', html, re.S)


def assert_reads_as_published(report: dict, written: dict) -> None:
    """Each section prints at most one chart or map and one table of at most ten rows, whose full rows are its
    CSV; every heading is in words; and the PDF prints every heading of every table near its data file's name
    with nothing past the page's right edge."""
    html = written["html"].read_text()
    printed = _sections(html)
    assert len(printed) == len(report["sections"])
    for (title, body), section in zip(printed, report["sections"], strict=True):
        assert body.count("<svg") <= 1, f"{title}: more than one chart or map"
        assert body.count("<table") <= 1, f"{title}: more than one table"
        table = section.table
        if "<table" not in body:
            continue
        assert len(re.findall(r"<tr>", re.search(r"<tbody>(.*?)</tbody>", body, re.S)[1])) <= 10, title
        assert f'Full table: <a href="{table.csv_name}">' in body, title
        with open(written["data"] / f"{table.name}.csv", newline="", encoding="utf-8") as handle:
            full = list(csv.DictReader(handle))
        assert len(full) == len(table.rows), f"{title}: the CSV does not hold every row"
        assert list(full[0]) == table.columns  # the CSV keeps the machine names, every column
        for row in printed_rows(table):
            assert {k: v for k, v in zip(table.columns, [str(csv_cell(row.get(c))) for c in table.columns],
                                         strict=True)} in [{k: str(v) for k, v in r.items()} for r in full]
    with zipfile.ZipFile(written["bundle"]) as bundle:  # the CSV bundle: every figure's full table
        assert sorted(bundle.namelist()) == sorted({f.csv_name for s in report["sections"] for f in s.figures})
    headings = [unescape(h) for h in re.findall(r"<th[^>]*>([^<]*)</th>", html)]
    assert headings and not [h for h in headings if "_" in h or SNAKE.fullmatch(h)], "a heading is snake_case"
    assert "first 25 of" not in html
    tables = re.findall(r'<table[^>]*data-figure="([^"]+)"[^>]*>.*?<thead>(.*?)</thead>', html, re.S)
    bbox = subprocess.run(["pdftotext", "-bbox", str(written["pdf"]), "-"], capture_output=True, text=True,
                          check=True).stdout
    pages = []
    for attributes, body in re.findall(r"<page ([^>]*)>(.*?)</page>", bbox, re.S):
        width = float(re.search(r'width="([\d.]+)"', attributes)[1])
        words = [(float(x_max), unescape(text)) for x_max, text in
                 re.findall(r'<word xMin="[\d.]+" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', body)]
        assert all(x <= width for x, _ in words), "a word runs past the page's right edge"
        pages.append(" ".join(text for _, text in words))
    for name, head in tables:
        columns = [unescape(h) for h in re.findall(r"<th[^>]*>([^<]*)</th>", head)]
        if any(c.endswith(" code") for c in columns):
            assert {"Name", "Area"} & set(columns), f"{name}: areas by code alone ({columns})"
        where = [i for i, text in enumerate(pages) if f"data/{name}.csv" in text]
        assert where, f"the table of {name} is not in the PDF"
        nearby = " ".join(pages[max(where[0] - 1, 0):where[0] + 1])
        for words in re.findall(r"<th[^>]*>([^<]*)</th>", head):
            for word in unescape(words).split():
                assert word in nearby, f"{name}: heading word {word!r} of {words!r} is not printed"


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext is not installed")
def test_every_report_reads_as_published_in_both_editions(demo_region, tmp_path: Path) -> None:
    """The SNA (public and partner), the annual report (public and partner) and the strategy's progress annex,
    on the synthetic demo: the public editions go through the public release as the public pages do."""
    from demo.strategy import add_strategy
    from reports.services.annual import build_annual_edition
    from reports.services.strategy_annex import build_annex

    demo_region(tmp_path / "demo", "2023-01", 36, police_per_month=200, ed_per_month=20)
    add_strategy("test")
    documents = {}
    for edition in ("public", "partner"):
        documents[f"sna-{edition}"] = build_sna(ReportPeriod(2024), edition=edition)
        documents[f"annual-{edition}"] = build_annual_edition(2024, edition)
    documents["annex"] = build_annex(2025)
    for stem, report in documents.items():
        report["stem"] = stem
        written = write_report(report, tmp_path / stem)
        assert_reads_as_published(report, written)
    for edition in ("public", "partner"):
        sna = documents[f"sna-{edition}"]
        key = sna["sections"][0]
        assert key.title == "Key findings" and key.summary
        # The summary repeats each later section's main finding, in the report's order.
        findings = [s.finding for s in sna["sections"][1:] if s.finding]
        assert len(findings) >= 5 and key.sentences[-len(findings):] == findings
        assert [s.number for s in sna["sections"]] == list(range(1, len(sna["sections"]) + 1))
        assert sum(1 for s in sna["sections"] if s.chart) >= 6  # maps and charts, one a section
        # The funding chart shows what its title says: the amount and the violence rate, for every area by name.
        funding = next(s.chart for s in sna["sections"] if s.chart and s.chart.name == "funding_by_area")
        assert "Amount awarded and violence rate by local authority" in funding.chart
        assert "Amount awarded (£)" in funding.chart and "Violence rate per 1,000 residents" in funding.chart
        assert all(f">{r['name']}</text>" in funding.chart for r in funding.rows)
    for edition in ("public", "partner"):
        annual = documents[f"annual-{edition}"]["sections"]
        assert annual[0].title == "Key findings" and annual[0].sentences == [
            s.finding or s.sentences[0] for s in annual[1:] if s.finding or s.sentences]
    assert documents["annex"]["sections"][0].title == "Progress at a glance"
    public_text = (tmp_path / "sna-public" / "sna-public.html").read_text()
    assert "Partner edition" not in public_text and "ED assault attendances by age band and sex" not in public_text
    assert "ED assault attendances by age band and sex" in (tmp_path / "sna-partner" / "sna-partner.html").read_text()
    # Every CSV says what it holds, even with no rows (the hot spots of a year with none were an empty file).
    for folder in ("sna-public", "sna-partner", "annual-public", "annual-partner"):
        for path in (tmp_path / folder / "data").glob("*.csv"):
            assert path.read_text().splitlines()[:1] != [""] and path.stat().st_size > 2, path.name
