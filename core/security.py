"""Content-Security-Policy: only the platform's own scripts, styles and images; nothing inline.

Every script and stylesheet is a static file; the charts are SVG with presentation attributes (not style
attributes); maps set styles through the DOM, which CSP allows. A response may set its own policy (a
generated report carries the hash of its one inline stylesheet) and is then left alone.
"""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
          "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = current_policy()
        return response


def current_policy() -> str:
    """The policy, with the configured basemap's tile server (its origin only) allowed as an image source."""
    from urllib.parse import urlsplit

    from django.conf import settings

    tiles = urlsplit(getattr(settings, "VRP_BASEMAP_TILES", "") or "")
    if tiles.scheme != "https" or not tiles.hostname:
        return POLICY
    return POLICY.replace("img-src 'self' data:", f"img-src 'self' data: https://{tiles.netloc}")


def policy_with_style_hash(css: str) -> str:
    """The platform's policy, also allowing one inline stylesheet by its SHA-256 (CSP level 2 hash source)."""
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(css.encode("utf-8")).digest()).decode()
    return POLICY.replace("style-src 'self'", f"style-src 'self' 'sha256-{digest}'")
