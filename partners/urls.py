from django.urls import path

from partners import views

app_name = "partners"
urlpatterns = [
    path("success/", views.success, name="success"),
    path("success.<str:fmt>", views.success, name="success-download"),
    path("stop-and-search/", views.stop_search, name="stop-search"),
    path("stop-and-search.<str:fmt>", views.stop_search, name="stop-search-download"),
    path("outcomes/", views.outcomes, name="outcomes"),
    path("outcomes.<str:fmt>", views.outcomes, name="outcomes-download"),
    path("indicators/", views.indicators, name="indicators"),
    path("indicators.<str:fmt>", views.indicators, name="indicators-download"),
    path("alerts/", views.alerts, name="alerts"),
]
