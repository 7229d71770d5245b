from django.urls import path

from incidents import views

app_name = "incidents"
urlpatterns = [
    path("", views.incident_list, name="list"),
    path("new/", views.incident_new, name="new"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard.<str:fmt>", views.dashboard, name="dashboard-download"),
    path("map.geojson", views.incident_map, name="map"),
    path("<slug:reference>/", views.incident_detail, name="detail"),
    path("<slug:reference>/actions/<int:action_id>/", views.action_update, name="action"),
]
