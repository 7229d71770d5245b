"""Find the area-code and name columns in a published table, whatever the publisher called them.

A column holds area codes when most of its values are GSS codes of one level (LSOA, ward, local
authority…); its vintage comes from the year in its header (``LSOA21CD`` → 2021, ``wd25cd`` → 2025,
``LSOA code (2011)`` → 2011). Its name column shares the header's stem (``LSOA21CD``/``LSOA21NM``,
``lsoa21_code``/``lsoa21_name``, ``Local authority code``/``Local authority name``).
"""

import re
from collections import Counter
from dataclasses import dataclass

from core.problems import InputRejected, Problem
from geography.codes import GSS_CODE, LEVEL_BY_PREFIX
from geography.tables import Table, normalise_header

SAMPLE_ROWS = 200


@dataclass(frozen=True)
class CodeColumn:
    index: int
    header: str
    level: str
    vintage: str
    name_index: int | None


def header_vintage(header: str) -> str:
    """The code set's year from a header: ``LSOA21CD`` → ``2021``; ``LSOA code (2011)`` → ``2011``."""
    norm = normalise_header(header)
    four = re.search(r"(19|20)(\d{2})", norm)
    if four:
        return four.group(0)
    two = re.search(r"[a-z](\d{2})(?:cd|nm|code|name|$)", norm)
    return f"20{two.group(1)}" if two else ""


def _stem(header: str) -> str:
    norm = normalise_header(header)
    for suffix in ("code", "cd"):
        if norm.endswith(suffix):
            return norm[: -len(suffix)]
    return norm


def detect_code_columns(table: Table, code_column: str | None = None,
                        name_column: str | None = None) -> list[CodeColumn]:
    """The code columns of ``table``, lowest level first.

    ``code_column``/``name_column`` name them outright for files the heuristics miss. Raises
    InputRejected, listing the columns found, when no column holds area codes.
    """
    headers = table.header
    sample = table.rows[:SAMPLE_ROWS]
    if code_column is not None:
        if code_column not in headers:
            raise InputRejected([Problem(table.source, f"no column named {code_column!r}; the columns are: "
                                         + ", ".join(repr(h) for h in headers), line=1)])
        indexes = [headers.index(code_column)]
    else:
        indexes = range(len(headers))
    found = []
    for index in indexes:
        values = [row[index].strip() for row in sample if index < len(row) and row[index].strip()]
        prefixes = Counter(v[:3] for v in values if GSS_CODE.match(v))
        if not values or not prefixes:
            continue
        prefix, hits = prefixes.most_common(1)[0]
        if code_column is None and sum(prefixes.values()) < 0.9 * len(values):
            continue
        level = LEVEL_BY_PREFIX.get(prefix)
        if level is None:
            continue
        name_index = _name_column(headers, index, name_column)
        found.append(CodeColumn(index, headers[index], level, header_vintage(headers[index]), name_index))
    if not found:
        raise InputRejected([Problem(
            table.source, "no column of ONS area codes found (e.g. LSOA21CD, lsoa11_code, 'LSOA code'); "
            "the columns are: " + ", ".join(repr(h) for h in headers)
            + ". Name the code column with --code-column (or, for a file holding one outline, give its code "
            "with --code).", line=1)])
    order = ["lsoa", "msoa", "ward", "pcon", "lad", "csp", "pfa", "combined_authority", "region", "country"]
    return sorted(found, key=lambda c: (order.index(c.level) if c.level in order else 99, c.vintage))


def _name_column(headers: list[str], code_index: int, name_column: str | None) -> int | None:
    if name_column is not None:
        return headers.index(name_column) if name_column in headers else None
    stem = _stem(headers[code_index])
    for index, header in enumerate(headers):
        norm = normalise_header(header)
        if index != code_index and norm in {stem + "nm", stem + "name", stem.rstrip("_") + "name"}:
            return index
    # "LSOA code (2011)" / "LSOA name (2011)": same words with code → name
    swapped = normalise_header(headers[code_index]).replace("code", "name", 1)
    for index, header in enumerate(headers):
        if index != code_index and normalise_header(header) == swapped:
            return index
    return None


def find_column(headers: list[str], *candidates: str) -> int | None:
    """Index of the first header whose normalised form is one of ``candidates``, or None."""
    norms = [normalise_header(h) for h in headers]
    for candidate in candidates:
        if candidate in norms:
            return norms.index(candidate)
    return None
