"""Insights pages and their data: thin views that ask the figure registry and hand its tables to the renderer.

No view applies disclosure control: ``access_for(user)`` decides where a viewer's counts come from (the warehouse
in full, or a controlled source's public release), and the figures are computed from those.
"""

from dataclasses import replace

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core import api_registry, sources, widget_memo
from core import figures as registry
from core.access import allow
from core.figures import Column, Table
from core.problems import InputRejected, Refused
from core.public_cache import public_page
from core.release import NotInRelease, current_release, release_rows
from core.render import error_response, form_errors, form_page
from core.render import render as render_table
from core.roles import ANALYSTS, EVERYONE
from core.templatetags.vrp_paths import fixed_path
from insights.figures import HOTSPOTS, MAPS, OVERVIEW
from insights.findings import key_findings
from insights.forms import OverviewFilters
from insights.models import HarmWeight, IngestBatch
from insights.query import figure_cache, pickers
from insights.query.access import FigureAccess, access_for, for_region
from insights.query.catalogue import default_query
from insights.query.figures import FigureQuery, check_types, counts, labelled
from insights.query.overview import left_out


def _filters(request: HttpRequest) -> tuple[OverviewFilters, FigureQuery | None, FigureAccess]:
    """The filters in the URL as a query, over the default view (the region's latest period)."""
    form = OverviewFilters(request.GET or None)
    access = access_for(request.user)
    if request.GET and not form.is_valid():
        return form, None, access
    source = (form.cleaned_data.get("source") if request.GET else None) or "police"
    default = default_query(source, access)
    return form, (form.query(default) if request.GET else default), access


def _table(figure: registry.Figure, query: FigureQuery, access: FigureAccess) -> Table:
    try:
        notes = left_out(query, access)
        line = access.source_line(query)
    except Refused as exc:
        notes, line = [], exc.reason
    return figure.table(query, access, notes, line)


@allow(EVERYONE)
@public_page
def overview(request: HttpRequest) -> HttpResponse:
    """Region overview (or an area's profile with ?area=): every figure with its chart, table and downloads."""
    form, query, access = _filters(request)
    form.renderer = widget_memo.RENDERER  # the month and type pickers' HTML, rendered once per state
    tables = []
    if query is not None and query.month_from:
        shown = [f for f in OVERVIEW if query.source == "ed" or f.name != "day_and_hour"]
        if access.scope is not None:  # the page's kept figures in one read of the shared cache
            figure_cache.prefetch("figure", [(f.name, query) for f in shown], scope=access.scope)
        tables = [_table(f, query, access) for f in shown]
    full = query is not None and access.full(query)
    return form_page(request, "insights/overview.html", {
        "form": form, "query": query, "tables": tables, "full": full,
        "open_source": query is not None and sources.is_open(query.source),
        "figures": [(t, _download_path(t.name)) for t in tables],
        "source_line": _source_line(query, access), "query_string": request.GET.urlencode(),
        "area_label": pickers.area_label(query.area) if query is not None else "",
        "period": _period(query), "findings": key_findings(tables), "profile_query": _without(request, "area")},
        form)


def _download_path(name: str) -> str:
    """A figure's download address without its format ("/insights/figures/trend"): the overview names nine on
    every page, each reversed once per process."""
    return fixed_path("insights:figure", name, "csv").removesuffix(".csv")


def _without(request: HttpRequest, key: str) -> str:
    """The page's filters without one of them (the map's links to profiles keep the period and type)."""
    params = request.GET.copy()
    params.pop(key, None)
    return params.urlencode()


def _period(query: FigureQuery | None) -> str:
    """"January 2024 to December 2024" for the page's lead line."""
    if query is None or not query.month_from or not query.month_to:
        return ""
    return f"{pickers.month_label(query.month_from)} to {pickers.month_label(query.month_to)}"


def _source_line(query: FigureQuery | None, access: FigureAccess) -> str:
    if query is None:
        return ""
    try:
        return access.source_line(query)
    except Refused as exc:
        return exc.reason


@allow(EVERYONE)
def area_search(request: HttpRequest) -> HttpResponse:
    """The area picker's suggestions: areas whose name or code matches ``?q=`` (or a postcode's LSOA), as JSON
    ``{"areas": [{"code", "name", "level", "label"}]}``. Area names and codes are public geography."""
    return JsonResponse({"areas": pickers.search_areas(request.GET.get("q", ""))})


@allow(EVERYONE)
@public_page
def figure_data(request: HttpRequest, name: str, fmt: str) -> HttpResponse:
    """One overview figure in any format, for the same filters and the same viewer as the page."""
    figure = registry.get(name)
    if figure is None or figure not in OVERVIEW:
        raise Http404("No such figure.")
    form, query, access = _filters(request)
    if query is None:
        return error_response(request, form_errors(form), 400, fmt)
    table = _table(figure, query, access)
    table.meta = {"query": _describe(query), "disclosure": "full" if access.full(query) else "public release"}
    return render_table(request, table, fmt)


def _describe(query: FigureQuery) -> dict:
    return {"source": query.source, "from": query.month_from, "to": query.month_to, "area": query.area,
            "types": list(query.types), "local_authorities": list(query.lad_codes)}


@allow(EVERYONE)
@public_page
def map_layer(request: HttpRequest, level: str) -> HttpResponse:
    """The choropleth layer (local authorities or LSOAs) for the filters, as GeoJSON."""
    if level not in MAPS:
        raise Http404("Maps are by lad or lsoa.")
    form, query, access = _filters(request)
    if query is None:
        return error_response(request, form_errors(form), 400, "geojson")
    return render_table(request, _table(MAPS[level], query, access), "geojson", f"{level}-rates")


@allow(EVERYONE)
@public_page
def hotspots(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """Gi* hotspots of the rate per 1,000 residents by LSOA, FDR-corrected, with caveats; also CSV/GeoJSON."""
    if fmt not in ("html", "csv", "json", "xlsx", "geojson"):
        raise Http404
    form, query, access = _filters(request)
    schemes = [(code, HarmWeight.Scheme(code).label, source) for code, source in
               HarmWeight.objects.values_list("scheme", "source").distinct().order_by("scheme")]
    weights, error = request.GET.get("weights", "none"), ""
    if weights not in {"none", *(code for code, _, _ in schemes)}:
        weights, error = "none", "Those harm weights are not loaded; the counts are unweighted."
    if query is None:
        return error_response(request, form_errors(form), 400, fmt, "insights/hotspots.html", {
            "form": form, "schemes": schemes})
    table = HOTSPOTS.table((query, weights), access, source_line=_source_line(query, access))
    if fmt != "html":
        return render_table(request, table, fmt, "hotspots")
    rows = table.rows
    classes = {name: sum(1 for r in rows if r["class"] == name) for name in ("hot spot", "cold spot",
                                                                              "not significant")}
    return render(request, "insights/hotspots.html", {
        "form": form, "query": query, "rows": _named([r for r in rows if r["class"] != "not significant"]),
        "classes": classes, "error": error or table.refused, "query_string": request.GET.urlencode(),
        "schemes": schemes, "weights": weights, "source_line": table.source_line})


def _named(rows: list[dict]) -> list[dict]:
    """Rows with each LSOA's name (``Birmingham 138A``) beside its code, for people reading the page."""
    from insights.query.areas import area_names

    names = area_names([r["lsoa"] for r in rows])
    return [{**r, "name": names.get(r["lsoa"], "")} for r in rows]


_PARAMETERS = [
    {"name": "source", "in": "query", "schema": {"type": "string", "enum": ["police", "ed"]}},
    {"name": "from", "in": "query", "schema": {"type": "string", "pattern": r"^\d{4}-\d{2}$"}},
    {"name": "to", "in": "query", "schema": {"type": "string", "pattern": r"^\d{4}-\d{2}$"}},
    {"name": "area", "in": "query", "schema": {"type": "string", "pattern": "^[EW]0[1256]\\d{6}$"}},
    {"name": "type", "in": "query", "schema": {"type": "string"}},
]
_ERRORS = {"400": {"description": "Invalid filters: {\"errors\": [{\"field\", \"message\"}]}"},
           "403": {"description": "Not published for this viewer (not in the public release), with the reason"}}
#: The insights API in the platform's OpenAPI document (registered in ``insights.apps``; other apps add theirs).
OPENAPI_PATHS = {
    **{f"/insights/figures/{f.name}.json": {"get": {
        "summary": f.title, "description": f.description, "operationId": f"figure_{f.name}",
        "parameters": _PARAMETERS,
        "responses": {"200": {"description": "The figure's rows, columns (labels and units), source and notes",
                              "content": {"application/json": {"schema": {"type": "object", "properties": {
                                  "figure": {"type": "string"}, "rows": {"type": "array",
                                                                          "items": {"type": "object"}}}}}}},
                      **_ERRORS}}} for f in OVERVIEW},
    "/insights/maps/{level}.geojson": {"get": {
        "summary": "Rates per 1,000 residents as a GeoJSON choropleth layer", "operationId": "insights_map",
        "parameters": [{"name": "level", "in": "path", "required": True,
                        "schema": {"type": "string", "enum": list(MAPS)}}, *_PARAMETERS],
        "responses": {"200": {"description": "GeoJSON FeatureCollection of areas with count and rate"}, **_ERRORS}}},
    "/insights/hotspots.geojson": {"get": {
        "summary": "Getis-Ord Gi* hotspots by LSOA", "operationId": "insights_hotspots",
        "parameters": [*_PARAMETERS, {"name": "weights", "in": "query",
                                      "schema": {"type": "string", "enum": ["none", "css", "chi"]}}],
        "responses": {"200": {"description": "GeoJSON FeatureCollection of LSOAs with z, p, p_fdr and class"},
                      **_ERRORS}}},
    "/insights/release/{source}.json": {"get": {
        "summary": "A controlled source's public release: every published cell", "operationId": "insights_release",
        "parameters": [{"name": "source", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "measure, breakdown, category, period, area, count (null: withheld)"},
                      "404": {"description": "No such controlled source"}}}},
}


@allow(EVERYONE)
@public_page(params=())
def openapi(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.1 document of every JSON and GeoJSON endpoint each app registered in its ``AppConfig.ready()``
    (``core.api_registry``): figures, maps, hotspots, the public release, projects, evidence, provision against
    need, the Open Referral UK directory and the partners' figures."""
    return JsonResponse(api_registry.openapi_document())


@allow(EVERYONE)
@public_page
def release(request: HttpRequest, source: str, fmt: str = "html") -> HttpResponse:
    """A controlled source's public release: its manifest, and every published cell as a download."""
    found = sources.get(source)
    if found is None or found.release is None or found.is_open:
        raise Http404("No controlled source of that name.")
    try:
        published = current_release(source)
    except NotInRelease as exc:
        return error_response(request, [("source", exc.reason)], 404, fmt)
    table = Table(f"release-{source}", f"Public release: {found.label}",
                  [Column("measure", "Measure"), Column("breakdown", "Breakdown"), Column("category", "Category"),
                   Column("period", "Period"), Column("area", "Area"), Column("count", "Count", "count")],
                  [{**r, "count": r["count"] if r["count"] is not None else registry.WITHHELD}
                   for r in release_rows(published)],
                  source_line=published.describe(),
                  meta={"data_version": published.public_version, "rule": published.rule,
                        "created_at": published.created_at.isoformat() if published.created_at else None,
                        "manifest": published.public_manifest})
    if fmt == "html":
        return render(request, "insights/release.html", {"release": published, "source": found, "table": table})
    return render_table(request, table, fmt)


#: The analysts' figures page's parameters, by the query's names for them.
STATS_PARAMETERS = {"month_from": "from", "month_to": "to", "types": "type"}
#: Parameters with an input on the page (an error about one links to it).
STATS_FIELDS = ("by", "source", "from", "to", "area")


@allow(ANALYSTS)
def stats(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """Counts and rates by month and area for analysts (in full: not public). Without an area, the region:
    its local authorities plus its records with no location (a row named ``no location``)."""
    if fmt not in ("html", "csv", "json", "xlsx"):
        raise Http404
    by = [k for k in request.GET.getlist("by") if k] or ["month"]
    try:
        query = FigureQuery(source=request.GET.get("source", "police"),
                            month_from=request.GET.get("from") or None, month_to=request.GET.get("to") or None,
                            area=request.GET.get("area") or None,
                            types=tuple(t for t in request.GET.getlist("type") if t))
        check_types(query)
        if query.area is None:
            query = replace(for_region(query), month_from=query.month_from, month_to=query.month_to)
        rows = labelled(counts(query, by), by)
    except InputRejected as exc:
        # Each problem named by the parameter the analyst typed (``from``, not the query's ``month_from``).
        return error_response(request, [(STATS_PARAMETERS.get(p.column, p.column or ""), p.message)
                                        for p in exc.problems], 400, fmt,
                              "insights/stats.html", {"rows": [], "columns": [], "fields": STATS_FIELDS})
    keys = list(rows[0]) if rows else [*by, "count"]
    table = Table("figures", "Counts and rates", [Column(k, k) for k in keys], rows,
                  source_line=f"{query.source}: {sources.disclosure_class(query.source)} data, in full")
    if fmt != "html":
        return render_table(request, table, fmt)
    return render(request, "insights/stats.html", {"table": table, "query_string": request.GET.urlencode()})


@allow(ANALYSTS)
def ingests(request: HttpRequest) -> HttpResponse:
    """The ingest manifest: every batch, its files, rows accepted and rejected; each source's disclosure class."""
    batches = IngestBatch.objects.prefetch_related("files")[:100]
    return render(request, "insights/ingests.html", {"batches": batches, "sources": sources.sources()})
