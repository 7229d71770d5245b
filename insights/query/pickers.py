"""What the filters offer: areas found by name, code or postcode; crime types; the months that hold data.

People choose an area by its name ("Easton Borough"), its ONS code, or a postcode (its centroid, loaded with
``vrp places postcodes``, placed in the LSOA it falls in); the figures are still asked for by code.
"""

import re

from django.db.models import Case, IntegerField, Q, Value, When

from geography.models import Area
from insights.ingest.ed import ASSAULT_METHODS
from insights.ingest.police_uk_format import CRIME_TYPES
from insights.models import WarehousePartition
from insights.query.figure_cache import remember

#: The levels a profile can be drawn for, biggest first (the order suggestions are listed in).
LEVELS = ("lad", "ward", "msoa", "lsoa")
LEVEL_NAMES = {"lad": "local authority", "ward": "ward", "msoa": "MSOA", "lsoa": "LSOA"}
CODE = re.compile(r"^\s*[EWew]0[1-9]\d{6}\s*$")
CODE_IN_LABEL = re.compile(r"\(([EW]0[1-9]\d{6})\)\s*$")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")


def area_label(code: str | None) -> str:
    """"Easton Borough (E08900002)"; the bare code when the area has no name or is unknown."""
    if not code:
        return ""
    # Asked by the filters and the page for every profile: kept per geography like the figures.
    name = remember("area name", (code,), lambda: Area.objects.filter(code=code).values_list("name", flat=True)
                    .first(), shared=True)
    return f"{name} ({code})" if name else code


def area_names(codes: list[str]) -> dict[str, str]:
    """Code → name of every named area among ``codes`` (one query)."""
    return {c: n for c, n in Area.objects.filter(code__in=set(codes)).values_list("code", "name") if n}


def search_areas(text: str, limit: int = 10) -> list[dict]:
    """Areas whose name contains ``text`` or whose code starts with it, plus the LSOA of a postcode.

    Returns ``[{"code", "name", "level", "label"}]``: names that start with the text before those that merely
    contain it, bigger areas (local authorities) before smaller ones, then by name.
    """
    text = " ".join(text.split())[:100]
    if len(text) < 2:
        return []
    found = _postcode_area(text)
    rank = Case(*[When(level=level, then=Value(i)) for i, level in enumerate(LEVELS)], output_field=IntegerField())
    starts = Case(When(name__istartswith=text, then=Value(0)), default=Value(1), output_field=IntegerField())
    areas = (Area.objects.filter(level__in=LEVELS).filter(Q(name__icontains=text) | Q(code__istartswith=text))
             .annotate(rank=rank, starts=starts).order_by("starts", "rank", "name", "code")[:limit])
    found += [_option(a.code, a.name, a.level) for a in areas]
    return found[:limit]


def _option(code: str, name: str, level: str, prefix: str = "") -> dict:
    label = f"{name} ({code})" if name else code
    return {"code": code, "name": name, "level": level,
            "label": f"{prefix}{label}, {LEVEL_NAMES.get(level, level)}"}


def _postcode_area(text: str) -> list[dict]:
    from geography.services.locate import lsoa_for_points
    from geography.services.postcodes import postcode_point

    point = postcode_point(text)
    if point is None:
        return []
    lsoas = lsoa_for_points([point[1]], [point[0]])
    code = lsoas[0] if lsoas else None
    if not code:
        return []
    name = Area.objects.filter(code=code).values_list("name", flat=True).first() or ""
    return [_option(code, name, "lsoa", f"{text.upper()}: ")]


def resolve_area(text: str) -> str | None:
    """The ONS code a typed area means: a code, "Name (CODE)" as the picker fills in, an exact name, or a
    postcode (its LSOA). None when it names no area of a profile level."""
    text = " ".join(text.split())
    if not text:
        return None
    match = CODE_IN_LABEL.search(text.split(",")[0]) or CODE_IN_LABEL.search(text)
    candidate = match[1] if match else text.upper()
    if remember("profile area", (candidate,), lambda: Area.objects.filter(code=candidate, level__in=LEVELS)
                .exists(), shared=True):
        return candidate
    by_name = list(Area.objects.filter(name__iexact=text, level__in=LEVELS).values_list("code", "level"))
    if by_name:
        return sorted(by_name, key=lambda row: LEVELS.index(row[1]))[0][0]
    postcode = _postcode_area(text)
    return postcode[0]["code"] if postcode else None


def type_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Crime types (police.uk's list) and means of assault (ED), grouped by source for a select."""
    return [("Police recorded crime", [(t, t) for t in CRIME_TYPES.values()]),
            ("Emergency department: means of assault", [(m, m.capitalize()) for m in ASSAULT_METHODS])]


def month_label(month: str) -> str:
    """"2024-03" → "March 2024"."""
    return f"{MONTH_NAMES[int(month[5:]) - 1]} {month[:4]}"


def month_options() -> list[tuple[str, str]]:
    """Every month the warehouse holds, oldest first, with its label, for the period pickers ("2024-03", "March
    2024"); kept with the figures (every page's two pickers offer them)."""
    return remember("month options", (), lambda: [(m, month_label(m)) for m in months_with_data()], shared=True)


def months_with_data(source: str | None = None) -> list[str]:
    """Every month (YYYY-MM) the warehouse currently holds data for, oldest first (any source when None)."""

    def compute() -> list[str]:
        partitions = WarehousePartition.objects.filter(is_current=True)
        if source:
            partitions = partitions.filter(source=source)
        return sorted(set(partitions.values_list("month", flat=True)))

    return remember("months with data", (source,), compute)
