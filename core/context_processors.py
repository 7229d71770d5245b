"""Template context every page needs: the region, and the visitor's role."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from core.access import role_of
from core.region import current_region


def platform(request: HttpRequest) -> dict[str, Any]:
    return {"region": current_region(), "visitor_role": role_of(getattr(request, "user", None)),
            "basemap": {"url": settings.VRP_BASEMAP_TILES, "attribution": settings.VRP_BASEMAP_ATTRIBUTION}}
