"""A facilitator records a session on a phone (375 px wide): Debian's chromium driven by Playwright, WCAG 2.2
AA checked with axe-core, as in ``tests/test_browser.py`` (whose set-up this reuses, and which skips, saying
why, where chromium or axe-core is missing)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from core.testing.browser import ARGS, CHROMIUM, axe_violations, sign_in

PHONE = {"width": 375, "height": 812}


@pytest.fixture
def phone():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
        opened = context.new_page()
        console: list[str] = []
        opened.on("console", lambda message: console.append(f"{message.text} at {message.location}"))
        yield opened
        browser.close()
        assert [m for m in console if "Content Security Policy" in m] == []


def _fits(page) -> bool:
    """Nothing on the page is wider than the screen (no sideways scrolling of the whole page)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_a_facilitator_records_a_session_on_a_phone(live_server, phone, transactional_db) -> None:
    from core.roles import Role
    from core.testing.engagement import course, team
    from core.testing.factories import organisation, user
    from engagement.models import Session

    vrp = organisation("Synthetic VRP", kind="partnership")
    team("Schools facilitators", vrp)
    workshop = course("knife-crime-workshop", audience="young_people", theme="education")
    user(Role.PARTNER, vrp, "facilitator")
    page = phone
    sign_in(page, live_server.url, "facilitator", "/engagement/")
    assert _fits(page) and axe_violations(page) == []

    page.click("main >> text=Record a session")
    page.wait_for_url("**/engagement/sessions/new/")
    assert _fits(page) and axe_violations(page) == []
    yesterday = timezone.localdate() - timedelta(days=1)
    page.select_option("#id_course", str(workshop.pk))
    page.fill("#id_date", yesterday.isoformat())
    page.select_option("#id_facilitator_team", label="Schools facilitators")
    page.fill("#id_venue", "Hillside Academy hall")
    page.fill("#id_count__young_people__10_17__female", "14")
    page.fill("#id_count__young_people__10_17__male", "12")
    page.fill("#id_prof-0-name", "Ann Lee")
    page.fill("#id_prof-0-email", "ann.lee@example.org")
    page.select_option("#id_prof-0-sector", "education")
    page.click("text=Add more rows")  # no JavaScript: the form comes back with five more rows, values kept
    page.wait_for_selector("#id_prof-7-email")
    assert page.input_value("#id_count__young_people__10_17__female") == "14"
    assert page.input_value("#id_prof-0-email") == "ann.lee@example.org"
    page.fill("#id_prof-3-name", "Dev Patel")
    page.select_option("#id_prof-3-sector", "police")
    assert _fits(page) and axe_violations(page) == []
    page.click("text=Save the session")
    page.wait_for_selector("#session-reference")

    recorded = Session.objects.get()
    assert page.locator("#session-reference").inner_text() == recorded.reference
    assert "26 attendances" in page.locator("main").inner_text()
    assert (recorded.date, recorded.facilitator_team.name, recorded.professionals.count()) == (
        yesterday, "Schools facilitators", 2)
    assert _fits(page) and axe_violations(page) == []

    # A mistake is named beside its field, and the page stays usable on the phone.
    page.goto(f"{live_server.url}/engagement/sessions/new/")
    page.fill("#id_date", (timezone.localdate() + timedelta(days=3)).isoformat())
    page.select_option("#id_course", str(workshop.pk))
    page.click("text=Save the session")
    assert "in the future" in page.locator(".govuk-error-summary").inner_text()
    assert _fits(page) and axe_violations(page) == []
