"""Where a postcode is: its centroid, for the area picker ("B12 9QT" → its LSOA) and "near me" searches.

The centroids are loaded and kept by the services directory (``places.Postcode``, ``vrp places postcodes FILE``),
which registers its lookup here in its ``AppConfig.ready()``; so the area picker (insights) asks geography, and
no app imports the directory for a postcode. Without the directory installed, no postcode is known.
"""

from collections.abc import Callable

Point = tuple[float, float]
_lookups: list[Callable[[str], Point | None]] = []


def register_lookup(lookup: Callable[[str], Point | None]) -> None:
    """Add a function giving a postcode's (latitude, longitude), or None when it does not know it."""
    if lookup not in _lookups:
        _lookups.append(lookup)


def postcode_point(text: str) -> Point | None:
    """(latitude, longitude) of a postcode's centroid, or None if no registered lookup knows it."""
    for lookup in _lookups:
        point = lookup(text)
        if point is not None:
            return point
    return None
