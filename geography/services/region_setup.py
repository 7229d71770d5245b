"""Set a region up from the files it needs: found in a folder by their contents, or downloaded from their
publishers, imported clipped to the region and its neighbours, and listed in a checklist.

A region is a police force area (its local authorities, from the ONS "local authority → community safety
partnership → police force area" lookup) or a list of local authorities. What its figures need:

====================  ==================================================================================
role                  recognised by (contents, never the file name)
====================  ==================================================================================
lad_pfa_lookup        a table with local authority and police force area code columns, no LSOA
lad_boundaries        a boundary file whose codes are local authorities
lsoa21_lookup         a table with LSOA 2021, ward and local authority code columns (no LSOA 2011)
lsoa11_lookup         a table with LSOA 2011 and LSOA 2021 code columns
lsoa21_boundaries     a boundary file of LSOA 2021 codes
msoa21_boundaries     a boundary file of MSOA codes (with names, which place LSOAs in MSOAs)
ward_boundaries       a boundary file of ward codes
population            a table of LSOA codes and residents (by age band where it has them)
deprivation           a table of LSOA codes and IMD ranks, deciles or scores (the newest edition)
====================  ==================================================================================

"Neighbours" are the local authorities whose boundaries touch the region's: hot spots and maps at the edge of
the region need them, and the rest of the country is left out so that a regional database stays small.
"""

import gzip
import io
import re
import shutil
import tempfile
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import shapely

from core.problems import InputRejected, Problem
from geography.columns import CodeColumn, detect_code_columns
from geography.services.boundaries import import_boundaries, inflated
from geography.services.deprivation import edition_from_name, import_deprivation
from geography.services.lookups import import_lookup
from geography.services.manifest import ImportResult
from geography.services.population import import_population
from geography.tables import Table, normalise_header, read_tables

SAMPLE_LINES = 200
TABLE_SUFFIXES = (".csv", ".csv.gz")
VECTOR_SUFFIXES = (".gpkg", ".gpkg.gz", ".geojson", ".shp", ".zip")
#: How far (degrees, about 100 m) a local authority may lie from the region and still count as touching it:
#: published generalised boundaries leave slivers between neighbours.
TOUCH_TOLERANCE = 0.001


@dataclass(frozen=True)
class Role:
    label: str
    where: str
    required: bool = True


#: What a region needs, in import order, and where to get each (the ONS Open Geography Portal, Nomis, MHCLG).
ROLES: dict[str, Role] = {
    "lad_pfa_lookup": Role("local authority → CSP → police force area lookup",
                           "ONS Open Geography Portal: 'Local Authority District to Community Safety Partnership "
                           "to Police Force Area (December 2024) Lookup in England and Wales' (CSV)"),
    "lad_boundaries": Role("local authority boundaries",
                           "ONS Open Geography Portal: 'Local Authority Districts (December 2024) Boundaries UK BGC' "
                           "(GeoPackage or GeoJSON)"),
    "lsoa21_lookup": Role("LSOA 2021 → ward → local authority lookup",
                          "ONS Open Geography Portal: 'LSOA (2021) to Electoral Ward (2024) to LAD (2024) Best Fit "
                          "Lookup in EW' (CSV)"),
    "lsoa11_lookup": Role("LSOA 2011 → LSOA 2021 lookup",
                          "ONS Open Geography Portal: 'LSOA (2011) to LSOA (2021) to Local Authority District "
                          "(2022) Exact Fit Lookup for EW' (CSV); police.uk used 2011 LSOAs before 2023"),
    "lsoa21_boundaries": Role("LSOA 2021 boundaries",
                              "ONS Open Geography Portal: 'Lower layer Super Output Areas (December 2021) "
                              "Boundaries EW BGC'"),
    "msoa21_boundaries": Role("MSOA 2021 boundaries (their names place LSOAs in MSOAs)",
                              "ONS Open Geography Portal: 'Middle layer Super Output Areas (December 2021) "
                              "Boundaries EW BGC'", required=False),
    "ward_boundaries": Role("ward boundaries",
                            "ONS Open Geography Portal: 'Wards (December 2024) Boundaries UK BGC'", required=False),
    "population": Role("population by LSOA 2021 (and age band)",
                       "Nomis: Census 2021 TS007A 'Age by five-year age bands' or TS001 'Number of usual "
                       "residents', lower layer super output areas (CSV)"),
    "deprivation": Role("English Indices of Deprivation (LSOA)",
                        "MHCLG (gov.uk): 'English indices of deprivation 2025', File 1 or File 7 (CSV)",
                        required=False),
}


@dataclass
class Candidate:
    """A file that can play a role, with what its contents showed."""

    path: Path
    role: str
    columns: list[CodeColumn]
    preference: tuple = ()
    note: str = ""


@dataclass
class SetupReport:
    name: str
    lad_codes: list[str]
    lad_names: dict[str, str]
    neighbours: list[str]
    force_slugs: list[str]
    loaded: dict[str, tuple[Path, list[ImportResult]]] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    msoa_links: int = 0

    def checklist(self) -> str:
        """What was loaded (levels, vintages, population year, IMD edition) and what is missing, and from where."""
        from geography.models import Area, DeprivationRecord, PopulationRecord

        lines = [f"Region: {self.name}",
                 "  local authorities: " + ", ".join(f"{self.lad_names.get(c, '')} ({c})".strip()
                                                     for c in self.lad_codes),
                 f"  neighbours loaded too: {len(self.neighbours)} local authorities",
                 "  police forces (police.uk): " + (", ".join(self.force_slugs) or "none found"), "", "Loaded:"]
        for role, (path, results) in self.loaded.items():
            notes = "; ".join(n for r in results for n in r.notes)
            rows = sum(r.rows for r in results)
            state = "already imported" if all(r.skipped_unchanged for r in results) else f"{rows:,} rows"
            lines.append(f"  [x] {ROLES[role].label}: {path.name} ({state}{'; ' + notes if notes else ''})")
        lines += self.unmapped()
        levels = {}
        for level, vintage in Area.objects.values_list("level", "vintage"):
            levels.setdefault(level, set()).add(vintage or "?")
        lines.append("  levels: " + ", ".join(f"{lv} {'/'.join(sorted(v))}" for lv, v in sorted(levels.items())))
        years = sorted(set(PopulationRecord.objects.values_list("year", flat=True)))
        lines.append("  population year: " + (", ".join(map(str, years)) or "none"))
        editions = sorted(set(DeprivationRecord.objects.values_list("edition", flat=True)))
        lines.append("  IMD edition: " + (", ".join(map(str, editions)) or "none"))
        if self.msoa_links:
            lines.append(f"  MSOA of {self.msoa_links:,} LSOAs read from their names (no lookup carried MSOA)")
        if self.missing:
            lines += ["", "Missing (where to get it):"]
            lines += [f"  [ ] {ROLES[r].label}{'' if ROLES[r].required else ' (optional)'}: {ROLES[r].where}"
                      for r in self.missing]
        lines += ["", "Next: police.uk street files for " + (", ".join(self.force_slugs) or "the region's forces")
                  + " (`vrp fetch police-uk --force SLUG --from YYYY-MM --to YYYY-MM` or "
                    "`vrp ingest police-uk FOLDER`), then `vrp region show`."]
        return "\n".join(lines)


    def unmapped(self) -> list[str]:
        """A warning per level (LSOA, ward) whose boundaries leave out some of the region's areas in the newest
        lookup (ward boundaries of an older year than the lookup's wards, say): maps leave those areas out."""
        from geography.models import Area, AreaLink, Boundary

        region = set(self.lad_codes)
        lad_of = dict(AreaLink.objects.filter(parent_level="lad").order_by("parent_vintage")
                      .values_list("child_code", "parent_code"))
        warnings = []
        for level, role in (("lsoa", "lsoa21_boundaries"), ("ward", "ward_boundaries")):
            if level == "lsoa":
                vintage = "2021"
                wanted = {c for c in Area.objects.filter(level="lsoa", vintage=vintage).values_list("code", flat=True)
                          if lad_of.get(c) in region}
            else:
                vintage = max(AreaLink.objects.filter(parent_level="ward").values_list("parent_vintage", flat=True),
                              default="")
                wanted = {ward for lsoa, ward in AreaLink.objects.filter(parent_level="ward", parent_vintage=vintage)
                          .values_list("child_code", "parent_code") if lad_of.get(lsoa) in region}
            if not wanted or role not in self.loaded:
                continue
            mapped = set(Boundary.objects.filter(area_code__in=wanted).values_list("area_code", flat=True))
            if len(mapped) < len(wanted):
                share = f"{len(wanted) - len(mapped):,} of the region's {len(wanted):,} {level}s ({vintage})"
                warnings.append(f"  [!] {share} have no boundary in {self.loaded[role][0].name}: {level} maps "
                                f"leave them out (their counts and rates are still given); get {ROLES[role].where}")
        return warnings


# --- recognising files by their contents ------------------------------------------------------------------


def _sample_table(path: Path) -> Table | None:
    """The header and first rows of a CSV (plain or gzip), or None when it is not a readable table."""
    import csv

    try:
        raw = gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")  # noqa: SIM115
        with raw:
            data = b"".join(raw.readline() for _ in range(SAMPLE_LINES + 1))
    except (OSError, EOFError):
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    rows = [r for r in csv.reader(io.StringIO(text, newline="")) if r]
    if len(rows) < 2:
        return None
    return Table(path.name, [h.strip() for h in rows[0]], rows[1:], list(range(2, len(rows) + 1)))


def _sample_vector(path: Path, workdir: Path) -> tuple[Table, int] | None:
    """The attribute table of a boundary file's first features and how many features it has."""
    from pyogrio import read_info
    from pyogrio.errors import DataSourceError
    from pyogrio.raw import read

    try:
        source = inflated(path, workdir)
    except InputRejected:
        return None
    try:
        info = read_info(source)
        meta, _, _, values = read(source, max_features=SAMPLE_LINES, read_geometry=False)
    except (DataSourceError, Exception):  # noqa: BLE001 - anything GDAL cannot open is not a boundary file
        return None
    headers = [str(f) for f in meta["fields"]]
    rows = [["" if v[i] is None else str(v[i]) for v in values] for i in range(len(values[0]) if values else 0)]
    return Table(path.name, headers, rows, list(range(1, len(rows) + 1))), int(info.get("features") or 0)


def _codes(table: Table) -> list[CodeColumn]:
    try:
        return detect_code_columns(table)
    except InputRejected:
        return []


def _extras(table: Table, columns: list[CodeColumn]) -> list[str]:
    used = {c.index for c in columns} | {c.name_index for c in columns if c.name_index is not None}
    return [h for i, h in enumerate(table.header) if i not in used]


def classify(path: Path, workdir: Path) -> list[Candidate]:
    """The roles ``path`` can play, judged from its contents (codes, levels, vintages, columns)."""
    name = path.name.lower()
    if name.endswith(VECTOR_SUFFIXES):
        if name.endswith(".zip"):
            import zipfile

            try:
                with zipfile.ZipFile(path) as zf:
                    if not any(n.lower().endswith(".shp") for n in zf.namelist()):
                        return []
            except zipfile.BadZipFile:
                return []
        sample = _sample_vector(path, workdir)
        if sample is None:
            return []
        table, features = sample
        columns = _codes(table)
        if not columns:
            return []
        lowest = columns[0]
        role = {"lad": "lad_boundaries", "msoa": "msoa21_boundaries", "ward": "ward_boundaries"}.get(lowest.level)
        if lowest.level == "lsoa" and lowest.vintage in ("2021", ""):
            role = "lsoa21_boundaries" if any(c.startswith("E01") for c in _values(table, lowest)) else None
            if lowest.vintage == "" and not re.search(r"21", normalise_header(lowest.header)):
                role = None
        return [Candidate(path, role, columns, (features,))] if role else []
    if not name.endswith(TABLE_SUFFIXES):
        return []
    table = _sample_table(path)
    if table is None or "Crime ID" in table.header:
        return []
    columns = _codes(table)
    if not columns:
        return []
    levels = {(c.level, c.vintage) for c in columns}
    level_set = {c.level for c in columns}
    extras = _extras(table, columns)
    norm = [normalise_header(h) for h in extras]
    found = []
    if {"lad", "pfa"} <= level_set and "lsoa" not in level_set:
        found.append(Candidate(path, "lad_pfa_lookup", columns, (-len(extras),)))
    if ("lsoa", "2021") in levels and {"ward", "lad"} <= level_set and ("lsoa", "2011") not in levels:
        found.append(Candidate(path, "lsoa21_lookup", columns,
                               (-len(extras), "msoa" in level_set, -len(columns))))
    if ("lsoa", "2011") in levels and ("lsoa", "2021") in levels:
        found.append(Candidate(path, "lsoa11_lookup", columns,
                               (any("changecode" in n or "chgind" in n for n in norm), -len(extras))))
    lsoa = columns[0] if columns[0].level == "lsoa" and columns[0].vintage != "2011" else None
    if lsoa is not None and extras:
        deprivation = [n for n in norm if re.search(r"(rank|decile|score)$", n)]
        edition = edition_from_name(path.name + " " + " ".join(table.header))
        if deprivation and edition:
            found.append(Candidate(path, "deprivation", columns, (edition, len(deprivation)),
                                   note=f"IMD {edition}"))
        population = any(re.search(r"(usualresidents|population|persons|^total$|^count$)", n) for n in norm)
        if population and not deprivation:
            has_age = any("age" in n for n in norm)
            found.append(Candidate(path, "population", columns, (has_age, -len(extras))))
    return found


def _values(table: Table, column: CodeColumn) -> list[str]:
    return [r[column.index] for r in table.rows if column.index < len(r)]


def find_files(folder: Path) -> dict[str, Candidate]:
    """The best file in ``folder`` (searched recursively) for each role, judged by contents."""
    best: dict[str, Candidate] = {}
    with tempfile.TemporaryDirectory() as workdir:
        for path in sorted(folder.rglob("*")):
            if not path.is_file():
                continue
            for candidate in classify(path, Path(workdir)):
                held = best.get(candidate.role)
                if held is None or candidate.preference > held.preference:
                    best[candidate.role] = candidate
    return best


# --- the region -------------------------------------------------------------------------------------------


def force_slug(pfa_name: str) -> str | None:
    """The police.uk slug of a police force area's force: ``Warwickshire`` → ``warwickshire``;
    ``London, City of`` → ``city-of-london``; ``Devon & Cornwall`` → ``devon-and-cornwall``."""
    from geography.forces import FORCES

    name = pfa_name.strip()
    if ", " in name:
        head, tail = name.split(", ", 1)
        name = f"{tail} {head}"
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower().replace("&", "and")).strip("-")
    if slug in FORCES:
        return slug
    for known, full in FORCES.items():
        if full.lower().startswith(pfa_name.lower()):
            return known
    return None


def _cell(row: list[str], index: int | None) -> str:
    return row[index].strip() if index is not None and index < len(row) else ""


def _lad_pfa_rows(path: Path) -> list[dict[str, str]]:
    """(lad code, lad name, pfa code, pfa name) rows of the lookup."""
    rows = []
    for table in read_tables(path):
        columns = detect_code_columns(table)
        lad = next(c for c in columns if c.level == "lad")
        pfa = next(c for c in columns if c.level == "pfa")
        for row in table.rows:
            if _cell(row, lad.index):
                rows.append({"lad": _cell(row, lad.index), "lad_name": _cell(row, lad.name_index),
                             "pfa": _cell(row, pfa.index), "pfa_name": _cell(row, pfa.name_index)})
    return rows


def _neighbours(path: Path, lad_codes: list[str]) -> tuple[list[str], object]:
    """The local authorities touching the region's (from ``path``'s boundaries) and the outline of both."""
    from pyogrio.raw import read

    with tempfile.TemporaryDirectory() as workdir:
        meta, _, geometry, values = read(inflated(path, Path(workdir)))
        crs = meta.get("crs")
    from geography.services.boundaries import _to_wgs84

    table = Table(path.name, [str(f) for f in meta["fields"]],
                  [["" if v[i] is None else str(v[i]) for v in values] for i in range(len(geometry))],
                  list(range(1, len(geometry) + 1)))
    column = detect_code_columns(table)[0]
    codes = [r[column.index] for r in table.rows]
    shapes = shapely.make_valid(_to_wgs84(shapely.from_wkb(geometry), crs, path.name))
    region = shapely.union_all([s for c, s in zip(codes, shapes, strict=True) if c in lad_codes])
    if region.is_empty:
        raise InputRejected([Problem(path.name, "none of the region's local authorities is in this boundary file")])
    near = region.buffer(TOUCH_TOLERANCE)
    neighbours = sorted({c for c, s in zip(codes, shapes, strict=True)
                         if c not in lad_codes and s is not None and near.intersects(s)})
    outline = shapely.union_all([s for c, s in zip(codes, shapes, strict=True)
                                 if c in lad_codes or c in neighbours]).buffer(TOUCH_TOLERANCE)
    return neighbours, outline


def _lookup_codes(path: Path, seeds: set[str]) -> set[str]:
    """Every code on the rows of ``path`` that name one of ``seeds`` (the region's share of a lookup)."""
    found: set[str] = set()
    for table in read_tables(path):
        columns = [c for c in detect_code_columns(table) if c.level in ("lsoa", "msoa", "ward", "lad")]
        for row in table.rows:
            codes = {row[c.index].strip() for c in columns if c.index < len(row)}
            if codes & seeds:
                found |= codes
    found.discard("")
    return found


def setup_region(folder: Path, pfa: str | None = None, lad_codes: list[str] | None = None,
                 name: str | None = None, actor: object = "cli") -> SetupReport:
    """Find the region's files in ``folder``, import them clipped to the region and its neighbours, and make
    it the current region. ``pfa`` (a police force area code) or ``lad_codes`` with ``name`` say which region.
    Raises InputRejected naming what is missing when the region cannot be set."""
    from core.region import set_region

    found = find_files(folder)
    if "lad_pfa_lookup" not in found:
        raise InputRejected([Problem(str(folder), f"no {ROLES['lad_pfa_lookup'].label} found; get the "
                                                  f"{ROLES['lad_pfa_lookup'].where}")])
    rows = _lad_pfa_rows(found["lad_pfa_lookup"].path)
    if pfa:
        lads = sorted({r["lad"] for r in rows if r["pfa"] == pfa})
        if not lads:
            raise InputRejected([Problem(found["lad_pfa_lookup"].path.name,
                                         f"no local authority lies in police force area {pfa}", column="pfa")])
        region_name = name or next(r["pfa_name"] for r in rows if r["pfa"] == pfa)
    else:
        lads = sorted(set(lad_codes or []))
        unknown = sorted(set(lads) - {r["lad"] for r in rows})
        if unknown:
            raise InputRejected([Problem(found["lad_pfa_lookup"].path.name,
                                         "not local authorities of the lookup: " + ", ".join(unknown), column="lad")])
        region_name = name or ""
    lad_names = {r["lad"]: r["lad_name"] for r in rows}
    pfa_names = sorted({r["pfa_name"] for r in rows if r["lad"] in lads})
    slugs = sorted({s for s in (force_slug(n) for n in pfa_names) if s})
    report = SetupReport(region_name, lads, lad_names, [], slugs)
    if "lad_boundaries" not in found:
        raise InputRejected([Problem(str(folder), f"no {ROLES['lad_boundaries'].label} found (they decide the "
                                                  f"neighbours); get {ROLES['lad_boundaries'].where}")])
    report.neighbours, outline = _neighbours(found["lad_boundaries"].path, lads)
    kept_lads = set(lads) | set(report.neighbours)
    pfa_codes = {r["pfa"] for r in rows if r["lad"] in kept_lads}
    csp_seed = kept_lads | pfa_codes
    keep = set(kept_lads)
    if "lsoa21_lookup" in found:
        keep |= _lookup_codes(found["lsoa21_lookup"].path, kept_lads)
    if "lsoa11_lookup" in found:
        keep |= _lookup_codes(found["lsoa11_lookup"].path, keep)
    plan = [
        ("lad_pfa_lookup", lambda p: import_lookup(p, actor, keep=csp_seed)),
        ("lad_boundaries", lambda p: [import_boundaries(p, actor, keep=kept_lads)]),
        ("lsoa21_lookup", lambda p: import_lookup(p, actor, keep=keep)),
        ("lsoa11_lookup", lambda p: import_lookup(p, actor, keep=keep)),
        ("lsoa21_boundaries", lambda p: [import_boundaries(p, actor, keep=keep, within=outline)]),
        ("msoa21_boundaries", lambda p: [import_boundaries(p, actor, within=outline)]),
        ("ward_boundaries", lambda p: [import_boundaries(p, actor, keep=keep, within=outline)]),
        ("population", lambda p: [import_population(p, actor, keep=keep)]),
        ("deprivation", lambda p: [import_deprivation(p, actor, keep=keep)]),
    ]
    for role, run in plan:
        if role in found:
            report.loaded[role] = (found[role].path, run(found[role].path))
        else:
            report.missing.append(role)
    from geography.services.msoa import link_msoas_by_name

    report.msoa_links = link_msoas_by_name(actor)
    if not region_name:
        raise InputRejected([Problem("region", "give the region a name with --name", column="name")])
    set_region(actor, region_name, slugs, lads)
    return report


# --- downloading from the publishers ----------------------------------------------------------------------


def download_files(target: Path, urls: list[str], timeout: int = 600) -> list[Path]:
    """Download each of ``urls`` into ``target`` (named after the address's last part), for ``setup_region``
    to recognise by contents. The publishers' direct links change with each release (ONS portal items, Nomis
    and gov.uk attachments), so the operator lists them (``VRP_REGION_SOURCES``); a role with no file is
    reported as missing, with where to get it."""
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for index, url in enumerate(urls):
        name = url.rstrip("/").rsplit("/", 1)[-1].split("?")[0] or f"download-{index}"
        path = target / f"{index:02d}-{name}"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response, open(path, "wb") as out:  # noqa: S310
                shutil.copyfileobj(response, out, 1 << 20)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise InputRejected([Problem(url, f"download failed: {exc}")]) from exc
        written.append(path)
    return written
