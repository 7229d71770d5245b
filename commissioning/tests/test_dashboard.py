"""The public commissioning dashboard: filters, totals, downloads, published projects only, commissioners' forms."""

import csv
import io
import json
from datetime import date
from decimal import Decimal

import openpyxl
import pytest

from commissioning.models import DeliveryLocation, Project
from commissioning.services.dashboard import (
    ProjectFilters,
    find_projects,
    overlapping_areas,
    project_table,
    reach_tiles,
    totals,
)
from core.models import AuditEntry
from core.roles import Role
from core.testing.factories import funder, organisation, project, user
from geography.models import AreaLink
from monitoring.services.returns import ReturnFigures, review_return, save_return, submit_return

pytestmark = pytest.mark.django_db


@pytest.fixture
def portfolio() -> dict[str, Project]:
    AreaLink.objects.create(child_code="E01000001", parent_code="E05000001", parent_level="ward")
    AreaLink.objects.create(child_code="E01000001", parent_code="E08000025", parent_level="lad")
    pcc = funder("Office of the Police and Crime Commissioner")
    found = {
        "football": project("F-1", title="Midnight football", theme="sport", area_codes=["E05000001"],
                            award_date=date(2024, 6, 1),
                            amount_awarded=Decimal("20000")),
        "mentoring": project("M-1", title="Mentoring in schools", theme="education", funder=pcc,
                             award_date=date(2023, 5, 1), area_codes=["E08000025"], amount_awarded=Decimal("5000")),
        "hidden": project("H-1", title="Unannounced pilot", is_published=False, amount_awarded=Decimal("999999")),
    }
    DeliveryLocation.objects.create(project=found["football"], name="Leisure centre", latitude=52.47,
                                    longitude=-1.85)
    accepted = save_return("p", found["football"], date(2024, 4, 1),
                           ReturnFigures(reach={("10_17", "male", "new"): 30}, professionals_trained=3))
    review_return("c", submit_return("p", accepted), accept=True)
    return found


def test_filters_find_published_projects(portfolio) -> None:
    def identifiers(**filters) -> set[str]:
        return {p.identifier for p in find_projects(ProjectFilters(**filters))}

    assert identifiers() == {"F-1", "M-1"}
    assert identifiers(theme="sport") == {"F-1"}
    assert identifiers(text="schools mentoring") == {"M-1"}
    assert identifiers(funder=portfolio["mentoring"].funder_id) == {"M-1"}
    assert identifiers(year=2023) == {"M-1"} and identifiers(year=2022) == set()
    # A project serving a ward is found from its local authority, and one serving the LA from the ward.
    assert overlapping_areas("E08000025") >= {"E05000001", "E01000001"}
    assert identifiers(area="E08000025") == {"F-1", "M-1"}
    assert identifiers(area="E05000001") == {"F-1", "M-1"}
    assert identifiers(area="E08000026") == set()


def test_totals_count_published_projects_and_reach_comes_from_the_public_release(portfolio) -> None:
    projects = find_projects(ProjectFilters())
    found = totals(projects)
    assert found["projects"] == 2 and found["amount_awarded"] == Decimal("25000")
    full, _ = reach_tiles(ProjectFilters(), projects, full=True)
    assert {r["measure"]: r["total"] for r in full} == {"reach_under_25": 30, "reach_over_24": 0,
                                                        "professionals_trained": 3, "professionals_reached": 3}
    # Professionals reached counts the whole programme (the register has no selection): not for a selection.
    selected, _ = reach_tiles(ProjectFilters(theme="sport"), projects, full=True)
    assert "professionals_reached" not in {r["measure"] for r in selected}
    # One quarter of returns is no whole year: the public release holds no reach yet, and says so.
    public, note = reach_tiles(ProjectFilters(), projects, full=False)
    assert public == [] and "No whole financial year" in note
    public, note = reach_tiles(ProjectFilters(text="football"), projects, full=False)
    assert public == [] and "not for a selection by words" in note


def test_anonymous_visitors_see_only_published_projects(client, portfolio) -> None:
    page = client.get("/commissioning/")
    assert page.status_code == 200
    assert b"Midnight football" in page.content and b"Unannounced pilot" not in page.content
    assert client.get("/commissioning/projects/H-1/").status_code == 404
    assert client.get("/commissioning/projects/F-1/").status_code == 200
    for fmt in ("csv", "json"):
        body = client.get(f"/commissioning/projects.{fmt}").content
        assert b"F-1" in body and b"H-1" not in body
    assert b"H-1" not in client.get("/commissioning/360giving.json").content
    assert b"Leisure centre" in client.get("/commissioning/delivery.geojson").content


def test_downloads_equal_the_page_figures(client, portfolio) -> None:
    expected = project_table(find_projects(ProjectFilters(theme="sport")))
    rows = list(csv.DictReader(io.StringIO(client.get("/commissioning/projects.csv?theme=sport").content.decode())))
    assert [r["identifier"] for r in rows] == [r["identifier"] for r in expected]
    # Reach per project is not public (returns are controlled): marked, with the reason in the JSON.
    assert rows[0]["reach_under_25"] == "[c]" and rows[0]["professionals_trained"] == "[c]"
    body = json.loads(client.get("/commissioning/projects.json?theme=sport").content)
    assert body["rows"][0]["amount_awarded"] == 20000 and body["rows"][0]["professionals_trained"] is None
    assert "public release" in body["rows"][0]["notes"]["reach_under_25"]
    sheet = openpyxl.load_workbook(io.BytesIO(client.get("/commissioning/projects.xlsx?theme=sport").content)).active
    assert [c.value for c in sheet[2]][0] == "F-1"
    page = client.get("/commissioning/?theme=sport")
    assert b'data-total="projects">1<' in page.content
    assert client.get("/commissioning/?area=nonsense").status_code == 400


def test_providers_see_their_unpublished_project_but_not_others(client, portfolio) -> None:
    client.force_login(user(Role.PROVIDER, portfolio["hidden"].provider))
    assert client.get("/commissioning/projects/H-1/").status_code == 200
    client.force_login(user(Role.PROVIDER, organisation("Provider B"), name="other"))
    assert client.get("/commissioning/projects/H-1/").status_code == 404


def test_commissioners_create_and_edit_projects_with_clear_validation(client, portfolio) -> None:
    client.force_login(user(Role.COMMISSIONER))
    base = {"identifier": "N-1", "title": "New work", "description": "d", "provider": portfolio["football"].provider_id,
            "funder": portfolio["football"].funder_id, "amount_awarded": "1000", "award_date": "2024-06-01",
            "planned_start": "2024-07-01", "planned_end": "2024-06-30", "theme": "health", "status": "active",
            "return_period_months": "3", "area_codes_text": "E08000025 nonsense", "delivery_locations": "Hall, 1, 2"}
    response = client.post("/commissioning/manage/projects/new/", base)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"planned_end", "area_codes_text", "delivery_locations"} <= set(errors)
    assert not Project.objects.filter(identifier="N-1").exists()
    fixed = {**base, "planned_end": "2025-03-31", "area_codes_text": "E08000025",
             "delivery_locations": "Hall, 52.48, -1.9"}
    assert client.post("/commissioning/manage/projects/new/", fixed).status_code == 302
    created = Project.objects.get(identifier="N-1")
    assert created.area_codes == ["E08000025"] and created.locations.get().name == "Hall"
    client.post("/commissioning/manage/projects/N-1/edit/", {**fixed, "amount_awarded": "1500"})
    assert Project.objects.get(identifier="N-1").amount_awarded == Decimal("1500")
    assert AuditEntry.objects.filter(object_type="commissioning.Project", action="update",
                                     changes__has_key="amount_awarded").exists()


def test_bulk_import_page_reports_problems_and_saves_nothing(client, portfolio) -> None:
    client.force_login(user(Role.COMMISSIONER))
    from django.core.files.uploadedfile import SimpleUploadedFile

    sheet = ("identifier,title,description,provider,funder,amount_awarded,award_date,theme\n"
             "B-1,Boxing,Gym sessions,Gym CIC,Test VRP,5000,2024-05-01,sport\n"
             "B-2,Knife crime talk,Assemblies,Talk Ltd,Test VRP,-5,2024-05-01,education\n")
    response = client.post("/commissioning/manage/import/", {
        "kind": "projects", "file": SimpleUploadedFile("sheet.csv", sheet.encode())})
    assert response.status_code == 400
    assert b"sheet.csv, line 3, column &#x27;amount_awarded&#x27;" in response.content
    assert not Project.objects.filter(identifier__startswith="B-").exists()
    fixed = sheet.replace("-5,", "500,")
    response = client.post("/commissioning/manage/import/", {
        "kind": "projects", "file": SimpleUploadedFile("sheet.csv", fixed.encode())})
    assert response.status_code == 200 and Project.objects.filter(identifier__startswith="B-").count() == 2


def test_signed_in_commissioners_see_professionals_reached_in_full(client) -> None:
    """The register's 25 professionals of 2024/25 (10 at two sessions, counted once) and what P-1's accepted
    returns report beyond its 20 register people (34 - 20), each once: 39, in full (the public see the release's
    rounded 40); an unpublished project's returns and a filtered selection leave it out."""
    from datetime import date

    from core.roles import Role
    from core.testing.engagement import person, session
    from core.testing.factories import project, user
    from monitoring.services.returns import ReturnFigures, review_return, save_return, submit_return

    sport = project("P-1", area_codes=["E08000025"])
    session(date(2024, 4, 10), [person(n) for n in range(20)], lad_code="E08000025", project=sport)
    session(date(2025, 1, 15), [person(n) for n in [*range(10), *range(20, 25)]], lad_code="E08000026")
    hidden = project("P-2", is_published=False)
    for chosen, start, trained in ((sport, date(2024, 4, 1), 30), (sport, date(2024, 7, 1), 4),
                                   (hidden, date(2024, 4, 1), 50)):
        saved = save_return("test", chosen, start, ReturnFigures(professionals_trained=trained))
        review_return("test", submit_return("test", saved), accept=True)
    client.force_login(user(Role.COMMISSIONER, None, "commissioner"))
    page = client.get("/commissioning/").content.decode()
    assert 'data-total="professionals_reached">39<' in page and 'data-total="professionals_trained">34<' in page
    assert "Professionals reached (training register and returns, each once)" in page
    assert 'data-total="professionals_reached"' not in client.get("/commissioning/?theme=sport").content.decode()
