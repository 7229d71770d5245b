"""ONS GSS area codes: which level a code names, and validation.

A GSS code is a letter for the nation, two digits for the entity, six digits for the instance
(ONS, "Code History Database" user guide).
"""

import re

from django.core.exceptions import ValidationError

GSS_CODE = re.compile(r"^[EWSNK]\d{8}$")

#: Entity prefix → area level, for the levels the platform uses.
LEVEL_BY_PREFIX: dict[str, str] = {
    "E01": "lsoa", "W01": "lsoa",
    "E02": "msoa", "W02": "msoa",
    "E05": "ward", "W05": "ward",
    "E06": "lad", "E07": "lad", "E08": "lad", "E09": "lad", "W06": "lad",
    "E22": "csp", "W22": "csp",
    "E23": "pfa", "W15": "pfa",
    "E12": "region", "W92": "region", "E92": "country",
    "E14": "pcon", "W07": "pcon", "E47": "combined_authority",
}

LEVELS = ["lsoa", "msoa", "ward", "lad", "csp", "pfa", "region"]


def level_of(code: str) -> str | None:
    """The area level of ``code`` (``lsoa``, ``msoa``, ``ward``, ``lad``…) or None if not one we know."""
    if not GSS_CODE.match(code or ""):
        return None
    return LEVEL_BY_PREFIX.get(code[:3])


def validate_area_code(code: str) -> None:
    """Raise ValidationError unless ``code`` is a GSS code of a level the platform knows."""
    if not isinstance(code, str) or level_of(code) is None:
        raise ValidationError(f"{code!r} is not an ONS area code of a known level (e.g. E01…, E05…, E08…).")


def parse_area_codes(text: str) -> list[str]:
    """ONS codes written as a person types them (spaces, commas or semicolons between), sorted, once each.

    Raises ValueError naming the codes that are not GSS codes of a level the platform knows.
    """
    codes = [c.strip().upper() for c in re.split(r"[;,\s]+", text) if c.strip()]
    unknown = [c for c in codes if level_of(c) is None]
    if unknown:
        raise ValueError(f"not ONS area codes of a known level: {', '.join(unknown)}")
    return sorted(set(codes))
