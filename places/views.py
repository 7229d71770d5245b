"""Schools, plans, routes, the directory and provision versus need: thin views over ``places.services``."""

import json
import uuid
from dataclasses import replace
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from shapely.geometry import Point

from core import ratelimit
from core.access import allow, role_of
from core.downloads import table_response
from core.problems import Refused
from core.public_cache import public_page
from core.render import error_response, form_page
from core.request_limits import accepts_uploads
from core.roles import ANALYSTS_AND_COMMISSIONERS, EVERYONE, PARTNERS_AND_STAFF
from incidents.services.response import visible_incidents
from insights.query.catalogue import default_query
from places.forms import DirectorySearchForm, PlanForm, PlanItemForm, RouteForm, SubmissionForm
from places.models import PreventionPlan, Route, School, Service
from places.services import directory, plans, provision
from places.services.nearby import by_month_and_type, events_near_geometry, points_missing
from places.services.ordering import natural_key
from places.services.planning import rank_schools_for_routes
from places.services.routes import before_after, difference_in_differences, record_route, route_panel


@allow(EVERYONE)
@public_page
def schools(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    found = School.objects.all()
    if text:
        found = found.filter(Q(name__icontains=text) | Q(la_name__icontains=text) | Q(urn__iexact=text)
                             if text.isdecimal() else Q(name__icontains=text) | Q(la_name__icontains=text))
    ordered = sorted(found.only("urn", "name", "phase", "la_name", "pupils"), key=lambda s: natural_key(s.name))
    page = Paginator(ordered, SCHOOLS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "places/schools.html", {"schools": page, "page": page, "total": len(ordered), "q": text,
                                                   "page_query": _page_query(request)})


SCHOOLS_PAGE_SIZE = 50
DIRECTORY_PAGE_SIZE = 20


def _page_query(request: HttpRequest) -> str:
    """The page's query string without its page number, for the links to other pages."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _radius(request: HttpRequest) -> int:
    text = request.GET.get("radius", "500")
    return min(max(int(text), 100), 2000) if text.isdecimal() else 500


@allow(EVERYONE)
@public_page(params=("radius",))
def school_page(request: HttpRequest, urn: int, fmt: str | None = None) -> HttpResponse:
    """A school: violence within a radius by month and type (last 12 months), its plans and routes."""
    school = get_object_or_404(School, urn=urn)
    radius = _radius(request)
    rows, note = [], ""
    query = default_query()
    if school.latitude is None:
        note = "GIAS gives no location for this school."
    elif query.month_from and (missing := points_missing(replace(query, lad_codes=()))):
        # Count data by LSOA has no points: say so rather than publish "none recorded".
        note = f"Crime near the school cannot be counted: {missing}."
        if fmt:
            raise Refused(note, "radius")
    elif query.month_from:
        events = events_near_geometry(replace(query, lad_codes=()), Point(school.longitude, school.latitude), radius,
                                      check_points=False)
        # police.uk open data: every record is already public with its place, so the counts are given in full.
        rows = by_month_and_type(events)
    if fmt:
        return table_response(rows, ["month", "crime_type", "count"], fmt, f"school-{urn}-within-{radius}m")
    partner = role_of(request.user) in PARTNERS_AND_STAFF
    return render(request, "places/school.html", {
        "school": school, "rows": rows, "radius": radius, "note": note, "query": query, "partner": partner,
        "plans": school.plans.all() if partner else [], "routes": school.routes.all() if partner else []})


@allow(PARTNERS_AND_STAFF)
def plan_new(request: HttpRequest, urn: int) -> HttpResponse:
    school = get_object_or_404(School, urn=urn)
    form = PlanForm(request.POST or None, initial={"incident_reference": request.GET.get("incident", "")})
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["incident_reference"].strip()
        # Only an incident the user may see can be cited (any other is "not found", which reveals nothing).
        incident = visible_incidents(request.user).filter(reference=reference).first() if reference else None
        if reference and incident is None:
            form.add_error("incident_reference", "No incident you can see has that reference.")
        else:
            try:
                plan = plans.create_plan(request.user, form.save(commit=False), school, incident)
            except plans.PlanExists as exc:
                form.add_error("academic_year", str(exc))
            else:
                return redirect("places:plan", plan_id=plan.pk)
    return form_page(request, "places/form.html", {"form": form, "title": f"New prevention plan: {school.name}"}, form)


@allow(PARTNERS_AND_STAFF)
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(PreventionPlan.objects.select_related("school", "incident"), pk=plan_id)
    form = PlanItemForm(request.POST or None)
    if request.method == "POST" and "delivered" in request.POST:
        plans.mark_delivered(request.user, get_object_or_404(plan.items, pk=request.POST["delivered"]))
        return redirect("places:plan", plan_id=plan.pk)
    if request.method == "POST" and form.is_valid():
        plans.add_plan_item(request.user, plan, form.save(commit=False))
        return redirect("places:plan", plan_id=plan.pk)
    items = list(plan.items.select_related("project"))
    delivered = sum(1 for i in items if i.status == "delivered")
    # The incident a plan follows is named only to those who may see the incident.
    incident = plan.incident if plan.incident_id and visible_incidents(request.user).filter(
        pk=plan.incident_id).exists() else None
    return form_page(request, "places/plan.html", {"plan": plan, "items": items, "form": form, "incident": incident,
                                                      "delivered": delivered, "total": len(items)}, form)


@allow(PARTNERS_AND_STAFF)
def routes(request: HttpRequest) -> HttpResponse:
    return render(request, "places/routes.html", {"routes": Route.objects.select_related("school")})


@allow(PARTNERS_AND_STAFF)
@accepts_uploads
def route_new(request: HttpRequest) -> HttpResponse:
    form = RouteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        route = record_route(request.user, form.save(commit=False), form.cleaned_data.get("school_urn"))
        return redirect("places:route", route_id=route.pk)
    return form_page(request, "places/route_new.html", {"form": form}, form)


@allow(PARTNERS_AND_STAFF)
def route_page(request: HttpRequest, route_id: int, fmt: str | None = None) -> HttpResponse:
    """Crime within the buffer before and after the route started, and the DiD against comparison routes."""
    route = get_object_or_404(Route, pk=route_id)
    buffer_m = _radius(request) if request.GET.get("radius") else 250
    query = default_query()
    comparisons = list(Route.objects.filter(is_comparison=True).exclude(pk=route.pk))
    panel, estimate, note = [], None, ""
    missing = points_missing(replace(query, lad_codes=())) if query.month_from else ""
    if missing:
        # Count data by LSOA has no points: no buffer count (and no estimate) rather than a row of zeros.
        note = f"Crime near the route cannot be counted: {missing}."
    elif query.month_from:
        panel = route_panel([route, *comparisons], query.month_from, query.month_to, buffer_m)
        try:
            estimate = difference_in_differences(panel)
        except ValueError as exc:
            note = str(exc)
    if fmt:
        return table_response(panel, ["route", "treated", "post", "month", "count"], fmt, f"route-{route.pk}-panel")
    return render(request, "places/route.html", {
        "route": route, "summary": before_after(panel), "estimate": estimate, "note": note, "buffer": buffer_m,
        "comparisons": comparisons, "line": route.line_geojson, "query": query})


@allow(PARTNERS_AND_STAFF)
def route_planning(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """Schools ranked by violence near them (last 12 months), those with a route marked, so new routes go where
    the data says. Pupils' home LSOAs are not in GIAS, so walking corridors cannot be drawn; the radius stands
    in for them."""
    radius = _radius(request)
    query, area = default_query(), request.GET.get("la", "")
    planning = rank_schools_for_routes(query, radius, area)
    rows = planning.rows
    if fmt:
        return table_response(rows, list(rows[0]) if rows else ["urn"], fmt, "route-planning")
    return render(request, "places/planning.html", {
        "rows": [{**r, "count": r[planning.measure]} for r in rows[:50]], "radius": radius, "query": query,
        "area": area, "query_string": request.GET.urlencode(), "note": planning.note,
        "count_label": "Crimes in the school's LSOA" if planning.note else "Crimes nearby"})


def _filters(form: DirectorySearchForm) -> directory.DirectoryFilters:
    data = form.cleaned_data
    return directory.DirectoryFilters(search=data.get("search") or "", taxonomy_term_id=data.get("taxonomy_term_id")
                                      or "", minimum_age=data.get("age"), maximum_age=data.get("age"),
                                      day=data.get("day") or "", postcode=data.get("postcode") or "",
                                      proximity=data.get("proximity"), season=data.get("season") or "")


@allow(EVERYONE)
@public_page
def directory_search(request: HttpRequest) -> HttpResponse:
    """What is on near me: search by postcode, day, age, activity and time of year; a map and a list."""
    form = DirectorySearchForm(request.GET or None)
    filters = None
    if not request.GET or set(request.GET) == {"page"}:
        form, filters = DirectorySearchForm(), directory.DirectoryFilters()
    elif form.is_valid():
        filters = _filters(form)
    found = directory.directory_page(filters, request.GET.get("page"), DIRECTORY_PAGE_SIZE)
    points = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [loc.longitude, loc.latitude]},
         "properties": {"name": loc.name, "label": s.name, "url": reverse("places:service", args=[s.id])}}
        for s, _ in found.page for loc in s.locations.all()]}
    return form_page(request, "places/directory.html", {"form": form, "results": found.page, "page": found.page,
                                                        "note": found.note, "total": found.total,
                                                        "page_query": _page_query(request),
                                                        "points": json.dumps(points)}, form)


@allow(EVERYONE)
@public_page(params=())
def service_page(request: HttpRequest, service_id: uuid.UUID) -> HttpResponse:
    """One published service with its Open Referral UK fields: organisation, description, eligibility, cost,
    contact, categories, where (with a map) and when (its regular sessions)."""
    service = get_object_or_404(directory.published(), id=service_id)
    points = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [loc.longitude, loc.latitude]},
         "properties": {"name": loc.name, "label": service.name, "url": f"#location-{loc.id}"}}
        for loc in service.locations.all()]}
    return render(request, "places/service.html", {"service": service, "points": json.dumps(points)})


SUBMISSION_WINDOW_SECONDS = 3600
MODERATION_PAGE_SIZE = 25


@allow(EVERYONE)
def directory_submit(request: HttpRequest) -> HttpResponse:
    """Organisations submit a service; it is published once a moderator has reviewed it. Anonymous
    submissions are limited per client address (``VRP_SUBMISSIONS_PER_HOUR``, counted in the shared store)."""
    title = "Add a service to the directory"
    anonymous = not request.user.is_authenticated
    address = ratelimit.client_address(request)
    if request.method == "POST" and anonymous and ratelimit.count(
            "directory-submission", address) >= settings.VRP_SUBMISSIONS_PER_HOUR:
        return render(request, "places/form.html", {
            "title": title, "lead": f"This address has sent {settings.VRP_SUBMISSIONS_PER_HOUR} services for review "
            "recently, the most it may send without signing in. Wait an hour and try again, or contact the "
            "partnership."}, status=429)
    form = SubmissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = directory.submit_service(
            request.user, form.save(commit=False), list(data["terms"]),
            {"name": data["organisation_name"], "description": data["organisation_description"],
             "faith_alliance_member": data["faith_alliance_member"]},
            {"name": data["location_name"], "postcode": data["postcode"]},
            {"byday": data["day"], "opens_at": data["opens_at"], "closes_at": data["closes_at"],
             "season": data["season"]})
        if anonymous:
            ratelimit.add("directory-submission", address, SUBMISSION_WINDOW_SECONDS)
        return render(request, "places/submitted.html", {"service": service})
    return form_page(request, "places/form.html", {"form": form, "title": title,
                                                   "lead": "A moderator reviews every entry before it is published."},
                     form)


def _pending(words: str) -> QuerySet[Service]:
    pending = Service.objects.filter(moderation=Service.Moderation.PENDING)
    for word in words.split()[:8]:
        pending = pending.filter(Q(name__icontains=word) | Q(description__icontains=word)
                                 | Q(organisation__name__icontains=word) | Q(locations__name__icontains=word))
    return pending.distinct().order_by("last_modified", "name")


@allow(ANALYSTS_AND_COMMISSIONERS)
def directory_moderate(request: HttpRequest) -> HttpResponse:
    """Entries awaiting review, every field the public would see, a page at a time; publish or reject one,
    the ones ticked, or every entry matching the search (a flood of submissions goes in one step)."""
    words = (request.POST if request.method == "POST" else request.GET).get("q", "").strip()
    if request.method == "POST":
        decision = request.POST.get("decision", "")
        note = request.POST.get("note", "")
        query = f"?{urlencode({'q': words})}" if words else ""
        one = request.POST.get("decide", "")  # an entry's own buttons: "publish:<id>" or "reject:<id>"
        if ":" in one or request.POST.get("service"):
            decision, pk = one.split(":", 1) if ":" in one else (decision, request.POST["service"])
            if not _is_uuid(pk):
                raise Http404("No such entry.")
            service = get_object_or_404(Service, pk=pk)
            directory.moderate(request.user, service, decision == "publish", note)
            messages.success(request, f"{service.name}: {service.get_moderation_display().lower()}.")
        elif decision in ("publish-selected", "reject-selected"):
            chosen = Service.objects.filter(pk__in=[pk for pk in request.POST.getlist("selected") if _is_uuid(pk)])
            done = directory.moderate_many(request.user, chosen, decision == "publish-selected", note)
            messages.success(request, f"{done} entr{'y' if done == 1 else 'ies'} "
                                      f"{'published' if decision == 'publish-selected' else 'rejected'}.")
        elif decision == "reject-matching":
            matching = _pending(words)
            # The count the moderator saw must still be the count: entries arriving meanwhile are not swept up.
            if str(matching.count()) != request.POST.get("matching_count"):
                messages.error(request, "More entries arrived since the page was shown; check them and try again.")
            else:
                done = directory.moderate_many(request.user, Service.objects.filter(
                    pk__in=list(matching.values_list("pk", flat=True))), False, note)
                messages.success(request, f"{done} entr{'y' if done == 1 else 'ies'} rejected.")
        return redirect(reverse("places:moderate") + query)
    pending = _pending(words).select_related("organisation").prefetch_related("locations", "schedules", "terms")
    page = Paginator(pending, MODERATION_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "places/moderate.html", {"page": page, "q": words, "total": page.paginator.count})


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


@allow(EVERYONE)
@public_page
def provision_page(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """High need, low provision first, by LSOA or ward, for any activity."""
    activity = request.GET.get("activity", "")
    level = request.GET.get("level", "ward")
    if level not in ("ward", "lsoa"):
        return error_response(request, [("level", "Choose ward or lsoa for the level.")], 400, fmt)
    from places.models import TaxonomyTerm

    # An activity the directory does not list would show no provision anywhere (and be kept as if it did).
    if activity and not TaxonomyTerm.objects.filter(code=activity).exists():
        return error_response(request, [("activity", f"{activity[:60]!r} is not an activity of the directory; "
                                                     "choose one from the list (or none, for every activity).")],
                              400, fmt)
    rows = provision.provision_table(activity, level) if default_query().month_from else []
    if fmt:
        return table_response(rows, list(rows[0]) if rows else [level], fmt, f"provision-vs-need-{level}")
    return render(request, "places/provision.html", {"rows": rows[:50], "level": level, "activity": activity,
                                                     "terms": TaxonomyTerm.objects.all(),
                                                     "walking": provision.WALKING_DISTANCE_M,
                                                     "query_string": request.GET.urlencode()})
