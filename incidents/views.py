"""Incident pages. Restricted: coordinators and administrators see all incidents; partners and providers only
those their organisation is invited to (any other answers 404, so its existence is not revealed), and of each
only what is theirs or for everyone on it. Every page that shows an incident's details is in the audit log."""

import json
from datetime import date, timedelta

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.access import Viewer, allow
from core.downloads import table_response
from core.problems import InputRejected
from core.render import form_page, refuse
from core.roles import COORDINATORS, COORDINATORS_PARTNERS_AND_PROVIDERS
from incidents.forms import (
    ActionUpdateForm,
    IncidentForm,
    InviteForm,
    NewActionForm,
    NoteForm,
    StartResponseForm,
    StatusForm,
)
from incidents.models import Action, Incident, TimelineEntry
from incidents.services import metrics
from incidents.services.response import (
    add_action,
    add_note,
    change_status,
    invite,
    is_coordinator,
    record_incident,
    start_response,
    update_action,
    visible_actions,
    visible_incidents,
    visible_timeline,
)


def _audit_shown(user: Viewer, action: str, incidents: list[Incident], what: str) -> None:
    """Incidents are restricted records: a page or download showing any is in the audit log, naming them."""
    references = ", ".join(i.reference for i in incidents)
    audit.record(user, action, object_type="incidents.Incident",
                 object_id=incidents[0].reference if len(incidents) == 1 else "",
                 summary=f"{what}: {len(incidents)} incident{'s' if len(incidents) != 1 else ''}"
                         f"{' (' + references + ')' if references else ''}")


@allow(COORDINATORS_PARTNERS_AND_PROVIDERS)
def incident_list(request: HttpRequest) -> HttpResponse:
    incidents = list(visible_incidents(request.user))
    now = timezone.now()
    overdue_actions = metrics.overdue_actions(visible_incidents(request.user), now)
    if not is_coordinator(request.user):
        overdue_actions = overdue_actions.filter(organisation_id=request.user.organisation_id)
    overdue = set(overdue_actions.values_list("incident_id", flat=True))
    _audit_shown(request.user, "view_list", incidents, "incident list")
    return render(request, "incidents/list.html", {"incidents": incidents, "overdue": overdue,
                                                   "coordinator": is_coordinator(request.user)})


@allow(COORDINATORS)
def incident_new(request: HttpRequest) -> HttpResponse:
    form = IncidentForm(request.POST or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        try:
            incident = record_incident(request.user, form.save(commit=False), form.cleaned_data["school_urns"])
        except InputRejected as exc:
            problems = exc.problems
        else:
            return redirect("incidents:detail", reference=incident.reference)
    return form_page(request, "incidents/form.html",
                     {"form": form, "problems": problems, "title": "Record an incident"}, form, problems=problems)


POST_FORMS = {"note": NoteForm, "invite": InviteForm, "start": StartResponseForm, "status": StatusForm,
              "action": NewActionForm}
COORDINATOR_FORMS = {"invite", "start", "status", "action"}


@allow(COORDINATORS_PARTNERS_AND_PROVIDERS)
def incident_detail(request: HttpRequest, reference: str) -> HttpResponse:
    incident = get_object_or_404(visible_incidents(request.user), reference=reference)
    coordinator = is_coordinator(request.user)
    chosen = request.POST.get("form") if request.method == "POST" else None
    forms = {name: form_class(request.POST if chosen == name else None, prefix=name)
             for name, form_class in POST_FORMS.items() if coordinator or name not in COORDINATOR_FORMS}
    # A coordinator's note is for everyone by default; a partner's stays with its own organisation unless it
    # chooses otherwise.
    forms["note"].initial["audience"] = (TimelineEntry.Audience.INCIDENT if coordinator
                                         else TimelineEntry.Audience.ORGANISATION)
    problems = []
    if chosen in forms and forms[chosen].is_valid():
        data = forms[chosen].cleaned_data
        try:
            if chosen == "note":
                add_note(request.user, incident, data["kind"], data["text"], data["audience"])
            elif chosen == "invite":
                invite(request.user, incident, data["organisation"])
            elif chosen == "start":
                start_response(request.user, incident, data["protocol"])
            elif chosen == "status":
                change_status(request.user, incident, data["status"], data["follow_up"], data["follow_up_owner"],
                              data["follow_up_due"], data["create_plans"])
            else:
                add_action(request.user, incident, data["title"], data["organisation"], data["due_at"])
        except InputRejected as exc:
            problems = exc.problems
        else:
            messages.success(request, "Saved.")
            return redirect("incidents:detail", reference=reference)
    elif chosen is not None and chosen not in forms:
        return refuse(request, "Only incident coordinators can do that.")
    now = timezone.now()
    # Incidents are restricted records: every page showing one is in the audit log (a form sent back with its
    # errors shows the incident too).
    audit.record(request.user, "view", incident)
    return form_page(request, "incidents/detail.html", {
        "incident": incident, "actions": visible_actions(request.user, incident), "now": now,
        "timeline": visible_timeline(request.user, incident), "forms": forms, "coordinator": coordinator,
        "problems": problems, "invited": incident.invited.all()},
        forms[chosen] if chosen else None, problems=problems)


@allow(COORDINATORS_PARTNERS_AND_PROVIDERS)
def action_update(request: HttpRequest, reference: str, action_id: int) -> HttpResponse:
    incident = get_object_or_404(visible_incidents(request.user), reference=reference)
    action = get_object_or_404(visible_actions(request.user, incident), pk=action_id)
    coordinator = is_coordinator(request.user)
    form = ActionUpdateForm(request.POST or None, instance=action, coordinator=coordinator)
    problems = []
    if request.method == "POST" and form.is_valid():
        before = Action.objects.get(pk=action.pk)
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            update_action(request.user, before, changes)
        except InputRejected as exc:
            problems = exc.problems
        else:
            messages.success(request, "Action updated.")
            return redirect("incidents:detail", reference=reference)
    audit.record(request.user, "view", action, summary=f"{incident.reference}: {action.title}")
    return form_page(request, "incidents/action.html", {"incident": incident, "action": action, "form": form,
                                                        "problems": problems},
                     form, problems=problems)


def _period(request: HttpRequest) -> tuple[date, date]:
    today = timezone.localdate()
    try:
        first = date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        first = today - timedelta(days=365)
    try:
        last = date.fromisoformat(request.GET.get("to", ""))
    except ValueError:
        last = today
    return first, last


@allow(COORDINATORS)
def dashboard(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """Open incidents, overdue actions, response times (median, 90th percentile), counts by month and area."""
    first, last = _period(request)
    incidents = metrics.in_period(Incident.objects.all(), first, last)
    times = metrics.response_times(incidents)
    months = metrics.counts_by_month(incidents)
    if fmt:
        table = request.GET.get("table", "response_times")
        rows, columns = {"response_times": (times, ["step", "incidents", "median_hours", "p90_hours"]),
                         "months": (months, ["month", "incidents", "responded_to"]),
                         "areas": (metrics.by_area(incidents), ["lad", "name", "incidents"])}.get(
            table, (times, ["step", "incidents", "median_hours", "p90_hours"]))
        return table_response(rows, columns, fmt, f"incidents-{table}", {"from": first, "to": last})
    now = timezone.now()
    overdue = list(metrics.overdue_actions(Incident.objects.all(), now))
    _audit_shown(request.user, "view_dashboard", list({a.incident_id: a.incident for a in overdue}.values()),
                 "coordinator dashboard, overdue actions")
    return render(request, "incidents/dashboard.html", {
        "first": first, "last": last, "open": Incident.objects.exclude(status=Incident.Status.CLOSED),
        "overdue": overdue, "times": times, "months": months,
        "areas": metrics.by_area(incidents), "responded": sum(m["responded_to"] for m in months),
        "total": sum(m["incidents"] for m in months), "query_string": request.GET.urlencode()})


@allow(COORDINATORS)
def incident_map(request: HttpRequest) -> HttpResponse:
    """Approximate incident points (about 100 m) for the restricted map."""
    first, last = _period(request)
    located = [i for i in metrics.in_period(Incident.objects.all(), first, last) if i.latitude is not None]
    features = [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [i.longitude, i.latitude]},
                 "properties": {"reference": i.reference, "type": i.get_incident_type_display(), "label": i.reference,
                                "url": reverse("incidents:detail", args=[i.reference]),
                                "status": i.status, "lsoa": i.lsoa_code}}
                for i in located]
    _audit_shown(request.user, "view_map", located, "restricted incident map")
    return HttpResponse(json.dumps({"type": "FeatureCollection", "features": features}),
                        content_type="application/geo+json")
