"""Sign-in throttling (OWASP Authentication Cheat Sheet, "login throttling"), for the sign-in page and the
admin's alike: after ``VRP_SIGN_IN_FAILURES`` failed attempts for one username from one address, that
pair is refused; after ``VRP_SIGN_IN_FAILURES_PER_ADDRESS`` failures from one address across all
usernames (password spraying), the address is. A refusal lasts until ``VRP_SIGN_IN_LOCKOUT_MINUTES`` pass
with no failed attempt, and the right password does not get through it. Counted in the shared cache
(``core.ratelimit``), so every worker sees the same counts.
"""

from typing import Any

from django.conf import settings
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from core import ratelimit

REFUSED = "Too many failed attempts. Wait {minutes} minutes and try again, or reset your password."


def _subjects(request: Any, username: str) -> tuple[str, str]:
    address = ratelimit.client_address(request) if request is not None else ""
    return address, f"{address}\x1f{username.strip().lower()}"


def is_refused(request: Any, username: str) -> bool:
    """Whether sign-in attempts for ``username`` from this request's address are refused for now."""
    address, pair = _subjects(request, username)
    return (ratelimit.count("sign-in", pair) >= settings.VRP_SIGN_IN_FAILURES
            or ratelimit.count("sign-in-address", address) >= settings.VRP_SIGN_IN_FAILURES_PER_ADDRESS)


def record_failure(request: Any, username: str) -> None:
    address, pair = _subjects(request, username)
    window = settings.VRP_SIGN_IN_LOCKOUT_SECONDS
    ratelimit.add("sign-in", pair, window)
    ratelimit.add("sign-in-address", address, window)


class ThrottledFormMixin:
    """Checks the counts before the password, and counts a failure after it."""

    def clean(self) -> dict:
        username = self.cleaned_data.get("username") or ""
        if is_refused(self.request, username):
            raise ValidationError(REFUSED.format(minutes=settings.VRP_SIGN_IN_LOCKOUT_SECONDS // 60), code="throttled")
        try:
            return super().clean()
        except ValidationError as exc:
            if getattr(exc, "code", None) == "invalid_login":
                record_failure(self.request, username)
            raise


class ThrottledAuthenticationForm(ThrottledFormMixin, AuthenticationForm):
    pass


class ThrottledAdminAuthenticationForm(ThrottledFormMixin, AdminAuthenticationForm):
    pass
