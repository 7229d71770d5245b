"""Courses and the competency framework; events and their sessions."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from core.access import allow
from core.problems import InputRejected
from core.render import form_page
from core.roles import PROVIDERS_PARTNERS_ANALYSTS_AND_COMMISSIONERS, PROVIDERS_PARTNERS_AND_COMMISSIONERS
from engagement.figures import attendance_by_session
from engagement.forms import EventForm
from engagement.models import CompetencyFramework, Course
from engagement.services.events import save_event
from engagement.services.scope import events_in_scope, organisations_for, sessions_in_scope


@allow(PROVIDERS_PARTNERS_ANALYSTS_AND_COMMISSIONERS)
def courses(request: HttpRequest) -> HttpResponse:
    """The courses and the competency frameworks they map to (administrators edit them in the admin)."""
    frameworks = CompetencyFramework.objects.prefetch_related("levels__competencies")
    return render(request, "engagement/courses.html", {
        "courses": Course.objects.prefetch_related("competencies"), "frameworks": frameworks})


@allow(PROVIDERS_PARTNERS_ANALYSTS_AND_COMMISSIONERS)
def events(request: HttpRequest) -> HttpResponse:
    return render(request, "engagement/events.html", {"events": events_in_scope(request.user),
                                                      "can_add": organisations_for(request.user).exists()})


@allow(PROVIDERS_PARTNERS_AND_COMMISSIONERS)
def event_new(request: HttpRequest) -> HttpResponse:
    form = EventForm(request.POST or None, organisations=organisations_for(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            event = save_event(request.user, form.save(commit=False))
        except InputRejected as exc:
            return form_page(request, "engagement/event_form.html", {"form": form, "problems": exc.problems},
                             form, problems=exc.problems)
        messages.success(request, f"Event {event.title} added: now record its sessions.")
        return redirect("engagement:event", event_id=event.pk)
    return form_page(request, "engagement/event_form.html", {"form": form}, form)


@allow(PROVIDERS_PARTNERS_ANALYSTS_AND_COMMISSIONERS)
def event_page(request: HttpRequest, event_id: int) -> HttpResponse:
    event = get_object_or_404(events_in_scope(request.user), pk=event_id)
    sessions = sessions_in_scope(request.user).filter(event=event).order_by("date")
    per_session = attendance_by_session(sessions)
    rows = [{"session": s, **per_session.get(s.pk, {"professionals": 0, "young_people": 0, "other_adults": 0})}
            for s in sessions]
    return render(request, "engagement/event.html", {
        "event": event, "rows": rows, "totals": {k: sum(r[k] for r in rows) for k in ("professionals", "young_people",
                                                                                      "other_adults")},
        "can_record": organisations_for(request.user).filter(pk=event.organisation_id).exists()})
