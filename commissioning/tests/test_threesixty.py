"""360Giving out and in: exports validate against the standard's schema; files round-trip; bad files land nothing."""

import json
from datetime import date
from decimal import Decimal

import jsonschema
import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from commissioning.models import DeliveryLocation, Project
from commissioning.services.threesixty import export_file, export_package, import_360giving
from core.models import Organisation
from core.problems import InputRejected
from core.testing.factories import organisation, programme, project
from core.testing.standards import threesixty_package

pytestmark = pytest.mark.django_db

@pytest.fixture
def projects() -> list[Project]:
    first = project("WM-001", programme=programme(), age_from=10, age_to=17, target_cohort="pupils at risk")
    DeliveryLocation.objects.create(project=first, name="Youth centre", latitude=52.48, longitude=-1.89)
    second = project("WM-002", provider=organisation("Provider B"), theme="vawg", planned_start=None,
                     planned_end=None, area_codes=["E05011118", "E01009000"], amount_awarded=Decimal("1234.56"))
    second.provider.org_identifier = "GB-CHC-1234567"
    second.provider.save()
    project("WM-003", is_published=False)
    return [first, second]


def test_export_is_valid_360giving_with_prefixed_identifiers_and_location_codes(projects, settings, tmp_path) -> None:
    settings.VRP_360GIVING_PREFIX = "360G-wmvrp"
    out = tmp_path / "grants.json"
    assert export_file("json", out) == 2  # the unpublished project is left out
    package = json.loads(out.read_text())
    threesixty_package().validate(package)
    grants = {g["id"]: g for g in package["grants"]}
    assert set(grants) == {"360G-wmvrp-WM-001", "360G-wmvrp-WM-002"}
    second = grants["360G-wmvrp-WM-002"]
    assert second["amountAwarded"] == 1234.56
    assert second["recipientOrganization"][0]["id"] == "GB-CHC-1234567"
    assert {(b["geoCode"], b["geoCodeType"]) for b in second["beneficiaryLocation"]} == {("E05011118", "WD"),
                                                                                        ("E01009000", "LSOA")}
    first = grants["360G-wmvrp-WM-001"]
    assert first["recipientOrganization"][0]["id"].startswith("360G-wmvrp-org-")
    assert first["plannedDates"] == [{"startDate": "2024-04-01", "endDate": "2025-03-31"}]
    assert {"name": "Youth centre", "latitude": 52.48, "longitude": -1.89,
            "description": "Delivery location"} in first["beneficiaryLocation"]


def test_a_broken_export_would_fail_the_schema(projects) -> None:
    package = export_package(projects)
    del package["grants"][0]["awardDate"]
    with pytest.raises(jsonschema.ValidationError):
        threesixty_package().validate(package)
    package = export_package(projects)
    package["grants"][0]["beneficiaryLocation"][-1]["latitude"] = "52.48"  # a number as text, as once exported
    with pytest.raises(jsonschema.ValidationError):
        threesixty_package().validate(package)


def test_json_round_trip_into_an_empty_platform(projects, tmp_path) -> None:
    out = tmp_path / "grants.json"
    export_file("json", out)
    before = {p.identifier: (p.title, p.amount_awarded, p.theme, p.provider.name, sorted(p.area_codes),
                             p.planned_start, [(loc.name, loc.latitude) for loc in p.locations.all()])
              for p in Project.objects.filter(is_published=True)}
    assert import_360giving(out, "test").unchanged == 2  # our own export: nothing to change
    Project.objects.all().delete()
    summary = import_360giving(out, "test")
    assert summary.created == 2
    after = {p.identifier: (p.title, p.amount_awarded, p.theme, p.provider.name, sorted(p.area_codes),
                            p.planned_start, [(loc.name, loc.latitude) for loc in p.locations.all()])
             for p in Project.objects.all()}
    assert after == before


def test_spreadsheet_round_trip(projects, tmp_path) -> None:
    out = tmp_path / "grants.xlsx"
    export_file("xlsx", out)
    header = [c.value for c in openpyxl.load_workbook(out).active[1]]
    assert {"Identifier", "Amount Awarded", "Recipient Org:Identifier", "Funding Org:Name",
            "Beneficiary Location:0:Geographic Code"} <= set(header)
    assert import_360giving(out, "test").unchanged == 2
    Project.objects.filter(identifier="WM-002").delete()
    assert import_360giving(out, "test").created == 1
    assert Project.objects.get(identifier="WM-002").amount_awarded == Decimal("1234.56")


def test_another_funders_grants_keep_their_identifiers_and_take_the_given_theme(tmp_path) -> None:
    grant = {"id": "360G-other-00042", "title": "Youth club", "description": "Evenings.", "currency": "GBP",
             "amountAwarded": 5000, "awardDate": "2019-06-01",
             "recipientOrganization": [{"id": "GB-CHC-999", "name": "Club"}],
             "fundingOrganization": [{"id": "GB-CHC-1", "name": "Trust"}],
             "beneficiaryLocation": [{"name": "Birmingham", "geoCode": "E08000025", "geoCodeType": "MD"},
                                     {"name": "Somewhere", "geoCode": "K02000001"}]}
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"grants": [grant]}))
    with pytest.raises(InputRejected, match="--theme"):
        import_360giving(path, "test")
    import_360giving(path, "test", theme="sport")
    imported = Project.objects.get()
    assert (imported.identifier, imported.external_id) == ("360G-other-00042", "360G-other-00042")
    assert imported.area_codes == ["E08000025"] and imported.award_date == date(2019, 6, 1)
    assert Organisation.objects.get(org_identifier="GB-CHC-999").name == "Club"
    exported = export_package([imported])["grants"][0]
    assert exported["id"] == "360G-other-00042"


def test_bad_files_name_each_grant_and_field_and_land_nothing(tmp_path, projects) -> None:
    count = Project.objects.count()
    bad = {"grants": [
        {"id": "360G-vrp-X1", "title": "A", "description": "d", "currency": "GBP", "amountAwarded": "lots",
         "awardDate": "2024-01-01", "recipientOrganization": [{"id": "GB-1", "name": "R"}],
         "fundingOrganization": [{"id": "GB-2", "name": "F"}],
         "classifications": [{"vocabulary": "vrp-platform:theme", "code": "sport"}]},
        {"id": "360G-vrp-X2", "description": "d", "currency": "GBP", "amountAwarded": 1, "awardDate": "2024-01-01",
         "recipientOrganization": [{"name": "R"}], "fundingOrganization": [{"id": "GB-2", "name": "F"}]},
    ]}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(InputRejected) as caught:
        import_360giving(path, "test")
    text = str(caught.value)
    assert "grants[0]" in text and "Amount Awarded" in text
    assert "grants[1]" in text and "'Title' is missing" in text and "Recipient Org:Identifier" in text
    assert Project.objects.count() == count
    (tmp_path / "broken.json").write_text("{not json")
    with pytest.raises(InputRejected, match="not valid JSON"):
        import_360giving(tmp_path / "broken.json", "test")
    (tmp_path / "list.json").write_text("[]")
    with pytest.raises(InputRejected, match="'grants' list"):
        import_360giving(tmp_path / "list.json", "test")


def test_command_line_export_and_import(projects, tmp_path, capsys) -> None:
    out = tmp_path / "g.xlsx"
    call_command("commissioning", "export-360giving", "--format", "xlsx", "--out", str(out))
    assert "Wrote 2 grants" in capsys.readouterr().out
    call_command("commissioning", "import-360giving", str(out))
    assert "2 unchanged" in capsys.readouterr().out
    (tmp_path / "bad.json").write_text('{"grants": [{}]}')
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("commissioning", "import-360giving", str(tmp_path / "bad.json"))
