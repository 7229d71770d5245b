from django.urls import path

from monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.home, name="home"),
    path("upload/", views.upload, name="upload"),
    path("reach/", views.reach_page, name="reach"),
    path("reach.<str:fmt>", views.reach_page, name="reach-download"),
    path("late/", views.late_page, name="late"),
    path("late.<str:fmt>", views.late_page, name="late-download"),
    path("impact/<slug:identifier>/", views.impact_page, name="impact"),
    path("impact/<slug:identifier>.<str:fmt>", views.impact_page, name="impact-download"),
    path("projects/<slug:identifier>/", views.project_returns, name="project"),
    path("projects/<slug:identifier>/returns/<str:period>/", views.return_page, name="return"),
    path("projects/<slug:identifier>/returns/<str:period>.csv", views.return_download, name="return-download"),
]
