"""Schools from Get Information About Schools (GIAS): the raw ``edubasealldata`` CSV or its cleaned form.

Both layouts are recognised by their headers (raw: ``URN``, ``EstablishmentName``, ``LA (code)``…; cleaned:
``urn``, ``establishment_name``, ``la_code``…). Raw GIAS has eastings and northings but no latitude and
longitude, so they are converted from British National Grid. Closed establishments in the raw file are
skipped. A row that cannot be read (the cleaned national file has 12 rows shifted upstream) is named by
line and column; the import lands whole, or with ``accept_partial`` lands the good rows and lists the rest.
Re-importing the same file changes nothing.
"""

import math
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from core import audit
from core.audit import Actor
from core.problems import InputRejected, Problem
from geography.tables import read_tables
from places.models import School

#: Our field → the header in each layout (cleaned first, then raw GIAS).
HEADERS = {
    "urn": ("urn", "URN"), "name": ("establishment_name", "EstablishmentName"),
    "phase": ("education_phase", "PhaseOfEducation (name)"),
    "establishment_type": ("establishment_type", "TypeOfEstablishment (name)"),
    "type_group": ("establishment_type_group", "EstablishmentTypeGroup (name)"),
    "pupils": ("number_of_pupils", "NumberOfPupils"), "free_school_meals_percent": ("percentage_fsm", "PercentageFSM"),
    "gias_la_code": ("la_code", "LA (code)"), "la_name": ("la_name", "LA (name)"),
    "lsoa_code": ("lsoa_code", "LSOA (code)"), "longitude": ("longitude",), "latitude": ("latitude",),
    "easting": ("easting", "Easting"), "northing": ("northing", "Northing"),
    "status": ("EstablishmentStatus (name)",),
}


@dataclass
class SchoolImport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_closed: int = 0
    rejected: list[Problem] = field(default_factory=list)

    def __str__(self) -> str:
        return (f"{self.created} schools created, {self.updated} updated, {self.unchanged} unchanged, "
                f"{self.skipped_closed} closed skipped, {len(self.rejected)} rows rejected")


#: The largest number any GIAS column holds (URNs are six digits; pupils, eastings and northings fewer).
LARGEST = 10**8


def _number(text: str, kind: type) -> float | int | None:
    """A GIAS cell as a number (None for GIAS's blanks); ValueError for text, NaN, infinity or absurd sizes."""
    text = text.strip()
    if text in ("", "NULL", "NA", "SUPP", "NP"):
        return None
    value = float(text)
    if not math.isfinite(value) or abs(value) > LARGEST:
        raise ValueError(text)
    return int(value) if kind is int else value


def import_schools(path: Path, actor: Actor = "cli", accept_partial: bool = False) -> SchoolImport:
    table = read_tables(path)[0]
    index = {}
    for key, names in HEADERS.items():
        index[key] = next((table.header.index(n) for n in names if n in table.header), None)
    if index["urn"] is None or index["name"] is None:
        raise InputRejected([Problem(table.source, "this is not a GIAS establishments file: no URN and name "
                                     "columns", line=1)])
    result, rows = SchoolImport(), {}

    def cell(row: list[str], key: str) -> str:
        i = index[key]
        return row[i].strip() if i is not None and i < len(row) else ""

    for line, row in zip(table.lines, table.rows, strict=True):
        if not any(c.strip() for c in row):
            continue
        if cell(row, "status") and not cell(row, "status").startswith("Open"):
            result.skipped_closed += 1
            continue
        values, column = {}, "urn"
        try:
            for column, kind in (("urn", int), ("pupils", int), ("free_school_meals_percent", float),
                                 ("longitude", float), ("latitude", float), ("easting", float), ("northing", float)):
                values[column] = _number(cell(row, column), kind)
        except ValueError:
            result.rejected.append(Problem(table.source, f"{cell(row, column)!r} is not a number", line=line,
                                           column=table.header[index[column]]))
            continue
        if values["urn"] is None:
            result.rejected.append(Problem(table.source, "the URN is missing", line=line, column="urn"))
            continue
        lsoa = cell(row, "lsoa_code")
        if lsoa[1:].strip("9") == "":  # ONS pseudo-codes (999999999, L99999999…): no LSOA, e.g. overseas
            lsoa = ""
        if lsoa and not (len(lsoa) == 9 and lsoa[0] in "EW" and lsoa[1:3] == "01"):
            result.rejected.append(Problem(table.source, f"{lsoa!r} is not an LSOA code", line=line,
                                           column=table.header[index["lsoa_code"]]))
            continue
        rows[values["urn"]] = {**values, **{k: cell(row, k) for k in ("name", "phase", "establishment_type",
                                                                       "type_group", "gias_la_code", "la_name")},
                               "lsoa_code": lsoa}
    if result.rejected and not accept_partial:
        raise InputRejected(result.rejected)
    _fill_coordinates(rows)
    with transaction.atomic():
        existing = School.objects.in_bulk(list(rows))
        fields = ["name", "phase", "establishment_type", "type_group", "pupils", "free_school_meals_percent",
                  "gias_la_code", "la_name", "lsoa_code", "longitude", "latitude"]
        create, update = [], []
        for urn, values in rows.items():
            school = School(urn=urn, **{f: values.get(f) if values.get(f) is not None else
                                        ("" if f not in ("pupils", "free_school_meals_percent", "longitude",
                                                         "latitude") else None) for f in fields})
            school.name = school.name[:200]
            if urn not in existing:
                create.append(school)
            elif any(getattr(existing[urn], f) != getattr(school, f) for f in fields):
                update.append(school)
            else:
                result.unchanged += 1
        School.objects.bulk_create(create, batch_size=2000)
        School.objects.bulk_update(update, fields, batch_size=2000)
        result.created, result.updated = len(create), len(update)
        audit.record(actor, "import", object_type="places.School", summary=f"{path.name}: {result}")
    return result


def _fill_coordinates(rows: dict[int, dict]) -> None:
    """Latitude and longitude from eastings and northings where a file gives only those (raw GIAS)."""
    missing = [urn for urn, v in rows.items() if v.get("latitude") is None and v.get("easting") is not None
               and v.get("northing") is not None]
    if not missing:
        return
    from insights.hotspots.kde import to_wgs84

    lon, lat = to_wgs84([rows[u]["easting"] for u in missing], [rows[u]["northing"] for u in missing])
    for urn, x, y in zip(missing, lon, lat, strict=True):
        rows[urn]["longitude"], rows[urn]["latitude"] = round(float(x), 6), round(float(y), 6)
