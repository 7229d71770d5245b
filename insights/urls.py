from django.urls import path

from insights import views

app_name = "insights"
urlpatterns = [
    path("figures/", views.stats, name="stats"),
    path("figures.<str:fmt>", views.stats, name="stats-export"),
    path("ingests/", views.ingests, name="ingests"),
]
