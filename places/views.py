"""Schools, plans, routes, the directory and provision versus need: thin views over ``places.services``."""

import json
from dataclasses import replace

from django.contrib import messages
from django.db import transaction
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from shapely.geometry import Point

from core import audit
from core.access import allow, role_of
from core.disclosure import is_primary
from core.downloads import table_response
from core.public_cache import public_page
from core.roles import EVERYONE, Role
from incidents.models import Incident
from insights.services.catalogue import default_query
from places.forms import DirectorySearchForm, PlanForm, PlanItemForm, RouteForm, SubmissionForm
from places.models import DirectoryOrganisation, PreventionPlan, Route, Schedule, School, Service, ServiceLocation
from places.services import directory, provision
from places.services.nearby import by_month_and_type, events_near_geometry
from places.services.routes import before_after, difference_in_differences, route_panel

PARTNERS = (Role.PARTNER, Role.ANALYST, Role.COMMISSIONER, Role.INCIDENT_COORDINATOR, Role.ADMINISTRATOR)
MODERATORS = (Role.ANALYST, Role.COMMISSIONER, Role.ADMINISTRATOR)
UNSUPPRESSED = (Role.ANALYST, Role.COMMISSIONER, Role.INCIDENT_COORDINATOR, Role.ADMINISTRATOR)


@allow(EVERYONE)
@public_page
def schools(request: HttpRequest) -> HttpResponse:
    text = request.GET.get("q", "").strip()
    found = School.objects.all()
    if text:
        found = found.filter(Q(name__icontains=text) | Q(la_name__icontains=text) | Q(urn__iexact=text)
                             if text.isdigit() else Q(name__icontains=text) | Q(la_name__icontains=text))
    return render(request, "places/schools.html", {"schools": found[:200], "total": found.count(), "q": text})


def _radius(request: HttpRequest) -> int:
    text = request.GET.get("radius", "500")
    return min(max(int(text), 100), 2000) if text.isdigit() else 500


@allow(EVERYONE)
@public_page
def school_page(request: HttpRequest, urn: int, fmt: str | None = None) -> HttpResponse:
    """A school: violence within a radius by month and type (last 12 months), its plans and routes."""
    school = get_object_or_404(School, urn=urn)
    radius = _radius(request)
    rows, note = [], ""
    query = default_query()
    if school.latitude is None:
        note = "GIAS gives no location for this school."
    elif query.month_from:
        events = events_near_geometry(replace(query, lad_codes=()), Point(school.longitude, school.latitude), radius)
        rows = by_month_and_type(events)
        if role_of(request.user) not in UNSUPPRESSED:
            rows = [{**r, "count": None if is_primary(r["count"]) else r["count"]} for r in rows]
    if fmt:
        return table_response(rows, ["month", "crime_type", "count"], fmt, f"school-{urn}-within-{radius}m")
    partner = role_of(request.user) in PARTNERS
    return render(request, "places/school.html", {
        "school": school, "rows": rows, "radius": radius, "note": note, "query": query, "partner": partner,
        "plans": school.plans.all() if partner else [], "routes": school.routes.all() if partner else []})


@allow(PARTNERS)
def plan_new(request: HttpRequest, urn: int) -> HttpResponse:
    school = get_object_or_404(School, urn=urn)
    form = PlanForm(request.POST or None, initial={"incident_reference": request.GET.get("incident", "")})
    if request.method == "POST" and form.is_valid():
        reference = form.cleaned_data["incident_reference"].strip()
        incident = Incident.objects.filter(reference=reference).first() if reference else None
        if reference and incident is None:
            form.add_error("incident_reference", "No incident has that reference.")
        elif PreventionPlan.objects.filter(school=school, academic_year=form.cleaned_data["academic_year"]).exists():
            form.add_error("academic_year", "This school already has a plan for that year.")
        else:
            plan = form.save(commit=False)
            plan.school, plan.incident = school, incident
            plan.save()
            audit.record(request.user, "create", plan)
            return redirect("places:plan", plan_id=plan.pk)
    return render(request, "places/form.html", {"form": form, "title": f"New prevention plan: {school.name}"},
                  status=400 if form.errors else 200)


@allow(PARTNERS)
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = get_object_or_404(PreventionPlan.objects.select_related("school", "incident"), pk=plan_id)
    form = PlanItemForm(request.POST or None)
    if request.method == "POST" and "delivered" in request.POST:
        item = get_object_or_404(plan.items, pk=request.POST["delivered"])
        item.status = "delivered"
        item.save(update_fields=["status"])
        audit.record(request.user, "update", item, summary=f"{plan}: {item} delivered")
        return redirect("places:plan", plan_id=plan.pk)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.plan = plan
        item.save()
        audit.record(request.user, "create", item, summary=f"{plan}: {item}")
        return redirect("places:plan", plan_id=plan.pk)
    items = list(plan.items.select_related("project"))
    delivered = sum(1 for i in items if i.status == "delivered")
    return render(request, "places/plan.html", {"plan": plan, "items": items, "form": form,
                                                "delivered": delivered, "total": len(items)},
                  status=400 if form.errors else 200)


@allow(PARTNERS)
def routes(request: HttpRequest) -> HttpResponse:
    return render(request, "places/routes.html", {"routes": Route.objects.select_related("school")})


@allow(PARTNERS)
def route_new(request: HttpRequest) -> HttpResponse:
    form = RouteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        route = form.save(commit=False)
        urn = form.cleaned_data.get("school_urn")
        route.school = School.objects.filter(urn=urn).first() if urn else None
        with transaction.atomic():
            route.save()
            audit.record(request.user, "create", route)
        return redirect("places:route", route_id=route.pk)
    return render(request, "places/route_new.html", {"form": form}, status=400 if form.errors else 200)


@allow(PARTNERS)
def route_page(request: HttpRequest, route_id: int, fmt: str | None = None) -> HttpResponse:
    """Crime within the buffer before and after the route started, and the DiD against comparison routes."""
    route = get_object_or_404(Route, pk=route_id)
    buffer_m = _radius(request) if request.GET.get("radius") else 250
    query = default_query()
    comparisons = list(Route.objects.filter(is_comparison=True).exclude(pk=route.pk))
    panel, estimate, note = [], None, ""
    if query.month_from:
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


@allow(PARTNERS)
def route_planning(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """Schools ranked by violence near them (last 12 months), those with a route marked, so new routes go where
    the data says. Pupils' home LSOAs are not in GIAS, so walking corridors cannot be drawn; the radius stands
    in for them."""
    radius = _radius(request)
    query = replace(default_query(), types=("Violence and sexual offences", "Robbery", "Possession of weapons"))
    candidates = School.objects.exclude(latitude=None).filter(phase__in=["Secondary", "All-through", "Middle deemed "
                                                                                                   "secondary"])
    area = request.GET.get("la", "")
    if area:
        candidates = candidates.filter(la_name__iexact=area)
    rows = []
    if query.month_from:
        for school in candidates[:300]:
            count = len(events_near_geometry(replace(query, lad_codes=()), Point(school.longitude, school.latitude),
                                             radius))
            rows.append({"urn": school.urn, "name": school.name, "la": school.la_name, "pupils": school.pupils,
                         "violence_robbery_weapons_nearby": count, "has_route": school.routes.exists()})
    rows.sort(key=lambda r: (-r["violence_robbery_weapons_nearby"], r["name"]))
    if fmt:
        return table_response(rows, list(rows[0]) if rows else ["urn"], fmt, "route-planning")
    return render(request, "places/planning.html", {"rows": rows[:50], "radius": radius, "query": query,
                                                    "area": area, "query_string": request.GET.urlencode()})


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
    results, note = [], ""
    if form.is_valid() or not request.GET:
        if not request.GET:
            form = DirectorySearchForm()
            results = [(s, None) for s in directory.published()[:100]]
        else:
            results, note = directory.search(_filters(form))
    points = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [loc.longitude, loc.latitude]},
         "properties": {"name": loc.name, "label": s.name, "url": f"#service-{s.id}"}}
        for s, _ in results for loc in s.locations.all()]}
    return render(request, "places/directory.html", {"form": form, "results": results, "note": note,
                                                     "points": json.dumps(points)},
                  status=400 if form.errors else 200)


@allow(EVERYONE)
def directory_submit(request: HttpRequest) -> HttpResponse:
    """Organisations submit a service; it is published once a moderator has reviewed it."""
    form = SubmissionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        latitude, longitude = directory.postcode_point(data["postcode"])
        with transaction.atomic():
            organisation, _ = DirectoryOrganisation.objects.get_or_create(
                name=data["organisation_name"], defaults={"description": data["organisation_description"]})
            if data["faith_alliance_member"]:
                from django.utils import timezone

                from engagement.services.networks import declare_faith_alliance_membership

                # Counted once the Faith Alliance's coordinator confirms it (engagement, networks page).
                declare_faith_alliance_membership(request.user if request.user.is_authenticated else "public",
                                                  organisation, timezone.localdate())
            service = form.save(commit=False)
            service.organisation = organisation
            service.moderation = Service.Moderation.PENDING
            service.submitted_by = request.user if request.user.is_authenticated else None
            service.save()
            form.save_m2m()
            ServiceLocation.objects.create(service=service, name=data["location_name"],
                                           postcode=directory.normalise_postcode(data["postcode"]) or "",
                                           latitude=latitude, longitude=longitude)
            Schedule.objects.create(service=service, byday=data["day"], opens_at=data["opens_at"],
                                    closes_at=data["closes_at"], season=data["season"])
            audit.record(request.user if request.user.is_authenticated else "public", "submit", service)
        return render(request, "places/submitted.html", {"service": service})
    return render(request, "places/form.html", {"form": form, "title": "Add a service to the directory",
                                                "lead": "A moderator reviews every entry before it is published."},
                  status=400 if form.errors else 200)


@allow(MODERATORS)
def directory_moderate(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        service = get_object_or_404(Service, pk=request.POST.get("service"))
        directory.moderate(request.user, service, request.POST.get("decision") == "publish",
                           request.POST.get("note", ""))
        messages.success(request, f"{service.name}: {service.get_moderation_display().lower()}.")
        return redirect("places:moderate")
    pending = Service.objects.filter(moderation=Service.Moderation.PENDING).select_related("organisation")
    return render(request, "places/moderate.html", {"pending": pending})


@allow(EVERYONE)
@public_page
def provision_page(request: HttpRequest, fmt: str | None = None) -> HttpResponse:
    """High need, low provision first, by LSOA or ward, for any activity."""
    activity = request.GET.get("activity", "")
    level = request.GET.get("level", "ward")
    if level not in ("ward", "lsoa"):
        raise Http404("Show wards or LSOAs.")
    rows = provision.provision_vs_need(activity) if default_query().month_from else []
    if level == "ward":
        rows = provision.by_ward(rows)
    if fmt:
        return table_response(rows, list(rows[0]) if rows else [level], fmt, f"provision-vs-need-{level}")
    from places.models import TaxonomyTerm

    return render(request, "places/provision.html", {"rows": rows[:50], "level": level, "activity": activity,
                                                     "terms": TaxonomyTerm.objects.all(),
                                                     "walking": provision.WALKING_DISTANCE_M,
                                                     "query_string": request.GET.urlencode()})
