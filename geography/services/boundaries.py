"""Import boundaries (GeoJSON, GeoPackage — plain or gzip — and zipped or plain Shapefiles).

pyogrio's wheels carry GDAL, so no system GDAL is needed. Geometries are reprojected to EPSG:4326
(British National Grid sources go through pyproj; without the OSTN15 grid that is a Helmert
transform, about 2 m off, which is fine for maps and point-in-polygon at LSOA scale), kept as
imported for point-in-polygon, and simplified once for web maps.
"""

import gzip
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import shapely
from django.db import transaction

from core.audit import Actor
from core.problems import InputRejected, Problem
from geography.codes import GSS_CODE, level_of
from geography.columns import detect_code_columns
from geography.models import Area, Boundary
from geography.services.manifest import ImportResult, clip_option, previous_import, record_import
from geography.tables import Table

#: Simplification tolerance in degrees by level (~1° latitude = 111 km): about 5 m for an LSOA,
#: 20 m for a local authority. Each polygon is simplified on its own, so neighbours may show
#: hairline gaps at high zoom; the unsimplified geometry is kept for analysis.
TOLERANCE = {"lsoa": 0.00005, "msoa": 0.0001, "ward": 0.0001, "lad": 0.0002}
DEFAULT_TOLERANCE = 0.0005


def import_boundaries(path: Path, actor: Actor = "cli", level: str | None = None,
                      code_column: str | None = None, name_column: str | None = None,
                      code: str | None = None, name: str | None = None, keep: set[str] | None = None,
                      within: object | None = None) -> ImportResult:
    """Import every feature of ``path`` as an area boundary.

    ``code``/``name`` give the area for a single-feature file with no code field (an outline);
    otherwise the code field is detected (or named by ``code_column``). ``level`` overrides the level
    read from the codes. ``keep`` (codes) and ``within`` (a shapely geometry) clip the file to a region: a
    feature is kept when its code is in ``keep`` or a point inside it lies ``within``. Lands all features
    or none.
    """
    options = {"level": level, "code_column": code_column, "name_column": name_column, "code": code,
               **clip_option(keep), **({"within": shapely.to_wkt(within, rounding_precision=3)[:64]}
                                       if within is not None else {})}
    checksum, seen = previous_import("boundaries", path, options)
    if seen:
        return ImportResult("boundaries", path.name, 0, skipped_unchanged=True)
    with tempfile.TemporaryDirectory() as workdir:
        fields, geometries, crs = _read_vector(path, Path(workdir))
    geometries = _to_wgs84(geometries, crs, path.name)
    codes, names, vintage = _feature_codes(path.name, fields, len(geometries), code_column, name_column,
                                           code, name)
    if keep is not None or within is not None:
        kept = [i for i, c in enumerate(codes) if (keep is not None and c in keep)]
        if within is not None:
            shapely.prepare(within)
            points = shapely.point_on_surface(shapely.make_valid(geometries))
            kept = sorted(set(kept) | {int(i) for i in np.flatnonzero(shapely.contains(within, points))})
        codes, names, geometries = [codes[i] for i in kept], [names[i] for i in kept], geometries[kept]
    problems = [Problem(path.name, "feature has no geometry", line=i + 1) for i, g in enumerate(geometries)
                if g is None or shapely.is_empty(g)]
    if problems:
        raise InputRejected(problems)
    geometries = shapely.force_2d(geometries)
    fixed = shapely.make_valid(geometries)
    geometries = np.where(shapely.is_valid(geometries), geometries, fixed)
    codes, names, geometries, dissolved = _dissolve_repeated(codes, names, geometries)
    with transaction.atomic():
        _save(codes, names, geometries, level, vintage)
        record_import(actor, "boundaries", path, checksum, options, len(codes))
    notes = (f"{dissolved} features sharing a code were joined into one area each",) if dissolved else ()
    return ImportResult("boundaries", path.name, len(codes), notes=notes)


def _dissolve_repeated(codes: list[str], names: list[str], geometries: np.ndarray
                       ) -> tuple[list[str], list[str], np.ndarray, int]:
    """Join features that share a code (an area published as several parts) into one geometry each."""
    positions: dict[str, list[int]] = {}
    for i, code in enumerate(codes):
        positions.setdefault(code, []).append(i)
    if len(positions) == len(codes):
        return codes, names, geometries, 0
    joined = [shapely.union_all(geometries[idx]) if len(idx) > 1 else geometries[idx[0]]
              for idx in positions.values()]
    return (list(positions), [names[idx[0]] for idx in positions.values()], np.array(joined, dtype=object),
            len(codes) - len(positions))


def inflated(path: Path, workdir: Path) -> Path:
    """``path`` itself, or for a ``.gz`` file its inflated copy in ``workdir``: GeoPackage is SQLite and needs
    random access. A damaged gzip file is refused by name (``InputRejected``)."""
    if not path.name.endswith(".gz"):
        return path
    source = workdir / path.name[:-3]
    try:
        with gzip.open(path, "rb") as src, open(source, "wb") as dst:
            shutil.copyfileobj(src, dst)
    except (OSError, EOFError) as exc:
        raise InputRejected([Problem(path.name, f"not a valid gzip file: {exc}")]) from exc
    return source


def _read_vector(path: Path, workdir: Path) -> tuple[dict[str, np.ndarray], np.ndarray, str | None]:
    from pyogrio import read_info
    from pyogrio.errors import DataSourceError
    from pyogrio.raw import read

    source = inflated(path, workdir)
    try:
        info = read_info(source)
        meta, _, geometry, field_data = read(source)
    except DataSourceError as exc:
        raise InputRejected([Problem(path.name, "not a boundary file GDAL can read (GeoJSON, GeoPackage, "
                                                f"Shapefile or a zip of one): {exc}")]) from exc
    fields = {str(name): np.asarray(values) for name, values in zip(meta["fields"], field_data, strict=True)}
    return fields, shapely.from_wkb(geometry), info.get("crs")


def _to_wgs84(geometries: np.ndarray, crs: str | None, file_name: str) -> np.ndarray:
    if crs in (None, "", "EPSG:4326", "OGC:CRS84"):
        return geometries
    from pyproj import CRS, Transformer

    try:
        source = CRS.from_user_input(crs)
    except Exception as exc:
        raise InputRejected([Problem(file_name, f"unknown coordinate reference system {crs!r}")]) from exc
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the no-grid Helmert fallback warns; see the module docstring
        transformer = Transformer.from_crs(source, "EPSG:4326", always_xy=True)
    return shapely.transform(geometries, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1])))


def _feature_codes(file_name: str, fields: dict[str, np.ndarray], count: int, code_column: str | None,
                   name_column: str | None, code: str | None, name: str | None
                   ) -> tuple[list[str], list[str], str]:
    if code is not None:
        if count != 1:
            raise InputRejected([Problem(file_name, f"--code names one area but the file has {count} features")])
        if not GSS_CODE.match(code):
            raise InputRejected([Problem(file_name, f"--code {code!r} is not an ONS area code")])
        return [code], [name or ""], ""
    headers = list(fields)
    rows = [[_text(fields[h][i]) for h in headers] for i in range(count)]
    table = Table(file_name, headers, rows, list(range(1, count + 1)))
    column = detect_code_columns(table, code_column, name_column)[0]
    codes = [row[column.index] for row in rows]
    names = [row[column.name_index] if column.name_index is not None else "" for row in rows]
    problems = [Problem(file_name, f"{c!r} is not an ONS area code", line=i + 1, column=column.header)
                for i, c in enumerate(codes) if not GSS_CODE.match(c)]
    if problems:
        raise InputRejected(problems)
    return codes, names, column.vintage


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _save(codes: list[str], names: list[str], geometries: np.ndarray, level: str | None, vintage: str) -> None:
    levels = [level or level_of(c) or "custom" for c in codes]
    tolerances = np.array([TOLERANCE.get(lv, DEFAULT_TOLERANCE) for lv in levels])
    simplified = shapely.simplify(geometries, tolerances, preserve_topology=True)
    simplified = shapely.set_precision(simplified, 1e-5)
    bounds = shapely.bounds(geometries)
    wkbs = shapely.to_wkb(geometries)
    geojsons = shapely.to_geojson(simplified)
    existing = Area.objects.in_bulk(codes)
    new_areas = []
    for code, name, lv in zip(codes, names, levels, strict=True):
        area = existing.get(code)
        if area is None:
            new_areas.append(Area(code=code, name=name[:200], level=lv, vintage=vintage))
        elif (name and not area.name) or (vintage and not area.vintage):
            area.name = area.name or name[:200]
            area.vintage = area.vintage or vintage
            area.save(update_fields=["name", "vintage"])
    Area.objects.bulk_create(new_areas, batch_size=2000)
    Boundary.objects.filter(area_code__in=codes).delete()
    Boundary.objects.bulk_create(
        [Boundary(area_code=c, level=lv, geometry_wkb=w, map_geojson=g,
                  min_lon=b[0], min_lat=b[1], max_lon=b[2], max_lat=b[3])
         for c, lv, w, g, b in zip(codes, levels, wkbs, geojsons, bounds, strict=True)], batch_size=1000)
