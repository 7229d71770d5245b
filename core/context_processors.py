"""Template context every page needs: the region, and the visitor's role."""

from typing import Any

from django.http import HttpRequest

from core.access import role_of
from core.region import current_region


def platform(request: HttpRequest) -> dict[str, Any]:
    return {"region": current_region(), "visitor_role": role_of(getattr(request, "user", None))}
