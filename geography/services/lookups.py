"""Import ONS lookups: LSOA → MSOA → ward → local authority → CSP → police force area, LSOA 2011 ↔ 2021,
area names and centroids, from any CSV/XLSX that carries the codes in columns."""

from pathlib import Path

from django.db import transaction

from core.audit import Actor
from core.batches import chunked
from core.problems import InputRejected, Problem
from geography.codes import GSS_CODE
from geography.columns import CodeColumn, detect_code_columns, find_column
from geography.models import Area, AreaLink, LsoaChange
from geography.services.manifest import ImportResult, clip_option, previous_import, record_import
from geography.tables import Table, read_tables

#: Levels that nest: a child links to every parent of a higher rank. MSOAs and wards do not nest in
#: each other, so they share a rank and are never linked to one another.
RANK = {"lsoa": 0, "msoa": 1, "ward": 1, "pcon": 1, "lad": 2, "csp": 3, "pfa": 4,
        "combined_authority": 4, "region": 5, "country": 6}


def import_lookup(path: Path, actor: Actor = "cli", code_column: str | None = None,
                  name_column: str | None = None, keep: set[str] | None = None) -> list[ImportResult]:
    """Import every code column of ``path`` as areas, links between levels and LSOA changes.

    With ``keep`` (area codes), only rows naming at least one of them are imported (a region's share of a
    national lookup). All sheets land in one transaction or none do. Returns one result per table.
    """
    options = {"code_column": code_column, "name_column": name_column, **clip_option(keep)}
    checksum, seen = previous_import("lookup", path, options)
    if seen:
        return [ImportResult("lookup", path.name, 0, skipped_unchanged=True)]
    tables = read_tables(path)
    results = []
    with transaction.atomic():
        for table in tables:
            results.append(_import_table(table, code_column, name_column, keep))
        record_import(actor, "lookup", path, checksum, options, sum(r.rows for r in results))
    return results


def _import_table(table: Table, code_column: str | None, name_column: str | None,
                  keep: set[str] | None = None) -> ImportResult:
    columns = detect_code_columns(table, code_column, name_column)
    problems: list[Problem] = []
    areas: dict[str, Area] = {}
    links: dict[tuple[str, str, str], str] = {}
    changes: dict[tuple[str, str], str] = {}
    lon_index = find_column(table.header, "longitude", "long", "lon", "x")
    lat_index = find_column(table.header, "latitude", "lat", "y")
    change_index = find_column(table.header, "changecode", "chgind")
    lsoa11 = next((c for c in columns if c.level == "lsoa" and c.vintage == "2011"), None)
    lsoa21 = next((c for c in columns if c.level == "lsoa" and c.vintage == "2021"), None)
    rows = 0
    for row, line in zip(table.rows, table.lines, strict=True):
        codes = _row_codes(table, row, line, columns, problems)
        if codes is None or (keep is not None and not any(code in keep for _, code in codes)):
            continue
        rows += 1
        for column, code in codes:
            area = areas.setdefault(code, Area(code=code, level=column.level, vintage=column.vintage))
            if column.name_index is not None and column.name_index < len(row) and row[column.name_index].strip():
                area.name = row[column.name_index].strip()[:200]
        if lon_index is not None and lat_index is not None and codes:
            _set_centroid(areas[codes[0][1]], row, lon_index, lat_index, table, line, problems)
        for child_column, child in codes:
            for parent_column, parent in codes:
                if RANK.get(parent_column.level, -1) > RANK.get(child_column.level, 99):
                    links[(child, parent_column.level, parent_column.vintage)] = parent
        if lsoa11 is not None and lsoa21 is not None:
            pair = (row[lsoa11.index].strip(), row[lsoa21.index].strip())
            changes[pair] = row[change_index].strip()[:1] if change_index is not None else ""
    if problems:
        raise InputRejected(problems)
    _save_areas(areas)
    _save_links(links)
    _save_changes(changes)
    notes = tuple(f"{c.header} → {c.level} {c.vintage}".strip() for c in columns)
    return ImportResult("lookup", table.source, rows, notes=notes)


def _row_codes(table: Table, row: list[str], line: int, columns: list[CodeColumn],
               problems: list[Problem]) -> list[tuple[CodeColumn, str]] | None:
    """The row's codes, or None for a blank/footnote row with no codes at all."""
    cells = [(c, row[c.index].strip() if c.index < len(row) else "") for c in columns]
    if not any(value for _, value in cells):
        return None
    codes = []
    for column, value in cells:
        if not value:
            continue
        if not GSS_CODE.match(value):
            # A note under the table ("Source: ONS…") is not an error, a bad code in the data is.
            if column is columns[0] and not any(v for c, v in cells if c is not column):
                return None
            problems.append(Problem(table.source, f"{value!r} is not an ONS area code", line, column.header))
            continue
        codes.append((column, value))
    return codes


def _set_centroid(area: Area, row: list[str], lon_index: int, lat_index: int, table: Table, line: int,
                  problems: list[Problem]) -> None:
    try:
        lon, lat = float(row[lon_index]), float(row[lat_index])
    except (ValueError, IndexError):
        problems.append(Problem(table.source, "longitude/latitude is not a number", line,
                                table.header[lon_index]))
        return
    if not (-8.7 <= lon <= 1.8 and 49.8 <= lat <= 60.9):
        problems.append(Problem(table.source, f"({lon}, {lat}) is outside the UK", line, table.header[lon_index]))
        return
    area.centroid_lon, area.centroid_lat = lon, lat


def _save_areas(areas: dict[str, Area]) -> None:
    """Merge the table's areas into the stored ones (names and centroids fill in, vintage is kept).

    Replaced by delete-and-insert: Django's bulk_update builds one CASE per field per row, which is
    quadratic on 35,000 LSOAs.
    """
    existing = Area.objects.in_bulk(list(areas))
    for code, area in areas.items():
        old = existing.get(code)
        if old is None:
            continue
        area.name = area.name or old.name
        area.vintage = old.vintage or area.vintage
        area.level = old.level or area.level
        if area.centroid_lon is None:
            area.centroid_lon, area.centroid_lat = old.centroid_lon, old.centroid_lat
    for chunk in chunked(sorted(existing), 900):
        Area.objects.filter(code__in=chunk).delete()
    Area.objects.bulk_create(list(areas.values()), batch_size=2000)


def _save_links(links: dict[tuple[str, str, str], str]) -> None:
    """Replace the links this table gives, one (parent level, vintage) at a time."""
    groups: dict[tuple[str, str], list[str]] = {}
    for child, level, vintage in links:
        groups.setdefault((level, vintage), []).append(child)
    for (level, vintage), children in groups.items():
        for chunk in chunked(sorted(children), 900):
            AreaLink.objects.filter(child_code__in=chunk, parent_level=level, parent_vintage=vintage).delete()
    AreaLink.objects.bulk_create(
        [AreaLink(child_code=c, parent_level=lv, parent_vintage=vn, parent_code=p)
         for (c, lv, vn), p in links.items()], batch_size=2000)


def _save_changes(changes: dict[tuple[str, str], str]) -> None:
    if not changes:
        return
    for chunk in chunked(sorted({a for a, _ in changes}), 900):
        LsoaChange.objects.filter(lsoa11_code__in=chunk).delete()
    LsoaChange.objects.bulk_create(
        [LsoaChange(lsoa11_code=a, lsoa21_code=b, change_code=c) for (a, b), c in changes.items()],
        batch_size=2000)
