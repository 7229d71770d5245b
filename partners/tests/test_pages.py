"""The partners pages: who sees what (deny by default; partners see their own areas' indicator values), the
downloads are the page's rows, and the baseline year is the analysts' to set."""

import csv
import io
import json

import pytest

from core.models import Organisation, User
from core.testing.fingertips import fingertips_export
from partners.services.indicators import ingest_indicators

pytestmark = pytest.mark.django_db


@pytest.fixture
def loaded(tmp_path):
    ingest_indicators([fingertips_export(tmp_path / "f.csv", ["2019/20", "2023/24", "2024/25"])], "fingertips",
                      unit="per 100,000", success_measure="hospital_admissions")


def user(role: str, areas: list[str]) -> User:
    org = Organisation.objects.create(name=f"{role} org", kind="local_authority", area_codes=areas)
    return User.objects.create_user(role, f"{role}@example.org", "a-long-password-1", role=role, organisation=org)


def test_success_page_public_and_analyst(client, loaded) -> None:
    public = json.loads(client.get("/partners/success.json?year=2024/25").content)
    rows = {r["measure"].split(" ")[0]: r for r in public["rows"]}
    assert rows["Hospital"]["proxy"] == "no" and rows["Hospital"]["value"] is None
    assert rows["Knife-enabled"]["proxy"] == "yes"
    client.force_login(user("analyst", []))
    page = client.get("/partners/success/?year=2024/25&area=E08000025").content.decode()
    assert "Hospital admissions for violence" in page and "proxy" in page
    # Headings in words, and a title's capitals (ISTV) kept in the download link.
    assert "Lower 95% confidence limit" in page and "Change since the baseline (%)" in page
    assert "ci95" not in page.replace("lower_ci95", "").replace("upper_ci95", "") and "baseline percent" not in page
    assert "Download Home Office success measures (CSV)" in page
    from core.templatetags.vrp_figures import mid_sentence

    assert mid_sentence("By local authority") == "by local authority"
    assert mid_sentence("Emergency department attendances (ISTV)") == "emergency department attendances (ISTV)"
    text = client.get("/partners/success.csv?year=2024/25&area=E08000025").content.decode()
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["count"] == "260" and float(row["value"]) > 0
    assert client.get("/partners/success.json?year=someday").status_code == 400


def test_baseline_year_is_set_by_analysts_only(client) -> None:
    client.force_login(user("partner", ["E08000025"]))
    assert client.post("/partners/success/", {"baseline_year": "2020/21"}).status_code == 403
    client.force_login(user("analyst", []))
    assert client.post("/partners/success/", {"baseline_year": "2020/21"}).status_code == 302
    assert "Baseline year set by the partnership: 2020/21" in client.get("/partners/success/").content.decode()
    assert client.post("/partners/success/", {"baseline_year": "last year"}).status_code == 400


def test_indicator_values_partners_see_their_own_areas(client, loaded) -> None:
    assert client.get("/partners/indicators/").status_code == 302  # the public: sign in first
    client.force_login(user("partner", ["E08000026"]))
    rows = json.loads(client.get("/partners/indicators.json").content)["rows"]
    assert rows and {r["area_code"] for r in rows} == {"E08000026"}
    assert rows[0]["unit"] == "per 100,000" and rows[0]["lower_ci95"] < rows[0]["value"]
    client.force_login(user("provider", ["E08000026"]))
    assert client.get("/partners/indicators/").status_code == 403
    client.force_login(user("commissioner", []))
    rows = json.loads(client.get("/partners/indicators.json").content)["rows"]
    assert len({r["area_code"] for r in rows}) == 8


def test_stop_and_search_page_is_open(client, shared_data) -> None:
    from partners.services.stop_search import ingest_stop_search

    ingest_stop_search([shared_data / "police-uk/stop-and-search/2019-06-greater-manchester-stop-and-search.csv"])
    rows = json.loads(client.get("/partners/stop-and-search.json?force=greater-manchester").content)["rows"]
    weapons = next(r for r in rows if r["object_of_search"] == "Offensive weapons")
    assert weapons["searches"] == 157
    assert sum(r["searches"] for r in rows) == 907
    assert json.loads(client.get("/partners/stop-and-search.json?force=kent").content)["rows"] == []


def test_offensive_weapons_searches_by_age(client, shared_data) -> None:
    from collections import Counter

    from partners.services.stop_search import ingest_stop_search

    path = shared_data / "police-uk/stop-and-search/2019-06-greater-manchester-stop-and-search.csv"
    ingest_stop_search([path])
    with open(path, encoding="utf-8", newline="") as handle:
        expected = Counter(r["Age range"] or "not recorded" for r in csv.DictReader(handle)
                           if r["Object of search"] == "Offensive weapons")
    rows = json.loads(client.get("/partners/stop-and-search.json?by=age").content)["rows"]
    assert {r["age_range"]: r["searches"] for r in rows} == dict(expected)
    assert "offensive weapons by age range" in client.get("/partners/stop-and-search/?by=age").content.decode()


def test_a_year_no_source_holds_is_refused_not_shown_blank(demo_region, client, loaded, tmp_path) -> None:
    demo_region(tmp_path / "demo", "2023-01", 13, police_per_month=50, ed_per_month=5,
                with_commissioning=False, grid=(6, 5))
    for url in ("/partners/success.csv?year=2099", "/partners/success.json?year=2099/00"):
        response = client.get(url)
        assert response.status_code == 400 and b"there is no data for 2099" in response.content
    assert client.get("/partners/success.json?year=2023").status_code == 200
    # A year only a partner's indicator covers is still shown: 2019/20 is in the loaded Fingertips export.
    assert client.get("/partners/success.json?year=2019/20").status_code == 200
