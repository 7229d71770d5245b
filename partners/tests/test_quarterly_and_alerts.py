"""The quarterly return equals the query layer's figures, in CSV and XLSX alike; hot spot alerts are listed and
emailed once."""

import csv
import smtplib
from datetime import date

import pytest
from django.core.mail.backends import locmem
from django.core.management import call_command

from core.models import Organisation, User
from core.testing.fingertips import fingertips_export
from monitoring.models import MonitoringReturn, ReachCount
from partners.models import HotspotAlert
from partners.services.alerts import kinds_of, record_alerts, set_subscription
from partners.services.indicators import ingest_indicators
from partners.services.quarterly import Quarter, quarterly_return
from partners.services.success import success_measures

pytestmark = pytest.mark.django_db


def test_quarters_are_financial() -> None:
    quarter = Quarter.parse("2025Q3")
    assert (quarter.first_day, quarter.last_day) == (date(2025, 10, 1), date(2025, 12, 31))
    assert (Quarter.parse("2025Q4").first_day, Quarter.parse("2025Q4").last_day) == (date(2026, 1, 1),
                                                                                     date(2026, 3, 31))
    # The financial year may be named as the indicators' periods name it (their 2025Q3 is a calendar quarter).
    assert Quarter.parse("2025/26 Q3") == quarter
    for wrong in ("2025Q5", "2025/27 Q3", "Q3 2025"):
        with pytest.raises(ValueError):
            Quarter.parse(wrong)


def _returns() -> None:
    from core.testing.factories import project

    sport, arts = project("P-1"), project("P-2", theme="education")
    cells = [("10_17", "male", "new", 12), ("18_24", "female", "new", 7), ("25_plus", "male", "new", 3),
             ("10_17", "male", "continuing", 40)]
    for p, start, status in ((sport, date(2025, 10, 1), "accepted"), (arts, date(2025, 11, 1), "accepted"),
                             (arts, date(2025, 12, 1), "submitted"), (sport, date(2025, 7, 1), "accepted")):
        r = MonitoringReturn.objects.create(project=p, period_start=start, period_end=start.replace(day=28),
                                            status=status, professionals_trained=2, sessions_delivered=5)
        for band, sex, participation, n in cells:
            ReachCount.objects.create(monitoring_return=r, age_band=band, sex=sex, participation=participation,
                                      count=n)


def test_quarterly_return_equals_the_query_layer(tmp_path) -> None:
    from openpyxl import load_workbook

    _returns()
    ingest_indicators([fingertips_export(tmp_path / "f.csv", ["2019/20", "2024/25", "2025/26"])], "fingertips",
                      success_measure="hospital_admissions")
    call_command("report", "return", "--quarter", "2025Q3", "--out", str(tmp_path / "out"))
    with open(tmp_path / "out/vrp-return-2025Q3.csv", encoding="utf-8", newline="") as handle:
        written = list(csv.DictReader(handle))
    cell = {(r["section"], r["measure"], r["category"]): r["value"] for r in written}
    # Two accepted returns start in October–December 2025; continuing participants do not count.
    assert cell[("reach", "people reached", "10 to 17")] == "24"
    assert cell[("reach", "young people aged 24 and under reached", "all")] == "38"
    assert cell[("reach", "people over 24 reached", "all")] == "6"
    assert cell[("reach", "professionals trained (provider returns)", "all")] == "4"
    assert cell[("interventions", "projects with an accepted return", "Education")] == "1"
    success = {r["measure"]: r for r in success_measures(Quarter.parse("2025Q3").financial_year)}
    hospital = success["Hospital admissions for assault with a knife or sharp object"]
    assert cell[("success measures", hospital["measure"], "2025/26")] == str(hospital["count"]) == "2660"
    assert hospital["source"].startswith("indicator:")
    assert [{k: str(v) for k, v in r.items()} for r in quarterly_return(Quarter.parse("2025Q3"))] == [
        {k: v for k, v in r.items()} for r in written]
    sheet = load_workbook(tmp_path / "out/vrp-return-2025Q3.xlsx").active
    from_xlsx = [[("" if v is None else str(v)) for v in row] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert from_xlsx == [[r[c] for c in ("section", "measure", "category", "value", "source")] for r in written]


def test_hot_spot_alert_is_listed_and_emailed_once(client, mailoutbox) -> None:
    rows = [{"lsoa": "E01009001", "2022-01..2022-12": "", "2023-01..2023-12": "", "2024-01..2024-12": "hot spot",
             "pattern": "emerging hotspot"},
            {"lsoa": "E01009002", "2022-01..2022-12": "hot spot", "2023-01..2023-12": "hot spot",
             "2024-01..2024-12": "hot spot", "pattern": "persistent hotspot"},
            {"lsoa": "E01009003", "2022-01..2022-12": "hot spot", "2023-01..2023-12": "",
             "2024-01..2024-12": "", "pattern": "former hotspot"}]
    kinds = kinds_of(rows)
    assert kinds == {"E01009001": "emerging hot spot", "E01009002": "hot spot"}
    ours = Organisation.objects.create(name="Birmingham City Council", kind="local_authority",
                                       area_codes=["E01009001", "E01009002"])
    other = Organisation.objects.create(name="Coventry", kind="local_authority", area_codes=["E01009999"])
    Organisation.objects.create(name="No partners", kind="local_authority", area_codes=["E01009001"])
    partner = User.objects.create_user("p", "p@example.org", "a-long-password-1", role="partner", organisation=ours)
    User.objects.create_user("q", "q@example.org", "a-long-password-1", role="partner", organisation=other)
    set_subscription(partner, True)
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        new = record_alerts(kinds, "2024-12")
    assert {(a.organisation_id, a.lsoa_code) for a in new} == {(ours.pk, "E01009001"), (ours.pk, "E01009002")}
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["p@example.org"] and "E01009001" in mailoutbox[0].body
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert record_alerts(kinds, "2025-01") == []
    assert len(mailoutbox) == 1 and HotspotAlert.objects.count() == 2
    client.force_login(partner)
    page = client.get("/").content.decode()
    assert "New hot spots in your area" in page and "E01009001" in page and "emerging hot spot" in page
    client.force_login(User.objects.get(username="q"))
    assert "E01009001" not in client.get("/partners/alerts/").content.decode()


class FailsOnce(locmem.EmailBackend):
    """A mail backend whose first send fails (the mail server down), and every later one succeeds."""

    failures_left = 1

    def send_messages(self, messages):
        if FailsOnce.failures_left:
            FailsOnce.failures_left -= 1
            raise smtplib.SMTPServerDisconnected("the mail server went away")
        return super().send_messages(messages)


def test_an_alert_email_that_fails_is_sent_on_the_next_run_and_only_once(settings, mailoutbox) -> None:
    """The mail server fails on the first run: the alert stays unsent (not lost); the next run sends it, and a
    third run sends nothing more."""
    from django.test import TestCase

    settings.EMAIL_BACKEND = f"{__name__}.FailsOnce"
    FailsOnce.failures_left = 1
    ours = Organisation.objects.create(name="Birmingham City Council", kind="local_authority",
                                       area_codes=["E01009001"])
    partner = User.objects.create_user("p", "p@example.org", "a-long-password-1", role="partner", organisation=ours)
    set_subscription(partner, True)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert len(record_alerts({"E01009001": "hot spot"}, "2024-12")) == 1
    assert FailsOnce.failures_left == 0 and mailoutbox == []
    assert HotspotAlert.objects.get().emailed_at is None
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert record_alerts({"E01009001": "hot spot"}, "2025-01") == []
    assert [m.to for m in mailoutbox] == [["p@example.org"]] and "E01009001" in mailoutbox[0].body
    assert HotspotAlert.objects.get().emailed_at is not None
    with TestCase.captureOnCommitCallbacks(execute=True):
        record_alerts({"E01009001": "hot spot"}, "2025-02")
    assert len(mailoutbox) == 1


def test_after_an_ingest_new_hot_spots_in_a_partners_area_are_alerted_once(demo_region, tmp_path) -> None:
    """On the synthetic demo region (36 months of police.uk-format data): the check after an ingest makes one
    alert per hot spot or emerging hot spot LSOA in the partner's local authority, and nothing the second time."""
    from dataclasses import replace

    from core.testing.police_files import write_rows
    from insights.hotspots.query import persistence
    from insights.ingest.police_uk import ingest_police_uk
    from insights.query.access import for_region
    from insights.query.areas import local_authority_of
    from insights.query.figures import FigureQuery
    from partners.services.alerts import check_after_ingest

    demo_region(tmp_path / "demo", "2022-01", 36, police_per_month=150, ed_per_month=5, grid=(12, 10))
    from insights.query.areas import area_tables

    lsoas = sorted(area_tables()[1].to_pydict()["lsoa21_code"])
    focus = lsoas[len(lsoas) // 2]
    import shapely

    from geography.models import Boundary

    shapes = {b.area_code: shapely.from_wkb(bytes(b.geometry_wkb)) for b in Boundary.objects.filter(
        area_code__in=lsoas)}
    cluster = [code for code, shape in shapes.items() if code == focus or shape.touches(shapes[focus])]
    # A new cluster in 2024: many crimes in one LSOA and its neighbours, in files from another force (their own
    # partitions, so the demo's stay as they are).
    crimes = [{"Crime ID": f"x{m}{code}{i:03d}", "Month": f"2024-{m:02d}", "Reported by": "British Transport Police",
               "Falls within": "British Transport Police", "LSOA code": code, "Crime type": "Robbery"}
              for m in range(1, 13) for code in cluster for i in range(30)]
    files = []
    for m in range(1, 13):
        files.append(write_rows(tmp_path / f"2024-{m:02d}-btp-street.csv",
                                [c for c in crimes if c["Month"] == f"2024-{m:02d}"]))
    ingest_police_uk(files)
    rows = persistence(replace(for_region(FigureQuery("police")), month_from="2022-01", month_to="2024-12"))
    kinds = kinds_of(rows)
    assert focus in kinds
    lad = local_authority_of(sorted(kinds)[0])
    org = Organisation.objects.create(name="Partner LA", kind="local_authority", area_codes=[lad])
    User.objects.create_user("la", "la@example.org", "a-long-password-1", role="partner", organisation=org)
    provider = Organisation.objects.create(name="Provider", kind="provider", area_codes=[lad])
    User.objects.create_user("pr", "pr@example.org", "a-long-password-1", role="provider", organisation=provider)
    expected = {code: kind for code, kind in kinds.items() if local_authority_of(code) == lad}
    new = check_after_ingest("test")
    assert {(a.organisation_id, a.lsoa_code, a.pattern) for a in new} == {(org.pk, c, k) for c, k in expected.items()}
    assert check_after_ingest("test") == []


def test_the_four_quarters_add_up_to_the_years_reach_in_the_monitoring_query_layer() -> None:
    """Reach is counted by monitoring's rules: the four quarters of 2025/26 add up to monitoring's headline
    for the year (accepted returns only, new participants only), measure by measure."""
    from monitoring.services.reach import headline

    _returns()
    quarters = [quarterly_return(Quarter(2025, n)) for n in (1, 2, 3, 4)]

    def total(measure: str) -> int:
        return sum(r["value"] for rows in quarters for r in rows if r["measure"] == measure)

    year = headline(2025)
    assert year["reach_under_25"] == 57  # Q2's return (19) and Q3's two (38); the submitted one does not count
    assert total("young people aged 24 and under reached") == year["reach_under_25"]
    assert total("people over 24 reached") == year["reach_over_24"]
    assert total("professionals trained (provider returns)") == year["professionals_trained"]
    assert total("people reached") == year["reach_under_25"] + year["reach_over_24"]


def test_only_those_who_opted_in_on_the_alerts_page_are_emailed(client, mailoutbox) -> None:
    """Two partners of one organisation: the one who ticked the box on the alerts page is emailed, the other is
    not; unticking stops the emails."""
    from django.test import TestCase

    ours = Organisation.objects.create(name="Sandwell Council", kind="local_authority", area_codes=["E01009001"])
    keen = User.objects.create_user("keen", "keen@example.org", "a-long-password-1", role="partner",
                                    organisation=ours)
    User.objects.create_user("quiet", "quiet@example.org", "a-long-password-1", role="partner", organisation=ours)
    client.force_login(keen)
    assert client.post("/partners/alerts/", {"email": "on"}).status_code == 302
    assert 'id="email" name="email" checked' in client.get("/partners/alerts/").content.decode()
    with TestCase.captureOnCommitCallbacks(execute=True):
        record_alerts({"E01009001": "hot spot"}, "2024-12")
    assert [m.to for m in mailoutbox] == [["keen@example.org"]]
    assert client.post("/partners/alerts/", {}).status_code == 302
    with TestCase.captureOnCommitCallbacks(execute=True):
        record_alerts({"E01009001": "emerging hot spot"}, "2025-01")
    assert len(mailoutbox) == 1 and HotspotAlert.objects.count() == 2


def test_the_training_register_row_is_the_registers_distinct_professionals(tmp_path) -> None:
    """Professionals at the partnership's sessions, imported through the register's own plain CSV: a person at
    two sessions of the quarter counts once, and a session in another quarter counts in that quarter; with no one
    in two quarters, the quarters add up to the register's own yearly headline."""
    from engagement.figures import headline
    from engagement.models import Course
    from engagement.services.imports import import_attendance

    Organisation.objects.create(name="Test VRP", kind="vrp")
    Course.objects.create(code="exploitation-1", title="Exploitation", theme="education", length_minutes=120)
    rows = ["session,date,course,organisation,attendee,name,email,sector,count",
            "S-1,2025-10-14,exploitation-1,Test VRP,professional,Ann Lee,ann@example.org,education,",
            "S-1,2025-10-14,exploitation-1,Test VRP,professional,Bo Khan,bo@example.org,health,",
            "S-2,2025-11-20,exploitation-1,Test VRP,professional,Ann Lee,ann@example.org,education,",
            "S-2,2025-11-20,exploitation-1,Test VRP,professional,Cy Dunn,cy@example.org,police,",
            "S-3,2025-07-10,exploitation-1,Test VRP,professional,Di Roy,di@example.org,police,"]
    path = tmp_path / "register.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    import_attendance("cli", path, path.name)

    def register(quarter: str) -> int:
        return next(r["value"] for r in quarterly_return(Quarter.parse(quarter))
                    if r["measure"] == "professionals trained (training register)")

    yearly = next(r["value"] for r in headline(2025) if r["measure"] == "professionals_trained")
    assert (register("2025Q3"), register("2025Q2"), register("2025Q4")) == (3, 1, 0)
    assert register("2025Q2") + register("2025Q3") == yearly == 4


def test_the_home_page_lists_the_hot_spots_found_in_the_newest_data_only(client, small_street_file) -> None:
    """The home page's "new hot spots" are those found in the newest police.uk month loaded; an older alert stays
    on the alerts page, and with nothing new the home page says so."""
    from insights.ingest.police_uk import ingest_police_uk

    ingest_police_uk([small_street_file])  # police.uk data through 2024-03
    ours = Organisation.objects.create(name="Walsall Council", kind="local_authority",
                                       area_codes=["E01009001", "E01009002"])
    partner = User.objects.create_user("w", "w@example.org", "a-long-password-1", role="partner", organisation=ours)
    record_alerts({"E01009001": "hot spot"}, "2024-02")
    client.force_login(partner)
    home = client.get("/").content.decode()
    assert "E01009001" not in home and "No new hot spots in your area since the last data was loaded" in home
    assert "E01009001" in client.get("/partners/alerts/").content.decode()
    record_alerts({"E01009002": "emerging hot spot"}, "2024-03")
    home = client.get("/").content.decode()
    assert "E01009002" in home and "E01009001" not in home


def test_the_returns_xlsx_keeps_formula_like_text_as_text_and_unprefixed(tmp_path, monkeypatch) -> None:
    """A partner's indicator named like a formula reaches the return's XLSX as the text it is (a text cell, not a
    formula, and without the apostrophe the CSV puts before it)."""
    from openpyxl import load_workbook

    from partners.services import quarterly

    text = '=HYPERLINK("http://x.example","click")'
    monkeypatch.setattr(quarterly, "quarterly_return", lambda quarter: [
        {"section": "success measures", "measure": text, "category": "2025/26", "value": 12, "source": "-1+1"}])
    quarterly.write_return(Quarter.parse("2025Q3"), tmp_path)
    sheet = load_workbook(tmp_path / "vrp-return-2025Q3.xlsx").active
    measure, value, source = sheet["B2"], sheet["D2"], sheet["E2"]
    assert (measure.value, measure.data_type) == (text, "s")
    assert (source.value, source.data_type) == ("-1+1", "s") and value.value == 12
    with open(tmp_path / "vrp-return-2025Q3.csv", encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle))[1][1] != text  # the CSV neutralises it in its own way
