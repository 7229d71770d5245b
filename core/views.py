"""The front page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.access import allow
from core.roles import EVERYONE
from insights.services.manifest import warehouse_summary


@allow(EVERYONE)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "core/home.html", {"warehouse": warehouse_summary()})
