"""Import population by area and age band as the source gives it.

Handles the shapes ONS data comes in: long (one row per area × age band, e.g. Census 2021 in six
bands, or mid-year estimates by single year or five-year band with a year column) and wide totals
(Census 2021 TS001, Census 2011 "Persons", a projection column such as ``2024POP``). The count of
residents aged 24 and under — the partnership's "young people" — is kept whenever the bands split at 24.
"""

import re
from collections import defaultdict
from pathlib import Path

from django.db import transaction

from core.audit import Actor
from core.batches import chunked
from core.problems import InputRejected, Problem
from geography.codes import level_of
from geography.columns import detect_code_columns, find_column
from geography.models import PopulationRecord
from geography.services.manifest import ImportResult, clip_option, previous_import, record_import
from geography.tables import Table, normalise_header, parse_number, read_tables

YOUNG_MAX_AGE = 24
COUNT_HEADERS = ("usualresidents", "count", "population", "persons", "total", "value", "obsvalue",
                 "allpersons", "allusualresidents", "observation")
TOTAL_HEADERS = ("total", "allpersons", "allusualresidents", "persons", "population", "usualresidents",
                 "allages", "observation", "obsvalue")


def age_range(label: str) -> tuple[int, int | None]:
    """The ages a band label covers: ``"Aged 16 to 24 years"`` → (16, 24); ``"65+"`` → (65, None).

    Follows the labels of Census 2021 (``Aged 15 years and under``), mid-year estimates (``UNDER 1``,
    ``1-4``, ``90+``) and single years (``23``). Raises ValueError for an unrecognised label.
    """
    text = label.strip().lower()
    numbers = [int(n) for n in re.findall(r"\d+", text)]
    if "under" in text and numbers:
        return (0, numbers[0] - 1) if "and under" not in text else (0, numbers[0])
    if ("over" in text or "+" in text or "plus" in text) and numbers:
        return numbers[0], None
    if len(numbers) == 2:
        return numbers[0], numbers[1]
    if len(numbers) == 1:
        return numbers[0], numbers[0]
    raise ValueError(f"cannot read an age range from {label!r}")


def young_count(bands: dict[str, float]) -> float | None:
    """Residents aged 0–24 from ``bands``, or None when no band boundary falls at 24/25."""
    if not bands:
        return None
    ranges = {label: age_range(label) for label in bands}
    if not any(hi == YOUNG_MAX_AGE for _, hi in ranges.values()):
        return None
    return sum(count for label, count in bands.items()
               if ranges[label][1] is not None and ranges[label][1] <= YOUNG_MAX_AGE)


def year_from_name(file_name: str) -> int | None:
    """The year in a file name: ``TS001_LSOA2021`` → 2021; ``census21_…`` → 2021."""
    four = re.findall(r"(?<!\d)(19\d{2}|20\d{2})(?!\d)", file_name)
    if four:
        return int(four[0])
    census = re.search(r"census_?(\d{2})(?!\d)", file_name.lower())
    return 2000 + int(census.group(1)) if census else None


def import_population(path: Path, actor: Actor = "cli", year: int | None = None,
                      code_column: str | None = None, count_column: str | None = None,
                      keep: set[str] | None = None) -> ImportResult:
    """Import ``path`` as population records (only the areas in ``keep``, if given); all rows land or none.

    The result's notes say which year the figures were taken to be.
    """
    options = {"year": year, "code_column": code_column, "count_column": count_column, **clip_option(keep)}
    checksum, seen = previous_import("population", path, options)
    if seen:
        return ImportResult("population", path.name, 0, skipped_unchanged=True)
    records: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)
    totals: dict[tuple[str, int], float] = {}
    source = path.name
    for table in read_tables(path):
        _read_table(table, year, code_column, count_column, records, totals, keep)
    with transaction.atomic():
        keys = set(records) | set(totals)
        codes_by_year: dict[int, list[str]] = defaultdict(list)
        for code, yr in keys:
            codes_by_year[yr].append(code)
        previous: dict[tuple[str, int], PopulationRecord] = {}
        for yr, codes in codes_by_year.items():
            for chunk in chunked(sorted(codes), 900):
                found = PopulationRecord.objects.filter(year=yr, area_code__in=chunk)
                previous.update({(r.area_code, yr): r for r in found})
                found.delete()
        merged = []
        for key in sorted(keys):
            # A file of totals (TS001) and a file of age bands (the six-band table) for the same year
            # complete each other rather than one erasing the other.
            old = previous.get(key)
            bands = records.get(key) or (old.bands if old else {})
            total = totals.get(key) or (sum(bands.values()) if bands else (old.total if old else 0))
            merged.append(PopulationRecord(area_code=key[0], year=key[1], source=source[:200], bands=bands,
                                           total=total, aged_24_and_under=young_count(bands)))
        PopulationRecord.objects.bulk_create(merged, batch_size=2000)
        record_import(actor, "population", path, checksum, options, len(keys))
    years = sorted({yr for _, yr in keys})
    return ImportResult("population", path.name, len(keys),
                        notes=(f"year {', '.join(str(y) for y in years)}" + ("" if year else " (read from the file)"),)
                        if years else ())


def _read_table(table: Table, year: int | None, code_column: str | None, count_column: str | None,
                records: dict, totals: dict, keep: set[str] | None = None) -> None:
    code = detect_code_columns(table, code_column)[0]
    headers = table.header
    age_index = next((i for i, h in enumerate(headers)
                      if "age" in normalise_header(h) and normalise_header(h) not in {"standardpop"}), None)
    year_index = find_column(headers, "year", "date", "period")
    count_index = (headers.index(count_column) if count_column in headers
                   else find_column(headers, *(COUNT_HEADERS if age_index is not None else TOTAL_HEADERS)))
    if count_index is None:
        count_index = next((i for i, h in enumerate(headers) if re.search(r"pop", normalise_header(h))), None)
    if count_index is None:
        raise InputRejected([Problem(table.source, "no population count column found (e.g. usual_residents, "
                                     "count, total, Persons); the columns are: "
                                     + ", ".join(repr(h) for h in headers) + ". Name it with --count-column.",
                                     line=1)])
    default_year = year or year_from_name(headers[count_index]) or year_from_name(table.source)
    if year_index is None and default_year is None:
        raise InputRejected([Problem(table.source, "cannot tell the year of these figures; give --year")])
    problems: list[Problem] = []
    for row, line in zip(table.rows, table.lines, strict=True):
        area = row[code.index].strip() if code.index < len(row) else ""
        if not area or (keep is not None and area not in keep):
            continue  # blank and footnote lines after the table, and areas outside the clip
        if level_of(area) is None:
            problems.append(Problem(table.source, f"{area[:40]!r} is not an ONS area code", line, code.header))
            continue
        try:
            count = parse_number(row[count_index])
        except (ValueError, IndexError):
            if not any(c.strip() for i, c in enumerate(row) if i != code.index):
                continue
            problems.append(Problem(table.source, f"count {row[count_index]!r} is not a number", line,
                                    headers[count_index]))
            continue
        if count is None:
            continue
        yr = default_year
        if year_index is not None:
            try:
                yr = int(float(row[year_index]))
                if not 1900 <= yr <= 2100:
                    raise ValueError(yr)
            except (ValueError, OverflowError, IndexError):
                problems.append(Problem(table.source, f"year {row[year_index][:20]!r} is not a year", line,
                                        headers[year_index]))
                continue
        if age_index is None:
            totals[(area, yr)] = count
            continue
        label = row[age_index].strip()
        try:
            age_range(label)
        except ValueError as exc:
            problems.append(Problem(table.source, str(exc), line, headers[age_index]))
            continue
        bands = records[(area, yr)]
        bands[label] = bands.get(label, 0) + count
    if problems:
        raise InputRejected(problems)
