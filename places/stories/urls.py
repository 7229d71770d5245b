"""Story map addresses, under /places/stories/ (in the ``places`` namespace)."""

from django.urls import path

from places.stories import views

urlpatterns = [
    path("stories/", views.story_list, name="stories"),
    path("stories/new/", views.story_new, name="story-new"),
    path("stories/<slug:story>/", views.story_page, name="story"),
    path("stories/<slug:story>/overlays.geojson", views.story_overlays, name="story-overlays"),
    path("stories/<slug:story>/chapters/<int:number>.<str:fmt>", views.chapter_data, name="story-chapter-data"),
    path("stories/<slug:story>/export.html", views.story_export, name="story-export"),
    path("stories/<slug:story>/edit/", views.story_edit, name="story-edit"),
    path("stories/<slug:story>/chapters/new/", views.chapter_new, name="chapter-new"),
    path("stories/<slug:story>/chapters/<int:chapter_id>/", views.chapter_edit, name="chapter-edit"),
]
