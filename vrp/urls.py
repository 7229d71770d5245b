"""URL map. Every view declares its roles (core.access); core/tests/test_access.py walks this map."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import views as core_views
from core.throttle import ThrottledAdminAuthenticationForm, ThrottledAuthenticationForm

admin.site.site_header = "VRP Platform administration"
# The admin's sign-in is throttled as the platform's is (core.throttle), counted in the same shared store.
admin.site.login_form = ThrottledAdminAuthenticationForm

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", core_views.password_change, name="password_change"),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/password/reset/", core_views.password_reset, name="password_reset"),
    path("accounts/password/reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("accounts/password/reset/<uidb64>/<token>/", core_views.password_reset_confirm,
         name="password_reset_confirm"),
    path("accounts/password/reset/done/", auth_views.PasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("admin/", admin.site.urls),
    path("insights/", include("insights.urls")),
    path("commissioning/", include("commissioning.urls")),
    path("monitoring/", include("monitoring.urls")),
    path("evidence/", include("evidence.urls")),
    path("incidents/", include("incidents.urls")),
    path("reports/", include("reports.urls")),
    path("places/", include("places.urls")),
    path("engagement/", include("engagement.urls")),
    path("openreferral/", include("places.api_urls")),
    path("strategy/", include("strategy.urls")),
    path("partners/", include("partners.urls")),
]

handler400 = "core.render.bad_request"
# Django's own errors answer in the format the path asks for, in the one error shape (core.errors).
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
