"""The front page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core import sources
from core.access import allow, role_of
from core.roles import EVERYONE, Role
from insights.services.manifest import warehouse_summary

#: Who sees how many records a controlled source holds (the count itself is controlled data).
FULL_COUNTS = (Role.ANALYST, Role.COMMISSIONER, Role.INCIDENT_COORDINATOR, Role.ADMINISTRATOR)


@allow(EVERYONE)
def home(request: HttpRequest) -> HttpResponse:
    full = role_of(request.user) in FULL_COUNTS
    rows = [{**row, "disclosure": sources.disclosure_class(row["source"]),
             "rows": row["rows"] if full or sources.is_open(row["source"]) else None}
            for row in warehouse_summary()]
    return render(request, "core/home.html", {"warehouse": rows})
