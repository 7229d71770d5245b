"""Formula injection: text that a spreadsheet would run (``=HYPERLINK(...)``) is text in every CSV and XLSX the
platform writes, whatever the source (a form, a 360Giving import, an evidence item)."""

import csv
import io
from datetime import date

import openpyxl
import pytest

from core.render import FORMULA_STARTS
from core.roles import Role
from core.testing.factories import organisation, project, user
from monitoring.services.returns import ReturnFigures, review_return, save_return, submit_return

pytestmark = pytest.mark.django_db
PAYLOAD = '=HYPERLINK("http://x","click")'


@pytest.fixture
def hostile(client) -> dict:
    from evidence.models import EvidenceItem
    from evidence.services.items import save_item

    found = project("X-1", title=PAYLOAD, target_cohort="+1 young people", provider=organisation("@provider"))
    accepted = save_return("p", found, date(2024, 4, 1), ReturnFigures(reach={("10_17", "male", "new"): 30}))
    review_return("c", submit_return("p", accepted), accept=True)
    save_item("test", EvidenceItem(title=PAYLOAD, summary="-2+3", kind="toolkit", status="published"))
    return {"commissioner": user(Role.COMMISSIONER, None, "commissioner")}


def downloads(client, hostile) -> dict[str, bytes]:
    public = {url: client.get(url) for url in ("/commissioning/projects.csv", "/commissioning/projects.xlsx",
                                               "/commissioning/360giving.xlsx", "/evidence/catalogue.csv")}
    client.force_login(hostile["commissioner"])
    signed_in = {url: client.get(url) for url in (
        "/commissioning/manage/projects.csv", "/commissioning/manage/projects.xlsx", "/monitoring/reach.csv?by=project",
        "/monitoring/reach.xlsx?by=project", "/monitoring/late.csv", "/monitoring/late.xlsx")}
    found = {}
    for url, response in {**public, **signed_in}.items():
        assert response.status_code == 200, url
        found[url] = b"".join(response.streaming_content) if response.streaming else response.content
    return found


def test_formula_text_is_text_in_every_csv_and_xlsx(client, hostile) -> None:
    seen = 0
    for url, content in downloads(client, hostile).items():
        if ".csv" in url:
            cells = [cell for row in csv.reader(io.StringIO(content.decode())) for cell in row]
            assert not [c for c in cells if c.startswith(FORMULA_STARTS)], url
            seen += sum(1 for c in cells if c == "'" + PAYLOAD)
        else:
            workbook = openpyxl.load_workbook(io.BytesIO(content))
            cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
            assert not [c.value for c in cells if c.data_type == "f"], url  # no formula anywhere
            seen += sum(1 for c in cells if c.value == PAYLOAD and c.data_type == "s")
    assert seen >= 8  # the title reached the downloads, as text


def test_the_report_csvs_neutralise_formula_text(tmp_path) -> None:
    from reports.services.sna import Figure, Section, write_report

    report = {"title": "t", "sections": [Section(1, "s", figures=[Figure("x", "x", ["name"], [{"name": PAYLOAD}])])],
              "stem": "r"}
    write_report(report, tmp_path, pdf=False)
    assert (tmp_path / "data" / "x.csv").read_text().splitlines()[1] == "\"'=HYPERLINK(\"\"http://x\"\",\"\"click\"\")\""
