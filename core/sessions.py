"""Signed-in sessions end after ``VRP_SESSION_IDLE_MINUTES`` without a request.

``SESSION_COOKIE_AGE`` is the idle time; each request of a signed-in user moves the expiry on (in the
database and the cookie) by touching the session, at most once a minute so that reading pages does not
write a row per request. A session not touched for the idle time has expired and its user is signed out.
"""

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

SEEN_KEY = "vrp_seen"
TOUCH_EVERY_SECONDS = 60


class IdleSessionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # (Only with a session cookie: an anonymous visitor's session is never even loaded.)
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            now = int(time.time())
            if now - int(request.session.get(SEEN_KEY, 0)) >= TOUCH_EVERY_SECONDS:
                request.session[SEEN_KEY] = now  # modified: saved with a fresh expiry
        return self.get_response(request)
