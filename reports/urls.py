from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.jobs, name="jobs"),
    path("jobs/<int:job_id>/", views.job, name="job"),
    path("jobs/<int:job_id>/files/<path:name>", views.job_file, name="file"),
    path("jobs/<int:job_id>/publish/", views.publish, name="publish"),
    path("published/", views.published, name="published"),
    path("published/<int:job_id>/<path:name>", views.published_file, name="published-file"),
]
