"""Request bodies are refused by their declared size before anything reads them.

Django parses a multipart body (spooling files to disk) the first time anything reads ``request.POST``,
which the CSRF check does before a view's roles are looked at: so a 300 MB anonymous POST was written to
temporary storage before its 403. This middleware runs first (after the session and user are known, which
needs no body) and answers 413 when the declared Content-Length is over the route's limit:

- ``VRP_MAX_UPLOAD_BYTES`` for a view marked ``@accepts_uploads``, when the user's role may use it;
- ``VRP_MAX_REQUEST_BYTES`` for everything else (every anonymous request included).

A body sent without a Content-Length (chunked) is never read by Django under WSGI, so it cannot be spooled
either. The reverse proxy should refuse larger bodies still earlier (nginx ``client_max_body_size``).
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from core.access import declared_roles, role_of

UPLOADS_ATTRIBUTE = "vrp_accepts_uploads"


def accepts_uploads(view: Callable) -> Callable:
    """Mark a view that takes files: its requests may be up to ``VRP_MAX_UPLOAD_BYTES`` for its roles."""
    setattr(view, UPLOADS_ATTRIBUTE, True)
    return view


def body_limit(request: HttpRequest) -> int:
    """The largest body this request may have."""
    try:
        view = resolve(request.path_info).func
    except Resolver404:
        return settings.VRP_MAX_REQUEST_BYTES
    roles = declared_roles(view)
    if getattr(view, UPLOADS_ATTRIBUTE, False) and roles and role_of(request.user) in roles:
        return settings.VRP_MAX_UPLOAD_BYTES
    return settings.VRP_MAX_REQUEST_BYTES


class RequestBodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("The Content-Length header is not a number.", status=400,
                                content_type="text/plain; charset=utf-8")
        if declared > settings.VRP_MAX_REQUEST_BYTES:
            limit = body_limit(request)
            if declared > limit:
                response = HttpResponse(f"The request is {declared / 1024 / 1024:,.1f} MB; the limit here is "
                                        f"{limit / 1024 / 1024:,.1f} MB.", status=413,
                                        content_type="text/plain; charset=utf-8")
                response["Connection"] = "close"  # the unread body is not worth keeping the connection for
                return response
        return self.get_response(request)
