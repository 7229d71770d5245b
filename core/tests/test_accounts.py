"""Signing in: throttled on the admin's page as on the platform's, per address across usernames (password
spraying); passwords changed and reset by the users themselves; signed-in sessions end when idle."""

import re
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.utils import timezone

from core.models import AuditEntry, User
from core.roles import Role

pytestmark = pytest.mark.django_db
PASSWORD = "the-right-password-1"


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_admin_sign_in_is_throttled(client) -> None:
    """Thirty wrong passwords at /admin/login/ were all answered, then the right one worked: now the sixth
    attempt is refused, the right password included."""
    User.objects.create_user("admin-user", password=PASSWORD, role=Role.ADMINISTRATOR.value, is_staff=True,
                             is_superuser=True)
    for _ in range(5):
        response = client.post("/admin/login/", {"username": "admin-user", "password": "wrong"})
        assert response.status_code == 200 and b"correct username and password" in response.content
    refused = client.post("/admin/login/?next=/admin/", {"username": "admin-user", "password": PASSWORD})
    assert b"Too many failed attempts" in refused.content and not _signed_in(client)
    # The platform's sign-in page counts the same failures (one store).
    refused = client.post("/accounts/login/", {"username": "admin-user", "password": PASSWORD})
    assert b"Too many failed attempts" in refused.content and not _signed_in(client)


def test_password_spraying_across_usernames_is_limited_per_address(client, settings) -> None:
    """One address trying one password on many accounts is stopped, whatever the usernames; another address
    is not."""
    User.objects.create_user("real-user", password=PASSWORD, role=Role.ANALYST.value)
    for n in range(settings.VRP_SIGN_IN_FAILURES_PER_ADDRESS):
        client.post("/accounts/login/", {"username": f"guess-{n}", "password": "Summer2024!"})
    refused = client.post("/accounts/login/", {"username": "real-user", "password": PASSWORD})
    assert b"Too many failed attempts" in refused.content and not _signed_in(client)
    elsewhere = client.post("/accounts/login/", {"username": "real-user", "password": PASSWORD},
                            REMOTE_ADDR="198.51.100.20")
    assert elsewhere.status_code == 302


def test_a_user_changes_their_own_password(client) -> None:
    person = User.objects.create_user("partner-pw", password=PASSWORD, role=Role.PARTNER.value)
    assert client.get("/accounts/password/change/").status_code == 302  # signed-in users only
    client.force_login(person)
    assert b"Change password" in client.get("/").content
    weak = client.post("/accounts/password/change/", {"old_password": PASSWORD, "new_password1": "password",
                                                      "new_password2": "password"})
    assert weak.status_code == 200 and b"too common" in weak.content
    response = client.post("/accounts/password/change/", {"old_password": PASSWORD,
                                                          "new_password1": "a-new-long-password-2",
                                                          "new_password2": "a-new-long-password-2"})
    assert response.status_code == 302 and _signed_in(client)
    person.refresh_from_db()
    assert person.check_password("a-new-long-password-2")
    assert AuditEntry.objects.filter(action="change_password", object_id=str(person.pk)).exists()


def test_a_forgotten_password_is_reset_by_email(client, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    person = User.objects.create_user("provider-pw", password=PASSWORD, role=Role.PROVIDER.value,
                                      email="provider@example.org")
    assert b"Forgotten your password?" in client.get("/accounts/login/").content
    response = client.post("/accounts/password/reset/", {"email": "provider@example.org"})
    assert response.status_code == 302 and len(mail.outbox) == 1
    # An unknown address is answered the same way, and nothing is sent.
    assert client.post("/accounts/password/reset/", {"email": "nobody@example.org"}).status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+/)", mail.outbox[0].body)[1]
    form_page = client.get(link, follow=True)
    assert b"Set a new password" in form_page.content
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": "a-new-long-password-3",
                                                             "new_password2": "a-new-long-password-3"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password("a-new-long-password-3")
    assert AuditEntry.objects.filter(action="reset_password", object_id=str(person.pk)).exists()
    assert b"does not work" in client.get(link, follow=True).content  # a link works once


def test_reset_emails_are_limited_per_address(client, settings) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    User.objects.create_user("target", password=PASSWORD, role=Role.PARTNER.value, email="target@example.org")
    for _ in range(settings.VRP_SIGN_IN_FAILURES + 5):
        assert client.post("/accounts/password/reset/", {"email": "target@example.org"}).status_code == 302
    assert len(mail.outbox) == settings.VRP_SIGN_IN_FAILURES


def test_a_signed_in_session_ends_when_idle_and_is_kept_alive_by_use(client, settings) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    person = User.objects.create_user("coordinator-idle", password=PASSWORD, role=Role.INCIDENT_COORDINATOR.value)
    assert client.post("/accounts/login/", {"username": "coordinator-idle", "password": PASSWORD}).status_code == 302
    assert client.get("/incidents/").status_code == 200
    session = Session.objects.get(session_key=client.session.session_key)
    # In use: a request after a minute moves the expiry on by the idle time.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=5))
    stored = client.session
    stored["vrp_seen"] = 0
    stored.save()
    assert client.get("/incidents/").status_code == 200
    expiry = Session.objects.get(pk=session.pk).expire_date
    assert expiry > timezone.now() + timedelta(minutes=29)
    # Idle: once the idle time has passed with no request, the user is signed out.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/incidents/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert person.pk  # (the account itself is untouched)
