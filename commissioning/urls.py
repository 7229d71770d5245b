from django.urls import path

from commissioning import views

app_name = "commissioning"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("projects.<str:fmt>", views.projects_download, name="projects-download"),
    path("delivery.geojson", views.delivery_map, name="delivery-map"),
    path("360giving.<str:fmt>", views.threesixty_download, name="360giving"),
    path("projects/<slug:identifier>/", views.project_page, name="project"),
    path("manage/", views.manage, name="manage"),
    path("manage/projects.<str:fmt>", views.manage_download, name="manage-download"),
    path("manage/projects/new/", views.project_edit, name="project-new"),
    path("manage/projects/<slug:identifier>/edit/", views.project_edit, name="project-edit"),
    path("manage/projects/<slug:identifier>/measures/new/", views.measure_new, name="measure-new"),
    path("manage/funders/new/", views.funder_new, name="funder-new"),
    path("manage/programmes/new/", views.programme_new, name="programme-new"),
    path("manage/import/", views.import_page, name="import"),
]
