"""Ingest data.police.uk API JSON (``/api/crimes-street/all-crime``): how partnerships fetch recent months.

The API's records differ from the CSV: category slugs (``violent-crime``), ``persistent_id`` (the CSV's
Crime ID; empty for anti-social behaviour), coordinates as strings, and no LSOA. Records are mapped to
the street-level schema; their LSOA comes from the loaded LSOA boundaries by point-in-polygon.
"""

import gzip
import json
from collections.abc import Callable, Iterable
from pathlib import Path

import pyarrow as pa

from core.files import sha256_of
from core.problems import Problem
from core.sources import OPEN
from geography.services.locate import lsoa_for_points
from insights.ingest import staging
from insights.ingest.police_uk_format import CRIME_TYPES, FORCES, UK_BOUNDS
from insights.ingest.spec import Column, SourceSpec, register
from insights.ingest.staging import StagedFile

#: The fields of the rows ``records_to_rows`` makes of the API's records: the street-level columns already.
API_FIELDS = ("crime_id", "month", "reported_by", "falls_within", "force", "longitude", "latitude", "location",
              "lsoa_code", "lsoa_name", "crime_type", "last_outcome", "context")
#: API records land in the police warehouse beside street-level files, in the same columns. They are read and
#: checked in Python (``records_to_rows``); their LSOA comes from the loaded boundaries.
API = register(SourceSpec(
    format="police-uk-api", source="police", disclosure=OPEN, fields=API_FIELDS,
    columns=(
        Column("crime_id", "text", sql="crime_id"),
        Column("month", "month", "month"),
        *(Column(name, "text", sql=name) for name in ("reported_by", "falls_within", "force")),
        Column("longitude", "number", sql="longitude"),
        Column("latitude", "number", sql="latitude"),
        *(Column(name, "text", sql=name) for name in ("location", "lsoa_code", "lsoa_name", "crime_type",
                                                      "last_outcome", "context")),
    ),
    provider="force", identifier="crime_id", location=("longitude",)))


def load_records(path: Path) -> list[dict]:
    """The API records in ``path`` (a JSON array, plain or gzip). Raises ValueError if it is not one."""
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as handle:
        records = json.load(handle)
    if not isinstance(records, list):
        raise ValueError("expected a JSON array of crime records, as /api/crimes-street returns")
    return records


def records_to_rows(records: list[dict], force: str) -> tuple[dict[str, list], list[tuple[int, str, str]]]:
    """Map API records to street-level columns; problems as (record number, field, message)."""
    columns: dict[str, list] = {k: [] for k in ("_line", "crime_id", "month", "reported_by", "falls_within",
                                                "force", "longitude", "latitude", "location", "lsoa_code",
                                                "lsoa_name", "crime_type", "last_outcome", "context")}
    problems: list[tuple[int, str, str]] = []
    force_name = FORCES.get(force, force)
    for number, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            problems.append((number, "", "record is not a JSON object"))
            continue
        location = record.get("location") or {}
        category = record.get("category")
        month = str(record.get("month") or "")
        lon, lat = _number(location.get("longitude")), _number(location.get("latitude"))
        if category not in CRIME_TYPES:
            problems.append((number, "category", f"unknown category {category!r}"))
        if (len(month) != 7 or not month[:4].isdecimal() or month[4] != "-" or not month[5:].isdecimal()
                or not "2000" <= month[:4] <= "2100" or not "01" <= month[5:] <= "12"):
            problems.append((number, "month", f"month {month!r} is not YYYY-MM"))
        if lon is None or lat is None:
            if location.get("longitude") not in (None, "") or location.get("latitude") not in (None, ""):
                problems.append((number, "location", "coordinates are not numbers"))
        elif not (UK_BOUNDS["min_lon"] <= lon <= UK_BOUNDS["max_lon"]
                  and UK_BOUNDS["min_lat"] <= lat <= UK_BOUNDS["max_lat"]):
            problems.append((number, "location", f"coordinates ({lon}, {lat}) are outside the UK"))
        reporter = "British Transport Police" if record.get("location_type") == "BTP" else force_name
        outcome = record.get("outcome_status") or {}
        street = location.get("street") or {}
        columns["_line"].append(number)
        columns["crime_id"].append(record.get("persistent_id") or None)
        columns["month"].append(month)
        columns["reported_by"].append(reporter)
        columns["falls_within"].append(force_name)
        columns["force"].append(force)
        columns["longitude"].append(lon)
        columns["latitude"].append(lat)
        columns["location"].append(street.get("name") if isinstance(street, dict) else None)
        columns["lsoa_code"].append(None)
        columns["lsoa_name"].append(None)
        columns["crime_type"].append(CRIME_TYPES.get(category, category))
        columns["last_outcome"].append(outcome.get("category") if isinstance(outcome, dict) else None)
        columns["context"].append(record.get("context") or None)
    return columns, problems


def _number(value: object) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def stage_api_file(con, path: Path, index: int, force: str) -> StagedFile:
    checksum = sha256_of(path)
    name = str(path)
    try:
        records = load_records(path)
    except (ValueError, OSError, EOFError) as exc:
        return StagedFile(name, path, checksum, None, problems=[Problem(name, f"not police.uk API JSON: {exc}")])
    if not records:
        return StagedFile(name, path, checksum, None, problems=[Problem(name, "the file holds no records")])
    columns, problems = records_to_rows(records, force)
    located = [i for i, (lon, lat) in enumerate(zip(columns["longitude"], columns["latitude"], strict=True))
               if lon is not None and lat is not None]
    codes = lsoa_for_points([columns["longitude"][i] for i in located], [columns["latitude"][i] for i in located])
    for i, code in zip(located, codes or [], strict=False):
        columns["lsoa_code"][i] = code
    by_line: dict[int, list[str]] = {}
    for number, field_name, message in problems:
        by_line.setdefault(number, []).append(f"{field_name}\x1e{message}")
    columns["_given_problem"] = [staging.SEPARATOR.join(by_line[n]) if n in by_line else None
                                 for n in columns["_line"]]
    staged = staging.stage(con, API, name, path, checksum, index, rows=pa.table(columns))
    if codes is None and located:
        staged.notes.append("no LSOA boundaries are loaded, so these records have no LSOA; "
                            "run `vrp geography boundaries` and ingest again")
    return staged


def ingest_police_api(paths: Iterable[Path], force: str, actor: object = "cli", accept_partial: bool = False,
                      progress: Callable[[Iterable], Iterable] | None = None,
                      replace_smaller: bool = False) -> staging.IngestSummary:
    """Ingest API JSON files fetched for ``force`` as one batch (see ``ingest_police_uk`` for the rules)."""
    def stage_all(con, workdir: Path):
        files = [Path(p) for p in paths]
        missing = [Problem(str(p), "file not found") for p in files if not p.exists()]
        present = [p for p in files if p.exists()]
        staged = [stage_api_file(con, p, i, force) for i, p in enumerate(progress(present) if progress else present)]
        return staged, [], missing

    return staging.run_batch(API, stage_all, actor, accept_partial, replace_smaller=replace_smaller)
