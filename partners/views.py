"""The partners pages: success measures, stop and search, crimes' outcomes, indicators, hot spot alerts.

Thin views: parse the query string, ask the figure registry, hand the table to the one renderer. Each view
states its roles (``core.access``); partners see indicator values for their own areas only.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render as render_template
from django.urls import reverse

from core import figures as registry
from core.access import allow, role_of
from core.periods import Year
from core.render import error_response, render
from core.roles import ANALYSTS, EVERYONE, PARTNERS_AND_ANALYSTS, PARTNERS_AND_STAFF, Role
from insights.query.access import access_for
from partners.figures import PartnerQuery

LAD = re.compile(r"^E0[6-9]\d{6}$")
MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")
FORCE = re.compile(r"^[a-z0-9-]{2,40}$")


def _query(request: HttpRequest) -> tuple[PartnerQuery, list[tuple[str, str]]]:
    errors = []
    year = Year.parse(request.GET.get("year", "").strip() or "2024/25")
    if year is None or not 2000 <= year.year <= 2100:
        errors.append(("year", "give a calendar (2024) or financial (2024/25) year"))
    area = request.GET.get("area", "").strip().upper() or None
    if area and not LAD.match(area):
        errors.append(("area", "give a local authority code (E06…–E09…) or leave it empty for the region"))
    force = request.GET.get("force", "").strip() or None
    if force and not FORCE.match(force):
        errors.append(("force", "give a police.uk force slug, e.g. west-midlands"))
    months = {}
    for name in ("from", "to"):
        value = request.GET.get(name, "").strip() or None
        if value and not MONTH.match(value):
            errors.append((name, "give a month as YYYY-MM"))
        months[name] = value
    return PartnerQuery(year, area, force, months["from"], months["to"]), errors


def _year_without_data(year: Year) -> list[tuple[str, str]]:
    """The success measures for a year no source holds a month of (nor any partner's indicator) would be a page
    of blanks under its name: refuse it, saying which months there are (as the insights filters do)."""
    from insights.query.pickers import month_label, months_with_data
    from partners.models import IndicatorValue

    held = months_with_data()
    if held and (year.first_month > held[-1] or year.last_month < held[0]) and not \
            IndicatorValue.objects.filter(period=year.label).exists():
        return [("year", f"there is no data for {year.label}: the data covers {month_label(held[0])} "
                         f"to {month_label(held[-1])}")]
    return []


def _page(request: HttpRequest, name: str, fmt: str, params: PartnerQuery, access, url_name: str,
          extra: dict | None = None) -> HttpResponse:
    table = registry.get(name).table(params, access)
    context = {"download_url": reverse(url_name, args=["x"])[:-2], "query_string": request.GET.urlencode(),
               **(extra or {})}
    return render(request, table, fmt, template="partners/page.html", context=context)


@allow(EVERYONE)
def success(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """The Home Office success measures for the region or a local authority, as the viewer may see them."""
    from partners.services.success import baseline_year

    can_set = role_of(request.user) in ANALYSTS
    if request.method == "POST":  # the baseline year: analysts and administrators only
        from partners.services.success import set_baseline_year

        if not can_set:
            return error_response(request, [("", "Only analysts and administrators set the baseline year.")], 403)
        try:
            set_baseline_year(request.user, request.POST.get("baseline_year", "").strip())
        except ValueError as exc:
            return error_response(request, [("baseline_year", str(exc))], 400)
        return HttpResponseRedirect(reverse("partners:success"))
    params, errors = _query(request)
    errors = errors or _year_without_data(params.year)
    if errors:
        return error_response(request, errors, 400, fmt)
    return _page(request, "success_measures", fmt, params, access_for(request.user), "partners:success-download",
                 {"form": "success", "params": params, "baseline": baseline_year().label, "can_set": can_set,
                  "intro": "Each Home Office measure from the best source loaded. A row says \u201cproxy\u201d "
                           "where no indicator is loaded for its measure and a proxy stands in."})


@allow(EVERYONE)
def stop_search(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """Stop and search by object of search, with outcome rates (police.uk open data)."""
    params, errors = _query(request)
    if errors:
        return error_response(request, errors, 400, fmt)
    figure = "stop_search_weapons_by_age" if request.GET.get("by") == "age" else "stop_search_by_object"
    return _page(request, figure, fmt, params, None, "partners:stop-search-download",
                 {"form": "searches", "params": params, "stop_search": True,
                  "by_age": figure != "stop_search_by_object",
                  "intro": "police.uk stop and search: open data, published in full."})


@allow(EVERYONE)
def outcomes(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """Crimes linked to their latest outcome by Crime ID (police.uk open data)."""
    params, errors = _query(request)
    if errors:
        return error_response(request, errors, 400, fmt)
    return _page(request, "crime_outcomes", fmt, params, None, "partners:outcomes-download",
                 {"form": "searches", "params": params,
                  "intro": "police.uk street-level crimes and outcomes: open data, published in full."})


@allow(PARTNERS_AND_STAFF)
def indicators(request: HttpRequest, fmt: str = "html") -> HttpResponse:
    """Every indicator value loaded; a partner sees its own areas' only."""
    areas = tuple(request.user.area_codes) if role_of(request.user) == Role.PARTNER else ()
    if role_of(request.user) == Role.PARTNER and not areas:
        return error_response(request, [("", "Your organisation has no areas; ask an administrator.")], 403, fmt)
    key = request.GET.get("indicator", "").strip() or None
    params = PartnerQuery(indicator=key, areas=areas)
    return _page(request, "indicator_values", fmt, params, access_for(request.user), "partners:indicators-download",
                 {"intro": "Partners' indicators: controlled figures, not for publication; their counts reach the "
                           "public only through the public release."})


@allow(PARTNERS_AND_ANALYSTS)
def alerts(request: HttpRequest) -> HttpResponse:
    """New hot spots and emerging hot spots in the viewer's organisation's area, and the email opt-in."""
    from partners.models import AlertSubscription
    from partners.services.alerts import alerts_for, set_subscription

    if request.method == "POST":
        set_subscription(request.user, request.POST.get("email") == "on")
        return HttpResponseRedirect(reverse("partners:alerts"))
    subscribed = AlertSubscription.objects.filter(user=request.user).exists()
    return render_template(request, "partners/alerts.html", {"alerts": alerts_for(request.user),
                                                            "subscribed": subscribed})


def _parameter(name: str, pattern: str) -> dict:
    return {"name": name, "in": "query", "schema": {"type": "string", "pattern": pattern}}


_MONTHS = [_parameter("force", FORCE.pattern), _parameter("from", MONTH.pattern), _parameter("to", MONTH.pattern)]
_BY = {"name": "by", "in": "query", "schema": {"type": "string", "enum": ["object", "age"]}}
_ANSWERS = {"200": {"description": "the figure's rows"},
            "400": {"description": "a parameter that cannot be understood, with the reason"}}
#: The partners figures in the platform's OpenAPI document (``insights.views.openapi``).
OPENAPI_PATHS = {
    "/partners/success.json": {"get": {
        "summary": "Home Office success measures, each from the best source loaded (proxies said so)",
        "operationId": "partners_success",
        "parameters": [_parameter("year", r"^\d{4}(/\d{2})?$"), _parameter("area", LAD.pattern)],
        "responses": _ANSWERS}},
    "/partners/stop-and-search.json": {"get": {
        "summary": "police.uk stop and search by object of search, with outcome rates",
        "operationId": "partners_stop_search", "parameters": [*_MONTHS, _BY, _parameter("area", LAD.pattern)],
        "responses": _ANSWERS}},
    "/partners/outcomes.json": {"get": {
        "summary": "police.uk crimes and their latest outcome, linked by Crime ID",
        "operationId": "partners_outcomes", "parameters": _MONTHS, "responses": _ANSWERS}},
}
