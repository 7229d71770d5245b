from django.urls import path

from insights import views

app_name = "insights"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("areas.json", views.area_search, name="areas"),
    path("figures/<slug:name>.<str:fmt>", views.figure_data, name="figure"),
    path("maps/<slug:level>.geojson", views.map_layer, name="map"),
    path("hotspots/", views.hotspots, name="hotspots"),
    path("hotspots.<str:fmt>", views.hotspots, name="hotspots-data"),
    path("api/openapi.json", views.openapi, name="openapi"),
    path("release/<slug:source>/", views.release, name="release"),
    path("release/<slug:source>.<str:fmt>", views.release, name="release-data"),
    path("analyst/figures/", views.stats, name="stats"),
    path("analyst/figures.<str:fmt>", views.stats, name="stats-export"),
    path("analyst/ingests/", views.ingests, name="ingests"),
]
