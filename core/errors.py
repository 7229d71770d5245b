"""The platform's answers to Django's own errors (403, 404, 500 and a failed CSRF check), in the one error shape.

Django answers these with bare HTML whatever the path asked for. Here each answers in the format the path asks
for (``core.render.format_for_path``): JSON ``{"errors": [...]}`` on the JSON/GeoJSON downloads and the Open
Referral API, ``field,message`` CSV on CSV downloads, and a GOV.UK page otherwise. ``vrp/urls.py`` names them as
``handler403``/``handler404``/``handler500``; ``CSRF_FAILURE_VIEW`` in ``vrp/settings.py`` names ``csrf_failure``.
"""

import logging

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader

from core.render import error_response, format_for_path

logger = logging.getLogger(__name__)

NO_ACCESS = "You do not have access to this page"
NOT_FOUND = "Page not found"
SERVER_ERROR = "Sorry, there is a problem with the service. Try again later."
CSRF_FAILED = ("Your session on this page ran out or the form was sent from somewhere else. "
               "Go back, reload the page and try again.")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """A role refused (``core.access`` raises ``PermissionDenied``): 403 in the format the path asks for."""
    return error_response(request, [("", NO_ACCESS)], 403, template="403.html")


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """No such page or record: 404 in the format the path asks for. The exception's text is not shown (it can
    name internals, such as the URL patterns tried)."""
    return error_response(request, [("", NOT_FOUND)], 404, template="404.html")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form or API call without a valid CSRF token: 403 in the format the path asks for."""
    return error_response(request, [("", CSRF_FAILED)], 403, template="403.html",
                          context={"title": "Your form could not be sent"})


def server_error(request: HttpRequest) -> HttpResponse:
    """An unexpected failure: 500 in the format the path asks for.

    It must work when the database or the session is what failed, so it reads neither: JSON and CSV are written
    directly, and the page is the plain ``500.html`` rendered without the request (no context processors, so no
    region from the database and no signed-in user).
    """
    fmt = format_for_path(request.path)
    if fmt != "html":
        return error_response(request, [("", SERVER_ERROR)], 500, fmt)
    try:
        return HttpResponseServerError(loader.get_template("500.html").render({}))
    except Exception:  # the page itself failed: say so in plain text rather than fail again
        logger.exception("The 500 page could not be rendered")
        return HttpResponseServerError(SERVER_ERROR, content_type="text/plain; charset=utf-8")
