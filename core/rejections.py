"""Input the platform cannot use is the asker's mistake, not a server error.

Service functions raise ``InputRejected`` naming every problem. Views catch it where they can show the
problems beside a form; anywhere else (a filter the form let through, an API parameter) this middleware
turns it into a 400 that lists the problems: JSON for the JSON and GeoJSON endpoints, a page otherwise.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from core.problems import InputRejected


class InputRejectedMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, InputRejected):
            return None
        problems = [str(p) for p in exception.problems]
        if request.path.endswith((".json", ".geojson")) or request.path.startswith("/openreferral/"):
            return JsonResponse({"errors": problems}, status=400)
        return render(request, "core/rejected.html", {"problems": problems}, status=400)
