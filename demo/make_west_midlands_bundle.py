"""Derive the West Midlands demo bundle (``demo/west_midlands/``) from the real public files in ``../shared/data``.

Run from the repository root: ``python demo/make_west_midlands_bundle.py [--data ../shared/data]``. The output
is small (a few MB, no file over 1 MiB) and committed, so ``vrp demo`` needs no ``../shared`` on a fresh
machine. Every file is a cut-down of a published file, kept in its publisher's layout wherever the platform's
importers read that layout; ``SOURCES.md`` in the bundle says which file came from where. Re-running the
script on the same inputs writes byte-identical files (gzip with no timestamp, rows sorted).

What it does to the data, and nothing more:

* keeps the 1,719 LSOA 2021 of the force area's seven local authorities (E23000014, West Midlands Police);
* rounds boundary coordinates to 5 decimal places (about 1 m) — they are already simplified upstream;
* makes ward and local authority boundaries by dissolving the LSOAs by their 2024 ward and authority in the
  ONS lookup (44 of the 192 wards changed after the 2022 ward boundaries that are available, so those cannot
  be used; dissolving also makes every layer of the map share the LSOAs' edges);
* keeps the postcode centroids (BCC-PHM wmSpatial, OGL) that fall inside the seven authorities, with
  coordinates rounded to 5 decimal places, as ``postcode,latitude,longitude``;
* converts the police.uk counts (``lsoa_code,…,year,month,crime_count``) into the platform's counts format
  (``LSOA code,Crime type,Month,Count``), one gzip file per year.
"""

import argparse
import csv
import gzip
import io
import json
import tarfile
from collections import defaultdict
from pathlib import Path

FORCE_CODE = "E23000014"
FORCE_SLUG = "west-midlands"
LAD_CODES = ["E08000025", "E08000026", "E08000027", "E08000028", "E08000029", "E08000030", "E08000031"]
POSTCODES = "postcodes/wm_postcodes.csv.gz"
AGGREGATES = "police-uk/aggregates/wm7la-lsoa-category-monthly-counts_upstream-birmingham.tar.xz"
COUNT_COLUMNS = ["LSOA code", "Crime type", "Month", "Count"]
MAX_BYTES = 1 << 20


def _gzip_text(path: Path, text: str) -> None:
    """Write ``text`` gzip-compressed with no name or timestamp in the header (reproducible bytes)."""
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as z:
        z.write(text.encode("utf-8"))


def _csv_text(header: list[str], rows: list[list]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _read_csv(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _round(coordinates):
    if isinstance(coordinates[0], (int, float)):
        return [round(coordinates[0], 5), round(coordinates[1], 5)]
    return [_round(c) for c in coordinates]


def _feature(properties: dict, geometry: dict) -> dict:
    return {"type": "Feature", "properties": properties,
            "geometry": {"type": geometry["type"], "coordinates": _round(geometry["coordinates"])}}


def _geojson(features: list[dict]) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))


def build(data: Path, out: Path) -> dict[str, int]:
    """Write the bundle from ``data`` (a ``shared/data`` folder) into ``out``; returns file name → bytes."""
    import shapely
    from shapely.geometry import mapping, shape

    out.mkdir(parents=True, exist_ok=True)
    (out / "police_uk_counts").mkdir(exist_ok=True)
    lsoa_geo = json.loads((data / "geography/wm_lsoa21_boundaries.geojson").read_text())
    lsoas = {f["properties"]["lsoa21_code"]: f for f in lsoa_geo["features"]
             if f["properties"]["ltla22_code"] in LAD_CODES}
    codes = sorted(lsoas)

    lookup = {r["lsoa21_code"]: r for r in _read_csv(data / "geography/lookup_lsoa21_ward24_ltla24.csv.gz")
              if r["lsoa21_code"] in lsoas}
    msoa = {r["LSOA21CD"]: r["MSOA21CD"] for r in
            _read_csv(data / "deprivation/imd_lookups_lsoa21_imd2025_pop2024.csv.gz") if r["LSOA21CD"] in lsoas}
    missing = [c for c in codes if c not in lookup or c not in msoa]
    if missing:
        raise SystemExit(f"no ward or MSOA for {len(missing)} LSOAs, e.g. {missing[:3]}")
    rows = []
    for code in codes:
        name = lsoas[code]["properties"]["lsoa21_name"]
        row = lookup[code]
        # An LSOA 2021 is named after its MSOA plus a letter (Birmingham 067A lies in Birmingham 067).
        rows.append([code, name, msoa[code], name[:-1], row["ward24_code"], row["ward24_name"],
                     row["ltla24_code"], row["ltla24_name"]])
    _gzip_text(out / "lookup_lsoa21_msoa21_ward24_lad24.csv.gz", _csv_text(
        ["LSOA21CD", "LSOA21NM", "MSOA21CD", "MSOA21NM", "WD24CD", "WD24NM", "LAD24CD", "LAD24NM"], rows))

    _gzip_text(out / "lsoa21_boundaries.geojson.gz", _geojson([
        _feature({"lsoa21_code": c, "lsoa21_name": lsoas[c]["properties"]["lsoa21_name"]}, lsoas[c]["geometry"])
        for c in codes]))
    by_ward: dict[tuple[str, str], list] = defaultdict(list)
    for code in codes:
        by_ward[(lookup[code]["ward24_code"], lookup[code]["ward24_name"])].append(shape(lsoas[code]["geometry"]))
    ward_features = []
    for (ward, name), parts in sorted(by_ward.items()):
        # Snapping to the rounded grid first makes neighbouring LSOAs share edges, so the union has no slivers.
        merged = shapely.union_all([shapely.set_precision(p, 1e-5) for p in parts])
        ward_features.append(_feature({"WD24CD": ward, "WD24NM": name}, mapping(merged)))
    _gzip_text(out / "ward24_boundaries.geojson.gz", _geojson(ward_features))
    by_lad: dict[tuple[str, str], list] = defaultdict(list)
    for code in codes:
        by_lad[(lookup[code]["ltla24_code"], lookup[code]["ltla24_name"])].append(shape(lsoas[code]["geometry"]))
    lad_features = [_feature({"LAD24CD": lad, "LAD24NM": name},
                             mapping(shapely.union_all([shapely.set_precision(p, 1e-5) for p in parts])))
                    for (lad, name), parts in sorted(by_lad.items())]
    if [f["properties"]["LAD24CD"] for f in lad_features] != LAD_CODES:
        raise SystemExit("the local authority boundaries are not the seven West Midlands authorities")
    _gzip_text(out / "lad24_boundaries.geojson.gz", _geojson(lad_features))

    # Postcodes inside the seven authorities only (the upstream file reaches into Worcestershire and
    # Staffordshire, and has no Coventry CV postcodes).
    region = shapely.union_all([shape(f["geometry"]) for f in lad_features])
    shapely.prepare(region)
    postcodes = _read_csv(data / POSTCODES)
    inside = shapely.contains_xy(region, [float(r["longitude"]) for r in postcodes],
                                 [float(r["latitude"]) for r in postcodes])
    _gzip_text(out / "wm_postcodes.csv.gz", _csv_text(["postcode", "latitude", "longitude"], sorted(
        [r["postcode"], f"{float(r['latitude']):.5f}", f"{float(r['longitude']):.5f}"]
        for r, keep in zip(postcodes, inside, strict=True) if keep)))

    population = [r for r in _read_csv(data / "population/census21_pop_lsoa21_6agegroups.csv.gz")
                  if r["lsoa21_code"] in lsoas]
    _gzip_text(out / "census21_pop_lsoa21_6agegroups.csv.gz", _csv_text(
        list(population[0]), [list(r.values()) for r in sorted(population, key=lambda r: (r["lsoa21_code"],))]))
    imd = [r for r in _read_csv(data / "deprivation/imd2025_england_lsoa21.csv.gz") if r["lsoa21_code"] in lsoas]
    _gzip_text(out / "imd2025_lsoa21.csv.gz", _csv_text(
        list(imd[0]), [list(r.values()) for r in sorted(imd, key=lambda r: r["lsoa21_code"])]))
    schools = _read_csv(data / "schools/gias_open_establishments_20250524_west_midlands_7LA.csv")
    _gzip_text(out / "gias_open_establishments_20250524_west_midlands.csv.gz", _csv_text(
        list(schools[0]), [list(r.values()) for r in sorted(schools, key=lambda r: int(r["urn"]))]))

    by_year: dict[str, list[list]] = defaultdict(list)
    with tarfile.open(data / AGGREGATES) as archive:
        for member in sorted(archive.getmembers(), key=lambda m: m.name):
            if not member.isfile() or not member.name.endswith(".csv"):
                continue
            text = archive.extractfile(member).read().decode("utf-8-sig")
            for r in csv.DictReader(io.StringIO(text)):
                month = f"{int(r['year']):04d}-{int(r['month']):02d}"
                by_year[month[:4]].append([r["lsoa_code"], r["category"], month, int(r["crime_count"])])
    for year, year_rows in sorted(by_year.items()):
        year_rows.sort(key=lambda r: (r[2], r[0], r[1]))
        _gzip_text(out / "police_uk_counts" / f"{FORCE_SLUG}-counts-{year}.csv.gz", _csv_text(COUNT_COLUMNS,
                                                                                                year_rows))
    sizes = {str(p.relative_to(out)): p.stat().st_size for p in sorted(out.rglob("*.gz"))}
    too_big = [name for name, size in sizes.items() if size > MAX_BYTES]
    if too_big:
        raise SystemExit(f"files over 1 MiB: {too_big}; split them further")
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parent.parent
    parser.add_argument("--data", type=Path, default=root.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=root / "demo" / "west_midlands")
    args = parser.parse_args()
    for name, size in build(args.data, args.out).items():
        print(f"{size:>10,}  {name}")


if __name__ == "__main__":
    main()
