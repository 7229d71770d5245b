"""The geography the warehouse queries join to, as Arrow tables built once per geography version.

Police data mixes LSOA 2011 codes (police.uk until its 2021-boundary switch) and LSOA 2021 codes.
Figures are reconciled to LSOA 2021, the current geography:

* a 2021 code is itself;
* a 2011 code that ONS lists as unchanged (U) or merged (M) maps to its one 2021 LSOA;
* a 2011 code that was split (S) or changed in a complex way (X) maps to the 2021 LSOA among its
  successors with the most residents (a population-weighted best fit, as ONS best-fit lookups are).
  An LSOA-level figure for a split area carries the whole of its predecessor's count. Splits may cross
  wards (193 2011 LSOAs have successors in more than one 2024 ward) and three complex changes cross local
  authorities, so ward totals (and for those three, LA totals) of months on 2011 LSOAs are a best fit.

Each 2021 LSOA takes its MSOA, ward and local authority from the newest lookup imported for that level,
and its population (all ages and aged 24 and under) from the newest year imported.
"""

from functools import lru_cache

import pyarrow as pa

from core.caches import register_cache
from core.problems import InputRejected, Problem
from geography.models import Area, AreaLink, LsoaChange, PopulationRecord
from geography.services.manifest import geography_version

PARENT_LEVELS = ("msoa", "ward", "lad")


def area_tables() -> tuple[pa.Table, pa.Table]:
    """(``lsoa_best_fit``: lsoa_code → lsoa21_code, ``lsoa21_areas``: lsoa21_code → parents, population)."""
    return _build(geography_version())


@register_cache
@lru_cache(maxsize=2)
def _build(version: int) -> tuple[pa.Table, pa.Table]:
    lsoa_codes = set(Area.objects.filter(level="lsoa").values_list("code", flat=True))
    lsoa21 = set(Area.objects.filter(level="lsoa", vintage="2021").values_list("code", flat=True))
    changes: dict[str, list[str]] = {}
    for old, new in LsoaChange.objects.values_list("lsoa11_code", "lsoa21_code"):
        changes.setdefault(old, []).append(new)
        lsoa21.add(new)
    population = _latest_population()
    best_fit: dict[str, str] = {}
    for code in lsoa_codes | set(changes):
        if code in lsoa21 or code not in changes:
            best_fit[code] = code
        else:
            successors = sorted(changes[code])
            best_fit[code] = max(successors, key=lambda c: population.get(c, (0.0, None))[0])
    parents = _parents()
    targets = sorted(set(best_fit.values()))
    # A 2021 LSOA with no link of its own (only 2011 lookups loaded) borrows its predecessor's parents.
    predecessor = {new: old for old, new in best_fit.items() if old != new}
    best = pa.table({"lsoa_code": list(best_fit), "lsoa21_code": list(best_fit.values())})
    columns: dict[str, list] = {"lsoa21_code": targets}
    for level in PARENT_LEVELS:
        columns[f"{level}_code"] = [parents.get((c, level)) or parents.get((predecessor.get(c), level))
                                    for c in targets]
    columns["population"] = [population.get(c, (None, None))[0] for c in targets]
    columns["population_aged_24_and_under"] = [population.get(c, (None, None))[1] for c in targets]
    return best, pa.table(columns, schema=pa.schema([
        ("lsoa21_code", pa.string()), ("msoa_code", pa.string()), ("ward_code", pa.string()),
        ("lad_code", pa.string()), ("population", pa.float64()), ("population_aged_24_and_under", pa.float64())]))


def _parents() -> dict[tuple[str, str], str]:
    """(child, level) → parent from the newest vintage of each level."""
    found: dict[tuple[str, str], tuple[str, str]] = {}
    for child, parent, level, vintage in AreaLink.objects.filter(parent_level__in=PARENT_LEVELS).values_list(
            "child_code", "parent_code", "parent_level", "parent_vintage"):
        key = (child, level)
        if key not in found or vintage > found[key][1]:
            found[key] = (parent, vintage)
    return {k: v[0] for k, v in found.items()}


def _latest_population() -> dict[str, tuple[float, float | None]]:
    """LSOA code → (residents, residents aged 24 and under), each from the newest year that has it.

    A projection with totals only (e.g. 2024) does not hide the census's age split (2021).
    """
    totals: dict[str, tuple[int, float]] = {}
    young: dict[str, tuple[int, float]] = {}
    for code, year, total, aged in PopulationRecord.objects.values_list(
            "area_code", "year", "total", "aged_24_and_under"):
        if code not in totals or year > totals[code][0]:
            totals[code] = (year, total)
        if aged is not None and (code not in young or year > young[code][0]):
            young[code] = (year, aged)
    return {code: (total, young[code][1] if code in young else None) for code, (_, total) in totals.items()}


def area_names(codes: list[str] | None = None) -> dict[str, str]:
    """ONS code → name, for labelling figures (all areas, or just ``codes``)."""
    areas = Area.objects.exclude(name="")
    if codes is not None:
        areas = areas.filter(code__in=codes)
    return dict(areas.values_list("code", "name"))


def local_authority_of(area_code: str) -> str | None:
    """The local authority an LSOA (2011 or 2021), MSOA, ward or local authority lies in; None if unknown.

    LSOA 2021s, MSOAs and wards nest within local authorities; a 2011 LSOA takes its best fit's.
    """
    return _local_authorities(geography_version()).get(area_code)


@register_cache
@lru_cache(maxsize=2)
def _local_authorities(version: int) -> dict[str, str]:
    best_fit, lsoa21 = _build(version)
    table = lsoa21.to_pydict()
    found: dict[str, str] = {}
    for index, lad in enumerate(table["lad_code"]):
        if lad is None:
            continue
        found[lad] = lad
        for column in ("lsoa21_code", "msoa_code", "ward_code"):
            if table[column][index]:
                found[table[column][index]] = lad
    fits = best_fit.to_pydict()
    for old, new in zip(fits["lsoa_code"], fits["lsoa21_code"], strict=True):
        if new in found:
            found.setdefault(old, found[new])
    return found


def area_known(code: str) -> bool:
    """Whether the loaded geography holds ``code`` (an area, or an LSOA a lookup names)."""
    return Area.objects.filter(code=code).exists() or code in _local_authorities(geography_version())


def require_known_area(code: str | None) -> None:
    """Refuse (InputRejected, column ``area``) an area the loaded geography does not hold: counted, it would give
    an empty table that reads as "no crime"; and a hot spot query would say its boundaries are missing."""
    if code is not None and not area_known(code):
        raise InputRejected([Problem("query", f"{code!r} is not an area the loaded geography holds (see `vrp "
                                              "region show`)", column="area")])
