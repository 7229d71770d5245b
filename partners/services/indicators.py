"""Ingest partners' published tables: OHID Fingertips exports and the platform's tidy indicator CSV.

**Fingertips** exports (the "Export table" / API ``all_data`` CSV) are read as Fingertips writes them:
``Indicator ID, Indicator Name, Parent Code, Parent Name, Area Code, Area Name, Area Type, Sex, Age,
Category Type, Category, Time period, Value, Lower CI 95.0 limit, Upper CI 95.0 limit, Lower CI 99.8 limit,
Upper CI 99.8 limit, Count, Denominator, Value note, Recent Trend, Compared to England value or percentiles,
Compared to … value or percentiles, Time period Sortable, New data, Compared to goal[, Time period range]``.
The columns the platform needs are required (``FINGERTIPS_REQUIRED``); the comparison columns are Fingertips'
own judgements and are not kept.

**Tidy** CSV, for everything else a partner sends (HES sharp-object admissions, the Homicide Index, ambulance
call-outs, suspensions and exclusions, first-time entrants): ``measure, area_code, period, age_band, sex,
count, denominator, value, source`` (required), and optionally ``measure_name, unit, area_name,
lower_ci95, upper_ci95``.

Validation is the platform's: every problem is named by file, line and column; a batch with any problem lands
nothing; a file already loaded (same checksum) is not read again, and a value already held with the same
figures is left as it is, so loading the same input twice changes nothing.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from core import audit
from core.files import sha256_of
from core.problems import InputRejected, Problem
from partners.models import Indicator, IndicatorFile, IndicatorValue
from partners.services.periods import PeriodError, parse_period

FINGERTIPS_REQUIRED = ("Indicator ID", "Indicator Name", "Area Code", "Area Name", "Area Type", "Sex", "Age",
                       "Time period", "Value", "Lower CI 95.0 limit", "Upper CI 95.0 limit", "Count",
                       "Denominator")
FINGERTIPS_OPTIONAL = ("Category Type", "Category", "Lower CI 99.8 limit", "Upper CI 99.8 limit", "Value note")
TIDY_REQUIRED = ("measure", "area_code", "period", "age_band", "sex", "count", "denominator", "value", "source")
TIDY_OPTIONAL = ("measure_name", "unit", "area_name", "lower_ci95", "upper_ci95")
#: Codes Fingertips uses for the comparators above local authorities; always known.
NATIONAL_CODES = {"E92000001": "England", **{f"E1200000{i}": "region" for i in range(1, 10)}}
AREA_CODE = re.compile(r"^[EWSNK]\d{8}$")
FIELDS = ("area_name", "area_type", "period_kind", "first_month", "last_month", "count", "denominator", "value",
          "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998", "value_note", "source")
#: The figures of a value; a cell given twice with the same figures is the same value.
FIGURES = ("count", "denominator", "value", "lower_ci95", "upper_ci95", "lower_ci998", "upper_ci998")
SEXES = {"persons": "Persons", "all": "Persons", "male": "Male", "males": "Male", "female": "Female",
         "females": "Female"}


@dataclass
class IndicatorSummary:
    files: int = 0
    unchanged_files: list[str] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    updated: int = 0
    indicators: list[str] = field(default_factory=list)
    other_areas: int = 0

    def table(self) -> str:
        lines = [("files loaded", str(self.files)),
                 ("files unchanged (already loaded)", str(len(self.unchanged_files))),
                 ("rows read", f"{self.rows:,}"), ("values added", f"{self.created:,}"),
                 ("values changed", f"{self.updated:,}"), ("indicators", ", ".join(self.indicators) or "none")]
        if self.other_areas:
            lines.append(("rows for areas outside the geography (left out)", f"{self.other_areas:,}"))
        width = max(len(k) for k, _ in lines)
        return "\n".join(f"{k.ljust(width)}  {v}" for k, v in lines)


def known_areas() -> set[str]:
    """Area codes a value may be given for: the geography loaded, the region's local authorities, England and
    the English regions."""
    from core.region import current_region
    from geography.models import Area

    return set(Area.objects.values_list("code", flat=True)) | set(current_region().lad_codes) | set(NATIONAL_CODES)


def _number(text: str, name: str, line: int, column: str, problems: list[Problem]) -> float | None:
    text = (text or "").strip().replace(",", "")
    if text == "" or text.lower() in ("x", "..", ":", "-", "*", "[x]", "[c]", "[z]"):
        return None
    try:
        value = float(text)
    except ValueError:
        problems.append(Problem(name, f"{text!r} is not a number", line, column))
        return None
    if not math.isfinite(value):
        problems.append(Problem(name, f"{text!r} is not a number", line, column))
        return None
    return value


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:100]


def _read(path: Path) -> tuple[list[str], list[list[str]]]:
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows:
        return [], []
    return [h.strip() for h in rows[0]], rows[1:]


def parse_file(path: Path, fmt: str, areas: set[str], unit: str = "", publisher: str = "",
               outside: list[int] | None = None) -> tuple[dict[str, dict], list[dict], list[Problem]]:
    """Read one file: (indicator key → indicator fields, value rows, problems). Pure apart from reading.

    A row for an area code not in ``areas`` is a problem, unless ``outside`` is given: then a row for a
    well-formed ONS code outside ``areas`` (another region's local authority in a whole-England export) is left
    out and its line appended to ``outside``; a malformed code is a problem either way."""
    name = str(path)
    try:
        header, rows = _read(path)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        return {}, [], [Problem(name, f"cannot be read: {exc}")]
    if not header:
        return {}, [], [Problem(name, "the file is empty", 1)]
    required = FINGERTIPS_REQUIRED if fmt == "fingertips" else TIDY_REQUIRED
    missing = [Problem(name, "missing column", 1, c) for c in required if c not in header]
    if missing:
        return {}, [], missing
    col = {h: i for i, h in enumerate(header)}
    problems: list[Problem] = []
    indicators: dict[str, dict] = {}
    values: list[dict] = []
    seen: dict[tuple, tuple[int, tuple]] = {}
    for offset, raw in enumerate(rows):
        line = offset + 2
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != len(header):
            problems.append(Problem(name, f"has {len(raw)} fields; the header has {len(header)}", line))
            continue
        nul = next((header[i] for i, cell in enumerate(raw) if "\x00" in cell), None)
        if nul is not None:
            problems.append(Problem(name, "holds a NUL character", line, nul))
            continue

        def get(column: str, raw: list[str] = raw) -> str:
            return raw[col[column]].strip() if column in col else ""

        before = len(problems)
        if fmt == "fingertips":
            ident = get("Indicator ID")
            if not ident.isdecimal():
                problems.append(Problem(name, f"{ident!r} is not a Fingertips indicator id", line, "Indicator ID"))
                continue
            key = f"fingertips-{ident}"
            indicators.setdefault(key, {"name": get("Indicator Name"), "fingertips_id": int(ident),
                                        "unit": unit, "publisher": publisher or "OHID Fingertips"})
            area_col, period_col, sex_col = "Area Code", "Time period", "Sex"
            category = ": ".join(p for p in (get("Category Type"), get("Category")) if p)
            row = {"area_name": get("Area Name"), "area_type": get("Area Type"), "age_band": get("Age") or "All ages",
                   "category": category, "value_note": get("Value note")[:300],
                   "source": publisher or "OHID Fingertips",
                   "count": _number(get("Count"), name, line, "Count", problems),
                   "denominator": _number(get("Denominator"), name, line, "Denominator", problems),
                   "value": _number(get("Value"), name, line, "Value", problems),
                   "lower_ci95": _number(get("Lower CI 95.0 limit"), name, line, "Lower CI 95.0 limit", problems),
                   "upper_ci95": _number(get("Upper CI 95.0 limit"), name, line, "Upper CI 95.0 limit", problems),
                   "lower_ci998": _number(get("Lower CI 99.8 limit"), name, line, "Lower CI 99.8 limit", problems),
                   "upper_ci998": _number(get("Upper CI 99.8 limit"), name, line, "Upper CI 99.8 limit", problems)}
        else:
            measure = get("measure")
            key = _slug(measure)
            if not key:
                problems.append(Problem(name, "a measure must be given", line, "measure"))
                continue
            held = indicators.setdefault(key, {"name": get("measure_name") or measure, "fingertips_id": None,
                                               "unit": get("unit") or unit, "publisher": publisher or get("source")})
            if (get("unit") or unit) != held["unit"]:
                problems.append(Problem(name, f"unit {get('unit')!r} differs from {held['unit']!r} given for measure "
                                              f"{measure!r} on an earlier line (one measure, one unit)", line, "unit"))
            area_col, period_col, sex_col = "area_code", "period", "sex"
            row = {"area_name": get("area_name"), "area_type": "", "age_band": get("age_band") or "All ages",
                   "category": "", "value_note": "", "source": get("source")[:300],
                   "count": _number(get("count"), name, line, "count", problems),
                   "denominator": _number(get("denominator"), name, line, "denominator", problems),
                   "value": _number(get("value"), name, line, "value", problems),
                   "lower_ci95": _number(get("lower_ci95"), name, line, "lower_ci95", problems),
                   "upper_ci95": _number(get("upper_ci95"), name, line, "upper_ci95", problems),
                   "lower_ci998": None, "upper_ci998": None}
            if row["count"] is None and row["value"] is None and len(problems) == before:  # (not twice for "4x")
                problems.append(Problem(name, "give a count or a value", line, "count"))
            if row["count"] is not None and row["count"] < 0:
                problems.append(Problem(name, "a count cannot be negative", line, "count"))
        area = get(area_col).upper()
        if outside is not None and AREA_CODE.match(area) and area not in areas and len(problems) == before:
            outside.append(line)
            continue
        if not AREA_CODE.match(area) or area not in areas:
            problems.append(Problem(name, f"unknown area code {area!r} (load its geography first)", line, area_col))
        try:
            period = parse_period(get(period_col))
        except PeriodError as exc:
            problems.append(Problem(name, str(exc), line, period_col))
            period = None
        sex = SEXES.get(get(sex_col).lower())
        if sex is None:
            problems.append(Problem(name, f"sex {get(sex_col)!r} is not Persons, Male or Female", line, sex_col))
        if len(problems) > before or period is None:
            continue
        row.update({"indicator": key, "area_code": area, "period": period.label, "period_kind": period.kind,
                    "first_month": period.first_month, "last_month": period.last_month, "sex": sex,
                    "age_band": row["age_band"][:50], "category": row["category"][:200]})
        identity = (key, area, period.label, row["age_band"], sex, row["category"])
        figures = tuple(row[k] for k in FIGURES)
        if identity in seen:
            first_line, first_figures = seen[identity]
            # Fingertips' whole-indicator export lists a metropolitan district or unitary authority once per area
            # type it belongs to (districts and counties), with the same figures: kept once. Different figures
            # for the same cell are a conflict.
            if figures != first_figures:
                problems.append(Problem(name, f"repeats line {first_line} (same indicator, area, period, age, sex "
                                              "and category) with different figures", line, period_col))
            continue
        seen[identity] = (line, figures)
        values.append(row)
    if not values and not problems and not (outside or []):
        problems.append(Problem(name, "the file has no rows (only its header)", 2))
    return indicators, values, problems


def ingest_indicators(paths: Iterable[Path], fmt: str = "fingertips", actor: object = "cli", unit: str = "",
                      publisher: str = "", success_measure: str = "", skip_other_areas: bool = False
                      ) -> IndicatorSummary:
    """Load indicator files as one batch: all of it, or nothing (InputRejected naming every problem).

    ``fmt`` is ``fingertips`` or ``tidy``; ``unit`` and ``publisher`` fill what a Fingertips export does not
    carry; ``success_measure`` tags the file's indicators with the Home Office measure they give. An area code
    outside the loaded geography is refused, unless ``skip_other_areas``: then rows for well-formed codes outside
    it (a Fingertips export of every local authority in England) are left out and counted.
    """
    if fmt not in ("fingertips", "tidy"):
        raise InputRejected([Problem("--format", f"{fmt!r} is not fingertips or tidy")])
    if success_measure and success_measure not in Indicator.Measure.values:
        raise InputRejected([Problem("--measure", f"{success_measure!r} is not one of "
                                                  f"{', '.join(v for v in Indicator.Measure.values if v)}")])
    summary = IndicatorSummary()
    areas = known_areas()
    problems: list[Problem] = []
    batch: list[tuple[Path, str, dict, list[dict]]] = []
    for path in paths:
        path = Path(path)
        if not path.is_file():
            problems.append(Problem(str(path), "file not found"))
            continue
        checksum = sha256_of(path)
        if IndicatorFile.objects.filter(checksum=checksum).exists() or checksum in {b[1] for b in batch}:
            summary.unchanged_files.append(str(path))
            continue
        outside: list[int] | None = [] if skip_other_areas else None
        indicators, values, found = parse_file(path, fmt, areas, unit, publisher, outside)
        summary.other_areas += len(outside or [])
        problems += found + _unit_conflicts(path, fmt, indicators, batch)
        batch.append((path, checksum, indicators, values))
    if problems:
        raise InputRejected(problems + [Problem("batch", "nothing was loaded")])
    with transaction.atomic():
        for path, checksum, indicators, values in batch:
            _land(path, checksum, fmt, indicators, values, actor, success_measure, summary)
    return summary


def _unit_conflicts(path: Path, fmt: str, indicators: dict[str, dict],
                    batch: list[tuple[Path, str, dict, list[dict]]]) -> list[Problem]:
    """An indicator already held (or earlier in the batch) in one unit cannot be given in another: its values
    would be read in the wrong unit. (An indicator held with no unit takes the one a file gives.)"""
    held = dict(Indicator.objects.filter(key__in=indicators).exclude(unit="").values_list("key", "unit"))
    for _, _, earlier, _ in batch:
        held.update({k: f["unit"] for k, f in earlier.items() if f["unit"] and k not in held})
    column = "unit" if fmt == "tidy" else "--unit"
    return [Problem(str(path), f"indicator {key!r} is held in {held[key]!r}; this file gives it in "
                               f"{fields['unit']!r} (one indicator, one unit)", None,
                    column)
            for key, fields in indicators.items() if fields["unit"] and held.get(key, fields["unit"]) != fields["unit"]]


def _land(path: Path, checksum: str, fmt: str, indicators: dict[str, dict], values: list[dict], actor: object,
          success_measure: str, summary: IndicatorSummary) -> None:
    by_key = {}
    for key, fields in indicators.items():
        indicator, _ = Indicator.objects.get_or_create(key=key, defaults=fields)
        changed = {k: v for k, v in fields.items() if v and getattr(indicator, k) != v and not getattr(indicator, k)}
        if success_measure and indicator.success_measure != success_measure:
            changed["success_measure"] = success_measure
        if changed:
            Indicator.objects.filter(pk=indicator.pk).update(**changed)
        by_key[key] = indicator
        summary.indicators.append(key)
    record = IndicatorFile.objects.create(file_name=str(path), checksum=checksum, format=fmt, rows=len(values),
                                          by=str(getattr(actor, "username", actor))[:150])
    existing = {(v.indicator_id, v.area_code, v.period, v.age_band, v.sex, v.category): v
                for v in IndicatorValue.objects.filter(indicator__in=by_key.values())}
    new, changed = [], []
    for row in values:
        indicator = by_key[row["indicator"]]
        identity = (indicator.pk, row["area_code"], row["period"], row["age_band"], row["sex"], row["category"])
        held = existing.get(identity)
        if held is None:
            new.append(IndicatorValue(indicator=indicator, file=record, **{k: row[k] for k in (
                "area_code", "period", "age_band", "sex", "category", *FIELDS)}))
        elif any(getattr(held, k) != row[k] for k in FIELDS):
            for k in FIELDS:
                setattr(held, k, row[k])
            held.file = record
            changed.append(held)
    IndicatorValue.objects.bulk_create(new, batch_size=500)
    IndicatorValue.objects.bulk_update(changed, [*FIELDS, "file"], batch_size=500)
    record.created, record.updated = len(new), len(changed)
    record.save(update_fields=["created", "updated"])
    summary.files += 1
    summary.rows += len(values)
    summary.created += len(new)
    summary.updated += len(changed)
    audit.record(actor, "ingest_indicator", record, changes={"rows": len(values), "added": len(new),
                                                             "changed": len(changed),
                                                             "indicators": sorted(indicators)})
