"""Figures pages: thin views over ``insights.services.figures``; each page also as CSV and JSON."""

import csv

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core.access import allow
from core.problems import InputRejected
from core.roles import Role
from insights.models import IngestBatch
from insights.services.figures import FigureQuery, counts

ANALYSTS = (Role.ANALYST, Role.ADMINISTRATOR, Role.COMMISSIONER)


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
