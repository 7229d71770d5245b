"""The front page, and the password pages where the platform adds to Django's (audit, a limit on emails)."""

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from core import api_registry, audit, ratelimit
from core.access import allow, role_of
from core.roles import EVERYONE, SIGNED_IN, Role


@allow(EVERYONE)
def home(request: HttpRequest) -> HttpResponse:
    """The front page: what the warehouse holds (from insights) and, for a partner, new hot spot alerts (from
    partners), each registered by its app (``core.api_registry.register_home_part``)."""
    return render(request, "core/home.html", {"warehouse": [], "alerts": [],
                                              "is_partner": role_of(request.user) == Role.PARTNER,
                                              **api_registry.home_context(request)})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change (the old password, then the new one twice, checked by the validators);
    the change is in the audit log."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(self.request.user, "change_password", self.request.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by email (through ``VRP_EMAIL_BACKEND``), sending at most ``VRP_SIGN_IN_FAILURES`` emails
    per client address per ``VRP_SIGN_IN_LOCKOUT_MINUTES``. Past that it answers as if it had sent one, so
    neither the limit nor whether an address has an account can be learned from it."""

    email_template_name = "registration/password_reset_email.txt"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_context_data(**kwargs), "reset_minutes": settings.PASSWORD_RESET_TIMEOUT // 60}

    def form_valid(self, form: Any) -> HttpResponse:
        sent = ratelimit.add("password-reset", ratelimit.client_address(self.request),
                             settings.VRP_SIGN_IN_LOCKOUT_SECONDS)
        if sent > settings.VRP_SIGN_IN_FAILURES:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's new-password page behind the emailed link; the change is in the audit log."""

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        audit.record(form.user, "reset_password", form.user)
        return response


password_change = allow(SIGNED_IN)(PasswordChangeView.as_view())
password_reset = allow(EVERYONE)(PasswordResetView.as_view())
password_reset_confirm = allow(EVERYONE)(PasswordResetConfirmView.as_view())
