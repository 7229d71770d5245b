"""The dashboard in a real browser at a laptop's width (1366 × 768) and a phone's (375 × 812): no page scrolls
sideways, the area picker finds an area by its first letters, the map names an area on hover and opens its
profile on a click, its legend's breaks are distinct, the hot spot layer draws, and axe finds no WCAG 2.2 AA
violation. Screenshots of the main pages are written to ``var/screenshots/`` (docs/tests-and-benchmarks.md)
for review.
"""

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

from core.testing.browser import ARGS, CHROMIUM, axe_violations

SCREENSHOTS = Path(__file__).resolve().parent.parent / "var" / "screenshots"
VIEWPORTS = {"wide": {"width": 1366, "height": 768}, "phone": {"width": 375, "height": 812}}
MAIN_PAGES = {"home": "/", "overview": "/insights/", "area-profile": "/insights/?area=E08900002",
              "hotspots": "/insights/hotspots/", "what-we-fund": "/commissioning/", "evidence": "/evidence/",
              "directory": "/places/directory/", "schools": "/places/schools/", "strategy": "/strategy/public/",
              "story-maps": "/places/stories/", "success-measures": "/partners/success/"}


def _main_pages() -> dict[str, str]:
    """MAIN_PAGES and the pages whose address the demo's data decides: a directory service's page and a story."""
    from places.models import Service
    from places.stories.models import Story

    pages = dict(MAIN_PAGES)
    service = Service.objects.filter(moderation=Service.Moderation.PUBLISHED).order_by("name").first()
    pages["service"] = f"/places/directory/services/{service.id}/"
    story = Story.objects.filter(visibility="public").order_by("pk").first()
    if story is not None:
        pages["story"] = f"/places/stories/{story.slug}/"
    return pages


@pytest.fixture
def demo(demo_region, transactional_db, tmp_path: Path) -> dict:
    return demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=150, ed_per_month=20)


@pytest.fixture(params=list(VIEWPORTS))
def sized_page(request):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport=VIEWPORTS[request.param])
        # The overview computes every figure on a machine other tests share: give pages time.
        context.set_default_timeout(120_000)
        opened = context.new_page()
        console: list[str] = []
        opened.on("console", lambda message: console.append(message.text))
        opened.viewport_name = request.param
        yield opened
        browser.close()
        assert [m for m in console if "Content Security Policy" in m] == []


# The elements that stick out past the viewport, to say what to fix.
WIDEST = """Array.from(document.querySelectorAll('main *')).filter(e => e.getBoundingClientRect().right >
  document.documentElement.clientWidth + 1).slice(0, 5).map(e => e.tagName + '.' + e.className)"""


def _document_width(page) -> int:
    return page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")


def test_main_pages_fit_the_screen_are_accessible_and_are_photographed(demo, live_server, sized_page) -> None:
    page, width = sized_page, VIEWPORTS[sized_page.viewport_name]["width"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    too_wide, violations = {}, {}
    for name, path in _main_pages().items():
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        if page.locator("#map").count():
            page.wait_for_selector("#map-legend li", timeout=20000)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{sized_page.viewport_name}.png"), full_page=True)
        if _document_width(page) > width:
            too_wide[path] = (_document_width(page), page.evaluate(WIDEST))
        found = axe_violations(page)
        if found:
            violations[path] = found
    assert too_wide == {}
    assert violations == {}


def test_a_keyboard_user_reaches_each_area_of_the_map_reads_its_figure_and_opens_its_profile(demo, live_server,
                                                                                               sized_page) -> None:
    # The map's areas are listed as links under it (static/js/map-areas.js): Tab reaches them, each reads the
    # area's name and rate, focus outlines the area and opens its tooltip, Enter opens its profile.
    page = sized_page
    page.goto(f"{live_server.url}/insights/")
    page.wait_for_selector("#map-areas a[data-area]", state="attached")
    page.focus("#map-areas summary")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    focused = page.evaluate("[document.activeElement.getAttribute('data-area'), document.activeElement.textContent]")
    code, text = focused
    assert code and code.startswith("E") and f"({code})" in text and "per 1,000 residents" in text, focused
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=10000)
    assert tooltip.inner_text() == text
    page.keyboard.press("Enter")
    page.locator("h1", has_text=code).wait_for()
    assert page.locator("h1").inner_text().startswith("Area profile: ") and code in unquote(page.url)


def test_area_picker_finds_an_area_by_its_first_letters(demo, live_server, sized_page) -> None:
    page = sized_page
    page.goto(f"{live_server.url}/insights/")
    page.fill("#id_area", "east")
    option = page.locator("#area-suggestions [role=option]").first
    option.wait_for(timeout=10000)
    assert option.inner_text() == "Easton Borough (E08900002), local authority"
    option.click()
    assert page.input_value("#id_area") == "Easton Borough (E08900002)"
    page.locator("form.filters button").click()
    page.locator("h1", has_text="Easton Borough").wait_for()
    assert page.locator("h1").inner_text() == "Area profile: Easton Borough (E08900002)"
    assert "(E08900002)" in unquote(page.url)  # the address can be shared: it reads back to the same area
    assert _document_width(page) <= VIEWPORTS[page.viewport_name]["width"]


def test_map_hover_names_an_area_click_opens_its_profile_and_breaks_increase(demo, live_server, sized_page) -> None:
    page = sized_page
    page.goto(f"{live_server.url}/insights/")
    page.select_option("#map-level", "lsoa")
    page.wait_for_selector('#map[data-layer="lsoa"]')
    page.wait_for_selector("#map-legend li[data-upper]")
    uppers = [float(v) for v in page.eval_on_selector_all("#map-legend li[data-upper]",
                                                          "items => items.map(i => i.dataset.upper)")]
    assert len(uppers) >= 2 and all(a < b for a, b in zip(uppers, uppers[1:], strict=False))
    legend = page.locator("#map-legend").inner_text()
    ranges = [(float(a), float(b)) for a, b in re.findall(r"over ([\d.]+) to ([\d.]+)", legend)]
    assert ranges and all(a < b for a, b in ranges)  # never "120.6 to 120.6"
    area = page.locator("#map path.leaflet-interactive").nth(10)
    area.scroll_into_view_if_needed()
    box = area.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(timeout=10000)
    text = tooltip.inner_text()
    assert "(E019" in text and "per 1,000 residents" in text
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url("**area=E019*", timeout=30000)
    code = page.url.split("area=")[1][:9]
    assert page.locator("h1").inner_text().endswith(f"({code})")
    assert text.split(" (E019")[0] in page.locator("h1").inner_text()


def test_a_slow_answer_to_the_default_layer_does_not_replace_the_readers_choice(demo, live_server,
                                                                              sized_page) -> None:
    """The reader picks LSOAs while the default (local authority) layer is still loading; when that earlier
    answer arrives last, the map keeps the LSOAs (it used to swap back, which also made this suite flaky)."""
    page = sized_page
    held, released = [], []
    page.route("**/insights/maps/lad.geojson*",
               lambda route: route.continue_() if released else held.append(route))
    page.goto(f"{live_server.url}/insights/")
    page.select_option("#map-level", "lsoa")
    page.wait_for_selector('#map[data-layer="lsoa"]')
    assert held, "the default layer was asked for"
    released.append(True)
    for route in held:
        route.continue_()
    # The outline (also the local authority layer) draws once its answer arrives; then nothing else is pending.
    page.wait_for_function("() => document.querySelectorAll('#map path').length > 0")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("#map", "data-layer") == "lsoa"
    assert page.locator("#map-legend li[data-upper]").count() >= 1


def test_hot_spot_layer_draws_gi_star_classes(demo, live_server, sized_page) -> None:
    page = sized_page
    page.goto(f"{live_server.url}/insights/")
    page.select_option("#map-layer", "hotspots")
    page.wait_for_selector('#map[data-layer="hotspots"]', timeout=60000)
    legend = page.locator("#map-legend").inner_text()
    assert "hot spot (" in legend and "cold spot (" in legend and "not significant (" in legend
    assert page.locator("#map path.leaflet-interactive").count() > 20


# How many Tab presses from the element focused now to the one matching `selector` (None past `limit`).
def _tabs_to(page, selector: str, limit: int) -> int | None:
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return presses
    return None


OPEN_TOOLTIPS = "document.querySelectorAll('.leaflet-tooltip').length"
FOCUSABLE_AREAS = ("Array.from(document.querySelectorAll('#map path.leaflet-interactive'))"
                   ".filter(p => p.tabIndex >= 0 || p.getAttribute('tabindex') === null).length")


def test_a_keyboard_user_tabs_past_the_map_to_its_list_and_leaves_no_tooltip_open(demo, live_server,
                                                                                  sized_page) -> None:
    # Every LSOA on the map is not a Tab stop (Leaflet's tooltip focus listener made each SVG path one, ~485 at
    # LSOA level): the list under the map is a few presses away, and its tooltips close when focus leaves it.
    page = sized_page
    page.goto(f"{live_server.url}/insights/")
    page.select_option("#map-level", "lsoa")
    page.wait_for_selector('#map[data-layer="lsoa"]')
    page.wait_for_selector("#map-areas summary")
    assert page.evaluate("document.querySelectorAll('#map path.leaflet-interactive').length") > 30
    assert page.evaluate(FOCUSABLE_AREAS) == 0
    page.focus("#map-layer")
    presses = _tabs_to(page, "#map-areas summary", 20)
    assert presses is not None and presses < 10, presses
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")  # on to the second entry: the first's tooltip closes
    assert page.evaluate("document.activeElement.hasAttribute('data-area')")
    page.locator(".leaflet-tooltip").first.wait_for(timeout=10000)
    # Only the focused entry's (a closed tooltip fades out over 200 ms before it leaves the page).
    page.wait_for_function(f"() => {OPEN_TOOLTIPS} === 1", timeout=5000)
    page.focus("#map-layer")
    page.wait_for_function(f"() => {OPEN_TOOLTIPS} === 0", timeout=10000)

    # Hot spots are by LSOA: the disabled level box says so, and the reader's own choice comes back after.
    page.select_option("#map-level", "lad")
    page.wait_for_selector('#map[data-layer="lad"]')
    page.select_option("#map-layer", "hotspots")
    page.wait_for_selector('#map[data-layer="hotspots"]')
    assert page.evaluate("[document.getElementById('map-level').disabled, document.getElementById('map-level').value]"
                         ) == [True, "lsoa"]
    assert page.evaluate(FOCUSABLE_AREAS) == 0
    page.select_option("#map-layer", "rates")
    page.wait_for_selector('#map[data-layer="lad"]')
    assert page.evaluate("[document.getElementById('map-level').disabled, document.getElementById('map-level').value]"
                         ) == [False, "lad"]
