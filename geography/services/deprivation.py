"""Import the English Indices of Deprivation (IoD 2019 on LSOA 2011, IoD 2025 on LSOA 2021, and the
local-authority and ward summaries), whatever layout the publisher used.

Wide files carry one column per measure and statistic (``IMD_rank``, ``Income_decile``,
``Index of Multiple Deprivation (IMD) Rank``, ``IMDSCORE``); long files carry a domain column and
one column per statistic (``imd_domain``, ``agg_imd25_rank``, ``imd25_domain_decile``). Both become
``<measure>_<statistic>`` values per area, e.g. ``imd_decile``; columns with no statistic in their
name (the underlying indicators) become ``<indicator>_value``.
"""

import re
from collections import defaultdict
from pathlib import Path

from django.db import transaction

from core.audit import Actor
from core.problems import InputRejected, Problem
from geography.codes import level_of
from geography.columns import detect_code_columns, find_column
from geography.models import DeprivationRecord
from geography.services.manifest import ImportResult, clip_option, previous_import, record_import
from geography.tables import Table, normalise_header, parse_number, read_tables

STATISTICS = ("rank", "decile", "quintile", "score", "proportion", "extent")

#: Publishers' names for the IoD domains → one name each (MHCLG, "English Indices of Deprivation
#: 2019: technical report", and the 2025 renaming of "Barriers to Housing and Services").
MEASURE_NAMES = {
    "indexofmultipledeprivationimd": "imd", "indexofmultipledeprivation": "imd", "imd": "imd", "": "imd",
    "income": "income", "employment": "employment",
    "education": "education", "educationskillsandtraining": "education",
    "health": "health", "healthdeprivationanddisability": "health",
    "crime": "crime",
    "barrierstohousingandservices": "housing_and_services", "housingandaccess": "housing_and_services",
    "housingandservices": "housing_and_services",
    "livingenvironment": "living_environment", "environment": "living_environment",
}
IGNORED = re.compile(r"(name|nmw?$|^objectid$|^fid$|^$)")


def edition_from_name(text: str) -> int | None:
    """The IoD edition from a file or header name: ``imd2019…`` → 2019, ``imd25`` → 2025."""
    norm = text.lower()
    four = re.search(r"(?:imd|iod|deprivation)\D{0,3}(20(?:15|19|25))", norm) or re.search(r"(2019|2025)", norm)
    if four:
        return int(four.group(1))
    two = re.search(r"(?:imd|iod)(15|19|25)(?!\d)", norm)
    return 2000 + int(two.group(1)) if two else None


def measure_key(header: str) -> tuple[str, str]:
    """``"Income_decile"`` → (``income``, ``decile``); an indicator column → (its name, ``value``)."""
    norm = normalise_header(header)
    for statistic in STATISTICS:
        if norm.endswith(statistic):
            stem = norm[: -len(statistic)]
            return MEASURE_NAMES.get(stem, _snake(header[: len(header) - len(statistic)])), statistic
    return _snake(header), "value"


def _snake(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def import_deprivation(path: Path, actor: Actor = "cli", edition: int | None = None,
                       code_column: str | None = None, keep: set[str] | None = None) -> ImportResult:
    """Import ``path``'s deprivation figures (only the areas in ``keep``, if given), merged into the areas'
    records for the edition."""
    options = {"edition": edition, "code_column": code_column, **clip_option(keep)}
    checksum, seen = previous_import("deprivation", path, options)
    if seen:
        return ImportResult("deprivation", path.name, 0, skipped_unchanged=True)
    edition = edition or edition_from_name(path.name)
    values: dict[str, dict[str, float]] = defaultdict(dict)
    for table in read_tables(path):
        table_edition = edition or edition_from_name(" ".join(table.header))
        if table_edition is None:
            raise InputRejected([Problem(path.name, "cannot tell the edition (2019 or 2025); give --edition")])
        edition = table_edition
        _read_table(table, code_column, values, keep)
    with transaction.atomic():
        existing = {r.area_code: r for r in DeprivationRecord.objects.filter(edition=edition)}
        create, update = [], []
        for code, figures in values.items():
            record = existing.get(code)
            if record is None:
                create.append(DeprivationRecord(area_code=code, edition=edition, values=figures))
            else:
                record.values = {**record.values, **figures}
                update.append(record)
        DeprivationRecord.objects.bulk_create(create, batch_size=2000)
        DeprivationRecord.objects.bulk_update(update, ["values"], batch_size=2000)
        record_import(actor, "deprivation", path, checksum, options, len(values))
    return ImportResult("deprivation", path.name, len(values), notes=(f"edition {edition}",))


def _read_table(table: Table, code_column: str | None, values: dict[str, dict[str, float]],
                keep: set[str] | None = None) -> None:
    code = detect_code_columns(table, code_column)[0]
    code_indexes = {c.index for c in detect_code_columns(table)} if code_column is None else {code.index}
    domain_index = find_column(table.header, "imddomain", "domain")
    measures = []
    for index, header in enumerate(table.header):
        if index in code_indexes or index == domain_index or IGNORED.search(normalise_header(header)):
            continue
        measures.append((index, header, measure_key(header)))
    if not measures:
        raise InputRejected([Problem(table.source, "no deprivation columns (ranks, deciles, scores or indicators) "
                                     "found; if this is a lookup of areas, import it with `vrp geography lookup`",
                                     line=1)])
    problems: list[Problem] = []
    for row, line in zip(table.rows, table.lines, strict=True):
        area = row[code.index].strip() if code.index < len(row) else ""
        if not area or (keep is not None and area not in keep):
            continue
        if level_of(area) is None:
            problems.append(Problem(table.source, f"{area[:40]!r} is not an ONS area code", line, code.header))
            continue
        domain = None
        if domain_index is not None:
            domain = MEASURE_NAMES.get(normalise_header(re.sub(r"_?(rank|score|decile)$", "", row[domain_index])),
                                       _snake(re.sub(r"_?(rank|score|decile)$", "", row[domain_index])))
        for index, header, (measure, statistic) in measures:
            cell = row[index] if index < len(row) else ""
            try:
                number = parse_number(cell)
            except ValueError:
                problems.append(Problem(table.source, f"{cell!r} is not a number", line, header))
                continue
            if number is not None:
                values[area][f"{domain or measure}_{statistic}"] = number
    if problems:
        raise InputRejected(problems)
