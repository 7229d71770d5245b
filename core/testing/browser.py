"""Real-browser tests' set-up: Debian's chromium driven by Playwright, WCAG 2.2 AA checked with axe-core.

They need /usr/bin/chromium and axe-core (installed into .ci/node by `make test`). Importing this module from a
test module skips that module, saying why, where either is absent; in CI (VRP_TEST_REQUIRE_BROWSER=1) their
absence is a failure. The ``page`` fixture is in tests/conftest.py.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("VRP_CHROMIUM", "/usr/bin/chromium"))
AXE = Path(__file__).resolve().parents[2] / ".ci" / "node" / "node_modules" / "axe-core" / "axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def missing() -> str | None:
    if not CHROMIUM.exists():
        return f"no chromium at {CHROMIUM} (apt-get install chromium)"
    if not AXE.exists():
        return f"no axe-core at {AXE} (npm install in .ci/node)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed"
    return None


if missing():
    if os.environ.get("VRP_TEST_REQUIRE_BROWSER"):
        pytest.fail(f"browser tests are required here but cannot run: {missing()}", pytrace=False)
    pytest.skip(f"browser tests skipped: {missing()}", allow_module_level=True)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def axe_violations(page) -> list:
    # Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern (a
    # <script> tag would be refused, rightly).
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("options => axe.run(document, options)", {"runOnly": {"type": "tag", "values": WCAG}})
    return [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]


def sign_in(page, base_url: str, username: str, next_path: str) -> None:
    page.goto(f"{base_url}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", "a-long-password-1")
    page.click("main button")
    page.wait_for_url(f"**{next_path}")
