from pathlib import Path

import pytest

from core.audit import record
from core.models import AuditEntry, Organisation
from core.region import current_region, set_region
from vrp.config import SETTINGS

SETTINGS_PAGE = Path(__file__).resolve().parents[2] / "docs" / "settings.md"


def test_every_setting_is_documented_in_the_settings_page() -> None:
    text = SETTINGS_PAGE.read_text()
    assert [name for name in SETTINGS if f"`{name}`" not in text] == []


@pytest.mark.django_db
def test_region_defaults_to_west_midlands_and_changes_are_audited() -> None:
    assert current_region().lad_codes[0] == "E08000025"
    set_region("admin-cli", "Test region", ["kent"], ["E07000105"])
    assert current_region().name == "Test region"
    assert AuditEntry.objects.get(action="set_region").changes["lad_codes"] == ["E07000105"]


@pytest.mark.django_db
def test_audit_record_names_actor_and_object() -> None:
    org = Organisation.objects.create(name="Org", kind="provider")
    entry = record("cli:test", "create", org)
    assert (entry.actor_label, entry.object_type, entry.object_id) == ("cli:test", "core.Organisation", str(org.pk))


@pytest.mark.django_db
def test_organisation_area_codes_are_validated() -> None:
    from django.core.exceptions import ValidationError

    org = Organisation(name="Bad", kind="partnership", area_codes=["Birmingham"])
    with pytest.raises(ValidationError):
        org.full_clean()


@pytest.mark.django_db
def test_sign_in_is_throttled_after_five_failures(client) -> None:
    from django.core.cache import caches

    from core.models import User

    User.objects.create_user("alice", password="the-right-password-1", role="analyst")
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "alice", "password": "wrong"})
        assert b"Please enter a correct username and password" in response.content
    blocked = client.post("/accounts/login/", {"username": "alice", "password": "the-right-password-1"})
    assert b"Too many failed attempts" in blocked.content and "_auth_user_id" not in client.session
    caches["shared"].clear()
    assert client.post("/accounts/login/", {"username": "alice", "password": "the-right-password-1"}).status_code == 302


@pytest.mark.django_db
def test_every_page_has_a_content_security_policy_without_unsafe_inline(client) -> None:
    for path in ("/", "/insights/", "/commissioning/", "/evidence/", "/places/directory/", "/openreferral/services"):
        policy = client.get(path)["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path


def test_a_rejected_input_outside_a_form_answers_400_with_its_problems(rf) -> None:
    from core.problems import InputRejected, Problem
    from core.rejections import InputRejectedMiddleware

    middleware = InputRejectedMiddleware(lambda r: None)
    rejected = InputRejected([Problem("query", "'0000-01' is not a month (YYYY-MM)", column="month_from")])
    response = middleware.process_exception(rf.get("/insights/figures/trend.json"), rejected)
    assert response.status_code == 400 and b"is not a month" in response.content
    assert middleware.process_exception(rf.get("/x.json"), ValueError("not ours")) is None


PRODUCTION = {"VRP_DEBUG": "false", "VRP_SECURE_COOKIES": "true", "VRP_SSL_REDIRECT": "true",
              "VRP_HSTS_SECONDS": "31536000", "VRP_ALLOWED_HOSTS": "vrp.example.org"}


def _deploy_check(tmp_path, **env: str):
    import os
    import subprocess
    import sys

    # (The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for Playwright in this process; a deployment never.)
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run([sys.executable, "-m", "vrp.cli", "check", "--deploy", "--fail-level", "WARNING"],
                          env={**inherited, "VRP_DATA_DIR": str(tmp_path), **env}, capture_output=True,
                          text=True, check=False)


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path) -> None:
    """The documented production settings (docs/settings.md) pass Django's deployment checks and ours, with no
    warning."""
    text = SETTINGS_PAGE.read_text()
    assert all(f"{name}={value}" in text for name, value in PRODUCTION.items() if name != "VRP_ALLOWED_HOSTS")
    clean = _deploy_check(tmp_path, **PRODUCTION, VRP_SECRET_KEY="x" * 20 + "-production-secret-0123456789-abcdefghij",
                          VRP_ATTENDEE_KEY="y" * 20 + "-production-attendee-key-0123456789")
    assert clean.returncode == 0, clean.stderr
    # The development defaults are not fit to deploy, and the check says so (the shipped key included).
    development = _deploy_check(tmp_path, VRP_DEBUG="false")
    assert development.returncode != 0
    assert all(code in development.stderr for code in ("security.W004", "security.W012", "vrp.W001", "vrp.W002"))
