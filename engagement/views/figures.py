"""The training, networks and events figures for a financial year, with every table as CSV, JSON or Excel.

Unsuppressed, for the partnership's staff; the public see training figures only through the public release.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from core.access import allow
from core.downloads import table_response
from core.roles import ANALYSTS_AND_COMMISSIONERS
from engagement.figures import FIGURES, HEADLINE_LABELS, figure_rows, headline
from engagement.services.reach import professionals_reached
from engagement.views.networks import _years, year_from
from monitoring.services.periods import financial_year_label

SHOWN = ["sessions_by_month_and_team", "professionals_by_sector", "attendance_by_theme",
         "attendance_by_local_authority", "network_membership", "events_and_reach", "feedback_by_competency"]


@allow(ANALYSTS_AND_COMMISSIONERS)
def figures_page(request: HttpRequest) -> HttpResponse:
    year = year_from(request)
    tables = [{"figure": FIGURES[name], "rows": figure_rows(name, year)} for name in SHOWN]
    for table in tables:
        columns = table["figure"].columns
        table["header"] = list(columns.values())
        table["cells"] = [[row.get(c) for c in columns] for row in table["rows"]]
    return render(request, "engagement/figures.html", {
        "year": year, "years": _years(), "year_label": financial_year_label(year),
        "headline": [{"measure": r["measure"], "label": HEADLINE_LABELS[r["measure"]], "value": r["value"]}
                     for r in headline(year)],
        "reached": professionals_reached(year), "tables": tables})


@allow(ANALYSTS_AND_COMMISSIONERS)
def figure_download(request: HttpRequest, figure: str, fmt: str) -> HttpResponse:
    if figure not in FIGURES:
        raise Http404("No such figure.")
    year = year_from(request)
    spec = FIGURES[figure]
    return table_response(figure_rows(figure, year), list(spec.columns), fmt, f"{figure}-{year}", {
        "figure": spec.title, "year": financial_year_label(year), "columns": spec.columns, "note": spec.note,
        "disclosure": "controlled: unsuppressed, not for publication"})
