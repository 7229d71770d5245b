"""The West Midlands demo: real places and real police.uk counts, with synthetic partnership data on top.

Loaded from the bundle committed in ``demo/west_midlands/`` (made by ``demo/make_west_midlands_bundle.py`` from
the public files in ``../shared/data``), so it needs nothing outside the repository. What is real: the LSOA
2021, ward and local authority boundaries and lookups (ONS), Census 2021 population by age (ONS), IMD 2025
(MHCLG), open schools (DfE GIAS) and police recorded crime counts by LSOA, type and month (police.uk,
2023-05 to 2026-03). What is synthetic, generated here and placed on the real LSOAs: emergency department
(ISTV) attendances, funders, projects and monitoring returns, incidents, walking routes, directory services,
the strategy, training, events and networks. Every page says so (``templates/_demo_banner.html``).
"""

import csv
import gzip
import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np

BUNDLE = Path(__file__).resolve().parent / "west_midlands"
REGION_NAME = "West Midlands"
FORCE_SLUG = "west-midlands"
FORCE_CODE = "E23000014"
LAD_CODES = ["E08000025", "E08000026", "E08000027", "E08000028", "E08000029", "E08000030", "E08000031"]
#: The police.uk months in the bundle; the synthetic ED data covers the same months.
FIRST_MONTH, LAST_MONTH = "2023-05", "2026-03"
#: The demo's "now" for incidents: its five incidents then fall between April and October 2025, in the last
#: financial year of data (2025/26); the incidents' public release holds whole years from the first incident's
#: month, so the first must fall in April for the annual report of 2025/26 to have incidents to report.
INCIDENTS_UNTIL = datetime(2025, 10, 20, 12, tzinfo=ZoneInfo("Europe/London"))
SEED = 20261202


@dataclass
class RealLsoa:
    """A real LSOA 2021 of the region, with what the synthetic generators weight by."""

    code: str
    name: str
    lad: int  # index into LAD_CODES
    centre: tuple[float, float]  # a point inside the boundary (longitude, latitude)
    deprivation: float  # 0 least … 1 most deprived, from the IMD 2025 rank within the region
    hotspot: float  # police.uk violence and sexual offences, relative to the region's LSOA mean
    population: int
    young_share: float  # residents aged 24 and under, as a share of all


def bundle_files() -> dict[str, Path]:
    """The bundle's files by role; raises FileNotFoundError naming any that is missing."""
    files = {"lookup": BUNDLE / "lookup_lsoa21_msoa21_ward24_lad24.csv.gz",
             "lsoa_boundaries": BUNDLE / "lsoa21_boundaries.geojson.gz",
             "ward_boundaries": BUNDLE / "ward24_boundaries.geojson.gz",
             "lad_boundaries": BUNDLE / "lad24_boundaries.geojson.gz",
             "population": BUNDLE / "census21_pop_lsoa21_6agegroups.csv.gz",
             "deprivation": BUNDLE / "imd2025_lsoa21.csv.gz",
             "schools": BUNDLE / "gias_open_establishments_20250524_west_midlands.csv.gz",
             "postcodes": BUNDLE / "wm_postcodes.csv.gz"}
    missing = [str(p) for p in files.values() if not p.exists()]
    if missing or not count_files():
        raise FileNotFoundError(f"the West Midlands demo bundle is incomplete: {missing or 'no count files'}; "
                                "run `python demo/make_west_midlands_bundle.py`")
    return files


def count_files() -> list[Path]:
    """The police.uk counts files of the bundle, one per year, oldest first."""
    return sorted((BUNDLE / "police_uk_counts").glob("*.csv.gz"))


def _rows(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def real_lsoas(files: dict[str, Path]) -> list[RealLsoa]:
    """The region's LSOAs from the bundle (read from the files, not the database: the same on every run)."""
    import shapely
    from shapely.geometry import shape

    lad_of = {r["LSOA21CD"]: LAD_CODES.index(r["LAD24CD"]) for r in _rows(files["lookup"])}
    with gzip.open(files["lsoa_boundaries"], "rt", encoding="utf-8") as handle:
        features = json.load(handle)["features"]
    points = {f["properties"]["lsoa21_code"]: shapely.point_on_surface(shape(f["geometry"])) for f in features}
    names = {f["properties"]["lsoa21_code"]: f["properties"]["lsoa21_name"] for f in features}
    population: dict[str, list[int]] = {}
    for r in _rows(files["population"]):
        population.setdefault(r["lsoa21_code"], []).append(int(r["usual_residents"]))
    ranks = {r["lsoa21_code"]: float(r["IMD_rank"]) for r in _rows(files["deprivation"])}
    order = sorted(ranks, key=lambda c: ranks[c])  # rank 1 is the most deprived in England
    deprivation = {c: 1 - i / max(len(order) - 1, 1) for i, c in enumerate(order)}
    violence: dict[str, int] = {}
    for path in count_files():
        for r in _rows(path):
            if r["Crime type"] == "Violence and sexual offences":
                violence[r["LSOA code"]] = violence.get(r["LSOA code"], 0) + int(r["Count"])
    mean = sum(violence.values()) / max(len(lad_of), 1)
    lsoas = []
    for code in sorted(lad_of):
        bands = population.get(code, [0] * 6)
        total = sum(bands)
        lsoas.append(RealLsoa(code, names.get(code, code), lad_of[code],
                              (round(points[code].x, 6), round(points[code].y, 6)), deprivation.get(code, 0.5),
                              max(violence.get(code, 0) / mean, 0.05) if mean else 1.0, total,
                              (bands[0] + bands[1]) / total if total else 0.3))
    return lsoas


def build_west_midlands(folder: Path, actor: str = "demo", ed_per_month: int = 450) -> dict:
    """Load the bundle through the real importers, generate the synthetic data on its LSOAs, set the region.

    Running it again changes nothing (every import and ingest is idempotent, and the synthetic files are
    generated from a fixed seed). Returns what was loaded.
    """
    from core.region import set_region
    from demo.region import load_demo_commissioning, month_range, write_ed
    from geography.services.boundaries import import_boundaries
    from geography.services.deprivation import import_deprivation
    from geography.services.lookups import import_lookup
    from geography.services.population import import_population
    from insights.ingest.counts import ingest_counts
    from insights.ingest.ed import ingest_ed
    from places.services.postcodes import load_postcodes
    from places.services.schools import import_schools

    files = bundle_files()
    import_lookup(files["lookup"], actor)
    for key in ("lsoa_boundaries", "ward_boundaries", "lad_boundaries"):
        import_boundaries(files[key], actor)
    import_population(files["population"], actor, year=2021)
    import_deprivation(files["deprivation"], actor, edition=2025)
    schools = import_schools(files["schools"], actor)
    # Real postcode centroids (as `vrp places postcodes` loads them), so the directory's "near a postcode"
    # search works; before the synthetic services, whose made-up venue postcodes are added after.
    postcodes = load_postcodes(files["postcodes"])
    police = ingest_counts(count_files(), FORCE_SLUG, actor)
    lsoas = real_lsoas(files)
    rng = np.random.default_rng(SEED)
    months = month_range(FIRST_MONTH, _months_between(FIRST_MONTH, LAST_MONTH))
    ed = ingest_ed([write_ed(lsoas, months, folder / "ed", rng, ed_per_month)], actor)
    names = _lad_names(files)
    set_region(actor, REGION_NAME, [FORCE_SLUG], LAD_CODES, is_synthetic=True)
    projects, returns = load_demo_commissioning(lsoas, folder / "commissioning", rng, actor, LAD_CODES, names,
                                                incidents_until=INCIDENTS_UNTIL, real_schools=True)
    return {"lsoas": len(lsoas), "police_rows": police.rows_accepted, "ed_rows": ed.rows_accepted,
            "months": f"{months[0]} to {months[-1]}", "projects": projects, "returns": returns,
            "schools": str(schools), "postcodes": postcodes}


def _months_between(first: str, last: str) -> int:
    (y0, m0), (y1, m1) = ((int(p) for p in m.split("-")) for m in (first, last))
    return (y1 - y0) * 12 + m1 - m0 + 1


def _lad_names(files: dict[str, Path]) -> list[str]:
    names = {r["LAD24CD"]: r["LAD24NM"] for r in _rows(files["lookup"])}
    return [names[c] for c in LAD_CODES]

