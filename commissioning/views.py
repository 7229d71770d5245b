"""Commissioning pages: the public dashboard and project pages, 360Giving downloads, and commissioners' forms.

Thin views over ``commissioning.services``. The dashboard, its downloads and the JSON all come from
``dashboard.find_projects`` and ``dashboard.project_table``, published projects only.
"""

import io
import tempfile
from pathlib import Path

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import resolve, reverse

from commissioning.forms import (
    DashboardFilters,
    FunderForm,
    ImportForm,
    OutcomeMeasureForm,
    ProgrammeForm,
    ProjectForm,
)
from commissioning.models import Project
from commissioning.services import dashboard, threesixty
from commissioning.services.funding import add_funder_or_programme
from commissioning.services.projects import (
    PROJECT_COLUMNS,
    import_project_rows,
    project_row,
    read_project_file,
    save_project,
)
from core.access import allow, declared_roles, role_of
from core.downloads import XLSX_TYPE, table_response
from core.problems import InputRejected
from core.public_cache import public_page
from core.render import error_response, form_errors, form_page
from core.request_limits import accepts_uploads
from core.roles import ANALYSTS_AND_COMMISSIONERS, COMMISSIONERS, EVERYONE, Role
from evidence.services.items import visible_items
from insights import charts
from insights.query.areas import area_names
from monitoring.services.measures import MeasureExists, add_outcome_measure
from monitoring.services.reach import MEASURE_LABELS, project_reach

TABLE_COLUMNS = ["identifier", "title", "provider", "funder", "programme", "theme", "status", "amount_awarded",
                 "currency", "award_date", "financial_year", "planned_start", "planned_end", "target_cohort",
                 "age_range", "areas", "reach_under_25", "reach_over_24", "professionals_trained"]


def _selection(request: HttpRequest) -> tuple[DashboardFilters, list[Project] | None]:
    form = DashboardFilters(request.GET or None)
    if not request.GET:
        return form, dashboard.find_projects(dashboard.ProjectFilters())
    if not form.is_valid():
        return form, None
    return form, dashboard.find_projects(form.filters())


@allow(EVERYONE)
@public_page
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """The public commissioning dashboard: what the partnership and the PCC fund, filtered, totalled, mapped."""
    form, projects = _selection(request)
    context = {"form": form, "query_string": request.GET.urlencode()}
    if projects is not None:
        themes = dashboard.by_theme(projects)
        full = role_of(request.user) in ANALYSTS_AND_COMMISSIONERS
        reach, reach_note = dashboard.reach_tiles(form.filters() if request.GET else dashboard.ProjectFilters(),
                                                  projects, full)
        context.update({
            "projects": projects, "totals": dashboard.totals(projects), "themes": themes, "reach": reach,
            "reach_note": reach_note,
            "funders": dashboard.by_funder(projects), "rows": dashboard.project_table(projects, full),
            "theme_chart": charts.bar_chart([t["name"] for t in themes], [float(t["amount_awarded"]) for t in themes],
                                            "Amount awarded by theme", "Amount awarded (£) per theme."),
        })
    return form_page(request, "commissioning/dashboard.html", context, form)


@allow(EVERYONE)
@public_page
def projects_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The dashboard's project table as CSV, XLSX or JSON, for the same filters."""
    form, projects = _selection(request)
    if projects is None:
        return error_response(request, form_errors(form), 400, "json")
    full = role_of(request.user) in ANALYSTS_AND_COMMISSIONERS
    meta = {"filters": request.GET.dict(), "definitions": {
        "financial_year": "April to March, named by the year it starts; the year a project was awarded",
        **{m: label + (" (accepted returns, new participants)" if full else
                       " (not per project: published by year, area and theme in the public release)")
           for m, label in MEASURE_LABELS.items()}}}
    return table_response(dashboard.project_table(projects, full), TABLE_COLUMNS, fmt, "projects", meta)


@allow(EVERYONE)
@public_page
def delivery_map(request: HttpRequest) -> HttpResponse:
    """Delivery locations of the selected projects as GeoJSON points."""
    form, projects = _selection(request)
    if projects is None:
        return error_response(request, form_errors(form), 400, "json")
    return JsonResponse(dashboard.delivery_points(projects), content_type="application/geo+json")


def _visible_project(request: HttpRequest, identifier: str) -> Project:
    """A project the visitor may see: published, or theirs (providers), or any (commissioners, admins)."""
    project = get_object_or_404(Project.objects.select_related("provider", "funder", "programme"),
                                identifier=identifier)
    role = role_of(request.user)
    if project.is_published or role in COMMISSIONERS or role is Role.ANALYST:
        return project
    if role is Role.PROVIDER and request.user.organisation_id == project.provider_id:
        return project
    raise Http404("No such project.")


def _if_may_open(request: HttpRequest, url: str) -> str:
    """``url`` when the page it names lets this user in (its view's ``@allow``), else "" (no link to a 403)."""
    return url if role_of(request.user) in (declared_roles(resolve(url).func) or ()) else ""


@allow(EVERYONE)
@public_page
def project_page(request: HttpRequest, identifier: str) -> HttpResponse:
    """One project: what, who, where, how much, its published reach, and the violence in the areas it serves."""
    project = _visible_project(request, identifier)
    names = area_names(project.area_codes or [])
    role = role_of(request.user)
    own = role is Role.PROVIDER and request.user.organisation_id == project.provider_id
    reach = project_reach(None, [project.pk]).get(project.pk, {}) if role in ANALYSTS_AND_COMMISSIONERS or own else None
    return render(request, "commissioning/project.html", {
        "project": project, "areas": [(code, names.get(code, "")) for code in project.area_codes or []],
        "reach": [(MEASURE_LABELS[m], v) for m, v in reach.items()] if reach is not None else None,
        "can_manage": role_of(request.user) in COMMISSIONERS,
        "impact_url": _if_may_open(request, reverse("monitoring:impact", args=[project.identifier])),
        "evidence": visible_items(request.user).filter(projects=project).order_by("-published_on", "title"),
    })


@allow(EVERYONE)
@public_page(params=())
def threesixty_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """Published projects in the 360Giving Data Standard, as JSON or the standard's spreadsheet."""
    if fmt not in ("json", "xlsx"):
        raise Http404("360Giving data comes as json or xlsx.")
    if fmt == "json":
        buffer = io.StringIO()
        threesixty.export_file("json", buffer)
        response = HttpResponse(buffer.getvalue(), content_type="application/json")
    else:
        buffer = io.BytesIO()
        threesixty.export_file("xlsx", buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="360giving.{fmt}"'
    return response


@allow(COMMISSIONERS)
def manage(request: HttpRequest) -> HttpResponse:
    """Commissioners' list of every project, published or not."""
    projects = Project.objects.select_related("provider", "funder").order_by("-award_date", "identifier")
    return render(request, "commissioning/manage.html", {"projects": projects})


@allow(COMMISSIONERS)
def manage_download(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every project in the import spreadsheet's columns: download, edit, upload again."""
    projects = Project.objects.select_related("provider", "funder", "programme").prefetch_related("locations")
    return table_response([project_row(p) for p in projects], PROJECT_COLUMNS, fmt, "projects-all")


@allow(COMMISSIONERS)
def project_edit(request: HttpRequest, identifier: str | None = None) -> HttpResponse:
    project = get_object_or_404(Project, identifier=identifier) if identifier else None
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        saved = save_project(request.user, form.save(commit=False), form.cleaned_data["delivery_locations"])
        messages.success(request, f"Saved {saved.identifier}.")
        return redirect("commissioning:project", identifier=saved.identifier)
    return form_page(request, "commissioning/form.html", {
        "form": form, "title": f"Edit {project.identifier}" if project else "New project"}, form)


def _simple_create(request: HttpRequest, form_class: type, title: str) -> HttpResponse:
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        created = add_funder_or_programme(request.user, form.save(commit=False))
        messages.success(request, f"Added {created}.")
        return redirect("commissioning:manage")
    return form_page(request, "commissioning/form.html", {"form": form, "title": title}, form)


@allow(COMMISSIONERS)
def funder_new(request: HttpRequest) -> HttpResponse:
    return _simple_create(request, FunderForm, "New funder")


@allow(COMMISSIONERS)
def programme_new(request: HttpRequest) -> HttpResponse:
    return _simple_create(request, ProgrammeForm, "New programme")


@allow(COMMISSIONERS)
def measure_new(request: HttpRequest, identifier: str) -> HttpResponse:
    """Add an outcome measure (name, unit, target) that the project's returns must report."""
    project = get_object_or_404(Project, identifier=identifier)
    form = OutcomeMeasureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            add_outcome_measure(request.user, project, form.save(commit=False))
        except MeasureExists as exc:
            form.add_error("name", str(exc))
        else:
            return redirect("monitoring:project", identifier=project.identifier)
    return form_page(request, "commissioning/form.html", {"form": form, "title": f"New outcome measure for "
                                                       f"{project.identifier}"}, form)


@allow(COMMISSIONERS)
@accepts_uploads
def import_page(request: HttpRequest) -> HttpResponse:
    """Bulk import: a project spreadsheet or a 360Giving file; all rows land or none, with every problem named."""
    form = ImportForm(request.POST or None, request.FILES or None)
    problems, summary = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / Path(upload.name).name
            with path.open("wb") as target:
                for chunk in upload.chunks():
                    target.write(chunk)
            try:
                if form.cleaned_data["kind"] == "360giving":
                    summary = threesixty.import_360giving(path, request.user, form.cleaned_data["theme"] or None)
                else:
                    summary = import_project_rows(read_project_file(path), request.user, path.name)
            except InputRejected as exc:
                problems = exc.problems
    return form_page(request, "commissioning/import.html", {
        "form": form, "problems": problems, "summary": summary,
        "columns": PROJECT_COLUMNS, "download": reverse("commissioning:manage-download", args=["csv"])},
        form, problems=problems)


_FILTERS = [{"name": name, "in": "query", "schema": {"type": kind}, "description": text} for name, kind, text in (
    ("q", "string", "words to find in title, description, cohort or provider"),
    ("theme", "string", "theme code, e.g. sport"), ("funder", "integer", "funder id"),
    ("provider", "integer", "provider organisation id"), ("area", "string", "ONS area code; overlapping areas match"),
    ("year", "integer", "financial year awarded, by its first calendar year (2024 = 2024/25)"),
    ("status", "string", "planned, active, completed or cancelled"))]
#: The public commissioning API, merged into the platform's OpenAPI document (``/insights/api/openapi.json``).
OPENAPI_PATHS = {
    "/commissioning/projects.json": {"get": {
        "summary": "Published projects", "operationId": "commissioning_projects", "parameters": _FILTERS,
        "description": "One row per published project; reach is null per project for the public (with the reason "
                       "under notes): it is published by year, area and theme in the public release.",
        "responses": {"200": {"description": "filters, definitions and rows"},
                      "400": {"description": "invalid filters, with the error for each field"}}}},
    "/commissioning/delivery.geojson": {"get": {
        "summary": "Delivery locations of published projects", "operationId": "commissioning_delivery",
        "parameters": _FILTERS, "responses": {"200": {"description": "GeoJSON FeatureCollection of points"},
                                              "400": {"description": "invalid filters, with the error for each "
                                                                     "field"}}}},
    "/commissioning/360giving.json": {"get": {
        "summary": "Published projects in the 360Giving Data Standard", "operationId": "commissioning_360giving",
        "responses": {"200": {"description": "a 360Giving JSON package ({\"grants\": [...]})"}}}},
}
