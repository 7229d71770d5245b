from django.urls import path

from engagement.views import events, figures, imports, networks, sessions

app_name = "engagement"
urlpatterns = [
    path("", sessions.home, name="home"),
    path("sessions.<str:fmt>", sessions.home, name="sessions-download"),
    path("sessions/new/", sessions.session_new, name="session-new"),
    path("sessions/<int:session_id>/", sessions.session_page, name="session"),
    path("sessions/<int:session_id>/edit/", sessions.session_edit, name="session-edit"),
    path("sessions/<int:session_id>/professionals/", sessions.session_professionals, name="professionals"),
    path("sessions/<int:session_id>/feedback/", sessions.session_feedback, name="feedback"),
    path("sessions/<int:session_id>/eventbrite/", imports.session_eventbrite, name="session-eventbrite"),
    path("import/", imports.upload, name="upload"),
    path("import/feedback/", imports.feedback_upload, name="feedback-upload"),
    path("courses/", events.courses, name="courses"),
    path("events/", events.events, name="events"),
    path("events/new/", events.event_new, name="event-new"),
    path("events/<int:event_id>/", events.event_page, name="event"),
    path("networks/", networks.networks, name="networks"),
    path("networks/<int:network_id>/", networks.network_page, name="network"),
    path("networks/<int:network_id>/members/<int:membership_id>/leaving/", networks.member_leaving,
         name="leaving"),
    path("figures/", figures.figures_page, name="figures"),
    path("figures/<slug:figure>.<str:fmt>", figures.figure_download, name="figure-download"),
]
