"""ONS GSS area codes: kept in ``core.area_codes`` (a user's area scope in ``core.models`` is validated with
them, and core imports nothing above it); re-exported here, where the rest of the geography is."""

from core.area_codes import GSS_CODE, LEVEL_BY_PREFIX, LEVELS, level_of, parse_area_codes, validate_area_code

__all__ = ["GSS_CODE", "LEVEL_BY_PREFIX", "LEVELS", "level_of", "parse_area_codes", "validate_area_code"]
