"""URL map. Every view declares its roles (core.access); core/tests/test_access.py walks this map."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import views as core_views
from core.throttle import ThrottledAuthenticationForm

admin.site.site_header = "VRP Platform administration"

urlpatterns = [
    path("", core_views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=ThrottledAuthenticationForm),
         name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
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
]
