"""Input the platform cannot use is the asker's mistake, not a server error; a refusal is said, with its reason.

Service functions raise ``InputRejected`` naming every problem. Views catch it where they can show the
problems beside a form; anywhere else (a filter the form let through, an API parameter) this middleware
turns it into a 400 that lists the problems, and a ``Refused`` (not in the public release, say) into a 403 with
the reason — in the one error shape (``core.render.error_response``): JSON for the JSON and GeoJSON endpoints,
a page otherwise.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from core.problems import InputRejected, Refused
from core.render import error_response, format_for_path


class InputRejectedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        fmt = format_for_path(request.path)
        if isinstance(exception, Refused):
            return error_response(request, [(exception.field, exception.reason)], exception.status, fmt)
        if not isinstance(exception, InputRejected):
            return None
        return error_response(request, [(p.column or "", str(p)) for p in exception.problems], 400, fmt,
                              "core/rejected.html", {"problems": [str(p) for p in exception.problems]})
