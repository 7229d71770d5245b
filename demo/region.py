"""Generate a fictional region in the real file formats and load it through the real importers.

Every figure it produces is invented. Area codes use the unused ``9`` series (``E01900001``…, ``E08900001``…)
so they can never be mistaken for real ONS codes. The data has the shape analysts expect of real
violence data: concentration in a few places, a deprivation gradient, summer peaks, night-time and
weekend peaks in ED attendances, young men over-represented.
"""

import csv
import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import numpy as np

from insights.ingest.police_uk_format import CRIME_TYPES

FORCE_SLUG = "synthetic-demo"
FORCE_NAME = "Synthetic Demo Police"
ORIGIN_LON, ORIGIN_LAT = -2.05, 52.38
CELL_LON, CELL_LAT = 0.012, 0.008  # an LSOA-sized square, roughly 800 m × 900 m
COLUMNS, ROWS = 24, 20  # 480 LSOAs in 5 local authorities
LAD_NAMES = ["Northfield Vale", "Easton Borough", "Riverside", "Hillcrest", "Westmoor"]
CENSUS_BANDS = ["Aged 15 years and under", "Aged 16 to 24 years", "Aged 25 to 34 years", "Aged 35 to 49 years",
                "Aged 50 to 64 years", "Aged 65 years and over"]
CRIME_MIX = {
    "Violence and sexual offences": 0.34, "Anti-social behaviour": 0.14, "Public order": 0.09,
    "Criminal damage and arson": 0.08, "Shoplifting": 0.07, "Other theft": 0.06, "Vehicle crime": 0.06,
    "Burglary": 0.05, "Drugs": 0.03, "Robbery": 0.02, "Possession of weapons": 0.015,
    "Theft from the person": 0.015, "Bicycle theft": 0.01, "Other crime": 0.02,
}
ED_SITES = ["SYN01", "SYN02", "SYN03"]


@dataclass
class Lsoa:
    code: str
    name: str
    column: int
    row: int
    lad: int
    ward: str
    msoa: str
    deprivation: float  # 0 least … 1 most deprived
    hotspot: float
    population: int
    young_share: float

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        # Corners computed the same way for neighbouring squares, so they share exact vertices (contiguity).
        return (round(ORIGIN_LON + self.column * CELL_LON, 6), round(ORIGIN_LAT + self.row * CELL_LAT, 6),
                round(ORIGIN_LON + (self.column + 1) * CELL_LON, 6), round(ORIGIN_LAT + (self.row + 1) * CELL_LAT, 6))

    @property
    def centre(self) -> tuple[float, float]:
        """(longitude, latitude) of a point inside the area: where synthetic venues are placed."""
        x0, y0, x1, y1 = self.bounds
        return (x0 + x1) / 2, (y0 + y1) / 2


def lad_code(index: int) -> str:
    return f"E089{index + 1:05d}"


def build_lsoas(rng: np.random.Generator, columns: int = COLUMNS, rows: int = ROWS) -> list[Lsoa]:
    """The fictional LSOAs: a grid, five local authorities in strips, wards of 4×4 and MSOAs of 2×2."""
    centres = [(5, 6), (14, 12), (20, 4)]  # deprived inner areas
    town_centres = [(6, 7), (15, 12), (19, 3), (10, 16)]
    lsoas = []
    for row in range(rows):
        for column in range(columns):
            n = len(lsoas)
            lad = min(column * len(LAD_NAMES) // columns, len(LAD_NAMES) - 1)
            distance = min(math.hypot(column - cx, row - cy) for cx, cy in centres)
            deprivation = float(np.clip(1.0 - distance / 12 + rng.normal(0, 0.12), 0, 1))
            # Town centres (night-time economy) make violence cluster over several neighbouring areas.
            centre = min(math.hypot(column - tx, row - ty) for tx, ty in town_centres)
            hotspot = float(rng.lognormal(0, 0.5)) * (1 + 6 * math.exp(-centre ** 2 / 6))
            ward = f"E059{(row // 4) * (columns // 4) + column // 4 + 1:05d}"
            msoa = f"E029{(row // 2) * (columns // 2) + column // 2 + 1:05d}"
            lsoas.append(Lsoa(f"E019{n + 1:05d}", f"{LAD_NAMES[lad]} {n + 1:03d}A", column, row, lad, ward, msoa,
                              deprivation, hotspot, int(rng.normal(1600, 250)),
                              float(np.clip(0.28 + 0.1 * deprivation + rng.normal(0, 0.03), 0.18, 0.45))))
    return lsoas


def write_geography(lsoas: list[Lsoa], folder: Path) -> dict[str, Path]:
    """Boundaries (GeoJSON), lookup, population (Census 2021 six-band layout) and IMD 2025 files."""
    folder.mkdir(parents=True, exist_ok=True)
    features = []
    for lsoa in lsoas:
        x0, y0, x1, y1 = lsoa.bounds
        features.append({"type": "Feature", "properties": {"lsoa21_code": lsoa.code, "lsoa21_name": lsoa.name},
                         "geometry": {"type": "Polygon",
                                      "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}})
    lad_features = []
    for index, name in enumerate(LAD_NAMES):
        cols = [x.column for x in lsoas if x.lad == index]
        x0 = ORIGIN_LON + min(cols) * CELL_LON
        x1 = ORIGIN_LON + (max(cols) + 1) * CELL_LON
        y0, y1 = ORIGIN_LAT, ORIGIN_LAT + (max(x.row for x in lsoas) + 1) * CELL_LAT
        lad_features.append({"type": "Feature", "properties": {"lad_code": lad_code(index), "lad_name": name},
                             "geometry": {"type": "Polygon",
                                          "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]}})
    paths = {"lsoa_boundaries": folder / "synthetic_lsoa21_boundaries.geojson",
             "lad_boundaries": folder / "synthetic_lad_boundaries.geojson",
             "lookup": folder / "synthetic_lsoa21_msoa21_ward24_lad24_lookup.csv",
             "population": folder / "synthetic_census21_pop_lsoa21_6agegroups.csv",
             "deprivation": folder / "synthetic_imd2025_lsoa21.csv"}
    paths["lsoa_boundaries"].write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    paths["lad_boundaries"].write_text(json.dumps({"type": "FeatureCollection", "features": lad_features}))
    with open(paths["lookup"], "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["LSOA21CD", "LSOA21NM", "MSOA21CD", "MSOA21NM", "WD24CD", "WD24NM", "LAD24CD", "LAD24NM"])
        for x in lsoas:
            writer.writerow([x.code, x.name, x.msoa, f"{LAD_NAMES[x.lad]} {x.msoa[-3:]}", x.ward,
                             f"Synthetic ward {x.ward[-3:]}", lad_code(x.lad), LAD_NAMES[x.lad]])
    with open(paths["population"], "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["lsoa21_code", "lsoa21_name", "age_group", "usual_residents"])
        for x in lsoas:
            young = x.population * x.young_share
            shares = [young * 0.62, young * 0.38] + [x.population * s * (1 - x.young_share) / 0.9
                                                     for s in (0.2, 0.27, 0.24, 0.19)]
            for band, count in zip(CENSUS_BANDS, shares, strict=True):
                writer.writerow([x.code, x.name, band, round(count)])
    ranked = sorted(lsoas, key=lambda x: -x.deprivation)
    with open(paths["deprivation"], "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["lsoa21_code", "IMD_score", "IMD_rank", "IMD_decile"])
        for rank, x in enumerate(ranked, start=1):
            writer.writerow([x.code, round(5 + 60 * x.deprivation, 3), rank, 1 + (rank - 1) * 10 // len(ranked)])
    return paths


def month_range(first: str, count: int) -> list[str]:
    year, month = (int(p) for p in first.split("-"))
    months = []
    for _ in range(count):
        months.append(f"{year:04d}-{month:02d}")
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return months


def write_police(lsoas: list[Lsoa], months: list[str], folder: Path, rng: np.random.Generator,
                 per_month: int = 6000) -> list[Path]:
    """One police.uk street-level CSV per month, in the real 12-column format."""
    folder.mkdir(parents=True, exist_ok=True)
    weights = np.array([x.hotspot * math.exp(2.2 * x.deprivation) for x in lsoas])
    weights /= weights.sum()
    types = list(CRIME_MIX)
    mix = np.array(list(CRIME_MIX.values()))
    mix /= mix.sum()
    paths = []
    for index, month in enumerate(months):
        season = 1 + 0.15 * math.sin(2 * math.pi * (int(month[5:]) - 4) / 12)
        trend = 1 + 0.04 * index / 12
        total = int(rng.poisson(per_month * season * trend))
        where = rng.choice(len(lsoas), size=total, p=weights)
        what = rng.choice(len(types), size=total, p=mix)
        path = folder / f"{month}-{FORCE_SLUG}-street.csv"
        with open(path, "w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
                             "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"])
            for i, t in zip(where, what, strict=True):
                x = lsoas[i]
                x0, y0, x1, y1 = x.bounds
                crime_type = types[t]
                no_location = rng.random() < 0.015
                crime_id = "" if crime_type == "Anti-social behaviour" else rng.bytes(32).hex()
                writer.writerow([
                    crime_id, month, FORCE_NAME, FORCE_NAME,
                    "" if no_location else f"{rng.uniform(x0, x1):.6f}",
                    "" if no_location else f"{rng.uniform(y0, y1):.6f}",
                    "No location" if no_location else f"On or near Synthetic Street {int(i) % 90 + 1}",
                    "" if no_location else x.code, "" if no_location else x.name, crime_type,
                    "" if crime_id == "" else "Investigation complete; no suspect identified", ""])
        paths.append(path)
    return paths


def write_ed(lsoas: list[Lsoa], months: list[str], folder: Path, rng: np.random.Generator,
             per_month: int = 280) -> Path:
    """ISTV assault attendances (the platform's documented CSV), one file for all months and sites."""
    folder.mkdir(parents=True, exist_ok=True)
    weights = np.array([x.hotspot * math.exp(2.0 * x.deprivation) * x.young_share for x in lsoas])
    weights /= weights.sum()
    methods = ["body part", "blunt object", "knife or sharp object", "firearm", "glass or bottle", "other", "unknown"]
    method_p = [0.55, 0.1, 0.12, 0.005, 0.07, 0.08, 0.075]
    places = ["home", "street", "licensed premises", "school or college", "public transport", "workplace",
              "other", "unknown"]
    place_p = [0.28, 0.34, 0.17, 0.03, 0.04, 0.04, 0.05, 0.05]
    hour_p = np.array([6, 6, 5, 4, 2, 1, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 5, 5, 6, 7, 8, 8], dtype=float)
    hour_p /= hour_p.sum()
    path = folder / "synthetic_istv_assault_attendances.csv"
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["treatment_site", "arrival_datetime", "incident_datetime", "assault_method",
                         "location_type", "incident_lsoa", "age", "sex"])
        for month in months:
            season = 1 + 0.2 * math.sin(2 * math.pi * (int(month[5:]) - 4) / 12)
            start = datetime.strptime(month + "-01", "%Y-%m-%d")  # noqa: DTZ007 - local clock times, as EDs record
            days = ((start.replace(day=28) + timedelta(days=4)).replace(day=1) - start).days
            for _ in range(int(rng.poisson(per_month * season))):
                day = int(rng.integers(days))
                weekday = (start + timedelta(days=day)).weekday()
                if weekday < 4 and rng.random() < 0.35:  # weekend peak: redraw some weekday attendances
                    day = int(rng.integers(days))
                incident = start + timedelta(days=day, hours=int(rng.choice(24, p=hour_p)),
                                             minutes=int(rng.integers(60)))
                arrival = incident + timedelta(minutes=int(rng.integers(20, 240)))
                if arrival.strftime("%Y-%m") != month:
                    arrival = incident
                age = int(np.clip(rng.gamma(4.0, 6.5) + 8, 10, 85))
                writer.writerow([
                    ED_SITES[int(rng.integers(len(ED_SITES)))], arrival.strftime("%Y-%m-%d %H:%M"),
                    incident.strftime("%Y-%m-%d %H:%M") if rng.random() > 0.06 else "",
                    methods[int(rng.choice(len(methods), p=method_p))],
                    places[int(rng.choice(len(places), p=place_p))],
                    lsoas[int(rng.choice(len(lsoas), p=weights))].code, age,
                    "male" if rng.random() < 0.74 else ("female" if rng.random() < 0.97 else "unknown")])
    return path


def build_demo_region(folder: Path, first_month: str = "2023-01", months: int = 36, seed: int = 20261124,
                      police_per_month: int = 6000, ed_per_month: int = 280, with_commissioning: bool = True,
                      grid: tuple[int, int] = (COLUMNS, ROWS)) -> dict:
    """Generate every demo file under ``folder``, load them through the real importers, set the region.

    Returns what was loaded (file counts, rows). Running it again loads nothing new (same seed, same files).
    """
    from core.region import set_region
    from geography.services.boundaries import import_boundaries
    from geography.services.deprivation import import_deprivation
    from geography.services.lookups import import_lookup
    from geography.services.population import import_population
    from insights.ingest.ed import ingest_ed
    from insights.ingest.police_uk import ingest_police_uk

    assert CRIME_MIX.keys() <= set(CRIME_TYPES.values())
    rng = np.random.default_rng(seed)
    lsoas = build_lsoas(rng, *grid)
    geo = write_geography(lsoas, folder / "geography")
    actor = "demo"
    import_lookup(geo["lookup"], actor)
    import_boundaries(geo["lsoa_boundaries"], actor)
    import_boundaries(geo["lad_boundaries"], actor)
    import_population(geo["population"], actor, year=2021)
    import_deprivation(geo["deprivation"], actor, edition=2025)
    month_list = month_range(first_month, months)
    police = ingest_police_uk(write_police(lsoas, month_list, folder / "police", rng, police_per_month), actor)
    ed = ingest_ed([write_ed(lsoas, month_list, folder / "ed", rng, ed_per_month)], actor)
    set_region(actor, "Synthetic demo region", [FORCE_SLUG], [lad_code(i) for i in range(len(LAD_NAMES))],
               is_synthetic=True)
    projects, returns = load_demo_commissioning(lsoas, folder / "commissioning", rng, actor) \
        if with_commissioning else ("not loaded", 0)
    return {"lsoas": len(lsoas), "police_rows": police.rows_accepted, "ed_rows": ed.rows_accepted,
            "months": f"{month_list[0]} to {month_list[-1]}", "projects": projects, "returns": returns}


def load_demo_commissioning(lsoas: list, folder: Path, rng: np.random.Generator, actor: str,
                            lad_codes: list[str] | None = None, lad_names: list[str] | None = None,
                            incidents_until=None, real_schools: bool = False) -> tuple[str, int]:
    """Synthetic projects (through the spreadsheet import) and their monitoring returns, evidence, incidents and
    places, placed on ``lsoas`` (anything with ``code``, ``lad`` (an index into ``lad_codes``), ``centre`` and
    ``deprivation``). ``incidents_until`` is the demo's "now" for incidents (default: today), so they fall in
    the years the demo's data covers; with ``real_schools`` the routes start at schools already loaded."""
    from commissioning.services.projects import import_project_rows, read_project_file
    from demo.commissioning import add_returns, write_projects

    codes = lad_codes or [lad_code(i) for i in range(len(LAD_NAMES))]
    names = lad_names or LAD_NAMES
    centres: dict[str, list[tuple[float, float]]] = {}
    for x in lsoas:
        centres.setdefault(codes[x.lad], []).append(x.centre)
    path = write_projects(folder, codes, names, centres, rng)
    summary = import_project_rows(read_project_file(path), actor, path.name)
    returns = add_returns(rng, actor)
    from demo.evidence import add_evidence

    add_evidence(actor)
    from django.utils import timezone

    from demo.incidents import add_incidents

    add_incidents(actor, lsoas[len(lsoas) // 2].centre, incidents_until or timezone.now())
    from demo.places import add_places

    add_places(lsoas, names, np.random.default_rng(7), real_schools=real_schools)
    return str(summary), returns


def create_demo_accounts() -> list[tuple[str, str]]:
    """One account per role for trying the demo, each with a random password returned once.

    Accounts that exist are left alone (their password is not shown again). The provider account belongs to
    the first synthetic provider, so it sees that organisation's projects only.
    """
    import secrets

    from core.models import Organisation, User
    from core.roles import Role
    from demo.commissioning import PROVIDERS

    provider = Organisation.objects.filter(name=PROVIDERS[0]).first()
    created = []
    partner = Organisation.objects.filter(name="Synthetic Hillside Academy").first()
    for role in (Role.COMMISSIONER, Role.PROVIDER, Role.PARTNER, Role.ANALYST, Role.INCIDENT_COORDINATOR,
                 Role.ADMINISTRATOR):
        username = f"demo-{role.value.replace('_', '-')}"
        if User.objects.filter(username=username).exists():
            continue
        password = secrets.token_urlsafe(12)
        User.objects.create_user(username, password=password, role=role.value,
                                 organisation={Role.PROVIDER: provider, Role.PARTNER: partner}.get(role),
                                 is_staff=role is Role.ADMINISTRATOR, is_superuser=role is Role.ADMINISTRATOR)
        created.append((username, password))
    return created
