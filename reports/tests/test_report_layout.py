"""The SNA as a published document: word headings, short tables, nothing cut at the page's edge.

The PDF test reads each page's words with their positions (``pdftotext -bbox``, poppler): every word lies
inside the page, and every column heading of every printed table is found on the page that table ends on
(where its data file is named) or the page before.
"""

import re
import shutil
import subprocess
from html import unescape
from pathlib import Path

import pytest

from reports.services.annual import _reach_sentence
from reports.services.sna import ReportPeriod, build_sna, write_report
from reports.templatetags.report_labels import cell, heading, printed_columns

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


@pytest.fixture
def demo(demo_region, tmp_path: Path) -> dict:
    return demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=200, ed_per_month=20)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler's pdftotext is not installed")
def test_no_printed_table_is_wider_than_the_page(demo, tmp_path: Path) -> None:
    report = build_sna(ReportPeriod(2024), edition="public")
    report["stem"] = "sna"
    written = write_report(report, tmp_path / "out")
    html = written["html"].read_text()
    assert "_" not in "".join(re.findall(r"<th[^>]*>([^<]*)</th>", html))  # word headings only
    assert "first 25 of" not in html
    tables = re.findall(r'<table[^>]*data-figure="([^"]+)"[^>]*>.*?<thead>(.*?)</thead>', html, re.S)
    assert len(tables) >= 8
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
        where = [i for i, text in enumerate(pages) if f"data/{name}.csv" in text]
        assert where, f"the table of {name} is not in the PDF"
        nearby = " ".join(pages[max(where[0] - 1, 0):where[0] + 1])
        for words in re.findall(r"<th[^>]*>([^<]*)</th>", head):
            for word in unescape(words).split():
                assert word in nearby, f"{name}: heading word {word!r} of {words!r} is not printed"
