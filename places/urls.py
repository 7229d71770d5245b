from django.urls import path

from places import views
from places.stories.urls import urlpatterns as story_urlpatterns

app_name = "places"
urlpatterns = [
    path("schools/", views.schools, name="schools"),
    path("schools/<int:urn>/", views.school_page, name="school"),
    path("schools/<int:urn>/nearby.<str:fmt>", views.school_page, name="school-nearby"),
    path("schools/<int:urn>/plans/new/", views.plan_new, name="plan-new"),
    path("plans/<int:plan_id>/", views.plan_page, name="plan"),
    path("routes/", views.routes, name="routes"),
    path("routes/new/", views.route_new, name="route-new"),
    path("routes/planning/", views.route_planning, name="planning"),
    path("routes/planning.<str:fmt>", views.route_planning, name="planning-download"),
    path("routes/<int:route_id>/", views.route_page, name="route"),
    path("routes/<int:route_id>/panel.<str:fmt>", views.route_page, name="route-panel"),
    path("directory/", views.directory_search, name="directory"),
    path("directory/services/<uuid:service_id>/", views.service_page, name="service"),
    path("directory/submit/", views.directory_submit, name="submit"),
    path("directory/moderate/", views.directory_moderate, name="moderate"),
    path("provision/", views.provision_page, name="provision"),
    path("provision.<str:fmt>", views.provision_page, name="provision-download"),
]
urlpatterns += story_urlpatterns
