"""A chapter's layer as a given reader gets it: the GeoJSON the insights endpoint serves that reader.

The story page's map fetches the layer in the reader's browser; the chapter's CSV and the exported file read it
here, through the same endpoint (resolved and called in-process, with the reader's role checked as the
deny-by-default middleware checks it). So the disclosure rules live in one place, the insights endpoints, and
a story never applies (or skips) disclosure control of its own.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, QueryDict
from django.urls import resolve

from core.access import declared_roles, role_of
from places.stories.mapview import area_labels, figure_filters, layer_path
from places.stories.models import Chapter

#: The columns of a layer's table, in order, for each kind of layer.
COLUMNS = {Chapter.Layer.RATES: ["code", "name", "count", "rate_per_1000"],
           Chapter.Layer.HOTSPOTS: ["code", "name", "class", "count", "rate_per_1000"],
           Chapter.Layer.NONE: ["code", "name"]}


@dataclass
class Layer:
    """A layer's features (GeoJSON dicts) as one reader gets them, or why it has none for that reader."""

    features: list[dict] = field(default_factory=list)
    note: str = ""
    #: True when the endpoint refused this reader (not published at this level or for this period).
    refused: bool = False

    def rows(self, layer: str) -> list[dict]:
        """One row per area (code, name, and the layer's figures; None where withheld), as ``COLUMNS``."""
        labels = area_labels([f["properties"].get("code", "") for f in self.features])
        rows = []
        for feature in self.features:
            properties = feature["properties"]
            name = properties.get("name") or labels.get(properties.get("code", ""), "").rsplit(" (", 1)[0]
            rows.append({column: name if column == "name" else properties.get(column)
                         for column in COLUMNS[layer]})
        return rows


def fetch_layer(chapter: Chapter, reader: Any = None) -> Layer:
    """The chapter's layer as ``reader`` (a user; None for an anonymous visitor) would get it in a browser."""
    path = layer_path(chapter)
    if path is None:
        return Layer()
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = path
    query = QueryDict(mutable=True)
    query.update(figure_filters(chapter))
    request.GET = query
    request.META = {"QUERY_STRING": query.urlencode(), "REQUEST_METHOD": "GET", "SERVER_NAME": "stories",
                    "SERVER_PORT": "80"}
    request.user = reader if reader is not None else AnonymousUser()
    match = resolve(path)
    request.resolver_match = match
    if role_of(request.user) not in (declared_roles(match.func) or ()):
        return Layer(note="This layer is not available to this reader.", refused=True)
    response = match.func(request, *match.args, **match.kwargs)
    body = json.loads(response.content or b"{}")
    if response.status_code != 200:
        # The platform's one error shape: {"errors": [{"field": …, "message": …}]}.
        messages = [str(error.get("message", "")) for error in body.get("errors", [])]
        return Layer(note=" ".join(messages) or "These figures are not published for this reader.", refused=True)
    features = body.get("features", [])
    return Layer(features=features, note="" if features else "No figures for this selection.")
