"""A story map in a real browser: scrolling to the next chapter moves the map, tooltips are text, the page is
accessible (axe, WCAG 2.2 AA) at desktop and phone widths, and nothing breaks the Content-Security-Policy (the
``page`` fixture fails on any CSP report)."""

from core.roles import Role
from core.testing.browser import axe_violations, sign_in
from core.testing.factories import user
from demo.stories import add_story
from places.models import Route

MAP = "document.getElementById('story-map')"
TRAP = '<img src=x onerror="window.pwned = 1">Canal path'


def _view(page) -> tuple[str, str, str]:  # noqa: F811
    return page.evaluate(f"[{MAP}.getAttribute('data-active-chapter'), {MAP}.getAttribute('data-centre'), "
                         f"{MAP}.getAttribute('data-zoom')]")


def test_scrolling_to_the_next_chapter_moves_the_map(demo, live_server, page) -> None:  # noqa: F811
    first = Route.objects.filter(is_comparison=False).first()
    # A route whose name is markup: it must reach the reader as text.
    Route.objects.create(name=TRAP, start_date=first.start_date, line_geojson=first.line_geojson)
    story = add_story()
    user(Role.PARTNER, None, "story-partner")
    page.set_viewport_size({"width": 1366, "height": 768})
    # A ceiling, not a timing assertion: the layers are computed on the shared test machine, which may be busy.
    page.set_default_timeout(120_000)
    sign_in(page, live_server.url, "story-partner", f"/places/stories/{story.slug}/")
    page.wait_for_function(f"() => {MAP}.getAttribute('data-fitted-chapter') === '1' && "
                           f"{MAP}.querySelector('path.leaflet-interactive')")
    chapter, centre, zoom = _view(page)
    assert chapter == "1"
    assert page.locator("#story-map-status").inner_text().startswith("The map shows chapter 1")
    assert page.locator("#story-legend li").count() >= 2
    assert axe_violations(page) == []
    # The chapter's text (Markdown rendered to HTML, no GOV.UK classes) reads at govuk-body's size, 19px here.
    assert page.evaluate("getComputedStyle(document.querySelector('.story__chapter .vrp-prose p')).fontSize") == "19px"
    # The map's shapes are not Tab stops: the list of areas is the keyboard route (Leaflet made each one a stop).
    assert page.evaluate("Array.from(document.querySelectorAll('#story-map path.leaflet-interactive')).filter(p => "
                         "p.getAttribute('tabindex') !== '-1').length") == 0
    # A keyboard reader reaches the chapter's areas in the list beside the map (static/js/map-areas.js): each
    # reads the area's name and rate, focus outlines it on the map with its tooltip, and it links to its profile.
    page.wait_for_selector("#story-areas a[data-area]", state="attached")
    page.focus("#story-areas summary")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    text, href = page.evaluate("[document.activeElement.textContent, document.activeElement.getAttribute('href')]")
    assert "per 1,000" in text and href.startswith("/insights/?area="), (text, href)
    name = text.split(" (")[0]  # the list adds the area's code to the name the tooltip shows
    page.wait_for_function("n => Array.from(document.querySelectorAll('.leaflet-tooltip')).some(e => "
                           "e.textContent.startsWith(n + ': '))", arg=name)

    page.evaluate("document.getElementById('chapter-2').scrollIntoView({block: 'start'})")
    page.wait_for_function(f"() => {MAP}.getAttribute('data-fitted-chapter') === '2'")
    assert _view(page)[0] == "2" and _view(page)[1:] != (centre, zoom), "the map moved for chapter 2"
    # The hot spot layer's legend replaces the rates' once that layer has arrived.
    page.wait_for_function("() => document.getElementById('story-legend').textContent.includes('hot spot')")
    assert "per 1,000" not in page.locator("#story-legend").inner_text()

    routes_chapter = next(c.position for c in story.chapters.all() if c.routes.exists())
    page.evaluate(f"document.getElementById('chapter-{routes_chapter}').scrollIntoView({{block: 'start'}})")
    page.wait_for_selector('#story-map path[stroke="#d53880"]')
    names = []
    for line in page.locator('#story-map path[stroke="#d53880"]').all():
        line.dispatch_event("mouseover")
        names.append(page.locator(".leaflet-tooltip").last.inner_text())
        line.dispatch_event("mouseout")
    assert TRAP in names and page.evaluate("window.pwned") is None
    assert axe_violations(page) == []

    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(f"{live_server.url}/places/stories/{story.slug}/")
    page.wait_for_function(f"() => {MAP}.getAttribute('data-centre')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, "nothing scrolls sideways on a phone"
    assert axe_violations(page) == []


def test_the_story_list_and_writing_pages_are_accessible(demo, live_server, page) -> None:  # noqa: F811
    story = add_story()
    user(Role.ANALYST, None, "story-analyst")
    sign_in(page, live_server.url, "story-analyst", "/places/stories/")
    chapter = story.chapters.first()
    for path in ("/places/stories/", "/places/stories/new/", f"/places/stories/{story.slug}/edit/",
                 f"/places/stories/{story.slug}/chapters/new/", f"/places/stories/{story.slug}/chapters/{chapter.pk}/"):
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path
