"""Fixtures of the whole-platform tests: a chromium page (core/testing/browser.py), and the demo region the
browser tests read, committed so that the live server sees it."""

from pathlib import Path

import pytest


@pytest.fixture
def page():
    """A chromium page (downloads accepted); fails the test if the Content-Security-Policy refused anything."""
    from playwright.sync_api import sync_playwright

    from core.testing.browser import ARGS, CHROMIUM

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(accept_downloads=True)
        opened = context.new_page()
        console: list[str] = []
        opened.on("console", lambda message: console.append(f"{message.text} at {message.location}"))
        yield opened
        browser.close()
        # The Content-Security-Policy forbids inline scripts and styles: nothing the pages do may be refused.
        assert [m for m in console if "Content Security Policy" in m] == []


@pytest.fixture
def demo(demo_region, transactional_db, tmp_path: Path) -> dict:
    return demo_region(tmp_path / "demo", "2023-01", 24, police_per_month=400, ed_per_month=40)
