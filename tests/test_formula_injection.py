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


def _hostile_region(demo_region, tmp_path) -> None:
    """The small demo region with formula text in every free-text field that downloads carry: project, programme,
    funder, organisation, course, route, story and commitment titles and names (each made unique)."""
    from django.apps import apps

    demo_region(tmp_path / "demo", "2024-01", 12, police_per_month=50, ed_per_month=5, grid=(8, 5))
    for label, field in (("commissioning.Project", "title"), ("commissioning.Programme", "title"),
                         ("commissioning.Funder", "name"), ("core.Organisation", "name"),
                         ("engagement.Course", "title"), ("places.Route", "name"), ("places.Story", "title"),
                         ("strategy.Commitment", "title")):
        model = apps.get_model(label)
        for pk in model.objects.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(**{field: f'=HYPERLINK("http://x","{label}{pk}")'})


def _download_paths() -> list[str]:
    """Every CSV and XLSX download route of the URL map, made concrete with objects of the demo region (every
    registered figure for the figure routes)."""
    from commissioning.models import Project
    from core import figures as registry
    from core import sources
    from core.testing.urls import platform_views
    from engagement.views.figures import FIGURES as ENGAGEMENT_FIGURES
    from monitoring.models import MonitoringReturn
    from places.models import Route, School
    from places.stories.models import Chapter

    project = Project.objects.order_by("identifier").first()
    returned = MonitoringReturn.objects.order_by("pk").first()
    chapter = Chapter.objects.exclude(layer=Chapter.Layer.NONE).select_related("story").order_by("pk").first()
    values = {"<slug:identifier>": [project.identifier], "<int:year>": ["2024"],
              "<str:period>": [f"{returned.period_start:%Y-%m-%d}" if returned else "2024-04-01"],
              "<int:route_id>": [str(pk) for pk in Route.objects.values_list("pk", flat=True)[:1]],
              "<int:urn>": [str(urn) for urn in School.objects.values_list("urn", flat=True)[:1]],
              "<slug:story>": [chapter.story.slug] if chapter else [], "<int:number>": [str(chapter.position)]
              if chapter else [],
              "<slug:source>": [s.name for s in sources.sources() if s.release is not None],
              "<slug:name>": [f.name for f in registry.family("insights")],
              "<slug:figure>": list(ENGAGEMENT_FIGURES)}
    paths = []
    for route, _ in platform_views():
        if "<str:fmt>" not in route and not route.endswith(".csv"):
            continue
        concrete = ["/" + route]
        for pattern, options in values.items():
            if pattern in route:
                concrete = [c.replace(pattern, option) for c in concrete for option in options]
        for fmt in ("csv", "xlsx"):
            paths += [c.replace("<str:fmt>", fmt) for c in concrete if "<" not in c.replace("<str:fmt>", fmt)]
    return sorted(set(paths))


def _number(cell: str) -> bool:
    """A negative number (``-0.63``) is a number, not a formula."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_every_csv_and_xlsx_route_writes_formula_text_as_text(client, demo_region, tmp_path) -> None:
    """Walk every download route of the URL map (not a list kept by hand), as an administrator who may see every
    one, on a region whose titles and names are all formula text: no CSV cell starts with a formula character and
    no XLSX cell is a formula."""
    _hostile_region(demo_region, tmp_path)
    client.force_login(user(Role.ADMINISTRATOR, None, "administrator"))
    answered, carried = [], []
    for path in _download_paths():
        response = client.get(path, {"from": "2024-01", "to": "2024-12"} if "/insights/" in path else {})
        if response.status_code != 200:
            continue
        content = b"".join(response.streaming_content) if response.streaming else response.content
        answered.append(path)
        if content.startswith(b"PK"):
            workbook = openpyxl.load_workbook(io.BytesIO(content))
            cells = [cell for sheet in workbook.worksheets for row in sheet.iter_rows() for cell in row]
            assert not [c.value for c in cells if c.data_type == "f"], path
            texts = [str(c.value) for c in cells if c.value is not None]
            assert not [t for t in texts if t.startswith("'=HYPERLINK")], (path, "an apostrophe written into XLSX")
            hostile = [t for t in texts if t.startswith("=HYPERLINK")]
        else:
            cells = [cell for row in csv.reader(io.StringIO(content.decode())) for cell in row]
            assert not [c for c in cells if c.startswith(FORMULA_STARTS) and not _number(c)], path
            hostile = [c for c in cells if c.startswith("'=HYPERLINK")]
        if hostile:
            carried.append(path)
    # The walk reached the downloads (csv and xlsx of most routes), and the formula text reached many of them.
    assert len(answered) >= 30 and any(p.endswith(".xlsx") for p in carried), (answered, carried)
    assert len(carried) >= 8, carried
