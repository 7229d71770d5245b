"""Sign-in throttling: after 5 failed attempts for one username from one address in 15 minutes, refuse more
for the rest of that window (OWASP Authentication Cheat Sheet, "login throttling"). Counted in Django's cache:
per process with the default cache; set a shared cache (e.g. Redis) when running several processes."""

from typing import Any

from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

MAX_FAILURES = 5
WINDOW_SECONDS = 15 * 60


def _key(request: Any, username: str) -> str:
    address = request.META.get("REMOTE_ADDR", "") if request is not None else ""
    return f"sign-in-failures:{address}:{username.strip().lower()}"


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict:
        key = _key(self.request, self.cleaned_data.get("username") or "")
        if cache.get(key, 0) >= MAX_FAILURES:
            raise ValidationError("Too many failed attempts. Wait 15 minutes and try again.", code="throttled")
        try:
            return super().clean()
        except ValidationError:
            cache.set(key, cache.get(key, 0) + 1, WINDOW_SECONDS)
            raise
