"""The Open Referral UK API (``/openreferral/``): open to all, read-only, CORS ``*``, paged.

Endpoints and filters as the UK profile lists them: ``/services`` (``search``, ``taxonomy_term_id``,
``minimum_age``, ``maximum_age``, ``day``, ``start_time``, ``end_time``, ``postcode``, ``proximity``,
``page``, ``per_page``), ``/services/{id}``, ``/service_at_locations``, ``/taxonomies``, ``/taxonomy_terms``.
A bad filter answers 400 with what was wrong, as JSON.
"""

import uuid
from collections.abc import Callable
from datetime import time
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse

from core.access import allow
from core.public_cache import public_page
from core.render import error_response
from core.roles import EVERYONE
from places.models import TaxonomyTerm
from places.services import directory

MAX_PER_PAGE = 200


class BadParameter(ValueError):
    """A query parameter the API cannot use; ``field`` names it in the one error shape."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


def _open(view: Callable) -> Callable:
    """Any origin may read the API (the profile requires ``Access-Control-Allow-Origin: *``)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            response = view(request, *args, **kwargs)
        except ValueError as exc:
            response = error_response(request, [(getattr(exc, "field", ""), str(exc))], 400, "json")
        except Http404 as exc:
            # The API answers in the one error shape, never Django's HTML "not found" page.
            response = error_response(request, [("id", str(exc) or "Not found.")], 404, "json")
        response["Access-Control-Allow-Origin"] = "*"
        return response

    return allow(EVERYONE)(public_page(wrapped))


def _paging(request: HttpRequest) -> tuple[int, int]:
    page, per_page = request.GET.get("page", "1"), request.GET.get("per_page", "50")
    if not page.isdecimal() or int(page) < 1:
        raise BadParameter("page", "page is a positive whole number")
    if not per_page.isdecimal() or int(per_page) < 1:
        raise BadParameter("per_page", "per_page is a positive whole number")
    return int(page), min(int(per_page), MAX_PER_PAGE)


def _int(request: HttpRequest, name: str) -> int | None:
    text = request.GET.get(name, "")
    if not text:
        return None
    if not text.isdecimal():
        raise BadParameter(name, f"{name} is a whole number, 0 or more")
    return int(text)


def _day(request: HttpRequest) -> str:
    text = request.GET.get("day", "")
    if text and text.lower() not in directory.DAY_CODES and text.upper() not in directory.DAY_CODES:
        raise BadParameter("day", "day is a day of the week: MO, TU, WE, TH, FR, SA, SU or its name")
    return text


def _ordered(low_name: str, low: object, high_name: str, high: object) -> None:
    """Refuse a range that ends before it starts (it would match nothing and read as "none")."""
    if low is not None and high is not None and low > high:
        raise BadParameter(high_name, f"{high_name} is before {low_name}")


def _time(request: HttpRequest, name: str) -> time | None:
    text = request.GET.get(name, "")
    if not text:
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise BadParameter(name, f"{name} is a time such as 17:30") from None


@_open
def root(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"version": "3.0", "profile": "https://github.com/OpenReferralUK/uk-profile",
                         "openapi_url": request.build_absolute_uri(reverse("insights:openapi"))})


@_open
def services(request: HttpRequest) -> JsonResponse:
    page, per_page = _paging(request)
    proximity = _int(request, "proximity")
    minimum_age, maximum_age = _int(request, "minimum_age"), _int(request, "maximum_age")
    start_time, end_time = _time(request, "start_time"), _time(request, "end_time")
    _ordered("minimum_age", minimum_age, "maximum_age", maximum_age)
    _ordered("start_time", start_time, "end_time", end_time)
    filters = directory.DirectoryFilters(
        search=request.GET.get("search", ""), taxonomy_term_id=request.GET.get("taxonomy_term_id", ""),
        minimum_age=minimum_age, maximum_age=maximum_age, day=_day(request), start_time=start_time,
        end_time=end_time, postcode=request.GET.get("postcode", ""),
        proximity=float(proximity) if proximity else None)
    answer, note = directory.services_envelope(filters, page, per_page)
    if note:
        raise BadParameter("postcode" if filters.postcode else "", note)
    return JsonResponse(answer)


@_open
def service(request: HttpRequest, service_id: str) -> JsonResponse:
    try:
        wanted = uuid.UUID(service_id)
    except ValueError:
        raise Http404("No such service.") from None
    found = directory.published().filter(id=wanted).first()
    if found is None:
        raise Http404("No such service.")
    return JsonResponse(directory.oruk_service(found))


@_open
def service_at_locations(request: HttpRequest) -> JsonResponse:
    page, per_page = _paging(request)
    rows = [{"id": str(uuid.uuid5(loc.id, "service_at_location")), "service_id": str(s.id),
             "service": {"id": str(s.id), "name": s.name, "status": s.status},
             "location": directory.oruk_location(loc)}
            for s in directory.published() for loc in s.locations.all()]
    return JsonResponse(directory.envelope(rows, page, per_page))


@_open
def taxonomies(request: HttpRequest) -> JsonResponse:
    page, per_page = _paging(request)
    vocabularies = sorted(set(TaxonomyTerm.objects.values_list("vocabulary", flat=True)))
    rows = [{"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"vrp-platform/taxonomy/{v}")), "name": v,
             "description": f"Activity terms ({v})"} for v in vocabularies]
    return JsonResponse(directory.envelope(rows, page, per_page))


@_open
def taxonomy_terms(request: HttpRequest) -> JsonResponse:
    page, per_page = _paging(request)
    terms = TaxonomyTerm.objects.all()
    vocabulary = request.GET.get("vocabulary", "")
    if vocabulary:
        known = sorted(set(TaxonomyTerm.objects.values_list("vocabulary", flat=True)))
        if vocabulary not in known:
            raise BadParameter("vocabulary", f"vocabulary {vocabulary!r} is not one of: {', '.join(known)}")
        terms = terms.filter(vocabulary=vocabulary)
    rows = [directory.oruk_term(t) for t in terms]
    return JsonResponse(directory.envelope(rows, page, per_page))


def _query(name: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "schema": schema}


_PAGING = [_query("page", {"type": "integer", "minimum": 1}), _query("per_page", {"type": "integer", "minimum": 1})]
_LISTED = {"200": {"description": "a page of results in the Open Referral UK envelope"},
           "400": {"description": "a filter that cannot be understood, with the reason"}}
OPENAPI_PATHS = {
    "/places/provision.json": {"get": {
        "summary": "Youth provision against need, highest need and least provision first",
        "operationId": "places_provision",
        "parameters": [_query("activity", {"type": "string"}),
                       _query("level", {"type": "string", "enum": ["ward", "lsoa"]})],
        "responses": {"200": {"description": "one row per area"}}}},
    "/openreferral/services": {"get": {
        "summary": "Published services (Open Referral UK / HSDS 3.0)", "operationId": "oruk_services",
        "parameters": [*_PAGING, _query("search", {"type": "string"}), _query("taxonomy_term_id", {"type": "string"}),
                       _query("minimum_age", {"type": "integer"}), _query("maximum_age", {"type": "integer"}),
                       _query("day", {"type": "string"}), _query("start_time", {"type": "string"}),
                       _query("end_time", {"type": "string"}), _query("postcode", {"type": "string"}),
                       _query("proximity", {"type": "integer"})],
        "responses": _LISTED}},
    "/openreferral/services/{service_id}": {"get": {
        "summary": "One published service", "operationId": "oruk_service",
        "parameters": [{"name": "service_id", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "the service"}, "404": {"description": "no such published service"}}}},
    "/openreferral/service_at_locations": {"get": {
        "summary": "Where each published service is delivered", "operationId": "oruk_service_at_locations",
        "parameters": _PAGING, "responses": _LISTED}},
    "/openreferral/taxonomies": {"get": {
        "summary": "Taxonomies", "operationId": "oruk_taxonomies", "parameters": _PAGING, "responses": _LISTED}},
    "/openreferral/taxonomy_terms": {"get": {
        "summary": "Taxonomy terms", "operationId": "oruk_taxonomy_terms", "parameters": _PAGING,
        "responses": _LISTED}},
}
