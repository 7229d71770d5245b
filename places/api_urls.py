from django.urls import path

from places import api

app_name = "openreferral"
urlpatterns = [
    path("", api.root, name="root"),
    path("services", api.services, name="services"),
    path("services/<str:service_id>", api.service, name="service"),
    path("service_at_locations", api.service_at_locations, name="service-at-locations"),
    path("taxonomies", api.taxonomies, name="taxonomies"),
    path("taxonomy_terms", api.taxonomy_terms, name="taxonomy-terms"),
]
