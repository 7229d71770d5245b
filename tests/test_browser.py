"""Real-browser tests: Debian's chromium driven by Playwright, WCAG 2.2 AA checked with axe-core.

They need /usr/bin/chromium and axe-core (installed into .ci/node by `make test`). Where either is absent
they skip and say why; in CI (VRP_TEST_REQUIRE_BROWSER=1) their absence is a failure.
"""

import csv
import io
from pathlib import Path

from core import figures as registry
from core.testing.browser import axe_violations, sign_in
from insights.query.access import PUBLIC
from insights.query.catalogue import default_query


def test_overview_figures_filters_download_and_accessibility(demo, live_server, page) -> None:
    page.goto(f"{live_server.url}/insights/")
    headline = {r["measure"]: r for r in registry.get("headline").table(default_query(), PUBLIC).rows}
    shown = page.locator('[data-measure="violence"]').inner_text()
    assert shown.replace(",", "") == str(headline["violence"]["count"])
    assert axe_violations(page) == []

    page.wait_for_selector("#map path.leaflet-interactive")
    page.evaluate("window.vrpMarker = 1")  # survives an htmx update, not a full page load
    page.select_option("#id_source", "ed")
    page.select_option("#id_from", "2023-04")  # the financial year 2023/24: ED data is public for whole years only
    page.select_option("#id_to", "2024-03")
    page.click("text=Apply filters")
    page.wait_for_url("**source=ed**")
    assert "emergency department" in page.locator(".govuk-body-l").first.inner_text()
    assert page.locator("#day_and_hour-title").is_visible()  # shown, with the release's reason it is not public
    assert page.evaluate("window.vrpMarker") == 1, "the filters updated the figures in place"
    page.wait_for_selector("#map path.leaflet-interactive")  # the map is drawn again after the update
    assert axe_violations(page) == []

    with page.expect_download() as download:
        page.click("text=Download by local authority (CSV)")
    rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
    query = default_query("ed")
    from dataclasses import replace

    expected = registry.get("local_authorities").table(replace(query, month_from="2023-04", month_to="2024-03"),
                                                       PUBLIC).rows
    assert [r["lad"] for r in rows] == [r["lad"] for r in expected]


def test_bad_filter_is_reported_accessibly(live_server, page, transactional_db) -> None:
    page.goto(f"{live_server.url}/insights/?from=2024-13")
    assert "Enter a month as YYYY-MM" in page.locator(".govuk-error-summary").inner_text()
    assert axe_violations(page) == []


def test_home_and_sign_in_pages_are_accessible(live_server, page, transactional_db) -> None:
    for path in ("/", "/accounts/login/"):
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path


def test_hotspots_and_area_profile_pages_are_accessible(demo, live_server, page) -> None:
    page.goto(f"{live_server.url}/insights/hotspots/?from=2024-01&to=2024-12")
    assert "false discovery rate" in page.content()
    assert axe_violations(page) == []
    with page.expect_download() as download:
        page.click("text=Download every LSOA's result (CSV)")
    assert len(Path(download.value.path()).read_text().splitlines()) == demo["lsoas"] + 1
    page.goto(f"{live_server.url}/insights/?area=E08900002&from=2024-01&to=2024-12")
    assert page.locator("#comparison-title").is_visible()
    assert axe_violations(page) == []


def sign_out(page) -> None:
    page.click("text=Sign out")


def test_a_provider_return_once_accepted_changes_the_public_dashboard(live_server, page, transactional_db) -> None:
    """Returns are controlled data: the public dashboard shows reach from the public release, which holds whole
    financial years. The fourth quarter's return, once accepted, completes 2024/25 and the year appears,
    rounded to 5."""
    from datetime import date

    from core.roles import Role
    from core.testing.factories import organisation, project, user
    from monitoring.services.returns import ReturnFigures, review_return, save_return, submit_return

    provider = organisation("Second Chance Football")
    found = project("BR-1", provider=provider, title="Midnight football")
    for start in (date(2024, 4, 1), date(2024, 7, 1), date(2024, 10, 1)):
        earlier = save_return("p", found, start, ReturnFigures(reach={("10_17", "male", "new"): 10}))
        review_return("c", submit_return("p", earlier), accept=True)
    user(Role.PROVIDER, provider, "provider-user")
    user(Role.COMMISSIONER, None, "commissioner-user")

    page.goto(f"{live_server.url}/commissioning/")
    assert page.locator('[data-total="reach_under_25"]').count() == 0
    assert "No whole financial year" in page.locator("main").inner_text()
    assert axe_violations(page) == []

    return_path = "/monitoring/projects/BR-1/returns/2025-01-01/"
    sign_in(page, live_server.url, "provider-user", return_path)
    page.fill("#id_reach__10_17__male__new", "30")
    page.fill("#id_reach__18_24__female__new", "12")
    page.fill("#id_professionals_trained", "9")
    assert axe_violations(page) == []
    page.click("text=Submit for review")
    assert page.locator("#return-status").inner_text() == "Submitted"
    sign_out(page)

    sign_in(page, live_server.url, "commissioner-user", return_path)
    page.check("#id_decision_0")
    page.fill("#id_comment", "Thank you")
    assert axe_violations(page) == []
    page.click("text=Record decision")
    assert page.locator("#return-status").inner_text() == "Accepted"
    sign_out(page)

    page.goto(f"{live_server.url}/commissioning/")
    assert page.locator('[data-total="reach_under_25"]').inner_text() == "70"  # 30 + 42, rounded to 5
    assert page.locator('[data-total="professionals_trained"]').inner_text() == "10"  # 9, rounded to 5
    page.evaluate("window.vrpMarker = 1")
    page.select_option("#id_theme", "vawg")
    page.click("text=Apply filters")
    page.wait_for_url("**theme=vawg**")
    assert page.locator('[data-total="projects"]').inner_text() == "0"
    assert page.evaluate("window.vrpMarker") == 1, "the filters updated the totals in place"
    page.goto(f"{live_server.url}/commissioning/projects/BR-1/")
    assert "the public release" in page.locator("main").inner_text()  # not per project
    assert axe_violations(page) == []


def test_commissioning_and_monitoring_pages_are_accessible(live_server, page, transactional_db) -> None:
    from core.roles import Role
    from core.testing.factories import project, user

    project("AX-1")
    user(Role.COMMISSIONER, None, "commissioner-user")
    sign_in(page, live_server.url, "commissioner-user", "/monitoring/")
    for path in ("/monitoring/", "/monitoring/reach/", "/monitoring/late/", "/monitoring/upload/",
                 "/monitoring/projects/AX-1/", "/monitoring/projects/AX-1/returns/2024-04-01/",
                 "/commissioning/manage/", "/commissioning/manage/projects/new/", "/commissioning/manage/import/"):
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
    page.goto(f"{live_server.url}/commissioning/manage/projects/new/")
    page.click("text=Save")
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []


def test_evidence_search_facets_and_accessibility(live_server, page, transactional_db) -> None:
    from demo.evidence import add_evidence

    add_evidence("test")
    page.goto(f"{live_server.url}/evidence/")
    assert axe_violations(page) == []
    page.fill("#id_q", "navigators")
    page.click("main form button")
    page.wait_for_url("**q=navigators**")
    titles = page.locator(".results h3").all_inner_texts()
    assert titles and all("navigator" in t.lower() for t in titles)
    assert not any("Custody" in t for t in titles), "a partners-only item is not shown to the public"
    page.fill("#id_q", "")
    page.click("main form button")
    page.click(".facets >> text=Systematic review")
    page.wait_for_url("**kind=systematic_review**")
    assert page.locator(".results h3").all_inner_texts() == [
        "Systematic review: focused deterrence and group violence (synthetic)"]
    assert axe_violations(page) == []
    page.click(".results h3 a")
    assert "systematic review or meta-analysis" in page.locator("main").inner_text().lower()
    assert axe_violations(page) == []


def test_incident_response_whole_flow(live_server, page, transactional_db) -> None:
    from core.roles import Role
    from core.testing.factories import organisation, user
    from incidents.models import Action

    school = organisation("Hillside Academy", "school")
    organisation("The VRP", "partnership")
    user(Role.INCIDENT_COORDINATOR, None, "coordinator-user")
    user(Role.PARTNER, school, "school-user")

    sign_in(page, live_server.url, "coordinator-user", "/incidents/new/")
    assert axe_violations(page) == []
    page.fill("#id_occurred_at", "2026-03-28T15:00")
    page.select_option("#id_incident_type", "stabbing")
    page.select_option("#id_severity", "life_threatening")
    page.fill("#id_summary", "Mr Jones was hurt")
    page.click("text=Save")
    assert "a name with a title" in page.locator(".govuk-error-summary").inner_text()
    page.fill("#id_summary", "A young person was injured near the school gates.")
    page.click("text=Save")
    page.wait_for_url("**/incidents/INC-2026-0001/")
    page.select_option("#id_invite-organisation", label="Hillside Academy")
    page.click("button:has-text('Invite')")
    page.select_option("#id_start-protocol", label="Serious youth violence response")
    page.click("button:has-text('Start response')")
    assert page.locator("tbody tr").count() == 10  # the protocol's six steps, the daily update five times
    assert axe_violations(page) == []
    sign_out(page)

    sign_in(page, live_server.url, "school-user", "/incidents/")
    page.click("text=INC-2026-0001")
    rows = page.locator("tbody tr").all_inner_texts()
    assert len(rows) == 1 and "Contact the school" in rows[0]  # only the school's own action
    page.click("td a:has-text('Update')")
    page.select_option("#id_status", "done")
    page.fill("#id_completion_evidence", "Head teacher briefed by phone at 16:10")
    assert axe_violations(page) == []
    page.click("text=Save")
    assert "Head teacher briefed" in page.locator(".timeline").inner_text()
    sign_out(page)

    assert Action.objects.get(organisation=school).status == "done"
    sign_in(page, live_server.url, "coordinator-user", "/incidents/dashboard/")
    page.goto(f"{live_server.url}/incidents/dashboard/?from=2026-01-01&to=2026-12-31")
    assert page.locator('[data-total="responded"]').inner_text() == "1"
    assert "Time to first contact" in page.locator("main").inner_text()
    assert axe_violations(page) == []


def test_the_generated_sna_is_accessible(demo, page, tmp_path) -> None:
    from reports.services.sna import ReportPeriod, build_sna, write_report

    report = build_sna(ReportPeriod(2024), edition="public")
    report["stem"] = "sna"
    written = write_report(report, tmp_path / "sna", pdf=False)
    page.goto(written["html"].as_uri())
    assert "Strategic Needs Assessment 2024" in page.title()
    assert axe_violations(page) == []


def test_directory_map_search_and_drawing_a_route(demo, live_server, page) -> None:
    from core.roles import Role
    from core.testing.factories import user
    from places.models import Postcode, Route

    postcode = Postcode.objects.first()
    page.goto(f"{live_server.url}/places/directory/")
    page.wait_for_selector("#directory-map path.leaflet-interactive")
    assert axe_violations(page) == []
    page.fill("#id_postcode", postcode.postcode)
    page.fill("#id_proximity", "2000")
    page.click("main form button")
    page.wait_for_url("**postcode=**")
    found = int(page.locator("#found").get_attribute("data-total"))
    assert found >= 1 and "m away" in page.locator(".results").inner_text()
    assert axe_violations(page) == []

    user(Role.PARTNER, None, "partner-user")
    sign_in(page, live_server.url, "partner-user", "/places/routes/new/")
    page.wait_for_selector("#draw-map")
    box = page.locator("#draw-map").bounding_box()
    for dx, dy in ((100, 100), (220, 160), (320, 200)):
        page.mouse.click(box["x"] + dx, box["y"] + dy)
    assert page.locator("#point-count").inner_text() == "3 points"
    page.fill("#id_name", "Drawn walk")
    page.fill("#id_start_date", "2024-09-02")
    assert axe_violations(page) == []
    page.click("text=Save route")
    page.wait_for_url("**/places/routes/*/")
    route = Route.objects.get(name="Drawn walk")
    import json

    assert len(json.loads(route.line_geojson)["coordinates"]) == 3
    assert "Difference in differences" in page.locator("main").inner_text()
    assert axe_violations(page) == []


def test_places_pages_are_accessible(demo, live_server, page) -> None:
    from core.roles import Role
    from core.testing.factories import user
    from places.models import PreventionPlan, Route, School

    school = School.objects.filter(phase="Secondary").first()
    plan = PreventionPlan.objects.create(school=school, academic_year=2025)
    route = Route.objects.filter(is_comparison=False).first()
    user(Role.COMMISSIONER, None, "commissioner-user")
    sign_in(page, live_server.url, "commissioner-user", "/places/schools/")
    for path in ("/places/schools/", f"/places/schools/{school.urn}/", "/places/provision/", "/places/routes/",
                 "/places/routes/planning/", f"/places/routes/{route.pk}/", f"/places/plans/{plan.pk}/",
                 "/places/directory/moderate/", "/places/directory/submit/", "/reports/", "/evidence/manage/new/"):
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path


def _payload(field: str, room: int) -> str:
    """An HTML/JS payload naming its field, as long as the field allows: an element to find, a script, an
    inline handler, and (where it fits) a meta refresh that would navigate away, as in issue 15."""
    parts = [f'x<b id="injected-{field}">', f"<img src=x onerror=\"window.vrpInjected='{field}'\">",
             f"<script>window.vrpInjected='{field}'</script>", '<meta http-equiv="refresh" content="0;url=/evidence/">']
    text = ""
    for part in parts:
        if len(text) + len(part) <= room:
            text += part
    return text


def test_html_in_a_submission_stays_text_everywhere_it_is_shown(live_server, page, transactional_db) -> None:
    """Every text field of an anonymous directory submission holds HTML and script. On the thank-you page,
    the moderation page (which shows every field) and, once published, the directory's list and map
    tooltip (hovered), no element is made, no script runs and the page does not navigate away."""
    from core.roles import Role
    from core.testing.factories import user
    from places.models import Postcode, Service, TaxonomyTerm

    Postcode.objects.create(postcode="B12 9QT", latitude=52.4650, longitude=-1.8870)
    TaxonomyTerm.objects.create(code="boxing", name="Boxing")
    user(Role.COMMISSIONER, None, "commissioner-user")
    room = {"name": 200, "description": 2000, "organisation_name": 200, "organisation_description": 2000,
            "location_name": 200, "cost": 200, "contact_name": 120, "contact_phone": 40}
    fields = {name: _payload(name, limit) for name, limit in room.items()}
    fields["location_name"] = 'Community hall<meta http-equiv="refresh" content="0;url=/evidence/">'
    fields["url"] = "https://club.example/?q=<b_id=injected-url>"

    def untouched(where: str) -> None:
        assert page.evaluate("document.querySelector('[id^=injected]')") is None, where
        assert page.evaluate("window.vrpInjected === undefined"), where

    page.goto(f"{live_server.url}/places/directory/submit/")
    for name, text in fields.items():
        page.fill(f"#id_{name}", text)
    page.fill("#id_postcode", "B12 9QT")
    page.select_option("#id_day", "TU")
    page.fill("#id_opens_at", "18:00")
    page.fill("#id_closes_at", "20:00")
    page.click("main button")
    page.wait_for_selector("text=Thank you")
    untouched("thank-you page")
    assert fields["name"] in page.locator("main").inner_text()
    service = Service.objects.get()
    assert service.name == fields["name"] and service.locations.get().name == fields["location_name"]

    sign_in(page, live_server.url, "commissioner-user", "/places/directory/moderate/")
    shown = page.locator("main").inner_text()
    for name, text in fields.items():
        assert text in shown, f"the moderation page does not show {name} as the public would see it"
    untouched("moderation page")
    assert axe_violations(page) == []
    page.click(f"button[value='publish:{service.pk}']")
    page.wait_for_selector("text=Nothing is waiting")
    sign_out(page)

    page.goto(f"{live_server.url}/places/directory/")
    marker = page.locator("#directory-map path.leaflet-interactive")
    marker.wait_for()
    marker.hover()
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for()
    assert tooltip.inner_text() == f"{fields['name']} ({fields['location_name']})"
    page.wait_for_timeout(1500)  # a meta refresh of 0 s would have navigated by now
    assert page.url == f"{live_server.url}/places/directory/"
    untouched("directory page and map tooltip")
    assert fields["description"][:40] in page.locator(".results").inner_text()


def test_a_commissioner_adds_a_commitment_with_a_measure_and_sees_its_computed_status(live_server, page,
                                                                                    transactional_db) -> None:
    from datetime import date

    from core.roles import Role
    from core.testing.factories import organisation, project, user
    from monitoring.services.returns import ReturnFigures, review_return, save_return, submit_return
    from strategy.models import Strategy
    from strategy.services import plan

    council = organisation("Northfield Council", "local_authority")
    sport = project("SP-1", provider=organisation("Second Chance Football"), theme="sport",
                    planned_start=date(2024, 4, 1), planned_end=date(2024, 9, 30))
    for start in (date(2024, 4, 1), date(2024, 7, 1)):
        saved = save_return("test", sport, start, ReturnFigures(reach={("10_17", "female", "new"): 40}))
        review_return("test", submit_return("test", saved), accept=True)
    strategy = plan.save_strategy("test", Strategy(year=2024, title="Safer streets 2024/25"))
    plan.add_priority("test", strategy, "Reach young people early")
    user(Role.COMMISSIONER, None, "commissioner-user")

    sign_in(page, live_server.url, "commissioner-user", "/strategy/2024/")
    assert axe_violations(page) == []
    page.click("text=Add a commitment to this priority")
    page.fill("#id_title", "Sport for 60 young people")
    page.select_option("#id_owner", label=council.name)
    page.fill("#id_due_date", "2025-03-31")
    page.select_option("#id_projects", label=str(sport))
    assert axe_violations(page) == []
    page.click("text=Save")
    page.wait_for_url("**/strategy/commitments/*/")
    assert page.locator("#commitment-status [data-status]").get_attribute("data-status") == "no_measures"
    page.click("text=Add a measure")
    page.select_option("#id_figure", "reach_under_25")
    page.select_option("#id_theme", "sport")
    for field, value in (("baseline_from", "2023-04"), ("baseline_to", "2024-03"), ("period_from", "2024-04"),
                         ("period_to", "2024-09"), ("target", "60")):
        page.fill(f"#id_{field}", value)
    page.select_option("#id_direction", "up")
    assert axe_violations(page) == []
    page.click("text=Save")
    page.wait_for_url("**/strategy/commitments/*/")
    # 80 young people from the two accepted returns against a target of 60: computed, never typed.
    status = page.locator("[data-measure-status] [data-status]")
    assert status.get_attribute("data-status") == "on_track"
    assert "80 against 60" in page.locator("[data-measure-status]").inner_text()
    assert page.locator("#commitment-status [data-status]").inner_text() == "On track"
    assert axe_violations(page) == []
    for path in ("/strategy/boards/", "/strategy/consultations/", "/strategy/public/",
                 "/strategy/public/you-said-we-did/", "/strategy/spend/"):
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
