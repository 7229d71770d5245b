"""The West Midlands demo in a real browser: real hot spots in Birmingham, real local authorities on the map, and
the note saying which figures are real and which synthetic (chromium, as in ``tests/test_browser.py``)."""

from io import StringIO

from django.core.management import call_command

from core.testing.browser import axe_violations

AUTHORITIES = {"Birmingham", "Coventry", "Dudley", "Sandwell", "Solihull", "Walsall", "Wolverhampton"}


def test_the_west_midlands_demo_finds_birmingham_hot_spots_and_names_real_authorities(
        live_server, page, transactional_db) -> None:  # noqa: F811
    call_command("demo", stdout=StringIO())

    page.goto(f"{live_server.url}/insights/hotspots/")
    note = page.locator("p.banner").inner_text()
    assert "real and synthetic" in note and "police.uk" in note and "emergency department" in note
    rows = page.locator("table tbody tr").all_inner_texts()
    hot = [r for r in rows if "hot spot" in r]
    assert any("Birmingham" in r for r in hot), rows[:5]
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}/insights/")
    areas = page.locator("#map path.leaflet-interactive")
    areas.first.wait_for()
    named = set()
    for index in range(min(areas.count(), 7)):
        areas.nth(index).hover(force=True)
        tooltip = page.locator(".leaflet-tooltip").last
        tooltip.wait_for()
        named |= {name for name in AUTHORITIES if tooltip.inner_text().startswith(name)}
    assert named, "hovering the map names a real local authority"
