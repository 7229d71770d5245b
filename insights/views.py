"""Insights pages and their data: thin views over ``insights.services``; every figure also as CSV and JSON."""

import csv
from dataclasses import replace

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core.access import allow
from core.problems import InputRejected
from core.public_cache import public_page
from core.roles import EVERYONE, Role
from insights import charts
from insights.forms import OverviewFilters
from insights.models import HarmWeight, IngestBatch
from insights.services.catalogue import FIGURES, default_query, figure_rows, sees_unsuppressed
from insights.services.figures import FigureQuery, counts
from insights.services.hotspots import gistar_hotspots, public_hotspots
from insights.services.maps import LEVELS, choropleth, hotspot_layer
from insights.services.public import PERIOD_RULE, NotPublic, is_public_period


def _filters(request: HttpRequest) -> tuple[OverviewFilters, FigureQuery | None]:
    """The filters in the URL as a query. A viewer who sees public figures gets the latest calendar year
    unless they chose a period, and a period that is not a whole calendar year is refused for them."""
    form = OverviewFilters(request.GET or None)
    source = request.GET.get("source") or "police"
    source = source if source in ("police", "ed") else "police"
    default = default_query(source)
    if request.GET and not form.is_valid():
        return form, None
    query = form.query(default) if request.GET else default
    if sees_unsuppressed(request.user, query):
        return form, query
    public_default = default_query(source, for_public=True)
    chose_period = bool(request.GET.get("from") or request.GET.get("to"))
    if not chose_period:
        return form, replace(query, month_from=public_default.month_from, month_to=public_default.month_to)
    if not is_public_period(query):
        form.add_error("from", PERIOD_RULE)
        return form, None
    return form, query


def _figure(name: str, query: FigureQuery, unsuppressed: bool) -> dict:
    try:
        rows = figure_rows(name, query, unsuppressed)
        note = ""
    except NotPublic as exc:
        rows, note = [], str(exc)
    return {"name": name, "title": FIGURES[name].title, "description": FIGURES[name].description,
            "rows": rows, "columns": list(rows[0]) if rows else [], "note": note,
            "chart": charts.figure_chart(name, rows)}


@allow(EVERYONE)
@public_page
def overview(request: HttpRequest) -> HttpResponse:
    """Region overview (or an area's profile with ?area=): every figure with its chart, table and downloads.

    Anonymous visitors and providers see disclosure-controlled figures; see ``sees_unsuppressed``.
    """
    form, query = _filters(request)
    figures, unsuppressed = [], False
    if query is not None:
        unsuppressed = sees_unsuppressed(request.user, query)
        names = [n for n in FIGURES if query.source == "ed" or n != "day_and_hour"]
        figures = [_figure(name, query, unsuppressed) for name in names]
    return render(request, "insights/overview.html", {
        "form": form, "query": query, "figures": figures, "unsuppressed": unsuppressed,
        "query_string": request.GET.urlencode()})


@allow(EVERYONE)
@public_page
def figure_data(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """One figure as CSV or JSON, for the same filters and the same viewer rules as the page."""
    if name not in FIGURES or fmt not in ("csv", "json"):
        raise Http404
    form, query = _filters(request)
    if query is None:
        return JsonResponse({"errors": form.errors}, status=400)
    figure = _figure(name, query, sees_unsuppressed(request.user, query))
    if figure["note"]:
        return JsonResponse({"errors": {"source": [figure["note"]]}}, status=403)
    if fmt == "json":
        return JsonResponse({"figure": name, "title": figure["title"], "query": _describe(query),
                             "disclosure_controlled": not sees_unsuppressed(request.user, query),
                             "rows": figure["rows"]})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    writer = csv.writer(response)
    writer.writerow(figure["columns"])
    writer.writerows([row[c] for c in figure["columns"]] for row in figure["rows"])
    return response


def _describe(query: FigureQuery) -> dict:
    return {"source": query.source, "from": query.month_from, "to": query.month_to, "area": query.area,
            "types": list(query.types), "local_authorities": list(query.lad_codes)}


@allow(EVERYONE)
@public_page
def map_layer(request: HttpRequest, level: str) -> HttpResponse:
    """The choropleth layer (local authorities or LSOAs) for the filters, as GeoJSON."""
    if level not in LEVELS:
        raise Http404
    form, query = _filters(request)
    if query is None:
        return JsonResponse({"errors": form.errors}, status=400)
    if not (query.month_from and query.month_to):
        return HttpResponse('{"type":"FeatureCollection","features":[]}', content_type="application/geo+json")
    try:
        layer = choropleth(query, level, sees_unsuppressed(request.user, query))
    except NotPublic as exc:
        return JsonResponse({"errors": {"source": [str(exc)]}}, status=403)
    response = HttpResponse(layer, content_type="application/geo+json")
    if request.GET.get("download"):
        response["Content-Disposition"] = f'attachment; filename="{level}-rates.geojson"'
    return response


@allow(EVERYONE)
@public_page
def hotspots(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """Gi* hotspots of the rate per 1,000 residents by LSOA, FDR-corrected, with caveats; also CSV/GeoJSON."""
    if fmt not in ("html", "csv", "geojson"):
        raise Http404
    form, query = _filters(request)
    rows, error = [], ""
    schemes = [(code, HarmWeight.Scheme(code).label, source) for code, source in
               HarmWeight.objects.values_list("scheme", "source").distinct().order_by("scheme")]
    weights = request.GET.get("weights", "none")
    if weights not in {"none", *(code for code, _, _ in schemes)}:
        weights, error = "none", "Those harm weights are not loaded; the counts are unweighted."
    if query is None and fmt == "geojson":
        return JsonResponse({"errors": form.errors}, status=400)
    if query is not None and query.month_from and query.month_to:
        try:
            rows = gistar_hotspots(query, weights=weights)
        except InputRejected as exc:
            error = "; ".join(p.message for p in exc.problems)
        if query.source == "ed" and not sees_unsuppressed(request.user, query):
            rows, error = [], "Emergency department figures are published for local authorities and the region only."
        elif not sees_unsuppressed(request.user, query):
            rows = public_hotspots(rows, query)
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8", status=400 if query is None else 200)
        response["Content-Disposition"] = 'attachment; filename="hotspots.csv"'
        writer = csv.writer(response)
        writer.writerow(["lsoa", "count", "value", "z", "p", "p_fdr", "class"])
        writer.writerows([r["lsoa"], r["count"], r["value"], r["z"], r["p"], r["p_fdr"], r["class"]] for r in rows)
        return response
    if fmt == "geojson":
        return HttpResponse(hotspot_layer(rows), content_type="application/geo+json")
    classes = {name: sum(1 for r in rows if r["class"] == name) for name in ("hot spot", "cold spot",
                                                                              "not significant")}
    return render(request, "insights/hotspots.html", {
        "form": form, "query": query, "rows": [r for r in rows if r["class"] != "not significant"],
        "classes": classes, "error": error, "query_string": request.GET.urlencode(), "schemes": schemes,
        "weights": weights})


@allow(EVERYONE)
@public_page
def openapi(request: HttpRequest) -> JsonResponse:
    """The OpenAPI 3.1 document of every JSON and GeoJSON endpoint: figures, maps, hotspots, projects,
    evidence, provision against need and the Open Referral UK directory."""
    parameters = [
        {"name": "source", "in": "query", "schema": {"type": "string", "enum": ["police", "ed"]}},
        {"name": "from", "in": "query", "schema": {"type": "string", "pattern": r"^\d{4}-\d{2}$"}},
        {"name": "to", "in": "query", "schema": {"type": "string", "pattern": r"^\d{4}-\d{2}$"}},
        {"name": "area", "in": "query", "schema": {"type": "string", "pattern": "^[EW]0[1256]\\d{6}$"}},
        {"name": "type", "in": "query", "schema": {"type": "string"}},
    ]
    paths = {f"/insights/figures/{f.name}.json": {"get": {
        "summary": f.title, "description": f.description, "operationId": f"figure_{f.name}",
        "parameters": parameters,
        "responses": {"200": {"description": "The figure's rows",
                              "content": {"application/json": {"schema": {"type": "object", "properties": {
                                  "figure": {"type": "string"}, "rows": {"type": "array",
                                                                          "items": {"type": "object"}}}}}}},
                      "400": {"description": "Invalid filters, with the error for each field"},
                      "403": {"description": "Not published at this level for this viewer"}}}}
        for f in FIGURES.values()}
    paths["/insights/maps/{level}.geojson"] = {"get": {
        "summary": "Rates per 1,000 residents as a GeoJSON choropleth layer", "operationId": "insights_map",
        "parameters": [{"name": "level", "in": "path", "required": True,
                        "schema": {"type": "string", "enum": list(LEVELS)}}, *parameters],
        "responses": {"200": {"description": "GeoJSON FeatureCollection of areas with count and rate"},
                      "400": {"description": "Invalid filters"}, "403": {"description": "Not published"}}}}
    paths["/insights/hotspots.geojson"] = {"get": {
        "summary": "Getis-Ord Gi* hotspots by LSOA", "operationId": "insights_hotspots",
        "parameters": [*parameters, {"name": "weights", "in": "query",
                                     "schema": {"type": "string", "enum": ["none", "css", "chi"]}}],
        "responses": {"200": {"description": "GeoJSON FeatureCollection of LSOAs with z, p, p_fdr and class"}}}}
    from commissioning.views import OPENAPI_PATHS as COMMISSIONING
    from evidence.views import OPENAPI_PATHS as EVIDENCE
    from places.api import OPENAPI_PATHS as PLACES

    for app_paths in (COMMISSIONING, EVIDENCE, PLACES):
        paths.update(app_paths)
    return JsonResponse({"openapi": "3.1.0", "info": {"title": "VRP Platform figures", "version": "1"},
                         "paths": paths})


@allow(Role.ANALYST, Role.ADMINISTRATOR)
def stats(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """Counts and rates by month and area for analysts (unsuppressed figures: not public)."""
    if fmt not in ("html", "csv", "json"):
        raise Http404
    by = [k for k in request.GET.getlist("by") if k] or ["month"]
    errors, rows = [], []
    try:
        query = FigureQuery(source=request.GET.get("source", "police"),
                            month_from=request.GET.get("from") or None, month_to=request.GET.get("to") or None,
                            area=request.GET.get("area") or None,
                            types=tuple(t for t in request.GET.getlist("type") if t))
        rows = counts(query, by)
    except InputRejected as exc:
        errors = [p.message for p in exc.problems]
    if fmt == "json":
        return JsonResponse({"by": by, "rows": rows, "errors": errors}, status=400 if errors else 200)
    if fmt == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8", status=400 if errors else 200)
        response["Content-Disposition"] = 'attachment; filename="figures.csv"'
        writer = csv.writer(response)
        if errors:
            writer.writerow(["error"])
            writer.writerows([e] for e in errors)
            return response
        columns = list(rows[0]) if rows else [*by, "count"]
        writer.writerow(columns)
        writer.writerows([row[c] for c in columns] for row in rows)
        return response
    columns = list(rows[0]) if rows else [*by, "count"]
    return render(request, "insights/stats.html", {
        "rows": rows[:2000], "columns": columns, "errors": errors, "truncated": len(rows) > 2000,
        "query_string": request.GET.urlencode()})


@allow(Role.ANALYST, Role.ADMINISTRATOR)
def ingests(request: HttpRequest) -> HttpResponse:
    """The ingest manifest: every batch, its files, rows accepted and rejected."""
    batches = IngestBatch.objects.prefetch_related("files")[:100]
    return render(request, "insights/ingests.html", {"batches": batches})
