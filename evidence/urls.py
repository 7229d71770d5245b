from django.urls import path

from evidence import views

app_name = "evidence"
urlpatterns = [
    path("", views.search_page, name="search"),
    path("catalogue.<str:fmt>", views.catalogue, name="catalogue"),
    path("items/<int:pk>/", views.item_page, name="item"),
    path("items/<int:pk>/files/<int:attachment_id>/", views.attachment_download, name="attachment"),
    path("manage/new/", views.item_edit, name="new"),
    path("manage/<int:pk>/edit/", views.item_edit, name="edit"),
    path("manage/<int:pk>/attachments/", views.attachment_upload, name="attach"),
]
