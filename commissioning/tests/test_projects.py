"""Project spreadsheet import: every problem named by line and column, all or nothing, re-runs change nothing."""

from datetime import date
from decimal import Decimal

import pytest

from commissioning.models import Project
from commissioning.services.projects import (
    PROJECT_COLUMNS,
    import_project_rows,
    parse_date,
    parse_locations,
    project_row,
    read_project_file,
)
from core.models import AuditEntry, Organisation
from core.problems import InputRejected

pytestmark = pytest.mark.django_db


def row(**overrides) -> dict[str, str]:
    base = {"identifier": "WM-001", "title": "Midnight football", "description": "Friday nights.",
            "provider": "Second Chance Football", "funder": "West Midlands VRP", "amount_awarded": "25,000",
            "award_date": "2024-03-15", "planned_start": "2024-04-01", "planned_end": "2025-03-31",
            "theme": "Sport", "area_codes": "E08000025; E05011118", "status": "active", "published": "yes",
            "delivery_locations": "Small Heath Leisure Centre, 52.4731, -1.8530"}
    return {**base, **overrides}


def test_a_valid_sheet_lands_with_organisations_and_locations() -> None:
    summary = import_project_rows([(2, row()), (3, row(identifier="WM-002", theme="vawg", published="no"))],
                                  "test", "projects.csv")
    assert (summary.created, summary.updated, summary.unchanged) == (2, 0, 0)
    project = Project.objects.get(identifier="WM-001")
    assert project.amount_awarded == Decimal("25000.00")
    assert project.area_codes == ["E05011118", "E08000025"]
    assert project.provider.kind == Organisation.Kind.PROVIDER
    assert [(loc.name, loc.latitude) for loc in project.locations.all()] == [("Small Heath Leisure Centre", 52.4731)]
    assert not Project.objects.get(identifier="WM-002").is_published


def test_every_problem_is_named_by_line_and_column_and_nothing_lands() -> None:
    rows = [(2, row()), (3, row(identifier="WM-002", amount_awarded="lots", theme="knitting")),
            (4, row(identifier="WM-003", award_date="31/02/2024", area_codes="E08000025 XX123")),
            (5, row(identifier="WM-001"))]
    with pytest.raises(InputRejected) as caught:
        import_project_rows(rows, "test", "projects.csv")
    where = {(p.line, p.column) for p in caught.value.problems}
    assert {(3, "amount_awarded"), (3, "theme"), (4, "award_date"), (4, "area_codes"), (5, "identifier")} <= where
    assert "projects.csv, line 3, column 'theme'" in str(caught.value)
    assert Project.objects.count() == 0 and Organisation.objects.count() == 0


@pytest.mark.parametrize(("overrides", "column"), [
    ({"age_from": "18", "age_to": "10"}, "age_to"),
    ({"age_from": "130"}, "age_from"),
    ({"return_period_months": "5"}, "return_period_months"),
    ({"identifier": "WM 001!"}, "identifier"),
    ({"currency": "pounds"}, "currency"),
    ({"description": ""}, "description"),
    ({"provider": ""}, "provider"),
    ({"delivery_locations": "Home, 40.0, -1.8"}, "delivery_locations"),
])
def test_a_row_is_refused_where_the_project_page_form_refuses_the_same_project(overrides: dict, column: str) -> None:
    from commissioning.forms import ProjectForm, ProjectRowForm
    from commissioning.services.projects import read_project_row

    project, problems = read_project_row(row(**overrides), 2, "p.csv")
    assert project is None and column in {p.column for p in problems}
    assert issubclass(ProjectRowForm, ProjectForm)
    fine, none = read_project_row(row(), 2, "p.csv")
    assert fine is not None and none == []


def test_model_rules_are_checked_too() -> None:
    with pytest.raises(InputRejected) as caught:
        import_project_rows([(2, row(planned_start="2025-04-01", planned_end="2024-04-01"))], "test", "p.csv")
    assert caught.value.problems[0].column == "planned_end"
    assert Project.objects.count() == 0


def test_importing_the_same_rows_again_changes_nothing_and_audits_nothing() -> None:
    import_project_rows([(2, row())], "test", "projects.csv")
    entries = AuditEntry.objects.count()
    summary = import_project_rows([(2, row())], "test", "projects.csv")
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)
    assert AuditEntry.objects.count() == entries


def test_a_changed_row_updates_the_project_and_records_what_changed() -> None:
    import_project_rows([(2, row())], "test", "projects.csv")
    summary = import_project_rows([(2, row(amount_awarded="30000"))], "test", "projects.csv")
    assert summary.updated == 1
    entry = AuditEntry.objects.filter(action="update", object_type="commissioning.Project").first()
    assert entry.changes["amount_awarded"] == ["25000.00", "30000.00"]


def test_the_download_is_an_import(tmp_path) -> None:
    import_project_rows([(2, row()), (3, row(identifier="WM-002", age_from="10", age_to="17"))], "test", "p.csv")
    import csv

    path = tmp_path / "download.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.DictWriter(handle, PROJECT_COLUMNS)
        writer.writeheader()
        writer.writerows(project_row(p) for p in Project.objects.order_by("identifier"))
    summary = import_project_rows(read_project_file(path), "test", path.name)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)


def test_a_sheet_with_unknown_or_missing_columns_is_refused(tmp_path) -> None:
    path = tmp_path / "p.csv"
    path.write_text("identifier,title,colour\nA,B,red\n")
    with pytest.raises(InputRejected) as caught:
        read_project_file(path)
    assert {p.column for p in caught.value.problems} >= {"description", "funder"}


def test_dates_and_places_are_read_as_people_write_them() -> None:
    assert parse_date("2024-04-01 00:00:00") == date(2024, 4, 1)
    assert parse_date("1/4/2024") == date(2024, 4, 1)
    with pytest.raises(ValueError):
        parse_date("April 2024")
    assert parse_locations("Hall, 52.1, -1.9\nPark, 52.2, -1.8") == [("Hall", 52.1, -1.9), ("Park", 52.2, -1.8)]
    with pytest.raises(ValueError, match="not in the UK"):
        parse_locations("Hall, -1.9, 52.1")


def test_the_project_page_links_its_impact_evaluation_for_whoever_may_open_it(client) -> None:
    """The link follows the impact page's own ``@allow``: analysts and commissioners see it (and may open the
    page); the provider and the public neither see it nor may open the page."""
    from core.roles import Role
    from core.testing.factories import organisation, project, user

    provider = organisation("Second Chance Football")
    project("SP-1", provider=provider)
    link = 'href="/monitoring/impact/SP-1/"'
    for role in (Role.ANALYST, Role.COMMISSIONER, Role.ADMINISTRATOR):
        client.force_login(user(role, None, role.value))
        assert link in client.get("/commissioning/projects/SP-1/").content.decode(), role
        assert client.get("/monitoring/impact/SP-1/").status_code != 403, role
    client.force_login(user(Role.PROVIDER, provider, "provider"))
    assert link not in client.get("/commissioning/projects/SP-1/").content.decode()
    assert client.get("/monitoring/impact/SP-1/").status_code == 403
    client.logout()
    assert link not in client.get("/commissioning/projects/SP-1/").content.decode()
